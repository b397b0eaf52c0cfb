import * as aws from "@pulumi/aws";
import {
  validateResourceOfType,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { defaultMwaaEnvironmentClass, mwaaEnvironmentClasses } from "@data-platform/conventions";
import { estimateMonthlyCost } from "../cost-model/estimate";
import { defaultPriceTable, withPriceOverrides } from "../cost-model/prices";
import { defaultUsage, type UsageModel } from "../cost-model/usage";
import { get, parseJson, typeOf } from "../util";

// MWAA's environment classes, smallest first: the one list the stage config and the components use too.
const mwaaClasses: readonly string[] = mwaaEnvironmentClasses;

export interface CostConfig {
  /** Largest MWAA class allowed without review. @default mw1.medium */
  maxMwaaEnvironmentClass?: string;
  /** Most MWAA workers allowed without review. @default 10 */
  maxMwaaWorkers?: number;
  /** Largest Redshift Serverless base capacity (RPU) without review. @default 32 */
  maxRedshiftBaseCapacity?: number;
  /** MWAA environments allowed per account and region (the service quota). @default 10 */
  mwaaEnvironmentQuota?: number;
  /** The stage's monthly budget in USD; the budget rule applies only when it is set. */
  monthlyBudgetUsd?: number;
  /** Usage model overrides for the budget's estimate (see the plan's cost section). */
  usage?: Partial<UsageModel>;
  /** Price overrides for the budget's estimate, `{ "<key>": <usd> }`. */
  prices?: Record<string, number>;
  /**
   * Which Helm charts run each dedicated node group's service (the group's `data-platform.io/dedicated`
   * taint). @default { query: ["trino", "starburst-enterprise"], notebooks: ["jupyterhub"] }
   */
  dedicatedServices?: Record<string, string[]>;
}

const money = (usd: number) => `$${Math.round(usd).toLocaleString("en-US")}`;

export const monthlyBudget: StackValidationPolicy = {
  name: "cost-monthly-budget",
  description:
    "[cost] The stage's estimated monthly cost (fixed costs from the plan, usage from the model) stays within the configured budget.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      monthlyBudgetUsd: { type: "number", minimum: 0 },
      usage: { type: "object" },
      prices: { type: "object" },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<CostConfig>();
    if (config.monthlyBudgetUsd === undefined) return;
    const prices = config.prices
      ? withPriceOverrides(defaultPriceTable, config.prices, "policy config")
      : defaultPriceTable;
    const estimate = estimateMonthlyCost(
      args.resources.map((resource) => ({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        inputs: resource.props,
      })),
      { prices, usage: { ...defaultUsage, ...config.usage } },
    );
    if (estimate.total <= config.monthlyBudgetUsd) return;
    const drivers = new Map<string, number>();
    for (const line of estimate.lines)
      drivers.set(
        line.item.replace(/^\d+ x /, ""),
        (drivers.get(line.item.replace(/^\d+ x /, "")) ?? 0) + line.monthlyUsd,
      );
    const top = [...drivers.entries()]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([item, usd]) => `${item} ${money(usd)}`);
    const largest = [...estimate.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd)[0]!;
    report(
      `estimated ${money(estimate.total)}/month is over the budget of ${money(config.monthlyBudgetUsd)}; top drivers: ${top.join(", ")}`,
      largest.urn,
    );
  },
};

const defaultDedicatedServices: Record<string, string[]> = {
  query: ["trino", "starburst-enterprise"],
  notebooks: ["jupyterhub"],
};

function chartName(chart: unknown): string {
  return String(chart ?? "")
    .split("/")
    .pop()!;
}

export const idleNodeGroup: StackValidationPolicy = {
  name: "cost-idle-node-group",
  description:
    "[cost] A node group dedicated to a service (its data-platform.io/dedicated taint) keeps no nodes when the stage does not run that service.",
  enforcementLevel: "advisory",
  configSchema: { properties: { dedicatedServices: { type: "object" } } },
  validateStack: (args, report) => {
    const services = args.getConfig<CostConfig>().dedicatedServices ?? defaultDedicatedServices;
    const charts = new Set(
      args.resources
        .filter((resource) => resource.type.startsWith("kubernetes:helm.sh/"))
        .map((resource) => chartName(resource.props["chart"])),
    );
    for (const group of args.resources.filter((resource) => resource.type === typeOf(aws.eks.NodeGroup))) {
      const taints = (group.props["taints"] as { key?: string; value?: string }[] | undefined) ?? [];
      const service = taints.find((taint) => taint.key === "data-platform.io/dedicated")?.value;
      if (!service || !services[service]) continue;
      const scaling = (group.props["scalingConfig"] as { desiredSize?: number; minSize?: number } | undefined) ?? {};
      const nodes = Math.max(scaling.desiredSize ?? 0, scaling.minSize ?? 0);
      if (nodes === 0 || services[service]!.some((chart) => charts.has(chart))) continue;
      const instanceTypes = (group.props["instanceTypes"] as string[] | undefined) ?? [];
      report(
        `${nodes} ${instanceTypes[0] ?? ""} node(s) dedicated to "${service}", but the stage runs none of its charts (${services[service]!.join(", ")}): set desiredSize and minSize to 0 or enable the service`,
        group.urn,
      );
    }
  },
};

export const mwaaCaps: ResourceValidationPolicy = {
  name: "cost-mwaa-caps",
  description:
    "[cost] MWAA environments stay within the class and worker caps (SIZING: storage and MWAA dominate the bill).",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      maxMwaaEnvironmentClass: { type: "string", enum: [...mwaaClasses] },
      maxMwaaWorkers: { type: "integer", minimum: 1 },
    },
  },
  validateResource: validateResourceOfType(aws.mwaa.Environment, (environment, args, report) => {
    const config = args.getConfig<CostConfig>();
    const maxClass = config.maxMwaaEnvironmentClass ?? "mw1.medium";
    const maxWorkers = config.maxMwaaWorkers ?? 10;
    const environmentClass = environment.environmentClass ?? defaultMwaaEnvironmentClass;
    if (mwaaClasses.indexOf(environmentClass) > mwaaClasses.indexOf(maxClass))
      report(`environmentClass ${environmentClass} is above the cap ${maxClass}`);
    if ((environment.maxWorkers ?? 10) > maxWorkers)
      report(`maxWorkers ${environment.maxWorkers} is above the cap ${maxWorkers}`);
  }),
};

export const mwaaQuota: StackValidationPolicy = {
  name: "quota-mwaa-environments",
  description:
    "[quota] The stage stays within the MWAA environments quota (10 per account and region by default), instead of failing late in `pulumi up`.",
  enforcementLevel: "advisory",
  configSchema: { properties: { mwaaEnvironmentQuota: { type: "integer", minimum: 1 } } },
  validateStack: (args, report) => {
    const quota = args.getConfig<CostConfig>().mwaaEnvironmentQuota ?? 10;
    const environments = args.resources.filter((resource) => resource.type === typeOf(aws.mwaa.Environment));
    if (environments.length > quota) {
      report(
        `${environments.length} MWAA environments exceed the quota of ${quota}: request an increase before deploying`,
        environments[quota]!.urn,
      );
    }
  },
};

export const emrIdleTermination: StackValidationPolicy = {
  name: "cost-emr-idle-termination",
  description: "[cost] EMR clusters and cluster templates terminate when idle (nobody pays for idle clusters).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      if (resource.type === typeOf(aws.emr.Cluster) && !resource.props["autoTerminationPolicy"])
        report("EMR cluster has no autoTerminationPolicy", resource.urn);
      if (resource.type === typeOf(aws.ssm.Parameter)) {
        const template = parseJson(resource.props["insecureValue"] ?? resource.props["value"]);
        if (
          template &&
          typeof template === "object" &&
          "ReleaseLabel" in template &&
          !get(template, "AutoTerminationPolicy.IdleTimeout")
        )
          report("EMR template has no AutoTerminationPolicy.IdleTimeout", resource.urn);
      }
    }
  },
};

export const redshiftBaseCapacity: ResourceValidationPolicy = {
  name: "cost-redshift-base-capacity",
  description: "[cost] Redshift Serverless base capacity stays under the cap (the 128 RPU default is a costly trap).",
  enforcementLevel: "advisory",
  configSchema: { properties: { maxRedshiftBaseCapacity: { type: "integer", minimum: 4 } } },
  validateResource: validateResourceOfType(aws.redshiftserverless.Workgroup, (workgroup, args, report) => {
    const cap = args.getConfig<CostConfig>().maxRedshiftBaseCapacity ?? 32;
    const base = workgroup.baseCapacity ?? 128;
    if (base > cap)
      report(
        `baseCapacity ${base} RPU${workgroup.baseCapacity === undefined ? " (the default)" : ""} is above the cap ${cap}`,
      );
  }),
};

export const kinesisOnDemand: ResourceValidationPolicy = {
  name: "cost-kinesis-on-demand",
  description:
    "[cost] Kinesis streams with a known, steady throughput use right-sized provisioned shards (on-demand is ~15x the price at 2 TB/day).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, _args, report) => {
    if (stream.streamModeDetails?.streamMode === "ON_DEMAND")
      report("ON_DEMAND mode; size provisioned shards from the declared throughput");
  }),
};

export const s3GatewayEndpoint: StackValidationPolicy = {
  name: "cost-s3-gateway-endpoint",
  description:
    "[cost] Every VPC has an S3 gateway endpoint on the route table of every private subnet (not tagged SubnetType=Public), so lake traffic pays no NAT processing.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const ofType = (resourceClass: abstract new (...args: never[]) => unknown) =>
      args.resources.filter((resource) => resource.type === typeOf(resourceClass));
    const dependsOn = (resource: PolicyResource, target: PolicyResource) =>
      resource.dependencies.some((dependency) => dependency.urn === target.urn);
    const gateways = ofType(aws.ec2.VpcEndpoint).filter(
      (endpoint) =>
        endpoint.props["vpcEndpointType"] === "Gateway" && String(endpoint.props["serviceName"]).endsWith(".s3"),
    );
    for (const vpc of ofType(aws.ec2.Vpc)) {
      if (!gateways.some((gateway) => dependsOn(gateway, vpc))) report("VPC has no S3 gateway endpoint", vpc.urn);
    }
    const endpointAssociations = ofType(aws.ec2.VpcEndpointRouteTableAssociation);
    for (const table of ofType(aws.ec2.RouteTable)) {
      const privateSubnets = ofType(aws.ec2.RouteTableAssociation)
        .filter((association) => dependsOn(association, table))
        .flatMap((association) =>
          association.dependencies.filter((dependency) => dependency.type === typeOf(aws.ec2.Subnet)),
        )
        .filter((subnet) => ((subnet.props["tags"] ?? {}) as Record<string, unknown>)["SubnetType"] !== "Public");
      if (privateSubnets.length === 0) continue;
      const routed = gateways.some(
        (gateway) =>
          dependsOn(gateway, table) ||
          endpointAssociations.some((association) => dependsOn(association, gateway) && dependsOn(association, table)),
      );
      if (!routed)
        report(
          `route table of private subnets (${privateSubnets.map((subnet) => subnet.name).join(", ")}) has no S3 gateway endpoint: S3 traffic pays NAT processing`,
          table.urn,
        );
    }
  },
};

export const costPolicies = [
  mwaaCaps,
  mwaaQuota,
  emrIdleTermination,
  redshiftBaseCapacity,
  kinesisOnDemand,
  s3GatewayEndpoint,
  monthlyBudget,
  idleNodeGroup,
];

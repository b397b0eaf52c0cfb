import * as aws from "@pulumi/aws";
import { validateResourceOfType, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { get, parseJson, typeOf } from "../util";

const mwaaClasses = ["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"];

export interface CostConfig {
  /** Largest MWAA class allowed without review. @default mw1.medium */
  maxMwaaEnvironmentClass?: string;
  /** Most MWAA workers allowed without review. @default 10 */
  maxMwaaWorkers?: number;
  /** Largest Redshift Serverless base capacity (RPU) without review. @default 32 */
  maxRedshiftBaseCapacity?: number;
  /** MWAA environments allowed per account and region (the service quota). @default 10 */
  mwaaEnvironmentQuota?: number;
}

export const mwaaCaps: ResourceValidationPolicy = {
  name: "cost-mwaa-caps",
  description: "[cost] MWAA environments stay within the class and worker caps (SIZING: storage and MWAA dominate the bill).",
  enforcementLevel: "advisory",
  configSchema: { properties: { maxMwaaEnvironmentClass: { type: "string", enum: mwaaClasses }, maxMwaaWorkers: { type: "integer", minimum: 1 } } },
  validateResource: validateResourceOfType(aws.mwaa.Environment, (environment, args, report) => {
    const config = args.getConfig<CostConfig>();
    const maxClass = config.maxMwaaEnvironmentClass ?? "mw1.medium";
    const maxWorkers = config.maxMwaaWorkers ?? 10;
    const environmentClass = environment.environmentClass ?? "mw1.small";
    if (mwaaClasses.indexOf(environmentClass) > mwaaClasses.indexOf(maxClass)) report(`environmentClass ${environmentClass} is above the cap ${maxClass}`);
    if ((environment.maxWorkers ?? 10) > maxWorkers) report(`maxWorkers ${environment.maxWorkers} is above the cap ${maxWorkers}`);
  }),
};

export const mwaaQuota: StackValidationPolicy = {
  name: "quota-mwaa-environments",
  description: "[quota] The stage stays within the MWAA environments quota (10 per account and region by default), instead of failing late in `pulumi up`.",
  enforcementLevel: "advisory",
  configSchema: { properties: { mwaaEnvironmentQuota: { type: "integer", minimum: 1 } } },
  validateStack: (args, report) => {
    const quota = args.getConfig<CostConfig>().mwaaEnvironmentQuota ?? 10;
    const environments = args.resources.filter((resource) => resource.type === typeOf(aws.mwaa.Environment));
    if (environments.length > quota) {
      report(`${environments.length} MWAA environments exceed the quota of ${quota}: request an increase before deploying`, environments[quota]!.urn);
    }
  },
};

export const emrIdleTermination: StackValidationPolicy = {
  name: "cost-emr-idle-termination",
  description: "[cost] EMR clusters and cluster templates terminate when idle (nobody pays for idle clusters).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      if (resource.type === typeOf(aws.emr.Cluster) && !resource.props["autoTerminationPolicy"]) report("EMR cluster has no autoTerminationPolicy", resource.urn);
      if (resource.type === typeOf(aws.ssm.Parameter)) {
        const template = parseJson(resource.props["value"]);
        if (template && typeof template === "object" && "ReleaseLabel" in template && !get(template, "AutoTerminationPolicy.IdleTimeout")) report("EMR template has no AutoTerminationPolicy.IdleTimeout", resource.urn);
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
    if (base > cap) report(`baseCapacity ${base} RPU${workgroup.baseCapacity === undefined ? " (the default)" : ""} is above the cap ${cap}`);
  }),
};

export const kinesisOnDemand: ResourceValidationPolicy = {
  name: "cost-kinesis-on-demand",
  description: "[cost] Kinesis streams with a known, steady throughput use right-sized provisioned shards (on-demand is ~15x the price at 2 TB/day).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, _args, report) => {
    if (stream.streamModeDetails?.streamMode === "ON_DEMAND") report("ON_DEMAND mode; size provisioned shards from the declared throughput");
  }),
};

export const s3GatewayEndpoint: StackValidationPolicy = {
  name: "cost-s3-gateway-endpoint",
  description:
    "[cost] Every VPC has an S3 gateway endpoint on the route table of every private subnet (not tagged SubnetType=Public), so lake traffic pays no NAT processing.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const ofType = (resourceClass: abstract new (...args: never[]) => unknown) => args.resources.filter((resource) => resource.type === typeOf(resourceClass));
    const dependsOn = (resource: PolicyResource, target: PolicyResource) => resource.dependencies.some((dependency) => dependency.urn === target.urn);
    const gateways = ofType(aws.ec2.VpcEndpoint).filter((endpoint) => endpoint.props["vpcEndpointType"] === "Gateway" && String(endpoint.props["serviceName"]).endsWith(".s3"));
    for (const vpc of ofType(aws.ec2.Vpc)) {
      if (!gateways.some((gateway) => dependsOn(gateway, vpc))) report("VPC has no S3 gateway endpoint", vpc.urn);
    }
    const endpointAssociations = ofType(aws.ec2.VpcEndpointRouteTableAssociation);
    for (const table of ofType(aws.ec2.RouteTable)) {
      const privateSubnets = ofType(aws.ec2.RouteTableAssociation)
        .filter((association) => dependsOn(association, table))
        .flatMap((association) => association.dependencies.filter((dependency) => dependency.type === typeOf(aws.ec2.Subnet)))
        .filter((subnet) => ((subnet.props["tags"] ?? {}) as Record<string, unknown>)["SubnetType"] !== "Public");
      if (privateSubnets.length === 0) continue;
      const routed = gateways.some((gateway) => dependsOn(gateway, table) || endpointAssociations.some((association) => dependsOn(association, gateway) && dependsOn(association, table)));
      if (!routed) report(`route table of private subnets (${privateSubnets.map((subnet) => subnet.name).join(", ")}) has no S3 gateway endpoint: S3 traffic pays NAT processing`, table.urn);
    }
  },
};

export const costPolicies = [mwaaCaps, mwaaQuota, emrIdleTermination, redshiftBaseCapacity, kinesisOnDemand, s3GatewayEndpoint];

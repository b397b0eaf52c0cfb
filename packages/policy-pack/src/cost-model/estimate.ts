import { daysPerMonth, defaultPriceTable, hoursPerMonth, type PriceTable } from "./prices";
import { defaultUsage, type UsageModel } from "./usage";

/** A resource as the plan (or the policy analyzer) sees it. */
export interface CostedResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface CostLine {
  /** The resource the cost belongs to. */
  urn: string;
  /** What is billed, e.g. `MWAA mw1.small environment`. */
  item: string;
  quantity: number;
  unit: string;
  /** The price key in the table. */
  price: string;
  unitUsd: number;
  monthlyUsd: number;
  /** `plan`: from the plan's inputs; `usage`: from the usage model. */
  basis: "plan" | "usage";
}

export interface Unpriced {
  urn: string;
  item: string;
  price: string;
}

export interface CostModelResult {
  total: number;
  lines: CostLine[];
  unpriced: Unpriced[];
}

interface Context {
  prices: PriceTable;
  usage: UsageModel;
  lines: CostLine[];
  unpriced: Unpriced[];
}

function add(
  context: Context,
  urn: string,
  item: string,
  price: string,
  quantity: number,
  unit: string,
  basis: CostLine["basis"],
): void {
  if (quantity <= 0) return;
  const entry = context.prices.prices[price];
  if (!entry) {
    context.unpriced.push({ urn, item, price });
    return;
  }
  context.lines.push({
    urn,
    item,
    quantity: round(quantity),
    unit,
    price,
    unitUsd: entry.usd,
    monthlyUsd: round(quantity * entry.usd),
    basis,
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function ratio(context: Context, key: string, fallback: number): number {
  return context.prices.prices[key]?.usd ?? fallback;
}

const num = (value: unknown, fallback = 0): number =>
  typeof value === "number" && Number.isFinite(value)
    ? value
    : typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))
      ? Number(value)
      : fallback;

/** `ec2.<family>.<size>` for an instance type such as `r7g.4xlarge`. */
export function instancePriceKey(instanceType: string): string {
  return `ec2.${instanceType}`;
}

/** GB-months stored after `days` of daily writes of `gbPerDay`, by Intelligent-Tiering tier (objects not read again after landing). */
export function intelligentTiering(
  gbPerDay: number,
  days: number,
): { frequent: number; infrequent: number; archiveInstant: number } {
  return {
    frequent: gbPerDay * Math.min(days, 30),
    infrequent: gbPerDay * Math.max(0, Math.min(days, 90) - 30),
    archiveInstant: gbPerDay * Math.max(0, days - 90),
  };
}

interface LifecycleRule {
  status?: string;
  filter?: { prefix?: string };
  expiration?: { days?: number };
  transitions?: { days?: number; storageClass?: string }[];
}

function zoneOf(bucketName: string): "landing" | "raw" | "analytics" | undefined {
  for (const zone of ["landing", "raw", "analytics"] as const) if (`-${bucketName}-`.includes(`-${zone}-`)) return zone;
  return undefined;
}

/**
 * The monthly cost of a set of resources: fixed costs from their inputs (MWAA classes and workers,
 * node groups, NAT gateways, public IPv4 addresses (Elastic IPs), interface endpoints, EKS control planes, Kinesis shards, Flink KPUs,
 * Redshift base RPUs, KMS keys), usage-driven costs from the usage model (lake storage with the
 * lifecycle rules the plan sets, S3 requests, EMR cluster hours per domain, Fargate task hours,
 * warehouse query hours, streaming PUTs, NAT and endpoint traffic). Items without a price in the
 * table are listed as unpriced instead of guessed.
 */
export function estimateMonthlyCost(
  resources: readonly CostedResource[],
  options: { prices?: PriceTable; usage?: UsageModel } = {},
): CostModelResult {
  const context: Context = {
    prices: options.prices ?? defaultPriceTable,
    usage: options.usage ?? defaultUsage,
    lines: [],
    unpriced: [],
  };
  const { usage } = context;
  const month = hoursPerMonth;

  // Lake storage: each zone's daily volume is shared evenly by the zone's buckets.
  const buckets = resources.filter((resource) => resource.type === "aws:s3/bucket:Bucket");
  const lifecycleByBucket = new Map<string, LifecycleRule[]>();
  for (const resource of resources) {
    if (resource.type !== "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration") continue;
    lifecycleByBucket.set(
      String(resource.inputs["bucket"]),
      (resource.inputs["rules"] as LifecycleRule[] | undefined) ?? [],
    );
  }
  const zoneBuckets = {
    landing: [] as CostedResource[],
    raw: [] as CostedResource[],
    analytics: [] as CostedResource[],
  };
  for (const bucket of buckets) {
    const zone = zoneOf(String(bucket.inputs["bucket"] ?? bucket.name));
    if (zone) zoneBuckets[zone].push(bucket);
  }
  const landedGbPerDay = usage.dataTbPerDay * 1000;
  const dailyGb = {
    landing: landedGbPerDay,
    raw: landedGbPerDay * usage.rawStoredRatio,
    analytics: landedGbPerDay * usage.rawStoredRatio * usage.curatedRatio,
  };
  const historyDays = usage.monthsOfHistory * daysPerMonth;
  for (const zone of ["landing", "raw", "analytics"] as const) {
    for (const bucket of zoneBuckets[zone]) {
      const gbPerDay = dailyGb[zone] / zoneBuckets[zone].length;
      const rules = (lifecycleByBucket.get(String(bucket.inputs["bucket"])) ?? []).filter(
        (rule) => rule.status !== "Disabled" && (rule.filter?.prefix ?? "") === "",
      );
      const expiration = Math.min(...rules.map((rule) => rule.expiration?.days ?? Infinity));
      const days = Math.min(historyDays, expiration);
      const tiering = rules.some((rule) =>
        (rule.transitions ?? []).some(
          (transition) => transition.storageClass === "INTELLIGENT_TIERING" && (transition.days ?? 0) === 0,
        ),
      );
      const label = `${zone} zone storage (${Math.round(gbPerDay)} GB/day, ${Math.round(days)} days kept)`;
      if (tiering) {
        const tiers = intelligentTiering(gbPerDay, days);
        add(
          context,
          bucket.urn,
          `${label}: Intelligent-Tiering frequent`,
          "s3.it.frequent",
          tiers.frequent,
          "GB-month",
          "usage",
        );
        add(
          context,
          bucket.urn,
          `${label}: Intelligent-Tiering infrequent`,
          "s3.it.infrequent",
          tiers.infrequent,
          "GB-month",
          "usage",
        );
        add(
          context,
          bucket.urn,
          `${label}: Intelligent-Tiering archive instant`,
          "s3.it.archiveInstant",
          tiers.archiveInstant,
          "GB-month",
          "usage",
        );
        add(
          context,
          bucket.urn,
          `${zone} zone Intelligent-Tiering monitoring`,
          "s3.it.monitoring1k",
          (gbPerDay * days * 1000) / usage.averageObjectMb / 1000,
          "1,000 objects",
          "usage",
        );
      } else {
        add(context, bucket.urn, `${label}: Standard`, "s3.standard", gbPerDay * days, "GB-month", "usage");
      }
    }
  }
  const landing = zoneBuckets.landing[0] ?? buckets[0];
  if (landing) {
    add(
      context,
      landing.urn,
      "lake PUT requests",
      "s3.put1k",
      usage.s3PutsMillionPerDay * 1000 * daysPerMonth,
      "1,000 requests",
      "usage",
    );
    add(
      context,
      landing.urn,
      "lake GET requests",
      "s3.get1k",
      usage.s3GetsMillionPerDay * 1000 * daysPerMonth,
      "1,000 requests",
      "usage",
    );
  }

  const vpcs = resources.filter((resource) => resource.type === "awsx:ec2:Vpc");
  const natGateways = resources.filter((resource) => resource.type === "aws:ec2/natGateway:NatGateway");
  let natCount = natGateways.length;
  for (const gateway of natGateways)
    add(context, gateway.urn, "NAT gateway", "nat.hour", month, "gateway-hours", "plan");
  if (natGateways.length === 0) {
    for (const vpc of vpcs) {
      const strategy = String((vpc.inputs["natGateways"] as { strategy?: string } | undefined)?.strategy ?? "OnePerAz");
      const zones = num(vpc.inputs["numberOfAvailabilityZones"], 3);
      const count = strategy === "None" ? 0 : strategy === "Single" ? 1 : zones;
      natCount += count;
      add(context, vpc.urn, `NAT gateways (${strategy}, ${count})`, "nat.hour", count * month, "gateway-hours", "plan");
      // awsx gives each NAT gateway an Elastic IP of its own.
      add(
        context,
        vpc.urn,
        `NAT gateways' Elastic IPs (${count} public IPv4 addresses)`,
        "publicIpv4.hour",
        count * month,
        "address-hours",
        "plan",
      );
    }
  }
  // Public IPv4 addresses are charged by the hour, in use or idle: every Elastic IP of the plan (a NAT gateway's
  // public address is its Elastic IP, so the gateway adds none of its own). Addresses from your own pool (BYOIP,
  // `publicIpv4Pool` other than "amazon") and Outposts' customer-owned ones are not charged.
  for (const address of resources.filter((resource) => resource.type === "aws:ec2/eip:Eip")) {
    const pool = address.inputs["publicIpv4Pool"];
    if ((typeof pool === "string" && pool !== "amazon") || address.inputs["customerOwnedIpv4Pool"] !== undefined)
      continue;
    add(context, address.urn, "Elastic IP (public IPv4 address)", "publicIpv4.hour", month, "address-hours", "plan");
  }
  const natOwner = natGateways[0] ?? vpcs[0];
  if (natOwner && natCount > 0)
    add(context, natOwner.urn, "NAT data processed", "nat.gb", usage.natGbPerDay * daysPerMonth, "GB", "usage");

  const interfaceEndpoints = resources.filter(
    (resource) =>
      resource.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && resource.inputs["vpcEndpointType"] === "Interface",
  );
  for (const endpoint of interfaceEndpoints) {
    const zones = Array.isArray(endpoint.inputs["subnetIds"]) ? (endpoint.inputs["subnetIds"] as unknown[]).length : 1;
    add(
      context,
      endpoint.urn,
      `interface endpoint ${String(endpoint.inputs["serviceName"] ?? endpoint.name)
        .split(".")
        .slice(3)
        .join(".")} in ${zones} AZs`,
      "vpcEndpoint.azHour",
      zones * month,
      "endpoint-AZ-hours",
      "plan",
    );
  }
  if (interfaceEndpoints[0])
    add(
      context,
      interfaceEndpoints[0].urn,
      "interface endpoint data processed",
      "vpcEndpoint.gb",
      usage.interfaceEndpointGbPerDay * daysPerMonth,
      "GB",
      "usage",
    );

  const mwaaEnvironments = resources.filter((resource) => resource.type === "aws:mwaa/environment:Environment");
  for (const environment of mwaaEnvironments) {
    const environmentClass = String(environment.inputs["environmentClass"] ?? "mw1.small");
    add(
      context,
      environment.urn,
      `MWAA ${environmentClass} environment`,
      `mwaa.${environmentClass}`,
      month,
      "environment-hours",
      "plan",
    );
    const minWorkers = num(environment.inputs["minWorkers"], 1);
    if (minWorkers > 1)
      add(
        context,
        environment.urn,
        `MWAA ${minWorkers - 1} workers above the included one`,
        `mwaa.worker.${environmentClass}`,
        (minWorkers - 1) * month,
        "worker-hours",
        "plan",
      );
    add(
      context,
      environment.urn,
      "MWAA autoscaled workers",
      `mwaa.worker.${environmentClass}`,
      usage.mwaaExtraWorkerHoursPerDay * daysPerMonth,
      "worker-hours",
      "usage",
    );
  }

  for (const cluster of resources.filter((resource) => resource.type === "aws:eks/cluster:Cluster"))
    add(context, cluster.urn, "EKS control plane", "eks.controlPlane", month, "cluster-hours", "plan");
  for (const nodeGroup of resources.filter((resource) => resource.type === "aws:eks/nodeGroup:NodeGroup")) {
    const scaling = (nodeGroup.inputs["scalingConfig"] as { desiredSize?: number } | undefined) ?? {};
    const instanceType = String(((nodeGroup.inputs["instanceTypes"] as string[] | undefined) ?? [])[0] ?? "m7g.large");
    const desired = num(scaling.desiredSize, 0);
    const spot = nodeGroup.inputs["capacityType"] === "SPOT";
    const spotRatio = spot ? ratio(context, "ec2.spotPriceRatio", 1) : 1;
    add(
      context,
      nodeGroup.urn,
      `${desired} x ${instanceType} nodes${spot ? " (Spot)" : ""}`,
      instancePriceKey(instanceType),
      desired * month * spotRatio,
      "instance-hours",
      "plan",
    );
  }

  for (const stream of resources.filter((resource) => resource.type === "aws:kinesis/stream:Stream")) {
    const mode =
      (stream.inputs["streamModeDetails"] as { streamMode?: string } | undefined)?.streamMode ?? "PROVISIONED";
    if (mode === "ON_DEMAND")
      add(context, stream.urn, "Kinesis on-demand stream", "kinesis.onDemandStream", month, "stream-hours", "plan");
    else
      add(
        context,
        stream.urn,
        `Kinesis ${num(stream.inputs["shardCount"], 1)} shards`,
        "kinesis.shard",
        num(stream.inputs["shardCount"], 1) * month,
        "shard-hours",
        "plan",
      );
  }
  const streams = resources.filter((resource) => resource.type === "aws:kinesis/stream:Stream");
  if (streams.length > 0) {
    // 25 KB PUT payload units of the streamed share of the daily volume, spread over the streams.
    const units = (landedGbPerDay * usage.streamingShare * 1e6) / 25 / 1e6;
    for (const stream of streams)
      add(
        context,
        stream.urn,
        "Kinesis PUT payload units",
        "kinesis.putUnitsMillion",
        (units / streams.length) * daysPerMonth,
        "million units",
        "usage",
      );
  }

  for (const application of resources.filter(
    (resource) => resource.type === "aws:kinesisanalyticsv2/application:Application",
  )) {
    const configuration = application.inputs["applicationConfiguration"] as
      | {
          flinkApplicationConfiguration?: {
            parallelismConfiguration?: { parallelism?: number; parallelismPerKpu?: number };
          };
        }
      | undefined;
    const parallelism = configuration?.flinkApplicationConfiguration?.parallelismConfiguration ?? {};
    const kpus = Math.ceil(num(parallelism.parallelism, 1) / Math.max(1, num(parallelism.parallelismPerKpu, 1))) + 1;
    add(
      context,
      application.urn,
      `Managed Flink ${kpus} KPUs (incl. 1 orchestration)`,
      "flink.kpu",
      kpus * month,
      "KPU-hours",
      "plan",
    );
  }

  for (const workgroup of resources.filter(
    (resource) => resource.type === "aws:redshiftserverless/workgroup:Workgroup",
  )) {
    const base = num(workgroup.inputs["baseCapacity"], 128);
    add(
      context,
      workgroup.urn,
      `Redshift Serverless ${base} base RPUs, ${usage.warehouseActiveHoursPerDay} h/day`,
      "redshiftServerless.rpu",
      base * usage.warehouseActiveHoursPerDay * daysPerMonth,
      "RPU-hours",
      "usage",
    );
  }

  const keys = resources.filter((resource) => resource.type === "aws:kms/key:Key");
  for (const key of keys) add(context, key.urn, "KMS key", "kms.key", 1, "key-months", "plan");
  if (keys[0])
    add(
      context,
      keys[0].urn,
      "KMS requests",
      "kms.requests10k",
      (usage.kmsRequestsMillionPerDay * 1e6 * daysPerMonth) / 1e4,
      "10,000 requests",
      "usage",
    );
  for (const secret of resources.filter((resource) => resource.type === "aws:secretsmanager/secret:Secret"))
    add(context, secret.urn, "Secrets Manager secret", "secretsmanager.secret", 1, "secret-months", "plan");
  for (const balancer of resources.filter((resource) => resource.type === "aws:lb/loadBalancer:LoadBalancer")) {
    const kind = String(balancer.inputs["loadBalancerType"] ?? "application");
    add(context, balancer.urn, `${kind} load balancer`, `elb.${kind}`, month, "balancer-hours", "plan");
  }
  for (const group of resources.filter((resource) => resource.type === "aws:cloudwatch/logGroup:LogGroup")) {
    const retention = num(group.inputs["retentionInDays"], 0) || historyDays;
    add(
      context,
      group.urn,
      `log ingestion (${usage.logGbPerGroupPerDay} GB/day)`,
      "cloudwatch.ingestGb",
      usage.logGbPerGroupPerDay * daysPerMonth,
      "GB",
      "usage",
    );
    add(
      context,
      group.urn,
      `log storage (${Math.round(Math.min(retention, historyDays))} days kept)`,
      "cloudwatch.storageGb",
      usage.logGbPerGroupPerDay * Math.min(retention, historyDays),
      "GB-month",
      "usage",
    );
  }

  // Ephemeral Spark: one RunJobFlow template per domain; Spot on the core and task share.
  const vcpuHour = (context.prices.prices["ec2.m7g.xlarge"]?.usd ?? 0) / 4;
  const emrUplift = ratio(context, "emr.uplift", 0.25);
  const spotRatio = ratio(context, "ec2.spotPriceRatio", 1);
  for (const template of resources.filter(
    (resource) =>
      resource.type === "aws:ssm/parameter:Parameter" &&
      /\/spark\/[^/]+\/run-job-flow$/.test(String(resource.inputs["name"] ?? "")),
  )) {
    const vcpuHours = usage.emrClusterHoursPerDomainPerDay * usage.emrVcpusPerCluster * daysPerMonth;
    const blended = 1 - usage.emrSpotShare + usage.emrSpotShare * spotRatio;
    if (vcpuHour > 0) {
      context.lines.push({
        urn: template.urn,
        item: `EMR clusters ${usage.emrClusterHoursPerDomainPerDay} h/day x ${usage.emrVcpusPerCluster} vCPUs (m7g, ${Math.round(usage.emrSpotShare * 100)}% Spot, +EMR uplift)`,
        quantity: round(vcpuHours),
        unit: "vCPU-hours",
        price: "ec2.m7g.xlarge",
        unitUsd: round(vcpuHour * (blended + emrUplift) * 10000) / 10000,
        monthlyUsd: round(vcpuHours * vcpuHour * (blended + emrUplift)),
        basis: "usage",
      });
    } else {
      context.unpriced.push({ urn: template.urn, item: "EMR clusters", price: "ec2.m7g.xlarge" });
    }
  }

  for (const task of resources.filter((resource) => resource.type === "aws:ecs/taskDefinition:TaskDefinition")) {
    const vcpus = num(task.inputs["cpu"], 256) / 1024;
    const gb = num(task.inputs["memory"], 512) / 1024;
    const arm =
      (task.inputs["runtimePlatform"] as { cpuArchitecture?: string } | undefined)?.cpuArchitecture === "ARM64"
        ? ratio(context, "fargate.armRatio", 1)
        : 1;
    const hours = usage.fargateTaskHoursPerDomainPerDay * daysPerMonth;
    add(
      context,
      task.urn,
      `Fargate ${vcpus} vCPU task, ${usage.fargateTaskHoursPerDomainPerDay} h/day`,
      "fargate.vcpu",
      vcpus * hours * arm,
      "vCPU-hours",
      "usage",
    );
    add(context, task.urn, `Fargate ${gb} GB task memory`, "fargate.gb", gb * hours * arm, "GB-hours", "usage");
  }

  const total = round(context.lines.reduce((sum, line) => sum + line.monthlyUsd, 0));
  return { total, lines: context.lines, unpriced: context.unpriced };
}

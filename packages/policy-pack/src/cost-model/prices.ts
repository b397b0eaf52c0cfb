/**
 * List prices used by the cost estimate, in USD, as data: each entry says where the figure comes from.
 * Region: eu-west-1 (Ireland) on-demand list prices where the source gives them; entries marked
 * `us-east-1` are the design's us-east-1 figures (../design SIZING.md, which cites the AWS pricing
 * pages) used as a stand-in until checked against the eu-west-1 column, where prices are usually
 * equal or a few percent higher. Derived entries say how. Override any entry with `--prices <json>`
 * (`{ "prices": { "<key>": <usd> } }`).
 */
export interface Price {
  usd: number;
  unit: string;
  source: string;
}

export interface PriceTable {
  region: string;
  currency: "USD";
  /** When the table was last reviewed. */
  date: string;
  prices: Record<string, Price>;
}

const sizing = "design SIZING.md (AWS pricing pages)";
const euWest1 = `${sizing}, eu-west-1`;
const unchecked = "AWS pricing page figure, not in SIZING.md and not checked offline: override when it differs";
const usEast1 = `${sizing}, us-east-1 figure (eu-west-1 not yet checked)`;

/** Hours in an average month (730 = 8,760 / 12), as AWS's pricing calculator uses. */
export const hoursPerMonth = 730;
/** Days in an average month (365 / 12). */
export const daysPerMonth = 365 / 12;

/** On-demand Linux prices of the Graviton families the platform uses, scaled from their xlarge size (AWS prices are linear in size within a family). */
function family(name: string, xlarge: number, source: string): Record<string, Price> {
  const sizes: Record<string, number> = {
    medium: 0.25,
    large: 0.5,
    xlarge: 1,
    "2xlarge": 2,
    "4xlarge": 4,
    "8xlarge": 8,
    "12xlarge": 12,
    "16xlarge": 16,
  };
  return Object.fromEntries(
    Object.entries(sizes).map(([size, factor]) => [
      `ec2.${name}.${size}`,
      {
        usd: Number((xlarge * factor).toFixed(4)),
        unit: "instance-hour",
        source: factor === 1 ? source : `${source}; ${size} = ${factor} x xlarge`,
      },
    ]),
  );
}

export const defaultPriceTable: PriceTable = {
  region: "eu-west-1",
  currency: "USD",
  date: "2026-12-05",
  prices: {
    ...family("m6g", 0.172, `${euWest1} (low confidence)`),
    ...family("m7g", 0.183, `${euWest1} (low confidence)`),
    ...family("r6g", 0.2254, `${euWest1} (low confidence)`),
    ...family("r7g", 0.2398, `derived: r6g.xlarge (${euWest1}) x the m7g/m6g ratio 1.064 (low confidence)`),
    ...family("m5", 0.214, `${euWest1} (low confidence)`),
    "ec2.spotPriceRatio": {
      usd: 0.4,
      unit: "ratio of on-demand",
      source: `${sizing}: Spot typically 50-70% below on-demand for m7g (0.4 = 60% below)`,
    },
    "emr.uplift": {
      usd: 0.25,
      unit: "ratio of EC2 on-demand",
      source: `${sizing}: EMR uplift about 25% of the EC2 on-demand price, also under Spot`,
    },
    "mwaa.mw1.small": { usd: 0.49, unit: "environment-hour", source: usEast1 },
    "mwaa.mw1.medium": { usd: 0.74, unit: "environment-hour", source: usEast1 },
    "mwaa.mw1.large": { usd: 0.99, unit: "environment-hour", source: usEast1 },
    "mwaa.worker.mw1.small": { usd: 0.055, unit: "worker-hour", source: usEast1 },
    "mwaa.worker.mw1.medium": { usd: 0.11, unit: "worker-hour", source: usEast1 },
    "mwaa.worker.mw1.large": { usd: 0.22, unit: "worker-hour", source: usEast1 },
    "eks.controlPlane": { usd: 0.1, unit: "cluster-hour", source: `${sizing} (the same in every commercial region)` },
    "fargate.vcpu": { usd: 0.04048, unit: "vCPU-hour", source: usEast1 },
    "fargate.gb": { usd: 0.004445, unit: "GB-hour", source: usEast1 },
    "fargate.armRatio": { usd: 0.8, unit: "ratio", source: `${sizing}: Graviton (ARM64) 20% less` },
    "kinesis.shard": { usd: 0.015, unit: "shard-hour", source: usEast1 },
    "kinesis.putUnitsMillion": { usd: 0.014, unit: "million 25 KB PUT units", source: usEast1 },
    "kinesis.onDemandStream": { usd: 0.04, unit: "stream-hour", source: usEast1 },
    "kinesis.onDemandGbIn": { usd: 0.08, unit: "GB written", source: usEast1 },
    "flink.kpu": { usd: 0.127, unit: "KPU-hour", source: `${sizing}, eu-west-2 figure (eu-west-1 not yet checked)` },
    "redshiftServerless.rpu": { usd: 0.375, unit: "RPU-hour", source: usEast1 },
    "nat.hour": { usd: 0.048, unit: "gateway-hour", source: euWest1 },
    "nat.gb": { usd: 0.048, unit: "GB processed", source: euWest1 },
    "publicIpv4.hour": {
      usd: 0.005,
      unit: "public IPv4 address-hour",
      source:
        "AWS News Blog, New - AWS Public IPv4 Address Charge + Public IP Insights (2023-07-28), and aws.amazon.com/vpc/pricing, Public IPv4 Address tab: from 2024-02-01 every public IPv4 address, in use or idle, $0.005 per hour in every region; the AWS Networking blog Identify and optimize public IPv4 address usage on AWS names the kinds charged (EC2 public addresses, Elastic IPs, the addresses of NAT gateways and load balancers; not BYOIP). The rate as published with the announcement; the pricing page was not re-read offline",
    },
    "vpcEndpoint.azHour": { usd: 0.011, unit: "endpoint-AZ-hour", source: euWest1 },
    "vpcEndpoint.gb": { usd: 0.01, unit: "GB processed", source: euWest1 },
    "kms.key": { usd: 1, unit: "key-month", source: sizing },
    "kms.requests10k": { usd: 0.03, unit: "10,000 requests", source: sizing },
    "s3.standard": { usd: 0.023, unit: "GB-month", source: usEast1 },
    "s3.it.frequent": { usd: 0.023, unit: "GB-month", source: usEast1 },
    "s3.it.infrequent": { usd: 0.0125, unit: "GB-month", source: usEast1 },
    "s3.it.archiveInstant": {
      usd: 0.004,
      unit: "GB-month",
      source: `${usEast1}; Intelligent-Tiering's archive instant tier at the Glacier Instant Retrieval rate`,
    },
    "s3.it.monitoring1k": { usd: 0.0025, unit: "1,000 objects-month", source: usEast1 },
    "s3.put1k": { usd: 0.005, unit: "1,000 PUT requests", source: usEast1 },
    "s3.get1k": { usd: 0.0004, unit: "1,000 GET requests", source: usEast1 },
    "secretsmanager.secret": {
      usd: 0.4,
      unit: "secret-month",
      source: `${unchecked} (aws.amazon.com/secrets-manager/pricing)`,
    },
    "elb.network": {
      usd: 0.0252,
      unit: "balancer-hour",
      source: `${unchecked} (aws.amazon.com/elasticloadbalancing/pricing, eu-west-1; LCUs not included)`,
    },
    "elb.application": {
      usd: 0.0252,
      unit: "balancer-hour",
      source: `${unchecked} (aws.amazon.com/elasticloadbalancing/pricing, eu-west-1; LCUs not included)`,
    },
    "cloudwatch.ingestGb": {
      usd: 0.57,
      unit: "GB ingested",
      source: `${unchecked} (aws.amazon.com/cloudwatch/pricing, eu-west-1 standard logs)`,
    },
    "cloudwatch.storageGb": {
      usd: 0.03,
      unit: "GB-month archived",
      source: `${unchecked} (aws.amazon.com/cloudwatch/pricing)`,
    },
    "glue.catalog100k": { usd: 1, unit: "100,000 objects-month above the first million", source: sizing },
  },
};

/** A copy of a table with some prices replaced (user overrides). Unknown keys are added as-is. */
export function withPriceOverrides(table: PriceTable, overrides: Record<string, number>, source: string): PriceTable {
  const prices = { ...table.prices };
  for (const [key, usd] of Object.entries(overrides)) {
    prices[key] = { usd, unit: prices[key]?.unit ?? "as given", source };
  }
  return { ...table, prices };
}

import type * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import {
  capacityModes,
  defaultPeakFactor,
  throughputProblems,
  type CapacityMode,
  type FlinkSizing,
  type PriceTable,
  type ShardLimits,
} from "./sizing";
import { isLogRetentionDays, logRetentionDays, platformDefaults } from "@data-platform/conventions";

/** Glue Schema Registry compatibility modes. */
export const schemaCompatibilities = [
  "NONE",
  "DISABLED",
  "BACKWARD",
  "BACKWARD_ALL",
  "FORWARD",
  "FORWARD_ALL",
  "FULL",
  "FULL_ALL",
] as const;
export type SchemaCompatibility = (typeof schemaCompatibilities)[number];

/** Flink runtimes of Managed Service for Apache Flink (@pulumi/aws 7.48 typings). */
export const flinkRuntimes = ["FLINK-1_15", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20", "FLINK-2_2"] as const;
export type FlinkRuntime = (typeof flinkRuntimes)[number];

/**
 * Runtimes whose application state Managed Flink encrypts with a customer managed key: "CMKs are only supported
 * with Flink runtime 1.20 or later" (AWS Big Data Blog, "Achieve full control over your data encryption using
 * customer managed keys in Amazon Managed Service for Apache Flink", 2025-09). Older runtimes keep the AWS owned key.
 */
export const customerKeyStateRuntimes: readonly FlinkRuntime[] = ["FLINK-1_20", "FLINK-2_2"];

/** CloudWatch Logs retention values (the shared list). */
export const logRetentionValues = logRetentionDays;

/** One event type a source publishes (one Avro schema in the registry). */
export interface EventTypeArgs {
  /** Event name (letters, digits, `_`, `-`): part of the schema name and of the landing path. */
  name: string;
  /** The Avro schema (JSON text of a record schema). */
  schema: string;
  /** Compatibility mode of the schema's versions. @default the component's `schemaCompatibility` */
  compatibility?: SchemaCompatibility;
}

/** One microservice's event stream. */
export interface EventSourceArgs {
  /** Source name (lowercase, digits, single hyphens, at most 32): names the stream, the schemas and the landing prefix. */
  name: string;
  /** The domain that owns the source's data (tagged on its resources; the Importer loads it into the domain's raw zone). */
  domain?: string;
  /** Average records per second. */
  recordsPerSecond: number;
  /** Average bytes per second. */
  bytesPerSecond: number;
  /** Peak-to-average ratio the stream absorbs without throttling. @default 10 (SIZING.md) */
  peakFactor?: number;
  /**
   * `PROVISIONED` shards sized for the peak, or `ON_DEMAND` (only when asked for: the plan then shows its cost
   * ratio and the policy pack an advisory finding). @default "PROVISIONED"
   */
  capacityMode?: CapacityMode;
  /** Hours records stay readable (168 to 8760). @default 168 (7 days, the security baseline) */
  retentionHours?: number;
  /** The event types (at least one). */
  events: EventTypeArgs[];
  tags?: Record<string, string>;
}

/** The Beam "Rivers" job on Managed Service for Apache Flink. */
export interface RiversFlinkArgs {
  /** Key of the job's artifact (jar or zip) in the lake's artifacts bucket, e.g. `code/rivers/rivers-1.4.0.jar`. Upload it before the first deployment. */
  artifactKey: string;
  /**
   * Flink runtime; the Beam Flink runner in the artifact must match it. From `FLINK-1_20` on, the application's
   * state (running storage, checkpoints, snapshots) is encrypted with the component's Flink state key; older
   * runtimes leave it on the AWS owned key. @default "FLINK-1_19"
   */
  runtime?: FlinkRuntime;
  /**
   * Which key encrypts the application's state on runtimes that support a customer key: `customer-managed` (the
   * component's Flink state key) or `aws-owned`. AWS advises upgrading an existing application to `FLINK-1_20`
   * first and enabling the key in a later update: deploy the upgrade with `aws-owned`, then remove the setting.
   * Ignored (AWS owned key) before `FLINK-1_20`. @default "customer-managed"
   */
  stateKey?: "customer-managed" | "aws-owned";
  /** KPU sizing: records/s per KPU (10,000), headroom (0.25), parallelism per KPU (1). */
  sizing?: FlinkSizing;
  /** Checkpoint interval. @default 60 */
  checkpointIntervalSeconds?: number;
  /** Application log level. @default "INFO" */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Start the application on deployment. @default true */
  startApplication?: boolean;
}

export interface StreamingIngestionArgs {
  prefix: string;
  stage: string;
  /** The lake: events land in its landing zone, the job's artifact comes from its artifacts bucket. */
  lake: LakeRef;
  /** Roles administering the streaming key (include the deploying role). */
  administratorArns: pulumi.Input<string>[];
  vpcId: pulumi.Input<string>;
  /** Private subnets the Flink application's network interfaces live in. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Where the application's HTTPS (443) may go: the VPC's CIDR when Kinesis, Glue, STS and KMS are reached
   * through interface endpoints. @default ["0.0.0.0/0"] (HTTPS only, egress only: AWS APIs through NAT or endpoints)
   */
  httpsEgressCidrBlocks?: string[];
  /** Prefix list of the VPC's S3 gateway endpoint, to let HTTPS reach S3 when `httpsEgressCidrBlocks` excludes it. @default none */
  s3PrefixListId?: pulumi.Input<string>;
  /** The event sources (at most 25; order is irrelevant: names never derive from positions). */
  sources: EventSourceArgs[];
  /** Compatibility of schemas that set none. @default "BACKWARD" */
  schemaCompatibility?: SchemaCompatibility;
  flink: RiversFlinkArgs;
  /** Retention of the application's log group. @default 90 */
  logRetentionDays?: number;
  /** Prices the cost comparison uses. @default `defaultPrices` (SIZING.md) */
  prices?: Partial<PriceTable>;
  /** Shard write limits. @default `kinesisShardLimits` (1 MB/s, 1,000 records/s) */
  shardLimits?: ShardLimits;
  /** Protect (and retain) the key, registry and schemas, and protect the streams. @default true */
  protect?: boolean;
  tags?: Record<string, string>;
}

/**
 * The Flink role's inline policies hold one stream ARN and one landing prefix per source and must fit
 * IAM's 10,240-character budget per role; the application holds one property group per source (50 at most).
 */
export const maxSources = 25;

const sourceNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const eventNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const artifactKeyPattern = /^[A-Za-z0-9!_.*'()/-]+\.(jar|zip)$/;
const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Problems with an Avro schema text (record schemas only: events are records). */
export function avroSchemaProblems(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [`is not JSON (${error instanceof Error ? error.message : String(error)})`];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return ["is not an Avro record schema (a JSON object)"];
  const schema = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (schema["type"] !== "record") problems.push(`has type ${JSON.stringify(schema["type"])}, expected "record"`);
  if (typeof schema["name"] !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema["name"]))
    problems.push("has no valid record name");
  if (!Array.isArray(schema["fields"])) problems.push("has no fields array");
  else if (
    schema["fields"].some(
      (field) =>
        typeof field !== "object" ||
        field === null ||
        typeof (field as Record<string, unknown>)["name"] !== "string" ||
        !("type" in field),
    )
  ) {
    problems.push("has a field without a name or type");
  }
  return problems;
}

/** Validates args before anything is created; throws one error listing every problem. */
export function validateStreamingArgs(name: string, args: StreamingIngestionArgs): void {
  const problems: string[] = [];
  // The component's name is part of physical names, so two instances can coexist in a stage.
  if (!sourceNamePattern.test(name) || name.length > 20)
    problems.push(
      `the component's name "${name}" must be lowercase letters and digits with single hyphens, at most 20 characters (it is part of physical names)`,
    );
  if (args.administratorArns.length === 0)
    problems.push("administratorArns must name at least one role (the deploying role)");
  if (args.sources.length === 0) problems.push("sources must declare at least one event source");
  if (args.sources.length > maxSources)
    problems.push(
      `at most ${maxSources} sources per StreamingIngestion (IAM inline policy budget of the Flink role); got ${args.sources.length}: split them over several components`,
    );
  const lakeDomains = new Set(args.lake.domainNames());
  const seen = new Set<string>();
  for (const source of args.sources) {
    const label = `source "${source.name}"`;
    if (!sourceNamePattern.test(source.name) || source.name.length > 32)
      problems.push(`${label}: names are lowercase letters and digits with single hyphens, at most 32 characters`);
    if (seen.has(source.name)) problems.push(`${label} is listed twice`);
    seen.add(source.name);
    if (source.domain !== undefined && !lakeDomains.has(source.domain))
      problems.push(
        `${label}: domain "${source.domain}" is not in the lake (lake domains: ${[...lakeDomains].join(", ") || "none"})`,
      );
    for (const problem of throughputProblems({
      recordsPerSecond: source.recordsPerSecond,
      bytesPerSecond: source.bytesPerSecond,
      peakFactor: source.peakFactor ?? defaultPeakFactor,
    }))
      problems.push(`${label}: ${problem}`);
    if (source.capacityMode !== undefined && !capacityModes.includes(source.capacityMode))
      problems.push(`${label}: capacityMode must be one of ${capacityModes.join(", ")}, got ${source.capacityMode}`);
    const retention = source.retentionHours ?? platformDefaults.streaming.retentionHours;
    if (!Number.isInteger(retention) || retention < 168 || retention > 8760)
      problems.push(`${label}: retentionHours must be a whole number from 168 (7 days) to 8760, got ${retention}`);
    if (source.events.length === 0) problems.push(`${label}: declare at least one event type`);
    const events = new Set<string>();
    for (const event of source.events) {
      if (!eventNamePattern.test(event.name))
        problems.push(
          `${label}: event "${event.name}": names are letters, digits, "_" and "-", starting with a letter, at most 64 characters`,
        );
      if (events.has(event.name)) problems.push(`${label}: event "${event.name}" is listed twice`);
      events.add(event.name);
      for (const problem of avroSchemaProblems(event.schema))
        problems.push(`${label}: event "${event.name}": schema ${problem}`);
      if (event.compatibility !== undefined && !schemaCompatibilities.includes(event.compatibility))
        problems.push(
          `${label}: event "${event.name}": compatibility must be one of ${schemaCompatibilities.join(", ")}`,
        );
    }
  }
  if (args.schemaCompatibility !== undefined && !schemaCompatibilities.includes(args.schemaCompatibility))
    problems.push(`schemaCompatibility must be one of ${schemaCompatibilities.join(", ")}`);
  const flink = args.flink;
  if (!artifactKeyPattern.test(flink.artifactKey) || flink.artifactKey.startsWith("/"))
    problems.push(`flink.artifactKey "${flink.artifactKey}" must be an S3 key (no leading "/") of a .jar or .zip`);
  if (flink.runtime !== undefined && !flinkRuntimes.includes(flink.runtime))
    problems.push(`flink.runtime must be one of ${flinkRuntimes.join(", ")}, got ${flink.runtime}`);
  if (flink.stateKey !== undefined && flink.stateKey !== "customer-managed" && flink.stateKey !== "aws-owned")
    problems.push(`flink.stateKey must be "customer-managed" or "aws-owned", got ${String(flink.stateKey)}`);
  const sizing = flink.sizing ?? {};
  if (sizing.recordsPerSecondPerKpu !== undefined && !(sizing.recordsPerSecondPerKpu > 0))
    problems.push("flink.sizing.recordsPerSecondPerKpu must be above 0");
  if (sizing.headroom !== undefined && !(sizing.headroom >= 0 && sizing.headroom <= 4))
    problems.push("flink.sizing.headroom must be from 0 to 4");
  if (
    sizing.parallelismPerKpu !== undefined &&
    !(Number.isInteger(sizing.parallelismPerKpu) && sizing.parallelismPerKpu >= 1 && sizing.parallelismPerKpu <= 8)
  )
    problems.push("flink.sizing.parallelismPerKpu must be a whole number from 1 to 8");
  const checkpoint = flink.checkpointIntervalSeconds ?? platformDefaults.streaming.checkpointIntervalSeconds;
  if (!Number.isInteger(checkpoint) || checkpoint < 10)
    problems.push(`flink.checkpointIntervalSeconds must be a whole number of at least 10, got ${checkpoint}`);
  const retention = args.logRetentionDays ?? 90;
  if (!isLogRetentionDays(retention))
    problems.push(
      `logRetentionDays must be a CloudWatch retention value (${logRetentionValues.join(", ")}), got ${retention}`,
    );
  for (const cidr of args.httpsEgressCidrBlocks ?? []) {
    const match = cidrPattern.exec(cidr);
    if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || Number(match[5]) > 32)
      problems.push(`httpsEgressCidrBlocks: "${cidr}" is not an IPv4 CIDR`);
  }
  if (new Set(args.httpsEgressCidrBlocks ?? []).size !== (args.httpsEgressCidrBlocks ?? []).length)
    problems.push("httpsEgressCidrBlocks lists a CIDR twice");
  if (args.shardLimits && !(args.shardLimits.bytesPerSecond > 0 && args.shardLimits.recordsPerSecond > 0))
    problems.push("shardLimits must be above 0");
  if (problems.length > 0)
    throw new Error(
      `StreamingIngestion "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

import type * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import { imageTagPattern, type EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import { jobParameterName, managedPolicyCharacterLimit } from "./names";
import { domainImportPolicy, parameterArn } from "./policies";

export type ImportMode = "full" | "incremental";
export const importModes: readonly ImportMode[] = ["full", "incremental"];
export type AuroraEngine = "postgresql" | "mysql";

/** One table to import into the domain's raw zone. */
export interface ImportTableArgs {
  /** Target Delta table in the domain's raw database (Glue-safe: lowercase letters, digits, underscores). */
  name: string;
  /** The table in the source database (`table`, `schema.table` or `catalog.schema.table`). @default `name` */
  sourceTable?: string;
  /** `full` rewrites the table each run; `incremental` merges rows changed since the last watermark. */
  mode: ImportMode;
  /** Columns identifying a row; incremental imports merge on them (required for incremental). */
  keyColumns?: string[];
  /** A column that grows with every change (`updated_at`, a sequence); incremental runs resume after its last value (required for incremental). */
  watermarkColumn?: string;
}

interface SourceBase {
  /** Source name (lowercase, digits, single hyphens, at most 32): names the job, its parameter and its security group. */
  name: string;
  /** The owning domain: the import runs on its ephemeral Spark clusters and writes its raw zone. */
  domain: string;
  /**
   * ARN of the Secrets Manager secret holding the database credentials (`username`, `password`), with its
   * 6-character suffix. Credentials never appear in config, args or job definitions.
   */
  secretArn: string;
  /** The customer-managed key encrypting the secret, when it is not the AWS-managed key. @default none (aws/secretsmanager) */
  secretKmsKeyArn?: pulumi.Input<string>;
  /**
   * The database's security group: an ingress rule on it admits the source's importer security group on the
   * database port. @default none (the database owner admits the importer group, exported in the contract)
   */
  databaseSecurityGroupId?: pulumi.Input<string>;
  /** Where the database is, when it has no security group here (peered or on-premises ranges). @default none */
  cidrBlocks?: string[];
  /** When the orchestrator runs the import: a five-field cron expression (UTC) or @hourly/@daily/@weekly/@monthly. */
  schedule: string;
  /** Tag of the domain's spark image the import runs in. @default the domain's image (its Spark `imageTag`) */
  imageTag?: string;
  tables: ImportTableArgs[];
  tags?: Record<string, string>;
}

/** An existing Aurora cluster. */
export interface AuroraSourceArgs extends SourceBase {
  kind: "aurora";
  /** @default "postgresql" */
  engine?: AuroraEngine;
  /** The cluster's identifier (documentation and tags). @default none */
  clusterIdentifier?: string;
  /** The endpoint to read from; prefer the reader endpoint (`*.cluster-ro-*.rds.amazonaws.com`). */
  endpoint: string;
  /** @default 5432 (postgresql) or 3306 (mysql) */
  port?: number;
  /** Database name. */
  database: string;
}

/** Any other JDBC source. */
export interface JdbcSourceArgs extends SourceBase {
  kind: "jdbc";
  /** The JDBC URL, without credentials (they come from the secret); include the driver's TLS options. */
  jdbcUrl: string;
  /** The port the URL connects to (for the security group rules). */
  port: number;
  /** Driver class, when the URL alone does not select it. @default none */
  driverClass?: string;
}

export type DatabaseSourceArgs = AuroraSourceArgs | JdbcSourceArgs;

/** Landed Rivers events a domain collects into Delta tables. */
export interface EventCollectionArgs {
  /** The StreamingIngestion source name (its landing prefix is `events/<source>/`). */
  source: string;
  /** The domain that owns the events. */
  domain: string;
  /** Event types to collect: each becomes the Delta table `<source>_<event>` (snake case) in the domain's raw zone. */
  events: string[];
  /** @default "20 * * * *" (hourly, after the Flink job has committed the previous hour) */
  schedule?: string;
}

export interface DatabaseImporterArgs {
  prefix: string;
  stage: string;
  /** The lake: targets are the owning domain's raw database and bucket; events come from its landing zone. */
  lake: LakeRef;
  /** The stage's ephemeral Spark: imports run on the owning domain's clusters, as its instance role. */
  spark: EphemeralSparkCluster;
  /** VPC of the importer security groups (the clusters' VPC). */
  vpcId: pulumi.Input<string>;
  /** Operational databases to import (order is irrelevant: names never derive from positions). */
  sources: DatabaseSourceArgs[];
  /** Landed events to collect. @default none */
  eventCollections?: EventCollectionArgs[];
  /** The landing layout the Flink job writes (StreamingIngestion's `landingLayout`). @default "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/" */
  landingLayout?: string;
  /** The importer artifact in each domain's code prefix: `s3://<artifacts>/code/<domain>/<artifactName>`. @default "importer.jar" */
  artifactName?: string;
  /** Main class of the importer artifact. @default "io.dataplatform.importer.Main" */
  mainClass?: string;
  tags?: Record<string, string>;
}

export const defaultLandingLayout = "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/";

const namePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const tableNamePattern = /^[a-z][a-z0-9_]{0,127}$/;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_$]{0,127}$/;
const sourceTablePattern = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/;
const secretArnPattern =
  /^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const keyArnPattern = /^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const auroraEndpointPattern =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.rds\.amazonaws\.com(\.cn)?$/;
const databaseNamePattern = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const cronField = /^[0-9A-Za-z*/,?#LW-]+$/;
const cronPresets = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"];

/**
 * Whether a schedule is a five-field cron expression or a preset the orchestrator understands.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function isSchedule(schedule: string): boolean {
  if (cronPresets.includes(schedule)) return true;
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field) => cronField.test(field));
}

/** A Glue-safe table name for an event type: `<source>_<event>` in snake case (`orders-service`, `OrderPlaced` -> `orders_service_order_placed`). */
export function eventTableName(source: string, event: string): string {
  const snake = (value: string) =>
    value
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .toLowerCase()
      .replace(/^_+|_+$/g, "");
  return `${snake(source)}_${snake(event)}`;
}

/**
 * Problems with a JDBC URL: not JDBC, or credentials in it.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function jdbcUrlProblems(url: string): string[] {
  const problems: string[] = [];
  if (!/^jdbc:[a-z0-9]+:/i.test(url))
    problems.push(`jdbcUrl "${url.slice(0, 40)}" is not a JDBC URL (jdbc:<driver>:...)`);
  // Never echo a URL that may hold a password.
  if (/password|pwd=/i.test(url) || /:\/\/[^/@:]+:[^/@]+@/.test(url))
    problems.push("jdbcUrl must not contain credentials (they come from the secret)");
  return problems;
}

function cidrProblem(cidr: string): string | undefined {
  const match = cidrPattern.exec(cidr);
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || Number(match[5]) > 32)
    return `"${cidr}" is not an IPv4 CIDR`;
  if (Number(match[5]) === 0) return `"${cidr}" opens the database port to everything; name the database's range`;
  return undefined;
}

function tableProblems(label: string, tables: ImportTableArgs[]): string[] {
  const problems: string[] = [];
  if (tables.length === 0) problems.push(`${label}: declare at least one table`);
  for (const table of tables) {
    const tableLabel = `${label}: table "${table.name}"`;
    if (!tableNamePattern.test(table.name))
      problems.push(
        `${tableLabel}: target names are Glue-safe (lowercase letters, digits, underscores, starting with a letter, at most 128)`,
      );
    if (table.sourceTable !== undefined && !sourceTablePattern.test(table.sourceTable))
      problems.push(`${tableLabel}: sourceTable "${table.sourceTable}" is not a [catalog.][schema.]table identifier`);
    if (!importModes.includes(table.mode)) problems.push(`${tableLabel}: mode must be "full" or "incremental"`);
    for (const column of [
      ...(table.keyColumns ?? []),
      ...(table.watermarkColumn !== undefined ? [table.watermarkColumn] : []),
    ]) {
      if (!identifierPattern.test(column)) problems.push(`${tableLabel}: "${column}" is not a column identifier`);
    }
    if (table.mode === "incremental") {
      if (!table.keyColumns || table.keyColumns.length === 0)
        problems.push(`${tableLabel}: incremental imports need keyColumns to merge on`);
      if (!table.watermarkColumn)
        problems.push(`${tableLabel}: incremental imports need a watermarkColumn to resume from`);
    } else if (table.watermarkColumn !== undefined) {
      problems.push(`${tableLabel}: watermarkColumn applies to incremental imports only`);
    }
  }
  return problems;
}

/**
 * Each domain's import permissions are one managed policy (6,144 characters at most). Its size is
 * known before deployment up to ids: measure it with the longest partition, region and key ARN.
 */
function policySizeProblems(args: DatabaseImporterArgs): string[] {
  const partition = "aws-us-gov";
  const region = "ap-southeast-3";
  const accountId = "123456789012";
  const longestKeyArn = `arn:${partition}:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000000`;
  const domains = [
    ...new Set([
      ...args.sources.map((source) => source.domain),
      ...(args.eventCollections ?? []).map((collection) => collection.domain),
    ]),
  ];
  const problems: string[] = [];
  for (const domain of domains.sort()) {
    const sources = args.sources.filter((source) => source.domain === domain);
    const collections = (args.eventCollections ?? []).filter((collection) => collection.domain === domain);
    const parameters = [
      ...sources.map((source) => jobParameterName(args.prefix, args.stage, source.name)),
      ...collections.map((collection) => jobParameterName(args.prefix, args.stage, "events", collection.source)),
    ];
    const document = domainImportPolicy({
      region,
      jobParameterArns: parameters.map((parameter) => parameterArn(partition, region, accountId, parameter)),
      secrets: sources.map((source) => ({
        arn: source.secretArn,
        keyArn:
          source.secretKmsKeyArn === undefined
            ? undefined
            : typeof source.secretKmsKeyArn === "string"
              ? source.secretKmsKeyArn
              : longestKeyArn,
      })),
      landing: {
        bucketArn: `arn:${partition}:s3:::${args.prefix}-${args.stage}-landing-${accountId}`,
        keyArn: longestKeyArn,
        prefixes: collections.map((collection) => `events/${collection.source}/`),
      },
    });
    const characters = JSON.stringify(document).length;
    if (characters > managedPolicyCharacterLimit) {
      problems.push(
        `domain "${domain}": its ${sources.length} sources and ${collections.length} event collections need a ${characters}-character policy, above IAM's ${managedPolicyCharacterLimit}; split them over several DatabaseImporter components`,
      );
    }
  }
  return problems;
}

/** Validates args before anything is created; throws one error listing every problem. */
export function validateImporterArgs(name: string, args: DatabaseImporterArgs): void {
  const problems: string[] = [];
  if (!namePattern.test(name) || name.length > 20)
    problems.push(
      `the component's name "${name}" must be lowercase letters and digits with single hyphens, at most 20 characters`,
    );
  const lakeDomains = new Set(args.lake.domainNames());
  const sparkDomains = new Set(Object.keys(args.spark.templateNames()));
  const domainProblems = (label: string, domain: string) => {
    if (!lakeDomains.has(domain))
      return [
        `${label}: domain "${domain}" is not in the lake (lake domains: ${[...lakeDomains].join(", ") || "none"})`,
      ];
    const found: string[] = [];
    if (!args.lake.domain(domain).zones.includes("raw"))
      found.push(`${label}: domain "${domain}" does not use the raw zone, where imports land`);
    if (!sparkDomains.has(domain))
      found.push(`${label}: domain "${domain}" has no ephemeral Spark (enable needs.spark for it)`);
    return found;
  };
  const tablesByDomain = new Map<string, Map<string, string>>();
  const claimTable = (label: string, domain: string, table: string) => {
    const tables = tablesByDomain.get(domain) ?? new Map<string, string>();
    tablesByDomain.set(domain, tables);
    const owner = tables.get(table);
    if (owner) problems.push(`${label}: table "${table}" of domain "${domain}" is already imported by ${owner}`);
    else tables.set(table, label);
  };

  const seen = new Set<string>();
  for (const source of args.sources) {
    const label = `source "${source.name}"`;
    if (!namePattern.test(source.name) || source.name.length > 32)
      problems.push(`${label}: names are lowercase letters and digits with single hyphens, at most 32 characters`);
    if (seen.has(source.name)) problems.push(`${label} is listed twice`);
    seen.add(source.name);
    problems.push(...domainProblems(label, source.domain));
    if (!secretArnPattern.test(source.secretArn))
      problems.push(
        `${label}: secretArn must be the full ARN of a Secrets Manager secret (with its 6-character suffix); credentials are never given in config`,
      );
    if (typeof source.secretKmsKeyArn === "string" && !keyArnPattern.test(source.secretKmsKeyArn))
      problems.push(`${label}: secretKmsKeyArn must be a KMS key ARN (not an alias)`);
    if (source.databaseSecurityGroupId === undefined && (source.cidrBlocks ?? []).length === 0)
      problems.push(
        `${label}: give databaseSecurityGroupId or cidrBlocks, so the importer knows where the database is`,
      );
    if (
      typeof source.databaseSecurityGroupId === "string" &&
      !/^sg-[0-9a-f]{8,17}$/.test(source.databaseSecurityGroupId)
    )
      problems.push(`${label}: databaseSecurityGroupId "${source.databaseSecurityGroupId}" is not a security group id`);
    for (const cidr of source.cidrBlocks ?? []) {
      const problem = cidrProblem(cidr);
      if (problem) problems.push(`${label}: cidrBlocks: ${problem}`);
    }
    if (new Set(source.cidrBlocks ?? []).size !== (source.cidrBlocks ?? []).length)
      problems.push(`${label}: cidrBlocks lists a CIDR twice`);
    if (!isSchedule(source.schedule))
      problems.push(
        `${label}: schedule "${source.schedule}" is not a five-field cron expression or @hourly/@daily/@weekly/@monthly/@yearly`,
      );
    if (source.imageTag !== undefined && (!imageTagPattern.test(source.imageTag) || source.imageTag === "latest"))
      problems.push(`${label}: imageTag "${source.imageTag}" is not a pinned ECR image tag`);
    if (source.kind === "aurora") {
      if (!auroraEndpointPattern.test(source.endpoint))
        problems.push(`${label}: endpoint "${source.endpoint}" is not an Aurora endpoint (*.rds.amazonaws.com)`);
      if (source.engine !== undefined && source.engine !== "postgresql" && source.engine !== "mysql")
        problems.push(`${label}: engine must be "postgresql" or "mysql"`);
      if (!databaseNamePattern.test(source.database))
        problems.push(`${label}: database "${source.database}" is not a database name`);
      if (source.clusterIdentifier !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(source.clusterIdentifier))
        problems.push(`${label}: clusterIdentifier "${source.clusterIdentifier}" is not an RDS identifier`);
    } else if (source.kind === "jdbc") {
      problems.push(...jdbcUrlProblems(source.jdbcUrl).map((problem) => `${label}: ${problem}`));
      if (
        source.driverClass !== undefined &&
        !/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+$/.test(source.driverClass)
      )
        problems.push(`${label}: driverClass "${source.driverClass}" is not a Java class name`);
    } else {
      problems.push(`${label}: kind must be "aurora" or "jdbc"`);
    }
    const port = source.kind === "aurora" ? (source.port ?? (source.engine === "mysql" ? 3306 : 5432)) : source.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      problems.push(`${label}: port must be a whole number from 1 to 65535, got ${port}`);
    problems.push(...tableProblems(label, source.tables));
    for (const table of source.tables) claimTable(label, source.domain, table.name);
  }

  const collected = new Set<string>();
  for (const collection of args.eventCollections ?? []) {
    const label = `event collection "${collection.source}"`;
    if (!namePattern.test(collection.source) || collection.source.length > 32)
      problems.push(
        `${label}: source names are lowercase letters and digits with single hyphens, at most 32 characters`,
      );
    if (collected.has(collection.source))
      problems.push(`${label} is listed twice (a source's events belong to one domain)`);
    collected.add(collection.source);
    if (seen.has(`events-${collection.source}`))
      problems.push(
        `${label}: a database source is named "events-${collection.source}", which the collection's resources use`,
      );
    problems.push(...domainProblems(label, collection.domain));
    if (collection.events.length === 0) problems.push(`${label}: list at least one event type`);
    if (new Set(collection.events).size !== collection.events.length)
      problems.push(`${label}: an event type is listed twice`);
    for (const event of collection.events) {
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(event))
        problems.push(`${label}: event "${event}" is not an event type name`);
      const table = eventTableName(collection.source, event);
      if (!tableNamePattern.test(table))
        problems.push(`${label}: event "${event}" gives the table name "${table}", which is not Glue-safe`);
      claimTable(label, collection.domain, table);
    }
    if (collection.schedule !== undefined && !isSchedule(collection.schedule))
      problems.push(`${label}: schedule "${collection.schedule}" is not a five-field cron expression or a preset`);
  }

  problems.push(...policySizeProblems(args));

  const layout = args.landingLayout ?? defaultLandingLayout;
  // The collections' read permission is on `events/<source>/`: the layout must stay under it.
  if (!layout.startsWith("events/{source}/") || !layout.includes("{event}"))
    problems.push(`landingLayout "${layout}" must start with events/{source}/ and place {event}`);
  if (args.artifactName !== undefined && !/^[A-Za-z0-9._-]+\.jar$/.test(args.artifactName))
    problems.push(`artifactName "${args.artifactName}" must be a .jar file name`);
  if (args.mainClass !== undefined && !/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+$/.test(args.mainClass))
    problems.push(`mainClass "${args.mainClass}" is not a Java class name`);
  if (problems.length > 0)
    throw new Error(
      `DatabaseImporter "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

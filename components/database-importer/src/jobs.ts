/**
 * Pure builders of the import job definitions the orchestrator runs. A job
 * definition is JSON in SSM: what to import, where it lands, and how to run it
 * (the domain's cluster template, overrides to merge into it, and the EMR step).
 */
import { dockerRuntimeProperties } from "@data-platform/ephemeral-spark-cluster";
import { eventTableName, type DatabaseSourceArgs, type EventCollectionArgs, type ImportMode } from "./args";

export const jobSchemaVersion = 1;

/** An EMR step (the shape of `StepConfig` in @aws-sdk/client-emr). */
export interface EmrStep {
  Name: string;
  ActionOnFailure: "TERMINATE_CLUSTER" | "CANCEL_AND_WAIT" | "CONTINUE";
  HadoopJarStep: { Jar: string; Args: string[] };
}

/**
 * How to get a cluster: read the RunJobFlow template from `template` (SSM), deep-merge
 * `overrides` into it (objects merge, arrays are replaced), add `steps`, call RunJobFlow.
 * The cluster ends when the steps do (the template does not keep it alive).
 */
export interface ClusterRequest {
  template: string;
  overrides: { Name: string; Instances?: { AdditionalSlaveSecurityGroups: string[] } };
}

export interface TargetTable {
  name: string;
  /** `s3://<domain raw bucket>/<table>/` */
  location: string;
}

export interface DatabaseImportJob {
  schemaVersion: typeof jobSchemaVersion;
  kind: "database";
  source: string;
  domain: string;
  /** Cron (UTC) or preset, for the orchestrator's scheduler. */
  schedule: string;
  connection: {
    kind: "aurora" | "jdbc";
    engine: "postgresql" | "mysql" | null;
    clusterIdentifier: string | null;
    jdbcUrl: string;
    driverClass: string | null;
    port: number;
    /** Credentials are read at run time from this secret's `username` and `password` keys. */
    credentials: { secretArn: string; usernameKey: "username"; passwordKey: "password" };
  };
  target: {
    format: "delta";
    database: string;
    bucket: string;
    tables: (TargetTable & {
      sourceTable: string;
      mode: ImportMode;
      keyColumns: string[];
      watermarkColumn: string | null;
    })[];
  };
  cluster: ClusterRequest;
  /** The Docker image the job's driver and executors run in (also in the step's spark-submit). */
  image: string;
  steps: EmrStep[];
}

export interface EventCollectionJob {
  schemaVersion: typeof jobSchemaVersion;
  kind: "events";
  source: string;
  domain: string;
  schedule: string;
  landing: { bucket: string; prefix: string; layout: string; format: "avro" };
  target: {
    format: "delta";
    database: string;
    bucket: string;
    /** One table per event type, partitioned like the landing layout. */
    tables: (TargetTable & { event: string; landingPrefix: string; partitionColumns: string[] })[];
  };
  cluster: ClusterRequest;
  /** The Docker image the job's driver and executors run in (also in the step's spark-submit). */
  image: string;
  steps: EmrStep[];
}

export const defaultEventSchedule = "20 * * * *";

/**
 * The JDBC URL of a source; Aurora URLs require TLS.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function jdbcUrlFor(source: DatabaseSourceArgs): string {
  if (source.kind === "jdbc") return source.jdbcUrl;
  const engine = source.engine ?? "postgresql";
  const port = source.port ?? (engine === "mysql" ? 3306 : 5432);
  return engine === "mysql"
    ? `jdbc:mysql://${source.endpoint}:${port}/${source.database}?sslMode=REQUIRED`
    : `jdbc:postgresql://${source.endpoint}:${port}/${source.database}?sslmode=require`;
}

export function portFor(source: DatabaseSourceArgs): number {
  if (source.kind === "jdbc") return source.port;
  return source.port ?? (source.engine === "mysql" ? 3306 : 5432);
}

function driverFor(source: DatabaseSourceArgs): string | null {
  if (source.kind === "jdbc") return source.driverClass ?? null;
  return source.engine === "mysql" ? "com.mysql.cj.jdbc.Driver" : "org.postgresql.Driver";
}

export interface StepInput {
  /** The Docker image the driver and executors run in (`<registry>/<repository>:<tag>`). */
  image: string;
  /** Human name of the step. */
  name: string;
  /** `s3://<artifacts>/code/<domain>/<artifact>` */
  artifactUri: string;
  mainClass: string;
  /** The job definition's SSM parameter: the importer reads everything else from it. */
  jobParameter: string;
}

/**
 * spark-submit of the importer in cluster mode: the driver runs on core/task nodes, which carry the importer security group.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function importerStep(input: StepInput): EmrStep {
  return {
    Name: input.name,
    // One job per cluster: a failed import ends the cluster instead of leaving it idle.
    ActionOnFailure: "TERMINATE_CLUSTER",
    HadoopJarStep: {
      Jar: "command-runner.jar",
      Args: [
        "spark-submit",
        "--deploy-mode",
        "cluster",
        // The job's own image (Hadoop refuses a Docker container without one); it wins over the cluster's spark-defaults.
        ...Object.entries(dockerRuntimeProperties(input.image)).flatMap(([key, value]) => [
          "--conf",
          `${key}=${value}`,
        ]),
        "--class",
        input.mainClass,
        input.artifactUri,
        "--job-parameter",
        input.jobParameter,
      ],
    },
  };
}

export interface ResolvedTarget {
  database: string;
  bucket: string;
  templateParameter: string;
  artifactUri: string;
  mainClass: string;
  jobParameter: string;
  clusterName: string;
  /** The Docker image the job runs in. */
  image: string;
}

export function databaseImportJob(
  source: DatabaseSourceArgs,
  target: ResolvedTarget & { securityGroupId: string },
): DatabaseImportJob {
  const location = (table: string) => `s3://${target.bucket}/${table}/`;
  return {
    schemaVersion: jobSchemaVersion,
    kind: "database",
    source: source.name,
    domain: source.domain,
    schedule: source.schedule,
    connection: {
      kind: source.kind,
      engine: source.kind === "aurora" ? (source.engine ?? "postgresql") : null,
      clusterIdentifier: source.kind === "aurora" ? (source.clusterIdentifier ?? null) : null,
      jdbcUrl: jdbcUrlFor(source),
      driverClass: driverFor(source),
      port: portFor(source),
      credentials: { secretArn: source.secretArn, usernameKey: "username", passwordKey: "password" },
    },
    target: {
      format: "delta",
      database: target.database,
      bucket: target.bucket,
      tables: [...source.tables]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((table) => ({
          name: table.name,
          location: location(table.name),
          sourceTable: table.sourceTable ?? table.name,
          mode: table.mode,
          keyColumns: table.keyColumns ?? [],
          watermarkColumn: table.watermarkColumn ?? null,
        })),
    },
    cluster: {
      template: target.templateParameter,
      overrides: { Name: target.clusterName, Instances: { AdditionalSlaveSecurityGroups: [target.securityGroupId] } },
    },
    image: target.image,
    steps: [
      importerStep({
        name: `import ${source.name}`,
        artifactUri: target.artifactUri,
        mainClass: target.mainClass,
        jobParameter: target.jobParameter,
        image: target.image,
      }),
    ],
  };
}

export function eventCollectionJob(
  collection: EventCollectionArgs,
  target: ResolvedTarget & { landingBucket: string; layout: string },
): EventCollectionJob {
  const prefix = `events/${collection.source}/`;
  return {
    schemaVersion: jobSchemaVersion,
    kind: "events",
    source: collection.source,
    domain: collection.domain,
    schedule: collection.schedule ?? defaultEventSchedule,
    landing: { bucket: target.landingBucket, prefix, layout: target.layout, format: "avro" },
    target: {
      format: "delta",
      database: target.database,
      bucket: target.bucket,
      tables: [...collection.events].sort().map((event) => {
        const name = eventTableName(collection.source, event);
        return {
          event,
          name,
          location: `s3://${target.bucket}/${name}/`,
          landingPrefix: `${prefix}${event}/`,
          partitionColumns: ["dt"],
        };
      }),
    },
    cluster: { template: target.templateParameter, overrides: { Name: target.clusterName } },
    image: target.image,
    steps: [
      importerStep({
        name: `collect ${collection.source} events`,
        artifactUri: target.artifactUri,
        mainClass: target.mainClass,
        jobParameter: target.jobParameter,
        image: target.image,
      }),
    ],
  };
}

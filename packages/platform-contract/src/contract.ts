/**
 * The platform stack's outputs: what domain teams build on. The version changes
 * when a field is removed or changes meaning; adding fields keeps it.
 */
export const contractVersion = 1;

export interface BucketRef {
  name: string;
  arn: string;
}

export interface LakeContract {
  tableFormat: "delta";
  platformKeyArn: string;
  accessLogBucket: BucketRef;
  artifactsBucket: BucketRef;
  zones: {
    landing: { bucket: BucketRef };
    raw: { bucket: BucketRef; database: string };
    analytics: { bucket: BucketRef; database: string };
  };
  domains: Record<
    string,
    { keyArn: string; zones: Partial<Record<"raw" | "analytics", { bucket: BucketRef; database: string }>> }
  >;
}

export interface NetworkContract {
  vpcId: string;
  privateSubnetIds: string[];
}

export interface SparkCapacity {
  unit: "vcpu";
  minimum: number;
  maximum: number;
  maximumOnDemand: number;
}

export interface SparkContract {
  /** SSM parameter name of each domain's RunJobFlow template. */
  templates: Record<string, string>;
  capacities: Record<string, SparkCapacity>;
}

export interface WorkflowContract {
  domain: string;
  mwaa: { name: string; arn: string; webserverUrl: string; executionRoleArn: string };
  dagBucket: {
    name: string;
    arn: string;
    dagsPath: string;
    pluginsPath: string | null;
    requirementsPath: string | null;
    startupScriptPath: string | null;
  };
  ecrRepositoryUrls: Record<string, string>;
  secretsPrefix: string;
  sparkTemplateParameter: string | null;
  ecs: {
    clusterName: string;
    clusterArn: string;
    taskRoleArn: string;
    taskExecutionRoleArn: string;
    securityGroupIds: string[];
    logGroupName: string;
    templateTaskDefinitionArn: string;
  } | null;
}

/** The warehouse's part of the platform contract: how Looker (and the query mesh) connect. */
export interface WarehouseContract {
  /** Host name of the workgroup's endpoint (private: resolvable and reachable inside the VPC only). */
  endpoint: string;
  port: number;
  database: string;
  workgroupName: string;
  namespaceName: string;
  looker: {
    userName: string;
    /** Secrets Manager secret holding `{ engine, username, password, dbname, port }`. */
    secretArn: string;
    /** Schema Looker owns for persistent derived tables. */
    scratchSchema: string;
  };
  /** External schemas over the lake's Glue databases, named after them. */
  externalSchemas: string[];
  spectrumRoleArn: string;
}

/** What the legacy scheduler tells its remaining users. */
export interface LegacyLuigiContract {
  /** `http://<private ip>:<port>`: the web UI and the workers' `--scheduler-url`, inside the VPC only. */
  url: string;
  privateIp: string;
  port: number;
  instanceId: string;
  roleArn: string;
  deprecated: true;
  migrateTo: "DomainWorkflowEnv";
}

/** Rivers and the Importer, as their components describe them. */
export interface IngestionContract {
  streaming: Record<string, unknown> | null;
  importer: Record<string, unknown> | null;
}

/** One domain as the platform serves it. */
export interface DomainContract {
  name: string;
  owner: string;
  contact: string;
  costCentre: string;
  zones: ("raw" | "analytics")[];
  storage: LakeContract["domains"][string] | null;
  workflow: WorkflowContract | null;
  sparkTemplateParameter: string | null;
  /** The data products the domain's registry entry declares (`dataProducts`): the only tables its stack may publish. */
  dataProducts: RegisteredDataProduct[];
  /**
   * The domain's roles that read data, by purpose (`airflow`, `ecs-task`, `spark`, `spark-serverless`,
   * `spark-eks`), only those the stage gives it: each of them reads the products the domain consumes (granted by
   * the platform; by the producer's stack against platforms whose products carry no `consumers`).
   */
  readerRoleArns: Record<string, string>;
}

/** One entry of a domain's registered `dataProducts`. */
export interface RegisteredDataProduct {
  name: string;
  description: string;
  zone: "raw" | "analytics";
  classification: "public" | "internal" | "confidential" | "restricted";
  /**
   * The domains the registry entry shares the product with (`dataProducts[].consumers`), the one list of its
   * consumers: the platform grants those enabled in the stage. Absent from platforms that predate it.
   */
  consumers?: string[];
}

/** The platform stack's outputs. */
export interface PlatformContract {
  contractVersion: typeof contractVersion;
  stage: string;
  region: string;
  network: NetworkContract | null;
  lake: LakeContract;
  spark: SparkContract | null;
  warehouse: WarehouseContract | null;
  legacyLuigi: LegacyLuigiContract | null;
  ingestion: IngestionContract;
  /** The query engine Looker and analysts connect to. */
  queryMesh: {
    engine: string;
    namespace: string;
    endpoint: string;
    port: number;
    catalog: string;
    looker: { userName: string; secretName: string };
    roleArn: string;
  } | null;
  /** JupyterHub; `singleuserImage` is the `name:tag` CI must have pushed (bin/publish-image.sh). */
  notebooks: { url: string; namespace: string; serviceAccountRoleArn: string; singleuserImage: string } | null;
  domains: Record<string, DomainContract>;
}

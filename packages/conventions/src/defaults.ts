/**
 * Defaults applied in two places: by the stage configuration (its zod schema fills them in, and the generated JSON
 * Schemas show them to editors) and by the component that takes the value (for any caller that leaves the argument
 * out). Each is stated here once and imported by both; a component's other defaults stay in the component.
 */
export const platformDefaults = {
  /** The private network and the EKS cluster (PlatformCluster). */
  cluster: {
    /** VPC flow log retention, in days (a CloudWatch Logs retention value). */
    flowLogRetentionDays: 90,
    /** Capacity type of a managed node group. */
    nodeGroupCapacityType: "ON_DEMAND",
    /** Root volume of a managed node group's nodes (gp3, encrypted), in GiB. */
    nodeGroupDiskSizeGiB: 50,
    /**
     * Interface endpoints of the VPC (S3 always has a free gateway endpoint). lakeformation: pods of the query mesh,
     * the notebooks and EMR on EKS call Lake Formation, and their network policies admit HTTPS only to the VPC.
     */
    interfaceEndpoints: [
      "ecr.api",
      "ecr.dkr",
      "sts",
      "logs",
      "kms",
      "glue",
      "ssm",
      "secretsmanager",
      "kinesis-streams",
      "elasticmapreduce",
      "lakeformation",
    ] as readonly string[],
  },
  /** The lake's lifecycle rules (DataLake). */
  lake: {
    /** Landing files are deleted after this many days. */
    landingExpirationDays: 14,
    /** Non-current object versions are deleted after this many days. */
    noncurrentVersionExpirationDays: 30,
    /** Curated data moves to Intelligent-Tiering after this many days. */
    intelligentTieringAfterDays: 0,
    /** Incomplete multipart uploads are aborted after this many days. */
    abortIncompleteMultipartUploadDays: 7,
  },
  /** Ephemeral Spark (EphemeralSparkCluster) and a domain's Spark needs. */
  spark: {
    /** EMR release of the EC2 clusters (Docker on YARN is documented for 6.x). */
    releaseLabel: "emr-6.15.0",
    /** EMR Serverless release. */
    serverlessReleaseLabel: "emr-7.5.0",
    /** Managed-scaling ceiling of a domain's cluster, in vCPUs. */
    maxCoreVcpus: 64,
    /** A cluster with no work terminates after this many minutes. */
    idleTimeoutMinutes: 30,
    /** Tag of the domain's spark image that YARN runs jobs in. */
    imageTag: "bootstrap",
  },
  /** A domain's MWAA environment (DomainWorkflowEnv); its class and Airflow version are in the vocabulary. */
  workflow: {
    minWorkers: 1,
    maxWorkers: 5,
  },
  /** The query engine (QueryMesh). */
  queryMesh: {
    engine: "trino",
    accessControl: "file",
    /** Worker autoscaling bounds. */
    workers: { min: 2, max: 10 },
  },
  /** JupyterHub (NotebookHub). */
  notebooks: {
    /** Per-user home volume, in GiB. */
    storageGiB: 20,
    /** Idle servers are stopped after this many seconds. */
    cullTimeoutSeconds: 3600,
    realTimeCollaboration: true,
  },
  /** Redshift Serverless (Warehouse). */
  warehouse: {
    /** Low on purpose: the service's own default of 128 RPUs is a costly trap. */
    baseCapacityRpu: 8,
    maxCapacityRpu: 64,
    usageLimitPeriod: "monthly",
    usageLimitBreachAction: "emit-metric",
    /** Retention of the audit log groups, in days (a CloudWatch Logs retention value). */
    auditLogRetentionDays: 365,
  },
  /** The deprecated Luigi central scheduler (LegacyLuigiScheduler). */
  luigi: {
    instanceType: "t4g.small",
    luigiVersion: "3.8.1",
  },
  /** Rivers: Kinesis streams, the schema registry and the Flink application (StreamingIngestion). */
  streaming: {
    /** Compatibility of schemas that set none. */
    schemaCompatibility: "BACKWARD",
    flinkRuntime: "FLINK-1_19",
    /** From FLINK-1_20: the application state's key. */
    stateKey: "customer-managed",
    checkpointIntervalSeconds: 60,
    /** Peak-to-average ratio a stream absorbs without throttling (SIZING.md). */
    peakFactor: 10,
    capacityMode: "PROVISIONED",
    /** Hours records stay readable (7 days, the security baseline). */
    retentionHours: 168,
  },
} as const;

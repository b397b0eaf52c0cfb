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
  zones: { landing: { bucket: BucketRef }; raw: { bucket: BucketRef; database: string }; analytics: { bucket: BucketRef; database: string } };
  domains: Record<string, { keyArn: string; zones: Partial<Record<"raw" | "analytics", { bucket: BucketRef; database: string }>> }>;
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
  dagBucket: { name: string; arn: string; dagsPath: string; pluginsPath: string | null; requirementsPath: string | null; startupScriptPath: string | null };
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
}

/** The platform stack's outputs. */
export interface PlatformContract {
  contractVersion: typeof contractVersion;
  stage: string;
  region: string;
  network: NetworkContract | null;
  lake: LakeContract;
  spark: SparkContract | null;
  domains: Record<string, DomainContract>;
}

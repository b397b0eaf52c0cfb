import type { Configuration, InstanceTypeConfig, RunJobFlowCommandInput } from "@aws-sdk/client-emr";

/** An instance type and how many capacity units (vCPUs) it counts for. */
export interface WeightedInstanceType {
  instanceType: string;
  vcpus: number;
}

/** Instance choices of the three fleets; Graviton by default. */
export interface FleetInstanceTypes {
  primary: string[];
  core: WeightedInstanceType[];
  task: WeightedInstanceType[];
}

/** Graviton fleets sized for Parquet/Delta ETL (~20 MB/s per vCPU, SIZING). Several types per fleet so Spot has room. */
export const defaultInstanceTypes: FleetInstanceTypes = {
  primary: ["m7g.xlarge", "m6g.xlarge", "m7g.2xlarge"],
  core: [
    { instanceType: "r7g.2xlarge", vcpus: 8 },
    { instanceType: "r6g.2xlarge", vcpus: 8 },
    { instanceType: "m7g.2xlarge", vcpus: 8 },
    { instanceType: "m6g.2xlarge", vcpus: 8 },
  ],
  task: [
    { instanceType: "r7g.4xlarge", vcpus: 16 },
    { instanceType: "r6g.4xlarge", vcpus: 16 },
    { instanceType: "m7g.4xlarge", vcpus: 16 },
    { instanceType: "m6g.4xlarge", vcpus: 16 },
    { instanceType: "c7g.4xlarge", vcpus: 16 },
  ],
};

/** Capacity bounds of a domain's clusters, in vCPUs (what a cost estimate reads). */
export interface CapacityBounds {
  unit: "vcpu";
  /** Core capacity a cluster starts with. */
  minimum: number;
  /** Managed scaling ceiling (core + task). */
  maximum: number;
  /** Most capacity that may run on demand (the Spot fallback). */
  maximumOnDemand: number;
}

export function capacityBounds(maxVcpus: number, coreVcpus: number): CapacityBounds {
  return { unit: "vcpu", minimum: coreVcpus, maximum: maxVcpus, maximumOnDemand: coreVcpus };
}

/** Resolved names and ARNs a template needs. */
export interface TemplateInput {
  clusterName: string;
  releaseLabel: string;
  logUri: string;
  subnetIds: string[];
  primarySecurityGroupId: string;
  coreSecurityGroupId: string;
  serviceAccessSecurityGroupId: string;
  serviceRole: string;
  autoScalingRole: string;
  instanceProfile: string;
  securityConfiguration: string;
  idleTimeoutMinutes: number;
  capacity: CapacityBounds;
  instanceTypes: FleetInstanceTypes;
  /** The registry YARN may pull Docker images from (`<account>.dkr.ecr.<region>.amazonaws.com`). */
  ecrRegistry: string;
  /** The image the driver and executors run in by default (`<registry>/<repository>:<tag>`). */
  dockerImage: string;
  tags: Record<string, string>;
}

const glueMetastore = {
  "hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
};

/**
 * The spark-submit settings that run a job's driver (the YARN application master) and executors in a Docker
 * image: Hadoop refuses a Docker container without an image. Names from EMR's "Run Spark applications with
 * Docker" (https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-spark-docker.html).
 */
export function dockerRuntimeProperties(image: string): Record<string, string> {
  return {
    "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
    "spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": image,
    "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
    "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": image,
  };
}

/** Spark, Hive and Delta on the Glue catalog, and YARN's Docker runtime trusting only our ECR registry, with the domain's image by default. */
export function clusterConfigurations(ecrRegistry: string, dockerImage: string): Configuration[] {
  if (!dockerImage.startsWith(`${ecrRegistry}/`))
    throw new Error(`the Docker image ${dockerImage} is not in the trusted registry ${ecrRegistry}`);
  return [
    { Classification: "spark-hive-site", Properties: glueMetastore },
    { Classification: "hive-site", Properties: glueMetastore },
    { Classification: "delta-defaults", Properties: { "delta.enabled": "true" } },
    {
      Classification: "spark-defaults",
      Properties: {
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        ...dockerRuntimeProperties(dockerImage),
      },
    },
    {
      Classification: "container-executor",
      Properties: {},
      // Only images from the platform's registry run; none of them privileged.
      Configurations: [
        {
          Classification: "docker",
          Properties: { "docker.trusted.registries": ecrRegistry, "docker.privileged-containers.registries": "" },
        },
      ],
    },
  ];
}

function weighted(types: WeightedInstanceType[]): InstanceTypeConfig[] {
  return types.map((type) => ({ InstanceType: type.instanceType, WeightedCapacity: type.vcpus }));
}

const spotWithFallback = {
  SpotSpecification: {
    TimeoutDurationMinutes: 10,
    TimeoutAction: "SWITCH_TO_ON_DEMAND" as const,
    AllocationStrategy: "capacity-optimized" as const,
  },
  OnDemandSpecification: { AllocationStrategy: "lowest-price" as const },
};

/**
 * The RunJobFlow request an orchestrator sends to launch one ephemeral cluster:
 * on-demand primary, Spot core and task fleets of several Graviton types with
 * on-demand fallback, managed scaling within the domain's bounds, idle
 * auto-termination, and steps that end the cluster.
 */
export function runJobFlowTemplate(input: TemplateInput): RunJobFlowCommandInput {
  return {
    Name: input.clusterName,
    ReleaseLabel: input.releaseLabel,
    LogUri: input.logUri,
    Applications: [{ Name: "Spark" }, { Name: "Hadoop" }, { Name: "Hive" }],
    Instances: {
      Ec2SubnetIds: input.subnetIds,
      EmrManagedMasterSecurityGroup: input.primarySecurityGroupId,
      EmrManagedSlaveSecurityGroup: input.coreSecurityGroupId,
      ServiceAccessSecurityGroup: input.serviceAccessSecurityGroupId,
      KeepJobFlowAliveWhenNoSteps: false,
      TerminationProtected: false,
      InstanceFleets: [
        {
          Name: "primary",
          InstanceFleetType: "MASTER",
          TargetOnDemandCapacity: 1,
          InstanceTypeConfigs: input.instanceTypes.primary.map((instanceType) => ({ InstanceType: instanceType })),
          LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: "lowest-price" } },
        },
        {
          Name: "core",
          InstanceFleetType: "CORE",
          TargetSpotCapacity: input.capacity.minimum,
          InstanceTypeConfigs: weighted(input.instanceTypes.core),
          LaunchSpecifications: spotWithFallback,
        },
        {
          Name: "task",
          InstanceFleetType: "TASK",
          TargetSpotCapacity: 0,
          InstanceTypeConfigs: weighted(input.instanceTypes.task),
          LaunchSpecifications: spotWithFallback,
        },
      ],
    },
    ManagedScalingPolicy: {
      ComputeLimits: {
        UnitType: "InstanceFleetUnits",
        MinimumCapacityUnits: input.capacity.minimum,
        MaximumCapacityUnits: input.capacity.maximum,
        MaximumOnDemandCapacityUnits: input.capacity.maximumOnDemand,
        MaximumCoreCapacityUnits: input.capacity.minimum,
      },
    },
    AutoTerminationPolicy: { IdleTimeout: input.idleTimeoutMinutes * 60 },
    SecurityConfiguration: input.securityConfiguration,
    ServiceRole: input.serviceRole,
    JobFlowRole: input.instanceProfile,
    AutoScalingRole: input.autoScalingRole,
    VisibleToAllUsers: true,
    StepConcurrencyLevel: 1,
    Configurations: clusterConfigurations(input.ecrRegistry, input.dockerImage),
    Tags: Object.entries(input.tags)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([Key, Value]) => ({ Key, Value })),
  };
}

export interface SecurityConfigurationInput {
  /** KMS key for EMRFS writes to S3 (the domain's lake key). */
  s3KmsKeyArn: string;
  /** KMS key for local disks and EBS volumes. */
  localDiskKmsKeyArn: string;
  /** S3 URI of the zip with the PEM certificates for in-transit encryption. */
  tlsCertificatesS3Uri: string;
}

/** Encryption at rest (S3, local disks, EBS) and in transit. */
export function securityConfiguration(input: SecurityConfigurationInput): Record<string, unknown> {
  return {
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: input.tlsCertificatesS3Uri },
      },
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: input.s3KmsKeyArn },
        LocalDiskEncryptionConfiguration: {
          EncryptionKeyProviderType: "AwsKms",
          AwsKmsKey: input.localDiskKmsKeyArn,
          EnableEbsEncryption: true,
        },
      },
    },
  };
}

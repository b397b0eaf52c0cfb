import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  jsonParameter,
  protectedKey,
  rolePolicyGrant,
  type Grantee,
  type PolicyGrant,
} from "@data-platform/aws-blocks";
import { physicalName, platformDefaults, tagKeys } from "@data-platform/conventions";
import type { LakeGrantee, LakeRef } from "@data-platform/data-lake";
import { startingCoreVcpus, validateSparkArgs, type EphemeralSparkClusterArgs, type SparkDomainArgs } from "./args";
import {
  createEmrAccessEntry,
  createEmrContainersServiceLinkedRole,
  createEmrOnEksDomain,
  emrOnEksLaunchStatements,
  type EmrOnEksDomain,
} from "./emr-on-eks";
import {
  diskKeyPolicy,
  diskKeyUsePolicy,
  domainTagKey,
  ec2Trust,
  ecrPullPolicy,
  launchPolicy,
  serverlessLaunchPolicy,
  servicePassRolePolicy,
  serviceTrust,
} from "./policies";
import { generateCertificates, s3ObjectArn, tlsReadPolicy, tlsZipKey, type GeneratedCertificates } from "./tls";
import {
  capacityBounds,
  clusterConfigurations,
  defaultInstanceTypes,
  runJobFlowTemplate,
  securityConfiguration,
  type CapacityBounds,
  type FleetInstanceTypes,
} from "./template";

/** What `grantLaunch` covers: one domain's clusters, serverless application and virtual cluster. */
export interface SparkLaunchScope {
  domain: string;
}

/** `grantLaunch`'s result: the `Grant` shape with its one inline policy. */
export type SparkLaunchGrant = PolicyGrant<SparkLaunchScope>;

/** What one domain gets. */
export interface SparkDomain {
  name: string;
  instanceRole: aws.iam.Role;
  instanceProfile: aws.iam.InstanceProfile;
  securityConfiguration: aws.emr.SecurityConfiguration;
  /** The SSM parameter holding the RunJobFlow template. */
  template: aws.ssm.Parameter;
  capacity: CapacityBounds;
  /** The domain's spark repository (`<registry>/<prefix>-<stage>/<domain>/spark`), without a tag. */
  imageRepository: pulumi.Output<string>;
  /** The image jobs run in unless they set their own: the repository with the domain's `imageTag`. */
  dockerImage: pulumi.Output<string>;
  longLivedCluster?: aws.emr.Cluster;
  serverless?: {
    application: aws.emrserverless.Application;
    runtimeRole: aws.iam.Role;
    securityGroup: aws.ec2.SecurityGroup;
  };
  emrOnEks?: EmrOnEksDomain;
}

/**
 * An EMR Serverless application's workers in the VPC (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/vpc-access.html):
 * the workers of the application among themselves, and HTTPS to AWS APIs and S3 (interface endpoints, the S3
 * gateway endpoint, or NAT). Nothing else reaches them.
 */
export function serverlessSecurityGroupRules(): Pick<aws.ec2.SecurityGroupArgs, "ingress" | "egress"> {
  return {
    ingress: [{ description: "Workers of this application", protocol: "-1", fromPort: 0, toPort: 0, self: true }],
    egress: [
      { description: "Workers of this application", protocol: "-1", fromPort: 0, toPort: 0, self: true },
      {
        description: "AWS APIs and S3 (HTTPS)",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
      },
    ],
  };
}

/** The tag EMR's v2 managed policies require on the resources clusters use. */
export const emrManagedTag = { "for-use-with-amazon-emr-managed-policies": "true" };

/**
 * Short-lived Spark on EMR: shared foundations (service roles, disk key, block
 * public access, EMR-managed security groups) and, per domain, a job role, a
 * security configuration and a RunJobFlow template in SSM that an orchestrator
 * launches; clusters terminate when idle.
 */
export class EphemeralSparkCluster extends pulumi.ComponentResource {
  readonly serviceRole: aws.iam.Role;
  readonly autoScalingRole: aws.iam.Role;
  readonly diskKey: aws.kms.Key;
  readonly securityGroups: {
    primary: aws.ec2.SecurityGroup;
    core: aws.ec2.SecurityGroup;
    serviceAccess: aws.ec2.SecurityGroup;
  };
  readonly releaseLabel: string;
  /** The generated in-transit certificates (none when `tlsCertificatesS3Uri` names the operator's own zip). */
  readonly tlsCertificates?: GeneratedCertificates;
  private readonly componentName: string;
  private readonly domainResources = new Map<string, SparkDomain>();
  private readonly account: {
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    region: pulumi.Output<string>;
  };

  constructor(name: string, args: EphemeralSparkClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSparkArgs(name, args);
    super("data-platform:spark:EphemeralSparkCluster", name, {}, opts);
    this.componentName = name;
    this.releaseLabel = args.releaseLabel ?? platformDefaults.spark.releaseLabel;
    const child = { parent: this };
    const protect = args.protect ?? true;
    const tags = { ...args.tags, ...emrManagedTag };
    const lake: LakeRef = args.lake;
    this.account = lake.account;
    const { accountId, partition } = this.account;
    const roleName = (...parts: string[]) => physicalName("iamRole", args.prefix, args.stage, ...parts);
    const instanceRolePattern = pulumi.interpolate`arn:${partition}:iam::${accountId}:role/${args.prefix}-${args.stage}-*-spark-ec2`;

    this.serviceRole = new aws.iam.Role(
      `${name}-service-role`,
      {
        name: roleName("emr-service"),
        assumeRolePolicy: accountId.apply((account) =>
          JSON.stringify(serviceTrust(["elasticmapreduce.amazonaws.com"], account)),
        ),
        tags,
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-service-role-v2`,
      {
        role: this.serviceRole.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2`,
      },
      child,
    );
    // The v2 policy does not include PassRole: pass only the platform's Spark instance roles, to EC2.
    new aws.iam.RolePolicy(
      `${name}-service-role-pass`,
      {
        role: this.serviceRole.name,
        policy: instanceRolePattern.apply((pattern) => JSON.stringify(servicePassRolePolicy([pattern]))),
      },
      child,
    );

    this.autoScalingRole = new aws.iam.Role(
      `${name}-autoscaling-role`,
      {
        name: roleName("emr-autoscaling"),
        assumeRolePolicy: accountId.apply((account) =>
          JSON.stringify(
            serviceTrust(["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"], account),
          ),
        ),
        tags,
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-autoscaling-role-policy`,
      {
        role: this.autoScalingRole.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole`,
      },
      child,
    );

    this.diskKey = protectedKey(this, `${name}-disk-key`, {
      description: "EMR local disks and EBS volumes",
      alias: physicalName("kmsAlias", args.prefix, args.stage, "emr-disks"),
      policy: pulumi
        .all([partition, accountId, pulumi.output(args.administratorArns), this.serviceRole.arn])
        .apply(([partitionValue, account, admins, serviceRoleArn]) =>
          diskKeyPolicy(partitionValue, account, admins, serviceRoleArn),
        ),
      tags,
      protect,
    });

    // Account-wide: no cluster may open a port to the internet, with no exceptions.
    new aws.emr.BlockPublicAccessConfiguration(
      `${name}-block-public-access`,
      { blockPublicSecurityGroupRules: true },
      child,
    );

    // EMR-managed security groups: EMR writes their rules; they start empty.
    const securityGroup = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}-sg`,
        {
          name: physicalName("generic", args.prefix, args.stage, "emr", role),
          description,
          vpcId: args.vpcId,
          revokeRulesOnDelete: true,
          tags: { ...tags, Name: `${args.prefix}-${args.stage}-emr-${role}` },
        },
        child,
      );
    this.securityGroups = {
      primary: securityGroup("primary", "EMR-managed: primary nodes of ephemeral Spark clusters"),
      core: securityGroup("core", "EMR-managed: core and task nodes of ephemeral Spark clusters"),
      serviceAccess: securityGroup("service-access", "EMR-managed: service access for clusters in private subnets"),
    };

    const emrOnEks = args.eks && args.domains.some((domain) => domain.emrOnEks) ? args.eks : undefined;
    const serviceLinkedRole =
      emrOnEks && (args.emrContainersServiceLinkedRole ?? "create") === "create"
        ? createEmrContainersServiceLinkedRole(this, name)
        : undefined;
    const emrAccess = emrOnEks
      ? createEmrAccessEntry(this, name, emrOnEks, partition, accountId, serviceLinkedRole)
      : undefined;

    // In-transit encryption: the operator's own certificates zip, or one generated here into the artifacts bucket.
    if (args.tlsCertificatesS3Uri === undefined) {
      this.tlsCertificates = generateCertificates(this, name, {
        bucket: lake.artifactsBucket.name,
        region: this.account.region,
        subject: `${args.prefix}-${args.stage}`,
      });
    }
    const tlsCertificates =
      args.tlsCertificatesS3Uri ?? pulumi.interpolate`s3://${lake.artifactsBucket.name}/${tlsZipKey}`;
    const instanceTypes: FleetInstanceTypes = args.instanceTypes ?? defaultInstanceTypes;
    for (const domain of [...args.domains].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      this.domainResources.set(
        domain.name,
        this.createDomain(name, args, domain, {
          tags: args.tags ?? {},
          tlsCertificates,
          instanceTypes,
          lake,
          roleName,
          ...(emrAccess ? { emrAccess } : {}),
        }),
      );
    }
    this.registerOutputs({ templates: this.templateNames() });
  }

  private createDomain(
    name: string,
    args: EphemeralSparkClusterArgs,
    domain: SparkDomainArgs,
    shared: {
      tags: Record<string, string>;
      tlsCertificates: pulumi.Input<string>;
      instanceTypes: FleetInstanceTypes;
      lake: LakeRef;
      roleName: (...parts: string[]) => string;
      /** EMR on EKS's access entry, when any domain uses EMR on EKS. */
      emrAccess?: aws.eks.AccessEntry;
    },
  ): SparkDomain {
    const child = { parent: this };
    const prefix = `${name}-${domain.name}`;
    const { accountId, partition, region } = this.account;
    // The domain tag is what the lake's key policies and the launch grant's conditions match on.
    const tags = { ...shared.tags, ...domain.tags, [domainTagKey]: domain.name, ...emrManagedTag };
    const lake = shared.lake;
    const storage = lake.domain(domain.name);

    const instanceRole = new aws.iam.Role(
      `${prefix}-ec2`,
      {
        name: shared.roleName(domain.name, "spark-ec2"),
        description: `EMR instances of ${domain.name}'s Spark clusters`,
        assumeRolePolicy: JSON.stringify(ec2Trust()),
        tags,
      },
      child,
    );
    const instanceProfile = new aws.iam.InstanceProfile(
      `${prefix}-ec2`,
      { name: shared.roleName(domain.name, "spark-ec2"), role: instanceRole.name, tags },
      child,
    );
    this.grantDomainData({ name: `${domain.name}-spark`, role: instanceRole, domain: domain.name }, domain, lake);
    new aws.iam.RolePolicy(
      `${prefix}-ec2-ecr`,
      {
        role: instanceRole.name,
        policy: pulumi
          .all([region, accountId, partition])
          .apply(([regionValue, account, partitionValue]) =>
            JSON.stringify(
              ecrPullPolicy(regionValue, account, `${args.prefix}-${args.stage}/${domain.name}/`, partitionValue),
            ),
          ),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${prefix}-ec2-disk-key`,
      { role: instanceRole.name, policy: this.diskKey.arn.apply((keyArn) => JSON.stringify(diskKeyUsePolicy(keyArn))) },
      child,
    );

    const security = new aws.emr.SecurityConfiguration(
      prefix,
      {
        name: physicalName("generic", args.prefix, args.stage, domain.name, "spark"),
        configuration: pulumi
          .all([storage.key.arn, this.diskKey.arn, pulumi.output(shared.tlsCertificates)])
          .apply(([s3KmsKeyArn, localDiskKmsKeyArn, tlsCertificatesS3Uri]) =>
            JSON.stringify(securityConfiguration({ s3KmsKeyArn, localDiskKmsKeyArn, tlsCertificatesS3Uri })),
          ),
      },
      // No cluster can use the configuration before its certificates are in S3.
      { parent: this, ...(this.tlsCertificates ? { dependsOn: [this.tlsCertificates.object] } : {}) },
    );
    // The nodes download the certificates zip with the instance role: exactly that object (and, when generated
    // into the artifacts bucket, the lake key's decrypt through S3).
    new aws.iam.RolePolicy(
      `${prefix}-ec2-tls`,
      {
        role: instanceRole.name,
        policy: pulumi
          .all([
            pulumi.output(shared.tlsCertificates),
            partition,
            region,
            this.tlsCertificates ? lake.platformKey.arn : pulumi.output(""),
          ])
          .apply(([uri, partitionValue, regionValue, keyArn]) =>
            JSON.stringify(
              tlsReadPolicy({
                objectArn: s3ObjectArn(uri, partitionValue),
                region: regionValue,
                ...(keyArn ? { keyArn } : {}),
              }),
            ),
          ),
      },
      child,
    );

    const capacity = capacityBounds(domain.maxVcpus ?? platformDefaults.spark.maxCoreVcpus, startingCoreVcpus);
    const idleTimeoutMinutes = domain.idleTimeoutMinutes ?? platformDefaults.spark.idleTimeoutMinutes;
    const clusterName = physicalName("generic", args.prefix, args.stage, domain.name, "spark");
    const logUri = pulumi.interpolate`s3://${lake.artifactsBucket.name}/logs/emr/${domain.name}/`;
    const ecrRegistry = pulumi.interpolate`${accountId}.dkr.ecr.${region}.amazonaws.com`;
    const imageRepository = pulumi.interpolate`${ecrRegistry}/${args.prefix}-${args.stage}/${domain.name}/spark`;
    const dockerImage = pulumi.interpolate`${imageRepository}:${domain.imageTag ?? platformDefaults.spark.imageTag}`;
    const template = jsonParameter(
      `${prefix}-template`,
      {
        name: `/${args.prefix}/${args.stage}/spark/${domain.name}/run-job-flow`,
        description: `RunJobFlow request that launches an ephemeral Spark cluster for ${domain.name}`,
        document: pulumi
          .output({
            subnetIds: args.privateSubnetIds,
            primary: this.securityGroups.primary.id,
            core: this.securityGroups.core.id,
            serviceAccess: this.securityGroups.serviceAccess.id,
            serviceRole: this.serviceRole.name,
            autoScalingRole: this.autoScalingRole.name,
            profile: instanceProfile.name,
            securityName: security.name,
            log: logUri,
            registry: ecrRegistry,
            image: dockerImage,
          })
          .apply((resolved) =>
            runJobFlowTemplate({
              clusterName,
              releaseLabel: this.releaseLabel,
              logUri: resolved.log,
              subnetIds: resolved.subnetIds,
              primarySecurityGroupId: resolved.primary,
              coreSecurityGroupId: resolved.core,
              serviceAccessSecurityGroupId: resolved.serviceAccess,
              serviceRole: resolved.serviceRole,
              autoScalingRole: resolved.autoScalingRole,
              instanceProfile: resolved.profile,
              securityConfiguration: resolved.securityName,
              idleTimeoutMinutes,
              capacity,
              instanceTypes: shared.instanceTypes,
              ecrRegistry: resolved.registry,
              dockerImage: resolved.image,
              tags: { ...tags, [tagKeys.stage]: args.stage },
            }),
          ),
        tags,
      },
      child,
    );

    const result: SparkDomain = {
      name: domain.name,
      instanceRole,
      instanceProfile,
      securityConfiguration: security,
      template,
      capacity,
      imageRepository,
      dockerImage,
    };
    if (domain.longLivedCluster)
      result.longLivedCluster = this.longLivedCluster(prefix, args, {
        clusterName,
        security,
        instanceProfile,
        logUri,
        ecrRegistry,
        dockerImage,
        idleTimeoutMinutes,
        capacity,
        instanceTypes: shared.instanceTypes,
        tags,
      });
    if (domain.serverless)
      result.serverless = this.serverlessApplication(
        prefix,
        args,
        domain,
        capacity,
        idleTimeoutMinutes,
        tags,
        lake,
        shared.roleName,
      );
    if (domain.emrOnEks && args.eks) {
      result.emrOnEks = createEmrOnEksDomain(this, prefix, {
        eks: args.eks,
        domain: domain.name,
        roleName: shared.roleName(domain.name, "spark-eks"),
        accountId,
        tags,
        ...(shared.emrAccess ? { accessEntry: shared.emrAccess } : {}),
      });
      // The same data as the EC2 path, nothing more.
      this.grantDomainData(
        { name: `${domain.name}-eks`, role: result.emrOnEks.jobExecutionRole, domain: domain.name },
        domain,
        lake,
      );
    }
    return result;
  }

  private grantDomainData(grantee: LakeGrantee, domain: SparkDomainArgs, lake: LakeRef): void {
    lake.grantWrite(grantee, { domain: domain.name });
    if (domain.readCentralRaw ?? true) lake.grantRead(grantee, { zone: "raw" });
    lake.grantRead(grantee, { zone: "artifacts", prefix: `code/${domain.name}` });
    lake.grantWrite(grantee, { zone: "artifacts", prefix: `logs/emr/${domain.name}` });
  }

  private longLivedCluster(
    prefix: string,
    args: EphemeralSparkClusterArgs,
    settings: {
      clusterName: string;
      security: aws.emr.SecurityConfiguration;
      instanceProfile: aws.iam.InstanceProfile;
      logUri: pulumi.Output<string>;
      ecrRegistry: pulumi.Output<string>;
      dockerImage: pulumi.Output<string>;
      idleTimeoutMinutes: number;
      capacity: CapacityBounds;
      instanceTypes: FleetInstanceTypes;
      tags: Record<string, string>;
    },
  ): aws.emr.Cluster {
    const spot = {
      spotSpecifications: [
        { allocationStrategy: "capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutDurationMinutes: 10 },
      ],
      onDemandSpecifications: [{ allocationStrategy: "lowest-price" }],
    };
    const cluster = new aws.emr.Cluster(
      `${prefix}-cluster`,
      {
        name: `${settings.clusterName}-shared`,
        releaseLabel: this.releaseLabel,
        applications: ["Spark", "Hadoop", "Hive"],
        serviceRole: this.serviceRole.arn,
        autoscalingRole: this.autoScalingRole.arn,
        securityConfiguration: settings.security.name,
        logUri: settings.logUri,
        keepJobFlowAliveWhenNoSteps: true,
        autoTerminationPolicy: { idleTimeout: settings.idleTimeoutMinutes * 60 },
        ec2Attributes: {
          subnetIds: args.privateSubnetIds,
          instanceProfile: settings.instanceProfile.arn,
          emrManagedMasterSecurityGroup: this.securityGroups.primary.id,
          emrManagedSlaveSecurityGroup: this.securityGroups.core.id,
          serviceAccessSecurityGroup: this.securityGroups.serviceAccess.id,
        },
        masterInstanceFleet: {
          name: "primary",
          targetOnDemandCapacity: 1,
          instanceTypeConfigs: settings.instanceTypes.primary.map((instanceType) => ({ instanceType })),
        },
        coreInstanceFleet: {
          name: "core",
          targetSpotCapacity: settings.capacity.minimum,
          instanceTypeConfigs: settings.instanceTypes.core.map((type) => ({
            instanceType: type.instanceType,
            weightedCapacity: type.vcpus,
          })),
          launchSpecifications: spot,
        },
        configurationsJson: pulumi
          .all([settings.ecrRegistry, settings.dockerImage])
          .apply(([registry, image]) => JSON.stringify(clusterConfigurations(registry, image))),
        tags: settings.tags,
      },
      { parent: this },
    );
    new aws.emr.ManagedScalingPolicy(
      `${prefix}-cluster-scaling`,
      {
        clusterId: cluster.id,
        computeLimits: [
          {
            unitType: "InstanceFleetUnits",
            minimumCapacityUnits: settings.capacity.minimum,
            maximumCapacityUnits: settings.capacity.maximum,
            maximumOndemandCapacityUnits: settings.capacity.maximumOnDemand,
            maximumCoreCapacityUnits: settings.capacity.minimum,
          },
        ],
      },
      { parent: this },
    );
    return cluster;
  }

  private serverlessApplication(
    prefix: string,
    args: EphemeralSparkClusterArgs,
    domain: SparkDomainArgs,
    capacity: CapacityBounds,
    idleTimeoutMinutes: number,
    tags: Record<string, string>,
    lake: LakeRef,
    roleName: (...parts: string[]) => string,
  ): { application: aws.emrserverless.Application; runtimeRole: aws.iam.Role; securityGroup: aws.ec2.SecurityGroup } {
    // Its own group: the EMR-managed core group has no egress until an EMR on EC2 cluster has written its rules.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${prefix}-serverless-sg`,
      {
        name: physicalName("generic", args.prefix, args.stage, domain.name, "spark-serverless"),
        description: `EMR Serverless workers of ${domain.name}: no ingress from outside, HTTPS out`,
        vpcId: args.vpcId,
        ...serverlessSecurityGroupRules(),
        tags: { ...tags, Name: physicalName("generic", args.prefix, args.stage, domain.name, "spark-serverless") },
      },
      { parent: this },
    );
    const application = new aws.emrserverless.Application(
      `${prefix}-serverless`,
      {
        name: physicalName("generic", args.prefix, args.stage, domain.name, "spark"),
        type: "spark",
        releaseLabel: args.serverlessReleaseLabel ?? platformDefaults.spark.serverlessReleaseLabel,
        architecture: "ARM64",
        autoStartConfiguration: { enabled: true },
        autoStopConfiguration: { enabled: true, idleTimeoutMinutes: Math.min(idleTimeoutMinutes, 10080) },
        maximumCapacity: { cpu: `${capacity.maximum} vCPU`, memory: `${capacity.maximum * 8} GB` },
        networkConfiguration: { subnetIds: args.privateSubnetIds, securityGroupIds: [securityGroup.id] },
        tags,
      },
      { parent: this },
    );
    const runtimeRole = new aws.iam.Role(
      `${prefix}-serverless-runtime`,
      {
        name: roleName(domain.name, "spark-serverless"),
        description: `EMR Serverless job runtime role of ${domain.name}`,
        assumeRolePolicy: this.account.accountId.apply((account) =>
          JSON.stringify(serviceTrust(["emr-serverless.amazonaws.com"], account)),
        ),
        tags,
      },
      { parent: this },
    );
    this.grantDomainData({ name: `${domain.name}-serverless`, role: runtimeRole, domain: domain.name }, domain, lake);
    return { application, runtimeRole, securityGroup };
  }

  /** The domain's Spark resources, or `undefined` for a domain this component does not serve. */
  tryDomain(name: string): SparkDomain | undefined {
    return this.domainResources.get(name);
  }

  /** Whether this component serves the domain. */
  hasDomain(name: string): boolean {
    return this.domainResources.has(name);
  }

  /** The domain's Spark resources; throws for a domain this component does not serve (a caller's mistake). */
  domain(name: string): SparkDomain {
    const found = this.tryDomain(name);
    if (!found)
      throw new Error(
        `EphemeralSparkCluster "${this.componentName}" has no domain "${name}"; domains: ${[...this.domainResources.keys()].join(", ") || "none"}`,
      );
    return found;
  }

  /** SSM parameter names of the domains' cluster templates. */
  templateNames(): Record<string, pulumi.Output<string>> {
    return Object.fromEntries([...this.domainResources.values()].map((domain) => [domain.name, domain.template.name]));
  }

  /** Capacity bounds (vCPUs) by domain, for cost estimates. */
  capacities(): Record<string, CapacityBounds> {
    return Object.fromEntries([...this.domainResources.values()].map((domain) => [domain.name, domain.capacity]));
  }

  /**
   * Lets an orchestrator role launch and drive `scope.domain`'s ephemeral clusters (and
   * its serverless application and EMR on EKS virtual cluster): EMR actions limited by tag
   * to the domain's clusters, `iam:PassRole` on exactly the domain's roles, the template.
   * One inline policy `<spark>-<grantee>-launch-<domain>` on the grantee's role.
   */
  grantLaunch(grantee: Grantee, scope: SparkLaunchScope): SparkLaunchGrant {
    const domainName = scope.domain;
    const domain = this.domain(domainName);
    const { accountId, partition, region } = this.account;
    const serverless = domain.serverless;
    const statements = pulumi
      .output({
        partition,
        region,
        accountId,
        templateArn: domain.template.arn,
        serviceRoleArn: this.serviceRole.arn,
        autoScalingRoleArn: this.autoScalingRole.arn,
        instanceRoleArn: domain.instanceRole.arn,
        applicationArn: serverless?.application.arn ?? "",
        runtimeRoleArn: serverless?.runtimeRole.arn ?? "",
        virtualClusterArn: domain.emrOnEks?.virtualCluster.arn ?? "",
        jobExecutionRoleArn: domain.emrOnEks?.jobExecutionRole.arn ?? "",
      })
      .apply((resolved) => [
        ...launchPolicy({
          partition: resolved.partition,
          region: resolved.region,
          accountId: resolved.accountId,
          domain: domainName,
          templateParameterArn: resolved.templateArn,
          passableRoleArns: {
            emr: [resolved.serviceRoleArn, resolved.autoScalingRoleArn],
            ec2: [resolved.instanceRoleArn],
          },
        }).Statement,
        ...(resolved.applicationArn
          ? serverlessLaunchPolicy(resolved.applicationArn, resolved.runtimeRoleArn).Statement
          : []),
        ...(resolved.virtualClusterArn
          ? emrOnEksLaunchStatements(resolved.virtualClusterArn, resolved.jobExecutionRoleArn)
          : []),
      ]);
    return rolePolicyGrant(
      this,
      `${this.componentName}-${grantee.name}-launch-${domainName}`,
      grantee,
      scope,
      statements,
    );
  }
}

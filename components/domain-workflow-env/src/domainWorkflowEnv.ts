import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  defaultAirflowVersion,
  defaultMwaaEnvironmentClass,
  physicalName,
  platformDefaults,
  tagKeys,
} from "@data-platform/conventions";
import { LakeBucket, type LakeGrantee, type LakeRef } from "@data-platform/data-lake";
import type { SparkDomain } from "@data-platform/ephemeral-spark-cluster";
import type { WorkflowContract } from "@data-platform/platform-contract";
import { validateWorkflowArgs, type DomainWorkflowEnvArgs } from "./args";
import { hardenedContainerDefinition } from "./containerDefinition";
import { ecsTasksTrust, executionPolicy, mwaaTrust, repositoryLifecyclePolicy, taskExecutionPolicy } from "./policies";

const airflowLogTypes = ["dagProcessingLogs", "schedulerLogs", "taskLogs", "webserverLogs", "workerLogs"] as const;

/** The domain's ECS Fargate runner. */
export interface FargateRunner {
  cluster: aws.ecs.Cluster;
  taskRole: aws.iam.Role;
  taskExecutionRole: aws.iam.Role;
  securityGroup: aws.ec2.SecurityGroup;
  logGroup: aws.cloudwatch.LogGroup;
  /** A task definition that satisfies the platform's ECS rules, to copy for real jobs. */
  templateTaskDefinition: aws.ecs.TaskDefinition;
}

/**
 * A data domain's self-service pipelines: an MWAA environment with its DAG
 * bucket and least-privilege execution role, ECR repositories for its images,
 * and optionally an ECS Fargate runner for non-Spark jobs.
 */
export class DomainWorkflowEnv extends pulumi.ComponentResource {
  readonly environment: aws.mwaa.Environment;
  readonly executionRole: aws.iam.Role;
  readonly dagBucket: LakeBucket;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly repositories: Record<string, aws.ecr.Repository>;
  readonly fargate?: FargateRunner;
  readonly domain: string;
  /** Secrets Manager names the pipelines may read start with this. */
  readonly secretsPrefix: string;
  private readonly sparkTemplate?: pulumi.Output<string>;
  private readonly paths: { dags: string; plugins?: string; requirements?: string; startupScript?: string };

  constructor(name: string, args: DomainWorkflowEnvArgs, opts?: pulumi.ComponentResourceOptions) {
    validateWorkflowArgs(name, args);
    super("data-platform:workflow:DomainWorkflowEnv", name, {}, opts);
    const child = { parent: this };
    const protect = args.protect ?? true;
    const stateful = { parent: this, protect, retainOnDelete: protect };
    const lake: LakeRef = args.lake;
    const storage = lake.domain(args.domain);
    const { accountId, partition, region } = lake.account;
    const tags = { ...args.tags, [tagKeys.domain]: args.domain };
    this.domain = args.domain;
    this.secretsPrefix = `${args.prefix}/${args.stage}/${args.domain}/`;
    const environmentName = physicalName("mwaaEnvironment", args.prefix, args.stage, args.domain);
    const roleName = (...parts: string[]) => physicalName("iamRole", args.prefix, args.stage, args.domain, ...parts);

    this.dagBucket = new LakeBucket(
      `${name}-dags`,
      {
        bucketName: accountId.apply((account) =>
          physicalName("s3Bucket", args.prefix, args.stage, args.domain, "dags", account),
        ),
        kmsKeyArn: storage.key.arn,
        accessLogBucket: lake.accessLogBucket.name,
        retention: { kind: "tiered", intelligentTieringAfterDays: 0 },
        noncurrentVersionExpirationDays: 30,
        abortIncompleteMultipartUploadDays: 7,
        protect,
        tags,
      },
      child,
    );
    this.paths = {
      dags: "dags",
      plugins: args.pluginsZip || args.platformLibrary ? "plugins.zip" : undefined,
      requirements: args.requirementsTxt ? "requirements.txt" : undefined,
      startupScript: args.startupScript ? "startup.sh" : undefined,
    };
    // The platform's DAG library, installed as plugins.zip; MWAA takes the object version, so a new library updates it.
    const pluginsObject = args.platformLibrary
      ? new aws.s3.BucketObjectv2(
          `${name}-plugins`,
          {
            bucket: this.dagBucket.name,
            key: "plugins.zip",
            source: args.platformLibrary,
            contentType: "application/zip",
          },
          { parent: this, dependsOn: [this.dagBucket] },
        )
      : undefined;
    new aws.s3.BucketObjectv2(
      `${name}-dags-readme`,
      {
        bucket: this.dagBucket.name,
        key: "dags/README.md",
        content: `DAGs of the ${args.domain} domain. Deployed by the domain's own stack; see the platform README.\n`,
        contentType: "text/markdown",
      },
      child,
    );

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-mwaa-sg`,
      {
        name: physicalName("generic", args.prefix, args.stage, args.domain, "airflow"),
        description: `MWAA environment of ${args.domain}`,
        vpcId: args.vpcId,
        ...mwaaSecurityGroupRules(args.webserverAccessCidrs ?? []),
        tags: { ...tags, Name: environmentName },
      },
      child,
    );

    this.repositories = Object.fromEntries(
      [...(args.images ?? ["spark", "jobs"])].sort().map((image) => {
        const repository = new aws.ecr.Repository(
          `${name}-repo-${image}`,
          {
            name: `${args.prefix}-${args.stage}/${args.domain}/${image}`,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: storage.key.arn }],
            forceDelete: false,
            tags,
          },
          stateful,
        );
        new aws.ecr.LifecyclePolicy(
          `${name}-repo-${image}-lifecycle`,
          { repository: repository.name, policy: JSON.stringify(repositoryLifecyclePolicy) },
          child,
        );
        return [image, repository];
      }),
    );

    this.executionRole = new aws.iam.Role(
      `${name}-execution`,
      {
        name: roleName("airflow"),
        description: `MWAA execution role of ${args.domain}`,
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(mwaaTrust(account))),
        tags,
      },
      child,
    );
    const grantee: LakeGrantee = { name: `${args.domain}-airflow`, role: this.executionRole, domain: args.domain };
    lake.grantWrite(grantee, { domain: args.domain });

    if (args.fargate) this.fargate = this.createFargate(name, args, tags, roleName, lake);

    const executionPolicyResource = new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: this.executionRole.name,
        policy: pulumi
          .output({
            partition,
            region,
            accountId,
            dagBucketArn: this.dagBucket.arn,
            keyArn: storage.key.arn,
            clusterArn: this.fargate?.cluster.arn ?? "",
            taskRoleArn: this.fargate?.taskRole.arn ?? "",
            taskExecutionRoleArn: this.fargate?.taskExecutionRole.arn ?? "",
            logGroupArn: this.fargate?.logGroup.arn ?? "",
          })
          .apply((resolved) =>
            JSON.stringify(
              executionPolicy({
                partition: resolved.partition,
                region: resolved.region,
                accountId: resolved.accountId,
                environmentName,
                dagBucketArn: resolved.dagBucketArn,
                keyArn: resolved.keyArn,
                secretsPrefix: this.secretsPrefix,
                ecs: resolved.clusterArn
                  ? {
                      clusterArn: resolved.clusterArn,
                      taskDefinitionFamilyPrefix: `${args.prefix}-${args.stage}-${args.domain}-`,
                      passRoleArns: [resolved.taskRoleArn, resolved.taskExecutionRoleArn],
                      logGroupArn: resolved.logGroupArn,
                    }
                  : undefined,
              }),
            ),
          ),
      },
      child,
    );

    // A domain without Spark has no Spark resources: nothing to launch.
    const sparkDomain = args.spark?.tryDomain(args.domain);
    if (args.spark && sparkDomain) {
      args.spark.grantLaunch({ name: `${args.domain}-airflow`, role: this.executionRole }, { domain: args.domain });
      this.sparkTemplate = sparkDomain.template.name;
    }

    const logging = Object.fromEntries(
      airflowLogTypes.map((type) => [type, { enabled: true, logLevel: args.logLevel ?? "INFO" }]),
    );
    this.environment = new aws.mwaa.Environment(
      name,
      {
        name: environmentName,
        airflowVersion: args.airflowVersion ?? defaultAirflowVersion,
        environmentClass: args.environmentClass ?? defaultMwaaEnvironmentClass,
        minWorkers: args.minWorkers ?? platformDefaults.workflow.minWorkers,
        maxWorkers: args.maxWorkers ?? platformDefaults.workflow.maxWorkers,
        executionRoleArn: this.executionRole.arn,
        sourceBucketArn: this.dagBucket.arn,
        dagS3Path: this.paths.dags,
        pluginsS3Path: this.paths.plugins,
        pluginsS3ObjectVersion: pluginsObject?.versionId,
        requirementsS3Path: this.paths.requirements,
        startupScriptS3Path: this.paths.startupScript,
        kmsKey: storage.key.arn,
        webserverAccessMode: "PRIVATE_ONLY",
        // MWAA needs exactly two private subnets in different AZs.
        networkConfiguration: {
          securityGroupIds: [this.securityGroup.id],
          subnetIds: pulumi.output(args.privateSubnetIds).apply((ids) => ids.slice(0, 2)),
        },
        loggingConfiguration: logging,
        // Only options with a value: what a domain does not have is left out, never set to "".
        airflowConfigurationOptions: definedOptions({
          "data_platform.prefix": args.prefix,
          "data_platform.domain": args.domain,
          "data_platform.stage": args.stage,
          "data_platform.spark_template_parameter": this.sparkTemplate,
          "data_platform.secrets_prefix": this.secretsPrefix,
          // Where the domain's Spark code lives (the Spark roles read it): the artifacts bucket's code/<domain>/.
          "data_platform.code_uri": pulumi.interpolate`s3://${lake.artifactsBucket.name}/code/${args.domain}/`,
          "data_platform.raw_database": storage.databases.raw?.name,
          "data_platform.analytics_database": storage.databases.analytics?.name,
          "data_platform.ecs_cluster": this.fargate?.cluster.name,
          ...airflowRunnerOptions(args, this.fargate, sparkDomain),
        }),
        tags,
      },
      // The role's policy and the DAG bucket must exist before MWAA validates the environment with them.
      // The environment holds Airflow's metadata database (connections, variables, run history): protected.
      {
        parent: this,
        protect,
        dependsOn: [this.dagBucket, executionPolicyResource, ...(pluginsObject ? [pluginsObject] : [])],
      },
    );

    this.registerOutputs({ contract: this.contract() });
  }

  private createFargate(
    name: string,
    args: DomainWorkflowEnvArgs,
    tags: Record<string, string>,
    roleName: (...parts: string[]) => string,
    lake: LakeRef,
  ): FargateRunner {
    const child = { parent: this };
    const storage = lake.domain(args.domain);
    const { accountId, partition, region } = lake.account;
    const cluster = new aws.ecs.Cluster(
      `${name}-ecs`,
      {
        name: physicalName("generic", args.prefix, args.stage, args.domain),
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags,
      },
      child,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-ecs-logs`,
      {
        name: `/${args.prefix}/${args.stage}/${args.domain}/ecs`,
        retentionInDays: args.logRetentionDays ?? 90,
        kmsKeyId: storage.key.arn,
        tags,
      },
      child,
    );
    const trust = pulumi
      .all([partition, region, accountId])
      .apply(([partitionValue, regionValue, account]) =>
        JSON.stringify(ecsTasksTrust(account, `arn:${partitionValue}:ecs:${regionValue}:${account}:*`)),
      );
    const taskExecutionRole = new aws.iam.Role(
      `${name}-task-execution`,
      { name: roleName("ecs-execution"), assumeRolePolicy: trust, tags },
      child,
    );
    const taskRole = new aws.iam.Role(
      `${name}-task`,
      { name: roleName("ecs-task"), assumeRolePolicy: trust, tags },
      child,
    );
    const repositoryArns = Object.values(this.repositories).map((repository) => repository.arn);
    new aws.iam.RolePolicy(
      `${name}-task-execution`,
      {
        role: taskExecutionRole.name,
        policy: pulumi
          .output({ repositoryArns, logGroupArn: logGroup.arn, keyArn: storage.key.arn, region, partition, accountId })
          .apply((resolved) =>
            JSON.stringify(
              taskExecutionPolicy({
                repositoryArns: resolved.repositoryArns,
                logGroupArn: resolved.logGroupArn,
                keyArn: resolved.keyArn,
                region: resolved.region,
                secretsArnPrefix: `arn:${resolved.partition}:secretsmanager:${resolved.region}:${resolved.accountId}:secret:${this.secretsPrefix}`,
              }),
            ),
          ),
      },
      child,
    );
    // The task role reaches the domain's data like its Airflow does, and nothing else.
    lake.grantWrite({ name: `${args.domain}-ecs-task`, role: taskRole, domain: args.domain }, { domain: args.domain });
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-tasks-sg`,
      {
        name: physicalName("generic", args.prefix, args.stage, args.domain, "tasks"),
        description: `Fargate tasks of ${args.domain}: no ingress, HTTPS out`,
        vpcId: args.vpcId,
        egress: [
          {
            description: "AWS APIs and the lake (HTTPS)",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
        tags,
      },
      child,
    );
    const jobsRepository = this.repositories["jobs"]!;
    const templateTaskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task-template`,
      {
        family: `${args.prefix}-${args.stage}-${args.domain}-template`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "1024",
        memory: "2048",
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        executionRoleArn: taskExecutionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi
          .all([jobsRepository.repositoryUrl, logGroup.name, region])
          .apply(([repositoryUrl, logGroupName, regionValue]) =>
            // Tags are immutable: jobs pin an image tag; the template names the bootstrap tag.
            JSON.stringify([
              hardenedContainerDefinition({
                name: "job",
                image: `${repositoryUrl}:bootstrap`,
                domain: args.domain,
                logGroupName,
                region: regionValue,
                streamPrefix: "job",
              }),
            ]),
          ),
        tags,
      },
      child,
    );
    return { cluster, taskRole, taskExecutionRole, securityGroup, logGroup, templateTaskDefinition };
  }

  /** What the domain's stack reads from the platform contract. */
  contract(): pulumi.Output<WorkflowContract> {
    return pulumi.output({
      domain: this.domain,
      mwaa: {
        name: this.environment.name,
        arn: this.environment.arn,
        webserverUrl: this.environment.webserverUrl,
        executionRoleArn: this.executionRole.arn,
      },
      dagBucket: {
        name: this.dagBucket.name,
        arn: this.dagBucket.arn,
        dagsPath: `${this.paths.dags}/`,
        pluginsPath: this.paths.plugins ?? null,
        requirementsPath: this.paths.requirements ?? null,
        startupScriptPath: this.paths.startupScript ?? null,
      },
      ecrRepositoryUrls: Object.fromEntries(
        Object.entries(this.repositories).map(([image, repository]) => [image, repository.repositoryUrl]),
      ),
      secretsPrefix: this.secretsPrefix,
      sparkTemplateParameter: this.sparkTemplate ?? null,
      ecs: this.fargate
        ? {
            clusterName: this.fargate.cluster.name,
            clusterArn: this.fargate.cluster.arn,
            taskRoleArn: this.fargate.taskRole.arn,
            taskExecutionRoleArn: this.fargate.taskExecutionRole.arn,
            securityGroupIds: [this.fargate.securityGroup.id],
            logGroupName: this.fargate.logGroup.name,
            templateTaskDefinitionArn: this.fargate.templateTaskDefinition.arn,
          }
        : null,
    }) as pulumi.Output<WorkflowContract>;
  }
}

/** The part of a domain's Spark the DAG library reaches (`data_platform.*` options). */
type SparkReach = Pick<SparkDomain, "template" | "serverless" | "emrOnEks">;

/**
 * What the DAG library needs to run jobs on the domain's runners, as `data_platform.*` Airflow options:
 * the Fargate network and task family prefix, the EMR Serverless application and its runtime role, the
 * EMR on EKS virtual cluster and its job role, the EMR release. Left out when the domain lacks the runner.
 */
function airflowRunnerOptions(
  args: DomainWorkflowEnvArgs,
  fargate: FargateRunner | undefined,
  spark: SparkReach | undefined,
): Record<string, pulumi.Input<string> | undefined> {
  return {
    "data_platform.ecs_subnets": fargate
      ? pulumi.output(args.privateSubnetIds).apply((ids) => ids.join(","))
      : undefined,
    "data_platform.ecs_security_groups": fargate ? fargate.securityGroup.id : undefined,
    "data_platform.ecs_task_family_prefix": fargate ? `${args.prefix}-${args.stage}-${args.domain}-` : undefined,
    "data_platform.spark_release_label": spark && args.spark ? args.spark.releaseLabel : undefined,
    "data_platform.serverless_application_id": spark?.serverless ? spark.serverless.application.id : undefined,
    "data_platform.serverless_runtime_role_arn": spark?.serverless ? spark.serverless.runtimeRole.arn : undefined,
    "data_platform.emr_eks_virtual_cluster_id": spark?.emrOnEks ? spark.emrOnEks.virtualCluster.id : undefined,
    "data_platform.emr_eks_job_role_arn": spark?.emrOnEks ? spark.emrOnEks.jobExecutionRole.arn : undefined,
  };
}

/** The options that have a value (a key is left out rather than set to an empty string). */
export function definedOptions(
  options: Record<string, pulumi.Input<string> | undefined>,
): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(
    Object.entries(options).filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined),
  );
}

/**
 * The environment's security group rules, as MWAA's VPC security guide asks
 * (https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html): all traffic between the members of the
 * group, both ways - the environment's workers and scheduler, and the interface endpoints MWAA creates with this
 * group for its metadata database (PostgreSQL, 5432) and web server (HTTPS, 443) - and HTTPS out to AWS APIs
 * (interface endpoints, or NAT). Operator networks reach the web server and REST API on 443 only.
 */
export function mwaaSecurityGroupRules(operatorCidrs: string[]): Pick<aws.ec2.SecurityGroupArgs, "ingress" | "egress"> {
  return {
    ingress: [
      {
        description: "Airflow components and MWAA's endpoints of this environment",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        self: true,
      },
      ...(operatorCidrs.length > 0
        ? [
            {
              description: "Operators: Airflow web server and REST API (HTTPS)",
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: [...operatorCidrs].sort(),
            },
          ]
        : []),
    ],
    egress: [
      {
        description: "Airflow components and MWAA's endpoints (metadata database 5432, web server 443)",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        self: true,
      },
      {
        description: "AWS APIs and the lake (HTTPS)",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
      },
    ],
  };
}

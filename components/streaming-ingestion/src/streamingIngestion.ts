import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyPolicyOf, protectedKey, rolePolicyGrant, type Grantee, type PolicyGrant } from "@data-platform/aws-blocks";
import { physicalName, platformDefaults } from "@data-platform/conventions";
import { domainTagKey, type LakeRef } from "@data-platform/data-lake";
import {
  customerKeyStateRuntimes,
  validateStreamingArgs,
  type EventSourceArgs,
  type FlinkRuntime,
  type SchemaCompatibility,
  type StreamingIngestionArgs,
} from "./args";
import { eventsRoot, landingFormat, landingLayout, sourcePrefix } from "./layout";
import {
  flinkApplicationArn,
  flinkLandingPolicy,
  flinkRuntimePolicy,
  flinkStateKeyPolicy,
  flinkStreamsPolicy,
  flinkTrustPolicy,
  producerPolicy,
  streamingKeyPolicy,
} from "./policies";
import {
  defaultPeakFactor,
  defaultPrices,
  ingestionCapacity,
  kinesisShardLimits,
  type FlinkCapacity,
  type PriceTable,
  type StreamCapacity,
  type StreamingCapacity,
} from "./sizing";

/** What `grantPut` covers: one event source's stream and schemas. */
export interface StreamPutScope {
  source: string;
}

/** `grantPut`'s result: the `Grant` shape with its one inline policy. */
export type StreamPutGrant = PolicyGrant<StreamPutScope>;

/** One event source's resources. */
export interface EventSource {
  name: string;
  domain?: string;
  stream: aws.kinesis.Stream;
  /** Glue schemas by event name. */
  schemas: Record<string, aws.glue.Schema>;
  /** Schema names by event name (`<source>.<event>`). */
  schemaNames: Record<string, string>;
  capacity: StreamCapacity;
  /** Landing prefix the source's events are written under (`events/<source>/`). */
  landingPrefix: string;
}

/** What the component contributes to the platform contract (plain values once resolved). */
export interface StreamingContract {
  keyArn: string;
  registry: { name: string; arn: string };
  landing: { bucket: string; prefix: string; layout: string; format: string };
  sources: Record<
    string,
    {
      domain: string | null;
      stream: { name: string; arn: string };
      schemas: Record<string, string>;
      landingPrefix: string;
      capacity: StreamCapacity;
    }
  >;
  flink: {
    applicationName: string;
    applicationArn: string;
    runtime: FlinkRuntime;
    logGroupName: string;
    capacity: FlinkCapacity;
  };
  capacity: StreamingCapacity;
}

/**
 * Rivers: microservice events into the lake. A KMS-encrypted Kinesis stream per
 * event source, sized from its declared throughput; a Glue Schema Registry with an
 * Avro schema per event type; and a Managed Service for Apache Flink application
 * running the Beam "Rivers" job in the VPC, landing Avro files in the lake's landing
 * zone under `events/<source>/<event>/dt=YYYY-MM-DD/hh=HH/`.
 */
export class StreamingIngestion extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  /**
   * The Flink state key: encrypts the application's running storage, checkpoints and snapshots. Only on runtimes
   * that support it (`customerKeyStateRuntimes`, Flink 1.20 on); undefined otherwise (AWS owned key).
   */
  readonly stateKey?: aws.kms.Key;
  readonly registry: aws.glue.Registry;
  readonly role: aws.iam.Role;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly logStream: aws.cloudwatch.LogStream;
  readonly application: aws.kinesisanalyticsv2.Application;
  /** Shards, KPUs and monthly prices computed from the declared throughput. */
  readonly capacity: StreamingCapacity;
  readonly runtime: FlinkRuntime;
  readonly landingLayout = landingLayout;
  private readonly componentName: string;
  private readonly lake: LakeRef;
  private readonly eventSources = new Map<string, EventSource>();

  constructor(name: string, args: StreamingIngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStreamingArgs(name, args);
    super("data-platform:ingestion:StreamingIngestion", name, {}, opts);
    this.componentName = name;
    this.lake = args.lake;
    this.runtime = args.flink.runtime ?? platformDefaults.streaming.flinkRuntime;
    const lake = args.lake;
    const child = { parent: this };
    const protect = args.protect ?? true;
    const stateful = { parent: this, protect, retainOnDelete: protect };
    const tags = args.tags ?? {};
    const { accountId, partition, region } = lake.account;
    const prices: PriceTable = { ...defaultPrices, ...args.prices };
    const sources = [...args.sources].sort((a, b) => (a.name < b.name ? -1 : 1));

    this.capacity = ingestionCapacity(
      sources.map((source) => ({
        name: source.name,
        recordsPerSecond: source.recordsPerSecond,
        bytesPerSecond: source.bytesPerSecond,
        peakFactor: source.peakFactor ?? defaultPeakFactor,
        capacityMode: source.capacityMode,
      })),
      { flink: args.flink.sizing, prices, limits: args.shardLimits ?? kinesisShardLimits },
    );

    const logGroupName = `/${physicalName("logGroup", args.prefix, args.stage, name, "flink")}`;
    this.key = protectedKey(this, `${name}-key`, {
      description: "Rivers: Kinesis streams and the Flink application's logs",
      alias: physicalName("kmsAlias", args.prefix, args.stage, name, "streaming"),
      policy: keyPolicyOf({ partition, region, accountId, administratorArns: args.administratorArns }, (context) =>
        streamingKeyPolicy({ ...context, logGroupName }),
      ),
      tags,
      protect,
    });

    // The application's state on its own key: the streaming key's policy then never admits Managed Flink's service
    // principals, and this one admits them for this application's encryption context only. Its policy names the
    // application's ARN, built from known parts (the application needs the key's ARN, so it cannot come first).
    const applicationName = physicalName("generic", args.prefix, args.stage, name);
    if (
      customerKeyStateRuntimes.includes(this.runtime) &&
      (args.flink.stateKey ?? platformDefaults.streaming.stateKey) === "customer-managed"
    ) {
      this.stateKey = protectedKey(this, `${name}-flink-state-key`, {
        description: "Rivers: the Flink application's running state, checkpoints and snapshots",
        alias: physicalName("kmsAlias", args.prefix, args.stage, name, "flink-state"),
        policy: keyPolicyOf({ partition, region, accountId, administratorArns: args.administratorArns }, (context) =>
          flinkStateKeyPolicy({
            ...context,
            applicationArn: flinkApplicationArn(context.partition, context.region, context.accountId, applicationName),
          }),
        ),
        tags,
        protect,
      });
    }

    const registryName = physicalName("generic", args.prefix, args.stage, name, "events");
    this.registry = new aws.glue.Registry(
      `${name}-registry`,
      { registryName, description: "Avro schemas of the microservices' event streams (Rivers)", tags },
      stateful,
    );

    for (const source of sources)
      this.eventSources.set(
        source.name,
        this.createSource(name, args, source, { tags, protect, stateful, registryName }),
      );

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flink-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays ?? 90, kmsKeyId: this.key.arn, tags },
      child,
    );
    this.logStream = new aws.cloudwatch.LogStream(
      `${name}-flink-log-stream`,
      { name: "application", logGroupName: this.logGroup.name },
      child,
    );

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-flink-sg`,
      {
        name: physicalName("generic", args.prefix, args.stage, name, "flink"),
        description: "Rivers Flink application: no ingress; HTTPS out to AWS APIs",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...tags, Name: `${args.prefix}-${args.stage}-${name}-flink` },
      },
      child,
    );
    // Named after the CIDR, never a list position.
    for (const cidr of args.httpsEgressCidrBlocks ?? ["0.0.0.0/0"]) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-flink-https-${cidr.replace(/[./]/g, "-")}`,
        {
          securityGroupId: this.securityGroup.id,
          description: "HTTPS to AWS APIs (interface endpoints or NAT)",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: cidr,
          tags,
        },
        child,
      );
    }
    if (args.s3PrefixListId !== undefined) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-flink-https-s3`,
        {
          securityGroupId: this.securityGroup.id,
          description: "HTTPS to S3 through the gateway endpoint",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListId: args.s3PrefixListId,
          tags,
        },
        child,
      );
    }

    this.role = new aws.iam.Role(
      `${name}-flink-role`,
      {
        name: physicalName("iamRole", args.prefix, args.stage, name, "flink"),
        description: "Managed Flink service execution role of the Rivers job",
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(flinkTrustPolicy(account))),
        tags,
      },
      child,
    );
    const eventSources = [...this.eventSources.values()];
    const rolePolicies = [
      new aws.iam.RolePolicy(
        `${name}-flink-streams`,
        {
          role: this.role.name,
          policy: pulumi
            .all([pulumi.all(eventSources.map((source) => source.stream.arn)), this.key.arn, region])
            .apply(([streamArns, keyArn, regionValue]) =>
              JSON.stringify(flinkStreamsPolicy({ streamArns, keyArn, region: regionValue })),
            ),
        },
        child,
      ),
      new aws.iam.RolePolicy(
        `${name}-flink-landing`,
        {
          role: this.role.name,
          policy: pulumi
            .all([lake.zones.landing.arn, lake.platformKey.arn, region])
            .apply(([landingBucketArn, landingKeyArn, regionValue]) =>
              JSON.stringify(
                flinkLandingPolicy({
                  landingBucketArn,
                  landingKeyArn,
                  region: regionValue,
                  prefixes: eventSources.map((source) => source.landingPrefix),
                }),
              ),
            ),
        },
        child,
      ),
      new aws.iam.RolePolicy(
        `${name}-flink-runtime`,
        {
          role: this.role.name,
          policy: pulumi
            .output({
              partition,
              region,
              accountId,
              registryArn: this.registry.arn,
              artifactsBucketArn: lake.artifactsBucket.arn,
              artifactsKeyArn: lake.platformKey.arn,
              logGroupName: this.logGroup.name,
              logStreamName: this.logStream.name,
              vpcId: args.vpcId,
              securityGroupId: this.securityGroup.id,
              subnetIds: args.privateSubnetIds,
            })
            .apply((resolved) =>
              JSON.stringify(
                flinkRuntimePolicy({
                  partition: resolved.partition,
                  region: resolved.region,
                  accountId: resolved.accountId,
                  registryArn: resolved.registryArn,
                  codeObjectArn: `${resolved.artifactsBucketArn}/${args.flink.artifactKey}`,
                  artifactsKeyArn: resolved.artifactsKeyArn,
                  logGroupName: resolved.logGroupName,
                  logStreamName: resolved.logStreamName,
                  vpcId: resolved.vpcId,
                  securityGroupId: resolved.securityGroupId,
                  subnetIds: resolved.subnetIds,
                }),
              ),
            ),
        },
        child,
      ),
    ];

    const flink = this.capacity.flink;
    this.application = new aws.kinesisanalyticsv2.Application(
      `${name}-flink`,
      {
        name: applicationName,
        description: "Rivers: Beam job landing the microservices' Avro events in the lake",
        runtimeEnvironment: this.runtime,
        applicationMode: "STREAMING",
        serviceExecutionRole: this.role.arn,
        startApplication: args.flink.startApplication ?? true,
        applicationConfiguration: {
          applicationCodeConfiguration: {
            // A JVM artifact (jar or zip) in S3 is ZIPFILE content.
            codeContentType: "ZIPFILE",
            codeContent: {
              s3ContentLocation: { bucketArn: lake.artifactsBucket.arn, fileKey: args.flink.artifactKey },
            },
          },
          // Running storage, checkpoints and snapshots on the state key where the runtime supports it.
          ...(this.stateKey
            ? { applicationEncryptionConfiguration: { keyType: "CUSTOMER_MANAGED_KEY", keyId: this.stateKey.arn } }
            : {}),
          // Snapshots keep the job's state across updates and rescaling.
          applicationSnapshotConfiguration: { snapshotsEnabled: true },
          runConfiguration: {
            applicationRestoreConfiguration: { applicationRestoreType: "RESTORE_FROM_LATEST_SNAPSHOT" },
            flinkRunConfiguration: { allowNonRestoredState: false },
          },
          environmentProperties: { propertyGroups: this.runtimeProperties(registryName) },
          flinkApplicationConfiguration: {
            // Landed files are committed on checkpoints: checkpointing is what makes them appear.
            checkpointConfiguration: {
              configurationType: "CUSTOM",
              checkpointingEnabled: true,
              checkpointInterval:
                (args.flink.checkpointIntervalSeconds ?? platformDefaults.streaming.checkpointIntervalSeconds) * 1000,
              minPauseBetweenCheckpoints: 5000,
            },
            monitoringConfiguration: {
              configurationType: "CUSTOM",
              logLevel: args.flink.logLevel ?? "INFO",
              metricsLevel: "APPLICATION",
            },
            parallelismConfiguration: {
              configurationType: "CUSTOM",
              autoScalingEnabled: true,
              parallelism: flink.parallelism,
              parallelismPerKpu: flink.parallelismPerKpu,
            },
          },
          vpcConfiguration: { subnetIds: args.privateSubnetIds, securityGroupIds: [this.securityGroup.id] },
        },
        cloudwatchLoggingOptions: { logStreamArn: this.logStream.arn },
        tags: {
          ...tags,
          "data-platform:kpus": String(flink.kpus),
          "data-platform:parallelism": String(flink.parallelism),
          // Which key encrypts the state shows in plans: older runtimes stay on the AWS owned key.
          "data-platform:state-key": this.stateKey ? "CUSTOMER_MANAGED_KEY" : "AWS_OWNED_KEY",
        },
      },
      // The role must hold its permissions before the service validates code, logs and network access.
      { parent: this, dependsOn: rolePolicies },
    );

    this.registerOutputs({ contract: this.contract() });
  }

  private createSource(
    name: string,
    args: StreamingIngestionArgs,
    source: EventSourceArgs,
    shared: {
      tags: Record<string, string>;
      protect: boolean;
      stateful: pulumi.CustomResourceOptions;
      registryName: string;
    },
  ): EventSource {
    const capacity = this.capacity.streams[source.name]!;
    const tags = {
      ...shared.tags,
      ...source.tags,
      ...(source.domain ? { [domainTagKey]: source.domain } : {}),
      "data-platform:event-source": source.name,
    };
    const provisioned = capacity.mode === "PROVISIONED";
    const stream = new aws.kinesis.Stream(
      `${name}-${source.name}`,
      {
        name: physicalName("generic", args.prefix, args.stage, source.name, "events"),
        encryptionType: "KMS",
        kmsKeyId: this.key.arn,
        retentionPeriod: source.retentionHours ?? platformDefaults.streaming.retentionHours,
        streamModeDetails: { streamMode: capacity.mode },
        ...(provisioned ? { shardCount: capacity.shards } : {}),
        tags: {
          ...tags,
          // The computed capacity travels with the stream, so plans and cost reports can read it.
          "data-platform:capacity-mode": capacity.mode,
          "data-platform:right-sized-shards": String(capacity.shards),
          "data-platform:on-demand-cost-ratio": String(capacity.onDemandCostRatio),
        },
      },
      // Protected, not retained: a stream removed on purpose should stop costing money.
      { parent: this, protect: shared.protect },
    );
    const schemas: Record<string, aws.glue.Schema> = {};
    const schemaNames: Record<string, string> = {};
    for (const event of [...source.events].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const schemaName = `${source.name}.${event.name}`;
      const compatibility: SchemaCompatibility =
        event.compatibility ?? args.schemaCompatibility ?? platformDefaults.streaming.schemaCompatibility;
      schemas[event.name] = new aws.glue.Schema(
        `${name}-${source.name}-${event.name}`,
        {
          schemaName,
          registryArn: this.registry.arn,
          dataFormat: "AVRO",
          compatibility,
          schemaDefinition: event.schema,
          description: `${event.name} events of ${source.name}`,
          tags,
        },
        shared.stateful,
      );
      schemaNames[event.name] = schemaName;
    }
    return {
      name: source.name,
      domain: source.domain,
      stream,
      schemas,
      schemaNames,
      capacity,
      landingPrefix: sourcePrefix(source.name),
    };
  }

  /** The job's runtime properties: one group for the job, one per source. */
  private runtimeProperties(
    registryName: string,
  ): aws.types.input.kinesisanalyticsv2.ApplicationApplicationConfigurationEnvironmentPropertiesPropertyGroup[] {
    const landingBucket = this.lake.zones.landing.name;
    const sources = [...this.eventSources.values()];
    return [
      {
        propertyGroupId: "rivers",
        propertyMap: {
          "aws.region": this.lake.account.region,
          "landing.bucket": landingBucket,
          "landing.prefix": eventsRoot,
          "landing.layout": landingLayout,
          "landing.format": landingFormat,
          "schema.registry": registryName,
          sources: sources.map((source) => source.name).join(","),
        },
      },
      ...sources.map((source) => ({
        propertyGroupId: `source.${source.name}`,
        propertyMap: {
          "stream.name": source.stream.name,
          "stream.arn": source.stream.arn,
          // Start from the oldest retained record, so a new or restored job loses nothing.
          "stream.initial-position": "TRIM_HORIZON",
          "output.path": pulumi.interpolate`s3://${landingBucket}/${source.landingPrefix}`,
          events: Object.keys(source.schemaNames).join(","),
          schemas: Object.values(source.schemaNames).join(","),
        },
      })),
    ];
  }

  /** Names of the event sources, sorted. */
  sourceNames(): string[] {
    return [...this.eventSources.keys()].sort();
  }

  /** One source's stream, schemas and capacity; throws for a source this component does not have. */
  source(name: string): EventSource {
    const found = this.eventSources.get(name);
    if (!found)
      throw new Error(
        `StreamingIngestion "${this.componentName}" has no source "${name}"; sources: ${this.sourceNames().join(", ")}`,
      );
    return found;
  }

  /**
   * Lets a producer (a microservice's role) write one source's stream: put records,
   * encrypt through Kinesis with the streaming key, and look up that source's schemas.
   * One inline policy `<rivers>-<grantee>-put-<source>` on the grantee's role.
   */
  grantPut(grantee: Grantee, scope: StreamPutScope): StreamPutGrant {
    const source = this.source(scope.source);
    const statements = pulumi
      .all([source.stream.arn, this.key.arn, this.registry.arn, this.lake.account.region])
      .apply(
        ([streamArn, keyArn, registryArn, region]) =>
          producerPolicy({ streamArn, keyArn, registryArn, schemaNames: Object.values(source.schemaNames), region })
            .Statement,
      );
    return rolePolicyGrant(
      this,
      `${this.componentName}-${grantee.name}-put-${scope.source}`,
      grantee,
      scope,
      statements,
    );
  }

  /** What the component contributes to the platform contract (`ingestion.streaming`). */
  contract(): pulumi.Output<StreamingContract> {
    return pulumi.output({
      keyArn: this.key.arn,
      registry: { name: this.registry.registryName, arn: this.registry.arn },
      landing: {
        bucket: this.lake.zones.landing.name,
        prefix: eventsRoot,
        layout: landingLayout,
        format: landingFormat,
      },
      sources: Object.fromEntries(
        this.sourceNames().map((sourceName) => {
          const source = this.source(sourceName);
          return [
            sourceName,
            {
              domain: source.domain ?? null,
              stream: { name: source.stream.name, arn: source.stream.arn },
              schemas: source.schemaNames,
              landingPrefix: source.landingPrefix,
              capacity: source.capacity,
            },
          ];
        }),
      ),
      flink: {
        applicationName: this.application.name,
        applicationArn: this.application.arn,
        runtime: this.runtime,
        logGroupName: this.logGroup.name,
        capacity: this.capacity.flink,
      },
      capacity: this.capacity,
    }) as pulumi.Output<StreamingContract>;
  }
}

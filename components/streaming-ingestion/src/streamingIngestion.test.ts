import * as aws from "@pulumi/aws";
import { DataLake, storageStatements } from "@data-platform/data-lake";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness, type Registration } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { EventSourceArgs, StreamingIngestionArgs } from "./args";
import { landingKeyActions, landingObjectActions } from "./policies";
import { StreamingIngestion, type StreamingContract } from "./streamingIngestion";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];
const twoTbPerDay = 2e12 / 86_400;

const avro = (name: string) =>
  JSON.stringify({
    type: "record",
    name,
    namespace: "com.food.events",
    fields: [
      { name: "id", type: "string" },
      { name: "at", type: { type: "long", logicalType: "timestamp-millis" } },
    ],
  });

const sources: EventSourceArgs[] = [
  // The whole 2 TB/day on one source at SIZING's 10x peak, in 2 KB records: 232 shards.
  {
    name: "orders-service",
    domain: "orders",
    recordsPerSecond: twoTbPerDay / 2048,
    bytesPerSecond: twoTbPerDay,
    events: [
      { name: "OrderPlaced", schema: avro("OrderPlaced") },
      { name: "OrderDelivered", schema: avro("OrderDelivered"), compatibility: "FULL" },
    ],
  },
  {
    name: "courier-tracking",
    domain: "logistics",
    recordsPerSecond: 2_000,
    bytesPerSecond: 1_000_000,
    peakFactor: 3,
    retentionHours: 336,
    events: [{ name: "CourierMoved", schema: avro("CourierMoved") }],
  },
  {
    name: "payments-audit",
    recordsPerSecond: 50,
    bytesPerSecond: 50_000,
    peakFactor: 2,
    capacityMode: "ON_DEMAND",
    events: [{ name: "PaymentCaptured", schema: avro("PaymentCaptured") }],
  },
];

type Overrides = Partial<Omit<StreamingIngestionArgs, "lake">>;

async function build(overrides: Overrides = {}, mode: "resolved" | "preview" = "resolved", region = "eu-west-1") {
  const harness = await setMocks({ mode, stack: "prod", accountId: account, region });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [
      { name: "orders", zones: ["raw", "analytics"] },
      { name: "logistics", zones: ["raw"] },
    ],
  });
  const rivers = new StreamingIngestion("rivers", {
    prefix: "dp",
    stage: "prod",
    lake,
    administratorArns: [deployer],
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    httpsEgressCidrBlocks: ["10.20.0.0/16"],
    s3PrefixListId: "pl-6da54004",
    sources,
    flink: { artifactKey: "code/rivers/rivers-1.4.0.jar" },
    ...overrides,
  });
  await harness.settle();
  return { harness, lake, rivers };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const parse = (registration: Registration, key = "policy") =>
  JSON.parse(registration.inputs[key] as string) as { Statement: Statement[] };
const policy = (harness: Harness, name: string) => parse(harness.one("aws:iam/rolePolicy:RolePolicy", name));
const bySid = (statements: Statement[]) =>
  Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const streamArn = (name: string) => `arn:aws:kinesis:eu-west-1:${account}:stream/${name}`;

describe("StreamingIngestion streams", () => {
  it("creates one KMS-encrypted stream per source, named from the source, kept 7+ days, sized from its throughput", async () => {
    const { harness, rivers } = await build();
    const key = harness.one("aws:kms/key:Key", "rivers-key");
    const keyArn = `arn:aws:kms:eu-west-1:${account}:key/${key.id}`;
    const streams = harness.byType("aws:kinesis/stream:Stream");
    expect(streams.map((stream) => stream.name).sort()).toEqual([
      "rivers-courier-tracking",
      "rivers-orders-service",
      "rivers-payments-audit",
    ]);
    for (const stream of streams) {
      expect(stream.inputs).toMatchObject({ encryptionType: "KMS", kmsKeyId: keyArn });
      expect(stream.inputs["retentionPeriod"] as number).toBeGreaterThanOrEqual(168);
      expect(stream.options.protect).toBe(true);
    }
    expect(harness.one("aws:kinesis/stream:Stream", "rivers-orders-service").inputs).toMatchObject({
      name: "dp-prod-orders-service-events",
      retentionPeriod: 168,
      streamModeDetails: { streamMode: "PROVISIONED" },
      shardCount: 232,
    });
    expect(harness.one("aws:kinesis/stream:Stream", "rivers-courier-tracking").inputs).toMatchObject({
      retentionPeriod: 336,
      streamModeDetails: { streamMode: "PROVISIONED" },
      shardCount: 6,
    });
    const payments = harness.one("aws:kinesis/stream:Stream", "rivers-payments-audit");
    expect(payments.inputs["streamModeDetails"]).toEqual({ streamMode: "ON_DEMAND" });
    expect(payments.inputs["shardCount"]).toBeUndefined();

    const tags = harness.one("aws:kinesis/stream:Stream", "rivers-orders-service").inputs["tags"] as Record<
      string,
      string
    >;
    expect(tags).toMatchObject({
      "data-platform:domain": "orders",
      "data-platform:capacity-mode": "PROVISIONED",
      "data-platform:right-sized-shards": "232",
    });
    expect(Number((payments.inputs["tags"] as Record<string, string>)["data-platform:on-demand-cost-ratio"])).toBe(
      rivers.capacity.streams["payments-audit"]!.onDemandCostRatio,
    );
    expect(rivers.capacity.totalShards).toBe(238);
  });

  it("uses one rotating customer key, usable by account roles only through Kinesis, and by CloudWatch Logs for its log group only", async () => {
    const { harness } = await build();
    const key = harness.one("aws:kms/key:Key", "rivers-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(harness.one("aws:kms/alias:Alias", "rivers-key-alias").inputs["name"]).toBe(
      "alias/dp-prod-rivers-streaming",
    );
    const statements = bySid(parse(key).Statement);
    expect(statements["KeyAdministration"]!.Principal).toEqual({ AWS: [`arn:aws:iam::${account}:root`, deployer] });
    expect(statements["KeyAdministration"]!.Action).not.toContain("kms:Decrypt");
    expect(statements["KeyUseThroughKinesis"]!.Condition).toEqual({
      StringEquals: { "kms:ViaService": "kinesis.eu-west-1.amazonaws.com", "kms:CallerAccount": account },
    });
    expect(statements["KeyUseByCloudWatchLogs"]!.Condition).toEqual({
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${account}:log-group:/dp/prod/rivers/flink`,
      },
    });
  });

  it("registers one Avro schema per event type in the registry, with the configured compatibility", async () => {
    const { harness } = await build({ schemaCompatibility: "BACKWARD_ALL" });
    const registry = harness.one("aws:glue/registry:Registry", "rivers-registry");
    expect(registry.inputs["registryName"]).toBe("dp-prod-rivers-events");
    expect(registry.options).toMatchObject({ protect: true, retainOnDelete: true });
    const schemas = harness.byType("aws:glue/schema:Schema");
    expect(schemas.map((schema) => schema.inputs["schemaName"]).sort()).toEqual([
      "courier-tracking.CourierMoved",
      "orders-service.OrderDelivered",
      "orders-service.OrderPlaced",
      "payments-audit.PaymentCaptured",
    ]);
    const placed = harness.one("aws:glue/schema:Schema", "rivers-orders-service-OrderPlaced");
    expect(placed.inputs).toMatchObject({
      dataFormat: "AVRO",
      compatibility: "BACKWARD_ALL",
      schemaDefinition: avro("OrderPlaced"),
      registryArn: registry.inputs["arn"] ?? expect.stringMatching(/:registry\//),
    });
    expect(harness.one("aws:glue/schema:Schema", "rivers-orders-service-OrderDelivered").inputs["compatibility"]).toBe(
      "FULL",
    );
  });
});

describe("StreamingIngestion Flink application", () => {
  it("runs the Beam job from the artifacts bucket in the VPC, checkpointing, logging and autoscaling from the computed KPUs", async () => {
    const { harness, rivers } = await build();
    const application = harness.one("aws:kinesisanalyticsv2/application:Application", "rivers-flink");
    const securityGroup = harness.one("aws:ec2/securityGroup:SecurityGroup", "rivers-flink-sg");
    const logStream = harness.one("aws:cloudwatch/logStream:LogStream", "rivers-flink-log-stream");
    expect(application.inputs).toMatchObject({
      name: "dp-prod-rivers",
      runtimeEnvironment: "FLINK-1_19",
      applicationMode: "STREAMING",
      startApplication: true,
    });
    const configuration = application.inputs["applicationConfiguration"] as Record<string, any>;
    expect(configuration["applicationCodeConfiguration"]).toEqual({
      codeContentType: "ZIPFILE",
      codeContent: {
        s3ContentLocation: {
          bucketArn: `arn:aws:s3:::dp-prod-artifacts-${account}`,
          fileKey: "code/rivers/rivers-1.4.0.jar",
        },
      },
    });
    expect(configuration["vpcConfiguration"]).toEqual({ subnetIds: subnets, securityGroupIds: [securityGroup.id] });
    const flink = configuration["flinkApplicationConfiguration"];
    expect(flink.checkpointConfiguration).toEqual({
      configurationType: "CUSTOM",
      checkpointingEnabled: true,
      checkpointInterval: 60_000,
      minPauseBetweenCheckpoints: 5000,
    });
    expect(flink.monitoringConfiguration).toEqual({
      configurationType: "CUSTOM",
      logLevel: "INFO",
      metricsLevel: "APPLICATION",
    });
    // Peak records: 2 TB/day in 2 KB records x10 + 2,000 x3 + 50 x2 = 119,128/s; x1.25 / 10k = 15 KPUs.
    expect(rivers.capacity.flink).toMatchObject({
      kpus: 15,
      billedKpus: 16,
      parallelism: 15,
      parallelismPerKpu: 1,
      autoScaling: true,
    });
    expect(flink.parallelismConfiguration).toEqual({
      configurationType: "CUSTOM",
      autoScalingEnabled: true,
      parallelism: 15,
      parallelismPerKpu: 1,
    });
    expect(configuration["applicationSnapshotConfiguration"]).toEqual({ snapshotsEnabled: true });
    expect(application.inputs["cloudwatchLoggingOptions"]).toEqual({
      logStreamArn: expect.stringContaining("arn:aws:logs:eu-west-1"),
    });
    expect(application.dependencies).toContain(logStream.urn);
    const logGroup = harness.one("aws:cloudwatch/logGroup:LogGroup", "rivers-flink-logs");
    expect(logGroup.inputs).toMatchObject({
      name: "/dp/prod/rivers/flink",
      retentionInDays: 90,
      kmsKeyId: expect.stringContaining(":key/"),
    });
    // The role's permissions exist before the service validates them.
    for (const policyName of ["rivers-flink-streams", "rivers-flink-landing", "rivers-flink-runtime"])
      expect(application.dependencies).toContain(harness.one("aws:iam/rolePolicy:RolePolicy", policyName).urn);
  });

  it("sets the job's runtime properties: streams, output paths, layout and registry", async () => {
    const { harness } = await build();
    const configuration = harness.one("aws:kinesisanalyticsv2/application:Application", "rivers-flink").inputs[
      "applicationConfiguration"
    ] as Record<string, any>;
    const groups = Object.fromEntries(
      (
        configuration["environmentProperties"].propertyGroups as {
          propertyGroupId: string;
          propertyMap: Record<string, string>;
        }[]
      ).map((group) => [group.propertyGroupId, group.propertyMap]),
    );
    expect(Object.keys(groups).sort()).toEqual([
      "rivers",
      "source.courier-tracking",
      "source.orders-service",
      "source.payments-audit",
    ]);
    expect(groups["rivers"]).toEqual({
      "aws.region": "eu-west-1",
      "landing.bucket": `dp-prod-landing-${account}`,
      "landing.prefix": "events/",
      "landing.layout": "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/",
      "landing.format": "avro",
      "schema.registry": "dp-prod-rivers-events",
      sources: "courier-tracking,orders-service,payments-audit",
    });
    expect(groups["source.orders-service"]).toEqual({
      "stream.name": "dp-prod-orders-service-events",
      "stream.arn": streamArn("dp-prod-orders-service-events"),
      "stream.initial-position": "TRIM_HORIZON",
      "output.path": `s3://dp-prod-landing-${account}/events/orders-service/`,
      events: "OrderDelivered,OrderPlaced",
      schemas: "orders-service.OrderDelivered,orders-service.OrderPlaced",
    });
  });

  it("gives the application a security group with no ingress and HTTPS egress only where asked", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "rivers-flink-sg");
    expect(group.inputs).toMatchObject({ vpcId: "vpc-0123", revokeRulesOnDelete: true });
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    expect(harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    const egress = harness.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(
      egress.map((rule) => [
        rule.name,
        rule.inputs["cidrIpv4"] ?? rule.inputs["prefixListId"],
        rule.inputs["fromPort"],
        rule.inputs["toPort"],
      ]),
    ).toEqual([
      ["rivers-flink-https-10-20-0-0-16", "10.20.0.0/16", 443, 443],
      ["rivers-flink-https-s3", "pl-6da54004", 443, 443],
    ]);
    const defaults = await build({ httpsEgressCidrBlocks: undefined, s3PrefixListId: undefined });
    expect(
      defaults.harness
        .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .map((rule) => rule.inputs["cidrIpv4"]),
    ).toEqual(["0.0.0.0/0"]);
  });
});

describe("StreamingIngestion Flink state key", () => {
  const applicationArn = `arn:aws:kinesisanalytics:eu-west-1:${account}:application/dp-prod-rivers`;
  const context = { "kms:EncryptionContext:aws:kinesisanalytics:arn": applicationArn };
  const viaFlink = { "kms:ViaService": "kinesisanalytics.eu-west-1.amazonaws.com" };
  const decryptGrantsOnly = { "ForAllValues:StringEquals": { "kms:GrantOperations": "Decrypt" } };
  const operators = { AWS: [deployer] };

  it("encrypts the application's state with its own rotating key on Flink 1.20 and later", async () => {
    const { harness, rivers } = await build({
      flink: { artifactKey: "code/rivers/rivers-1.4.0.jar", runtime: "FLINK-1_20" },
    });
    const key = harness.one("aws:kms/key:Key", "rivers-flink-state-key");
    const application = harness.one("aws:kinesisanalyticsv2/application:Application", "rivers-flink");
    const configuration = application.inputs["applicationConfiguration"] as Record<string, unknown>;
    expect(configuration["applicationEncryptionConfiguration"]).toEqual({
      keyType: "CUSTOMER_MANAGED_KEY",
      keyId: `arn:aws:kms:eu-west-1:${account}:key/${key.id}`,
    });
    expect(application.dependencies).toContain(key.urn);
    expect((application.inputs["tags"] as Record<string, string>)["data-platform:state-key"]).toBe(
      "CUSTOMER_MANAGED_KEY",
    );
    expect(rivers.stateKey).toBeDefined();
    // The policy's application ARN, built from known parts, is the one the service gives the application.
    expect(await resolveOutput(rivers.application.arn)).toBe(applicationArn);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(harness.one("aws:kms/alias:Alias", "rivers-flink-state-key-alias").inputs["name"]).toBe(
      "alias/dp-prod-rivers-flink-state",
    );
    // A key of its own: the streaming key's policy never admits Managed Flink's service principals.
    expect(JSON.stringify(parse(harness.one("aws:kms/key:Key", "rivers-key")))).not.toContain("kinesisanalytics");
  });

  it("admits exactly the documented principals, with the documented conditions scoped to this account and application", async () => {
    const { harness } = await build({ flink: { artifactKey: "code/rivers/rivers-1.4.0.jar", runtime: "FLINK-2_2" } });
    const statements = parse(harness.one("aws:kms/key:Key", "rivers-flink-state-key")).Statement;
    // manage-cmk-api.html, "Create a KMS key policy": the operator role is named, as in the doc (the deploying role is an administrator).
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: "KeyAdministration",
        Principal: { AWS: [`arn:aws:iam::${account}:root`, deployer] },
      }),
      expect.objectContaining({
        Sid: "KeyAdministrationGrantsForAwsResources",
        Principal: { AWS: [`arn:aws:iam::${account}:root`, deployer] },
      }),
      {
        Sid: "AllowOperatorToDescribeKey",
        Effect: "Allow",
        Principal: operators,
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: viaFlink },
      },
      {
        Sid: "AllowOperatorToConfigureAppToUseKeyForApplicationState",
        Effect: "Allow",
        Principal: operators,
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
        Resource: "*",
        Condition: { StringEquals: { ...context, ...viaFlink } },
      },
      {
        Sid: "AllowOperatorToConfigureAppToCreateGrantForRunningState",
        Effect: "Allow",
        Principal: operators,
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: { ...context, ...viaFlink, "kms:GrantConstraintType": "EncryptionContextSubset" },
          ...decryptGrantsOnly,
        },
      },
      {
        Sid: "AllowMSFServiceToDescribeKey",
        Effect: "Allow",
        Principal: { Service: ["kinesisanalytics.amazonaws.com", "infrastructure.kinesisanalytics.amazonaws.com"] },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": applicationArn, "aws:SourceAccount": account } },
      },
      {
        Sid: "AllowMSFServiceToGenerateDataKeyForDurableState",
        Effect: "Allow",
        Principal: { Service: "kinesisanalytics.amazonaws.com" },
        Action: "kms:GenerateDataKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": applicationArn, ...context, "aws:SourceAccount": account } },
      },
      {
        Sid: "AllowMSFServiceToDecryptForDurableState",
        Effect: "Allow",
        Principal: { Service: "kinesisanalytics.amazonaws.com" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: context },
      },
      {
        Sid: "AllowMSFServiceToUseKeyForRunningState",
        Effect: "Allow",
        Principal: { Service: "infrastructure.kinesisanalytics.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext"],
        Resource: "*",
        Condition: { StringEquals: context },
      },
      {
        Sid: "AllowMSFServiceToCreateGrantForRunningState",
        Effect: "Allow",
        Principal: { Service: "infrastructure.kinesisanalytics.amazonaws.com" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: { ...context, "kms:GrantConstraintType": "EncryptionContextSubset" },
          ...decryptGrantsOnly,
        },
      },
    ]);
    // Administrators manage the key and never use it; no statement admits anybody outside the account.
    expect(statements[0]!.Action).not.toContain("kms:Decrypt");
    const principals = statements.flatMap((statement) =>
      Object.values(statement.Principal as Record<string, string | string[]>).flatMap((value) => asList(value)),
    );
    // The account root only for key administration (KMS's default-policy delegation, so another deploy role can
    // manage the key); the deploying role is named too, so it needs no IAM policy naming a key the same update creates.
    expect(new Set(principals)).toEqual(
      new Set([
        `arn:aws:iam::${account}:root`,
        deployer,
        "kinesisanalytics.amazonaws.com",
        "infrastructure.kinesisanalytics.amazonaws.com",
      ]),
    );
    expect(
      statements
        .filter((statement) =>
          asList(
            statement.Principal === "*"
              ? "*"
              : ((statement.Principal as Record<string, string | string[]>)["AWS"] ?? []),
          ).includes(`arn:aws:iam::${account}:root`),
        )
        .map((statement) => statement.Sid),
    ).toEqual(["KeyAdministration", "KeyAdministrationGrantsForAwsResources"]);
    // Every data statement is pinned to this application (encryption context or source ARN); the administrators'
    // grants are for AWS resources only.
    for (const statement of statements.slice(2)) {
      if (asList(statement.Action).every((action) => action === "kms:DescribeKey")) continue;
      expect(statement.Condition!["StringEquals"]!["kms:EncryptionContext:aws:kinesisanalytics:arn"]).toBe(
        applicationArn,
      );
    }
    // The service execution role needs nothing for the key (the service uses its own principals).
    for (const policyName of ["rivers-flink-streams", "rivers-flink-landing", "rivers-flink-runtime"]) {
      const key = harness.one("aws:kms/key:Key", "rivers-flink-state-key");
      expect(harness.one("aws:iam/rolePolicy:RolePolicy", policyName).inputs["policy"] as string).not.toContain(
        key.id!,
      );
    }
  });

  it("can stay on the AWS owned key for a runtime upgrade (AWS advises enabling the key in a later update)", async () => {
    const { harness, rivers } = await build({
      flink: { artifactKey: "code/rivers/rivers-1.4.0.jar", runtime: "FLINK-1_20", stateKey: "aws-owned" },
    });
    expect(rivers.stateKey).toBeUndefined();
    expect(harness.byType("aws:kms/key:Key").map((key) => key.name)).not.toContain("rivers-flink-state-key");
    const application = harness.one("aws:kinesisanalyticsv2/application:Application", "rivers-flink");
    expect(
      (application.inputs["applicationConfiguration"] as Record<string, unknown>)["applicationEncryptionConfiguration"],
    ).toBeUndefined();
    expect((application.inputs["tags"] as Record<string, string>)["data-platform:state-key"]).toBe("AWS_OWNED_KEY");
  });

  it("keeps the AWS owned key, and tags the application so, on runtimes before Flink 1.20", async () => {
    const { harness, rivers } = await build();
    expect(harness.byType("aws:kms/key:Key").map((key) => key.name)).not.toContain("rivers-flink-state-key");
    expect(harness.byType("aws:kms/alias:Alias").map((alias) => alias.name)).not.toContain(
      "rivers-flink-state-key-alias",
    );
    expect(rivers.stateKey).toBeUndefined();
    const application = harness.one("aws:kinesisanalyticsv2/application:Application", "rivers-flink");
    expect(
      (application.inputs["applicationConfiguration"] as Record<string, unknown>)["applicationEncryptionConfiguration"],
    ).toBeUndefined();
    expect((application.inputs["tags"] as Record<string, string>)["data-platform:state-key"]).toBe("AWS_OWNED_KEY");
  });

  it("passes the policy pack and registers the same resources in preview and resolved mode", async () => {
    const overrides: Overrides = { flink: { artifactKey: "code/rivers/rivers-1.4.0.jar", runtime: "FLINK-1_20" } };
    const { harness } = await build(overrides);
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
    const resolved = harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build(overrides, "preview")).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
    expect(resolved).toContain(harness.one("aws:kms/key:Key", "rivers-flink-state-key").urn);
  });

  it("leaves the state key unprotected only when asked", async () => {
    const { harness } = await build({
      protect: false,
      flink: { artifactKey: "code/rivers/rivers-1.4.0.jar", runtime: "FLINK-1_20" },
    });
    expect(harness.one("aws:kms/key:Key", "rivers-flink-state-key").options).toMatchObject({
      protect: false,
      retainOnDelete: false,
    });
  });
});

describe("StreamingIngestion IAM", () => {
  it("trusts Managed Flink from this account only", async () => {
    const { harness } = await build();
    const [trust] = parse(harness.one("aws:iam/role:Role", "rivers-flink-role"), "assumeRolePolicy").Statement;
    expect(trust).toMatchObject({
      Principal: { Service: "kinesisanalytics.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    });
  });

  it("reads exactly its own streams, decrypting only through Kinesis", async () => {
    const { harness } = await build();
    const statements = bySid(policy(harness, "rivers-flink-streams").Statement);
    const own = harness.byType("aws:kinesis/stream:Stream").map((stream) => streamArn(stream.inputs["name"] as string));
    expect(statements["ReadOwnStreams"]!.Resource).toEqual([...own].sort());
    expect(statements["ReadOwnStreams"]!.Action).not.toContain("kinesis:PutRecord");
    expect(statements["DecryptStreamsThroughKinesis"]).toMatchObject({
      Action: "kms:Decrypt",
      Resource: `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "rivers-key").id}`,
      Condition: { StringEquals: { "kms:ViaService": "kinesis.eu-west-1.amazonaws.com" } },
    });
  });

  it("writes exactly each source's landing prefix, with the lake's write actions and key", async () => {
    const { harness, lake } = await build();
    const statements = bySid(policy(harness, "rivers-flink-landing").Statement);
    const bucket = `arn:aws:s3:::dp-prod-landing-${account}`;
    expect(statements["WriteOwnEventPrefixes"]!.Resource).toEqual([
      `${bucket}/events/courier-tracking/*`,
      `${bucket}/events/orders-service/*`,
      `${bucket}/events/payments-audit/*`,
    ]);
    expect(statements["ListEventPrefixes"]).toMatchObject({
      Resource: bucket,
      Condition: {
        StringLike: {
          "s3:prefix": ["events/courier-tracking/*", "events/orders-service/*", "events/payments-audit/*"],
        },
      },
    });
    const platformKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-key").id}`;
    expect(statements["LandingKeyThroughS3"]).toMatchObject({
      Resource: platformKey,
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
    // Same access as DataLake.grantWrite on a landing prefix, so the two never drift apart.
    const lakeWrite = storageStatements({
      bucketArn: bucket,
      keyArn: platformKey,
      region: "eu-west-1",
      level: "write",
      prefix: "events/x",
    });
    expect([...landingObjectActions].sort()).toEqual([...(lakeWrite[1]!.Action as string[])].sort());
    expect([...landingKeyActions].sort()).toEqual([...(lakeWrite[2]!.Action as string[])].sort());
    expect(lake.zones.landing).toBeDefined();
  });

  it("reads exactly its registry, its code object and log stream, and creates interfaces only in its subnets and VPC", async () => {
    const { harness } = await build();
    const statements = policy(harness, "rivers-flink-runtime").Statement;
    const sids = bySid(statements);
    const registry = harness.one("aws:glue/registry:Registry", "rivers-registry");
    const registryArn = `arn:aws:glue:eu-west-1:${account}:registry/${registry.id}`;
    expect(sids["ReadOwnRegistrySchemas"]!.Resource).toEqual([
      registryArn,
      `arn:aws:glue:eu-west-1:${account}:schema/${registry.id}/*`,
    ]);
    expect(sids["ReadApplicationCode"]!.Resource).toBe(
      `arn:aws:s3:::dp-prod-artifacts-${account}/code/rivers/rivers-1.4.0.jar`,
    );
    expect(sids["WriteOwnLogStream"]!.Resource).toBe(
      `arn:aws:logs:eu-west-1:${account}:log-group:/dp/prod/rivers/flink:log-stream:application`,
    );
    const sg = harness.one("aws:ec2/securityGroup:SecurityGroup", "rivers-flink-sg").id;
    expect(sids["CreateInterfacesInOwnSubnets"]!.Resource).toEqual([
      `arn:aws:ec2:eu-west-1:${account}:network-interface/*`,
      ...subnets.map((subnet) => `arn:aws:ec2:eu-west-1:${account}:subnet/${subnet}`),
      `arn:aws:ec2:eu-west-1:${account}:security-group/${sg}`,
    ]);
    expect(sids["ManageInterfacesInVpc"]!.Condition).toEqual({
      ArnEquals: { "ec2:Vpc": `arn:aws:ec2:eu-west-1:${account}:vpc/vpc-0123` },
    });
    // "*" only where EC2 supports no resource-level permission (Describe*).
    const everywhere = statements.filter((statement) => asList(statement.Resource).includes("*"));
    expect(everywhere.map((statement) => statement.Sid)).toEqual(["DescribeNetwork"]);
    expect(asList(everywhere[0]!.Action).every((action) => action.startsWith("ec2:Describe"))).toBe(true);
  });

  it("keeps the Flink role's inline policies inside IAM's 10,240-character budget at the 25-source limit, with long names", async () => {
    const many: EventSourceArgs[] = Array.from({ length: 25 }, (_, index) => ({
      name: `service-${String.fromCharCode(97 + (index % 26))}${String.fromCharCode(97 + Math.floor(index / 26))}-with-a-long-name`.slice(
        0,
        32,
      ),
      recordsPerSecond: 100,
      bytesPerSecond: 100_000,
      events: [{ name: "SomethingHappened", schema: avro("SomethingHappened") }],
    }));
    const { harness } = await build(
      { prefix: "platform", stage: "staging", sources: many },
      "resolved",
      "ap-southeast-3",
    );
    const role = harness.one("aws:iam/role:Role", "rivers-flink-role");
    const inline = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((registration) => registration.name.startsWith("rivers-flink-"));
    expect(inline).toHaveLength(3);
    const characters = inline.reduce(
      (sum, registration) => sum + (registration.inputs["policy"] as string).replace(/\s/g, "").length,
      0,
    );
    // Margin for the longest partition names (aws-us-gov) and account-specific ids.
    expect(characters).toBeLessThan(9_500);
    expect(role.inputs["name"]).toBe("platform-staging-rivers-flink");
  });

  it("grants a producer its own stream and schemas only", async () => {
    const { harness, rivers } = await build();
    const producer = { name: "orders-api", role: new aws.iam.Role("orders-api", { assumeRolePolicy: "{}" }) };
    const grant = rivers.grantPut(producer, { source: "orders-service" });
    await harness.settle();
    const text = harness.one("aws:iam/rolePolicy:RolePolicy", "rivers-orders-api-put-orders-service").inputs[
      "policy"
    ] as string;
    expect(grant).toMatchObject({ grantee: producer, scope: { source: "orders-service" }, resources: [grant.policy] });
    expect(await resolveOutput(grant.statements)).toEqual(JSON.parse(text).Statement);
    const statements = bySid(JSON.parse(text).Statement as Statement[]);
    expect(statements["WriteOwnStream"]!.Resource).toBe(streamArn("dp-prod-orders-service-events"));
    expect(statements["EncryptThroughKinesis"]!.Condition).toEqual({
      StringEquals: { "kms:ViaService": "kinesis.eu-west-1.amazonaws.com" },
    });
    expect(
      asList(statements["LookUpOwnSchemas"]!.Resource)
        .filter((resource) => resource.includes(":schema/"))
        .map((resource) => resource.split("/").pop()),
    ).toEqual(["orders-service.OrderDelivered", "orders-service.OrderPlaced"]);
    expect(text).not.toContain("courier-tracking");
    expect(text).not.toContain("payments-audit");
    expect(() =>
      rivers.grantPut(
        { name: "x", role: new aws.iam.Role("x", { assumeRolePolicy: "{}" }) },
        { source: "menu-service" },
      ),
    ).toThrow(/has no source "menu-service"/);
  });
});

describe("StreamingIngestion contract and checks", () => {
  it("exposes the computed capacity and the names domain teams need", async () => {
    const { rivers } = await build();
    const contract = (await resolveOutput(rivers.contract())) as StreamingContract;
    expect(contract.registry.name).toBe("dp-prod-rivers-events");
    expect(contract.landing).toEqual({
      bucket: `dp-prod-landing-${account}`,
      prefix: "events/",
      layout: "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/",
      format: "avro",
    });
    expect(contract.sources["orders-service"]).toMatchObject({
      domain: "orders",
      stream: { name: "dp-prod-orders-service-events", arn: streamArn("dp-prod-orders-service-events") },
      schemas: { OrderPlaced: "orders-service.OrderPlaced", OrderDelivered: "orders-service.OrderDelivered" },
      landingPrefix: "events/orders-service/",
      capacity: { mode: "PROVISIONED", shards: 232 },
    });
    expect(contract.sources["payments-audit"]!.domain).toBeNull();
    expect(contract.flink).toMatchObject({
      applicationName: "dp-prod-rivers",
      runtime: "FLINK-1_19",
      logGroupName: "/dp/prod/rivers/flink",
      capacity: { kpus: 15 },
    });
    expect(contract.capacity.totalShards).toBe(238);
    expect(contract.capacity.monthlyUsd.total).toBeCloseTo(
      contract.capacity.monthlyUsd.streams + contract.capacity.monthlyUsd.flink,
      2,
    );
    expect(contract.capacity.prices.source).toMatch(/SIZING/);
  });

  it("passes the policy pack with no mandatory finding, and flags the on-demand stream as advisory", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
    const onDemand = findings.filter((finding) => finding.policy === "cost-kinesis-on-demand");
    expect(onDemand.map((finding) => finding.urn)).toEqual([
      harness.one("aws:kinesis/stream:Stream", "rivers-payments-audit").urn,
    ]);
    expect(onDemand[0]!.level).toBe("advisory");
  });

  it("registers the same resources in preview and resolved mode", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build({}, "preview")).harness.registrations.map((registration) => registration.urn).sort();
    expect(preview).toEqual(resolved);
  });

  it("leaves stateful resources unprotected only when asked", async () => {
    const { harness } = await build({ protect: false });
    expect(harness.one("aws:kms/key:Key", "rivers-key").options.protect).toBe(false);
    expect(harness.one("aws:glue/registry:Registry", "rivers-registry").options.protect).toBe(false);
    expect(harness.one("aws:kinesis/stream:Stream", "rivers-orders-service").options.protect).toBe(false);
  });

  it("fails on bad args with every problem at once, before creating anything", async () => {
    const harness = await setMocks();
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "dev",
      administratorArns: [deployer],
      domains: [{ name: "orders", zones: ["raw"] }],
    });
    const base = {
      prefix: "dp",
      stage: "dev",
      lake,
      administratorArns: [deployer],
      vpcId: "vpc-1",
      privateSubnetIds: subnets,
      flink: { artifactKey: "code/rivers/rivers.jar" },
    };
    const bad: EventSourceArgs[] = [
      { name: "Orders_Service", recordsPerSecond: 0, bytesPerSecond: 1, events: [{ name: "1bad", schema: "{" }] },
      {
        name: "dup",
        domain: "payments",
        recordsPerSecond: 1,
        bytesPerSecond: 1,
        retentionHours: 24,
        events: [{ name: "A", schema: JSON.stringify({ type: "string" }) }],
      },
      { name: "dup", recordsPerSecond: 1, bytesPerSecond: 1, events: [] },
    ];
    let message = "";
    try {
      new StreamingIngestion("rivers", {
        ...base,
        sources: bad,
        flink: { artifactKey: "/rivers.txt" },
        logRetentionDays: 10,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^StreamingIngestion "rivers": invalid args:/);
    for (const expected of [
      /source "Orders_Service": names are lowercase/,
      /source "Orders_Service": recordsPerSecond must be above 0/,
      /event "1bad": names are letters/,
      /event "1bad": schema is not JSON/,
      /source "dup": domain "payments" is not in the lake/,
      /source "dup": retentionHours must be a whole number from 168/,
      /event "A": schema has type "string", expected "record"/,
      /source "dup" is listed twice/,
      /source "dup": declare at least one event type/,
      /flink.artifactKey "\/rivers.txt"/,
      /logRetentionDays must be a CloudWatch retention value/,
    ]) {
      expect(message).toMatch(expected);
    }
    expect(() => new StreamingIngestion("rivers", { ...base, sources: [] })).toThrow(/at least one event source/);
    expect(() => new StreamingIngestion("Rivers_1", { ...base, sources: [sources[1]!] })).toThrow(
      /the component's name "Rivers_1" must be lowercase/,
    );
    expect(
      () =>
        new StreamingIngestion("rivers", {
          ...base,
          sources: [{ ...sources[0]!, domain: undefined, peakFactor: 0.5 }],
        }),
    ).toThrow(/peakFactor must be at least 1/);
    await harness.settle();
    expect(harness.byType("data-platform:ingestion:StreamingIngestion")).toEqual([]);
    expect(harness.byType("aws:kinesis/stream:Stream")).toEqual([]);
  });
});

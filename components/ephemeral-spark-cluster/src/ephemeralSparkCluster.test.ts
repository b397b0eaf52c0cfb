import type { RunJobFlowCommandInput } from "@aws-sdk/client-emr";
import * as aws from "@pulumi/aws";
import { DataLake } from "@data-platform/data-lake";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { SparkDomainArgs } from "./args";
import { EphemeralSparkCluster } from "./ephemeralSparkCluster";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];

async function build(
  domains: SparkDomainArgs[] = [{ name: "orders", maxVcpus: 128 }, { name: "logistics" }],
  mode: "resolved" | "preview" = "resolved",
) {
  const harness = await setMocks({ mode, stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [
      { name: "orders", zones: ["raw", "analytics"] },
      { name: "logistics", zones: ["raw"] },
    ],
  });
  const spark = new EphemeralSparkCluster("spark", {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    administratorArns: [deployer],
    domains,
  });
  await harness.settle();
  return { harness, lake, spark };
}

function template(harness: Harness, domain: string): RunJobFlowCommandInput {
  const parameter = harness.one("aws:ssm/parameter:Parameter", `spark-${domain}-template`);
  // The template holds no secret: it goes in insecureValue, so reviewers and policies read it in the plan.
  expect(parameter.inputs["value"]).toBeUndefined();
  return JSON.parse(parameter.inputs["insecureValue"] as string) as RunJobFlowCommandInput;
}

const policy = (harness: Harness, name: string) =>
  JSON.parse(harness.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"] as string) as {
    Statement: { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
  };

describe("EphemeralSparkCluster templates", () => {
  it("stores a RunJobFlow request per domain that terminates when idle, runs Spot Graviton fleets with fallback and uses the security configuration", async () => {
    const { harness, spark } = await build();
    const parameter = harness.one("aws:ssm/parameter:Parameter", "spark-orders-template");
    expect(parameter.inputs).toMatchObject({ name: "/dp/prod/spark/orders/run-job-flow", type: "String" });
    const request = template(harness, "orders");
    expect(request.ReleaseLabel).toBe("emr-6.15.0");
    expect(request.AutoTerminationPolicy).toEqual({ IdleTimeout: 1800 });
    expect(request.Instances?.KeepJobFlowAliveWhenNoSteps).toBe(false);
    expect(request.Instances?.Ec2SubnetIds).toEqual(subnets);
    expect(request.SecurityConfiguration).toBe(
      harness.one("aws:emr/securityConfiguration:SecurityConfiguration", "spark-orders").inputs["name"],
    );
    expect(request.LogUri).toMatch(/^s3:\/\/dp-prod-artifacts-123456789012\/logs\/emr\/orders\/$/);

    const fleets = request.Instances!.InstanceFleets!;
    expect(
      fleets.map((fleet) => [
        fleet.InstanceFleetType,
        fleet.TargetOnDemandCapacity ?? 0,
        fleet.TargetSpotCapacity ?? 0,
      ]),
    ).toEqual([
      ["MASTER", 1, 0],
      ["CORE", 0, 16],
      ["TASK", 0, 0],
    ]);
    for (const fleet of fleets.filter((candidate) => candidate.InstanceFleetType !== "MASTER")) {
      expect(fleet.LaunchSpecifications?.SpotSpecification).toEqual({
        TimeoutDurationMinutes: 10,
        TimeoutAction: "SWITCH_TO_ON_DEMAND",
        AllocationStrategy: "capacity-optimized",
      });
      expect(fleet.InstanceTypeConfigs!.length).toBeGreaterThanOrEqual(3);
      for (const config of fleet.InstanceTypeConfigs!) expect(config.InstanceType).toMatch(/^[a-z]+\dg\./);
    }
    expect(request.ManagedScalingPolicy?.ComputeLimits).toMatchObject({
      UnitType: "InstanceFleetUnits",
      MinimumCapacityUnits: 16,
      MaximumCapacityUnits: 128,
    });
    expect(spark.capacities()).toEqual({
      logistics: { unit: "vcpu", minimum: 16, maximum: 64, maximumOnDemand: 16 },
      orders: { unit: "vcpu", minimum: 16, maximum: 128, maximumOnDemand: 16 },
    });
    expect(request.Tags).toContainEqual({ Key: "data-platform:domain", Value: "orders" });
    expect(request.Tags).toContainEqual({ Key: "for-use-with-amazon-emr-managed-policies", Value: "true" });
  });

  it("configures Glue as the metastore, Delta, and a Docker runtime that trusts only the platform's ECR", async () => {
    const { harness } = await build();
    const configurations = template(harness, "orders").Configurations!;
    const byClassification = Object.fromEntries(
      configurations.map((configuration) => [configuration.Classification, configuration]),
    );
    const factory = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory";
    expect(byClassification["spark-hive-site"]?.Properties).toEqual({ "hive.metastore.client.factory.class": factory });
    expect(byClassification["hive-site"]?.Properties).toEqual({ "hive.metastore.client.factory.class": factory });
    expect(byClassification["delta-defaults"]?.Properties).toEqual({ "delta.enabled": "true" });
    expect(byClassification["spark-defaults"]?.Properties).toMatchObject({
      "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
      "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
    });
    expect(byClassification["container-executor"]?.Configurations).toEqual([
      {
        Classification: "docker",
        Properties: {
          "docker.trusted.registries": `${account}.dkr.ecr.eu-west-1.amazonaws.com`,
          "docker.privileged-containers.registries": "",
        },
      },
    ]);
  });
});

describe("EphemeralSparkCluster foundations", () => {
  it("encrypts at rest (S3 with the domain's key, local disks, EBS) and in transit", async () => {
    const { harness, lake } = await build();
    const configuration = JSON.parse(
      harness.one("aws:emr/securityConfiguration:SecurityConfiguration", "spark-orders").inputs[
        "configuration"
      ] as string,
    );
    const ordersKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-orders-key").id}`;
    const diskKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "spark-disk-key").id}`;
    expect(configuration.EncryptionConfiguration).toEqual({
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: {
          CertificateProviderType: "PEM",
          S3Object: "s3://dp-prod-artifacts-123456789012/emr/tls/certificates.zip",
        },
      },
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: ordersKey },
        LocalDiskEncryptionConfiguration: {
          EncryptionKeyProviderType: "AwsKms",
          AwsKmsKey: diskKey,
          EnableEbsEncryption: true,
        },
      },
    });
    expect(lake.domainNames()).toContain("orders");
  });

  it("turns EMR block public access on with no exceptions and creates empty EMR-managed security groups", async () => {
    const { harness } = await build();
    expect(
      harness.one("aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration", "spark-block-public-access")
        .inputs,
    ).toEqual({ blockPublicSecurityGroupRules: true });
    for (const role of ["primary", "core", "service-access"]) {
      const group = harness.one("aws:ec2/securityGroup:SecurityGroup", `spark-${role}-sg`);
      expect(group.inputs).toMatchObject({ vpcId: "vpc-0123", revokeRulesOnDelete: true });
      expect(group.inputs["ingress"] ?? []).toEqual([]);
      expect((group.inputs["tags"] as Record<string, string>)["for-use-with-amazon-emr-managed-policies"]).toBe("true");
    }
    expect(
      harness.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "spark-service-role-v2").inputs["policyArn"],
    ).toBe("arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2");
  });

  it("passes the registered resources through the policy pack with no mandatory finding", async () => {
    const { harness } = await build([
      { name: "orders", longLivedCluster: true, serverless: true },
      { name: "logistics" },
    ]);
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });
});

describe("EphemeralSparkCluster IAM", () => {
  it("gives a domain's job role only its own storage, images and the disk key", async () => {
    const { harness } = await build();
    const logisticsBucket = harness.one("aws:s3/bucket:Bucket", "lake-logistics-raw").inputs["bucket"] as string;
    const logisticsKey = harness.one("aws:kms/key:Key", "lake-logistics-key").id!;
    const ordersPolicies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter(
        (registration) =>
          registration.name.includes("orders-spark") || registration.name.startsWith("spark-orders-ec2"),
      );
    expect(ordersPolicies.map((registration) => registration.name).sort()).toEqual([
      "lake-orders-spark-grants",
      "spark-orders-ec2-disk-key",
      "spark-orders-ec2-ecr",
      "spark-orders-ec2-tls",
    ]);
    for (const registration of ordersPolicies) {
      const text = registration.inputs["policy"] as string;
      expect(text, registration.name).not.toContain(logisticsBucket);
      expect(text, registration.name).not.toContain(logisticsKey);
      expect(text, registration.name).not.toContain("logistics");
    }
    expect(policy(harness, "spark-orders-ec2-ecr").Statement[1]!.Resource).toBe(
      `arn:aws:ecr:eu-west-1:${account}:repository/dp-prod/orders/*`,
    );
    const role = harness.one("aws:iam/role:Role", "spark-orders-ec2");
    expect((role.inputs["tags"] as Record<string, string>)["data-platform:domain"]).toBe("orders");
  });

  it("grants an orchestrator launch rights on its domain's clusters and roles only", async () => {
    const { harness, spark } = await build();
    const airflow = { name: "orders-airflow", role: new aws.iam.Role("orders-airflow", { assumeRolePolicy: "{}" }) };
    const grant = spark.grantLaunch(airflow, { domain: "orders" });
    await harness.settle();
    const statements = policy(harness, "spark-orders-airflow-launch-orders").Statement;
    // The grant says what it gave: to whom, over what, its statements and the one inline policy it created.
    expect(grant.grantee).toBe(airflow);
    expect(grant.scope).toEqual({ domain: "orders" });
    expect(grant.resources).toEqual([grant.policy]);
    expect(await resolveOutput(grant.statements)).toEqual(statements);
    expect(await resolveOutput(grant.policy.urn)).toBe(
      harness.one("aws:iam/rolePolicy:RolePolicy", "spark-orders-airflow-launch-orders").urn,
    );
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    const roleArn = (name: string) =>
      `arn:aws:iam::${account}:role/${harness.one("aws:iam/role:Role", name).inputs["name"]}`;
    expect(bySid["PassInstanceRole"]!.Resource).toEqual([roleArn("spark-orders-ec2")]);
    expect(bySid["PassEmrRoles"]!.Resource).toEqual([roleArn("spark-service-role"), roleArn("spark-autoscaling-role")]);
    expect(JSON.stringify(statements)).not.toContain(roleArn("spark-logistics-ec2"));
    expect(bySid["LaunchTaggedForDomain"]!.Condition).toEqual({
      StringEquals: { "aws:RequestTag/data-platform:domain": "orders" },
    });
    expect(bySid["LaunchTaggedForDomain"]!.Action).toBe("elasticmapreduce:RunJobFlow");
    // Re-tagging another domain's cluster into this one is refused: AddTags also needs the cluster's own tag to match.
    expect(bySid["TagOwnClusters"]).toMatchObject({
      Action: "elasticmapreduce:AddTags",
      Condition: {
        StringEquals: { "aws:RequestTag/data-platform:domain": "orders" },
        StringEqualsIfExists: { "aws:ResourceTag/data-platform:domain": "orders" },
      },
    });
    expect(bySid["DriveDomainClusters"]!.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/data-platform:domain": "orders" },
    });
    expect(() =>
      spark.grantLaunch({ name: "x", role: new aws.iam.Role("x", { assumeRolePolicy: "{}" }) }, { domain: "payments" }),
    ).toThrow(/has no domain "payments"/);
    // Membership is asked, not caught: a domain the cluster does not serve is `undefined`, not an exception.
    expect(spark.hasDomain("orders")).toBe(true);
    expect(spark.hasDomain("payments")).toBe(false);
    expect(spark.tryDomain("payments")).toBeUndefined();
    expect(spark.tryDomain("orders")).toBe(spark.domain("orders"));
  });
});

describe("EphemeralSparkCluster options", () => {
  it("creates the long-lived cluster and the serverless application only when enabled, with roles as narrow as the EC2 path", async () => {
    const { harness } = await build([
      { name: "orders", longLivedCluster: true, serverless: true },
      { name: "logistics" },
    ]);
    expect(harness.byType("aws:emr/cluster:Cluster").map((cluster) => cluster.name)).toEqual(["spark-orders-cluster"]);
    const cluster = harness.one("aws:emr/cluster:Cluster", "spark-orders-cluster");
    expect(cluster.inputs).toMatchObject({
      autoTerminationPolicy: { idleTimeout: 1800 },
      keepJobFlowAliveWhenNoSteps: true,
    });
    expect(harness.byType("aws:emrserverless/application:Application").map((application) => application.name)).toEqual([
      "spark-orders-serverless",
    ]);
    expect(harness.one("aws:emrserverless/application:Application", "spark-orders-serverless").inputs).toMatchObject({
      architecture: "ARM64",
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 30 },
      maximumCapacity: { cpu: "64 vCPU", memory: "512 GB" },
    });
    const serverlessPolicies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((registration) => registration.name.includes("orders-serverless"))
      .map((registration) => registration.name.replace("serverless", "spark"));
    expect(serverlessPolicies.sort()).toEqual(["lake-orders-spark-grants"]);

    const plain = await build();
    expect(plain.harness.byType("aws:emr/cluster:Cluster")).toEqual([]);
    expect(plain.harness.byType("aws:emrserverless/application:Application")).toEqual([]);
  });

  it("registers the same resources in preview and resolved mode", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build(undefined, "preview")).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
  });

  it("fails on bad args before creating anything", async () => {
    const harness = await setMocks();
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "dev",
      administratorArns: [deployer],
      domains: [{ name: "orders", zones: ["raw"] }],
    });
    const args = {
      prefix: "dp",
      stage: "dev",
      lake,
      vpcId: "vpc-1",
      privateSubnetIds: subnets,
      administratorArns: [deployer],
    };
    expect(() => new EphemeralSparkCluster("spark", { ...args, domains: [{ name: "payments" }] })).toThrow(
      /domain "payments" is not in the lake/,
    );
    expect(() => new EphemeralSparkCluster("spark", { ...args, domains: [{ name: "orders", maxVcpus: 8 }] })).toThrow(
      /maxVcpus must be a whole number of at least 16/,
    );
    expect(
      () => new EphemeralSparkCluster("spark", { ...args, domains: [{ name: "orders", idleTimeoutMinutes: 0 }] }),
    ).toThrow(/idleTimeoutMinutes/);
    await harness.settle();
    expect(harness.byType("data-platform:spark:EphemeralSparkCluster")).toEqual([]);
  });
});

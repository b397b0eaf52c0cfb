import { DataLake } from "@data-platform/data-lake";
import { EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { setMocks, type Harness } from "@data-platform/testing";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { DomainWorkflowEnvArgs } from "./args";
import { DomainWorkflowEnv } from "./domainWorkflowEnv";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];

async function build(
  domains = ["orders", "logistics"],
  overrides: Partial<DomainWorkflowEnvArgs> = {},
  mode: "resolved" | "preview" = "resolved",
) {
  const harness = await setMocks({ mode, stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    registeredDomainNames: ["logistics", "orders", "payments"],
    domains: domains.map((name) => ({ name, zones: ["raw" as const, "analytics" as const] })),
  });
  const spark = new EphemeralSparkCluster("spark", {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    administratorArns: [deployer],
    domains: domains.map((name) => ({ name })),
  });
  const envs = Object.fromEntries(
    domains.map((domain) => [
      domain,
      new DomainWorkflowEnv(`workflow-${domain}`, {
        prefix: "dp",
        stage: "prod",
        domain,
        lake,
        spark,
        vpcId: "vpc-0123",
        privateSubnetIds: subnets,
        fargate: true,
        ...overrides,
      }),
    ]),
  );
  await harness.settle();
  return { harness, lake, spark, envs };
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
};
const statementsOf = (harness: Harness, name: string) =>
  (
    JSON.parse(harness.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"] as string) as {
      Statement: Statement[];
    }
  ).Statement;

describe("DomainWorkflowEnv MWAA", () => {
  it("runs a private, fully logged MWAA environment encrypted with the domain's key, in two private subnets", async () => {
    const { harness } = await build();
    const environment = harness.one("aws:mwaa/environment:Environment", "workflow-orders");
    const ordersKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-orders-key").id}`;
    expect(environment.inputs).toMatchObject({
      name: "dp-prod-orders",
      airflowVersion: "2.10.3",
      environmentClass: "mw1.small",
      minWorkers: 1,
      maxWorkers: 5,
      webserverAccessMode: "PRIVATE_ONLY",
      kmsKey: ordersKey,
      dagS3Path: "dags",
    });
    expect(environment.inputs["networkConfiguration"]).toMatchObject({ subnetIds: ["subnet-0a", "subnet-0b"] });
    const logging = environment.inputs["loggingConfiguration"] as Record<
      string,
      { enabled: boolean; logLevel: string }
    >;
    expect(Object.keys(logging).sort()).toEqual([
      "dagProcessingLogs",
      "schedulerLogs",
      "taskLogs",
      "webserverLogs",
      "workerLogs",
    ]);
    for (const type of Object.values(logging)) expect(type).toEqual({ enabled: true, logLevel: "INFO" });
    // The provider treats Airflow configuration options as secret.
    expect(environment.inputs["airflowConfigurationOptions"]).toBe("[secret]");
    expect(
      (environment.revealedInputs["airflowConfigurationOptions"] as Record<string, string>)[
        "data_platform.spark_template_parameter"
      ],
    ).toBe("/dp/prod/spark/orders/run-job-flow");
    expect(environment.inputs["requirementsS3Path"]).toBeUndefined();
  });

  it("installs the platform's DAG library as the environment's plugins.zip, pinned to the uploaded version", async () => {
    const library = new pulumi.asset.AssetArchive({
      "data_platform/__init__.py": new pulumi.asset.FileAsset(__filename),
    });
    const { harness } = await build(["orders"], { platformLibrary: library });
    const plugins = harness.one("aws:s3/bucketObjectv2:BucketObjectv2", "workflow-orders-plugins");
    expect(plugins.inputs).toMatchObject({
      bucket: `dp-prod-orders-dags-${account}`,
      key: "plugins.zip",
      contentType: "application/zip",
    });
    const environment = harness.one("aws:mwaa/environment:Environment", "workflow-orders");
    expect(environment.inputs["pluginsS3Path"]).toBe("plugins.zip");
    expect(environment.dependencies).toContain(plugins.urn);
    const { harness: without } = await build(["orders"]);
    expect(without.one("aws:mwaa/environment:Environment", "workflow-orders").inputs["pluginsS3Path"]).toBeUndefined();
    await expect(build(["orders"], { platformLibrary: library, pluginsZip: true })).rejects.toThrow(
      /platformLibrary and pluginsZip both set plugins.zip/,
    );
  });

  it("tells the DAG library the domain's runners through data_platform.* options", async () => {
    const { harness } = await build();
    const options = harness.one("aws:mwaa/environment:Environment", "workflow-orders").revealedInputs[
      "airflowConfigurationOptions"
    ] as Record<string, string>;
    const tasksGroup = harness.one("aws:ec2/securityGroup:SecurityGroup", "workflow-orders-tasks-sg").id;
    expect(options).toMatchObject({
      "data_platform.prefix": "dp",
      "data_platform.domain": "orders",
      "data_platform.stage": "prod",
      "data_platform.code_uri": `s3://${harness.one("aws:s3/bucket:Bucket", "lake-artifacts").inputs["bucket"] as string}/code/orders/`,
      "data_platform.ecs_cluster": "dp-prod-orders",
      "data_platform.ecs_subnets": "subnet-0a,subnet-0b,subnet-0c",
      "data_platform.ecs_security_groups": tasksGroup,
      "data_platform.ecs_task_family_prefix": "dp-prod-orders-",
      "data_platform.spark_release_label": "emr-6.15.0",
    });
    // No serverless application nor EMR on EKS for this domain: left out, so the library refuses those helpers.
    expect(Object.keys(options)).not.toContain("data_platform.serverless_application_id");
    expect(Object.keys(options)).not.toContain("data_platform.emr_eks_virtual_cluster_id");
    const { harness: withoutFargate } = await build(["orders"], { fargate: false });
    const bare = withoutFargate.one("aws:mwaa/environment:Environment", "workflow-orders").revealedInputs[
      "airflowConfigurationOptions"
    ] as Record<string, string>;
    for (const key of ["data_platform.ecs_cluster", "data_platform.ecs_subnets", "data_platform.ecs_security_groups"])
      expect(Object.keys(bare)).not.toContain(key);
    expect(bare["data_platform.domain"]).toBe("orders");
  });

  it("gives the DAG bucket the lake's bucket controls and the domain's key", async () => {
    const { harness } = await build();
    const bucket = harness.one("aws:s3/bucket:Bucket", "workflow-orders-dags").inputs["bucket"] as string;
    expect(bucket).toBe(`dp-prod-orders-dags-${account}`);
    expect(
      harness
        .byType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        .some((block) => block.inputs["bucket"] === bucket),
    ).toBe(true);
    const versioning = harness
      .byType("aws:s3/bucketVersioning:BucketVersioning")
      .find((candidate) => candidate.inputs["bucket"] === bucket);
    expect(versioning?.inputs["versioningConfiguration"]).toEqual({ status: "Enabled" });
    expect(harness.one("aws:mwaa/environment:Environment", "workflow-orders").inputs["sourceBucketArn"]).toBe(
      `arn:aws:s3:::${bucket}`,
    );
  });
});

describe("DomainWorkflowEnv isolation", () => {
  it("scopes every policy of a domain's roles to that domain", async () => {
    const { harness } = await build();
    const ordersPolicies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((registration) => /orders-(airflow|ecs|execution|task)|workflow-orders/.test(registration.name));
    expect(ordersPolicies.map((registration) => registration.name).sort()).toEqual([
      "lake-orders-airflow-grants",
      "lake-orders-ecs-task-grants",
      "spark-orders-airflow-launch-orders",
      "workflow-orders-execution",
      "workflow-orders-task-execution",
    ]);
    const logisticsMarkers = [
      harness.one("aws:s3/bucket:Bucket", "lake-logistics-raw").inputs["bucket"] as string,
      harness.one("aws:kms/key:Key", "lake-logistics-key").id!,
      "logistics",
    ];
    for (const registration of ordersPolicies) {
      for (const marker of logisticsMarkers)
        expect(registration.inputs["policy"] as string, `${registration.name} mentions ${marker}`).not.toContain(
          marker,
        );
    }
    const execution = statementsOf(harness, "workflow-orders-execution");
    const bySid = Object.fromEntries(execution.map((statement) => [statement.Sid, statement]));
    const role = (name: string) =>
      `arn:aws:iam::${account}:role/${harness.one("aws:iam/role:Role", name).inputs["name"]}`;
    expect(bySid["PassTaskRoles"]!.Resource).toEqual([
      role("workflow-orders-task"),
      role("workflow-orders-task-execution"),
    ]);
    expect(bySid["DomainSecrets"]!.Resource).toBe(
      `arn:aws:secretsmanager:eu-west-1:${account}:secret:dp/prod/orders/*`,
    );
    expect(bySid["RunDomainTasks"]!.Condition).toEqual({
      ArnEquals: { "ecs:cluster": `arn:aws:ecs:eu-west-1:${account}:cluster/dp-prod-orders` },
    });
    // Wildcard resources only for actions that have no resource-level scope.
    expect(
      execution
        .filter((statement) => [statement.Resource].flat().includes("*"))
        .map((statement) => statement.Sid)
        .sort(),
    ).toEqual(["DescribeLogGroups", "DescribeTaskDefinitions", "Metrics"]);
  });

  it("enabling a third domain changes no existing resource", async () => {
    const before = (await build(["orders", "logistics"])).harness.registrations;
    const after = new Map(
      (await build(["orders", "logistics", "payments"])).harness.registrations.map((registration) => [
        registration.urn,
        registration,
      ]),
    );
    // The lake registration role's one storage policy lists every location: it gains the new domain's in place.
    for (const registration of before) {
      expect(after.has(registration.urn), registration.urn).toBe(true);
      if (registration.urn.endsWith("::lake-lf-registration-storage")) continue;
      expect(after.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
    }
  });
});

describe("DomainWorkflowEnv images and Fargate", () => {
  it("creates scanned, immutable, KMS-encrypted repositories with lifecycle policies", async () => {
    const { harness, envs } = await build();
    const repositories = harness
      .byType("aws:ecr/repository:Repository")
      .filter((repository) => repository.name.startsWith("workflow-orders"));
    expect(repositories.map((repository) => repository.inputs["name"]).sort()).toEqual([
      "dp-prod/orders/jobs",
      "dp-prod/orders/spark",
    ]);
    for (const repository of repositories) {
      expect(repository.inputs).toMatchObject({
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
      });
      expect(repository.options).toMatchObject({ protect: true, retainOnDelete: true });
    }
    expect(
      harness
        .byType("aws:ecr/lifecyclePolicy:LifecyclePolicy")
        .filter((policy) => policy.name.startsWith("workflow-orders")),
    ).toHaveLength(2);
    expect(Object.keys(envs["orders"]!.repositories).sort()).toEqual(["jobs", "spark"]);
  });

  it("protects the MWAA environment (it holds Airflow's metadata database)", async () => {
    const { harness } = await build();
    for (const environment of harness.byType("aws:mwaa/environment:Environment"))
      expect(environment.options.protect, environment.name).toBe(true);
  });

  it("runs Fargate tasks with Container Insights and a hardened template task definition", async () => {
    const { harness } = await build();
    expect(harness.one("aws:ecs/cluster:Cluster", "workflow-orders-ecs").inputs["settings"]).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
    const template = harness.one("aws:ecs/taskDefinition:TaskDefinition", "workflow-orders-task-template");
    const [container] = JSON.parse(template.inputs["containerDefinitions"] as string) as Record<string, unknown>[];
    expect(container).toMatchObject({
      user: "1000:1000",
      privileged: false,
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs" },
    });
    expect(container!["image"]).toMatch(/dp-prod\/orders\/jobs:bootstrap$/);
    expect(harness.one("aws:cloudwatch/logGroup:LogGroup", "workflow-orders-ecs-logs").inputs).toMatchObject({
      name: "/dp/prod/orders/ecs",
      retentionInDays: 90,
    });
  });

  it("creates no Fargate runner unless asked", async () => {
    const { harness } = await build(["orders"], { fargate: false });
    expect(harness.byType("aws:ecs/cluster:Cluster")).toEqual([]);
    expect(harness.byType("aws:ecs/taskDefinition:TaskDefinition")).toEqual([]);
  });
});

describe("DomainWorkflowEnv checks", () => {
  it("passes the policy pack with no mandatory finding", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("registers the same resources in preview and resolved mode", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build(undefined, {}, "preview")).harness.registrations
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
    const base = { prefix: "dp", stage: "dev", lake, vpcId: "vpc-1", privateSubnetIds: subnets };
    expect(() => new DomainWorkflowEnv("w", { ...base, domain: "payments" })).toThrow(
      /domain "payments" is not in the lake/,
    );
    expect(() => new DomainWorkflowEnv("w", { ...base, domain: "orders", maxWorkers: 30 })).toThrow(
      /maxWorkers must be between minWorkers and 25/,
    );
    expect(() => new DomainWorkflowEnv("w", { ...base, domain: "orders", fargate: true, images: ["spark"] })).toThrow(
      /fargate needs the "jobs" image/,
    );
    await harness.settle();
    expect(harness.byType("data-platform:workflow:DomainWorkflowEnv")).toEqual([]);
  });
});

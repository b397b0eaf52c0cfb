import * as aws from "@pulumi/aws";
import { DataLake } from "@data-platform/data-lake";
import { EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness, type Registration } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { DatabaseImporterArgs, DatabaseSourceArgs, EventCollectionArgs } from "./args";
import { DatabaseImporter, type ImporterContract } from "./databaseImporter";
import type { DatabaseImportJob, EventCollectionJob } from "./jobs";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b"];
const ordersSecret = `arn:aws:secretsmanager:eu-west-1:${account}:secret:dp/prod/orders/orders-db-AbC123`;
const couriersSecret = `arn:aws:secretsmanager:eu-west-1:${account}:secret:dp/prod/logistics/couriers-XyZ789`;
const ordersDbSg = "sg-0123456789abcdef0";

type SourcesFactory = (lake: DataLake) => DatabaseSourceArgs[];

const defaultSources: SourcesFactory = (lake) => [
  {
    kind: "aurora",
    name: "orders-db",
    domain: "orders",
    clusterIdentifier: "orders-prod",
    endpoint: "orders-prod.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com",
    database: "orders",
    secretArn: ordersSecret,
    // The secret lives under the domain's secrets prefix, encrypted with the domain's key.
    secretKmsKeyArn: lake.domain("orders").key.arn,
    databaseSecurityGroupId: ordersDbSg,
    schedule: "0 2 * * *",
    tables: [
      {
        name: "orders",
        sourceTable: "public.orders",
        mode: "incremental",
        keyColumns: ["id"],
        watermarkColumn: "updated_at",
      },
      { name: "customers", sourceTable: "public.customers", mode: "full" },
    ],
  },
  {
    kind: "jdbc",
    name: "couriers-db",
    domain: "logistics",
    jdbcUrl: "jdbc:mysql://10.50.1.20:3306/couriers?sslMode=REQUIRED",
    port: 3306,
    secretArn: couriersSecret,
    cidrBlocks: ["10.50.1.0/24"],
    schedule: "@hourly",
    tables: [{ name: "couriers", mode: "full" }],
  },
];
const defaultCollections: EventCollectionArgs[] = [
  { source: "courier-tracking", domain: "logistics", events: ["CourierMoved"] },
];

async function foundations(mode: "resolved" | "preview" = "resolved") {
  const harness = await setMocks({ mode, stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [
      { name: "orders", zones: ["raw", "analytics"] },
      { name: "logistics", zones: ["raw"] },
      { name: "marketing", zones: ["analytics"] },
    ],
  });
  const spark = new EphemeralSparkCluster("spark", {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    administratorArns: [deployer],
    domains: [{ name: "orders" }, { name: "logistics" }, { name: "marketing" }],
  });
  return { harness, lake, spark };
}

async function build(
  options: {
    sources?: SourcesFactory;
    collections?: EventCollectionArgs[];
    mode?: "resolved" | "preview";
    extra?: Partial<DatabaseImporterArgs>;
  } = {},
) {
  const { harness, lake, spark } = await foundations(options.mode);
  const importer = new DatabaseImporter("importer", {
    prefix: "dp",
    stage: "prod",
    lake,
    spark,
    vpcId: "vpc-0123",
    sources: (options.sources ?? defaultSources)(lake),
    eventCollections: options.collections ?? defaultCollections,
    ...options.extra,
  });
  await harness.settle();
  return { harness, lake, spark, importer };
}

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const statementsOf = (registration: Registration) =>
  Object.fromEntries(
    (JSON.parse(registration.inputs["policy"] as string).Statement as Statement[]).map((statement) => [
      statement.Sid,
      statement,
    ]),
  );
const job = <T>(harness: Harness, name: string): T => {
  const parameter = harness.one("aws:ssm/parameter:Parameter", name);
  // The definition holds no secret: it goes in insecureValue, so reviewers and policies read it in the plan.
  expect(parameter.inputs["value"]).toBeUndefined();
  return JSON.parse(parameter.inputs["insecureValue"] as string) as T;
};

describe("DatabaseImporter network paths", () => {
  it("gives each source an importer security group that reaches only the database port, and admits it on the database's group when named", async () => {
    const { harness } = await build();
    const ordersSg = harness.one("aws:ec2/securityGroup:SecurityGroup", "importer-orders-db-sg");
    expect(ordersSg.inputs).toMatchObject({
      name: "dp-prod-importer-orders-db",
      vpcId: "vpc-0123",
      revokeRulesOnDelete: true,
    });
    expect(ordersSg.inputs["ingress"] ?? []).toEqual([]);
    expect(ordersSg.inputs["egress"] ?? []).toEqual([]);
    // EMR's v2 service policy uses only groups with its tag.
    expect(ordersSg.inputs["tags"]).toMatchObject({
      "for-use-with-amazon-emr-managed-policies": "true",
      "data-platform:domain": "orders",
    });

    expect(
      harness.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "importer-orders-db-to-database").inputs,
    ).toMatchObject({
      securityGroupId: ordersSg.id,
      referencedSecurityGroupId: ordersDbSg,
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
    });
    const ingress = harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((rule) => rule.name)).toEqual(["importer-orders-db-database-ingress"]);
    expect(ingress[0]!.inputs).toMatchObject({
      securityGroupId: ordersDbSg,
      referencedSecurityGroupId: ordersSg.id,
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
    });
    expect(ingress[0]!.inputs["cidrIpv4"]).toBeUndefined();

    // No database group named: egress to the declared range only, no ingress rule anywhere.
    const couriers = harness
      .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .filter((rule) => rule.name.startsWith("importer-couriers-db"));
    expect(couriers.map((rule) => [rule.name, rule.inputs["cidrIpv4"], rule.inputs["fromPort"]])).toEqual([
      ["importer-couriers-db-to-10-50-1-0-24", "10.50.1.0/24", 3306],
    ]);
  });
});

describe("DatabaseImporter job definitions", () => {
  it("stores a database import job per source: TLS connection through the secret, raw-zone Delta targets, the domain's template and the importer step", async () => {
    const { harness } = await build();
    const parameter = harness.one("aws:ssm/parameter:Parameter", "importer-orders-db-job");
    expect(parameter.inputs).toMatchObject({
      name: "/dp/prod/importer/orders-db/job",
      type: "String",
      tier: "Intelligent-Tiering",
    });
    const definition = job<DatabaseImportJob>(harness, "importer-orders-db-job");
    expect(definition.connection).toEqual({
      kind: "aurora",
      engine: "postgresql",
      clusterIdentifier: "orders-prod",
      jdbcUrl:
        "jdbc:postgresql://orders-prod.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require",
      driverClass: "org.postgresql.Driver",
      port: 5432,
      credentials: { secretArn: ordersSecret, usernameKey: "username", passwordKey: "password" },
    });
    expect(definition.target).toMatchObject({
      format: "delta",
      database: "orders_raw",
      bucket: `dp-prod-orders-raw-${account}`,
    });
    expect(definition.target.tables.map((table) => [table.name, table.mode, table.location])).toEqual([
      ["customers", "full", `s3://dp-prod-orders-raw-${account}/customers/`],
      ["orders", "incremental", `s3://dp-prod-orders-raw-${account}/orders/`],
    ]);
    expect(definition.schedule).toBe("0 2 * * *");
    const sg = harness.one("aws:ec2/securityGroup:SecurityGroup", "importer-orders-db-sg").id;
    expect(definition.cluster).toEqual({
      template: "/dp/prod/spark/orders/run-job-flow",
      overrides: { Name: "dp-prod-orders-import-orders-db", Instances: { AdditionalSlaveSecurityGroups: [sg] } },
    });
    expect(
      definition.steps[0]!.HadoopJarStep.Args.filter(
        (arg, index, args) => arg !== "--conf" && args[index - 1] !== "--conf",
      ),
    ).toEqual([
      "spark-submit",
      "--deploy-mode",
      "cluster",
      "--class",
      "io.dataplatform.importer.Main",
      `s3://dp-prod-artifacts-${account}/code/orders/importer.jar`,
      "--job-parameter",
      "/dp/prod/importer/orders-db/job",
    ]);

    const couriers = job<DatabaseImportJob>(harness, "importer-couriers-db-job");
    expect(couriers.connection).toMatchObject({
      kind: "jdbc",
      engine: null,
      jdbcUrl: "jdbc:mysql://10.50.1.20:3306/couriers?sslMode=REQUIRED",
      port: 3306,
    });
    expect(couriers.target.database).toBe("logistics_raw");
    expect(couriers.cluster.template).toBe("/dp/prod/spark/logistics/run-job-flow");
  });

  it("runs every job in its domain's spark image: the domain's default tag, or the source's own", async () => {
    const { harness } = await build({
      sources: (lake) =>
        defaultSources(lake).map((source) =>
          source.name === "couriers-db" ? { ...source, imageTag: "importer-1.4.0" } : source,
        ),
    });
    const registry = `${account}.dkr.ecr.eu-west-1.amazonaws.com`;
    const images = (name: string) => {
      const definition = job<{ image: string; steps: { HadoopJarStep: { Args: string[] } }[] }>(harness, name);
      const args = definition.steps[0]!.HadoopJarStep.Args;
      const conf = (key: string) =>
        args.find((arg, index) => args[index - 1] === "--conf" && arg.startsWith(`${key}=`));
      return [
        definition.image,
        conf("spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE"),
        conf("spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE"),
      ];
    };
    expect(images("importer-orders-db-job")).toEqual([
      `${registry}/dp-prod/orders/spark:bootstrap`,
      `spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=${registry}/dp-prod/orders/spark:bootstrap`,
      `spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=${registry}/dp-prod/orders/spark:bootstrap`,
    ]);
    expect(images("importer-couriers-db-job")[0]).toBe(`${registry}/dp-prod/logistics/spark:importer-1.4.0`);
    expect(images("importer-events-courier-tracking-job")[0]).toBe(`${registry}/dp-prod/logistics/spark:bootstrap`);
  });

  it("stores an event collection job reading the landing layout into one Delta table per event type", async () => {
    const { harness } = await build();
    expect(harness.one("aws:ssm/parameter:Parameter", "importer-events-courier-tracking-job").inputs["name"]).toBe(
      "/dp/prod/importer/events/courier-tracking/job",
    );
    const definition = job<EventCollectionJob>(harness, "importer-events-courier-tracking-job");
    expect(definition).toMatchObject({
      kind: "events",
      source: "courier-tracking",
      domain: "logistics",
      schedule: "20 * * * *",
      landing: {
        bucket: `dp-prod-landing-${account}`,
        prefix: "events/courier-tracking/",
        layout: "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/",
        format: "avro",
      },
      target: {
        database: "logistics_raw",
        tables: [
          {
            event: "CourierMoved",
            name: "courier_tracking_courier_moved",
            landingPrefix: "events/courier-tracking/CourierMoved/",
          },
        ],
      },
    });
  });

  it("never writes a credential: every job definition names its secret and carries no password value", async () => {
    const { harness } = await build();
    for (const parameter of harness
      .byType("aws:ssm/parameter:Parameter")
      .filter((registration) => registration.name.startsWith("importer-"))) {
      const text = parameter.inputs["insecureValue"] as string;
      const values: string[] = [];
      JSON.parse(text, (key, value: unknown) => {
        if (typeof value === "string" && key !== "passwordKey") values.push(value);
        return value;
      });
      expect(
        values.filter((value) => /password|pwd=/i.test(value)),
        parameter.name,
      ).toEqual([]);
    }
  });
});

describe("DatabaseImporter IAM", () => {
  it("lets each domain's Spark role read exactly its sources' secrets, its job definitions and the landing prefixes it collects", async () => {
    const { harness } = await build();
    const orders = harness.one("aws:iam/policy:Policy", "importer-orders-access");
    expect(orders.inputs["name"]).toBe("dp-prod-importer-orders");
    expect(harness.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "importer-orders-access").inputs).toEqual({
      role: "dp-prod-orders-spark-ec2",
      policyArn: `arn:aws:iam::${account}:policy/dp-prod-importer-orders`,
    });
    const statements = statementsOf(orders);
    expect(statements["ReadSourceSecrets"]!.Resource).toEqual([ordersSecret]);
    expect(statements["ReadImportJobs"]!.Resource).toEqual([
      `arn:aws:ssm:eu-west-1:${account}:parameter/dp/prod/importer/orders-db/job`,
    ]);
    const ordersKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-orders-key").id}`;
    expect(statements["DecryptSourceSecretsWithKey1"]).toMatchObject({
      Action: "kms:Decrypt",
      Resource: ordersKey,
      Condition: {
        StringEquals: {
          "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
          "kms:EncryptionContext:SecretARN": [ordersSecret],
        },
      },
    });
    expect(statements["ReadCollectedEvents"]).toBeUndefined();
    expect(orders.inputs["policy"]).not.toContain("couriers");

    const logistics = statementsOf(harness.one("aws:iam/policy:Policy", "importer-logistics-access"));
    expect(logistics["ReadSourceSecrets"]!.Resource).toEqual([couriersSecret]);
    expect(Object.keys(logistics).filter((sid) => sid.startsWith("Decrypt"))).toEqual([]);
    expect(logistics["ReadImportJobs"]!.Resource).toEqual([
      `arn:aws:ssm:eu-west-1:${account}:parameter/dp/prod/importer/couriers-db/job`,
      `arn:aws:ssm:eu-west-1:${account}:parameter/dp/prod/importer/events/courier-tracking/job`,
    ]);
    expect(logistics["ReadCollectedEvents"]!.Resource).toEqual([
      `arn:aws:s3:::dp-prod-landing-${account}/events/courier-tracking/*`,
    ]);
    expect(logistics["ReadCollectedEvents"]!.Action).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    // Writing the raw zone is the Spark role's existing lake grant: no second (revocable) Lake Formation grant.
    expect(
      harness
        .byType("aws:lakeformation/permissions:Permissions")
        .filter((registration) => registration.name.includes("importer")),
    ).toEqual([]);
    expect(harness.byType("aws:iam/rolePolicy:RolePolicy").map((registration) => registration.name)).toContain(
      "lake-orders-spark-grants",
    );
  });

  it("sizes each domain's managed policy before deployment: eight sources and three collections fit, thirty sources fail", async () => {
    const many =
      (count: number): SourcesFactory =>
      (lake) =>
        Array.from({ length: count }, (_, index) => ({
          kind: "aurora" as const,
          name: `orders-database-number-${index + 1}`,
          domain: "orders",
          endpoint: `orders-${index + 1}.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com`,
          database: "orders",
          secretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:dp/prod/orders/orders-database-number-${index + 1}-AbC${String(index).padStart(3, "0")}`,
          secretKmsKeyArn: lake.domain("orders").key.arn,
          databaseSecurityGroupId: ordersDbSg,
          schedule: "@daily",
          tables: [{ name: `table_${index + 1}`, mode: "full" as const }],
        }));
    const collections = ["orders-service", "orders-checkout-service", "orders-delivery-service"].map((source) => ({
      source,
      domain: "orders",
      events: ["Happened"],
    }));
    const { harness } = await build({ sources: many(8), collections });
    const policy = harness.one("aws:iam/policy:Policy", "importer-orders-access").inputs["policy"] as string;
    expect(policy.replace(/\s/g, "").length).toBeLessThan(6_144);
    // The Spark role's inline budget is left to the lake's grants.
    const inline = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((registration) => registration.inputs["role"] === "dp-prod-orders-spark-ec2");
    expect(inline.map((registration) => registration.name).filter((name) => name.startsWith("importer"))).toEqual([]);

    const { harness: second, lake, spark } = await foundations();
    expect(
      () =>
        new DatabaseImporter("importer", {
          prefix: "dp",
          stage: "prod",
          lake,
          spark,
          vpcId: "vpc-0123",
          sources: many(30)(lake),
        }),
    ).toThrow(/domain "orders": its 30 sources and 0 event collections need a \d+-character policy, above IAM's 6144/);
    await second.settle();
  });

  it("lets a domain's orchestrator read that domain's job definitions only", async () => {
    const { harness, importer } = await build();
    const airflow = {
      name: "logistics-airflow",
      role: new aws.iam.Role("logistics-airflow", { assumeRolePolicy: "{}" }),
    };
    const grant = importer.grantReadJobs(airflow, { domain: "logistics" });
    await harness.settle();
    expect(grant).toMatchObject({ grantee: airflow, scope: { domain: "logistics" }, resources: [grant.policy] });
    expect(await resolveOutput(grant.statements)).toEqual(
      JSON.parse(
        harness.one("aws:iam/rolePolicy:RolePolicy", "importer-logistics-airflow-read-jobs-logistics").inputs[
          "policy"
        ] as string,
      ).Statement,
    );
    const statements = statementsOf(
      harness.one("aws:iam/rolePolicy:RolePolicy", "importer-logistics-airflow-read-jobs-logistics"),
    );
    expect(statements["ReadImportJobs"]!.Resource).toEqual([
      `arn:aws:ssm:eu-west-1:${account}:parameter/dp/prod/importer/couriers-db/job`,
      `arn:aws:ssm:eu-west-1:${account}:parameter/dp/prod/importer/events/courier-tracking/job`,
    ]);
    expect(() =>
      importer.grantReadJobs(
        { name: "x", role: new aws.iam.Role("x", { assumeRolePolicy: "{}" }) },
        { domain: "marketing" },
      ),
    ).toThrow(/no imports for domain "marketing"/);
  });
});

describe("DatabaseImporter contract and checks", () => {
  it("exposes job parameters, schedules, security groups and targets", async () => {
    const { harness, importer } = await build();
    const contract = (await resolveOutput(importer.contract())) as ImporterContract;
    expect(contract.databases["orders-db"]).toEqual({
      domain: "orders",
      kind: "aurora",
      schedule: "0 2 * * *",
      jobParameter: "/dp/prod/importer/orders-db/job",
      securityGroupId: harness.one("aws:ec2/securityGroup:SecurityGroup", "importer-orders-db-sg").id,
      targetDatabase: "orders_raw",
      tables: ["customers", "orders"],
    });
    expect(contract.events["courier-tracking"]).toEqual({
      domain: "logistics",
      schedule: "20 * * * *",
      jobParameter: "/dp/prod/importer/events/courier-tracking/job",
      targetDatabase: "logistics_raw",
      tables: { CourierMoved: "courier_tracking_courier_moved" },
    });
    expect(contract.jobParametersByDomain).toEqual({
      logistics: ["/dp/prod/importer/couriers-db/job", "/dp/prod/importer/events/courier-tracking/job"],
      orders: ["/dp/prod/importer/orders-db/job"],
    });
  });

  it("passes the policy pack with no mandatory finding", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("registers the same resources in preview and resolved mode", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build({ mode: "preview" })).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
  });

  it("fails on bad args with every problem at once, before creating anything", async () => {
    const { harness, lake, spark } = await foundations();
    let message = "";
    try {
      new DatabaseImporter("importer", {
        prefix: "dp",
        stage: "prod",
        lake,
        spark,
        vpcId: "vpc-0123",
        sources: [
          {
            kind: "jdbc",
            name: "Legacy_DB",
            domain: "payments",
            jdbcUrl: "jdbc:postgresql://db:5432/x?user=app&password=hunter2",
            port: 70000,
            secretArn: "dp/prod/legacy",
            cidrBlocks: ["0.0.0.0/0"],
            schedule: "daily",
            tables: [{ name: "Orders", mode: "incremental" }],
          },
          {
            kind: "aurora",
            name: "mkt-db",
            domain: "marketing",
            endpoint: "mkt.example.com",
            database: "mkt",
            secretArn: ordersSecret,
            schedule: "@daily",
            tables: [],
          },
          {
            kind: "aurora",
            name: "orders-db",
            domain: "orders",
            endpoint: "o.cluster-ro-x.eu-west-1.rds.amazonaws.com",
            database: "o",
            secretArn: ordersSecret,
            databaseSecurityGroupId: ordersDbSg,
            schedule: "@daily",
            tables: [{ name: "orders", mode: "full", watermarkColumn: "updated_at" }],
          },
          {
            kind: "aurora",
            name: "orders-db",
            domain: "orders",
            endpoint: "o.cluster-ro-x.eu-west-1.rds.amazonaws.com",
            database: "o",
            secretArn: ordersSecret,
            databaseSecurityGroupId: ordersDbSg,
            schedule: "@daily",
            tables: [{ name: "orders", mode: "full" }],
          },
        ],
        eventCollections: [{ source: "orders-service", domain: "orders", events: ["Bad Event"] }],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    await harness.settle();
    expect(harness.byType("data-platform:ingestion:DatabaseImporter")).toEqual([]);
    expect(message).toMatch(/^DatabaseImporter "importer": invalid args:/);
    for (const expected of [
      /source "Legacy_DB": names are lowercase/,
      /source "Legacy_DB": domain "payments" is not in the lake/,
      /source "Legacy_DB": secretArn must be the full ARN of a Secrets Manager secret/,
      /source "Legacy_DB": jdbcUrl must not contain credentials/,
      /source "Legacy_DB": cidrBlocks: "0.0.0.0\/0" opens the database port to everything/,
      /source "Legacy_DB": schedule "daily" is not a five-field cron expression/,
      /source "Legacy_DB": port must be a whole number from 1 to 65535, got 70000/,
      /table "Orders": target names are Glue-safe/,
      /table "Orders": incremental imports need keyColumns/,
      /table "Orders": incremental imports need a watermarkColumn/,
      /source "mkt-db": domain "marketing" does not use the raw zone/,
      /source "mkt-db": endpoint "mkt.example.com" is not an Aurora endpoint/,
      /source "mkt-db": give databaseSecurityGroupId or cidrBlocks/,
      /source "mkt-db": declare at least one table/,
      /table "orders": watermarkColumn applies to incremental imports only/,
      /source "orders-db" is listed twice/,
      /table "orders" of domain "orders" is already imported by source "orders-db"/,
      /event "Bad Event" is not an event type name/,
    ]) {
      expect(message).toMatch(expected);
    }
    expect(message).not.toContain("hunter2");
  });

  it("registers nothing of its own when the args are bad", async () => {
    const harness = await setMocks();
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "dev",
      administratorArns: [deployer],
      domains: [{ name: "orders", zones: ["raw"] }],
    });
    const spark = new EphemeralSparkCluster("spark", {
      prefix: "dp",
      stage: "dev",
      lake,
      vpcId: "vpc-1",
      privateSubnetIds: subnets,
      administratorArns: [deployer],
      domains: [],
    });
    const source: DatabaseSourceArgs = {
      kind: "jdbc",
      name: "legacy",
      domain: "orders",
      jdbcUrl: "jdbc:postgresql://10.0.0.5:5432/x",
      port: 5432,
      secretArn: ordersSecret,
      cidrBlocks: ["10.0.0.0/24"],
      schedule: "@daily",
      tables: [{ name: "x", mode: "full" }],
    };
    expect(
      () =>
        new DatabaseImporter("importer", {
          prefix: "dp",
          stage: "dev",
          lake,
          spark,
          vpcId: "vpc-1",
          sources: [source],
        }),
    ).toThrow(/domain "orders" has no ephemeral Spark/);
    await harness.settle();
    expect(harness.byType("data-platform:ingestion:DatabaseImporter")).toEqual([]);
    expect(
      harness.byType("aws:ssm/parameter:Parameter").filter((registration) => registration.name.startsWith("importer")),
    ).toEqual([]);
  });
});

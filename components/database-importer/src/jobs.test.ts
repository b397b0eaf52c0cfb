import { describe, expect, it } from "vitest";
import { eventTableName, isSchedule, jdbcUrlProblems, type AuroraSourceArgs, type JdbcSourceArgs } from "./args";
import { databaseImportJob, eventCollectionJob, importerStep, jdbcUrlFor, portFor } from "./jobs";
import { domainImportPolicy, parameterArn, readJobsPolicy } from "./policies";

const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dp/prod/orders/orders-db-AbC123";
const aurora: AuroraSourceArgs = {
  kind: "aurora",
  name: "orders-db",
  domain: "orders",
  endpoint: "orders.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com",
  database: "orders",
  secretArn,
  databaseSecurityGroupId: "sg-0123456789abcdef0",
  schedule: "0 2 * * *",
  tables: [
    {
      name: "orders",
      sourceTable: "public.orders",
      mode: "incremental",
      keyColumns: ["id"],
      watermarkColumn: "updated_at",
    },
    { name: "customers", mode: "full" },
  ],
};
const target = {
  database: "orders_raw",
  bucket: "dp-prod-orders-raw-123456789012",
  templateParameter: "/dp/prod/spark/orders/run-job-flow",
  artifactUri: "s3://dp-prod-artifacts-123456789012/code/orders/importer.jar",
  mainClass: "io.dataplatform.importer.Main",
  jobParameter: "/dp/prod/importer/orders-db/job",
  clusterName: "dp-prod-orders-import-orders-db",
  image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dp-prod/orders/spark:2026.12.01",
};

describe("connections", () => {
  it("builds TLS JDBC URLs for Aurora and keeps other sources' URLs", () => {
    expect(jdbcUrlFor(aurora)).toBe(
      "jdbc:postgresql://orders.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require",
    );
    expect(jdbcUrlFor({ ...aurora, engine: "mysql" })).toBe(
      "jdbc:mysql://orders.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com:3306/orders?sslMode=REQUIRED",
    );
    expect(portFor({ ...aurora, engine: "mysql" })).toBe(3306);
    expect(portFor({ ...aurora, port: 6432 })).toBe(6432);
    const jdbc: JdbcSourceArgs = {
      kind: "jdbc",
      name: "legacy",
      domain: "orders",
      jdbcUrl: "jdbc:sqlserver://10.1.2.3:1433;databaseName=legacy;encrypt=true",
      port: 1433,
      secretArn,
      cidrBlocks: ["10.1.2.0/24"],
      schedule: "@daily",
      tables: [],
    };
    expect(jdbcUrlFor(jdbc)).toBe(jdbc.jdbcUrl);
    expect(portFor(jdbc)).toBe(1433);
  });

  it("rejects URLs with credentials, without echoing them", () => {
    expect(jdbcUrlProblems("jdbc:postgresql://db:5432/x?user=a&password=hunter2")).toEqual([
      "jdbcUrl must not contain credentials (they come from the secret)",
    ]);
    expect(jdbcUrlProblems("jdbc:mysql://app:hunter2@db:3306/x")).toEqual([
      "jdbcUrl must not contain credentials (they come from the secret)",
    ]);
    expect(jdbcUrlProblems("jdbc:sqlserver://db:1433;databaseName=x;pwd=hunter2").join()).not.toContain("hunter2");
    expect(jdbcUrlProblems("postgres://db/x")[0]).toMatch(/is not a JDBC URL/);
    expect(jdbcUrlProblems("jdbc:postgresql://db:5432/x?sslmode=require")).toEqual([]);
  });

  it.each([
    ["0 2 * * *", true],
    ["*/15 * * * *", true],
    ["0 3 * * MON-FRI", true],
    ["@daily", true],
    ["@hourly", true],
    ["0 2 * *", false],
    ["@sometimes", false],
    ["0 2 * * * ; rm", false],
  ])("schedule %s is valid: %s", (schedule, valid) => {
    expect(isSchedule(schedule)).toBe(valid);
  });

  it("names event tables in Glue-safe snake case", () => {
    expect(eventTableName("orders-service", "OrderPlaced")).toBe("orders_service_order_placed");
    expect(eventTableName("courier-tracking", "courier-moved")).toBe("courier_tracking_courier_moved");
    expect(eventTableName("payments", "payment_captured")).toBe("payments_payment_captured");
  });
});

describe("job definitions", () => {
  it("describe a database import: connection through the secret, Delta targets, cluster overrides and the spark-submit step", () => {
    const job = databaseImportJob(aurora, { ...target, securityGroupId: "sg-0importer" });
    expect(job).toEqual({
      schemaVersion: 1,
      kind: "database",
      source: "orders-db",
      domain: "orders",
      schedule: "0 2 * * *",
      connection: {
        kind: "aurora",
        engine: "postgresql",
        clusterIdentifier: null,
        jdbcUrl: "jdbc:postgresql://orders.cluster-ro-c1x2y3z4.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require",
        driverClass: "org.postgresql.Driver",
        port: 5432,
        credentials: { secretArn, usernameKey: "username", passwordKey: "password" },
      },
      target: {
        format: "delta",
        database: "orders_raw",
        bucket: "dp-prod-orders-raw-123456789012",
        tables: [
          {
            name: "customers",
            location: "s3://dp-prod-orders-raw-123456789012/customers/",
            sourceTable: "customers",
            mode: "full",
            keyColumns: [],
            watermarkColumn: null,
          },
          {
            name: "orders",
            location: "s3://dp-prod-orders-raw-123456789012/orders/",
            sourceTable: "public.orders",
            mode: "incremental",
            keyColumns: ["id"],
            watermarkColumn: "updated_at",
          },
        ],
      },
      cluster: {
        template: "/dp/prod/spark/orders/run-job-flow",
        overrides: {
          Name: "dp-prod-orders-import-orders-db",
          Instances: { AdditionalSlaveSecurityGroups: ["sg-0importer"] },
        },
      },
      image: target.image,
      steps: [
        importerStep({
          name: "import orders-db",
          artifactUri: target.artifactUri,
          mainClass: target.mainClass,
          jobParameter: target.jobParameter,
          image: target.image,
        }),
      ],
    });
    expect(job.steps[0]).toEqual({
      Name: "import orders-db",
      ActionOnFailure: "TERMINATE_CLUSTER",
      HadoopJarStep: {
        Jar: "command-runner.jar",
        Args: [
          "spark-submit",
          "--deploy-mode",
          "cluster",
          // Hadoop refuses a Docker container without an image: the job names its own, for the driver and executors.
          "--conf",
          "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE=docker",
          "--conf",
          `spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=${target.image}`,
          "--conf",
          "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE=docker",
          "--conf",
          `spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=${target.image}`,
          "--class",
          "io.dataplatform.importer.Main",
          "s3://dp-prod-artifacts-123456789012/code/orders/importer.jar",
          "--job-parameter",
          "/dp/prod/importer/orders-db/job",
        ],
      },
    });
  });

  it("describe an event collection: the landing layout in, one Delta table per event type out", () => {
    const job = eventCollectionJob(
      { source: "courier-tracking", domain: "logistics", events: ["CourierMoved", "CourierAssigned"] },
      {
        ...target,
        database: "logistics_raw",
        bucket: "dp-prod-logistics-raw-1",
        landingBucket: "dp-prod-landing-1",
        layout: "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/",
      },
    );
    expect(job.schedule).toBe("20 * * * *");
    expect(job.landing).toEqual({
      bucket: "dp-prod-landing-1",
      prefix: "events/courier-tracking/",
      layout: "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/",
      format: "avro",
    });
    expect(job.target.tables).toEqual([
      {
        event: "CourierAssigned",
        name: "courier_tracking_courier_assigned",
        location: "s3://dp-prod-logistics-raw-1/courier_tracking_courier_assigned/",
        landingPrefix: "events/courier-tracking/CourierAssigned/",
        partitionColumns: ["dt"],
      },
      {
        event: "CourierMoved",
        name: "courier_tracking_courier_moved",
        location: "s3://dp-prod-logistics-raw-1/courier_tracking_courier_moved/",
        landingPrefix: "events/courier-tracking/CourierMoved/",
        partitionColumns: ["dt"],
      },
    ]);
    expect(job.cluster.overrides).toEqual({ Name: target.clusterName });
    expect(job.image).toBe(target.image);
    expect(job.steps[0]!.HadoopJarStep.Args).toContain(
      `spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=${target.image}`,
    );
  });
});

describe("importer policies", () => {
  const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
  const other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dp/prod/orders/billing-XyZ789";

  it("read exactly the domain's secrets, decrypting only those secrets through Secrets Manager", () => {
    const document = domainImportPolicy({
      region: "eu-west-1",
      jobParameterArns: [parameterArn("aws", "eu-west-1", "123456789012", "/dp/prod/importer/orders-db/job")],
      secrets: [{ arn: secretArn, keyArn }, { arn: other }],
    });
    expect(document.Statement).toEqual([
      {
        Sid: "ReadImportJobs",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/dp/prod/importer/orders-db/job"],
      },
      {
        Sid: "ReadSourceSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [other, secretArn].sort(),
      },
      {
        Sid: "DecryptSourceSecretsWithKey1",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: {
          StringEquals: {
            "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
            "kms:EncryptionContext:SecretARN": [secretArn],
          },
        },
      },
    ]);
  });

  it("read exactly the collected landing prefixes", () => {
    const document = domainImportPolicy({
      region: "eu-west-1",
      jobParameterArns: ["arn:p"],
      secrets: [],
      landing: { bucketArn: "arn:aws:s3:::landing", keyArn, prefixes: ["events/b/", "events/a/"] },
    });
    const bySid = Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
    expect(bySid["ReadCollectedEvents"]!.Resource).toEqual([
      "arn:aws:s3:::landing/events/a/*",
      "arn:aws:s3:::landing/events/b/*",
    ]);
    expect(bySid["ReadCollectedEvents"]!.Action).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(bySid["ListCollectedEvents"]!.Condition).toEqual({
      StringLike: { "s3:prefix": ["events/a/*", "events/b/*"] },
    });
    expect(bySid["ReadSourceSecrets"]).toBeUndefined();
    expect(readJobsPolicy(["b", "a"]).Statement[0]!.Resource).toEqual(["a", "b"]);
  });
});

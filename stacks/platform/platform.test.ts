import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, configEnv, namespaceValues, resolvePlatformConfig } from "@data-platform/config";
import { tagKeys } from "@data-platform/conventions";
import { sourceConditionExceptions } from "@data-platform/aws-blocks";
import {
  readStackConfigFile,
  runProgram,
  runProgramSettled,
  type EngineConfig,
  type ProgramRun,
} from "@data-platform/testing";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { validateChartValues } from "@data-platform/helm-charts";
import { evaluate, type PolicyDocument, type Request } from "./iamEvaluation";
import {
  consumerGrants,
  dagLibraryArchive,
  notebookNodeGroupProblems,
  platform,
  queryNodeGroupProblems,
} from "./program";

const stages = ["dev", "staging", "prod"] as const;

function stageConfig(stage: string): EngineConfig {
  return readStackConfigFile(path.join(__dirname, `Pulumi.${stage}.yaml`));
}

/** A table's LF-Tags as the lake gives them: `domain` and `zone` from its database, `product` and `classification` from its DataProduct. */
interface TableTags {
  databaseName: string;
  name: string;
  tags: Record<string, string>;
}

/**
 * Whether a Lake Formation permission gives SELECT on a table: by naming it, by the database's wildcard, or by an
 * LF-Tag expression every key of which the table carries with one of the expression's values (Lake Formation's
 * tag-based access control: the expressions are ANDed, the values of one key ORed).
 */
function selectsTable(permission: { inputs: Record<string, unknown> }, table: TableTags): boolean {
  if (!(permission.inputs["permissions"] as string[]).includes("SELECT")) return false;
  const named = permission.inputs["table"] as { databaseName?: string; name?: string; wildcard?: boolean } | undefined;
  if (named) return named.databaseName === table.databaseName && (named.name === table.name || named.wildcard === true);
  const policy = permission.inputs["lfTagPolicy"] as
    { resourceType: string; expressions: { key: string; values: string[] }[] } | undefined;
  if (!policy || policy.resourceType !== "TABLE" || policy.expressions.length === 0) return false;
  return policy.expressions.every(
    (expression) => table.tags[expression.key] !== undefined && expression.values.includes(table.tags[expression.key]!),
  );
}

function run(
  stage: string,
  engine: EngineConfig = stageConfig(stage),
  mode: "resolved" | "preview" = "resolved",
): Promise<ProgramRun> {
  return runProgram(() => platform, { stack: stage, mode, config: engine.config, secretKeys: engine.secretKeys });
}

afterEach(() => {
  delete process.env[configEnv.domainsDir];
  delete process.env[configEnv.configFile];
});

describe("platform stack", () => {
  it.each(stages)("%s: tags everything through the provider and exports the enabled domains", async (stage) => {
    const { harness, outputs } = await run(stage);
    const provider = harness.one("pulumi:providers:aws", "platform");
    expect(provider.inputs["region"]).toBe("eu-west-1");
    expect(JSON.parse(provider.inputs["defaultTags"] as string)).toEqual({
      tags: {
        [tagKeys.stage]: stage,
        [tagKeys.owner]: "data-platform-team",
        [tagKeys.costCentre]: "CC-0100",
        [tagKeys.managedBy]: "pulumi",
      },
    });
    const enabled = Object.keys(
      (
        parse(fs.readFileSync(path.join(__dirname, `Pulumi.${stage}.yaml`), "utf8")) as {
          config: Record<string, Record<string, unknown>>;
        }
      ).config["data-platform:domains"]!,
    ).sort();
    expect(Object.keys(outputs["domains"] as object)).toEqual(enabled);
    expect(outputs["stage"]).toBe(stage);
  });

  it("stages differ where they should: prod enables every registered domain, dev only two", async () => {
    const prod = await run("prod");
    const dev = await run("dev");
    const registered = fs
      .readdirSync(path.join(__dirname, "domains"))
      .map((file) => file.replace(/\.yaml$/, ""))
      .sort();
    expect(Object.keys(prod.outputs["domains"] as object)).toEqual(registered);
    expect(Object.keys(dev.outputs["domains"] as object)).toHaveLength(2);
  });

  it("fails on bad config before registering anything but the root stack", async () => {
    const engine = stageConfig("dev");
    engine.config["data-platform:network"] = JSON.stringify({
      vpcCidr: "10.40.0.0/8",
      availabilityZones: 4,
      natGateways: "single",
    });
    const result = await runProgramSettled(() => platform, { stack: "dev", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    expect((result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}`)).toEqual([
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:network\.vpcCidr$/),
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:network\.availabilityZones$/),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("stops on what the components would refuse (a valid schema, a bad combination) before any resource", async () => {
    const engine = stageConfig("dev");
    const notebooks = JSON.parse(engine.config["data-platform:notebooks"]!) as Record<string, unknown>;
    engine.config["data-platform:notebooks"] = JSON.stringify({
      ...notebooks,
      authenticator: { kind: "github" },
      cullTimeoutSeconds: 60,
    });
    const ingestion = JSON.parse(engine.config["data-platform:ingestion"]!) as {
      sources: Record<string, { events: Record<string, { schema: Record<string, unknown> }> }>;
    };
    const [source, definition] = Object.entries(ingestion.sources)[0]!;
    const [event] = Object.keys(definition.events);
    definition.events[event!]!.schema = { type: "enum", name: "Broken", symbols: ["A"] };
    engine.config["data-platform:ingestion"] = JSON.stringify(ingestion);
    const result = await runProgramSettled(() => platform, { stack: "dev", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    const lines = (result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
    expect(lines).toEqual([
      // Each at the key its argument came from, the message without the argument's path.
      expect.stringMatching(
        /Pulumi\.dev\.yaml: data-platform:notebooks\.authenticator\.clientId: is required for github$/,
      ),
      expect.stringMatching(
        /Pulumi\.dev\.yaml: data-platform:notebooks\.authenticator\.clientSecret: \(a Pulumi secret\) is required for github$/,
      ),
      expect.stringMatching(
        /Pulumi\.dev\.yaml: data-platform:notebooks\.authenticator\.oauthCallbackUrl: is required when hostname is not set$/,
      ),
      // The orders domain's groups are not GitHub teams: filed against the domain's own file.
      expect.stringMatching(
        /domains\/orders\.yaml: needs\.notebooks\.groups: "analysts-orders" must be "org:team" for github \(or the stage's data-platform:domains\.orders\.needs override\)$/,
      ),
      expect.stringMatching(
        /Pulumi\.dev\.yaml: data-platform:notebooks\.cullTimeoutSeconds: must be an integer >= 300, got 60$/,
      ),
      // The file is shown relative to the working directory (the repository root, or the project under Nx).
      expect.stringMatching(
        new RegExp(
          `Pulumi\\.dev\\.yaml: data-platform:ingestion\\.sources\\.${source}\\.events\\.${event!}\\.schema: the Avro schema has type "enum", expected "record"$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `Pulumi\\.dev\\.yaml: data-platform:ingestion\\.sources\\.${source}\\.events\\.${event!}\\.schema: the Avro schema has no fields array$`,
        ),
      ),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("files a stage override that drops a data product's zone under the domain's needs.zones key, before any resource", async () => {
    const engine = stageConfig("dev");
    const domains = JSON.parse(engine.config["data-platform:domains"]!) as Record<
      string,
      { needs?: Record<string, unknown> }
    >;
    // orders publishes "orders" in the analytics zone; the stage keeps only raw.
    domains.orders = { ...domains.orders, needs: { ...domains.orders!.needs, zones: ["raw"] } };
    engine.config["data-platform:domains"] = JSON.stringify(domains);
    const result = await runProgramSettled(() => platform, { stack: "dev", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    const lines = (result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
    expect(lines).toEqual([
      expect.stringMatching(
        /Pulumi\.dev\.yaml: data-platform:domains\.orders\.needs\.zones: (?=.*"orders")(?=.*"analytics")/,
      ),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("refuses a Kubernetes version past EKS standard support before registering anything but the root stack", async () => {
    const engine = stageConfig("prod");
    const cluster = JSON.parse(engine.config["data-platform:cluster"]!) as Record<string, unknown>;
    engine.config["data-platform:cluster"] = JSON.stringify({ ...cluster, kubernetesVersion: "1.33" });
    const result = await runProgramSettled(() => platform, { stack: "prod", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    expect(
      (result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`),
    ).toEqual([
      expect.stringMatching(
        /Pulumi\.prod\.yaml: data-platform:cluster\.kubernetesVersion: EKS standard support for Kubernetes 1\.33 ended on 2026-07-29/,
      ),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("passes Starburst credentials from the stage config to the query mesh, as secrets", async () => {
    const engine = stageConfig("dev");
    const queryMesh = JSON.parse(engine.config["data-platform:queryMesh"]!) as Record<string, unknown>;
    const starburst = {
      licenseSecret: "license-never-in-plain",
      registryUsername: "acme",
      registryPassword: "password-never-in-plain",
    };
    engine.config["data-platform:queryMesh"] = JSON.stringify({ ...queryMesh, engine: "starburst", starburst });
    const { harness } = await runProgram(() => platform, { stack: "dev", config: engine.config });
    expect(harness.byType("kubernetes:helm.sh/v4:Chart").map((chart) => chart.inputs["chart"])).toContainEqual(
      expect.stringContaining("starburst"),
    );
    const plain = JSON.stringify(harness.registrations.map((registration) => registration.inputs));
    expect(plain).not.toContain("license-never-in-plain");
    expect(plain).not.toContain("password-never-in-plain");
  });

  it("lets a stage turn internal TLS off (dev: off unless set)", async () => {
    const { harness: dev } = await run("dev");
    expect(dev.byType("kubernetes:core/v1:Secret").map((secret) => secret.name)).not.toContain(
      "query-mesh-coordinator-tls",
    );
    const engine = stageConfig("prod");
    const queryMesh = JSON.parse(engine.config["data-platform:queryMesh"]!) as Record<string, unknown>;
    engine.config["data-platform:queryMesh"] = JSON.stringify({ ...queryMesh, internalTls: false });
    const { harness } = await runProgram(() => platform, { stack: "prod", config: engine.config });
    expect(harness.byType("kubernetes:core/v1:Secret").map((secret) => secret.name)).not.toContain(
      "query-mesh-coordinator-tls",
    );
    expect(harness.one("kubernetes:core/v1:Service", "query-mesh-nlb").inputs["spec"]).toMatchObject({
      ports: [{ port: 443, targetPort: 8080 }],
    });
  });

  it.each(["staging", "prod"] as const)(
    "%s runs Starburst with Privacera and JupyterHub with production settings, secrets only as [secret]",
    async (stage) => {
      const { harness } = await run(stage);
      const charts = new Map(harness.byType("kubernetes:helm.sh/v4:Chart").map((chart) => [chart.name, chart.inputs]));
      const starburst = charts.get("query-mesh")!;
      expect(starburst["chart"]).toBe("oci://harbor.starburstdata.net/starburstdata/charts/starburst-enterprise");
      expect(validateChartValues("starburstEnterprise", starburst["values"] as Record<string, unknown>)).toEqual([]);
      expect(starburst["repositoryOpts"]).toMatchObject({ password: "[secret]" });
      const etc = (starburst["values"] as Record<string, Record<string, Record<string, Record<string, string>>>>)[
        "coordinator"
      ]!["etcFiles"]!["properties"]!;
      expect(etc["access-control.properties"]).toContain("access-control.name=privacera-starburst");
      expect(etc["access-control.properties"]).toContain(
        "ranger.presto-plugin-password=${ENV:ACCESS_CONTROL_PASSWORD}",
      );
      const jupyterhub = charts.get("notebooks")!;
      expect(validateChartValues("jupyterhub", jupyterhub["values"] as Record<string, unknown>)).toEqual([]);
      expect(JSON.stringify(jupyterhub["values"])).toContain("GenericOAuthenticator");
      expect(charts.get("query-mesh-privacera")).toMatchObject({
        namespace: "privacera",
        repositoryOpts: { username: "[secret]", password: "[secret]" },
      });
      // Pod Security labels on the services' namespaces; IRSA roles for the engine and the notebooks.
      const namespaces = Object.fromEntries(
        harness
          .byType("kubernetes:core/v1:Namespace")
          .map((namespace) => [
            (namespace.inputs["metadata"] as { name: string }).name,
            (namespace.inputs["metadata"] as { labels: Record<string, string> }).labels,
          ]),
      );
      for (const name of ["query", "privacera", "notebooks"])
        expect(namespaces[name]?.["pod-security.kubernetes.io/enforce"], name).toBe("restricted");
      for (const role of ["query-mesh-starburst", "notebooks-users"])
        expect(String(harness.one("aws:iam/role:Role", role).inputs["assumeRolePolicy"])).toContain(
          "AssumeRoleWithWebIdentity",
        );
      // TLS on the load balancer from the stage's ACM certificate.
      const annotations = (
        harness.one("kubernetes:core/v1:Service", "query-mesh-nlb").inputs["metadata"] as {
          annotations: Record<string, string>;
        }
      ).annotations;
      expect(annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toMatch(
        /^arn:aws:acm:eu-west-1:111111111111:certificate\//,
      );
      // And TLS from the load balancer to the coordinator (internal TLS, on by default outside dev).
      expect(annotations["service.beta.kubernetes.io/aws-load-balancer-backend-protocol"]).toBe("ssl");
      expect(harness.one("kubernetes:core/v1:Service", "query-mesh-nlb").inputs["spec"]).toMatchObject({
        ports: [{ port: 443, targetPort: 8443 }],
      });
      expect(harness.one("kubernetes:core/v1:Secret", "query-mesh-coordinator-tls").inputs["metadata"]).toMatchObject({
        name: "query-coordinator-tls",
        namespace: "query",
      });
      const coordinatorProperties = (starburst["values"] as Record<string, Record<string, string>>)["coordinator"]![
        "additionalProperties"
      ]!;
      expect(coordinatorProperties).toContain("http-server.https.enabled=true");
      expect(coordinatorProperties).toContain("internal-communication.shared-secret=${ENV:SHARED_SECRET}");
      // The stage file's encrypted values never reach a plan: every credential-bearing input is the secret marker.
      const plain = JSON.stringify(harness.registrations.map((registration) => registration.inputs));
      expect(plain).not.toMatch(/v1:placeholder|"secure"/);
      for (const secret of harness.byType("kubernetes:core/v1:Secret"))
        expect(secret.inputs["stringData"], secret.name).toBe("[secret]");
    },
  );

  it("checks that the query node group fits the engine: requests per node and nodes for every worker", () => {
    const config = resolvePlatformConfig({
      stack: "prod",
      values: namespaceValues(stageConfig("prod").config),
      configFile: "Pulumi.prod.yaml",
      domainsDir: path.join(__dirname, "domains"),
    });
    expect(queryNodeGroupProblems(config)).toEqual([]);
    const tight = {
      ...config,
      cluster: {
        ...config.cluster,
        nodeGroups: {
          ...config.cluster.nodeGroups,
          query: { ...config.cluster.nodeGroups["query"]!, instanceTypes: ["r7g.xlarge"], maxSize: 4 },
        },
      },
    };
    expect(
      queryNodeGroupProblems({
        ...tight,
        queryMesh: {
          ...config.queryMesh,
          coordinatorResources: undefined,
          workerResources: undefined,
          workers: { min: 2, max: 10 },
        },
      }),
    ).toEqual([
      {
        key: "cluster.nodeGroups.query.instanceTypes[0]",
        message:
          "a worker's requests do not fit a r7g.xlarge (4 vCPU, 32 GiB; about 3.67 vCPU and 30.0 GiB for pods) node: it would never be scheduled",
      },
    ]);
    const workers = { requests: { cpu: "1", memory: "8Gi" }, limits: { memory: "8Gi" } };
    // Default coordinator (2 CPU, 8Gi) with a worker on one node, three workers on each of the others: 8 nodes.
    expect(
      queryNodeGroupProblems({
        ...tight,
        queryMesh: {
          ...config.queryMesh,
          coordinatorResources: undefined,
          workerResources: workers,
          workers: { min: 2, max: 20 },
        },
      }),
    ).toEqual([
      {
        key: "cluster.nodeGroups.query.maxSize",
        message:
          "the coordinator and 20 workers need 8 r7g.xlarge nodes, but maxSize is 4: raise maxSize or lower queryMesh.workers.max",
      },
    ]);
  });

  it("checks that every notebook profile's guarantees fit the notebooks node group", () => {
    const config = resolvePlatformConfig({
      stack: "staging",
      values: namespaceValues(stageConfig("staging").config),
      configFile: "Pulumi.staging.yaml",
      domainsDir: path.join(__dirname, "domains"),
    });
    expect(notebookNodeGroupProblems(config)).toEqual([]);
    const small = {
      ...config,
      cluster: {
        ...config.cluster,
        nodeGroups: {
          ...config.cluster.nodeGroups,
          notebooks: { ...config.cluster.nodeGroups["notebooks"]!, instanceTypes: ["m7g.xlarge"] },
        },
      },
    };
    expect(notebookNodeGroupProblems(small)).toEqual([
      {
        key: "cluster.nodeGroups.notebooks.instanceTypes[0]",
        message:
          'notebook profile "spark" guarantees 4 CPU and 16 GiB, more than a m7g.xlarge node leaves to pods (about 3.67 vCPU, 14.0 GiB): its servers would never start',
      },
    ]);
  });

  it("prod: a consumer domain's roles read a producer's data product (Lake Formation and IAM), write nothing, and a non-consumer reads nothing", async () => {
    // orders publishes "orders" (analytics zone) to logistics, marketing and payments; restaurants is no consumer of it.
    const { harness } = await run("prod");
    const byName = (type: string, name: string) => harness.one(type, name);
    const roleOf = (resourceName: string) => {
      const role = byName("aws:iam/role:Role", resourceName);
      return { name: String(role.inputs["name"]), tags: (role.inputs["tags"] ?? {}) as Record<string, string> };
    };
    const bucketName = String(byName("aws:s3/bucket:Bucket", "lake-orders-analytics").inputs["bucket"]);
    const bucketPolicy = JSON.parse(
      String(byName("aws:s3/bucketPolicy:BucketPolicy", "lake-orders-analytics-policy").inputs["policy"]),
    ) as PolicyDocument;
    const keyPolicy = JSON.parse(
      String(byName("aws:kms/key:Key", "lake-orders-key").inputs["policy"]),
    ) as PolicyDocument;
    const account = /arn:aws:iam::(\d{12}):root/.exec(JSON.stringify(keyPolicy))![1]!;
    const keyArn = `arn:aws:kms:eu-west-1:${account}:key/${byName("aws:kms/key:Key", "lake-orders-key").id}`;
    // Every policy of a role: its inline policies and the customer managed policies attached to it.
    const identity = (roleName: string): PolicyDocument[] => {
      const inline = harness
        .byType("aws:iam/rolePolicy:RolePolicy")
        .filter((policy) => policy.inputs["role"] === roleName);
      const attached = harness
        .byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((attachment) => attachment.inputs["role"] === roleName)
        .map((attachment) => String(attachment.inputs["policyArn"]));
      const managed = harness
        .byType("aws:iam/policy:Policy")
        .filter((policy) => attached.some((arn) => arn.endsWith(`:policy/${String(policy.inputs["name"])}`)));
      expect(attached.filter((arn) => arn.startsWith("arn:aws:iam::aws:"))).toEqual([]);
      return [...inline, ...managed].map((policy) => JSON.parse(String(policy.inputs["policy"])) as PolicyDocument);
    };
    const as = (resourceName: string) => {
      const role = roleOf(resourceName);
      const principal = { principalArn: `arn:aws:iam::${account}:role/${role.name}`, principalTags: role.tags };
      const policies = identity(role.name);
      const object = `arn:aws:s3:::${bucketName}/orders/part-00000.snappy.parquet`;
      const s3 = (action: string, resource = object, context: Request["context"] = {}) =>
        evaluate({ ...principal, action, resource, context: { "aws:SecureTransport": true, ...context } }, policies, {
          kind: "s3",
          policy: bucketPolicy,
        });
      const kms = (action: string) =>
        evaluate(
          {
            ...principal,
            action,
            resource: keyArn,
            context: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": account },
          },
          policies,
          { kind: "kms", policy: keyPolicy },
        );
      const plain = (action: string, resource: string) => evaluate({ ...principal, action, resource }, policies);
      const lakeFormation = harness
        .byType("aws:lakeformation/permissions:Permissions")
        .filter((permission) => permission.inputs["principal"] === principal.principalArn);
      const ordersTable = {
        databaseName: "orders_analytics",
        name: "orders",
        tags: { domain: "orders", zone: "analytics", product: "orders.orders", classification: "confidential" },
      };
      const selects = lakeFormation.some((permission) => selectsTable(permission, ordersTable));
      return { s3, kms, plain, selects, lakeFormation };
    };
    const table = `arn:aws:glue:eu-west-1:${account}:table/orders_analytics/orders`;

    expect(
      consumerGrants(
        resolvePlatformConfig({
          stack: "prod",
          values: namespaceValues(stageConfig("prod").config),
          configFile: "Pulumi.prod.yaml",
          domainsDir: path.join(__dirname, "domains"),
        }),
      ),
    ).toContainEqual({ consumer: "logistics", producer: "orders", products: ["order_events", "orders"] });

    // The consumer's Spark job role: Lake Formation SELECT, Glue and GetDataAccess, and the objects through the producer's key.
    const spark = as("spark-logistics-ec2");
    expect(spark.selects).toBe(true);
    expect(spark.plain("glue:GetTable", table)).toBe("allowed");
    expect(spark.plain("lakeformation:GetDataAccess", "*")).toBe("allowed");
    expect(spark.s3("s3:GetObject")).toBe("allowed");
    expect(spark.s3("s3:ListBucket", `arn:aws:s3:::${bucketName}`, { "s3:prefix": "orders/" })).toBe("allowed");
    expect(spark.kms("kms:Decrypt")).toBe("allowed");
    // ... and writes nothing of the producer's.
    expect(spark.s3("s3:PutObject")).not.toBe("allowed");
    expect(spark.s3("s3:DeleteObject")).not.toBe("allowed");
    expect(spark.kms("kms:GenerateDataKey")).not.toBe("allowed");
    expect(spark.plain("glue:UpdateTable", table)).not.toBe("allowed");
    // ... nor another, unshared table of the producer's bucket.
    expect(spark.s3("s3:GetObject", `arn:aws:s3:::${bucketName}/order_secrets/part-0.parquet`)).not.toBe("allowed");

    // The consumer's Airflow execution role reads through Lake Formation (credential vending): no direct S3.
    const airflow = as("workflow-logistics-execution");
    expect(airflow.selects).toBe(true);
    expect(airflow.plain("glue:GetTable", table)).toBe("allowed");
    expect(airflow.plain("lakeformation:GetDataAccess", "*")).toBe("allowed");
    expect(airflow.s3("s3:GetObject")).not.toBe("allowed");

    // A domain that is no consumer (restaurants reads logistics' deliveries, not orders): no grant, no read.
    const outsider = as("spark-restaurants-ec2");
    expect(outsider.selects).toBe(false);
    expect(outsider.s3("s3:GetObject")).not.toBe("allowed");
    expect(outsider.kms("kms:Decrypt")).toBe("allowed"); // the key decrypts only objects the role may get: none of orders'
    expect(outsider.s3("s3:PutObject")).not.toBe("allowed");
  });

  it("adding a domain to a stage changes no existing resource", async () => {
    const before = await run("dev");
    const engine = stageConfig("dev");
    const domains = JSON.parse(engine.config["data-platform:domains"]!) as Record<string, unknown>;
    engine.config["data-platform:domains"] = JSON.stringify({ ...domains, payments: {} });
    const after = await run("dev", engine);
    const afterByUrn = new Map(after.harness.registrations.map((registration) => [registration.urn, registration]));
    // The query mesh and the notebooks serve every domain: their access rules and their one lake policy each list
    // the domains, so they change in place when one is added; so does the lake registration role's one storage
    // policy, which lists every registered location. Everything else - every other domain's resources - is untouched.
    const sharedByDesign =
      /data-platform:(query:QueryMesh|notebooks:NotebookHub)\$|::lake-lf-registration-storage$|::lake-(query-mesh|notebooks)-grants$/;
    for (const registration of before.harness.registrations) {
      expect(afterByUrn.has(registration.urn), registration.urn).toBe(true);
      if (sharedByDesign.test(registration.urn)) continue;
      expect(afterByUrn.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
    }
    expect(Object.keys(after.outputs["domains"] as object)).toContain("payments");
  });

  it("reads the domain registry named by DATA_PLATFORM_DOMAINS_DIR", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "domains-"));
    const orders = parse(fs.readFileSync(path.join(__dirname, "domains/orders.yaml"), "utf8")) as {
      dataProducts: Record<string, unknown>[];
    };
    for (const product of orders.dataProducts) delete product["consumers"];
    fs.writeFileSync(path.join(dir, "orders.yaml"), stringify(orders));
    process.env[configEnv.domainsDir] = dir;
    const engine = stageConfig("dev");
    await expect(run("dev", engine)).rejects.toThrow(/domain "logistics" is not registered/);
  });
});

describe("platform stack: what a first `pulumi up` of a fresh account can create", () => {
  type Expression = { key: string; values: string[] };

  it.each(stages)(
    "%s: every Lake Formation permission is on a database, location or LF-Tag the plan creates, never on a table it does not",
    async (stage) => {
      const { harness } = await run(stage);
      const databases = new Set(
        harness.byType("aws:glue/catalogDatabase:CatalogDatabase").map((database) => database.inputs["name"] as string),
      );
      const tables = new Set(
        harness
          .byType("aws:glue/catalogTable:CatalogTable")
          .map((table) => `${table.inputs["databaseName"] as string}.${table.inputs["name"] as string}`),
      );
      const lfTags = new Map(
        harness
          .byType("aws:lakeformation/lfTag:LfTag")
          .map((tag) => [tag.inputs["key"] as string, tag.inputs["values"] as string[]]),
      );
      const permissions = harness.byType("aws:lakeformation/permissions:Permissions");
      expect(permissions.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const permission of permissions) {
        const inputs = permission.inputs as Record<string, Record<string, unknown> | undefined>;
        // Lake Formation's GrantPermissions fails with EntityNotFoundException on a table that does not exist (yet).
        for (const table of [inputs["table"], inputs["tableWithColumns"]]) {
          if (!table) continue;
          if (!databases.has(table["databaseName"] as string))
            problems.push(`${permission.name}: database ${String(table["databaseName"])} is not created by the plan`);
          if (table["wildcard"] !== true && !tables.has(`${String(table["databaseName"])}.${String(table["name"])}`))
            problems.push(
              `${permission.name}: table ${String(table["databaseName"])}.${String(table["name"])} is not created by the plan`,
            );
        }
        if (inputs["database"] && !databases.has(inputs["database"]["name"] as string))
          problems.push(
            `${permission.name}: database ${String(inputs["database"]["name"])} is not created by the plan`,
          );
        for (const expression of (inputs["lfTagPolicy"]?.["expressions"] ?? []) as Expression[]) {
          for (const value of expression.values)
            if (!lfTags.get(expression.key)?.includes(value))
              problems.push(`${permission.name}: LF-Tag ${expression.key}=${value} is not defined by the plan`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it("grants the warehouse (prod) and the query mesh and notebooks (dev) the products they read through the product LF-Tag", async () => {
    const tagGrants = (registrations: ProgramRun["harness"]["registrations"], prefix: string) =>
      registrations
        .filter(
          (registration) =>
            registration.type === "aws:lakeformation/permissions:Permissions" && registration.name.startsWith(prefix),
        )
        .map(
          (registration) =>
            (registration.inputs["lfTagPolicy"] as { expressions: Expression[] } | undefined)?.expressions.find(
              (expression) => expression.key === "product",
            )?.values,
        )
        .filter((values): values is string[] => values !== undefined)
        .flat()
        .sort();
    const prod = await run("prod");
    expect(tagGrants(prod.harness.registrations, "lake-warehouse-spectrum-read-").length).toBeGreaterThan(0);
    const dev = await run("dev");
    expect(tagGrants(dev.harness.registrations, "lake-query-mesh-read-").length).toBeGreaterThan(0);
    expect(tagGrants(dev.harness.registrations, "lake-notebooks-read-").length).toBeGreaterThan(0);
  });

  it.each(stages)(
    "%s: every customer key can be managed by any account principal IAM allows, not only the role that created it",
    async (stage) => {
      const { harness } = await run(stage);
      const account = "123456789012";
      const root = `arn:aws:iam::${account}:root`;
      type Statement = {
        Effect: string;
        Principal?: "*" | { AWS?: string | string[] };
        Action: string | string[];
        Condition?: unknown;
      };
      const allows = (statement: Statement, action: string) =>
        [statement.Action]
          .flat()
          .some((pattern) =>
            new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(action),
          );
      const keys = harness.byType("aws:kms/key:Key");
      expect(keys.length).toBeGreaterThan(3);
      for (const key of keys) {
        const statements = (JSON.parse(key.inputs["policy"] as string) as { Statement: Statement[] }).Statement;
        // KMS's default key policy: the account root statement lets IAM policies grant key administration, so a
        // second deploy role can update the key policy and deleting the creating role leaves the key manageable.
        const delegated = statements.filter(
          (statement) =>
            statement.Effect === "Allow" &&
            statement.Condition === undefined &&
            statement.Principal !== "*" &&
            [statement.Principal?.AWS ?? []].flat().includes(root),
        );
        for (const action of [
          "kms:PutKeyPolicy",
          "kms:GetKeyPolicy",
          "kms:DescribeKey",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
        ]) {
          expect(
            delegated.some((statement) => allows(statement, action)),
            `${key.name}: ${action}`,
          ).toBe(true);
        }
      }
    },
  );
});

describe("the platform's DAG library in every MWAA environment", () => {
  it("packs every module of data_platform (no tests, no caches) as plugins.zip", async () => {
    const modules = fs
      .readdirSync(path.resolve(__dirname, "../../packages/dag-lib/data_platform"))
      .filter((file) => file.endsWith(".py"))
      .sort();
    const assets = await dagLibraryArchive().assets;
    expect(Object.keys(assets)).toEqual(modules.map((file) => `data_platform/${file}`));
    expect(Object.keys(assets)).toEqual(
      expect.arrayContaining([
        "data_platform/__init__.py",
        "data_platform/operators.py",
        "data_platform/requests.py",
        "data_platform/runs.py",
        "data_platform/settings.py",
      ]),
    );
  });

  it("exports each domain's registered data products and the roles its consumers are granted", async () => {
    const { outputs } = await run("dev");
    const domains = outputs["domains"] as Record<
      string,
      { dataProducts: { name: string }[]; readerRoleArns: Record<string, string> }
    >;
    expect(domains["orders"]!.dataProducts.map((product) => product.name)).toEqual(["orders", "order_events"]);
    expect(Object.keys(domains["logistics"]!.readerRoleArns).sort()).toEqual([
      "airflow",
      "ecs-task",
      "spark",
      "spark-eks",
      "spark-serverless",
    ]);
  });

  it("grants every reading role of a consumer (the registry's dataProducts[].consumers) its products through their LF-Tags, and the Spark roles the objects", async () => {
    // dev enables orders and logistics; the registry shares orders' "orders" and "order_events" with logistics.
    const { harness, outputs } = await run("dev");
    const domains = outputs["domains"] as Record<
      string,
      { dataProducts: { name: string; consumers: string[] }[]; readerRoleArns: Record<string, string> }
    >;
    expect(domains["orders"]!.dataProducts.map((product) => [product.name, product.consumers])).toEqual([
      ["orders", ["logistics", "marketing", "payments"]],
      ["order_events", ["logistics"]],
    ]);
    const permissions = harness.byType("aws:lakeformation/permissions:Permissions");
    const tables = [
      {
        databaseName: "orders_analytics",
        name: "orders",
        tags: { domain: "orders", zone: "analytics", product: "orders.orders", classification: "confidential" },
      },
      {
        databaseName: "orders_raw",
        name: "order_events",
        tags: { domain: "orders", zone: "raw", product: "orders.order_events", classification: "internal" },
      },
    ];
    const unshared = {
      databaseName: "orders_analytics",
      name: "order_secrets",
      tags: { domain: "orders", zone: "analytics", product: "orders.order_secrets", classification: "confidential" },
    };
    const roles = harness.byType("aws:iam/role:Role");
    for (const [purpose, arn] of Object.entries(domains["logistics"]!.readerRoleArns)) {
      const granted = permissions.filter((permission) => permission.inputs["principal"] === arn);
      for (const table of tables)
        expect(
          granted.some((permission) => selectsTable(permission, table)),
          `${purpose} selects ${table.name}`,
        ).toBe(true);
      expect(
        granted.some((permission) => selectsTable(permission, unshared)),
        `${purpose} selects an unshared table`,
      ).toBe(false);
      // Spark reads S3 itself: its roles carry the lake-reader tag the producer's key and bucket admit for reads.
      const role = roles.find((candidate) => arn.endsWith(`:role/${String(candidate.inputs["name"])}`))!;
      expect((role.inputs["tags"] as Record<string, string>)["data-platform:lake-reader"], purpose).toBe(
        purpose.startsWith("spark") ? "true" : undefined,
      );
    }
  });
});

describe("role trusts in every stage (confused deputy prevention)", () => {
  interface TrustStatement {
    Principal?: { Service?: string | string[]; Federated?: string; AWS?: string | string[] };
    Condition?: Record<string, Record<string, unknown>>;
  }

  it.each(stages)(
    "%s: every service-principal trust names aws:SourceAccount, unless the service is a documented exception",
    async (stage) => {
      const { harness } = await run(stage);
      const roles = harness.byType("aws:iam/role:Role");
      expect(roles.length).toBeGreaterThan(5);
      const serviceTrusts: string[] = [];
      const missing: string[] = [];
      for (const role of roles) {
        const document = JSON.parse(role.inputs["assumeRolePolicy"] as string) as { Statement: TrustStatement[] };
        for (const statement of document.Statement) {
          const services = [statement.Principal?.Service ?? []].flat();
          if (services.length === 0) continue;
          serviceTrusts.push(role.name);
          const pinned = statement.Condition?.["StringEquals"]?.["aws:SourceAccount"] === "123456789012";
          const unexcused = services.filter((service) => !(service in sourceConditionExceptions));
          if (!pinned && unexcused.length > 0) missing.push(`${role.name}: ${unexcused.join(", ")}`);
          if (!pinned && unexcused.length === 0) expect(statement.Condition).toBeUndefined();
        }
      }
      expect(serviceTrusts.length).toBeGreaterThan(5);
      expect(missing).toEqual([]);
      // The EKS control plane's role is pinned to its own cluster too.
      const clusterRole = harness.one("aws:iam/role:Role", "platform-cluster");
      expect(JSON.parse(clusterRole.inputs["assumeRolePolicy"] as string).Statement[0].Condition.ArnLike).toEqual({
        "aws:SourceArn": `arn:aws:eks:eu-west-1:123456789012:cluster/dp-${stage}-platform`,
      });
    },
  );
});

describe("the platform cluster's keys (dev, with Karpenter)", () => {
  it("let the roles naming them in their IAM policies use them, keep management to administrators, and admit only CloudWatch Logs to the logs key", async () => {
    const { harness } = await run("dev");
    const key = (name: string) => {
      const registration = harness.one("aws:kms/key:Key", name);
      const policy = JSON.parse(String(registration.inputs["policy"])) as PolicyDocument;
      const account = /arn:aws:iam::(\d{12}):root/.exec(JSON.stringify(policy))![1]!;
      return { policy, account, arn: `arn:aws:kms:eu-west-1:${account}:key/${registration.id}` };
    };
    const inline = (roleName: string): PolicyDocument[] =>
      harness
        .byType("aws:iam/rolePolicy:RolePolicy")
        .filter((policy) => policy.inputs["role"] === roleName)
        .map((policy) => JSON.parse(String(policy.inputs["policy"])) as PolicyDocument);
    const as = (resourceName: string, identity?: PolicyDocument[]) => {
      const roleName = String(harness.one("aws:iam/role:Role", resourceName).inputs["name"]);
      return (keyName: string, action: string, context: Request["context"] = {}) => {
        const { policy, account, arn } = key(keyName);
        return evaluate(
          {
            principalArn: `arn:aws:iam::${account}:role/${roleName}`,
            principalTags: {},
            action,
            resource: arn,
            context,
          },
          identity ?? inline(roleName),
          { kind: "kms", policy },
        );
      };
    };
    const viaEc2 = { "kms:ViaService": "ec2.eu-west-1.amazonaws.com", "kms:GrantIsForAWSResource": true };

    // The control plane envelope-encrypts secrets; the EBS CSI driver and Karpenter create encrypted volumes.
    expect(as("platform-cluster")("platform-secrets-key", "kms:Encrypt")).toBe("allowed");
    expect(as("platform-cluster")("platform-secrets-key", "kms:Decrypt")).toBe("allowed");
    for (const controller of ["platform-ebs-csi-driver", "platform-karpenter"]) {
      expect(as(controller)("platform-volumes-key", "kms:GenerateDataKeyWithoutPlaintext", viaEc2), controller).toBe(
        "allowed",
      );
      expect(as(controller)("platform-volumes-key", "kms:CreateGrant", viaEc2), controller).toBe("allowed");
      expect(as(controller)("platform-volumes-key", "kms:Decrypt"), controller).not.toBe("allowed");
    }
    // Roles whose policies do not name a key cannot use it.
    expect(as("platform-nodes")("platform-volumes-key", "kms:Decrypt", viaEc2)).not.toBe("allowed");
    expect(as("platform-cluster")("platform-volumes-key", "kms:CreateGrant", viaEc2)).not.toBe("allowed");

    // An identity policy allowing everything on the keys: data use of the secrets key passes (IAM governs it),
    // the logs key admits nobody's IAM policy for data use (CloudWatch Logs only), management needs no data use.
    const everything: PolicyDocument[] = [{ Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] }];
    expect(as("platform-flow-logs", everything)("platform-secrets-key", "kms:Decrypt")).toBe("allowed");
    expect(as("platform-flow-logs", everything)("platform-logs-key", "kms:Decrypt")).not.toBe("allowed");
    expect(as("platform-flow-logs", everything)("platform-logs-key", "kms:PutKeyPolicy")).toBe("allowed");
    for (const name of ["platform-logs-key", "platform-secrets-key", "platform-volumes-key", "notebooks-image-key"]) {
      const { policy } = key(name);
      expect(policy.Statement[0]!.Sid, name).toBe("KeyAdministration");
      expect(
        policy.Statement.flatMap((statement) => [statement.Action ?? []].flat()),
        name,
      ).not.toContain("kms:*");
      expect(
        [policy.Statement[0]!.Principal].flatMap((principal) =>
          principal === "*" ? [] : [principal?.["AWS"] ?? []].flat(),
        ).length,
        name,
      ).toBeGreaterThan(1);
    }
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, configEnv } from "@data-platform/config";
import { tagKeys } from "@data-platform/conventions";
import { sourceConditionExceptions } from "@data-platform/aws-blocks";
import { readStackConfigFile, runProgram, runProgramSettled, type EngineConfig, type ProgramRun } from "@data-platform/testing";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { dagLibraryArchive, platform } from "./program";

const stages = ["dev", "staging", "prod"] as const;

function stageConfig(stage: string): EngineConfig {
  return readStackConfigFile(path.join(__dirname, `Pulumi.${stage}.yaml`));
}

function run(stage: string, engine: EngineConfig = stageConfig(stage), mode: "resolved" | "preview" = "resolved"): Promise<ProgramRun> {
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
      tags: { [tagKeys.stage]: stage, [tagKeys.owner]: "data-platform-team", [tagKeys.costCentre]: "CC-0100", [tagKeys.managedBy]: "pulumi" },
    });
    const enabled = Object.keys((parse(fs.readFileSync(path.join(__dirname, `Pulumi.${stage}.yaml`), "utf8")) as { config: Record<string, Record<string, unknown>> }).config["data-platform:domains"]!).sort();
    expect(Object.keys(outputs["domains"] as object)).toEqual(enabled);
    expect(outputs["stage"]).toBe(stage);
  });

  it("stages differ where they should: prod enables every registered domain, dev only two", async () => {
    const prod = await run("prod");
    const dev = await run("dev");
    const registered = fs.readdirSync(path.join(__dirname, "domains")).map((file) => file.replace(/\.yaml$/, "")).sort();
    expect(Object.keys(prod.outputs["domains"] as object)).toEqual(registered);
    expect(Object.keys(dev.outputs["domains"] as object)).toHaveLength(2);
  });

  it("fails on bad config before registering anything but the root stack", async () => {
    const engine = stageConfig("dev");
    engine.config["data-platform:network"] = JSON.stringify({ vpcCidr: "10.40.0.0/8", availabilityZones: 4, natGateways: "single" });
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
    engine.config["data-platform:notebooks"] = JSON.stringify({ ...notebooks, authenticator: { kind: "github" }, cullTimeoutSeconds: 60 });
    const ingestion = JSON.parse(engine.config["data-platform:ingestion"]!) as { sources: Record<string, { events: Record<string, { schema: Record<string, unknown> }> }> };
    const [source, definition] = Object.entries(ingestion.sources)[0]!;
    const [event] = Object.keys(definition.events);
    definition.events[event!]!.schema = { type: "enum", name: "Broken", symbols: ["A"] };
    engine.config["data-platform:ingestion"] = JSON.stringify(ingestion);
    const result = await runProgramSettled(() => platform, { stack: "dev", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    const lines = (result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:notebooks: authenticator\.clientId is required for github$/),
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:notebooks: authenticator\.clientSecret .* is required for github$/),
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:notebooks: authenticator\.oauthCallbackUrl is required when hostname is not set$/),
      // The orders domain's groups are not GitHub teams: filed against the domain's own file.
      expect.stringMatching(/domains\/orders\.yaml: needs\.notebooks\.groups: "analysts-orders" must be "org:team" for github \(or the stage's data-platform:domains\.orders\.needs override\)$/),
      expect.stringMatching(/Pulumi\.dev\.yaml: data-platform:notebooks: cullTimeoutSeconds must be an integer >= 300, got 60$/),
      // The file is shown relative to the working directory (the repository root, or the project under Nx).
      expect.stringMatching(new RegExp(`Pulumi\\.dev\\.yaml: data-platform:ingestion\\.sources\\.${source}\\.events\\.${event!}\\.schema: the Avro schema has type "enum", expected "record"$`)),
      expect.stringMatching(new RegExp(`Pulumi\\.dev\\.yaml: data-platform:ingestion\\.sources\\.${source}\\.events\\.${event!}\\.schema: the Avro schema has no fields array$`)),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("refuses a Kubernetes version past EKS standard support before registering anything but the root stack", async () => {
    const engine = stageConfig("prod");
    const cluster = JSON.parse(engine.config["data-platform:cluster"]!) as Record<string, unknown>;
    engine.config["data-platform:cluster"] = JSON.stringify({ ...cluster, kubernetesVersion: "1.33" });
    const result = await runProgramSettled(() => platform, { stack: "prod", config: engine.config });
    expect(result.error).toBeInstanceOf(ConfigError);
    expect((result.error as ConfigError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`)).toEqual([
      expect.stringMatching(/Pulumi\.prod\.yaml: data-platform:cluster\.kubernetesVersion: EKS standard support for Kubernetes 1\.33 ended on 2026-07-29/),
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("passes Starburst credentials from the stage config to the query mesh, as secrets", async () => {
    const engine = stageConfig("dev");
    const queryMesh = JSON.parse(engine.config["data-platform:queryMesh"]!) as Record<string, unknown>;
    const starburst = { licenseSecret: "license-never-in-plain", registryUsername: "acme", registryPassword: "password-never-in-plain" };
    engine.config["data-platform:queryMesh"] = JSON.stringify({ ...queryMesh, engine: "starburst", starburst });
    const { harness } = await runProgram(() => platform, { stack: "dev", config: engine.config });
    expect(harness.byType("kubernetes:helm.sh/v4:Chart").map((chart) => chart.inputs["chart"])).toContainEqual(expect.stringContaining("starburst"));
    const plain = JSON.stringify(harness.registrations.map((registration) => registration.inputs));
    expect(plain).not.toContain("license-never-in-plain");
    expect(plain).not.toContain("password-never-in-plain");
  });

  it("adding a domain to a stage changes no existing resource", async () => {
    const before = await run("dev");
    const engine = stageConfig("dev");
    const domains = JSON.parse(engine.config["data-platform:domains"]!) as Record<string, unknown>;
    engine.config["data-platform:domains"] = JSON.stringify({ ...domains, payments: {} });
    const after = await run("dev", engine);
    const afterByUrn = new Map(after.harness.registrations.map((registration) => [registration.urn, registration]));
    // The query mesh and the notebooks serve every domain: their access rules list the domains, so they
    // change in place when one is added; so does the lake registration role's one storage policy, which lists
    // every registered location. Everything else - every other domain's resources - is untouched.
    const sharedByDesign = /data-platform:(query:QueryMesh|notebooks:NotebookHub)\$|::lake-lf-registration-storage$/;
    for (const registration of before.harness.registrations) {
      expect(afterByUrn.has(registration.urn), registration.urn).toBe(true);
      if (sharedByDesign.test(registration.urn)) continue;
      expect(afterByUrn.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
    }
    expect(Object.keys(after.outputs["domains"] as object)).toContain("payments");
  });

  it("reads the domain registry named by DATA_PLATFORM_DOMAINS_DIR", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "domains-"));
    const orders = parse(fs.readFileSync(path.join(__dirname, "domains/orders.yaml"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, "orders.yaml"), stringify(orders));
    process.env[configEnv.domainsDir] = dir;
    const engine = stageConfig("dev");
    await expect(run("dev", engine)).rejects.toThrow(/domain "logistics" is not registered/);
  });
});

describe("platform stack: what a first `pulumi up` of a fresh account can create", () => {
  type Expression = { key: string; values: string[] };

  it.each(stages)("%s: every Lake Formation permission is on a database, location or LF-Tag the plan creates, never on a table it does not", async (stage) => {
    const { harness } = await run(stage);
    const databases = new Set(harness.byType("aws:glue/catalogDatabase:CatalogDatabase").map((database) => database.inputs["name"] as string));
    const tables = new Set(harness.byType("aws:glue/catalogTable:CatalogTable").map((table) => `${table.inputs["databaseName"] as string}.${table.inputs["name"] as string}`));
    const lfTags = new Map(harness.byType("aws:lakeformation/lfTag:LfTag").map((tag) => [tag.inputs["key"] as string, tag.inputs["values"] as string[]]));
    const permissions = harness.byType("aws:lakeformation/permissions:Permissions");
    expect(permissions.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const permission of permissions) {
      const inputs = permission.inputs as Record<string, Record<string, unknown> | undefined>;
      // Lake Formation's GrantPermissions fails with EntityNotFoundException on a table that does not exist (yet).
      for (const table of [inputs["table"], inputs["tableWithColumns"]]) {
        if (!table) continue;
        if (!databases.has(table["databaseName"] as string)) problems.push(`${permission.name}: database ${String(table["databaseName"])} is not created by the plan`);
        if (table["wildcard"] !== true && !tables.has(`${String(table["databaseName"])}.${String(table["name"])}`)) problems.push(`${permission.name}: table ${String(table["databaseName"])}.${String(table["name"])} is not created by the plan`);
      }
      if (inputs["database"] && !databases.has(inputs["database"]["name"] as string)) problems.push(`${permission.name}: database ${String(inputs["database"]["name"])} is not created by the plan`);
      for (const expression of ((inputs["lfTagPolicy"]?.["expressions"] ?? []) as Expression[])) {
        for (const value of expression.values) if (!lfTags.get(expression.key)?.includes(value)) problems.push(`${permission.name}: LF-Tag ${expression.key}=${value} is not defined by the plan`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("grants the warehouse (prod) and the query mesh and notebooks (dev) the products they read through the product LF-Tag", async () => {
    const tagGrants = (registrations: ProgramRun["harness"]["registrations"], prefix: string) =>
      registrations
        .filter((registration) => registration.type === "aws:lakeformation/permissions:Permissions" && registration.name.startsWith(prefix))
        .map((registration) => (registration.inputs["lfTagPolicy"] as { expressions: Expression[] } | undefined)?.expressions.find((expression) => expression.key === "product")?.values)
        .filter((values): values is string[] => values !== undefined)
        .flat()
        .sort();
    const prod = await run("prod");
    expect(tagGrants(prod.harness.registrations, "lake-warehouse-spectrum-read-").length).toBeGreaterThan(0);
    const dev = await run("dev");
    expect(tagGrants(dev.harness.registrations, "lake-query-mesh-read-").length).toBeGreaterThan(0);
    expect(tagGrants(dev.harness.registrations, "lake-notebooks-read-").length).toBeGreaterThan(0);
  });

  it.each(stages)("%s: every customer key can be managed by any account principal IAM allows, not only the role that created it", async (stage) => {
    const { harness } = await run(stage);
    const account = "123456789012";
    const root = `arn:aws:iam::${account}:root`;
    type Statement = { Effect: string; Principal?: "*" | { AWS?: string | string[] }; Action: string | string[]; Condition?: unknown };
    const allows = (statement: Statement, action: string) =>
      [statement.Action].flat().some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(action));
    const keys = harness.byType("aws:kms/key:Key");
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) {
      const statements = (JSON.parse(key.inputs["policy"] as string) as { Statement: Statement[] }).Statement;
      // KMS's default key policy: the account root statement lets IAM policies grant key administration, so a
      // second deploy role can update the key policy and deleting the creating role leaves the key manageable.
      const delegated = statements.filter((statement) => statement.Effect === "Allow" && statement.Condition === undefined && statement.Principal !== "*" && [statement.Principal?.AWS ?? []].flat().includes(root));
      for (const action of ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:ScheduleKeyDeletion", "kms:TagResource"]) {
        expect(delegated.some((statement) => allows(statement, action)), `${key.name}: ${action}`).toBe(true);
      }
    }
  });
});

describe("the platform's DAG library in every MWAA environment", () => {
  it("packs every module of data_platform (no tests, no caches) as plugins.zip", async () => {
    const modules = fs.readdirSync(path.resolve(__dirname, "../../packages/dag-lib/data_platform")).filter((file) => file.endsWith(".py")).sort();
    const assets = await dagLibraryArchive().assets;
    expect(Object.keys(assets)).toEqual(modules.map((file) => `data_platform/${file}`));
    expect(Object.keys(assets)).toEqual(expect.arrayContaining(["data_platform/__init__.py", "data_platform/operators.py", "data_platform/requests.py", "data_platform/runs.py", "data_platform/settings.py"]));
  });

  it("exports each domain's registered data products and the roles its consumers are granted", async () => {
    const { outputs } = await run("dev");
    const domains = outputs["domains"] as Record<string, { dataProducts: { name: string }[]; readerRoleArns: Record<string, string> }>;
    expect(domains["orders"]!.dataProducts.map((product) => product.name)).toEqual(["orders", "order_events"]);
    expect(Object.keys(domains["logistics"]!.readerRoleArns).sort()).toEqual(["airflow", "ecs-task", "spark", "spark-eks", "spark-serverless"]);
  });
});

describe("role trusts in every stage (confused deputy prevention)", () => {
  interface TrustStatement {
    Principal?: { Service?: string | string[]; Federated?: string; AWS?: string | string[] };
    Condition?: Record<string, Record<string, unknown>>;
  }

  it.each(stages)("%s: every service-principal trust names aws:SourceAccount, unless the service is a documented exception", async (stage) => {
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
    expect(JSON.parse(clusterRole.inputs["assumeRolePolicy"] as string).Statement[0].Condition.ArnLike).toEqual({ "aws:SourceArn": `arn:aws:eks:eu-west-1:123456789012:cluster/dp-${stage}-platform` });
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isConfigError, type ConfigError } from "@data-platform/config";
import { hardenedContainerDefinition } from "@data-platform/domain-workflow-env";
import { main, runPlan } from "@data-platform/plan";
import { readStackConfigFile, runProgramSettled } from "@data-platform/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { domainProgram } from "./program";

const repoRoot = path.resolve(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "domain-project-"));
const platformPlans: Record<string, string> = {};
const platformOutputs: Record<string, Record<string, any>> = {};

beforeAll(async () => {
  // The contract between the two projects, checked end to end: the domain plans against real platform plans.
  for (const stage of ["dev", "staging", "prod"]) {
    const { document } = await runPlan({ stack: stage, projectDir: repoRoot });
    platformOutputs[stage] = document.outputs as Record<string, any>;
    platformPlans[stage] = path.join(tmp, `${stage}.json`);
    fs.writeFileSync(platformPlans[stage]!, JSON.stringify(document));
  }
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the plan CLI on the domain project; returns the exit code and what it printed on stderr. */
async function planDomain(
  stack: string,
  stage: string,
  configFile?: string,
): Promise<{ code: number; errors: string }> {
  const errors: string[] = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.join(" ")));
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  const code = await main([
    "--stack",
    stack,
    "--project",
    __dirname,
    "--platform-plan",
    platformPlans[stage]!,
    ...(configFile ? ["--config-file", configFile] : []),
  ]);
  vi.restoreAllMocks();
  return { code, errors: errors.join("\n") };
}

/** One printed problem: the file, its line and column where known, then the key and message. */
function problemLine(file: string, message: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${escape(file)}(:\\d+:\\d+)?: ${escape(message)}`);
}

/** A variant of a committed stack file, written to a temporary file. */
function stackFile(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("domain project (data-domain)", () => {
  it("deploys the domain's DAGs, jobs and data products on what the platform plan exports", async () => {
    const { document } = await runPlan({
      stack: "orders-dev",
      projectDir: __dirname,
      platformPlan: platformPlans["dev"],
    });
    const byType = (type: string) => document.resources.filter((resource) => resource.type === type);
    const orders = platformOutputs["dev"]!["domains"]["orders"];
    const logistics = platformOutputs["dev"]!["domains"]["logistics"];

    const [dag] = byType("aws:s3/bucketObjectv2:BucketObjectv2");
    expect(dag?.inputs).toMatchObject({ bucket: orders.workflow.dagBucket.name, key: "dags/orders_daily.py" });

    const [job] = byType("aws:ecs/taskDefinition:TaskDefinition");
    expect(job?.inputs).toMatchObject({
      family: `${orders.workflow.ecs.clusterName}-export-daily-orders`,
      taskRoleArn: orders.workflow.ecs.taskRoleArn,
      cpu: "512",
      memory: "1024",
    });
    // The platform's one hardened definition, not a copy (initProcessEnabled included).
    expect(JSON.parse(job!.inputs["containerDefinitions"] as string)).toEqual([
      hardenedContainerDefinition({
        name: "export-daily-orders",
        image: `${orders.workflow.ecrRepositoryUrls.jobs}:1.4.2`,
        domain: "orders",
        logGroupName: orders.workflow.ecs.logGroupName,
        region: "eu-west-1",
        command: ["python", "-m", "orders.export", "--date", "{{ ds }}"],
      }),
    ]);

    // Two products, each with its registered zone and classification.
    const tables = byType("aws:glue/catalogTable:CatalogTable");
    expect(tables.map((table) => [table.inputs["databaseName"], table.inputs["name"]]).sort()).toEqual([
      ["orders_analytics", "orders"],
      ["orders_raw", "order_events"],
    ]);
    const tags = byType("aws:lakeformation/resourceLfTags:ResourceLfTags").find(
      (resource) => resource.name === "product-orders-lf-tags",
    );
    // Its classification, and the product tag the platform's readers and the consumers are granted on.
    expect(tags?.inputs["lfTags"]).toEqual([
      { key: "classification", value: "confidential" },
      { key: "product", value: "orders.orders" },
    ]);

    // The consumers come from the registry (the platform exports them) and the platform grants every reading role
    // of theirs through the products' LF-Tags: this stack grants nobody, so no grant has two owners.
    expect(
      orders.dataProducts.map((product: { name: string; consumers: string[] }) => [product.name, product.consumers]),
    ).toEqual([
      ["orders", ["logistics", "marketing", "payments"]],
      ["order_events", ["logistics"]],
    ]);
    expect(Object.keys(logistics.readerRoleArns).length).toBeGreaterThan(0);
    expect(
      byType("aws:lakeformation/permissions:Permissions").filter((grant) =>
        Object.values(logistics.readerRoleArns as Record<string, string>).includes(grant.inputs["principal"] as string),
      ),
    ).toEqual([]);

    expect(document.policy.violations).toEqual([]);
    expect(document.outputs["domain"]).toBe("orders");
    expect(document.outputs["stage"]).toBe("dev");
    expect(document.outputs["products"]).toEqual({
      // Only the consumers enabled in dev (marketing and payments are not).
      orders: {
        database: "orders_analytics",
        table: "orders",
        location: `s3://${orders.storage.zones.analytics.bucket.name}/orders/`,
        consumers: ["logistics"],
      },
      order_events: {
        database: "orders_raw",
        table: "order_events",
        location: `s3://${orders.storage.zones.raw.bucket.name}/order_events/`,
        consumers: ["logistics"],
      },
    });
  });

  it("plans every domain enabled in dev, each from its committed stack file, with exit 0", async () => {
    const enabled = Object.keys(platformOutputs["dev"]!["domains"]).sort();
    expect(enabled.length).toBeGreaterThan(0);
    for (const domain of enabled) {
      expect(fs.existsSync(path.join(__dirname, `Pulumi.${domain}-dev.yaml`)), `Pulumi.${domain}-dev.yaml`).toBe(true);
      expect(await planDomain(`${domain}-dev`, "dev"), domain).toEqual({ code: 0, errors: "" });
    }
  });

  it("plans every committed stack file against its stage's platform plan, each naming its JSON schema", async () => {
    const files = fs
      .readdirSync(__dirname)
      .filter((file) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(file) && file !== "Pulumi.yaml");
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const stack = file.slice("Pulumi.".length, -".yaml".length);
      const stage = Object.keys(platformPlans).find((candidate) => stack.endsWith(`-${candidate}`))!;
      expect(fs.readFileSync(path.join(__dirname, file), "utf8"), file).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/packages\/config\/schema\/domain-stack-file\.schema\.json/,
      );
      expect(await planDomain(stack, stage), file).toEqual({ code: 0, errors: "" });
    }
  });

  it("plans a domain without a Fargate runner (restaurants in staging) when it declares no jobs", async () => {
    expect(platformOutputs["staging"]!["domains"]["restaurants"].workflow.ecs).toBeNull();
    const { document } = await runPlan({
      stack: "restaurants-staging",
      projectDir: __dirname,
      platformPlan: platformPlans["staging"],
    });
    expect(document.resources.filter((resource) => resource.type === "aws:ecs/taskDefinition:TaskDefinition")).toEqual(
      [],
    );
    expect(document.outputs["products"]).toMatchObject({ menu_items: { database: "restaurants_analytics" } });
    expect(document.policy.violations).toEqual([]);
  });
});

describe("domain project config errors (exit 2, naming the file and key, before any resource)", () => {
  const orders = fs.readFileSync(path.join(__dirname, "Pulumi.orders-dev.yaml"), "utf8");
  const restaurants = fs.readFileSync(path.join(__dirname, "Pulumi.restaurants-staging.yaml"), "utf8");

  it.each([
    [
      "consumers other than the registry's",
      orders.replace("    orders: {}\n", "    orders:\n      consumers: [logistcs]\n"),
      'data-domain:products.orders.consumers: must be [logistics], the consumers stacks/platform/domains/orders.yaml lists for "orders" that stage "dev" enables',
    ],
    [
      "a registered consumer not enabled in the stage",
      orders.replace("    orders: {}\n", "    orders:\n      consumers: [logistics, payments]\n"),
      "data-domain:products.orders.consumers: must be [logistics]",
    ],
    [
      "a product missing from the registry",
      orders.replace("    order_events:", "    order_lines:"),
      'data-domain:products.order_lines: "order_lines" is not in the domain\'s registry entry (stacks/platform/domains/orders.yaml dataProducts: order_events, orders)',
    ],
    [
      "a zone other than the registered one",
      orders.replace("    orders: {}\n", "    orders:\n      zone: raw\n"),
      'data-domain:products.orders.zone: must be "analytics"',
    ],
    [
      "an invalid Fargate cpu/memory pair",
      orders.replace('memory: "1024"', 'memory: "8192"'),
      "data-domain:jobs.export-daily-orders.memory: Fargate does not run cpu 512 with memory 8192 MiB",
    ],
    [
      "an image repository the domain lacks",
      orders.replace("repository: jobs", "repository: exports"),
      'data-domain:jobs.export-daily-orders.repository: the domain has no "exports" image repository; it has jobs, spark',
    ],
    [
      "a platform plan of another stage",
      orders.replace("data-domain:domain: orders", "data-domain:domain: orders\n  data-domain:stage: staging"),
      'data-domain:platformStack: platform stack "acme/data-platform/dev" is stage "dev"; this stack (orders-dev) deploys to stage "staging"',
    ],
  ])("refuses %s", async (_, content, message) => {
    const file = stackFile("Pulumi.orders-dev.yaml", content);
    const { code, errors } = await planDomain("orders-dev", "dev", file);
    expect(code).toBe(2);
    expect(errors).toMatch(problemLine(file, message));
  });

  it("refuses jobs on a domain without a Fargate runner", async () => {
    const file = stackFile(
      "Pulumi.restaurants-staging.yaml",
      `${restaurants}  data-domain:jobs:\n    menu-export:\n      repository: jobs\n      tag: 1.0.0\n`,
    );
    const { code, errors } = await planDomain("restaurants-staging", "staging", file);
    expect(code).toBe(2);
    expect(errors).toMatch(
      problemLine(
        file,
        `data-domain:jobs: domain "restaurants" has no Fargate runner in stage "staging": set needs.fargate.enabled in stacks/platform/domains/restaurants.yaml`,
      ),
    );
  });

  it("refuses a domain the stage does not enable", async () => {
    const { code, errors } = await planDomain(
      "marketing-prod",
      "dev",
      stackFile(
        "Pulumi.marketing-dev.yaml",
        fs
          .readFileSync(path.join(__dirname, "Pulumi.marketing-prod.yaml"), "utf8")
          .replace(
            "data-domain:platformStack: acme/data-platform/prod",
            "data-domain:platformStack: acme/data-platform/dev\n  data-domain:stage: dev",
          ),
      ),
    );
    expect(code).toBe(2);
    expect(errors).toMatch(
      /data-domain:domain: domain "marketing" is not enabled in platform stage "dev" \(enabled: logistics, orders\)/,
    );
  });

  it.each([
    [
      "the platform lacks the domain's Fargate runner",
      (outputs: Record<string, any>) => (outputs["domains"]["orders"]["workflow"]["ecs"] = null),
      /^Pulumi\.orders-dev\.yaml(:\d+:\d+)?: data-domain:jobs: domain "orders" has no Fargate runner in stage "dev"/,
    ],
    [
      "the platform does not enable the domain",
      (outputs: Record<string, any>) => delete outputs["domains"]["orders"],
      /^Pulumi\.orders-dev\.yaml(:\d+:\d+)?: data-domain:domain: domain "orders" is not enabled in platform stage "dev" \(enabled: logistics\)/,
    ],
    [
      "the platform predates the contract",
      (outputs: Record<string, any>) => delete outputs["contractVersion"],
      /^platform stack acme\/data-platform\/dev: contractVersion: platform stack "acme\/data-platform\/dev" exports no contractVersion/,
    ],
  ])("stops before registering anything but the root stack when %s", async (_case, change, line) => {
    const outputs = structuredClone(platformOutputs["dev"]!);
    change(outputs);
    const engine = readStackConfigFile(path.join(__dirname, "Pulumi.orders-dev.yaml"), {}, "data-domain");
    const result = await runProgramSettled(() => domainProgram, {
      project: "data-domain",
      stack: "orders-dev",
      config: engine.config,
      stackReferences: { "acme/data-platform/dev": outputs },
    });
    expect(isConfigError(result.error)).toBe(true);
    const lines = (result.error as ConfigError).message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(line);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { consistencyPolicy, runPlan } from "./plan";
import { replaceRuleFor } from "./replace-rules";
import { markdownReport, textSummary } from "./report";

const repoRoot = path.resolve(__dirname, "../../..");
const fixture = path.join(__dirname, "__fixtures__/inside-apply");

describe("runPlan on the platform project", () => {
  it("produces a schemaVersion 2 document with exactly the contract's fields", async () => {
    const { document, documents } = await runPlan({ stack: "dev", projectDir: repoRoot });
    expect(Object.keys(document).sort()).toEqual([
      "cost",
      "deployTime",
      "mode",
      "outputs",
      "policy",
      "project",
      "resources",
      "schemaVersion",
      "stack",
      "summary",
    ]);
    expect(document).toMatchObject({ schemaVersion: 2, project: "data-platform", stack: "dev", mode: "resolved" });
    for (const resource of document.resources) {
      expect(Object.keys(resource).sort()).toEqual([
        "custom",
        "dependencies",
        "id",
        "inputs",
        "name",
        "options",
        "parent",
        "provider",
        "remote",
        "type",
        "urn",
      ]);
      expect(Object.keys(resource.options).sort()).toEqual([
        "aliases",
        "deleteBeforeReplace",
        "ignoreChanges",
        "protect",
        "retainOnDelete",
      ]);
    }
    expect(document.summary.resources).toBe(document.resources.length);
    expect(Object.values(document.summary.byType).reduce((sum, count) => sum + count, 0)).toBe(
      document.resources.length,
    );
    expect(document.policy.violations).toEqual([]);
    expect(documents.preview.mode).toBe("preview");
    expect(documents.preview.resources.map((resource) => resource.urn)).toEqual(
      document.resources.map((resource) => resource.urn),
    );
    expect(document.outputs["stage"]).toBe("dev");
  });

  it("plans a stage from another config file and registry", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const domainsDir = path.join(dir, "domains");
    fs.mkdirSync(domainsDir);
    // A registry of orders alone: its products are shared with no one (consumers must be registered domains).
    const orders = parse(fs.readFileSync(path.join(repoRoot, "stacks/platform/domains/orders.yaml"), "utf8")) as {
      dataProducts: Record<string, unknown>[];
    };
    for (const product of orders.dataProducts) delete product["consumers"];
    fs.writeFileSync(path.join(domainsDir, "orders.yaml"), stringify(orders));
    const configFile = path.join(dir, "Pulumi.dev-sandbox.yaml");
    const dev = parse(fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, any>;
    };
    delete dev.config["data-platform:domains"].logistics;
    delete dev.config["data-platform:ingestion"].sources["courier-tracking"];
    fs.writeFileSync(configFile, stringify(dev));
    const { document } = await runPlan({ stack: "dev-sandbox", projectDir: repoRoot, configFile, domainsDir });
    expect(document.stack).toBe("dev-sandbox");
    expect(Object.keys(document.outputs["domains"] as object)).toEqual(["orders"]);
  });
});

describe("every stage under the policy pack", () => {
  it.each(["dev", "staging", "prod"])("%s has no mandatory violation", async (stack) => {
    const { document } = await runPlan({
      stack,
      projectDir: repoRoot,
      policies: (planned, revealed) =>
        evaluatePolicies(
          planned.resources.map((resource) => ({ ...resource, inputs: revealed.get(resource.urn) ?? resource.inputs })),
        ),
    });
    expect(document.resources.length).toBeGreaterThan(50);
    expect(document.policy.violations.filter((violation) => violation.level === "mandatory")).toEqual([]);
    // The plan review knows what replaces every network resource the stage creates. aws.ec2.Tag (Karpenter's
    // discovery tag on the cluster security group) has no rule: its provider source was not read.
    const network = [
      ...new Set(document.resources.map((resource) => resource.type).filter((type) => /^aws:(ec2|vpc)\//.test(type))),
    ];
    expect(network.length).toBeGreaterThan(10);
    expect(network.filter((type) => replaceRuleFor(type) === undefined && type !== "aws:ec2/tag:Tag")).toEqual([]);
  });
});

describe("runPlan on a program that creates a resource inside apply", () => {
  it("flags every URN that only one mode registers as a mandatory violation", async () => {
    const { documents } = await runPlan({ stack: "test", projectDir: fixture });
    const violations = documents.resolved.policy.violations;
    expect(violations).toEqual([
      expect.objectContaining({
        policy: consistencyPolicy,
        level: "mandatory",
        urn: "urn:pulumi:test::inside-apply::aws:s3/bucketPolicy:BucketPolicy::data-policy",
      }),
    ]);
    expect(documents.preview.policy.violations).toEqual(violations);
  });

  it("passes config through, with encrypted values as secrets", async () => {
    const { document } = await runPlan({ stack: "test", projectDir: fixture });
    expect(document.outputs).toEqual({ bucket: "inside-apply-data", greeting: "hello", token: "[secret]" });
  });

  it("reports the preview document on request, with unknown ids", async () => {
    const { document } = await runPlan({ stack: "test", projectDir: fixture, mode: "preview" });
    expect(document.mode).toBe("preview");
    expect(document.resources.find((resource) => resource.type === "aws:s3/bucket:Bucket")?.id).toBeNull();
  });
});

describe("reports", () => {
  it("summarise by component, domain and type, and list policy findings", async () => {
    const { document } = await runPlan({ stack: "test", projectDir: fixture });
    const text = textSummary(document);
    expect(document.resources.map((resource) => resource.type).sort()).toEqual([
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketPolicy:BucketPolicy",
      "pulumi:pulumi:Stack",
    ]);
    expect(text).toMatch(/Plan for inside-apply \/ test \(resolved mode\): 3 resources/);
    expect(text).toMatch(/s3\.Bucket +1/);
    expect(text).toMatch(/Policy: 1 mandatory, 0 advisory/);
    const markdown = markdownReport([document]);
    expect(markdown.startsWith("<!-- data-platform-plan -->")).toBe(true);
    expect(markdown).toMatch(/\| test \| resolved \| 3 \| no base plan \| - \| \$\d+ \| 1 \| 0 \|/);
    expect(markdown).toMatch(/<details><summary>Inventory: resources by component<\/summary>/);
    expect(markdown).toMatch(/\| mandatory \| plan-urns-identical-in-preview \|/);
  });
});

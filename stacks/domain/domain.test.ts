import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isConfigError, type ConfigError } from "@data-platform/config";
import { runPlan } from "@data-platform/plan";
import { readStackConfigFile, runProgramSettled } from "@data-platform/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { domainProgram } from "./program";

const repoRoot = path.resolve(__dirname, "../..");
let platformPlan: string;
let platformOutputs: Record<string, any>;

beforeAll(async () => {
  // The contract between the two projects, checked end to end: the domain plans against a real platform plan.
  const { document } = await runPlan({ stack: "dev", projectDir: repoRoot });
  platformOutputs = document.outputs as Record<string, any>;
  platformPlan = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "platform-plan-")), "dev.json");
  fs.writeFileSync(platformPlan, JSON.stringify(document));
});

describe("domain project (data-domain)", () => {
  it("deploys the domain's DAGs, jobs and data products on what the platform plan exports", async () => {
    const { document } = await runPlan({ stack: "orders-dev", projectDir: __dirname, platformPlan });
    const byType = (type: string) => document.resources.filter((resource) => resource.type === type);
    const orders = platformOutputs["domains"]["orders"];

    const [dag] = byType("aws:s3/bucketObjectv2:BucketObjectv2");
    expect(dag?.inputs).toMatchObject({ bucket: orders.workflow.dagBucket.name, key: "dags/orders_daily.py" });

    const [job] = byType("aws:ecs/taskDefinition:TaskDefinition");
    expect(job?.inputs).toMatchObject({ family: `${orders.workflow.ecs.clusterName}-export-daily-orders`, taskRoleArn: orders.workflow.ecs.taskRoleArn });
    const [container] = JSON.parse(job!.inputs["containerDefinitions"] as string);
    expect(container).toMatchObject({ image: `${orders.workflow.ecrRepositoryUrls.jobs}:1.4.2`, readonlyRootFilesystem: true, user: "1000:1000" });

    const [table] = byType("aws:glue/catalogTable:CatalogTable");
    expect(table?.inputs).toMatchObject({ databaseName: "orders_analytics", name: "orders", storageDescriptor: { location: `s3://${orders.storage.zones.analytics.bucket.name}/orders/` } });
    const [grant] = byType("aws:lakeformation/permissions:Permissions");
    expect(grant?.inputs).toMatchObject({ principal: platformOutputs["domains"]["logistics"].workflow.mwaa.executionRoleArn, permissions: ["SELECT", "DESCRIBE"] });

    expect(document.policy.violations).toEqual([]);
    expect(document.outputs["domain"]).toBe("orders");
  });

  it.each([
    ["the platform lacks the domain's Fargate runner", (outputs: Record<string, any>) => (outputs["domains"]["orders"]["workflow"]["ecs"] = null), /^platform stack acme\/data-platform\/dev: domains\.orders\.workflow\.ecs: domain "orders" has no Fargate runner/],
    ["the platform does not enable the domain", (outputs: Record<string, any>) => delete outputs["domains"]["orders"], /^Pulumi\.orders-dev\.yaml(:\d+:\d+)?: data-domain:domain: platform stack "acme\/data-platform\/dev" has no domain "orders"; its domains: logistics$/],
    ["the platform predates the contract", (outputs: Record<string, any>) => delete outputs["contractVersion"], /^platform stack acme\/data-platform\/dev: contractVersion: platform stack "acme\/data-platform\/dev" exports no contractVersion/],
  ])("stops before registering anything but the root stack when %s", async (_case, change, line) => {
    const outputs = structuredClone(platformOutputs);
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

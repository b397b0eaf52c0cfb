import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { domainNameSchema } from "@data-platform/config";
import { main as plan, runPlan } from "@data-platform/plan";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main as newDomain } from "./bin/new-domain";
import { enableInStage } from "./scaffold";

const repoRoot = path.resolve(__dirname, "../..");

/** A copy of the platform's stack files and registry, and an empty domain project directory. */
function workspace(): { platformDir: string; domainDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "new-domain-"));
  const platformDir = path.join(root, "platform");
  const domainDir = path.join(root, "domain");
  fs.mkdirSync(path.join(platformDir, "domains"), { recursive: true });
  fs.mkdirSync(domainDir);
  for (const stage of ["dev", "staging", "prod"])
    fs.copyFileSync(
      path.join(repoRoot, "stacks/platform", `Pulumi.${stage}.yaml`),
      path.join(platformDir, `Pulumi.${stage}.yaml`),
    );
  for (const file of fs.readdirSync(path.join(repoRoot, "stacks/platform/domains")))
    fs.copyFileSync(path.join(repoRoot, "stacks/platform/domains", file), path.join(platformDir, "domains", file));
  return { platformDir, domainDir };
}

function quietly<T>(run: () => T): { result: T; errors: string } {
  const errors: string[] = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.join(" ")));
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    return { result: run(), errors: errors.join("\n") };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("npm run new-domain", () => {
  it("scaffolds a domain that plans in both projects with no manual edits, and whose DAG passes the DAG check", async () => {
    const { platformDir, domainDir } = workspace();
    const before = fs.readFileSync(path.join(platformDir, "Pulumi.dev.yaml"), "utf8");
    const { result: code } = quietly(() =>
      newDomain(["grocery", "--stage", "dev", "--platform-dir", platformDir, "--domain-dir", domainDir]),
    );
    expect(code).toBe(0);
    // The stage file gains exactly one line.
    const after = fs.readFileSync(path.join(platformDir, "Pulumi.dev.yaml"), "utf8").split("\n");
    expect(after.filter((line) => !before.split("\n").includes(line))).toEqual(["    grocery: {}"]);

    // The platform project: the stage with the new domain, exit 0, the domain's Airflow among its resources.
    const platformPlan = path.join(platformDir, "plan-dev.json");
    const platformRun = quietly(() =>
      plan([
        "--stack",
        "dev",
        "--project",
        repoRoot,
        "--config-file",
        path.join(platformDir, "Pulumi.dev.yaml"),
        "--domains-dir",
        path.join(platformDir, "domains"),
        "--json",
        platformPlan,
      ]),
    );
    expect(await platformRun.result).toBe(0);
    const platformDocument = JSON.parse(fs.readFileSync(platformPlan, "utf8"));
    expect(
      platformDocument.resources.some(
        (resource: { type: string; name: string }) =>
          resource.type === "aws:mwaa/environment:Environment" && resource.name === "workflow-grocery",
      ),
    ).toBe(true);
    expect(platformDocument.outputs.domains.grocery.dataProducts).toEqual([
      expect.objectContaining({ name: "grocery_daily", zone: "analytics" }),
    ]);

    // The domain project: its stack file against that plan, exit 0, the DAG deployed and the product registered.
    const stackFile = path.join(domainDir, "Pulumi.grocery-dev.yaml");
    const domainRun = quietly(() =>
      plan([
        "--stack",
        "grocery-dev",
        "--project",
        __dirname,
        "--config-file",
        stackFile,
        "--platform-plan",
        platformPlan,
      ]),
    );
    expect(await domainRun.result).toBe(0);
    const { document } = await runPlan({
      stack: "grocery-dev",
      projectDir: __dirname,
      configFile: stackFile,
      platformPlan,
    });
    const dag = document.resources.find((resource) => resource.type === "aws:s3/bucketObjectv2:BucketObjectv2");
    expect(dag?.inputs).toMatchObject({
      bucket: platformDocument.outputs.domains.grocery.workflow.dagBucket.name,
      key: "dags/grocery_daily.py",
    });
    expect(document.outputs["products"]).toMatchObject({
      grocery_daily: { database: "grocery_analytics", table: "grocery_daily" },
    });

    const check = spawnSync(
      "python3",
      [path.join(repoRoot, "packages/dag-lib/data_platform/dag_check.py"), path.join(domainDir, "dags")],
      { encoding: "utf8" },
    );
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it("refuses exactly the names the config refuses (AWS naming rules), before writing anything", () => {
    const { platformDir, domainDir } = workspace();
    for (const name of [
      "Grocery",
      "g",
      "grocery_store",
      "-grocery",
      "grocery-",
      "gro--cery",
      "9grocery",
      "a".repeat(21),
      "grocery-store-2",
      "ab",
    ]) {
      const valid = domainNameSchema.safeParse(name).success;
      const { result, errors } = quietly(() =>
        newDomain([name, "--platform-dir", platformDir, "--domain-dir", domainDir]),
      );
      expect(result, name).toBe(valid ? 0 : 2);
      if (!valid) {
        expect(errors).toContain(`domain name "${name}"`);
        expect(fs.existsSync(path.join(platformDir, "domains", `${name}.yaml`))).toBe(false);
      }
    }
  });

  it("refuses a registered domain, an unknown stage and unknown options", () => {
    const { platformDir, domainDir } = workspace();
    const paths = ["--platform-dir", platformDir, "--domain-dir", domainDir];
    expect(quietly(() => newDomain(["orders", ...paths])).errors).toMatch(/domain "orders" is already registered/);
    expect(quietly(() => newDomain(["grocery", "--stage", "qa", ...paths])).errors).toMatch(
      /Pulumi.qa.yaml does not exist/,
    );
    expect(quietly(() => newDomain(["grocery", "--colour", "red", ...paths])).result).toBe(2);
    expect(fs.readdirSync(domainDir)).toEqual([]);
  });

  it("adds the domain under data-platform:domains whatever the indentation, and refuses it twice", () => {
    const text =
      "config:\n  data-platform:prefix: dp\n  data-platform:domains:\n      orders: {}\n  data-platform:owner: x\n";
    expect(enableInStage(text, "grocery", "f.yaml")).toBe(
      "config:\n  data-platform:prefix: dp\n  data-platform:domains:\n      grocery: {}\n      orders: {}\n  data-platform:owner: x\n",
    );
    expect(() => enableInStage(text, "orders", "f.yaml")).toThrow(/already there/);
    expect(() => enableInStage("config:\n  data-platform:prefix: dp\n", "grocery", "f.yaml")).toThrow(
      /no block "data-platform:domains:"/,
    );
  });
});

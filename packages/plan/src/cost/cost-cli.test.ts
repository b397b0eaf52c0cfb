import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isConfigError } from "@data-platform/config";
import { describe, expect, it } from "vitest";
import { parseCostArgs } from "./cost-cli";

const repoRoot = path.resolve(__dirname, "../../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

function cost(...args: string[]) {
  const result = spawnSync(tsx, ["--conditions=@data-platform/source", path.join(__dirname, "cost-cli.ts"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run cost", () => {
  it("prints the seed workload's estimate (prod, 20 domains) with its drivers, and checks a budget", () => {
    const over = cost("--stack", "prod", "--domains", "20", "--budget", "1000");
    expect(over.stderr).toBe("");
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(/^Cost estimate of prod with 20 synthetic domains: \$[\d,]+\/month/);
    expect(over.stdout).toMatch(/\$[\d,]+ +\d+% +MWAA mw1\.small environment \(20\)/);
    expect(over.stdout).toMatch(/Budget \$1,000\/month: OVER/);
    expect(over.stdout).toContain("dataTbPerDay=2");
  }, 300_000);

  it("takes price and usage overrides from JSON files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-cli-"));
    fs.writeFileSync(path.join(dir, "prices.json"), JSON.stringify({ prices: { "eks.controlPlane": 10 } }));
    fs.writeFileSync(path.join(dir, "usage.json"), JSON.stringify({ dev: { dataTbPerDay: 0.1 } }));
    const result = cost(
      "--stack",
      "dev",
      "--prices",
      path.join(dir, "prices.json"),
      "--usage",
      path.join(dir, "usage.json"),
      "--budget",
      "1000000",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Budget \$1,000,000\/month: within/);
    expect(result.stdout).toMatch(/\$7,300 +\d+% +EKS control plane/);
    expect(result.stdout).toContain("dataTbPerDay=0.1");
    fs.writeFileSync(path.join(dir, "usage.json"), JSON.stringify({ dev: { dataTbPerDai: 1 } }));
    const bad = cost("--stack", "dev", "--usage", path.join(dir, "usage.json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /usage\.json:1:\d+: dev\.dataTbPerDai: unknown usage key \(did you mean "dataTbPerDay"\?\)/,
    );
  }, 300_000);
});

describe("npm run cost: options go through the input error path", () => {
  it.each([
    [["--stack", "prod", "--domain", "20"], 'command line: --domain: unknown option (did you mean "--domains"?)'],
    [["--stack", "prod", "--domains", "0"], 'command line: --domains: must be a whole number >= 1, got "0"'],
    [["--stack", "prod", "--domains", "2.5"], 'command line: --domains: must be a whole number >= 1, got "2.5"'],
    [["--stack", "prod", "--domains"], "command line: --domains: needs a value"],
    [["--stack", "prod", "--domains", "2", "--domains=3"], "command line: --domains: given twice"],
    [["--stack", "prod", "--budget", "-1"], 'command line: --budget: must be a number >= 0, got "-1"'],
    [["--stack", "prod", "--prics", "p.json"], 'command line: --prics: unknown option (did you mean "--prices"?)'],
    [["--domains", "20"], "command line: --stack: is required (the stack to estimate, such as prod)"],
  ])("refuses %j with one problem", (argv, line) => {
    let caught: unknown;
    try {
      parseCostArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`Invalid input (1 problem):\n${line}`);
  });

  it("reads --domains in both forms", () => {
    expect(parseCostArgs(["--stack", "prod", "--domains=20"])).toMatchObject({ stack: "prod", domains: 20 });
  });

  it("exits 2 before anything runs on an unknown stack with --domains, and on bad --prices and --usage files, naming file and key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-cli-"));
    fs.writeFileSync(path.join(dir, "prices.json"), '{\n  "prices": { "nat.hours": 1 }\n}\n');
    fs.writeFileSync(path.join(dir, "usage.json"), '{ "prd": { "dataTbPerDay": 1 } }');
    const result = cost(
      "--stack",
      "prodd",
      "--domains",
      "2",
      "--prices",
      path.join(dir, "prices.json"),
      "--usage",
      path.join(dir, "usage.json"),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe("Invalid input (3 problems):");
    expect(lines[1]).toMatch(
      /prices\.json:2:\d+: prices\.nat\.hours: unknown price key \(did you mean "nat\.hour"\?\)/,
    );
    expect(lines[2]).toMatch(/usage\.json:1:3: prd: unknown stage \(did you mean "prod"\?\)/);
    expect(lines[3]).toMatch(
      /^command line: --stack: no stack "prodd": .*Pulumi\.prodd\.yaml does not exist \(did you mean "prod"\?\); available stacks: dev, prod, staging$/,
    );
  }, 300_000);
});

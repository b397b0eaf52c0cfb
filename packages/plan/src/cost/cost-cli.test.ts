import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

function cost(...args: string[]) {
  const result = spawnSync(tsx, ["--conditions=@data-platform/source", path.join(__dirname, "cost-cli.ts"), ...args], { cwd: repoRoot, encoding: "utf8" });
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
    const result = cost("--stack", "dev", "--prices", path.join(dir, "prices.json"), "--usage", path.join(dir, "usage.json"), "--budget", "1000000");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Budget \$1,000,000\/month: within/);
    expect(result.stdout).toMatch(/\$7,300 +\d+% +EKS control plane/);
    expect(result.stdout).toContain("dataTbPerDay=0.1");
    fs.writeFileSync(path.join(dir, "usage.json"), JSON.stringify({ dev: { dataTbPerDai: 1 } }));
    const bad = cost("--stack", "dev", "--usage", path.join(dir, "usage.json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage\.json:1:\d+: dev\.dataTbPerDai: unknown usage key \(did you mean "dataTbPerDay"\?\)/);
  }, 300_000);
});

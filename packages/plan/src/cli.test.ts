import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

// The real command, as `npm run plan` runs it.
function plan(...args: string[]) {
  const result = spawnSync(tsx, ["--conditions=@data-platform/source", path.join(__dirname, "cli.ts"), ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("plan command", () => {
  it("exits 0 and writes the JSON and markdown it was asked for", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const result = plan("--stack", "prod", "--json", path.join(dir, "plan.json"), "--markdown", path.join(dir, "plan.md"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Plan for data-platform \/ prod \(resolved mode\)/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"))).toMatchObject({ schemaVersion: 1, stack: "prod" });
    expect(fs.readFileSync(path.join(dir, "plan.md"), "utf8")).toMatch(/^<!-- data-platform-plan -->/);
  });

  it("exits 2 on invalid config with one line per problem and no stack trace", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const configFile = path.join(dir, "Pulumi.dev.yaml");
    const dev = fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(configFile, dev.replace("natGateways: single", "natGateways: lots").replace("\n    orders:\n      needs:", "\n    ordrs:\n      needs:"));
    const result = plan("--stack", "dev", "--config-file", configFile);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^Invalid platform configuration \(\d+ problems\):$/);
    const lineOf = (needle: string) => dev.split("\n").findIndex((line) => line.includes(needle)) + 1;
    expect(lines.slice(1)).toContain(`${configFile}:${lineOf("natGateways: single")}:5: data-platform:network.natGateways: must be one of "single", "onePerAz"`);
    expect(lines.slice(1).some((line) => line.startsWith(`${configFile}:${dev.split("\n").indexOf("    orders:") + 1}:5: data-platform:domains.ordrs: domain "ordrs" is not registered`))).toBe(true);
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: data-platform:`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Bad input that used to crash (exit 70 or 1, a parser's stack trace, no file name) or half-ran: the real command,
  // each in a fresh process, prints one line per problem with the file, line and key, and exits 2.
  it.each([
    {
      case: "duplicate key in a stage file given with --config-file",
      args: (dir: string) => {
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.dev.yaml"), "utf8").replace("  data-platform:owner:", "  data-platform:owner: twice\n  data-platform:owner:"));
        return ["--stack", "dev", "--config-file", file];
      },
      stderr: /^Invalid input \(1 problem\):\n.*Pulumi\.dev\.yaml:6:3: data-platform:owner: invalid YAML: duplicate key/,
    },
    {
      case: "a domain program whose platform stack is not given",
      args: () => ["--stack", "orders-dev", "--project", "stacks/domain"],
      stderr: /^Invalid input \(1 problem\):\ncommand line: --platform-plan: the program reads stack "acme\/data-platform\/dev" through a StackReference/,
    },
    {
      case: "--json naming a directory, found before the plan runs",
      args: (dir: string) => ["--stack", "dev", "--json", dir],
      stderr: /^Invalid input \(1 problem\):\ncommand line: --json: .*: is a directory/,
    },
  ])("exits 2 on $case, without a stack trace", ({ args, stderr }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const result = plan(...args(dir));
    expect(result.stderr).toMatch(stderr);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/\n\s+at |without stack traces|Circular/);
  });

  it("exits 1 when the policy pack finds a weakened bucket", () => {
    const result = plan("--stack", "test", "--project", path.join(__dirname, "__fixtures__/weak-bucket"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[mandatory\] s3-every-bucket-governed: urn:pulumi:test::weak-bucket::aws:s3\/bucket:Bucket::raw: bucket weak-raw-data lacks: public access block/);
  });

  it("lets policy config downgrade a rule to advisory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ "s3-every-bucket-governed": "advisory" }));
    const result = plan("--stack", "test", "--project", path.join(__dirname, "__fixtures__/weak-bucket"), "--policy-config", path.join(dir, "policy.json"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[advisory\] s3-every-bucket-governed/);
  });

  it("exits 70 on an internal error (a bug, not an input), with the error and the --stack-traces hint", () => {
    const result = plan("--stack", "test", "--project", path.join(__dirname, "__fixtures__/broken-program"));
    expect(result.code).toBe(70);
    expect(result.stderr).toMatch(/TypeError: Cannot read properties of undefined \(reading 'size'\)/);
    expect(result.stderr).toMatch(/add --stack-traces to see where it failed/);
    expect(result.stderr).not.toMatch(/^Invalid /m);
  });

  it("exits 1 when a mandatory policy is violated", () => {
    const result = plan("--stack", "test", "--project", path.join(__dirname, "__fixtures__/inside-apply"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[mandatory\] plan-urns-identical-in-preview/);
  });
});

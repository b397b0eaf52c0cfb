import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

// The real command, as `npm run plan` runs it.
function plan(...args: string[]) {
  const result = spawnSync(tsx, ["--conditions=@data-platform/source", path.join(__dirname, "cli.ts"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("plan command", () => {
  it("exits 0 and writes the JSON and markdown it was asked for", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const result = plan(
      "--stack",
      "prod",
      "--json",
      path.join(dir, "plan.json"),
      "--markdown",
      path.join(dir, "plan.md"),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Plan for data-platform \/ prod \(resolved mode\)/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"))).toMatchObject({
      schemaVersion: 2,
      stack: "prod",
    });
    expect(fs.readFileSync(path.join(dir, "plan.md"), "utf8")).toMatch(/^<!-- data-platform-plan -->/);
  });

  describe("against a base plan of prod", () => {
    // Each plan is a fresh process: generous timeouts for a loaded machine.
    const slow = 300_000;
    let basePlan = "";
    beforeAll(() => {
      basePlan = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-base-")), "base.json");
      expect(plan("--stack", "prod", "--json", basePlan).code).toBe(0);
    }, slow);

    it(
      "compares against a base plan: turning protection off in prod lists every protection flip as dangerous",
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
        const base = JSON.parse(fs.readFileSync(basePlan, "utf8")) as {
          resources: { options: { protect: boolean } }[];
        };
        const protectedCount = base.resources.filter((resource) => resource.options.protect).length;
        expect(protectedCount).toBeGreaterThan(50);
        const configFile = path.join(dir, "Pulumi.prod.yaml");
        const prod = fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.prod.yaml"), "utf8");
        expect(prod).toMatch(/^  data-platform:protect: true$/m);
        fs.writeFileSync(
          configFile,
          prod.replace(/^  data-platform:protect: true$/m, "  data-platform:protect: false"),
        );
        const result = plan(
          "--stack",
          "prod",
          "--config-file",
          configFile,
          "--base",
          basePlan,
          "--json",
          path.join(dir, "head.json"),
          "--markdown",
          path.join(dir, "head.md"),
        );
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`DANGEROUS (${protectedCount}):`);
        expect(result.stdout.split("\n").filter((line) => line.startsWith("  protection-removed  "))).toHaveLength(
          protectedCount,
        );
        const head = JSON.parse(fs.readFileSync(path.join(dir, "head.json"), "utf8")) as {
          diff: { dangerous: { kind: string }[]; counts: { update: number } };
        };
        expect(head.diff.dangerous.every((danger) => danger.kind === "protection-removed")).toBe(true);
        expect(head.diff.counts.update).toBe(protectedCount);
        expect(fs.readFileSync(path.join(dir, "head.md"), "utf8")).toContain(
          `:warning: **Dangerous changes (${protectedCount})**`,
        );
        for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
      },
      slow,
    );

    it(
      "reports a NAT gateway moved to another subnet and an Elastic IP of another domain as dangerous replacements",
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
        // A base where prod's NAT gateway in a sat in another subnet and b's address was of the other domain.
        const base = JSON.parse(fs.readFileSync(basePlan, "utf8")) as {
          resources: { type: string; name: string; inputs: Record<string, unknown> }[];
        };
        const find = (type: string, name: string) =>
          base.resources.find((resource) => resource.type === type && resource.name === name)!;
        find("aws:ec2/natGateway:NatGateway", "platform-nat-a").inputs["subnetId"] = "subnet-0earlier";
        find("aws:ec2/eip:Eip", "platform-nat-b").inputs["domain"] = "standard";
        const earlier = path.join(dir, "base.json");
        fs.writeFileSync(earlier, JSON.stringify(base));
        const result = plan("--stack", "prod", "--base", earlier, "--json", path.join(dir, "head.json"));
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^ {2}2 replace, 0 remove, 0 update, 0 add \(\d+ unchanged\)$/m);
        expect(result.stdout).toContain("DANGEROUS (2):");
        expect(result.stdout).toMatch(
          /replace-stateful {2}ec2\.Eip platform-nat-b\n {6}replaced: domain changed, a different public address/,
        );
        expect(result.stdout).toMatch(
          /replace-stateful {2}ec2\.NatGateway platform-nat-a\n {6}replaced: subnetId changed, egress from the private subnets/,
        );
        expect(result.stdout).toMatch(/subnetId: "subnet-0earlier" -> "subnet-[0-9a-f.]+"? \(forces replacement\)/);
        const head = JSON.parse(fs.readFileSync(path.join(dir, "head.json"), "utf8")) as {
          diff: { changes: { name: string; kind: string; replaceBecause: string[]; replaceEffect?: string }[] };
        };
        expect(head.diff.changes.map((change) => [change.kind, change.name, change.replaceBecause])).toEqual([
          ["replace", "platform-nat-b", ["domain"]],
          ["replace", "platform-nat-a", ["subnetId"]],
        ]);
        expect(head.diff.changes.every((change) => change.replaceEffect !== undefined)).toBe(true);
        for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
      },
      slow,
    );

    it(
      "exits 1 with --fail-on-replace-stateful when a domain's buckets would be deleted, 0 without it",
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
        const configFile = path.join(dir, "Pulumi.prod.yaml");
        const prod = fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.prod.yaml"), "utf8");
        const withoutMarketing = prod.replace(/^    marketing:.*\n(      .*\n)*/m, "");
        expect(withoutMarketing).not.toBe(prod);
        fs.writeFileSync(configFile, withoutMarketing);
        const failing = plan(
          "--stack",
          "prod",
          "--config-file",
          configFile,
          "--base",
          basePlan,
          "--fail-on-replace-stateful",
        );
        expect(failing.code).toBe(1);
        expect(failing.stdout).toMatch(
          /delete-stateful {2}s3\.Bucket lake-marketing-analytics\n {6}deleted \(protected/,
        );
        expect(failing.stderr).toMatch(/replaces or deletes a stateful resource/);
        expect(plan("--stack", "prod", "--config-file", configFile, "--base", basePlan).code).toBe(0);
      },
      slow,
    );
  });

  it("exits 2 on a base plan of another stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    fs.writeFileSync(
      path.join(dir, "base.json"),
      JSON.stringify({ schemaVersion: 1, project: "data-platform", stack: "dev", resources: [], outputs: {} }),
    );
    const result = plan("--stack", "prod", "--base", path.join(dir, "base.json"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/base\.json:1:\d+: stack: a plan of stack "dev", not of "prod"/);
    // Checked before the plan runs: no summary.
    expect(result.stdout).toBe("");
  });

  it("exits 2 on invalid config with one line per problem and no stack trace", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const configFile = path.join(dir, "Pulumi.dev.yaml");
    const dev = fs.readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(
      configFile,
      dev
        .replace("natGateways: single", "natGateways: lots")
        .replace("\n    orders:\n      needs:", "\n    ordrs:\n      needs:"),
    );
    const result = plan("--stack", "dev", "--config-file", configFile);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^Invalid platform configuration \(\d+ problems\):$/);
    const lineOf = (needle: string) => dev.split("\n").findIndex((line) => line.includes(needle)) + 1;
    expect(lines.slice(1)).toContain(
      `${configFile}:${lineOf("natGateways: single")}:5: data-platform:network.natGateways: must be one of "single", "onePerAz"`,
    );
    expect(
      lines
        .slice(1)
        .some((line) =>
          line.startsWith(
            `${configFile}:${dev.split("\n").indexOf("    orders:") + 1}:5: data-platform:domains.ordrs: domain "ordrs" is not registered`,
          ),
        ),
    ).toBe(true);
    for (const line of lines.slice(1))
      expect(line).toMatch(
        new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: data-platform:`),
      );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Bad input that used to crash (exit 70 or 1, a parser's stack trace, no file name) or half-ran: the real command,
  // each in a fresh process, prints one line per problem with the file, line and key, and exits 2.
  it.each([
    {
      case: "duplicate key in a stage file given with --config-file",
      args: (dir: string) => {
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(
          file,
          fs
            .readFileSync(path.join(repoRoot, "stacks/platform/Pulumi.dev.yaml"), "utf8")
            .replace("  data-platform:owner:", "  data-platform:owner: twice\n  data-platform:owner:"),
        );
        return ["--stack", "dev", "--config-file", file];
      },
      stderr:
        /^Invalid input \(1 problem\):\n.*Pulumi\.dev\.yaml:6:3: data-platform:owner: invalid YAML: duplicate key/,
    },
    {
      case: "a domain program whose platform stack is not given",
      args: () => ["--stack", "orders-dev", "--project", "stacks/domain"],
      stderr:
        /^Invalid input \(1 problem\):\ncommand line: --platform-plan: the program reads stack "acme\/data-platform\/dev" through a StackReference/,
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
    expect(result.stdout).toMatch(
      /\[mandatory\] s3-every-bucket-governed: s3\.Bucket raw\n {6}bucket weak-raw-data lacks: public access block/,
    );
  });

  it("lets policy config downgrade a rule to advisory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ "s3-every-bucket-governed": "advisory" }));
    const result = plan(
      "--stack",
      "test",
      "--project",
      path.join(__dirname, "__fixtures__/weak-bucket"),
      "--policy-config",
      path.join(dir, "policy.json"),
    );
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

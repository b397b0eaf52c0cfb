import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { exitCodes, main } from "./cli";
import { runPlan } from "./plan";

const repoRoot = path.resolve(__dirname, "../../..");
const platformDir = path.join(repoRoot, "stacks/platform");
const domainDir = path.join(repoRoot, "stacks/domain");
const devStage = fs.readFileSync(path.join(platformDir, "Pulumi.dev.yaml"), "utf8");
const ordersDev = fs.readFileSync(path.join(domainDir, "Pulumi.orders-dev.yaml"), "utf8");
const ordersDomain = fs.readFileSync(path.join(platformDir, "domains/orders.yaml"), "utf8");
const lineOf = (text: string, line: string) => text.split("\n").indexOf(line) + 1;

let platformPlan: Record<string, any>;

beforeAll(async () => {
  // The platform plan the domain cases start from, as `npm run plan -- --stack dev --json` writes it.
  platformPlan = (await runPlan({ stack: "dev", projectDir: repoRoot })).document as unknown as Record<string, any>;
});

afterEach(() => vi.restoreAllMocks());

/** Runs the plan command in-process; returns its exit code and what it printed. */
async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...values: unknown[]) => void stdout.push(values.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...values: unknown[]) => void stderr.push(values.join(" ")));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** A workspace directory with files written into it; returns a function giving their paths. */
function workspace(files: Record<string, string>): (name: string) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-errors-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return (name) => path.join(dir, name);
}

/** A copy of the domain registry with some files replaced (`undefined` removes one). */
function registry(at: (name: string) => string, changes: Record<string, string | undefined>): string {
  const dir = at("domains");
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(path.join(platformDir, "domains"))) fs.copyFileSync(path.join(platformDir, "domains", entry), path.join(dir, entry));
  for (const [entry, content] of Object.entries(changes)) {
    if (content === undefined) fs.rmSync(path.join(dir, entry));
    else fs.writeFileSync(path.join(dir, entry), content);
  }
  return dir;
}

function withPlatformPlan(at: (name: string) => string, change: (outputs: Record<string, any>) => void = () => undefined): string {
  const document = structuredClone(platformPlan);
  change(document["outputs"]);
  fs.writeFileSync(at("platform-dev.json"), JSON.stringify(document, null, 2));
  return at("platform-dev.json");
}

const domainArgs = (...args: string[]) => ["--stack", "orders-dev", "--project", domainDir, ...args];
const platformArgs = (...args: string[]) => ["--stack", "dev", "--project", repoRoot, ...args];

// Each row: a bad input as a new user would make it, and every line the plan must print for it (after the title):
// file (or "command line"), line and column where the file has them, key path, what is wrong. Exit 2, nothing ran.
const table: { case: string; args: (at: (name: string) => string) => string[]; lines: RegExp[] }[] = [
  {
    case: "YAML syntax error in a stage file (--config-file)",
    args: () => platformArgs("--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("natGateways: single", "natGateways: [single") })("Pulumi.dev.yaml")),
    lines: [/Pulumi\.dev\.yaml:\d+:\d+: .*invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/],
  },
  {
    case: "duplicate key in a stage file",
    args: () => platformArgs("--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("  data-platform:protect: false", "  data-platform:protect: false\n  data-platform:protect: true") })("Pulumi.dev.yaml")),
    lines: [new RegExp(`Pulumi\\.dev\\.yaml:${lineOf(devStage, "  data-platform:protect: false") + 1}:3: data-platform:protect: invalid YAML: duplicate key`)],
  },
  {
    case: "tab in a stage file",
    args: () => platformArgs("--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("    natGateways: single", "\tnatGateways: single") })("Pulumi.dev.yaml")),
    lines: [new RegExp(`Pulumi\\.dev\\.yaml:${lineOf(devStage, "    natGateways: single")}:1: .*invalid YAML: a tab in the indentation; indent with spaces$`)],
  },
  {
    case: "a stage key indented under the wrong parent",
    args: () => platformArgs("--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("    flowLogRetentionDays: 30", "  flowLogRetentionDays: 30") })("Pulumi.dev.yaml")),
    lines: [new RegExp(`Pulumi\\.dev\\.yaml:${lineOf(devStage, "    flowLogRetentionDays: 30")}:3: data-platform:flowLogRetentionDays: unknown key; "flowLogRetentionDays" is a key of data-platform:network \\(indented under the wrong parent\\?\\)`)],
  },
  {
    case: "YAML syntax error in the domain project's stack file",
    args: () => domainArgs("--config-file", workspace({ "Pulumi.orders-dev.yaml": ordersDev.replace("zone: analytics", "zone: [analytics") })("Pulumi.orders-dev.yaml")),
    lines: [/Pulumi\.orders-dev\.yaml:\d+:\d+: .*invalid YAML: /],
  },
  {
    case: "duplicate key in the domain project's stack file",
    args: () => domainArgs("--config-file", workspace({ "Pulumi.orders-dev.yaml": ordersDev.replace("  data-domain:domain: orders", "  data-domain:domain: orders\n  data-domain:domain: logistics") })("Pulumi.orders-dev.yaml")),
    lines: [new RegExp(`Pulumi\\.orders-dev\\.yaml:${lineOf(ordersDev, "  data-domain:domain: orders") + 1}:3: data-domain:domain: invalid YAML: duplicate key`)],
  },
  {
    case: "YAML syntax error in a domain file: one line, no follow-on error for the stage that enables the domain",
    args: (at) => platformArgs("--domains-dir", registry(at, { "orders.yaml": ordersDomain.replace("costCentre: ", "costCentre: [") })),
    lines: [/domains\/orders\.yaml:\d+:\d+: .*invalid YAML: /],
  },
  {
    case: "duplicate key in a domain file",
    args: (at) => platformArgs("--domains-dir", registry(at, { "orders.yaml": `${ordersDomain.trimEnd()}\ndescription: again\n` })),
    lines: [new RegExp(`domains/orders\\.yaml:${ordersDomain.trimEnd().split("\n").length + 1}:1: description: invalid YAML: duplicate key`)],
  },
  {
    case: "an empty domains directory",
    args: (at) => platformArgs("--domains-dir", registry(at, Object.fromEntries(fs.readdirSync(path.join(platformDir, "domains")).map((entry) => [entry, undefined])))),
    lines: [/domains: no domain files in .*domains \(one <domain>\.yaml per domain\)$/],
  },
  {
    case: "an unknown domain in a stage, with a suggestion",
    args: () => platformArgs("--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("\n    logistics:", "\n    logistcs:") })("Pulumi.dev.yaml")),
    lines: [/Pulumi\.dev\.yaml:\d+:5: data-platform:domains\.logistcs: domain "logistcs" is not registered in .* \(did you mean "logistics"\?\); registered domains: logistics, marketing, orders, payments, restaurants$/],
  },
  {
    case: "an unknown option, with a suggestion",
    args: () => ["--stak", "dev"],
    lines: [/^command line: --stak: unknown option \(did you mean "--stack"\?\)$/],
  },
  {
    case: "an unknown stack, with the available ones",
    args: () => platformArgs().map((arg) => (arg === "dev" ? "qa" : arg)),
    lines: [/^command line: --stack: no stack "qa": .*Pulumi\.qa\.yaml does not exist; available stacks: dev, prod, staging$/],
  },
  {
    case: "--json naming a directory",
    args: (at) => platformArgs("--json", path.dirname(at("x"))),
    lines: [/^command line: --json: .*: is a directory; give a file name, such as .*plan\.json$/],
  },
  {
    case: "--markdown naming a directory",
    args: (at) => platformArgs("--markdown", path.dirname(at("x"))),
    lines: [/^command line: --markdown: .*: is a directory; give a file name, such as .*plan\.md$/],
  },
  {
    case: "--json under a file (a path that cannot be written)",
    args: () => platformArgs("--json", path.join(workspace({ "taken": "" })("taken"), "plan.json")),
    lines: [/^command line: --json: .*taken\/plan\.json: cannot be created: .*taken is a file, not a directory$/],
  },
  {
    case: "a misspelt rule in --policy-config",
    args: () => platformArgs("--policy-config", workspace({ "policy.json": '{\n  "s3-every-bucket-governd": "advisory"\n}\n' })("policy.json")),
    lines: [/policy\.json:2:3: s3-every-bucket-governd: unknown rule \(did you mean "s3-every-bucket-governed"\?\); rules of the pack: all, .*s3-every-bucket-governed/],
  },
  {
    case: "an enforcement level that does not exist in --policy-config",
    args: () => platformArgs("--policy-config", workspace({ "policy.json": '{ "s3-every-bucket-governed": "warn" }' })("policy.json")),
    lines: [/policy\.json:1:3: s3-every-bucket-governed: must be an enforcement level \(advisory, mandatory, remediate, disabled\)/],
  },
  {
    case: "several inputs wrong at once: every problem in one report",
    args: (at) => platformArgs("--json", path.dirname(at("x")), "--policy-config", workspace({ "policy.json": '{ "nope": "advisory" }' })("policy.json"), "--config-file", workspace({ "Pulumi.dev.yaml": devStage.replace("natGateways: single", "natGateways: [single") })("Pulumi.dev.yaml")),
    lines: [/^command line: --json: .*is a directory/, /policy\.json:1:3: nope: unknown rule/, /Pulumi\.dev\.yaml:\d+:\d+: .*invalid YAML/],
  },
  {
    case: "a domain program without --platform-plan",
    args: () => domainArgs(),
    lines: [/^command line: --platform-plan: the program reads stack "acme\/data-platform\/dev" through a StackReference: give --platform-plan <file>/],
  },
  {
    case: "a platform plan that does not exist",
    args: (at) => domainArgs("--platform-plan", at("missing.json")),
    lines: [/^command line: --platform-plan: .*missing\.json: file not found/],
  },
  {
    case: "a platform plan that is not JSON",
    args: () => domainArgs("--platform-plan", workspace({ "plan.json": '{\n  "schemaVersion": 1,\n  "outputs": {,\n}\n' })("plan.json")),
    lines: [/plan\.json:3:\d+: not JSON \(/],
  },
  {
    case: "a JSON file that is not a plan",
    args: () => domainArgs("--platform-plan", workspace({ "plan.json": '{ "resources": [] }' })("plan.json")),
    lines: [/plan\.json: schemaVersion: not a plan document: expected schemaVersion 1/],
  },
  {
    case: "a platform plan missing an output the program needs",
    args: (at) => domainArgs("--platform-plan", withPlatformPlan(at, (outputs) => (outputs["domains"]["orders"]["workflow"]["ecs"] = null))),
    lines: [/platform-dev\.json:\d+:\d+: outputs\.domains\.orders\.workflow\.ecs: domain "orders" has no Fargate runner in this stage \(needs\.fargate\.enabled\), which job "export-daily-orders" runs on$/],
  },
  {
    case: "a platform plan of another contract version",
    args: (at) => domainArgs("--platform-plan", withPlatformPlan(at, (outputs) => (outputs["contractVersion"] = 0))),
    lines: [/platform-dev\.json:\d+:\d+: outputs\.contractVersion: platform stack "acme\/data-platform\/dev" speaks contract version 0; this program needs version 1$/],
  },
  {
    case: "a domain and a consumer the platform does not have, with suggestions",
    args: (at) =>
      domainArgs(
        "--platform-plan",
        withPlatformPlan(at),
        "--config-file",
        workspace({ "Pulumi.orders-dev.yaml": ordersDev.replace("data-domain:domain: orders", "data-domain:domain: ordrs").replace("consumers: [logistics]", "consumers: [logistcs]") })("Pulumi.orders-dev.yaml"),
      ),
    lines: [
      new RegExp(`Pulumi\\.orders-dev\\.yaml:${lineOf(ordersDev, "  data-domain:domain: orders")}:3: data-domain:domain: platform stack "acme/data-platform/dev" has no domain "ordrs" \\(did you mean "orders"\\?\\); its domains: logistics, orders$`),
      /Pulumi\.orders-dev\.yaml:\d+:\d+: data-domain:products\.orders\.consumers\[0\]: platform stack "acme\/data-platform\/dev" has no domain "logistcs" \(did you mean "logistics"\?\)/,
    ],
  },
];

describe("the plan's one error path", () => {
  it.each(table)("exits 2 on $case, one line per problem, before anything runs", async ({ args, lines }) => {
    const result = await plan(args(workspace({})));
    const printed = result.stderr.split("\n");
    expect(printed[0], result.stderr).toMatch(new RegExp(`^Invalid [a-z ]+ \\(${lines.length} problems?\\):$`));
    const problems = printed.slice(1).filter((line) => line !== "(npm run plan -- --help lists the options)");
    expect(problems, result.stderr).toHaveLength(lines.length);
    lines.forEach((pattern, index) => expect(problems[index], result.stderr).toMatch(pattern));
    expect(result.code).toBe(exitCodes.invalidInput);
    // Nothing ran: no plan summary, no stack trace.
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/\n\s+at |Circular/);
  });

  it("the base inputs of the table are valid: the domain plans against the platform plan", async () => {
    const result = await plan(domainArgs("--platform-plan", withPlatformPlan(workspace({})), "--policy-config", workspace({ "policy.json": '{ "all": "mandatory", "s3-every-bucket-governed": { "enforcementLevel": "advisory" } }' })("policy.json")));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(exitCodes.ok);
  });
});

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
  for (const entry of fs.readdirSync(path.join(platformDir, "domains")))
    fs.copyFileSync(path.join(platformDir, "domains", entry), path.join(dir, entry));
  for (const [entry, content] of Object.entries(changes)) {
    if (content === undefined) fs.rmSync(path.join(dir, entry));
    else fs.writeFileSync(path.join(dir, entry), content);
  }
  return dir;
}

function withPlatformPlan(
  at: (name: string) => string,
  change: (outputs: Record<string, any>) => void = () => undefined,
): string {
  const document = structuredClone(platformPlan);
  change(document["outputs"]);
  fs.writeFileSync(at("platform-dev.json"), JSON.stringify(document, null, 2));
  return at("platform-dev.json");
}

const domainArgs = (...args: string[]) => ["--stack", "orders-dev", "--project", domainDir, ...args];
// A domain stack of another name (the stage comes from the stack name, <domain>-<stage>).
const domainStackArgs = (stack: string, ...args: string[]) => ["--stack", stack, "--project", domainDir, ...args];
const platformArgs = (...args: string[]) => ["--stack", "dev", "--project", repoRoot, ...args];

// Each row: a bad input as a new user would make it, and every line the plan must print for it (after the title):
// file (or "command line"), line and column where the file has them, key path, what is wrong. Exit 2, nothing ran.
const table: { case: string; args: (at: (name: string) => string) => string[]; lines: RegExp[] }[] = [
  {
    case: "YAML syntax error in a stage file (--config-file)",
    args: () =>
      platformArgs(
        "--config-file",
        workspace({ "Pulumi.dev.yaml": devStage.replace("natGateways: single", "natGateways: [single") })(
          "Pulumi.dev.yaml",
        ),
      ),
    lines: [
      /Pulumi\.dev\.yaml:\d+:\d+: .*invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    ],
  },
  {
    case: "duplicate key in a stage file",
    args: () =>
      platformArgs(
        "--config-file",
        workspace({
          "Pulumi.dev.yaml": devStage.replace(
            "  data-platform:protect: false",
            "  data-platform:protect: false\n  data-platform:protect: true",
          ),
        })("Pulumi.dev.yaml"),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.dev\\.yaml:${lineOf(devStage, "  data-platform:protect: false") + 1}:3: data-platform:protect: invalid YAML: duplicate key`,
      ),
    ],
  },
  {
    case: "tab in a stage file",
    args: () =>
      platformArgs(
        "--config-file",
        workspace({ "Pulumi.dev.yaml": devStage.replace("    natGateways: single", "\tnatGateways: single") })(
          "Pulumi.dev.yaml",
        ),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.dev\\.yaml:${lineOf(devStage, "    natGateways: single")}:1: .*invalid YAML: a tab in the indentation; indent with spaces$`,
      ),
    ],
  },
  {
    case: "a stage key indented under the wrong parent",
    args: () =>
      platformArgs(
        "--config-file",
        workspace({
          "Pulumi.dev.yaml": devStage.replace("    flowLogRetentionDays: 30", "  flowLogRetentionDays: 30"),
        })("Pulumi.dev.yaml"),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.dev\\.yaml:${lineOf(devStage, "    flowLogRetentionDays: 30")}:3: data-platform:flowLogRetentionDays: unknown key; "flowLogRetentionDays" is a key of data-platform:network \\(indented under the wrong parent\\?\\)`,
      ),
    ],
  },
  {
    case: "YAML syntax error in the domain project's stack file",
    args: () =>
      domainArgs(
        "--config-file",
        workspace({
          "Pulumi.orders-dev.yaml": ordersDev.replace(
            "  data-domain:dagsDir: dags/orders",
            "  data-domain:dagsDir: [dags/orders",
          ),
        })("Pulumi.orders-dev.yaml"),
      ),
    lines: [/Pulumi\.orders-dev\.yaml:\d+:\d+: .*invalid YAML: /],
  },
  {
    case: "duplicate key in the domain project's stack file",
    args: () =>
      domainArgs(
        "--config-file",
        workspace({
          "Pulumi.orders-dev.yaml": ordersDev.replace(
            "  data-domain:domain: orders",
            "  data-domain:domain: orders\n  data-domain:domain: logistics",
          ),
        })("Pulumi.orders-dev.yaml"),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.orders-dev\\.yaml:${lineOf(ordersDev, "  data-domain:domain: orders") + 1}:3: data-domain:domain: invalid YAML: duplicate key`,
      ),
    ],
  },
  {
    case: "YAML syntax error in a domain file: one line, no follow-on error for the stage that enables the domain",
    args: (at) =>
      platformArgs(
        "--domains-dir",
        registry(at, { "orders.yaml": ordersDomain.replace("costCentre: ", "costCentre: [") }),
      ),
    lines: [/domains\/orders\.yaml:\d+:\d+: .*invalid YAML: /],
  },
  {
    case: "duplicate key in a domain file",
    args: (at) =>
      platformArgs("--domains-dir", registry(at, { "orders.yaml": `${ordersDomain.trimEnd()}\ndescription: again\n` })),
    lines: [
      new RegExp(
        `domains/orders\\.yaml:${ordersDomain.trimEnd().split("\n").length + 1}:1: description: invalid YAML: duplicate key`,
      ),
    ],
  },
  {
    case: "an empty domains directory",
    args: (at) =>
      platformArgs(
        "--domains-dir",
        registry(
          at,
          Object.fromEntries(fs.readdirSync(path.join(platformDir, "domains")).map((entry) => [entry, undefined])),
        ),
      ),
    lines: [/domains: no domain files in .*domains \(one <domain>\.yaml per domain\)$/],
  },
  {
    case: "an unknown domain in a stage, with a suggestion",
    args: () =>
      platformArgs(
        "--config-file",
        workspace({ "Pulumi.dev.yaml": devStage.replace("\n    logistics:", "\n    logistcs:") })("Pulumi.dev.yaml"),
      ),
    lines: [
      /Pulumi\.dev\.yaml:\d+:5: data-platform:domains\.logistcs: domain "logistcs" is not registered in .* \(did you mean "logistics"\?\); registered domains: logistics, marketing, orders, payments, restaurants$/,
    ],
  },
  {
    case: "an unknown option, with a suggestion",
    args: () => ["--stak", "dev"],
    lines: [/^command line: --stak: unknown option \(did you mean "--stack"\?\)$/],
  },
  {
    case: "an unknown stack, with the available ones",
    args: () => platformArgs().map((arg) => (arg === "dev" ? "qa" : arg)),
    lines: [
      /^command line: --stack: no stack "qa": .*Pulumi\.qa\.yaml does not exist; available stacks: dev, prod, staging$/,
    ],
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
    args: () => platformArgs("--json", path.join(workspace({ taken: "" })("taken"), "plan.json")),
    lines: [/^command line: --json: .*taken\/plan\.json: cannot be created: .*taken is a file, not a directory$/],
  },
  {
    case: "a misspelt rule in --policy-config",
    args: () =>
      platformArgs(
        "--policy-config",
        workspace({ "policy.json": '{\n  "s3-every-bucket-governd": "advisory"\n}\n' })("policy.json"),
      ),
    lines: [
      /policy\.json:2:3: s3-every-bucket-governd: unknown rule \(did you mean "s3-every-bucket-governed"\?\); rules of the pack: all, .*s3-every-bucket-governed/,
    ],
  },
  {
    case: "an enforcement level that does not exist in --policy-config",
    args: () =>
      platformArgs(
        "--policy-config",
        workspace({ "policy.json": '{ "s3-every-bucket-governed": "warn" }' })("policy.json"),
      ),
    lines: [
      /policy\.json:1:3: s3-every-bucket-governed: must be an enforcement level \(advisory, mandatory, remediate, disabled\)/,
    ],
  },
  {
    case: "several inputs wrong at once: every problem in one report",
    args: (at) =>
      platformArgs(
        "--json",
        path.dirname(at("x")),
        "--policy-config",
        workspace({ "policy.json": '{ "nope": "advisory" }' })("policy.json"),
        "--config-file",
        workspace({ "Pulumi.dev.yaml": devStage.replace("natGateways: single", "natGateways: [single") })(
          "Pulumi.dev.yaml",
        ),
      ),
    lines: [
      /^command line: --json: .*is a directory/,
      /policy\.json:1:3: nope: unknown rule/,
      /Pulumi\.dev\.yaml:\d+:\d+: .*invalid YAML/,
    ],
  },
  {
    case: "a domain program without --platform-plan",
    args: () => domainArgs(),
    lines: [
      /^command line: --platform-plan: the program reads stack "acme\/data-platform\/dev" through a StackReference: give --platform-plan <file>/,
    ],
  },
  {
    case: "a platform plan that does not exist",
    args: (at) => domainArgs("--platform-plan", at("missing.json")),
    lines: [/^command line: --platform-plan: .*missing\.json: file not found/],
  },
  {
    case: "a platform plan that is not JSON",
    args: () =>
      domainArgs(
        "--platform-plan",
        workspace({ "plan.json": '{\n  "schemaVersion": 1,\n  "outputs": {,\n}\n' })("plan.json"),
      ),
    lines: [/plan\.json:3:\d+: not JSON \(/],
  },
  {
    case: "a JSON file that is not a plan",
    args: () => domainArgs("--platform-plan", workspace({ "plan.json": '{ "resources": [] }' })("plan.json")),
    lines: [/plan\.json: schemaVersion: not a plan document: expected schemaVersion 1/],
  },
  {
    case: "a platform plan missing an output the program needs",
    args: (at) =>
      domainArgs(
        "--platform-plan",
        withPlatformPlan(at, (outputs) => (outputs["domains"]["orders"]["workflow"]["ecs"] = null)),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.orders-dev\\.yaml:${lineOf(ordersDev, "  data-domain:jobs:")}:3: data-domain:jobs: domain "orders" has no Fargate runner in stage "dev": set needs\\.fargate\\.enabled in stacks/platform/domains/orders\\.yaml \\(or the stage's override\\), or remove the jobs$`,
      ),
    ],
  },
  {
    case: "a platform plan of another contract version",
    args: (at) =>
      domainArgs(
        "--platform-plan",
        withPlatformPlan(at, (outputs) => (outputs["contractVersion"] = 0)),
      ),
    lines: [
      /platform-dev\.json:\d+:\d+: outputs\.contractVersion: platform stack "acme\/data-platform\/dev" speaks contract version 0; this program needs version 1$/,
    ],
  },
  {
    case: "a domain the platform does not have, with a suggestion (its products are not checked further)",
    args: (at) =>
      domainStackArgs(
        "ordrs-dev",
        "--platform-plan",
        withPlatformPlan(at),
        "--config-file",
        workspace({
          "Pulumi.orders-dev.yaml": ordersDev
            .replace("data-domain:domain: orders", "data-domain:domain: ordrs")
            .replace("    orders: {}", "    orders:\n      consumers: [logistcs]"),
        })("Pulumi.orders-dev.yaml"),
      ),
    lines: [
      new RegExp(
        `Pulumi\\.orders-dev\\.yaml:${lineOf(ordersDev, "  data-domain:domain: orders")}:3: data-domain:domain: domain "ordrs" is not enabled in platform stage "dev" \\(did you mean "orders"\\?\\) \\(enabled: logistics, orders\\); enable it under data-platform:domains in the platform's Pulumi\\.dev\\.yaml$`,
      ),
    ],
  },
  {
    case: "a consumer the platform does not have, with a suggestion",
    args: (at) =>
      domainArgs(
        "--platform-plan",
        withPlatformPlan(at),
        "--config-file",
        workspace({
          "Pulumi.orders-dev.yaml": ordersDev.replace("    orders: {}", "    orders:\n      consumers: [logistcs]"),
        })("Pulumi.orders-dev.yaml"),
      ),
    lines: [
      /Pulumi\.orders-dev\.yaml:\d+:\d+: data-domain:products\.orders\.consumers: .*"logistcs" \(did you mean "logistics"\?\)/,
    ],
  },
  {
    case: "an unknown review option, with a suggestion",
    args: () => platformArgs("--fail-on-replace-statefull"),
    lines: [
      /^command line: --fail-on-replace-statefull: unknown option \(did you mean "--fail-on-replace-stateful"\?\)$/,
    ],
  },
  {
    case: "--fail-on-replace-stateful without --base",
    args: () => platformArgs("--fail-on-replace-stateful"),
    lines: [/^command line: --fail-on-replace-stateful: needs --base <json>, the plan to compare with$/],
  },
  {
    case: "a base plan that does not exist",
    args: (at) => platformArgs("--base", at("base.json")),
    lines: [/^command line: --base: .*base\.json: file not found$/],
  },
  {
    case: "a base plan that is not JSON",
    args: () =>
      platformArgs(
        "--base",
        workspace({ "base.json": '{\n  "schemaVersion": 2,\n  "resources": [,\n}\n' })("base.json"),
      ),
    lines: [/base\.json:3:\d+: not JSON \(/],
  },
  {
    case: "a base JSON file that is not a plan",
    args: () =>
      platformArgs(
        "--base",
        workspace({ "base.json": '{\n  "schemaVersion": 3,\n  "resources": []\n}\n' })("base.json"),
      ),
    lines: [
      /base\.json:2:3: schemaVersion: not a plan document: expected schemaVersion 1 or 2 \(the JSON that npm run plan -- --json writes\), got 3$/,
    ],
  },
  {
    case: "a base plan of another stack",
    args: () =>
      platformArgs(
        "--base",
        workspace({ "base.json": JSON.stringify({ ...platformPlan, stack: "prod" }, null, 2) })("base.json"),
      ),
    lines: [/base\.json:\d+:3: stack: a plan of stack "prod", not of "dev": compare with a plan of the same stack$/],
  },
  {
    case: "a base plan of another project",
    args: () =>
      platformArgs(
        "--base",
        workspace({ "base.json": JSON.stringify({ ...platformPlan, project: "data-domain" }, null, 2) })("base.json"),
      ),
    lines: [/base\.json:\d+:3: project: a plan of project "data-domain", not of "data-platform"$/],
  },
  {
    case: "a price key that does not exist in --prices, with a suggestion",
    args: () =>
      platformArgs(
        "--prices",
        workspace({ "prices.json": '{\n  "prices": {\n    "nat.hours": 0.05\n  }\n}\n' })("prices.json"),
      ),
    lines: [
      /prices\.json:3:5: prices\.nat\.hours: unknown price key \(did you mean "nat\.hour"\?\); keys: .*nat\.hour/,
    ],
  },
  {
    case: "a --prices file without the prices object, and a negative price",
    args: () =>
      platformArgs("--prices", workspace({ "prices.json": '{ "price": { "nat.hour": -1 } }' })("prices.json")),
    lines: [
      /prices\.json:1:3: price: unknown key \(did you mean "prices"\?\)/,
      /prices\.json: prices: is required: an object of price keys to USD/,
    ],
  },
  {
    case: "a price that is not a number",
    args: () =>
      platformArgs("--prices", workspace({ "prices.json": '{ "prices": { "nat.hour": "0.05" } }' })("prices.json")),
    lines: [/prices\.json:1:\d+: prices\.nat\.hour: must be a number >= 0 \(USD\), got "0\.05"$/],
  },
  {
    case: "a usage key that does not exist in --usage, with a suggestion",
    args: () =>
      platformArgs(
        "--usage",
        workspace({ "usage.json": '{\n  "dev": {\n    "dataTbPerDy": 0.1\n  }\n}\n' })("usage.json"),
      ),
    lines: [
      /usage\.json:3:5: dev\.dataTbPerDy: unknown usage key \(did you mean "dataTbPerDay"\?\); keys: .*dataTbPerDay/,
    ],
  },
  {
    case: "a stage that does not exist in --usage, with a suggestion",
    args: () => platformArgs("--usage", workspace({ "usage.json": '{ "prd": { "dataTbPerDay": 1 } }' })("usage.json")),
    lines: [
      /usage\.json:1:3: prd: unknown stage \(did you mean "prod"\?\); scopes: "\*" \(every stage\), "dev", "prod", "staging"$/,
    ],
  },
  {
    case: "a --usage file that does not exist",
    args: (at) => platformArgs("--usage", at("usage.json")),
    lines: [/^command line: --usage: .*usage\.json: file not found$/],
  },
  {
    case: "the review and cost inputs wrong at once: every problem in one report",
    args: (at) =>
      platformArgs(
        "--base",
        at("base.json"),
        "--prices",
        workspace({ "prices.json": '{ "prices": { "mwaa.mw1.smal": 1 } }' })("prices.json"),
        "--usage",
        workspace({ "usage.json": '{ "*": { "natGbPerDay": -5 } }' })("usage.json"),
      ),
    lines: [
      /^command line: --base: .*base\.json: file not found$/,
      /prices\.json:1:\d+: prices\.mwaa\.mw1\.smal: unknown price key \(did you mean "mwaa\.mw1\.small"\?\)/,
      /usage\.json:1:\d+: \*\.natGbPerDay: must be a number >= 0, got -5$/,
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

  it("exits 2 on a --domain the plan does not have, with a suggestion, before anything is printed or written", async () => {
    const at = workspace({});
    const result = await plan(platformArgs("--domain", "ordrs", "--json", at("plan.json")));
    expect(result.stderr.split("\n")).toEqual([
      "Invalid input (1 problem):",
      'command line: --domain: no domain "ordrs" in the plan (did you mean "orders"?); domains: logistics, orders',
      "(npm run plan -- --help lists the options)",
    ]);
    expect(result.code).toBe(exitCodes.invalidInput);
    expect(result.stdout).toBe("");
    expect(fs.existsSync(at("plan.json"))).toBe(false);
  });

  it("the review and cost inputs of the table are valid when well formed: base plan, prices, usage, domain", async () => {
    const at = workspace({
      "base.json": JSON.stringify(platformPlan),
      "prices.json": JSON.stringify({ prices: { "nat.hour": 0.05 } }),
      "usage.json": JSON.stringify({ "*": { natGbPerDay: 10 }, dev: { dataTbPerDay: 0.1 } }),
    });
    const result = await plan(
      platformArgs(
        "--base",
        at("base.json"),
        "--fail-on-replace-stateful",
        "--prices",
        at("prices.json"),
        "--usage",
        at("usage.json"),
        "--domain",
        "orders",
        "--json",
        at("plan.json"),
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(exitCodes.ok);
    const written = JSON.parse(fs.readFileSync(at("plan.json"), "utf8"));
    expect(written.diff.counts).toMatchObject({ add: 0, remove: 0, replace: 0 });
    expect(written.cost.usage).toMatchObject({ natGbPerDay: 10, dataTbPerDay: 0.1 });
    expect(written.cost.prices.overrides).toBe(at("prices.json"));
  });

  it("the base inputs of the table are valid: the domain plans against the platform plan", async () => {
    const result = await plan(
      domainArgs(
        "--platform-plan",
        withPlatformPlan(workspace({})),
        "--policy-config",
        workspace({
          "policy.json": '{ "all": "mandatory", "s3-every-bucket-governed": { "enforcementLevel": "advisory" } }',
        })("policy.json"),
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(exitCodes.ok);
  });
});

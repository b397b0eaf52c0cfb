import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { closest, commandLine, ConfigError, formatIssue, isConfigError, Problems, type ConfigIssue } from "./errors";
import { resolvePlatformConfig } from "./load";
import { checkStackFile } from "./stack-file";

const repoRoot = path.resolve(__dirname, "../../..");
const platformDir = path.join(repoRoot, "stacks/platform");
const devStage = fs.readFileSync(path.join(platformDir, "Pulumi.dev.yaml"), "utf8");

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "config-errors-"));
}

/** A copy of the registry with some files replaced (`undefined` removes one); returns its directory. */
function registry(files: Record<string, string | undefined> = {}): string {
  const dir = path.join(tempDir(), "domains");
  fs.mkdirSync(dir);
  for (const entry of fs.readdirSync(path.join(platformDir, "domains")))
    fs.copyFileSync(path.join(platformDir, "domains", entry), path.join(dir, entry));
  for (const [entry, content] of Object.entries(files)) {
    if (content === undefined) fs.rmSync(path.join(dir, entry));
    else fs.writeFileSync(path.join(dir, entry), content);
  }
  return dir;
}

/** Loads a dev stage file (text) against a registry the way the program does; returns the formatted problem lines. */
function problems(stageText: string, domainsDir = registry()): string[] {
  const configFile = path.join(tempDir(), "Pulumi.dev.yaml");
  fs.writeFileSync(configFile, stageText);
  const checked = checkStackFile(configFile);
  if (checked.issues.length > 0) return new ConfigError(checked.issues).issues.map(formatIssue);
  // As the engine passes them: bare keys are in the project's namespace.
  const values = Object.fromEntries(
    Object.entries(checked.config!)
      .map(([key, value]) => [key.includes(":") ? key : `data-platform:${key}`, value] as const)
      .filter(([key]) => key.startsWith("data-platform:"))
      .map(([key, value]) => [key.slice("data-platform:".length), value]),
  );
  try {
    resolvePlatformConfig({ stack: "dev", values, configFile, domainsDir });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

const orders = fs.readFileSync(path.join(platformDir, "domains/orders.yaml"), "utf8");
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((line) => line.includes(needle)) + 1;

describe("one error path for every input", () => {
  // Each row: an input mistake, and the one line it must produce (file:line:column: key: message). No other line.
  const table: {
    case: string;
    stage?: (text: string) => string;
    files?: Record<string, string | undefined>;
    expected: (paths: { stage: string; domains: string }) => RegExp[];
  }[] = [
    {
      case: "YAML syntax error in a stage file",
      stage: (text) => text.replace("natGateways: single", "natGateways: [single"),
      expected: ({ stage }) => [new RegExp(`^${stage}:\\d+:\\d+: .*invalid YAML: `)],
    },
    {
      case: "duplicate key in a stage file",
      stage: (text) => text.replace("  data-platform:owner:", "  data-platform:owner: twice\n  data-platform:owner:"),
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:${lineOf(devStage, "data-platform:owner:") + 1}:3: data-platform:owner: invalid YAML: duplicate key`,
        ),
      ],
    },
    {
      case: "tab in a stage file's indentation",
      stage: (text) => text.replace("    natGateways: single", "\tnatGateways: single"),
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:${lineOf(devStage, "natGateways: single")}:1: .*invalid YAML: a tab in the indentation; indent with spaces`,
        ),
      ],
    },
    {
      case: "config key at the top level of a stage file (indented under the wrong parent)",
      stage: (text) => `${text}data-platform:protect: true\n`,
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:${devStage.split("\n").length}:1: data-platform:protect: unknown top-level key \\(config keys go under "config:", indented\\)`,
        ),
      ],
    },
    {
      case: "a stage key indented under the wrong parent (valid YAML)",
      stage: (text) => text.replace("    flowLogRetentionDays: 30", "  flowLogRetentionDays: 30"),
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:${lineOf(devStage, "flowLogRetentionDays: 30")}:3: data-platform:flowLogRetentionDays: unknown key; "flowLogRetentionDays" is a key of data-platform:network \\(indented under the wrong parent\\?\\)`,
        ),
      ],
    },
    {
      case: "a misspelt stage key points at its line, with a suggestion",
      stage: (text) => text.replace("    natGateways: single", "    natGateway: single"),
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:${lineOf(devStage, "natGateways: single")}:5: data-platform:network.natGateway: unknown key \\(did you mean "natGateways"\\?\\)`,
        ),
        new RegExp(
          `^${stage}:${lineOf(devStage, "data-platform:network:")}:3: data-platform:network.natGateways: must be one of "single", "onePerAz"`,
        ),
      ],
    },
    {
      case: "YAML syntax error in a domain file, with no follow-on error for the stage that enables it",
      files: { "orders.yaml": orders.replace("costCentre: ", "costCentre: [") },
      expected: ({ domains }) => [new RegExp(`^${domains}/orders\\.yaml:\\d+:\\d+: .*invalid YAML: `)],
    },
    {
      case: "duplicate key in a domain file",
      files: { "orders.yaml": orders.replace("description: ", "costCentre: CC-1\ndescription: ") },
      expected: ({ domains }) => [
        new RegExp(
          `^${domains}/orders\\.yaml:${lineOf(orders, "costCentre:") + 1}:1: costCentre: invalid YAML: duplicate key`,
        ),
      ],
    },
    {
      case: "tab in a domain file",
      files: { "orders.yaml": orders.replace("  team: ", "\tteam: ") },
      expected: ({ domains }) => [
        new RegExp(`^${domains}/orders\\.yaml:${lineOf(orders, "  team: ")}:1: .*a tab in the indentation`),
      ],
    },
    {
      case: "a domain key indented under the wrong parent (valid YAML)",
      files: { "orders.yaml": `${orders.trimEnd()}\nemail: someone@example.com\n` },
      expected: ({ domains }) => [
        new RegExp(
          `^${domains}/orders\\.yaml:${orders.trimEnd().split("\n").length + 1}:1: email: unknown key; "email" is a key of owners \\(indented under the wrong parent\\?\\)`,
        ),
      ],
    },
    {
      case: "a data product in a zone its domain does not use",
      files: { "orders.yaml": orders.replace("zones: [raw, analytics]", "zones: [raw]") },
      expected: ({ domains }) => [
        new RegExp(
          `^${domains}/orders\\.yaml:${lineOf(orders, "zone: analytics")}:\\d+: dataProducts\\[0\\]\\.zone: zone "analytics" is not in needs\\.zones \\(raw\\)$`,
        ),
      ],
    },
    {
      case: "a data product key at the domain's top level",
      files: { "orders.yaml": `${orders.trimEnd()}\nzone: raw\n` },
      expected: ({ domains }) => [
        new RegExp(
          `^${domains}/orders\\.yaml:${orders.trimEnd().split("\n").length + 1}:1: zone: unknown key; "zone" is a key of dataProducts\\[\\] \\(indented under the wrong parent\\?\\)`,
        ),
      ],
    },
    {
      case: "empty domains directory: one line",
      files: Object.fromEntries(fs.readdirSync(path.join(platformDir, "domains")).map((entry) => [entry, undefined])),
      expected: ({ domains }) => [new RegExp(`^${domains}: no domain files in ${domains} `)],
    },
    {
      case: "unknown domain with a suggestion and the registered ones",
      stage: (text) => text.replace(/\n {4}logistics:/, "\n    logistcs:"),
      expected: ({ stage }) => [
        new RegExp(
          `^${stage}:\\d+:5: data-platform:domains.logistcs: domain "logistcs" is not registered in .* \\(did you mean "logistics"\\?\\); registered domains: logistics, marketing, orders`,
        ),
      ],
    },
  ];

  it.each(table)("$case", ({ stage, files, expected }) => {
    const domainsDir = registry(files);
    const stageText = stage ? stage(devStage) : devStage;
    expect(stageText, "the mutation must apply").not.toBe(files ? undefined : devStage);
    const lines = problems(stageText, domainsDir);
    const paths = { stage: `.*Pulumi\\.dev\\.yaml`, domains: domainsDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") };
    const patterns = expected(paths);
    expect(lines, lines.join("\n")).toHaveLength(patterns.length);
    for (const pattern of patterns)
      expect(
        lines.some((line) => pattern.test(line)),
        `${String(pattern)} in\n${lines.join("\n")}`,
      ).toBe(true);
  });

  it("the repository's dev stage has no problem (the table's base input is valid)", () => {
    expect(problems(devStage)).toEqual([]);
  });
});

describe("import sources: the keys of their kind", () => {
  const source = lineOf(devStage, "      orders-db:");
  const at = (needle: string) => `${lineOf(devStage, needle)}:9`;
  const key = "data-platform:importer\\.sources\\.orders-db";
  // The dev stage's aurora source turned into a jdbc one (the aurora keys replaced by jdbcUrl and port).
  const asJdbc = (
    text: string,
    keys = "        jdbcUrl: jdbc:postgresql://orders.db.example.internal:5432/orders?ssl=true\n        port: 5432\n",
  ) =>
    text
      .replace("        kind: aurora\n", "        kind: jdbc\n")
      .replace(/ {8}engine: postgresql\n[\s\S]*? {8}database: orders\n/, keys);
  // Each row: a mistake in the dev stage's importer source, and the only lines it must produce.
  const table: { case: string; stage: (text: string) => string; expected: string[] }[] = [
    {
      case: "an aurora source without its endpoint (at the source's line: the key is not there)",
      stage: (text) => text.replace(/ {8}endpoint: .*\n/, ""),
      expected: [`${source}:7: ${key}\\.endpoint: is required for kind aurora \\(expected string\\)$`],
    },
    {
      case: "an aurora source without its database",
      stage: (text) => text.replace("        database: orders\n", ""),
      expected: [`${source}:7: ${key}\\.database: is required for kind aurora \\(expected string\\)$`],
    },
    {
      case: "an aurora source with an empty endpoint",
      stage: (text) => text.replace(/endpoint: .*\n/, 'endpoint: ""\n'),
      expected: [`${at("        endpoint: ")}: ${key}\\.endpoint: must not be empty$`],
    },
    {
      case: "a jdbc source without its port",
      stage: (text) => asJdbc(text, "        jdbcUrl: jdbc:postgresql://orders.db.example.internal:5432/orders\n"),
      expected: [`${source}:7: ${key}\\.port: is required for kind jdbc \\(expected number\\)$`],
    },
    {
      case: "a jdbc source without its URL",
      stage: (text) => asJdbc(text, "        port: 5432\n"),
      expected: [`${source}:7: ${key}\\.jdbcUrl: is required for kind jdbc \\(expected string\\)$`],
    },
    {
      case: "an unknown kind lists the kinds",
      stage: (text) => text.replace("kind: aurora", "kind: oracle"),
      expected: [`${at("kind: aurora")}: ${key}\\.kind: must be one of "aurora", "jdbc", got "oracle"$`],
    },
    {
      case: "a misspelt kind, with a suggestion",
      stage: (text) => text.replace("kind: aurora", "kind: Aurora"),
      expected: [
        `${at("kind: aurora")}: ${key}\\.kind: must be one of "aurora", "jdbc", got "Aurora" \\(did you mean "aurora"\\?\\)$`,
      ],
    },
    {
      case: "no kind",
      stage: (text) => text.replace("        kind: aurora\n", ""),
      expected: [`${source}:7: ${key}\\.kind: is required: one of "aurora", "jdbc"$`],
    },
    {
      case: "a key of the aurora kind in a jdbc source is an error, not ignored",
      stage: (text) => asJdbc(text).replace("        port: 5432\n", "        port: 5432\n        database: orders\n"),
      expected: [
        `${lineOf(asJdbc(devStage), "        port: 5432") + 1}:9: ${key}\\.database: unknown key for kind jdbc; "database" applies to kind aurora only; allowed keys here: domain, kind, jdbcUrl, port, imageTag,`,
      ],
    },
    {
      case: "a key of the jdbc kind in an aurora source is an error, not ignored",
      stage: (text) =>
        text.replace(
          "        port: 5432\n",
          "        port: 5432\n        jdbcUrl: jdbc:postgresql://orders.db.example.internal:5432/orders\n",
        ),
      expected: [
        `${lineOf(devStage, "        port: 5432") + 1}:9: ${key}\\.jdbcUrl: unknown key for kind aurora; "jdbcUrl" applies to kind jdbc only; allowed keys here: domain, kind, engine, clusterIdentifier, endpoint, database, port,`,
      ],
    },
  ];

  it.each(table)("$case", ({ stage, expected }) => {
    const stageText = stage(devStage);
    expect(stageText, "the mutation must apply").not.toBe(devStage);
    const lines = problems(stageText);
    expect(lines, lines.join("\n")).toHaveLength(expected.length);
    for (const pattern of expected)
      expect(
        lines.some((line) => new RegExp(`^.*Pulumi\\.dev\\.yaml:${pattern}`).test(line)),
        `${pattern} in\n${lines.join("\n")}`,
      ).toBe(true);
  });

  it("accepts a complete jdbc source, and an aurora source without a port (the engine's default)", () => {
    expect(problems(asJdbc(devStage))).toEqual([]);
    expect(problems(devStage.replace("        port: 5432\n", ""))).toEqual([]);
  });
});

describe("ConfigError", () => {
  it("prints one line per problem, de-duplicated, with file:line:column where known", () => {
    const issues: ConfigIssue[] = [
      { file: "a.yaml", path: "x.y", message: "wrong", line: 3, column: 5 },
      { file: "a.yaml", path: "x.y", message: "wrong", line: 3, column: 5 },
      { file: "command line", path: "--stack", message: "is required" },
    ];
    const error = new ConfigError(issues, "Invalid input");
    expect(error.message).toBe(
      "Invalid input (2 problems):\na.yaml:3:5: x.y: wrong\ncommand line: --stack: is required",
    );
    expect(isConfigError(error)).toBe(true);
    // Recognised across module copies by its brand, not only by class identity.
    expect(
      isConfigError(Object.assign(new Error("x"), { [Symbol.for("@data-platform/config.ConfigError")]: true })),
    ).toBe(true);
    expect(isConfigError(new Error("x"))).toBe(false);
  });

  it("collects problems from several inputs into one error", () => {
    const problems = new Problems();
    problems.add({ file: "orders.yaml", path: "", message: "invalid YAML" });
    problems.add({ file: commandLine, path: "--json", message: "is a directory" });
    expect(() => problems.throwIfAny("Invalid input")).toThrow(
      /^Invalid input \(2 problems\):\norders\.yaml: invalid YAML\ncommand line: --json: is a directory$/,
    );
    expect(() => new Problems().throwIfAny()).not.toThrow();
  });

  it.each([
    ["logistcs", ["logistics", "marketing", "orders"], "logistics"],
    ["--stak", ["--stack", "--json", "--mode"], "--stack"],
    ["qa", ["dev", "prod", "staging"], undefined],
    ["s3-every-bucket-governd", ["s3-every-bucket-governed", "iam-no-wildcards"], "s3-every-bucket-governed"],
  ])("suggests %s -> %s", (value, candidates, suggestion) => {
    expect(closest(value, candidates)).toBe(suggestion);
  });
});

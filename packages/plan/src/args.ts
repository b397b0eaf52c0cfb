import { didYouMean } from "@data-platform/config";
import { UsageError } from "./project";
import type { PlanMode } from "./plan";

export interface CliArgs {
  stack: string;
  configFile?: string;
  domainsDir?: string;
  project: string;
  platformPlan?: string;
  mode: PlanMode;
  json?: string;
  markdown?: string;
  policyConfig?: string;
  stackTraces: boolean;
  help: boolean;
  /** An earlier plan document of the same stack to compare against. */
  base?: string;
  failOnReplaceStateful: boolean;
  tree: boolean;
  domain?: string;
  /** Price overrides for the cost estimate (JSON). */
  prices?: string;
  /** Usage model overrides per stage (JSON). */
  usage?: string;
}

export const usage = `Usage: npm run plan -- --stack <stack> [options]

Runs the Pulumi program in-process under mocks (no AWS account, no Pulumi CLI)
and prints what it would create.

Options:
  --stack <name>           stack (stage) to plan: dev, staging, prod (required)
  --config-file <file>     a Pulumi.<stack>.yaml-format file (default: the stack's own)
  --domains-dir <dir>      domain registry directory (default: the program's domains/)
  --project <dir>          directory with the project's Pulumi.yaml (default: .)
  --platform-plan <json>   resolve StackReferences from a platform plan's outputs
  --mode resolved|preview  which run to report (both always run; default resolved)
  --json <file>            write the plan document (schemaVersion 2)
  --markdown <file>        write a pull-request comment
  --policy-config <json>   policy pack config (enforcement levels, caps), as for pulumi --policy-pack-config
  --stack-traces           keep stack traces while the program runs (to debug it; slower)
  --base <json>            compare against an earlier plan of the stack (the base branch's)
  --fail-on-replace-stateful  exit 1 when the change replaces or deletes a stateful resource
  --tree                   print the resources as a tree (component -> children)
  --domain <name>          show only one domain's resources (and changes)
  --prices <json>          cost: override prices, { "prices": { "<key>": <usd> } }
  --usage <json>           cost: override the usage model, { "<stage>" | "*": { "<key>": <n> } }
  --help                   this text

Exit codes: 0 ok, 1 mandatory policy violations (or, with --fail-on-replace-stateful,
a stateful resource replaced or deleted), 2 invalid input (config, options, files;
nothing ran), 70 internal error (a bug: the plan itself failed).`;

const valued = new Set([
  "--stack",
  "--config-file",
  "--domains-dir",
  "--project",
  "--platform-plan",
  "--mode",
  "--json",
  "--markdown",
  "--policy-config",
  "--base",
  "--domain",
  "--prices",
  "--usage",
]);
const switches = new Set(["--stack-traces", "--fail-on-replace-stateful", "--tree"]);

export function parseArgs(argv: readonly string[]): CliArgs {
  const values = new Map<string, string>();
  let help = false;
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index]!;
    if (raw === "--help" || raw === "-h") {
      help = true;
      continue;
    }
    if (switches.has(raw)) {
      flags.add(raw);
      continue;
    }
    const [flag, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    if (switches.has(flag)) throw new UsageError("takes no value", flag);
    if (!valued.has(flag))
      throw new UsageError(`unknown option${didYouMean(flag, [...valued, ...switches, "--help"])}`, raw);
    const value = inline ?? argv[++index];
    if (value === undefined || value.startsWith("--")) throw new UsageError("needs a value", flag);
    if (values.has(flag)) throw new UsageError("given twice", flag);
    values.set(flag, value);
  }
  const stackTraces = flags.has("--stack-traces");
  const failOnReplaceStateful = flags.has("--fail-on-replace-stateful");
  const tree = flags.has("--tree");
  if (help) return { stack: "", project: ".", mode: "resolved", stackTraces, help, failOnReplaceStateful, tree };
  if (failOnReplaceStateful && !values.has("--base"))
    throw new UsageError("needs --base <json>, the plan to compare with", "--fail-on-replace-stateful");
  const stack = values.get("--stack");
  if (!stack) throw new UsageError("is required (the stack to plan, such as dev)", "--stack");
  const mode = values.get("--mode") ?? "resolved";
  if (mode !== "resolved" && mode !== "preview")
    throw new UsageError(`must be "resolved" or "preview", got "${mode}"`, "--mode");
  return {
    stack,
    configFile: values.get("--config-file"),
    domainsDir: values.get("--domains-dir"),
    project: values.get("--project") ?? ".",
    platformPlan: values.get("--platform-plan"),
    mode,
    json: values.get("--json"),
    markdown: values.get("--markdown"),
    policyConfig: values.get("--policy-config"),
    stackTraces,
    help,
    base: values.get("--base"),
    failOnReplaceStateful,
    tree,
    domain: values.get("--domain"),
    prices: values.get("--prices"),
    usage: values.get("--usage"),
  };
}

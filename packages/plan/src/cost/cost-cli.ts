import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  commandLine,
  ConfigError,
  didYouMean,
  displayPath,
  isConfigError,
  type ConfigIssue,
} from "@data-platform/config";
import { runPlan } from "../plan";
import { availableStacks, readProject, UsageError } from "../project";
import { writeSyntheticStage } from "../synthetic-domains";
import { priceTable, usageModel } from "./estimate";
import { costText, money } from "./report";

export const costUsage = `Usage: npm run cost -- --stack <stack> [--domains <n>] [--config-file <yaml>] [--prices <json>] [--usage <json>] [--budget <usd>]

Prints the monthly cost estimate of a stage (the offline plan's cost section, in detail).
With --domains, the stage's registry is replaced by n synthetic domains with default needs
(the seed workload: --stack prod --domains 20 at the default 2 TB/day). --config-file plans
another Pulumi.<stack>.yaml-format file (with --domains, the synthetic domains go into a copy of it).

Exit codes: 0 ok (or within --budget), 1 over --budget, 2 invalid input (options, files;
nothing ran), 70 internal error.`;

interface CostArgs {
  stack: string;
  domains?: number;
  prices?: string;
  usage?: string;
  budget?: number;
  configFile?: string;
}

const costOptions = ["--stack", "--domains", "--prices", "--usage", "--budget", "--config-file"];

export function parseCostArgs(argv: readonly string[]): CostArgs | "help" {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index]!;
    if (raw === "--help" || raw === "-h") return "help";
    const [flag, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    if (!costOptions.includes(flag))
      throw new UsageError(`unknown option${didYouMean(flag, [...costOptions, "--help"])}`, raw);
    const value = inline ?? argv[++index];
    if (value === undefined || value.startsWith("--")) throw new UsageError("needs a value", flag);
    if (values.has(flag)) throw new UsageError("given twice", flag);
    values.set(flag, value);
  }
  const stack = values.get("--stack");
  if (!stack) throw new UsageError("is required (the stack to estimate, such as prod)", "--stack");
  const number = (flag: string, integer: boolean) => {
    const raw = values.get(flag);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < (integer ? 1 : 0) || (integer && !Number.isInteger(value)))
      throw new UsageError(`must be ${integer ? "a whole number >= 1" : "a number >= 0"}, got "${raw}"`, flag);
    return value;
  };
  return {
    stack,
    domains: number("--domains", true),
    prices: values.get("--prices"),
    usage: values.get("--usage"),
    budget: number("--budget", false),
    configFile: values.get("--config-file"),
  };
}

/** `npm run cost`: returns the exit code. */
export async function costMain(
  argv: readonly string[],
  repoRoot = path.resolve(__dirname, "../../../.."),
): Promise<number> {
  let scratch: string | undefined;
  try {
    const args = parseCostArgs(argv);
    if (args === "help") {
      console.log(costUsage);
      return 0;
    }
    // Every input is checked before the plan runs, and reported together (file and key).
    const problems: ConfigIssue[] = [];
    const prices = priceTable(args.prices, problems);
    const stacks = availableStacks(readProject(repoRoot));
    const usage = usageModel(args.stack, args.usage, problems, stacks);
    let stage: { configFile?: string; domainsDir?: string } = args.configFile
      ? { configFile: path.resolve(args.configFile) }
      : {};
    if (args.domains) {
      // The synthetic domains go into a copy of the stage file, so it must exist (without --domains, the plan checks it).
      const baseConfig = args.configFile
        ? path.resolve(args.configFile)
        : path.join(repoRoot, "stacks/platform", `Pulumi.${args.stack}.yaml`);
      if (args.configFile && !fs.existsSync(baseConfig))
        problems.push({
          file: commandLine,
          path: "--config-file",
          message: `${displayPath(baseConfig)}: file not found`,
        });
      if (!args.configFile && !fs.existsSync(baseConfig)) {
        problems.push({
          file: commandLine,
          path: "--stack",
          message: `no stack "${args.stack}": ${displayPath(baseConfig)} does not exist${didYouMean(args.stack, stacks)}; available stacks: ${stacks.join(", ")}`,
        });
      }
      if (problems.length > 0) throw new ConfigError(problems, "Invalid input");
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
      stage = writeSyntheticStage(baseConfig, args.domains, scratch);
    }
    const { document } = await runPlan({
      stack: args.stack,
      projectDir: repoRoot,
      ...stage,
      inputProblems: problems,
      cost: { prices, usage, ...(args.prices ? { overrides: args.prices } : {}) },
    });
    const cost = document.cost!;
    const scope = args.domains ? `${args.domains} synthetic domains` : "its own domains";
    console.log(`Cost estimate of ${document.stack} with ${scope}: ${money(cost.total)}/month\n`);
    console.log(costText(cost, { drivers: 15 }).join("\n"));
    console.log(
      "\nUsage model:",
      Object.entries(cost.usage)
        .map(([key, value]) => `${key}=${value}`)
        .join(", "),
    );
    if (args.budget !== undefined) {
      const within = cost.total <= args.budget;
      console.log(`\nBudget ${money(args.budget)}/month: ${within ? "within" : "OVER"} (${money(cost.total)})`);
      return within ? 0 : 1;
    }
    return 0;
  } catch (error) {
    if (isConfigError(error)) {
      console.error(error.message);
      if (error.issues.some((issue) => issue.file === commandLine))
        console.error("(npm run cost -- --help lists the options)");
      return 2;
    }
    throw error;
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  costMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 70;
    },
  );
}

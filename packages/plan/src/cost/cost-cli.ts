import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "@data-platform/config";
import { runPlan } from "../plan";
import { UsageError } from "../project";
import { writeSyntheticStage } from "../synthetic-domains";
import { priceTable, usageModel } from "./estimate";
import { costText, money } from "./report";

export const costUsage = `Usage: npm run cost -- --stack <stack> [--domains <n>] [--config-file <yaml>] [--prices <json>] [--usage <json>] [--budget <usd>]

Prints the monthly cost estimate of a stage (the offline plan's cost section, in detail).
With --domains, the stage's registry is replaced by n synthetic domains with default needs
(the seed workload: --stack prod --domains 20 at the default 2 TB/day). --config-file plans
another Pulumi.<stack>.yaml-format file (with --domains, the synthetic domains go into a copy of it).

Exit codes: 0 ok (or within --budget), 1 over --budget, 2 invalid usage.`;

interface CostArgs {
  stack: string;
  domains?: number;
  prices?: string;
  usage?: string;
  budget?: number;
  configFile?: string;
}

export function parseCostArgs(argv: readonly string[]): CostArgs | "help" {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === "--help" || flag === "-h") return "help";
    if (!["--stack", "--domains", "--prices", "--usage", "--budget", "--config-file"].includes(flag)) throw new UsageError(`unknown option "${flag}"`);
    const value = argv[++index];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const stack = values.get("--stack");
  if (!stack) throw new UsageError("--stack is required");
  const number = (flag: string, integer: boolean) => {
    const raw = values.get(flag);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < (integer ? 1 : 0) || (integer && !Number.isInteger(value))) throw new UsageError(`${flag} must be ${integer ? "a whole number >= 1" : "a number >= 0"}, got "${raw}"`);
    return value;
  };
  return { stack, domains: number("--domains", true), prices: values.get("--prices"), usage: values.get("--usage"), budget: number("--budget", false), configFile: values.get("--config-file") };
}

/** `npm run cost`: returns the exit code. */
export async function costMain(argv: readonly string[], repoRoot = path.resolve(__dirname, "../../../..")): Promise<number> {
  let scratch: string | undefined;
  try {
    const args = parseCostArgs(argv);
    if (args === "help") {
      console.log(costUsage);
      return 0;
    }
    const prices = priceTable(args.prices);
    const usage = usageModel(args.stack, args.usage);
    let stage: { configFile?: string; domainsDir?: string } = args.configFile ? { configFile: path.resolve(args.configFile) } : {};
    if (args.domains) {
      const baseConfig = args.configFile ? path.resolve(args.configFile) : path.join(repoRoot, "stacks/platform", `Pulumi.${args.stack}.yaml`);
      if (!fs.existsSync(baseConfig)) throw new UsageError(`no stack config file for stack "${args.stack}": ${baseConfig} does not exist`);
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
      stage = writeSyntheticStage(baseConfig, args.domains, scratch);
    }
    const { document } = await runPlan({ stack: args.stack, projectDir: repoRoot, ...stage, cost: { prices, usage, ...(args.prices ? { overrides: args.prices } : {}) } });
    const cost = document.cost!;
    const scope = args.domains ? `${args.domains} synthetic domains` : "its own domains";
    console.log(`Cost estimate of ${document.stack} with ${scope}: ${money(cost.total)}/month\n`);
    console.log(costText(cost, { drivers: 15 }).join("\n"));
    console.log("\nUsage model:", Object.entries(cost.usage).map(([key, value]) => `${key}=${value}`).join(", "));
    if (args.budget !== undefined) {
      const within = cost.total <= args.budget;
      console.log(`\nBudget ${money(args.budget)}/month: ${within ? "within" : "OVER"} (${money(cost.total)})`);
      return within ? 0 : 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || (error as Error)?.name === "ConfigError") {
      console.error((error as Error).message);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`cost: ${error.message}\n\n${costUsage}`);
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

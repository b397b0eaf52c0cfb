import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "@data-platform/config";
import { evaluatePolicies } from "@data-platform/policy-pack";
import type { PolicyPackConfig } from "@pulumi/policy";
import { parseArgs, usage } from "./args";
import { runPlan } from "./plan";
import { UsageError } from "./project";
import { markdownReport, textSummary } from "./report";
import { checkBase, readPlanDocument, replacesStateful } from "./review";
import { diffPlans } from "./diff";
import { diffText } from "./diff-report";
import { priceTable, usageModel } from "./cost/estimate";

export const exitCodes = { ok: 0, mandatoryViolations: 1, invalidInput: 2 } as const;

function readPolicyConfig(file: string | undefined): PolicyPackConfig {
  if (!file) return {};
  if (!fs.existsSync(file)) throw new UsageError(`--policy-config ${file}: file not found`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
  } catch (error) {
    throw new UsageError(`--policy-config ${file}: not JSON (${(error as Error).message})`);
  }
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The plan command; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      console.log(usage);
      return exitCodes.ok;
    }
    const policyConfig = readPolicyConfig(args.policyConfig);
    const result = await runPlan({
      stack: args.stack,
      projectDir: args.project,
      configFile: args.configFile,
      domainsDir: args.domainsDir,
      platformPlan: args.platformPlan,
      mode: args.mode,
      stackTraces: args.stackTraces,
      cost: { prices: priceTable(args.prices), usage: usageModel(args.stack, args.usage), ...(args.prices ? { overrides: args.prices } : {}) },
      policies: (document, revealed) =>
        evaluatePolicies(
          document.resources.map((resource) => ({ ...resource, inputs: revealed.get(resource.urn) ?? resource.inputs })),
          { config: policyConfig },
        ),
    });
    if (args.base) {
      const base = readPlanDocument(args.base, "--base");
      checkBase(base, result.document, args.base);
      result.document.diff = diffPlans(base, result.document);
    }
    console.log(textSummary(result.document, { tree: args.tree, domain: args.domain }));
    if (result.document.diff) console.log(`\n${diffText(result.document.diff, { domain: args.domain })}`);
    if (args.json) write(args.json, `${JSON.stringify(result.document, null, 2)}\n`);
    if (args.markdown) write(args.markdown, markdownReport([result.document]));
    const mandatory = result.document.policy.violations.some((violation) => violation.level === "mandatory");
    const stateful = args.failOnReplaceStateful && result.document.diff !== undefined && replacesStateful(result.document.diff);
    if (stateful) console.error("plan: the change replaces or deletes a stateful resource (--fail-on-replace-stateful)");
    return mandatory || stateful ? exitCodes.mandatoryViolations : exitCodes.ok;
  } catch (error) {
    if (error instanceof ConfigError || (error as Error)?.name === "ConfigError") {
      console.error((error as Error).message);
      return exitCodes.invalidInput;
    }
    if (error instanceof UsageError) {
      console.error(`plan: ${error.message}\n\n${usage}`);
      return exitCodes.invalidInput;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      if (!process.argv.includes("--stack-traces")) console.error("(the program ran without stack traces, for speed: add --stack-traces to see where it failed)");
      process.exitCode = 70;
    },
  );
}

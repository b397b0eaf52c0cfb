import * as fs from "node:fs";
import * as path from "node:path";
import {
  commandLine,
  ConfigError,
  didYouMean,
  displayPath,
  isConfigError,
  sourcePositions,
  type ConfigIssue,
} from "@data-platform/config";
import { evaluatePolicies, policies } from "@data-platform/policy-pack";
import type { PolicyPackConfig } from "@pulumi/policy";
import { parseArgs, usage } from "./args";
import { attribute } from "./attribution";
import { runPlan } from "./plan";
import { availableStacks, readProject, type PulumiProject } from "./project";
import { markdownReport, textSummary } from "./report";
import { readBasePlan, replacesStateful } from "./review";
import { diffPlans } from "./diff";
import { diffText } from "./diff-report";
import { priceTable, usageModel } from "./cost/estimate";

/** The plan's exit codes (documented in the README and `--help`). */
export const exitCodes = { ok: 0, mandatoryViolations: 1, invalidInput: 2, internalError: 70 } as const;

const enforcementLevels = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads a policy pack config and checks it against the pack: rule names (or `all`) and enforcement levels. */
function readPolicyConfig(file: string | undefined, problems: ConfigIssue[]): PolicyPackConfig {
  if (!file) return {};
  const label = displayPath(path.resolve(file));
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    problems.push({ file: commandLine, path: "--policy-config", message: `${label}: file not found` });
    return {};
  }
  const text = fs.readFileSync(file, "utf8");
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    const position = sourcePositions(text, label).issues[0];
    problems.push({
      file: label,
      path: "",
      message: `not JSON (${(error as Error).message})`,
      line: position?.line,
      column: position?.column,
    });
    return {};
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problems.push({
      file: label,
      path: "",
      message: 'must be a JSON object of rule names to an enforcement level or {"enforcementLevel": ..., <parameters>}',
    });
    return {};
  }
  const source = sourcePositions(text, label);
  const rules = policies.map((policy) => policy.name).sort();
  for (const [rule, entry] of Object.entries(config)) {
    const at = source.locateKeys([rule]);
    if (rule !== "all" && !rules.includes(rule)) {
      problems.push({
        file: label,
        path: rule,
        message: `unknown rule${didYouMean(rule, rules)}; rules of the pack: all, ${rules.join(", ")}`,
        ...at,
      });
      continue;
    }
    const level =
      typeof entry === "string"
        ? entry
        : entry && typeof entry === "object" && !Array.isArray(entry)
          ? (entry as { enforcementLevel?: unknown }).enforcementLevel
          : null;
    if (level === null || (level !== undefined && !enforcementLevels.includes(level as string))) {
      problems.push({
        file: label,
        path: rule,
        message: `must be an enforcement level (${enforcementLevels.join(", ")}) or an object with enforcementLevel and the rule's parameters`,
        ...at,
      });
    }
  }
  return config as PolicyPackConfig;
}

/** Checks an output path before the plan runs: not a directory, and its directory can be created and written. */
function outputPathProblems(option: string, file: string | undefined): ConfigIssue[] {
  if (file === undefined) return [];
  const target = path.resolve(file);
  const problem = (message: string): ConfigIssue[] => [
    { file: commandLine, path: option, message: `${file}: ${message}` },
  ];
  if (fs.existsSync(target)) {
    if (fs.statSync(target).isDirectory())
      return problem(
        `is a directory; give a file name, such as ${path.join(file, option === "--json" ? "plan.json" : "plan.md")}`,
      );
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch {
      return problem("is not writable");
    }
    return [];
  }
  let ancestor = path.dirname(target);
  while (!fs.existsSync(ancestor)) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) return problem(`cannot be created: ${ancestor} is a file, not a directory`);
  try {
    fs.accessSync(ancestor, fs.constants.W_OK);
  } catch {
    return problem(`cannot be created: ${ancestor} is not writable`);
  }
  return [];
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The plan command; returns the exit code. Input problems print one line each and return 2 before the program runs. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      console.log(usage);
      return exitCodes.ok;
    }
    const problems: ConfigIssue[] = [
      ...outputPathProblems("--json", args.json),
      ...outputPathProblems("--markdown", args.markdown),
    ];
    if (
      args.json !== undefined &&
      args.markdown !== undefined &&
      path.resolve(args.json) === path.resolve(args.markdown)
    ) {
      problems.push({ file: commandLine, path: "--markdown", message: `${args.markdown}: the same file as --json` });
    }
    const policyConfig = readPolicyConfig(args.policyConfig, problems);
    // The project, where it can be read (runPlan reports it otherwise): the base plan's project and the usage file's stages.
    let project: PulumiProject | undefined;
    try {
      project = readProject(path.resolve(args.project));
    } catch {
      project = undefined;
    }
    const base =
      args.base === undefined
        ? undefined
        : readBasePlan(args.base, { stack: args.stack, project: project?.name }, problems);
    const prices = priceTable(args.prices, problems);
    const usageOverrides = usageModel(args.stack, args.usage, problems, project ? availableStacks(project) : undefined);
    const result = await runPlan({
      stack: args.stack,
      projectDir: args.project,
      configFile: args.configFile,
      domainsDir: args.domainsDir,
      platformPlan: args.platformPlan,
      mode: args.mode,
      stackTraces: args.stackTraces,
      inputProblems: problems,
      cost: { prices, usage: usageOverrides, ...(args.prices ? { overrides: args.prices } : {}) },
      policies: (document, revealed) =>
        evaluatePolicies(
          document.resources.map((resource) => ({
            ...resource,
            inputs: revealed.get(resource.urn) ?? resource.inputs,
          })),
          { config: policyConfig },
        ),
    });
    if (args.domain !== undefined) {
      // The domains exist only in the plan (by their tags): an unknown one is an input problem, before anything is written.
      const domains = [
        ...new Set([...attribute(result.document).domains, ...(base ? attribute(base).domains : [])]),
      ].sort();
      if (!domains.includes(args.domain)) {
        throw new ConfigError(
          [
            {
              file: commandLine,
              path: "--domain",
              message: `no domain "${args.domain}" in the plan${didYouMean(args.domain, domains)}; domains: ${domains.join(", ") || "none"}`,
            },
          ],
          "Invalid input",
        );
      }
    }
    if (base) result.document.diff = diffPlans(base, result.document);
    console.log(textSummary(result.document, { tree: args.tree, domain: args.domain }));
    if (result.document.diff) console.log(`\n${diffText(result.document.diff, { domain: args.domain })}`);
    if (args.json) write(args.json, `${JSON.stringify(result.document, null, 2)}\n`);
    if (args.markdown) write(args.markdown, markdownReport([result.document]));
    const mandatory = result.document.policy.violations.some((violation) => violation.level === "mandatory");
    const stateful =
      args.failOnReplaceStateful && result.document.diff !== undefined && replacesStateful(result.document.diff);
    if (stateful)
      console.error("plan: the change replaces or deletes a stateful resource (--fail-on-replace-stateful)");
    return mandatory || stateful ? exitCodes.mandatoryViolations : exitCodes.ok;
  } catch (error) {
    if (isConfigError(error)) {
      console.error(error.message);
      if (error.issues.some((issue) => issue.file === commandLine))
        console.error("(npm run plan -- --help lists the options)");
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
      // Not an input problem: a bug in the plan or the program. Exit code 70 (EX_SOFTWARE), with the trace.
      console.error(error);
      if (!process.argv.includes("--stack-traces"))
        console.error("(the program ran without stack traces, for speed: add --stack-traces to see where it failed)");
      process.exitCode = exitCodes.internalError;
    },
  );
}

import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkStackFile,
  closest,
  commandLine,
  ConfigError,
  configEnv,
  displayPath,
  isConfigError,
  Problems,
  sourcePositions,
  type ConfigIssue,
} from "@data-platform/config";
import { readStackConfigFile } from "@data-platform/testing";
import type { PriceTable, UsageModel } from "@data-platform/policy-pack";
import { estimateCost } from "./cost/estimate";
import { estimateDeployTime } from "./deploy-time";
import type { PlanDocument, PolicyViolation } from "./document";
import { availableStacks, programEntry, readProject, type PulumiProject } from "./project";
import { runMode, type ModeRun, type PlanMode } from "./run-mode";

export type { PlanMode } from "./run-mode";

/**
 * Evaluates policies over a finished plan (the policy pack plugs in here).
 * `revealedInputs` holds each resource's inputs with secret values in clear, by URN.
 */
export type PolicyEvaluator = (
  document: PlanDocument,
  revealedInputs: ReadonlyMap<string, Record<string, unknown>>,
) => PolicyViolation[] | Promise<PolicyViolation[]>;

export interface PlanOptions {
  stack: string;
  /** Directory holding the project's Pulumi.yaml. */
  projectDir: string;
  /** A `Pulumi.<stack>.yaml`-format file; defaults to the stack's own file. */
  configFile?: string;
  /** The domain registry directory; defaults to the program's `domains/`. */
  domainsDir?: string;
  /** A platform plan JSON whose outputs answer the program's StackReferences. */
  platformPlan?: string;
  /** The mode whose document is reported; both modes always run. */
  mode?: PlanMode;
  policies?: PolicyEvaluator;
  /** Keep full stack traces while the program runs, to debug a failing program (slower). @default false */
  stackTraces?: boolean;
  /** Problems the caller found in its own inputs (options, output paths, policy config), reported with the plan's. */
  inputProblems?: readonly ConfigIssue[];
  /** The price table and usage model of the cost estimate. @default the built-in table and the stage's default usage */
  cost?: { prices?: PriceTable; usage?: UsageModel; overrides?: string };
}

export interface PlanResult {
  /** The document of the requested mode. */
  document: PlanDocument;
  /** Both documents, by mode. */
  documents: Record<PlanMode, PlanDocument>;
}

export const consistencyPolicy = "plan-urns-identical-in-preview";

/** A platform plan's outputs, or the problems that make it unusable (file, line and key). */
function readPlatformPlan(file: string, problems: Problems): Record<string, Record<string, unknown>> | undefined {
  const label = displayPath(file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    problems.add({
      file: commandLine,
      path: "--platform-plan",
      message: `${label}: file not found (write one with npm run plan -- --stack <stage> --json <file>)`,
    });
    return undefined;
  }
  const text = fs.readFileSync(file, "utf8");
  let document: PlanDocument;
  try {
    document = JSON.parse(text) as PlanDocument;
  } catch (error) {
    // The YAML parser reads JSON too, and knows the line and column of a syntax error.
    const position = sourcePositions(text, label).issues[0];
    problems.add({
      file: label,
      path: "",
      message: `not JSON (${(error as Error).message})`,
      line: position?.line,
      column: position?.column,
    });
    return undefined;
  }
  if (
    typeof document !== "object" ||
    document === null ||
    (document.schemaVersion !== 1 && document.schemaVersion !== 2)
  ) {
    problems.add({
      file: label,
      path: "schemaVersion",
      message: "not a plan document: expected schemaVersion 1 or 2 (the JSON that npm run plan -- --json writes)",
    });
    return undefined;
  }
  if (typeof document.outputs !== "object" || document.outputs === null || Array.isArray(document.outputs)) {
    problems.add({
      file: label,
      path: "outputs",
      message: "is required: the stack outputs that answer the program's StackReferences",
    });
    return undefined;
  }
  // Any StackReference the program makes resolves to the platform plan's outputs.
  return { "*": document.outputs };
}

/**
 * Runs a Pulumi program in-process under the mock harness, once per mode, and
 * returns what it would register. Nothing here talks to AWS or the Pulumi CLI.
 * Every input is checked first: problems stop the plan with one ConfigError before the program runs.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const problems = new Problems();
  problems.add(...(options.inputProblems ?? []));
  let project: PulumiProject;
  try {
    project = readProject(path.resolve(options.projectDir));
  } catch (error) {
    if (!isConfigError(error)) throw error;
    problems.add(...error.issues);
    throw new ConfigError(problems.issues, "Invalid input");
  }
  const configFile = path.resolve(
    options.configFile ?? path.join(project.stackConfigDir, `Pulumi.${options.stack}.yaml`),
  );
  if (!options.configFile && !fs.existsSync(configFile)) {
    const stacks = availableStacks(project);
    const suggestion = closest(options.stack, stacks);
    problems.add({
      file: commandLine,
      path: "--stack",
      message: `no stack "${options.stack}": ${displayPath(configFile)} does not exist${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; available stacks: ${stacks.join(", ") || "none"}`,
    });
  } else {
    const checked = checkStackFile(configFile, displayPath(configFile));
    problems.add(...checked.issues);
  }
  const stackReferences = options.platformPlan
    ? readPlatformPlan(path.resolve(options.platformPlan), problems)
    : undefined;
  problems.throwIfAny("Invalid input");
  const engineConfig = readStackConfigFile(configFile, project.configDefaults, project.name);
  const entry = programEntry(project);

  const saved = {
    configFile: process.env[configEnv.configFile],
    domainsDir: process.env[configEnv.domainsDir],
    platformPlan: process.env[configEnv.platformPlan],
  };
  process.env[configEnv.configFile] = configFile;
  if (options.domainsDir) process.env[configEnv.domainsDir] = path.resolve(options.domainsDir);
  else delete process.env[configEnv.domainsDir];
  if (options.platformPlan) process.env[configEnv.platformPlan] = path.resolve(options.platformPlan);
  else delete process.env[configEnv.platformPlan];

  const run = (mode: PlanMode): ModeRun => ({
    mode,
    entry,
    project: project.name,
    stack: options.stack,
    config: engineConfig.config,
    secretKeys: engineConfig.secretKeys,
    stackReferences,
    stackTraces: options.stackTraces,
  });
  const documents = {} as Record<PlanMode, PlanDocument>;
  let revealedInputs: ReadonlyMap<string, Record<string, unknown>> = new Map();
  try {
    // Sequential on purpose: a worker thread for the preview run costs a second SDK load.
    const resolved = await runMode(run("resolved"));
    revealedInputs = resolved.revealedInputs;
    documents.resolved = resolved.document;
    documents.preview = (await runMode(run("preview"))).document;
  } finally {
    restore(configEnv.configFile, saved.configFile);
    restore(configEnv.domainsDir, saved.domainsDir);
    restore(configEnv.platformPlan, saved.platformPlan);
  }

  // Policies read the resolved run, where every input is concrete; both documents report the findings.
  const violations = [
    ...compareUrns(documents.resolved, documents.preview),
    ...((await options.policies?.(documents.resolved, revealedInputs)) ?? []),
  ];
  // Cost and deploy time read the resolved run (concrete inputs); both documents carry them.
  const cost = estimateCost(documents.resolved, options.cost?.prices, options.cost?.usage, options.cost?.overrides);
  const deployTime = estimateDeployTime(documents.resolved);
  for (const mode of ["resolved", "preview"] as const)
    Object.assign(documents[mode], { cost, deployTime, policy: { violations } });
  return { document: documents[options.mode ?? "resolved"], documents };
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/**
 * A resource created inside `apply` exists only when values are known, so it is
 * missing from a real first preview: the URN sets of both modes must be equal.
 */
export function compareUrns(resolved: PlanDocument, preview: PlanDocument): PolicyViolation[] {
  const previewUrns = new Set(preview.resources.map((resource) => resource.urn));
  const resolvedUrns = new Set(resolved.resources.map((resource) => resource.urn));
  const violations: PolicyViolation[] = [];
  for (const urn of resolvedUrns) {
    if (!previewUrns.has(urn)) {
      violations.push({
        policy: consistencyPolicy,
        level: "mandatory",
        urn,
        message: "registered only when outputs are known (created inside apply?): a real preview would not show it",
      });
    }
  }
  for (const urn of previewUrns) {
    if (!resolvedUrns.has(urn)) {
      violations.push({
        policy: consistencyPolicy,
        level: "mandatory",
        urn,
        message: "registered only during preview: the resolved run does not create it",
      });
    }
  }
  return violations;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { configEnv } from "@data-platform/config";
import { readStackConfigFile } from "@data-platform/testing";
import type { PriceTable, UsageModel } from "@data-platform/policy-pack";
import { estimateCost } from "./cost/estimate";
import { estimateDeployTime } from "./deploy-time";
import type { PlanDocument, PolicyViolation } from "./document";
import { programEntry, readProject, UsageError } from "./project";
import { runMode, type ModeRun, type PlanMode } from "./run-mode";

export type { PlanMode } from "./run-mode";

/**
 * Evaluates policies over a finished plan (the policy pack plugs in here).
 * `revealedInputs` holds each resource's inputs with secret values in clear, by URN.
 */
export type PolicyEvaluator = (document: PlanDocument, revealedInputs: ReadonlyMap<string, Record<string, unknown>>) => PolicyViolation[] | Promise<PolicyViolation[]>;

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

function readPlatformPlan(file: string): Record<string, Record<string, unknown>> {
  if (!fs.existsSync(file)) throw new UsageError(`--platform-plan ${file}: file not found`);
  let document: PlanDocument;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
  } catch (error) {
    throw new UsageError(`--platform-plan ${file}: not JSON (${(error as Error).message})`);
  }
  if ((document.schemaVersion !== 1 && document.schemaVersion !== 2) || typeof document.outputs !== "object") {
    throw new UsageError(`--platform-plan ${file}: not a plan document (schemaVersion 1 or 2 with outputs)`);
  }
  // Any StackReference the program makes resolves to the platform plan's outputs.
  return { "*": document.outputs };
}

/**
 * Runs a Pulumi program in-process under the mock harness, once per mode, and
 * returns what it would register. Nothing here talks to AWS or the Pulumi CLI.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const project = readProject(path.resolve(options.projectDir));
  const configFile = path.resolve(options.configFile ?? path.join(project.stackConfigDir, `Pulumi.${options.stack}.yaml`));
  if (!fs.existsSync(configFile)) throw new UsageError(`no stack config file for stack "${options.stack}": ${configFile} does not exist`);
  const engineConfig = readStackConfigFile(configFile, project.configDefaults);
  const stackReferences = options.platformPlan ? readPlatformPlan(path.resolve(options.platformPlan)) : undefined;
  const entry = programEntry(project);

  const saved = { configFile: process.env[configEnv.configFile], domainsDir: process.env[configEnv.domainsDir] };
  process.env[configEnv.configFile] = configFile;
  if (options.domainsDir) process.env[configEnv.domainsDir] = path.resolve(options.domainsDir);
  else delete process.env[configEnv.domainsDir];

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
  }

  // Policies read the resolved run, where every input is concrete; both documents report the findings.
  const violations = [...compareUrns(documents.resolved, documents.preview), ...((await options.policies?.(documents.resolved, revealedInputs)) ?? [])];
  // Cost and deploy time read the resolved run (concrete inputs); both documents carry them.
  const cost = estimateCost(documents.resolved, options.cost?.prices, options.cost?.usage, options.cost?.overrides);
  const deployTime = estimateDeployTime(documents.resolved);
  for (const mode of ["resolved", "preview"] as const) Object.assign(documents[mode], { cost, deployTime, policy: { violations } });
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
      violations.push({ policy: consistencyPolicy, level: "mandatory", urn, message: "registered only when outputs are known (created inside apply?): a real preview would not show it" });
    }
  }
  for (const urn of previewUrns) {
    if (!resolvedUrns.has(urn)) {
      violations.push({ policy: consistencyPolicy, level: "mandatory", urn, message: "registered only during preview: the resolved run does not create it" });
    }
  }
  return violations;
}

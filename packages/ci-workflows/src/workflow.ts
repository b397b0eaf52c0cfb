import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";

/** A `permissions:` value: a map of scope -> level, or one of the shorthands. */
export type Permissions = "read-all" | "write-all" | Record<string, string>;

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  "working-directory"?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: unknown;
  "continue-on-error"?: unknown;
  [key: string]: unknown;
}

export interface Job {
  name?: string;
  "runs-on"?: unknown;
  needs?: string | string[];
  if?: unknown;
  permissions?: Permissions;
  environment?: string | { name?: string; url?: string };
  concurrency?: string | { group?: string; "cancel-in-progress"?: unknown };
  strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: unknown; "max-parallel"?: unknown };
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  steps?: Step[];
  /** A call of a reusable workflow (job-level `uses`). */
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: "inherit" | Record<string, unknown>;
  [key: string]: unknown;
}

export interface Workflow {
  /** Repository-relative path, e.g. `.github/workflows/ci.yml` (or a label for in-memory workflows). */
  file: string;
  /** The YAML text, for checks that need what parsing drops (comments). */
  source: string;
  name?: string;
  /** The triggers, normalised to a map (`on: push` becomes `{ push: null }`). */
  on: Record<string, unknown>;
  permissions?: Permissions;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  concurrency?: string | { group?: string; "cancel-in-progress"?: unknown };
  jobs: Record<string, Job>;
  /** The whole parsed document, for checks that walk every value. */
  raw: Record<string, unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function normaliseTriggers(on: unknown): Record<string, unknown> {
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [String(event), null]));
  if (isRecord(on)) return on;
  return {};
}

/**
 * Parses one workflow file. Throws with the file name on YAML errors and on
 * shapes GitHub would reject outright (no `on`, no `jobs`, a job without
 * `steps` or `uses`, a step that is not a map).
 */
export function parseWorkflow(file: string, source: string): Workflow {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0)
    throw new Error(`${file}: invalid YAML: ${document.errors.map((error) => error.message).join("; ")}`);
  const raw: unknown = document.toJS();
  if (!isRecord(raw)) throw new Error(`${file}: a workflow must be a YAML map`);
  if (!("on" in raw)) throw new Error(`${file}: a workflow needs "on" (its triggers)`);
  if (!isRecord(raw["jobs"])) throw new Error(`${file}: a workflow needs a "jobs" map`);
  const jobs = raw["jobs"] as Record<string, Job>;
  for (const [id, job] of Object.entries(jobs)) {
    if (!isRecord(job)) throw new Error(`${file}: jobs.${id} must be a map`);
    if (job.uses === undefined && !Array.isArray(job.steps))
      throw new Error(`${file}: jobs.${id} needs "steps" or "uses"`);
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (!isRecord(step)) throw new Error(`${file}: jobs.${id}.steps[${index}] must be a map`);
      if ((step.uses === undefined) === (step.run === undefined))
        throw new Error(`${file}: jobs.${id}.steps[${index}] needs exactly one of "uses" and "run"`);
    }
  }
  return {
    file,
    source,
    name: typeof raw["name"] === "string" ? raw["name"] : undefined,
    on: normaliseTriggers(raw["on"]),
    permissions: raw["permissions"] as Permissions | undefined,
    env: raw["env"] as Record<string, unknown> | undefined,
    defaults: raw["defaults"] as Workflow["defaults"],
    concurrency: raw["concurrency"] as Workflow["concurrency"],
    jobs,
    raw,
  };
}

/** Every `*.yml`/`*.yaml` in `<root>/.github/workflows`, parsed, sorted by file name. */
export function loadWorkflows(root: string): Workflow[] {
  const dir = path.join(root, ".github", "workflows");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => parseWorkflow(`.github/workflows/${file}`, fs.readFileSync(path.join(dir, file), "utf8")));
}

/** The triggers of a workflow, by event name. */
export function triggers(workflow: Workflow): string[] {
  return Object.keys(workflow.on);
}

/** A workflow only other workflows call: it runs in the caller's repository, not this one. */
export function isReusableOnly(workflow: Workflow): boolean {
  const events = triggers(workflow);
  return events.length > 0 && events.every((event) => event === "workflow_call");
}

/** `workflow_call` inputs and secrets a reusable workflow declares. */
export interface ReusableInterface {
  inputs: Record<string, { required?: boolean; default?: unknown; type?: string; description?: string }>;
  secrets: Record<string, { required?: boolean; description?: string }>;
}

export function reusableInterface(workflow: Workflow): ReusableInterface | undefined {
  if (!("workflow_call" in workflow.on)) return undefined;
  const call = workflow.on["workflow_call"];
  const spec = isRecord(call) ? call : {};
  return {
    inputs: (isRecord(spec["inputs"]) ? spec["inputs"] : {}) as ReusableInterface["inputs"],
    secrets: (isRecord(spec["secrets"]) ? spec["secrets"] : {}) as ReusableInterface["secrets"],
  };
}

/** A readable location: `ci.yml: jobs.plan.steps[3] "Upload"`. */
export function stepLabel(step: Step, index: number): string {
  const firstLine = step.run?.trim().split("\n")[0];
  const label =
    step.name ??
    step.id ??
    step.uses ??
    (firstLine && firstLine.length > 60 ? `${firstLine.slice(0, 60)}...` : firstLine);
  return label ? `steps[${index}] "${label}"` : `steps[${index}]`;
}

/** Calls `visit` on every string (keys and values) of a parsed YAML value, with its path. */
export function walkStrings(
  value: unknown,
  visit: (text: string, where: string, kind: "key" | "value") => void,
  where = "",
): void {
  if (typeof value === "string") visit(value, where, "value");
  else if (Array.isArray(value)) value.forEach((item, index) => walkStrings(item, visit, `${where}[${index}]`));
  else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = where ? `${where}.${key}` : key;
      visit(key, at, "key");
      walkStrings(item, visit, at);
    }
  }
}

/** True when a value is a `${{ ... }}` expression (wholly or partly). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${{");
}

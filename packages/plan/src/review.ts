import { type ConfigIssue } from "@data-platform/config";
import type { PlanDocument } from "./document";
import type { PlanDiff } from "./diff";
import { readJsonInput } from "./json-input";

/**
 * Reads the plan document given to `--base` (written by `--json`, schemaVersion 1 or 2) and checks it is a plan of
 * the stack (and project, where known) being planned. Problems go to `problems`, naming the file and key, so they
 * are reported with the other input problems before the plan runs.
 */
export function readBasePlan(
  file: string,
  expected: { stack: string; project?: string },
  problems: ConfigIssue[],
  option = "--base",
): PlanDocument | undefined {
  const input = readJsonInput(option, file, problems);
  if (!input) return undefined;
  const document = input.value as Partial<PlanDocument>;
  if (document.schemaVersion !== 1 && document.schemaVersion !== 2) {
    problems.push({
      file: input.label,
      path: "schemaVersion",
      message: `not a plan document: expected schemaVersion 1 or 2 (the JSON that npm run plan -- --json writes), got ${JSON.stringify(document.schemaVersion)}`,
    });
    return undefined;
  }
  if (!Array.isArray(document.resources)) {
    problems.push({ file: input.label, path: "resources", message: "is required: the list of the plan's resources" });
    return undefined;
  }
  const before = problems.length;
  if (document.stack !== expected.stack) {
    problems.push({
      file: input.label,
      path: "stack",
      message: `a plan of stack ${JSON.stringify(document.stack)}, not of "${expected.stack}": compare with a plan of the same stack`,
    });
  }
  if (expected.project !== undefined && document.project !== expected.project) {
    problems.push({
      file: input.label,
      path: "project",
      message: `a plan of project ${JSON.stringify(document.project)}, not of "${expected.project}"`,
    });
  }
  return problems.length === before ? (document as PlanDocument) : undefined;
}

/** Stateful replacements and deletions, for `--fail-on-replace-stateful`. */
export function replacesStateful(diff: PlanDiff): boolean {
  return diff.dangerous.some((danger) => danger.kind === "replace-stateful" || danger.kind === "delete-stateful");
}

import * as fs from "node:fs";
import type { PlanDocument } from "./document";
import type { PlanDiff } from "./diff";
import { UsageError } from "./project";

/** Reads a plan document written by `--json` (schemaVersion 1 or 2), for `--base`. */
export function readPlanDocument(file: string, flag: string): PlanDocument {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: file not found`);
  let document: PlanDocument;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
  } catch (error) {
    throw new UsageError(`${flag} ${file}: not JSON (${(error as Error).message})`);
  }
  if ((document.schemaVersion !== 1 && document.schemaVersion !== 2) || !Array.isArray(document.resources)) {
    throw new UsageError(`${flag} ${file}: not a plan document (schemaVersion 1 or 2 with resources)`);
  }
  return document;
}

/** Checks a base plan is one of the same stack and project. */
export function checkBase(base: PlanDocument, head: PlanDocument, file: string): void {
  if (base.stack !== head.stack || base.project !== head.project) {
    throw new UsageError(`--base ${file}: a plan of ${base.project}/${base.stack}, not of ${head.project}/${head.stack}`);
  }
}

/** Stateful replacements and deletions, for `--fail-on-replace-stateful`. */
export function replacesStateful(diff: PlanDiff): boolean {
  return diff.dangerous.some((danger) => danger.kind === "replace-stateful" || danger.kind === "delete-stateful");
}

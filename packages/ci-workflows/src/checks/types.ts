import type { ActionCatalog } from "../actions";
import type { Repository } from "../repository";
import { parseUses } from "../actions";
import type { Workflow } from "../workflow";

export type CheckName = "inputs" | "permissions" | "secrets" | "pinning" | "references" | "hardening";

export interface Problem {
  check: CheckName;
  /** The workflow file. */
  file: string;
  /** Where in the workflow: `jobs.plan.steps[2] "Upload"`, `on`, `permissions`. */
  where: string;
  message: string;
}

export interface CheckContext {
  repository: Repository;
  catalog: ActionCatalog;
  /** Every workflow of the repository (for cross-references: workflow_run names, local reusable workflows). */
  workflows: Workflow[];
  /**
   * Resolves a job-level `uses:` (a reusable workflow) to its definition. The default resolves
   * `./.github/workflows/<file>` among `workflows`; tests add remote references to this repository.
   */
  resolveReusable?: (uses: string) => Workflow | undefined;
}

export type Checker = (workflow: Workflow, context: CheckContext) => Problem[];

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.where}: [${problem.check}] ${problem.message}`;
}

/** The reusable workflow a job-level `uses:` calls, if it can be found. */
export function resolveReusable(uses: string, context: CheckContext): Workflow | undefined {
  const custom = context.resolveReusable?.(uses);
  if (custom) return custom;
  const ref = parseUses(uses);
  if (ref.kind !== "local") return undefined;
  return context.workflows.find((workflow) => workflow.file === ref.path);
}

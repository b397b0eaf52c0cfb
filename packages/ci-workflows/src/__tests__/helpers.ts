import { loadActionCatalog } from "../actions";
import { checkWorkflows, type CheckContext, type CheckName, type Problem } from "../checks";
import { openRepository } from "../repository";
import { loadWorkflows, parseWorkflow, type Step, type Workflow } from "../workflow";

/** Pinned references of the copied releases, for in-memory workflows. */
export const pins = {
  checkout: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  setupNode: "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
  upload: "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0",
  download: "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1",
  pulumi: "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0",
  aws: "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3",
} as const;

/** A pin without its trailing version comment, as a parsed `uses:` value. */
export function bare(pin: string): string {
  return pin.split(" #")[0]!;
}

const repository = openRepository();
const catalog = loadActionCatalog();
const realWorkflows = loadWorkflows(repository.root);

/** The real repository's context; `extra` workflows join the real ones (for cross-references). */
export function context(extra: Workflow[] = [], resolveReusable?: CheckContext["resolveReusable"]): CheckContext {
  return { repository, catalog, workflows: [...realWorkflows, ...extra], resolveReusable };
}

export function realContext(): CheckContext {
  return context();
}

export function workflow(source: string, file = "broken.yml"): Workflow {
  return parseWorkflow(file, source);
}

/** Runs the named checker(s) over one in-memory workflow, with the real repository around it. */
export function problemsOf(source: string, only: CheckName[], extra: Workflow[] = []): Problem[] {
  const parsed = workflow(source);
  return checkWorkflows([parsed], context([...extra, parsed]), only);
}

export function messages(problems: Problem[]): string[] {
  return problems.map((problem) => `${problem.where}: ${problem.message}`);
}

/** The steps of a job that use an action (by owner/repo). */
export function stepsUsing(job: { steps?: Step[] }, action: string): Step[] {
  return (job.steps ?? []).filter((step) => step.uses?.split("@")[0]?.toLowerCase() === action.toLowerCase());
}

export { repository, catalog, realWorkflows };

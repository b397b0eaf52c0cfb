import { parseUses } from "../actions";
import { isRecord, stepLabel } from "../workflow";
import type { Checker, Problem } from "./types";

/** Event data anybody who opens a pull request controls (titles, branch names, bodies ...). */
const untrustedInRun = /\$\{\{[^}]*\b(?:github\.event\.|github\.head_ref\b)[^}]*\}\}/;

/**
 * Hardening against untrusted pull-request code and data:
 * - no `pull_request_target` (it runs with secrets and a write token on PR events);
 * - a `workflow_run` workflow (privileged) never checks out anything but the default branch;
 * - no `${{ github.event.* }}` / `${{ github.head_ref }}` inside `run:` (script injection): pass them through `env:`;
 * - actions/checkout with `persist-credentials: false`, so the token is not left in .git/config for later steps.
 */
export const checkHardening: Checker = (workflow) => {
  const problems: Problem[] = [];
  const report = (where: string, message: string) =>
    problems.push({ check: "hardening", file: workflow.file, where, message });

  if ("pull_request_target" in workflow.on)
    report(
      "on.pull_request_target",
      "pull_request_target runs with secrets and a write token for any pull request: use pull_request (+ workflow_run for what needs write access)",
    );
  const privileged = "workflow_run" in workflow.on;

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const where = `jobs.${jobId}.${stepLabel(step, index)}`;
      if (step.run !== undefined && untrustedInRun.test(step.run))
        report(
          where,
          `run: interpolates ${untrustedInRun.exec(step.run)![0]} into the script (script injection): pass it through env:`,
        );
      const ref = parseUses(step.uses ?? "");
      if (ref.kind !== "remote" || ref.action.toLowerCase() !== "actions/checkout") continue;
      const given = isRecord(step.with) ? step.with : {};
      if (String(given["persist-credentials"]) !== "false")
        report(
          where,
          "actions/checkout without persist-credentials: false leaves the token in .git/config for every later step",
        );
      if (privileged && ("ref" in given || "repository" in given))
        report(
          where,
          "a workflow_run workflow runs with a write token: check out only the default branch, never the pull request's code (no ref:/repository:)",
        );
      if ("allow-unsafe-pr-checkout" in given)
        report(where, "allow-unsafe-pr-checkout runs pull-request code in a privileged context");
    }
  }
  return problems;
};

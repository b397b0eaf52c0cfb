import { parseActionInputs, parseUses, type ActionInput } from "../actions";
import type { Repository } from "../repository";
import { isExpression, isRecord, reusableInterface, stepLabel, type Workflow } from "../workflow";
import { resolveReusable, type CheckContext, type Checker, type Problem } from "./types";

/**
 * Every `with:` key is an input the action (its real, copied action.yml) or the
 * reusable workflow declares, and every required input without a default is given.
 * An action whose action.yml is not copied cannot be checked, and fails.
 */
export const checkInputs: Checker = (workflow, context) => {
  const problems: Problem[] = [];
  const report = (where: string, message: string) =>
    problems.push({ check: "inputs", file: workflow.file, where, message });

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.uses !== undefined) {
      checkReusableCall(workflow, jobId, context, report);
      continue;
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      const where = `jobs.${jobId}.${stepLabel(step, index)}`;
      const given = isRecord(step.with) ? step.with : {};
      if (step.with !== undefined && !isRecord(step.with)) report(where, "with: must be a map");
      if (step.run !== undefined) {
        if (step.with !== undefined) report(where, "a run step takes no with: (use env:)");
        continue;
      }
      const ref = parseUses(step.uses!);
      let declared: Map<string, ActionInput>;
      let label: string;
      if (ref.kind === "remote") {
        const resolved = context.catalog.resolve(step.uses!);
        if ("problem" in resolved) {
          report(where, resolved.problem);
          continue;
        }
        declared = resolved.definition.inputs;
        label = `${resolved.definition.action} ${resolved.definition.version}`;
      } else if (ref.kind === "local") {
        const local = localActionInputs(context.repository, ref.path);
        if (!local) {
          report(where, `local action ./${ref.path} has no action.yml`);
          continue;
        }
        declared = local;
        label = `./${ref.path}`;
      } else {
        // Docker actions declare no inputs here; pinning rejects unpinned images.
        if (step.with !== undefined && Object.keys(given).some((key) => key !== "args" && key !== "entrypoint"))
          report(where, `${step.uses} accepts only args and entrypoint`);
        continue;
      }
      for (const key of Object.keys(given)) {
        if (!declared.has(key)) {
          const near = [...declared.keys()].filter(
            (name) => name.toLowerCase().replace(/[-_]/g, "") === key.toLowerCase().replace(/[-_]/g, ""),
          );
          report(
            where,
            `input "${key}" is not declared by ${label}${near.length ? ` (did you mean "${near[0]}"?)` : ""}`,
          );
        }
      }
      for (const input of declared.values()) {
        if (input.required && input.default === undefined && !(input.name in given))
          report(where, `required input "${input.name}" of ${label} is missing`);
      }
    }
  }
  return problems;
};

function checkReusableCall(
  workflow: Workflow,
  jobId: string,
  context: CheckContext,
  report: (where: string, message: string) => void,
): void {
  const job = workflow.jobs[jobId]!;
  const where = `jobs.${jobId}`;
  const callee = resolveReusable(job.uses!, context);
  if (!callee) {
    report(where, `cannot find the reusable workflow ${job.uses} to check its inputs`);
    return;
  }
  const contract = reusableInterface(callee);
  if (!contract) {
    report(where, `${callee.file} is not a reusable workflow (no on.workflow_call)`);
    return;
  }
  const given = isRecord(job.with) ? job.with : {};
  for (const [key, value] of Object.entries(given)) {
    const input = contract.inputs[key];
    if (!input) {
      report(where, `input "${key}" is not declared by ${callee.file} (on.workflow_call.inputs)`);
      continue;
    }
    if (!isExpression(value)) {
      if (input.type === "boolean" && typeof value !== "boolean")
        report(where, `input "${key}" of ${callee.file} is a boolean, got ${JSON.stringify(value)}`);
      if (input.type === "number" && typeof value !== "number")
        report(where, `input "${key}" of ${callee.file} is a number, got ${JSON.stringify(value)}`);
    }
  }
  for (const [name, input] of Object.entries(contract.inputs)) {
    if (input.required === true && input.default === undefined && !(name in given))
      report(where, `required input "${name}" of ${callee.file} is missing`);
  }
  if (job.secrets === "inherit") return; // rejected by the secrets check
  const secrets = isRecord(job.secrets) ? job.secrets : {};
  for (const key of Object.keys(secrets)) {
    if (!(key in contract.secrets))
      report(where, `secret "${key}" is not declared by ${callee.file} (on.workflow_call.secrets)`);
  }
  for (const [name, secret] of Object.entries(contract.secrets)) {
    if (secret.required === true && !(name in secrets))
      report(where, `required secret "${name}" of ${callee.file} is missing`);
  }
}

function localActionInputs(repository: Repository, dir: string): Map<string, ActionInput> | undefined {
  for (const file of ["action.yml", "action.yaml"]) {
    const relative = `${dir.replace(/\/$/, "")}/${file}`;
    if (repository.exists(relative)) return parseActionInputs(repository.readText(relative));
  }
  return undefined;
}

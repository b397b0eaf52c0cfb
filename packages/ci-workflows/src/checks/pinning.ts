import { parseUses } from "../actions";
import { isExpression, isRecord, stepLabel } from "../workflow";
import type { Checker, Problem } from "./types";

const commitSha = /^[0-9a-f]{40}$/;
const versionTag = /^v\d+(?:\.\d+){0,2}$/;
const exactVersion = /^\d+\.\d+\.\d+$/;

/** Why a `uses:` reference is not pinned to a release, or undefined when it is. */
export function unpinnedReason(uses: string): string | undefined {
  const ref = parseUses(uses);
  switch (ref.kind) {
    case "local":
      return undefined;
    case "docker":
      return /@sha256:[0-9a-f]{64}$/.test(ref.image)
        ? undefined
        : `docker://${ref.image} is not pinned to a digest (@sha256:...)`;
    case "invalid":
      return `"${uses}" is not an owner/repo@ref reference`;
    case "remote":
      if (ref.ref === undefined) return `${ref.action} has no @ref: pin it to a release (a version tag or its commit)`;
      if (commitSha.test(ref.ref) || versionTag.test(ref.ref)) return undefined;
      return `${ref.action}@${ref.ref} is not pinned to a release: use a version tag (v1.2.3) or a full commit SHA, never a branch`;
  }
}

/**
 * Pinning: every action and reusable workflow at a version tag or a full commit
 * (a commit carries its version as a trailing `# vX.Y.Z` comment, as Dependabot writes it);
 * the Pulumi CLI at an exact version (`pulumi-version`); Node from `.nvmrc`
 * (`node-version-file`, never `node-version`); runner images by version, not `-latest`.
 */
export const checkPinning: Checker = (workflow) => {
  const problems: Problem[] = [];
  const report = (where: string, message: string) =>
    problems.push({ check: "pinning", file: workflow.file, where, message });

  const lines = workflow.source.split("\n");
  const commentFor = (uses: string): string | undefined => {
    const line = lines.find((text) =>
      new RegExp(`^\\s*(?:-\\s*)?uses:\\s*["']?${uses.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}["']?\\s*(#.*)?$`).test(
        text,
      ),
    );
    return line?.split("#").slice(1).join("#").trim();
  };
  const checkUses = (uses: string, where: string) => {
    const reason = unpinnedReason(uses);
    if (reason) return report(where, reason);
    const ref = parseUses(uses);
    if (
      ref.kind === "remote" &&
      ref.ref &&
      commitSha.test(ref.ref) &&
      !/^v\d+(?:\.\d+){0,2}\b/.test(commentFor(uses) ?? "")
    ) {
      report(
        where,
        `${ref.action}@${ref.ref.slice(0, 12)}... is pinned to a commit without its version: add a trailing "# vX.Y.Z" comment`,
      );
    }
  };

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.uses !== undefined) checkUses(job.uses, `jobs.${jobId}`);
    const runsOn = job["runs-on"];
    for (const label of Array.isArray(runsOn) ? runsOn : [runsOn]) {
      if (typeof label === "string" && /-latest$/.test(label))
        report(
          `jobs.${jobId}.runs-on`,
          `runner image ${label} moves without notice: pin a version (for example ubuntu-24.04)`,
        );
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (step.uses === undefined) continue;
      const where = `jobs.${jobId}.${stepLabel(step, index)}`;
      checkUses(step.uses, where);
      const ref = parseUses(step.uses);
      if (ref.kind !== "remote") continue;
      const given = isRecord(step.with) ? step.with : {};
      const action = ref.action.toLowerCase();
      if (action === "pulumi/actions") {
        const version = given["pulumi-version"];
        if (version === undefined)
          report(
            where,
            "pulumi/actions without pulumi-version installs whatever CLI is newest: pin it (pulumi-version: 3.x.y)",
          );
        else if (typeof version !== "string" || !exactVersion.test(version.trim()))
          report(where, `pulumi-version ${JSON.stringify(version)} is not an exact version (x.y.z)`);
        if ("pulumi-version-file" in given)
          report(where, "use pulumi-version (an exact version in the workflow), not pulumi-version-file");
      }
      if (action === "actions/setup-node") {
        if ("node-version" in given) report(where, "node-version duplicates .nvmrc: use node-version-file: .nvmrc");
        const file = given["node-version-file"];
        if (file === undefined) report(where, "setup-node without node-version-file: take Node from .nvmrc");
        else if (!isExpression(file) && String(file) !== ".nvmrc")
          report(where, `node-version-file ${String(file)}: the repository pins Node in .nvmrc`);
      }
    }
  }
  return problems;
};

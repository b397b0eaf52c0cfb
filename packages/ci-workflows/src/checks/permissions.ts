import { parseUses } from "../actions";
import { isRecord, stepLabel, type Job, type Permissions, type Step, type Workflow } from "../workflow";
import { resolveReusable, type CheckContext, type Checker, type Problem } from "./types";

export type Level = "read" | "write";

export interface PermissionNeed {
  scope: string;
  level: Level;
  /** Why, for the failure message. */
  reason: string;
}

/** GITHUB_TOKEN scopes GitHub accepts in `permissions:`. */
export const permissionScopes = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  const text = String(value).trim().toLowerCase();
  return text !== "" && text !== "false";
}

/** Repository scripts the workflows run that call the GitHub API, and what their token needs. */
export const scriptNeeds: { pattern: RegExp; needs: PermissionNeed[] }[] = [
  {
    pattern: /packages\/ci-workflows\/src\/bin\/post-plan-comment\.ts/,
    needs: [
      {
        scope: "pull-requests",
        level: "write",
        reason: "post-plan-comment.ts creates or updates the plan comment and reads the pull request",
      },
    ],
  },
];

/**
 * What the GITHUB_TOKEN (and the OIDC token) must allow for one step. Anything a
 * job grants beyond the union of its steps' needs is "more than needed".
 */
export function stepNeeds(step: Step): PermissionNeed[] {
  if (step.run !== undefined)
    return scriptNeeds.filter((entry) => entry.pattern.test(step.run!)).flatMap((entry) => entry.needs);
  const ref = parseUses(step.uses ?? "");
  if (ref.kind !== "remote") return [];
  const given = isRecord(step.with) ? step.with : {};
  switch (ref.action.toLowerCase()) {
    case "actions/checkout":
      return [{ scope: "contents", level: "read", reason: "actions/checkout clones the repository" }];
    case "aws-actions/configure-aws-credentials":
      // With role-to-assume and no access keys, the action asks GitHub for an OIDC token.
      return "aws-access-key-id" in given
        ? []
        : [
            {
              scope: "id-token",
              level: "write",
              reason: "configure-aws-credentials assumes the AWS role through GitHub's OIDC token",
            },
          ];
    case "pulumi/actions":
      return truthy(given["comment-on-pr"]) || truthy(given["comment-on-pr-number"])
        ? [
            {
              scope: "pull-requests",
              level: "write",
              reason: "pulumi/actions with comment-on-pr comments on the pull request",
            },
          ]
        : [];
    case "actions/download-artifact":
      // Artifacts of this run need no token; another run's (run-id / github-token) need actions: read.
      return "run-id" in given || "github-token" in given
        ? [{ scope: "actions", level: "read", reason: "download-artifact reads another workflow run's artifacts" }]
        : [];
    default:
      return [];
  }
}

/** The union of needs, keeping the highest level per scope. */
export function mergeNeeds(needs: PermissionNeed[]): Map<string, PermissionNeed> {
  const merged = new Map<string, PermissionNeed>();
  for (const need of needs) {
    const current = merged.get(need.scope);
    if (!current || (current.level === "read" && need.level === "write")) merged.set(need.scope, need);
  }
  return merged;
}

/** What a job's token is granted: its own `permissions`, else the workflow's; undefined when neither is set. */
export function effectivePermissions(workflow: Workflow, job: Job): Permissions | undefined {
  return job.permissions ?? workflow.permissions;
}

function jobNeeds(
  workflow: Workflow,
  jobId: string,
  context: CheckContext,
  seen: Set<string>,
): PermissionNeed[] | string {
  const job = workflow.jobs[jobId]!;
  if (job.uses === undefined) {
    return (job.steps ?? []).flatMap((step, index) =>
      stepNeeds(step).map((need) => ({ ...need, reason: `${stepLabel(step, index)}: ${need.reason}` })),
    );
  }
  // A reusable workflow call: the caller's grant bounds the callee, so it must cover what the callee's jobs request.
  const callee = resolveReusable(job.uses, context);
  if (!callee) return `cannot find the reusable workflow ${job.uses} to know what it needs`;
  if (seen.has(callee.file)) return [];
  seen.add(callee.file);
  const needs: PermissionNeed[] = [];
  for (const [calleeJobId, calleeJob] of Object.entries(callee.jobs)) {
    const granted = effectivePermissions(callee, calleeJob);
    if (isRecord(granted)) {
      for (const [scope, level] of Object.entries(granted)) {
        if (level === "read" || level === "write")
          needs.push({ scope, level, reason: `${callee.file} job ${calleeJobId} requests ${scope}: ${level}` });
      }
    }
  }
  return needs;
}

/**
 * Top-level `permissions` is `{}` or `contents: read`; every job's effective permissions
 * are exactly what its steps need - no scope missing, none extra, no write where read is enough.
 */
export const checkPermissions: Checker = (workflow, context) => {
  const problems: Problem[] = [];
  const report = (where: string, message: string) =>
    problems.push({ check: "permissions", file: workflow.file, where, message });

  const top = workflow.permissions;
  if (top === undefined)
    report(
      "permissions",
      "no top-level permissions: jobs without their own would get the repository's default token permissions (set permissions: {} or contents: read)",
    );
  else if (!isRecord(top))
    report("permissions", `top-level permissions "${String(top)}" grants every scope; use {} or contents: read`);
  else {
    const extra = Object.entries(top).filter(
      ([scope, level]) => !(scope === "contents" && level === "read") && level !== "none",
    );
    if (extra.length > 0)
      report(
        "permissions",
        `top-level permissions may only be {} or contents: read (grant ${extra.map(([scope, level]) => `${scope}: ${level}`).join(", ")} on the job that needs it)`,
      );
  }

  for (const jobId of Object.keys(workflow.jobs)) {
    const job = workflow.jobs[jobId]!;
    const where = `jobs.${jobId}`;
    const granted = effectivePermissions(workflow, job);
    if (granted === undefined) {
      report(
        where,
        "no permissions (neither the job nor the workflow sets them): the job would get the repository's default token permissions",
      );
      continue;
    }
    if (!isRecord(granted)) {
      report(where, `permissions "${String(granted)}" grants every scope; list the scopes the job needs`);
      continue;
    }
    const needs = jobNeeds(workflow, jobId, context, new Set());
    if (typeof needs === "string") {
      report(where, needs);
      continue;
    }
    const needed = mergeNeeds(needs);
    for (const [scope, level] of Object.entries(granted)) {
      if (!(permissionScopes as readonly string[]).includes(scope))
        report(where, `unknown permission scope "${scope}"`);
      if (level !== "read" && level !== "write" && level !== "none")
        report(where, `permission ${scope}: ${String(level)} must be read, write or none`);
    }
    for (const need of needed.values()) {
      const level = granted[need.scope];
      if (level === undefined || level === "none") report(where, `lacks ${need.scope}: ${need.level} (${need.reason})`);
      else if (level === "read" && need.level === "write")
        report(where, `lacks ${need.scope}: write, has read (${need.reason})`);
    }
    for (const [scope, level] of Object.entries(granted)) {
      if (level !== "read" && level !== "write") continue;
      const need = needed.get(scope);
      const inherited = job.permissions === undefined ? " (inherited from the workflow)" : "";
      if (!need) report(where, `grants ${scope}: ${level}${inherited}, more than its steps need`);
      else if (level === "write" && need.level === "read")
        report(where, `grants ${scope}: write${inherited}, but read is enough (${need.reason})`);
    }
  }
  return problems;
};

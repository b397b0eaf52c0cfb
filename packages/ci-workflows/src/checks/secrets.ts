import { parseUses } from "../actions";
import { isExpression, isRecord, stepLabel, walkStrings } from "../workflow";
import type { Checker, Problem } from "./types";

/** The only secrets a workflow may read: the Pulumi backend token and GitHub's own token. */
export const allowedSecrets = ["PULUMI_ACCESS_TOKEN", "GITHUB_TOKEN"] as const;

const secretReference = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|(\[))/g;
const tokenReference = /\b(?:secrets\s*\.\s*GITHUB_TOKEN|github\s*\.\s*token)\b/i;
/** Long-lived AWS credentials, by name (env vars, action inputs, config keys). */
const awsKeyName = /aws[_-]?(?:access[_-]?key[_-]?id|secret[_-]?access[_-]?key|session[_-]?token)/i;
/** AWS access key ids (long-term AKIA, temporary ASIA, and the other documented prefixes). */
const awsKeyId = /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/;

/**
 * Secrets: only `secrets.PULUMI_ACCESS_TOKEN`, `secrets.GITHUB_TOKEN` and `github.token`;
 * never `secrets: inherit` or dynamic `secrets[...]`; never long-lived AWS keys (by name or
 * value); AWS role ARNs come from variables (`vars.*`) or a reusable workflow's inputs;
 * tokens are set on the step that uses them, not on a whole job or workflow.
 */
export const checkSecrets: Checker = (workflow) => {
  const problems: Problem[] = [];
  const report = (where: string, message: string) =>
    problems.push({ check: "secrets", file: workflow.file, where, message });

  const keyNamesAt = new Set<string>();
  walkStrings(workflow.raw, (text, where, kind) => {
    if (awsKeyName.test(text) && !keyNamesAt.has(where)) {
      keyNamesAt.add(where);
      report(
        where,
        `long-lived AWS credentials ("${awsKeyName.exec(text)![0]}"): assume a role through OIDC (configure-aws-credentials with role-to-assume) instead`,
      );
    }
    if (awsKeyId.test(text))
      report(where, "an AWS access key id appears in the workflow: never commit keys; assume a role through OIDC");
    if (kind !== "value") return;
    for (const match of text.matchAll(secretReference)) {
      const name = match[1] ?? match[2] ?? match[3];
      if (match[4] !== undefined && name === undefined)
        report(
          where,
          "dynamic secrets[...] lookup: name the secret (only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN are allowed)",
        );
      else if (name !== undefined && !(allowedSecrets as readonly string[]).includes(name)) {
        report(
          where,
          `secret ${name} is not allowed: only ${allowedSecrets.join(" and ")} (AWS access goes through OIDC; role ARNs are variables, vars.*)`,
        );
      }
    }
  });

  const on = workflow.on["workflow_call"];
  if (isRecord(on) && isRecord(on["secrets"])) {
    for (const name of Object.keys(on["secrets"])) {
      if (!(allowedSecrets as readonly string[]).includes(name))
        report(
          `on.workflow_call.secrets.${name}`,
          `secret ${name} is not allowed: only ${allowedSecrets.join(" and ")}`,
        );
    }
  }

  const exposes = (env: unknown) =>
    isRecord(env) &&
    Object.values(env).some(
      (value) => typeof value === "string" && (/\bsecrets\b/.test(value) || tokenReference.test(value)),
    );
  if (exposes(workflow.env))
    report("env", "a token in the workflow's env reaches every step of every job: set it on the step that needs it");

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.secrets === "inherit")
      report(
        `jobs.${jobId}.secrets`,
        "secrets: inherit passes every secret to the called workflow: pass PULUMI_ACCESS_TOKEN explicitly",
      );
    if (exposes(job.env))
      report(
        `jobs.${jobId}.env`,
        "a token in the job's env reaches every step (npm ci, builds): set it on the step that needs it",
      );
    for (const [index, step] of (job.steps ?? []).entries()) {
      const ref = parseUses(step.uses ?? "");
      if (ref.kind !== "remote" || ref.action.toLowerCase() !== "aws-actions/configure-aws-credentials") continue;
      const role = isRecord(step.with) ? step.with["role-to-assume"] : undefined;
      const where = `jobs.${jobId}.${stepLabel(step, index)}`;
      if (role === undefined)
        report(where, "configure-aws-credentials without role-to-assume: assume a role through OIDC");
      else if (!isExpression(role) || !/\b(?:vars|inputs)\s*[.[]/.test(String(role))) {
        report(
          where,
          "role-to-assume must come from a variable (vars.*) or a reusable workflow input (inputs.*), not be written into the workflow",
        );
      }
    }
  }
  return problems;
};

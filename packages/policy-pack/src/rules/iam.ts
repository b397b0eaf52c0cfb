import * as aws from "@pulumi/aws";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, get, isPublicPrincipal, parseDocument, statements, type Document, typeOf } from "../util";

/** Identity policies (attached to roles, users, groups) by resource type, and where their document is. */
const identityPolicies: Record<string, string> = {
  [typeOf(aws.iam.Policy)]: "policy",
  [typeOf(aws.iam.RolePolicy)]: "policy",
  [typeOf(aws.iam.UserPolicy)]: "policy",
  [typeOf(aws.iam.GroupPolicy)]: "policy",
};

/** Resource policies, which name principals. */
const resourcePolicies: Record<string, string> = {
  [typeOf(aws.s3.BucketPolicy)]: "policy",
  [typeOf(aws.kms.Key)]: "policy",
  [typeOf(aws.iam.Role)]: "assumeRolePolicy",
  [typeOf(aws.secretsmanager.SecretPolicy)]: "policy",
  [typeOf(aws.secretsmanager.Secret)]: "policy",
  [typeOf(aws.ecr.RepositoryPolicy)]: "policy",
  [typeOf(aws.sqs.QueuePolicy)]: "policy",
};

function documentOf(args: ResourceValidationArgs, table: Record<string, string>): Document | undefined {
  const key = table[args.type];
  return key ? parseDocument(args.props[key]) : undefined;
}

/** Problems of one Allow statement's actions and resources; `keyPolicy`: resource "*" means the key itself. */
export function actionProblems(actions: string[], resources: string[], keyPolicy: boolean): string[] {
  const problems: string[] = [];
  const everywhere = resources.includes("*");
  for (const action of actions) {
    if (action === "*" || action === "*:*") problems.push(`allows "${action}"`);
    else if (/^[a-z0-9-]+:\*$/i.test(action) && everywhere && !keyPolicy) problems.push(`allows "${action}" on "*"`);
    else if (!keyPolicy && everywhere && /^kms:(Decrypt|\*|Decrypt\*)$/i.test(action))
      problems.push(`allows "${action}" on "*"`);
  }
  return problems;
}

export const iamNoWildcardAdmin: ResourceValidationPolicy = {
  name: "iam-no-wildcard-admin",
  description:
    '[IAM.1/IAM.21/KMS.1/KMS.2] Policy documents allow no "*:*", no "service:*" on "*", and no kms:Decrypt on "*".',
  validateResource: (args, report) => {
    const keyPolicy = args.type === typeOf(aws.kms.Key);
    const document = documentOf(args, identityPolicies) ?? documentOf(args, resourcePolicies);
    if (!document) return;
    for (const statement of statements(document)) {
      if (statement.Effect !== "Allow") continue;
      if (statement.NotAction !== undefined)
        report(`statement ${statement.Sid ?? ""} allows NotAction, which grants everything else`.replace("  ", " "));
      for (const problem of actionProblems(asArray(statement.Action), asArray(statement.Resource), keyPolicy))
        report(`statement ${statement.Sid ?? "(no Sid)"} ${problem}`);
    }
  },
};

export const iamNoPublicPrincipal: ResourceValidationPolicy = {
  name: "iam-no-public-principal",
  description:
    '[S3.2/S3.3/KMS/IAM] Resource and trust policies never allow Principal "*" without a narrowing condition.',
  validateResource: (args, report) => {
    for (const statement of statements(documentOf(args, resourcePolicies))) {
      if (
        statement.Effect === "Allow" &&
        isPublicPrincipal(statement.Principal) &&
        (!statement.Condition || Object.keys(statement.Condition).length === 0)
      ) {
        report(`statement ${statement.Sid ?? "(no Sid)"} allows Principal "*" with no condition`);
      }
    }
  },
};

/**
 * EMR on EKS names the service accounts of a job after the job and the role
 * (`emr-containers-sa-<job>-<id>-<account>-<base36 role name>`), so its trust can
 * only pin the namespace and the role part: that exact pattern is accepted.
 */
export const emrOnEksServiceAccountPattern =
  /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:emr-containers-sa-\*-\*-\d{12}-[0-9a-z]+$/;

export const iamIrsaTrustPinned: ResourceValidationPolicy = {
  name: "iam-irsa-trust-pinned",
  description:
    "[EKS BPG IRSA] Roles trusted through an EKS OIDC provider pin one service account (`sub`, no wildcards) and `aud = sts.amazonaws.com`; the only wildcard accepted is EMR on EKS's job service-account pattern in one namespace.",
  validateResource: (args, report) => {
    if (args.type !== typeOf(aws.iam.Role)) return;
    for (const statement of statements(parseDocument(args.props["assumeRolePolicy"]))) {
      const federated = asArray(get(statement.Principal, "Federated") as string | string[]);
      if (statement.Effect !== "Allow" || !federated.some((principal) => /:oidc-provider\/oidc\.eks\./.test(principal)))
        continue;
      const equals = (statement.Condition?.["StringEquals"] ?? {}) as Record<string, unknown>;
      const like = (statement.Condition?.["StringLike"] ?? {}) as Record<string, unknown>;
      const sub = Object.entries(equals).filter(([key]) => key.endsWith(":sub"));
      const likeSub = Object.entries(like).filter(([key]) => key.endsWith(":sub"));
      const aud = Object.entries(equals).filter(([key]) => key.endsWith(":aud"));
      const single = (entries: [string, unknown][]) =>
        entries.length === 1 && asArray(entries[0]![1] as string | string[]).length === 1
          ? String(asArray(entries[0]![1] as string)[0])
          : undefined;
      const emrOnEks =
        sub.length === 0 && Object.keys(like).length === 1 && emrOnEksServiceAccountPattern.test(single(likeSub) ?? "");
      if (!emrOnEks) {
        if (!/^system:serviceaccount:[^:*]+:[^:*]+$/.test(single(sub) ?? "")) {
          report(
            "the trust must pin exactly one service account with StringEquals on <issuer>:sub = system:serviceaccount:<namespace>:<name>",
          );
        }
        if (Object.keys(like).length > 0) report("StringLike in an IRSA trust admits more than one service account");
      }
      if (single(aud) !== "sts.amazonaws.com")
        report("the trust must require StringEquals <issuer>:aud = sts.amazonaws.com");
    }
  },
};

export const iamPolicies = [iamNoWildcardAdmin, iamNoPublicPrincipal, iamIrsaTrustPinned];

import { policyDocument, type PolicyDocument, type PolicyStatement } from "./policies";

/**
 * Service principals whose role trust cannot carry `aws:SourceAccount`/`aws:SourceArn`: the service does not send
 * them when it assumes the role (a condition on a key that is absent denies the call), or AWS documents no such
 * support. Every other service trust built by `serviceTrustPolicy` names the source account.
 */
export const sourceConditionExceptions: Readonly<Record<string, string>> = {
  // EC2 assumes an instance profile's role for the instance itself: no calling resource, no source account. IAM's
  // confused deputy guidance covers services acting for another resource; EC2's role guide shows the bare trust
  // ("IAM roles for Amazon EC2", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html).
  "ec2.amazonaws.com":
    "EC2 instance profiles: EC2 sends no aws:SourceAccount/aws:SourceArn when an instance assumes its role",
  // Redshift documents restricting its role trust with sts:ExternalId (database-user ARNs), not aws:SourceAccount
  // ("Restricting access to IAM roles", https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html);
  // no Redshift page documents the source keys in a role trust, so adding them could stop Spectrum from assuming
  // the role. The role is account-local and passed only by this program's namespace.
  "redshift.amazonaws.com": "Redshift documents sts:ExternalId, not aws:SourceAccount, for its role trust",
  "redshift-serverless.amazonaws.com": "Redshift documents sts:ExternalId, not aws:SourceAccount, for its role trust",
};

export interface ServiceTrustScope {
  /** The account whose resources may make the service assume the role (`aws:SourceAccount`, `StringEquals`). */
  sourceAccount: string;
  /** The resource(s) on whose behalf the service assumes the role (`aws:SourceArn`, `ArnLike`), where the service sends it. */
  sourceArn?: string;
  /** @default "sts:AssumeRole" */
  actions?: string | string[];
}

/**
 * Trust of a role assumed by AWS services, with IAM's cross-service confused deputy guard
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention):
 * `aws:SourceAccount` always and `aws:SourceArn` where given. `services` keeps its shape (a string or a list) in the
 * JSON. Pass `"no-source-conditions"` only for services on `sourceConditionExceptions`; any other service throws.
 */
export function serviceTrustPolicy(
  services: string | string[],
  scope: ServiceTrustScope | "no-source-conditions",
): PolicyDocument {
  const statement: PolicyStatement = {
    Effect: "Allow",
    Principal: { Service: services },
    Action: scope === "no-source-conditions" ? "sts:AssumeRole" : (scope.actions ?? "sts:AssumeRole"),
  };
  if (scope === "no-source-conditions") {
    const unsupported = [services].flat().filter((service) => !(service in sourceConditionExceptions));
    if (unsupported.length > 0) {
      throw new Error(
        `serviceTrustPolicy: ${unsupported.join(", ")} must be trusted with aws:SourceAccount (only ${Object.keys(sourceConditionExceptions).join(", ")} may go without)`,
      );
    }
    return policyDocument([statement]);
  }
  statement.Condition = {
    StringEquals: { "aws:SourceAccount": scope.sourceAccount },
    ...(scope.sourceArn ? { ArnLike: { "aws:SourceArn": scope.sourceArn } } : {}),
  };
  return policyDocument([statement]);
}

/** The audience EKS service-account tokens carry for AWS STS. */
export const stsAudience = "sts.amazonaws.com";

export interface WebIdentityTrustScope {
  /** The IAM OIDC provider's ARN (the cluster's IRSA provider). */
  oidcProviderArn: string;
  /** The provider's issuer, with or without `https://`: the prefix of the condition keys. */
  oidcIssuer: string;
  /** The `sub` the token must carry (`system:serviceaccount:<namespace>:<name>`). */
  subject: string;
  /** `equals` (one service account, `StringEquals`) or `like` (a pattern, `StringLike`). @default "equals" */
  subjectMatch?: "equals" | "like";
  sid?: string;
}

/**
 * Trust of a role assumed with a web identity (IRSA, EMR on EKS): only the OIDC provider, only for the subject
 * given, only with the STS audience. A web-identity trust has no service principal, so `aws:SourceAccount`/
 * `aws:SourceArn` do not apply: the provider's `sub` and `aud` keys scope it
 * ("IAM roles for service accounts", https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
 */
export function webIdentityTrustPolicy(scope: WebIdentityTrustScope): PolicyDocument {
  const issuer = scope.oidcIssuer.replace(/^https:\/\//, "");
  const sub = { [`${issuer}:sub`]: scope.subject };
  const aud = { [`${issuer}:aud`]: stsAudience };
  const condition: PolicyStatement["Condition"] =
    (scope.subjectMatch ?? "equals") === "equals"
      ? { StringEquals: { ...sub, ...aud } }
      : { StringLike: sub, StringEquals: aud };
  return policyDocument([
    {
      ...(scope.sid ? { Sid: scope.sid } : {}),
      Effect: "Allow",
      Principal: { Federated: scope.oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: condition,
    },
  ]);
}

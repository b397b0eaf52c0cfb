import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@data-platform/conventions";
import { serviceAccountTrustPolicy } from "./policies";

/** What one service account's IAM role may do; every policy is keyed by a name (never a position). */
export interface ServiceAccountRoleArgs {
  /** Kubernetes namespace of the service account. */
  namespace: string;
  /** Service account name. Only this account in this namespace can assume the role. */
  serviceAccount: string;
  /** Inline policies (JSON documents) by name, each an `aws.iam.RolePolicy` `<role>-<key>`. @default {} */
  policies?: Record<string, pulumi.Input<string>>;
  /** Managed policy ARNs by name, each an `aws.iam.RolePolicyAttachment` `<role>-<key>`. @default {} */
  managedPolicyArns?: Record<string, pulumi.Input<string>>;
  /** @default "IRSA role of <namespace>/<serviceAccount>" */
  description?: string;
  /** Tags of the role, over the cluster's tags (a domain's owner and cost centre). @default {} */
  tags?: Record<string, string>;
}

/** An IRSA role with the policies created for it. */
export interface ServiceAccountRole {
  role: aws.iam.Role;
  policies: Record<string, aws.iam.RolePolicy>;
  attachments: Record<string, aws.iam.RolePolicyAttachment>;
  /** Annotation for the service account (`eks.amazonaws.com/role-arn`). */
  annotations: pulumi.Output<Record<string, string>>;
}

export interface IrsaContext {
  naming: Naming;
  oidcProviderArn: pulumi.Output<string>;
  oidcIssuer: pulumi.Output<string>;
  tags: Record<string, string>;
}

// Kubernetes names: DNS-1123 labels (namespaces) and subdomains (service accounts); no wildcards.
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const serviceAccountPattern = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const keyPattern = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export function validateServiceAccountRoleArgs(name: string, args: ServiceAccountRoleArgs): void {
  const problems: string[] = [];
  if (!namespacePattern.test(args.namespace))
    problems.push(`namespace "${args.namespace}" is not a Kubernetes namespace name`);
  if (!serviceAccountPattern.test(args.serviceAccount))
    problems.push(`serviceAccount "${args.serviceAccount}" is not a Kubernetes service account name`);
  for (const key of [...Object.keys(args.policies ?? {}), ...Object.keys(args.managedPolicyArns ?? {})]) {
    if (!keyPattern.test(key))
      problems.push(`policy key "${key}" must be letters, digits and hyphens (it names a resource)`);
  }
  const inline = Object.keys(args.policies ?? {});
  for (const key of Object.keys(args.managedPolicyArns ?? {}))
    if (inline.includes(key)) problems.push(`policy key "${key}" is used by an inline and a managed policy`);
  if (problems.length > 0)
    throw new Error(
      `serviceAccountRole "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

/**
 * An IAM role one service account assumes through the cluster's OIDC provider: the trust pins
 * `<issuer>:sub = system:serviceaccount:<namespace>:<name>` and `<issuer>:aud = sts.amazonaws.com`
 * (StringEquals). Its permissions are only what the caller passes.
 */
export function createServiceAccountRole(
  name: string,
  args: ServiceAccountRoleArgs,
  context: IrsaContext,
  opts: pulumi.CustomResourceOptions,
): ServiceAccountRole {
  validateServiceAccountRoleArgs(name, args);
  const role = new aws.iam.Role(
    name,
    {
      name: context.naming.name("iamRole", name),
      description: args.description ?? `IRSA role of ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: pulumi
        .all([context.oidcProviderArn, context.oidcIssuer])
        .apply(([providerArn, issuer]) =>
          JSON.stringify(serviceAccountTrustPolicy(providerArn, issuer, args.namespace, args.serviceAccount)),
        ),
      tags: { ...context.tags, ...args.tags },
    },
    opts,
  );
  const policies: Record<string, aws.iam.RolePolicy> = {};
  for (const [key, policy] of Object.entries(args.policies ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    policies[key] = new aws.iam.RolePolicy(`${name}-${key}`, { role: role.name, policy }, opts);
  }
  const attachments: Record<string, aws.iam.RolePolicyAttachment> = {};
  for (const [key, policyArn] of Object.entries(args.managedPolicyArns ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    attachments[key] = new aws.iam.RolePolicyAttachment(`${name}-${key}`, { role: role.name, policyArn }, opts);
  }
  return {
    role,
    policies,
    attachments,
    annotations: role.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn })),
  };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, type PolicyStatement } from "./policies";

/**
 * Who receives a grant: an IAM role and a stable name. The name is part of the grant's resource names
 * (`<component>-<grantee>-<action>-<scope>`), so it must not change once deployed.
 */
export interface Grantee {
  /** Stable name of the grantee (`orders-airflow`, `luigi`). */
  name: string;
  role: aws.iam.Role;
}

/**
 * What a `grantX(grantee, scope)` method gave: to whom, over what, the IAM statements (resolved at deployment,
 * ARNs being outputs) and every resource the grant created. Every component grant returns one.
 */
export interface Grant<Scope> {
  readonly grantee: Grantee;
  readonly scope: Scope;
  /** The IAM statements this grant gives the grantee's role. */
  readonly statements: pulumi.Output<PolicyStatement[]>;
  /** The resources the grant created or added its statements to (role policies, Lake Formation permissions). */
  readonly resources: pulumi.Resource[];
}

/** A grant carried by one inline policy on the grantee's role (`aws.iam.RolePolicy`). */
export interface PolicyGrant<Scope> extends Grant<Scope> {
  readonly policy: aws.iam.RolePolicy;
}

/**
 * A grant carried by one inline policy: `aws.iam.RolePolicy` `name` on the grantee's role, child of `parent`, whose
 * document is `statements` (in order). Returns the grant with the policy as its one resource. Throws, naming the
 * grant, for a grantee without a name.
 */
export function rolePolicyGrant<Scope>(
  parent: pulumi.Resource,
  name: string,
  grantee: Grantee,
  scope: Scope,
  statements: pulumi.Input<PolicyStatement[]>,
): PolicyGrant<Scope> {
  if (!grantee.name) throw new Error(`${name}: the grantee needs a name (part of the grant's resource names)`);
  const resolved = pulumi.output(statements) as pulumi.Output<PolicyStatement[]>;
  const policy = new aws.iam.RolePolicy(
    name,
    { role: grantee.role.name, policy: resolved.apply((list) => JSON.stringify(policyDocument(list))) },
    { parent },
  );
  return { grantee, scope, statements: resolved, resources: [policy], policy };
}

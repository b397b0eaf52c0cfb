import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { computePolicies } from "./rules/compute";
import { costPolicies } from "./rules/cost";
import { dataServicePolicies } from "./rules/data-services";
import { iamPolicies } from "./rules/iam";
import { kubernetesPolicies } from "./rules/kubernetes";
import { networkPolicies } from "./rules/network";
import { storagePolicies } from "./rules/storage";

export type PlatformPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const policyPackName = "data-platform";

/**
 * Every rule of the pack. Security rules default to mandatory (the pack's level);
 * cost guardrails declare `advisory`. Policy config can change either.
 */
export const policies: PlatformPolicy[] = [
  ...storagePolicies,
  ...iamPolicies,
  ...computePolicies,
  ...dataServicePolicies,
  ...networkPolicies,
  ...kubernetesPolicies,
  ...costPolicies,
];

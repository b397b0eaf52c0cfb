import type {
  EnforcementLevel,
  PolicyPackConfig,
  PolicyResource,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { policies as allPolicies, type PlatformPolicy } from "./policies";

/** A resource as the offline plan records it (the plan JSON's resource shape). */
export interface EvaluatedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  dependencies: string[];
  inputs: Record<string, unknown>;
  options: { protect: boolean; ignoreChanges: string[]; aliases: unknown[]; deleteBeforeReplace: boolean };
}

export interface Finding {
  policy: string;
  level: "mandatory" | "advisory";
  urn: string;
  message: string;
}

class NotApplicable extends Error {}

function configuredLevel(entry: PolicyPackConfig[string] | undefined): EnforcementLevel | undefined {
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

// As Pulumi reads a policy pack config: a rule's own level, else the level under "all", else the rule's, else the pack's.
function levelOf(policy: PlatformPolicy, config: PolicyPackConfig, packLevel: EnforcementLevel): EnforcementLevel {
  return configuredLevel(config[policy.name]) ?? configuredLevel(config["all"]) ?? policy.enforcementLevel ?? packLevel;
}

function configOf(policy: PlatformPolicy, config: PolicyPackConfig): object {
  const entry = config[policy.name];
  if (!entry || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...properties } = entry;
  return properties;
}

function typeToken(resourceClass: unknown): string | undefined {
  return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

/**
 * Runs the pack's policies in-process over captured resources, the way the
 * Pulumi policy analyzer calls them: resource policies once per resource, stack
 * policies once with every resource and its dependencies linked.
 */
export async function evaluatePolicies(
  resources: readonly EvaluatedResource[],
  options: { config?: PolicyPackConfig; policies?: readonly PlatformPolicy[]; packLevel?: EnforcementLevel } = {},
): Promise<Finding[]> {
  const config = options.config ?? {};
  const packLevel = options.packLevel ?? "mandatory";
  const findings: Finding[] = [];
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };

  const policyResources = new Map<string, PolicyResource>();
  for (const resource of resources) {
    policyResources.set(resource.urn, {
      type: resource.type,
      props: resource.inputs,
      urn: resource.urn,
      name: resource.name,
      opts: {
        protect: resource.options.protect,
        ignoreChanges: resource.options.ignoreChanges,
        aliases: [],
        deleteBeforeReplace: resource.options.deleteBeforeReplace,
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: resource.parent ?? undefined,
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => typeToken(resourceClass) === resource.type,
      asType: ((resourceClass: unknown) =>
        typeToken(resourceClass) === resource.type ? resource.inputs : undefined) as PolicyResource["asType"],
    });
  }
  for (const resource of resources) {
    const policyResource = policyResources.get(resource.urn)!;
    policyResource.dependencies = resource.dependencies
      .map((urn) => policyResources.get(urn))
      .filter((dependency): dependency is PolicyResource => dependency !== undefined);
    if (resource.parent) policyResource.parent = policyResources.get(resource.parent);
  }

  for (const policy of options.policies ?? allPolicies) {
    const level = levelOf(policy, config, packLevel);
    if (level === "disabled") continue;
    const reportedLevel = level === "advisory" ? "advisory" : "mandatory";
    const getConfig = <T extends object>() => configOf(policy, config) as T;
    if ("validateStack" in policy) {
      const args: StackValidationArgs = {
        resources: [...policyResources.values()],
        stackTags: new Map(),
        getConfig,
        notApplicable,
      };
      try {
        await policy.validateStack(args, (message, urn) =>
          findings.push({ policy: policy.name, level: reportedLevel, urn: urn ?? "", message }),
        );
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of policyResources.values()) {
      const args: ResourceValidationArgs = {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: resource.opts,
        stackTags: new Map(),
        isType: resource.isType,
        asType: ((resourceClass: unknown) =>
          typeToken(resourceClass) === resource.type ? resource.props : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      for (const validation of validations) {
        try {
          await validation(args, (message, urn) =>
            findings.push({ policy: policy.name, level: reportedLevel, urn: urn ?? resource.urn, message }),
          );
        } catch (error) {
          if (!(error instanceof NotApplicable)) throw error;
        }
      }
    }
  }
  return findings;
}

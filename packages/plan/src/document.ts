import type { Registration } from "@data-platform/testing";
import type { CostEstimate } from "./cost/estimate";
import type { DeployTime } from "./deploy-time";
import type { PlanDiff } from "./diff";

/** One resource in the plan JSON (schemaVersion 1 and 2). */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  id: string | null;
  custom: boolean;
  remote: boolean;
  parent: string | null;
  provider: string | null;
  dependencies: string[];
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    aliases: unknown[];
    deleteBeforeReplace: boolean;
  };
}

export interface PolicyViolation {
  policy: string;
  level: "mandatory" | "advisory";
  urn: string;
  message: string;
}

/**
 * The offline plan's JSON document; the contract is documented in the README.
 * Version 2 adds `cost`, `deployTime` and (against a base plan) `diff`; readers accept version 1
 * documents (without them) as bases and platform plans.
 */
export interface PlanDocument {
  schemaVersion: 1 | 2;
  project: string;
  stack: string;
  mode: "resolved" | "preview";
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  policy: { violations: PolicyViolation[] };
  summary: { resources: number; byType: Record<string, number> };
  /** USD per month, by component, domain and resource (version 2). */
  cost?: CostEstimate;
  /** The first deploy's estimated critical path (version 2). */
  deployTime?: DeployTime;
  /** What the plan changes against `--base` (version 2, only with a base). */
  diff?: PlanDiff;
}

export const schemaVersion = 2;

export function toPlanResource(registration: Registration): PlanResource {
  return {
    urn: registration.urn,
    type: registration.type,
    name: registration.name,
    id: registration.id,
    custom: registration.custom,
    remote: registration.remote,
    parent: registration.parent,
    provider: registration.provider,
    dependencies: registration.dependencies,
    inputs: registration.inputs,
    options: {
      protect: registration.options.protect,
      retainOnDelete: registration.options.retainOnDelete,
      ignoreChanges: registration.options.ignoreChanges,
      aliases: registration.options.aliases,
      deleteBeforeReplace: registration.options.deleteBeforeReplace,
    },
  };
}

export function summarise(resources: readonly PlanResource[]): PlanDocument["summary"] {
  const byType: Record<string, number> = {};
  for (const resource of resources) byType[resource.type] = (byType[resource.type] ?? 0) + 1;
  return {
    resources: resources.length,
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

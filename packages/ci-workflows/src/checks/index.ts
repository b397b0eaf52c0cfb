import { loadActionCatalog } from "../actions";
import { openRepository } from "../repository";
import { loadWorkflows, type Workflow } from "../workflow";
import { checkHardening } from "./hardening";
import { checkInputs } from "./inputs";
import { checkPermissions } from "./permissions";
import { checkPinning } from "./pinning";
import { checkReferences } from "./references";
import { checkSecrets } from "./secrets";
import type { CheckContext, CheckName, Checker, Problem } from "./types";

export const checkers: Record<CheckName, Checker> = {
  inputs: checkInputs,
  permissions: checkPermissions,
  secrets: checkSecrets,
  pinning: checkPinning,
  references: checkReferences,
  hardening: checkHardening,
};

/** Runs every checker (or the named ones) over the given workflows. */
export function checkWorkflows(
  workflows: Workflow[],
  context: CheckContext,
  only: CheckName[] = Object.keys(checkers) as CheckName[],
): Problem[] {
  return workflows.flatMap((workflow) => only.flatMap((name) => checkers[name](workflow, context)));
}

/** The context for a repository on disk: its workflows, package.json files and the copied action definitions. */
export function repositoryContext(root?: string): CheckContext {
  const repository = openRepository(root);
  return { repository, catalog: loadActionCatalog(), workflows: loadWorkflows(repository.root) };
}

export { checkHardening, checkInputs, checkPermissions, checkPinning, checkReferences, checkSecrets };
export * from "./types";
export {
  stepNeeds,
  mergeNeeds,
  effectivePermissions,
  scriptNeeds,
  permissionScopes,
  type PermissionNeed,
} from "./permissions";
export { allowedSecrets } from "./secrets";
export { unpinnedReason } from "./pinning";

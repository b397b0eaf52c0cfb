import type { Rule } from "eslint";

export interface WorkspaceProject {
  name: string;
  root: string;
  kind: "package" | "component" | "stack" | undefined;
  exports: string[];
}
export function findWorkspaceRoot(start: string): string | undefined;
export function readProjects(workspaceRoot: string): WorkspaceProject[];
export function checkImport(
  projects: readonly { name: string; root: string; kind?: string; exports: string[] }[],
  file: string,
  specifier: string,
): string | undefined;
export const moduleBoundariesRule: Rule.RuleModule;

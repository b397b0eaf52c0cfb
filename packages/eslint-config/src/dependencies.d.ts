import type { Rule } from "eslint";

export interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
export function packageName(specifier: string): string | undefined;
export function nearestManifest(file: string): string | undefined;
export function checkDependency(
  manifest: Manifest,
  specifier: string,
  options?: { allowDevDependencies?: boolean; rootDevDependencies?: string[] },
): string | undefined;
export const declaredDependenciesRule: Rule.RuleModule;

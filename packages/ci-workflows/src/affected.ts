import { execFileSync } from "node:child_process";

/** What makes the platform's stacks worth previewing or deploying. */
export interface RelevanceRules {
  /** Nx projects (package names): the stack program (with everything it depends on, through Nx) and the policy pack the CLI runs. */
  projects: string[];
  /** Files outside every Nx project that change what Pulumi does: exact paths. */
  files: string[];
}

export const platformRelevance: RelevanceRules = {
  projects: ["@data-platform/platform-stack", "@data-platform/policy-pack"],
  files: [
    "Pulumi.yaml",
    ".nvmrc",
    "package-lock.json",
    ".github/workflows/preview.yml",
    ".github/workflows/deploy.yml",
  ],
};

/** Why the change is relevant (empty: it is not). */
export function relevantChanges(
  change: { affectedProjects: string[]; changedFiles: string[] },
  rules: RelevanceRules = platformRelevance,
): string[] {
  const reasons: string[] = [];
  for (const project of rules.projects)
    if (change.affectedProjects.includes(project)) reasons.push(`Nx project ${project} is affected`);
  for (const file of rules.files) if (change.changedFiles.includes(file)) reasons.push(`${file} changed`);
  return reasons;
}

export type Exec = (command: string, args: string[]) => string;

const defaultExec: Exec = (command, args) =>
  execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] });

const noCommit = /^0*$/;

/**
 * Decides whether base..head touches the platform: no usable base (first push,
 * manual run, base outside the history) counts as relevant; otherwise Nx's affected
 * projects (`nx show projects --affected`) and the changed files decide.
 */
export function decideRelevance(options: { base?: string; head: string; rules?: RelevanceRules; exec?: Exec }): {
  relevant: boolean;
  reasons: string[];
} {
  const exec = options.exec ?? defaultExec;
  const base = (options.base ?? "").trim();
  if (base === "" || noCommit.test(base))
    return { relevant: true, reasons: ["no base commit (first push or manual run): treat everything as changed"] };
  try {
    exec("git", ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
  } catch {
    return { relevant: true, reasons: [`base ${base} is not in the fetched history: treat everything as changed`] };
  }
  const changedFiles = exec("git", ["diff", "--name-only", `${base}...${options.head}`])
    .split("\n")
    .filter((line) => line.trim() !== "");
  const output = exec("npx", [
    "--no-install",
    "nx",
    "show",
    "projects",
    "--affected",
    `--base=${base}`,
    `--head=${options.head}`,
    "--json",
  ]);
  const affectedProjects = JSON.parse(output.slice(output.indexOf("["))) as string[];
  const reasons = relevantChanges({ affectedProjects, changedFiles }, options.rules);
  return { relevant: reasons.length > 0, reasons };
}

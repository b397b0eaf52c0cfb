import * as path from "node:path";
import { parseUses } from "../actions";
import type { PackageJson, Repository } from "../repository";
import { shellCommands, withoutAssignments } from "../shell";
import { isExpression, isRecord, isReusableOnly, stepLabel, type Workflow } from "../workflow";
import type { CheckContext, Checker, Problem } from "./types";

/** Inputs of the actions we use whose value is a path in the repository. */
const pathInputs: Record<string, { input: string; kind: "file" | "dir"; contains?: string; list?: boolean }[]> = {
  "actions/setup-node": [
    { input: "node-version-file", kind: "file" },
    { input: "cache-dependency-path", kind: "file", list: true },
  ],
  "pulumi/actions": [
    { input: "work-dir", kind: "dir", contains: "Pulumi.yaml" },
    { input: "policyPacks", kind: "dir", contains: "PulumiPolicy.yaml", list: true },
    { input: "policyPackConfigs", kind: "file", list: true },
    { input: "pulumi-version-file", kind: "file" },
  ],
};

/** npm commands that run a package.json script of the same name. */
const npmScriptAliases: Record<string, string> = {
  test: "test",
  t: "test",
  tst: "test",
  start: "start",
  stop: "stop",
  restart: "restart",
};
const npmRun = new Set(["run", "run-script", "rum", "urn"]);
/** npm options that take a value (as the next word). */
const npmValueOptions = new Set(["-w", "--workspace", "--prefix", "-C", "--loglevel", "--registry"]);
const repositoryPath = /^(?:\.\/)?(?:\.ci|\.github|packages|components|stacks)\/[^\s]*$/;

interface Found {
  message: string;
}

function isDynamic(word: string): boolean {
  return /[$*{}?]/.test(word);
}

function joinPath(baseDir: string, file: string): string {
  return path.posix.normalize(path.posix.join(baseDir, file)).replace(/^\.\//, "");
}

/** The values after `-t`/`--targets` style options: `-t a b`, `-t a,b`, `--targets=a,b`. */
function optionValues(args: string[], names: string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const inline = names
      .map((name) => (arg.startsWith(`${name}=`) ? arg.slice(name.length + 1) : undefined))
      .find((value) => value !== undefined);
    if (inline !== undefined) values.push(...inline.split(","));
    else if (names.includes(arg)) {
      while (index + 1 < args.length && !args[index + 1]!.startsWith("-")) values.push(...args[++index]!.split(","));
    }
  }
  return values.filter((value) => value !== "");
}

class ReferenceChecker {
  readonly found: Found[] = [];

  constructor(
    private readonly repository: Repository,
    /** Set for reusable workflows: they run in the caller's repository, where none of ours exists. */
    private readonly callerRepository: boolean,
  ) {}

  private problem(message: string): void {
    if (!this.found.some((found) => found.message === message)) this.found.push({ message });
  }

  private readonly paths = new Set<string>();

  /** A repository path the step uses (`what` says how); each path is reported once. */
  file(relative: string, what: string): void {
    if (isDynamic(relative) || this.paths.has(relative)) return;
    this.paths.add(relative);
    if (this.callerRepository)
      return this.problem(
        `${relative} (${what}): a reusable workflow runs in the caller's repository, which has no such path (take it as an input)`,
      );
    if (!this.repository.exists(relative)) this.problem(`${relative} (${what}) does not exist in the repository`);
  }

  private manifestAt(dir: string): PackageJson | undefined {
    const relative = dir === "." ? "package.json" : `${dir}/package.json`;
    if (!this.repository.exists(relative)) return undefined;
    return JSON.parse(this.repository.readText(relative)) as PackageJson;
  }

  private script(name: string, args: string[], baseDir: string): void {
    const workspaces = optionValues(args, ["-w", "--workspace"]);
    const all = args.includes("--workspaces") || args.includes("-ws");
    if (args.includes("--if-present")) return;
    if (this.callerRepository)
      return this.problem(
        `npm script "${name}": a reusable workflow runs in the caller's repository (use --if-present or take the command as an input)`,
      );
    if (workspaces.length === 0 && !all) {
      const manifest = this.manifestAt(baseDir);
      const where = baseDir === "." ? "the root package.json" : `${baseDir}/package.json`;
      if (!manifest) this.problem(`npm script "${name}": there is no ${where}`);
      else if (!manifest.scripts?.[name]) this.problem(`npm script "${name}" does not exist in ${where}`);
      return;
    }
    const targets = all
      ? this.repository.workspaces()
      : workspaces.map((workspace) => this.repository.workspace(workspace) ?? workspace);
    for (const target of targets) {
      if (typeof target === "string") this.problem(`npm workspace "${target}" does not exist`);
      else if (!target.manifest.scripts?.[name])
        this.problem(`npm script "${name}" does not exist in workspace ${target.name} (${target.dir}/package.json)`);
    }
  }

  private npm(args: string[], baseDir: string): void {
    let index = 0;
    while (index < args.length && args[index]!.startsWith("-")) index += npmValueOptions.has(args[index]!) ? 2 : 1;
    const command = args[index];
    if (command === undefined) return;
    const rest = args.slice(index + 1);
    const options = [...args.slice(0, index), ...rest];
    if (npmRun.has(command)) {
      let position = 0;
      while (position < rest.length && rest[position]!.startsWith("-"))
        position += npmValueOptions.has(rest[position]!) ? 2 : 1;
      const script = rest[position];
      if (script === undefined) return this.problem("npm run without a script name");
      if (!isDynamic(script))
        this.script(
          script,
          options.filter((word) => word !== script),
          baseDir,
        );
    } else if (command in npmScriptAliases) {
      this.script(npmScriptAliases[command]!, options, baseDir);
    } else if (command === "exec" || command === "x") {
      const separator = rest.indexOf("--");
      this.npx(separator >= 0 ? rest.slice(separator + 1) : rest, baseDir);
    }
  }

  private npx(args: string[], baseDir: string): void {
    let index = 0;
    while (index < args.length && args[index]!.startsWith("-")) {
      if (args[index] === "-p" || args[index] === "--package" || args[index]!.startsWith("--package=")) {
        return this.problem(`npx ${args.join(" ")}: --package installs from the registry; use a declared dependency`);
      }
      index++;
    }
    const bin = args[index];
    if (bin === undefined || isDynamic(bin)) return;
    const rest = args.slice(index + 1);
    if (this.callerRepository)
      return this.problem(`npx ${bin}: a reusable workflow runs in the caller's repository, which may not have it`);
    if (!this.repository.binaries().has(bin))
      this.problem(
        `npx ${bin}: no declared, installed dependency provides "${bin}" (npx would download it from the registry)`,
      );
    if (bin === "nx") this.nx(rest);
    if (bin === "tsx") this.program(rest, baseDir, "run by tsx");
  }

  private program(args: string[], baseDir: string, what: string): void {
    let index = 0;
    while (index < args.length && args[index]!.startsWith("-"))
      index += ["--tsconfig", "-r", "--require", "--import", "--env-file"].includes(args[index]!) ? 2 : 1;
    const file = args[index];
    if (file !== undefined && !["-", "-e", "--eval"].includes(file)) this.file(joinPath(baseDir, file), what);
  }

  private nx(args: string[]): void {
    const command = args[0];
    if (command === "affected" || command === "run-many") {
      const targets = optionValues(args, ["-t", "--target", "--targets"]);
      if (targets.length === 0) this.problem(`nx ${command} without -t <targets>`);
      const projects = optionValues(args, ["-p", "--projects"]);
      const workspaces = this.repository.workspaces();
      const named = projects.filter((project) => !/[*!:]/.test(project));
      for (const project of named)
        if (!workspaces.some((workspace) => workspace.name === project))
          this.problem(`nx project "${project}" does not exist`);
      for (const target of targets) {
        const scope = named.length > 0 ? workspaces.filter((workspace) => named.includes(workspace.name)) : workspaces;
        if (named.length > 0) {
          for (const workspace of scope)
            if (!workspace.manifest.scripts?.[target])
              this.problem(`nx target "${target}" does not exist in ${workspace.name}`);
        } else if (!scope.some((workspace) => workspace.manifest.scripts?.[target]))
          this.problem(`nx target "${target}" is not a script of any project`);
      }
    } else if (command === "run" && args[1] && !isDynamic(args[1])) {
      const [project, target] = args[1].split(":");
      const workspace = this.repository.workspaces().find((candidate) => candidate.name === project);
      if (!workspace) this.problem(`nx project "${project}" does not exist`);
      else if (!target || !workspace.manifest.scripts?.[target])
        this.problem(`nx target "${target ?? ""}" does not exist in ${project}`);
    }
  }

  run(script: string, baseDir: string): void {
    for (const raw of shellCommands(script)) {
      const command = withoutAssignments(raw);
      if (command.length === 0) continue;
      const [head, ...args] = command as [string, ...string[]];
      if (head === "npm") this.npm(args, baseDir);
      else if (head === "npx") this.npx(args, baseDir);
      else if (["node", "bash", "sh"].includes(head)) this.program(args, baseDir, `run by ${head}`);
      else if (head.startsWith("./") || repositoryPath.test(head))
        this.file(joinPath(baseDir, head), "run as a command");
      for (const word of command.slice(1)) {
        const value = word.includes("=") && word.startsWith("--") ? word.slice(word.indexOf("=") + 1) : word;
        if (repositoryPath.test(value)) this.file(joinPath(baseDir, value), "an argument");
      }
    }
  }

  input(action: string, given: Record<string, unknown>): void {
    for (const spec of pathInputs[action] ?? []) {
      const value = given[spec.input];
      if (value === undefined || isExpression(value)) continue;
      const entries = spec.list ? String(value).split(/[\n;]/) : [String(value)];
      for (const entry of entries.map((item) => item.trim()).filter((item) => item !== "")) {
        const relative = joinPath(".", entry);
        this.file(relative, `input ${spec.input}`);
        if (
          spec.contains &&
          !this.callerRepository &&
          this.repository.exists(relative) &&
          !this.repository.exists(joinPath(relative, spec.contains))
        ) {
          this.problem(`input ${spec.input}: ${entry} has no ${spec.contains}`);
        }
      }
    }
  }
}

/**
 * References: every `npm run X [-w Y]` / `npm test` names a script of that package.json,
 * `npx X` a declared dependency's executable, `nx affected|run-many -t T [-p P]` existing
 * targets and projects; every script and repository path a step runs or passes exists
 * (and a path input points at what it should: a Pulumi project, a policy pack); every
 * workflow a `workflow_run` waits for exists. A reusable workflow runs in its caller's
 * repository, so it may not rely on this repository's files or scripts at all.
 */
export const checkReferences: Checker = (workflow: Workflow, context: CheckContext) => {
  const problems: Problem[] = [];
  const callerRepository = isReusableOnly(workflow);
  const report = (where: string, found: Found[]) => {
    for (const item of found) problems.push({ check: "references", file: workflow.file, where, message: item.message });
  };

  const run = workflow.on["workflow_run"];
  if (isRecord(run)) {
    const names = Array.isArray(run["workflows"]) ? (run["workflows"] as unknown[]) : [];
    if (names.length === 0)
      problems.push({
        check: "references",
        file: workflow.file,
        where: "on.workflow_run",
        message: "workflow_run without workflows",
      });
    for (const name of names) {
      if (!context.workflows.some((candidate) => candidate.name === name)) {
        problems.push({
          check: "references",
          file: workflow.file,
          where: "on.workflow_run.workflows",
          message: `no workflow is named "${String(name)}"`,
        });
      }
    }
  }

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.uses !== undefined) {
      const ref = parseUses(job.uses);
      if (
        ref.kind === "local" &&
        !context.repository.exists(ref.path) &&
        !context.workflows.some((candidate) => candidate.file === ref.path)
      ) {
        problems.push({
          check: "references",
          file: workflow.file,
          where: `jobs.${jobId}`,
          message: `reusable workflow ./${ref.path} does not exist`,
        });
      }
      continue;
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      const checker = new ReferenceChecker(context.repository, callerRepository);
      const workingDirectory =
        step["working-directory"] ??
        job.defaults?.run?.["working-directory"] ??
        workflow.defaults?.run?.["working-directory"] ??
        ".";
      if (isExpression(workingDirectory)) continue;
      const baseDir = joinPath(".", workingDirectory) || ".";
      if (baseDir !== ".") checker.file(baseDir, "working-directory");
      if (step.run !== undefined) checker.run(step.run, baseDir);
      else {
        const ref = parseUses(step.uses!);
        if (ref.kind === "local") checker.file(ref.path, "local action");
        if (ref.kind === "remote" && isRecord(step.with)) checker.input(ref.action.toLowerCase(), step.with);
      }
      report(`jobs.${jobId}.${stepLabel(step, index)}`, checker.found);
    }
  }
  return problems;
};

import * as fs from "node:fs";
import * as path from "node:path";
import { commandLine, ConfigError, sourcePositions } from "@data-platform/config";

/** A Pulumi project on disk, resolved the way the CLI resolves it. */
export interface PulumiProject {
  dir: string;
  name: string;
  /** The program's directory (`main`, or the project directory). */
  mainDir: string;
  /** Where `Pulumi.<stack>.yaml` files live (`stackConfigDir`). */
  stackConfigDir: string;
  /** The project's own `config:` defaults. */
  configDefaults: Record<string, unknown>;
}

/**
 * A problem with how the plan was asked for (an option, a file it names): the config package's ConfigError, with
 * the option as its key path, so it prints and exits like every other input problem.
 */
export class UsageError extends ConfigError {
  constructor(message: string, option = "", file = commandLine) {
    super([{ file, path: option, message }], "Invalid input");
    this.name = "UsageError";
  }
}

export function readProject(dir: string): PulumiProject {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new UsageError(`no Pulumi.yaml in ${dir}`, "--project");
  const source = sourcePositions(fs.readFileSync(file, "utf8"), file);
  if (source.issues.length > 0) throw new ConfigError(source.issues, "Invalid input");
  const document = source.value as {
    name?: string;
    main?: string;
    stackConfigDir?: string;
    config?: Record<string, unknown>;
  } | null;
  if (!document?.name) throw new UsageError('"name" is required', "name", file);
  const configDefaults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${document.name}:${key}`;
    configDefaults[fullKey] =
      value && typeof value === "object" && "value" in value ? (value as { value: unknown }).value : value;
  }
  return {
    dir,
    name: document.name,
    mainDir: path.resolve(dir, document.main ?? "."),
    stackConfigDir: path.resolve(dir, document.stackConfigDir ?? "."),
    configDefaults,
  };
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project's stack config directory, sorted. */
export function availableStacks(project: PulumiProject): string[] {
  if (!fs.existsSync(project.stackConfigDir)) return [];
  return fs
    .readdirSync(project.stackConfigDir)
    .map((entry) => /^Pulumi\.(.+)\.ya?ml$/.exec(entry)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * The program module to run: the TypeScript entry point when it is there (the
 * plan runs sources), else whatever `require(mainDir)` resolves to.
 */
export function programEntry(project: PulumiProject): string {
  const typescriptEntry = path.join(project.mainDir, "index.ts");
  return fs.existsSync(typescriptEntry) ? typescriptEntry : require.resolve(project.mainDir);
}

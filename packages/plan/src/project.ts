import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

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

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function readProject(dir: string): PulumiProject {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new UsageError(`--project ${dir}: no Pulumi.yaml there`);
  const document = parse(fs.readFileSync(file, "utf8")) as { name?: string; main?: string; stackConfigDir?: string; config?: Record<string, unknown> };
  if (!document?.name) throw new UsageError(`${file}: "name" is required`);
  const configDefaults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${document.name}:${key}`;
    configDefaults[fullKey] = value && typeof value === "object" && "value" in value ? (value as { value: unknown }).value : value;
  }
  return {
    dir,
    name: document.name,
    mainDir: path.resolve(dir, document.main ?? "."),
    stackConfigDir: path.resolve(dir, document.stackConfigDir ?? "."),
    configDefaults,
  };
}

/**
 * The program module to run: the TypeScript entry point when it is there (the
 * plan runs sources), else whatever `require(mainDir)` resolves to.
 */
export function programEntry(project: PulumiProject): string {
  const typescriptEntry = path.join(project.mainDir, "index.ts");
  return fs.existsSync(typescriptEntry) ? typescriptEntry : require.resolve(project.mainDir);
}

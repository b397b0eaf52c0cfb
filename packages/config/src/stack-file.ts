import * as fs from "node:fs";
import * as path from "node:path";
import { didYouMean, type ConfigIssue } from "./errors";
import { sourcePositions } from "./positions";

/** The top-level keys of a Pulumi stack settings file (`Pulumi.<stack>.yaml`). */
export const stackFileKeys = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

export interface StackFileCheck {
  /** The `config:` mapping, when the file is usable. */
  config?: Record<string, unknown>;
  issues: ConfigIssue[];
}

/**
 * Checks a stack file the way the Pulumi CLI reads it, before a program runs: YAML syntax (with line and column),
 * duplicate keys, tabs, a mapping at the top with only the stack file's keys (a config key at the top level was
 * indented under the wrong parent), and `config:` a mapping.
 */
export function checkStackFile(file: string, label = file): StackFileCheck {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    return { issues: [{ file: label, path: "", message: "stack file does not exist" }] };
  const source = sourcePositions(fs.readFileSync(file, "utf8"), label);
  if (source.issues.length > 0) return { issues: source.issues };
  const document = source.value ?? {};
  if (typeof document !== "object" || Array.isArray(document))
    return { issues: [{ file: label, path: "", message: "must be a mapping with a config: key", line: 1, column: 1 }] };
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(document)) {
    if ((stackFileKeys as readonly string[]).includes(key)) continue;
    const hint = key.includes(":") ? ` (config keys go under "config:", indented)` : didYouMean(key, stackFileKeys);
    issues.push({
      file: label,
      path: key,
      message: `unknown top-level key${hint}; allowed keys here: ${stackFileKeys.join(", ")}`,
      ...source.locateKeys([key]),
    });
  }
  const config = (document as Record<string, unknown>)["config"] ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    issues.push({
      file: label,
      path: "config",
      message: "must be a mapping of config keys to values",
      ...source.locateKeys(["config"]),
    });
  }
  return issues.length > 0 ? { issues } : { config: config as Record<string, unknown>, issues };
}

/** A path relative to the working directory when it is inside it (for messages). */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

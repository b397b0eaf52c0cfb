import type { z } from "zod";

/** One problem in the input: the file, the key path inside it, and what is allowed. */
export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
}

/**
 * Thrown before any resource is registered when the stage config or the domain
 * registry is invalid. `message` holds one line per problem.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`Invalid platform configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues.map(formatIssue).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** `a.b[2].c` from a zod path, prefixed (e.g. with `data-platform:`). */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" || text.endsWith(":") ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

// Internal shape of zod 4 schemas, read only to list the keys an object allows.
interface SchemaInternals {
  _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown>; valueType?: unknown; element?: unknown; in?: unknown } };
}

function unwrap(schema: unknown): SchemaInternals | undefined {
  let current = schema as SchemaInternals | undefined;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def;
    if (def.innerType) current = def.innerType as SchemaInternals;
    else if (def.type === "pipe" && def.in) current = def.in as SchemaInternals;
    else break;
  }
  return current;
}

/** The keys an object schema accepts at `path`, or undefined when it is not an object. */
export function allowedKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let current = unwrap(schema);
  for (const segment of path) {
    if (!current) return undefined;
    const def = current._zod.def;
    if (def.type === "object" && def.shape && typeof segment === "string") current = unwrap(def.shape[segment]);
    else if (def.type === "record") current = unwrap(def.valueType);
    else if (def.type === "array") current = unwrap(def.element);
    else return undefined;
  }
  const def = current?._zod.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

/** Turns zod issues into one ConfigIssue per problem, with messages a person can act on. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export function issuesFromZod(error: z.ZodError, schema: unknown, file: string, prefix = "", input?: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        issues.push({
          file,
          path: formatPath([...issue.path, key], prefix),
          message: `unknown key${allowed ? `; allowed keys here: ${allowed.filter((name) => name !== "$schema").join(", ")}` : ""}`,
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_type" && (/received undefined/.test(issue.message) || (input !== undefined && valueAt(input, issue.path) === undefined))) {
      message = `is required (expected ${issue.expected})`;
    } else if (issue.code === "invalid_type") {
      message = message.replace(/^Invalid input: /, "");
    } else if (issue.code === "invalid_value") {
      message = `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      message = message.replace(/^Too (small|big): expected /, "expected ");
    }
    issues.push({ file, path: formatPath(issue.path, prefix), message });
  }
  return issues;
}

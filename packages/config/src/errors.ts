import type { z } from "zod";
import { readSourcePositions, type SourcePositions } from "./positions";

/**
 * One problem in an input: the file (or `command line`), the line and column where known, the key path inside it,
 * and what is wrong and what is allowed. Every input the programs and the plan read - stage files, domain files,
 * domain stack files, platform plans, policy config, command-line options, output paths - reports problems this way.
 */
export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
  /** 1-based line of the key (or of the syntax error) in `file`, where known. */
  line?: number;
  /** 1-based column, with `line`. */
  column?: number;
}

/** The `file` of problems in command-line options. */
export const commandLine = "command line";

const brand = Symbol.for("@data-platform/config.ConfigError");

/**
 * Thrown before any resource is registered when an input is invalid. `message` is a title line and one line per
 * problem (`file:line:column: key.path: what is wrong`), the same for every input; tools exit 2 on it.
 * Problems are de-duplicated, and those in YAML or JSON files get the line of their key when the file can be read.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], title = "Invalid platform configuration") {
    const unique = locateIssues(dedupeIssues(issues));
    super(
      `${title} (${unique.length} problem${unique.length === 1 ? "" : "s"}):\n${unique.map(formatIssue).join("\n")}`,
    );
    this.name = "ConfigError";
    this.issues = unique;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True for a ConfigError (or a subclass), also one thrown by another copy of this module (the plan loads programs
 * through their own module loader).
 */
export function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof ConfigError ||
    (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[brand] === true)
  );
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** The same problem reported twice (same file, key and message) is kept once. */
export function dedupeIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.file}\u0000${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Adds the line and column of each problem's key in YAML and JSON files that can be read. */
export function locateIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const sources = new Map<string, SourcePositions | undefined>();
  return issues.map((issue) => {
    if (issue.line !== undefined || !issue.path || !/\.(ya?ml|json)$/.test(issue.file)) return issue;
    if (!sources.has(issue.file)) sources.set(issue.file, readSourcePositions(issue.file));
    const position = sources.get(issue.file)?.locate(issue.path);
    return position ? { ...issue, ...position } : issue;
  });
}

/** Collects the problems of several inputs, to report them together in one ConfigError. */
export class Problems {
  readonly issues: ConfigIssue[] = [];

  add(...issues: ConfigIssue[]): void {
    this.issues.push(...issues);
  }

  get length(): number {
    return this.issues.length;
  }

  throwIfAny(title?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, title);
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to a misspelt `value` (a few edits away, or a prefix of it), if any. */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  const lower = value.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === value) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.min(3, Math.floor(candidate.length / 3)));
    const near = distance <= limit || (lower.length >= 3 && candidate.toLowerCase().startsWith(lower));
    if (near && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` for a misspelt value, or "". */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const suggestion = closest(value, candidates);
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
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

// Internal shape of zod 4 schemas, read only to list the keys an object allows and the kinds a union accepts.
interface SchemaInternals {
  _zod: {
    def: {
      type: string;
      innerType?: unknown;
      shape?: Record<string, unknown>;
      valueType?: unknown;
      element?: unknown;
      in?: unknown;
      options?: unknown[];
      discriminator?: string;
      values?: unknown[];
    };
  };
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

/** A discriminated union's options with the discriminator value (`kind: aurora`) each accepts. */
function unionOptions(union: SchemaInternals): { tag: unknown; option: SchemaInternals }[] {
  const { options = [], discriminator } = union._zod.def;
  if (discriminator === undefined) return [];
  return options.flatMap((candidate) => {
    const option = unwrap(candidate);
    const literal = unwrap(option?._zod.def.shape?.[discriminator]);
    return option ? (literal?._zod.def.values ?? []).map((tag) => ({ tag, option })) : [];
  });
}

/** Where the input chose one option of a discriminated union: the discriminator, the value and its siblings. */
interface Branch {
  discriminator: string;
  tag: unknown;
  others: { tag: unknown; option: SchemaInternals }[];
}

/**
 * The schema at `path` (unwrapped), reading through discriminated unions by the input's discriminator value; with
 * `branch` set when the node at `path` is the option of a union the input selected.
 */
function nodeAt(
  schema: unknown,
  path: readonly PropertyKey[],
  input?: unknown,
): { node?: SchemaInternals; branch?: Branch } {
  let current = unwrap(schema);
  let branch: Branch | undefined;
  const selectOption = (depth: number) => {
    branch = undefined;
    const def = current?._zod.def;
    if (def?.type !== "union" || def.discriminator === undefined) return;
    const value = valueAt(input, path.slice(0, depth));
    const tag =
      value !== null && typeof value === "object" ? (value as Record<string, unknown>)[def.discriminator] : undefined;
    const options = unionOptions(current!);
    const chosen = options.find((option) => option.tag === tag);
    current = chosen?.option;
    if (chosen)
      branch = { discriminator: def.discriminator, tag, others: options.filter((option) => option.tag !== tag) };
  };
  selectOption(0);
  for (const [index, segment] of path.entries()) {
    if (!current) return {};
    const def = current._zod.def;
    if (def.type === "object" && def.shape && typeof segment === "string") current = unwrap(def.shape[segment]);
    else if (def.type === "record") current = unwrap(def.valueType);
    else if (def.type === "array") current = unwrap(def.element);
    else return {};
    selectOption(index + 1);
  }
  return { node: current, branch };
}

/** The keys an object schema accepts at `path` (the option the input selects, in a union), or undefined when it is not an object. */
export function allowedKeysAt(schema: unknown, path: readonly PropertyKey[], input?: unknown): string[] | undefined {
  const def = nodeAt(schema, path, input).node?._zod.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

/** The paths (`<name>` for any record key, `[]` for array items) of the object schemas that accept `key`. */
export function keyLocations(schema: unknown, key: string, maxDepth = 6): PropertyKey[][] {
  const found = new Map<string, PropertyKey[]>();
  const visit = (node: unknown, path: PropertyKey[]): void => {
    const current = unwrap(node);
    if (!current || path.length > maxDepth) return;
    const def = current._zod.def;
    if (def.type === "object" && def.shape) {
      if (key in def.shape) found.set(JSON.stringify(path), path);
      for (const [name, child] of Object.entries(def.shape)) visit(child, [...path, name]);
    } else if (def.type === "record") visit(def.valueType, [...path, "<name>"]);
    else if (def.type === "array") visit(def.element, [...path, "[]"]);
    else if (def.type === "union") for (const option of def.options ?? []) visit(option, path);
  };
  visit(schema, []);
  return [...found.values()];
}

const quoted = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join(", ");

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Turns zod issues into one ConfigIssue per problem, with messages a person can act on. */
export function issuesFromZod(
  error: z.ZodError,
  schema: unknown,
  file: string,
  prefix = "",
  input?: unknown,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const { node, branch } = nodeAt(schema, issue.path, input);
      const shape = node?._zod.def.type === "object" ? node._zod.def.shape : undefined;
      const listed = shape ? Object.keys(shape).filter((name) => name !== "$schema") : undefined;
      for (const key of issue.keys) {
        // A key of another option of the union (`endpoint` in a jdbc source) is named with the option it belongs to.
        const ofOthers =
          branch?.others
            .filter((other) => other.option._zod.def.shape && key in other.option._zod.def.shape)
            .map((other) => other.tag) ?? [];
        const suggestion = listed && ofOthers.length === 0 ? didYouMean(key, listed) : "";
        const elsewhere =
          suggestion || ofOthers.length > 0
            ? []
            : keyLocations(schema, key).map((location) => formatPath(location, prefix).replace(/\.\[\]/g, "[]"));
        const misplaced =
          elsewhere.length > 0 && elsewhere.length <= 3
            ? `; "${key}" is a key of ${elsewhere.join(" or ")} (indented under the wrong parent?)`
            : "";
        const otherKind =
          branch && ofOthers.length > 0
            ? ` for ${branch.discriminator} ${String(branch.tag)}; "${key}" applies to ${branch.discriminator} ${ofOthers.map(String).join(" or ")} only`
            : "";
        issues.push({
          file,
          path: formatPath([...issue.path, key], prefix),
          message: `unknown key${otherKind}${suggestion}${misplaced}${listed ? `; allowed keys here: ${listed.join(", ")}` : ""}`,
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_union" && issue.discriminator !== undefined && !("matches" in issue)) {
      // No option of a discriminated union has this value: name the ones that exist.
      const union = nodeAt(schema, issue.path.slice(0, -1), input).node;
      const options = issue.options ?? (union ? unionOptions(union).map((option) => option.tag) : []);
      const value = input === undefined ? undefined : valueAt(input, issue.path);
      const near =
        typeof value === "string"
          ? didYouMean(
              value,
              options.filter((option): option is string => typeof option === "string"),
            )
          : "";
      message =
        value === undefined
          ? `is required: one of ${quoted(options)}`
          : `must be one of ${quoted(options)}, got ${JSON.stringify(value)}${near}`;
    } else if (
      issue.code === "invalid_type" &&
      (/received undefined/.test(issue.message) || (input !== undefined && valueAt(input, issue.path) === undefined))
    ) {
      const { branch } = nodeAt(schema, issue.path.slice(0, -1), input);
      message = `is required${branch ? ` for ${branch.discriminator} ${String(branch.tag)}` : ""} (expected ${issue.expected})`;
    } else if (issue.code === "invalid_type") {
      message = message.replace(/^Invalid input: /, "");
    } else if (issue.code === "invalid_value") {
      message = `must be one of ${quoted(issue.values)}`;
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      message = message.replace(/^Too (small|big): expected /, "expected ");
    }
    issues.push({ file, path: formatPath(issue.path, prefix), message });
  }
  return issues;
}

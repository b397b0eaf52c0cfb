/** Helpers shared by the rules: reading props the way both the CLI and the offline plan pass them. */

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Document {
  Statement?: Statement | Statement[];
}

/** Values the plan writes for what it cannot know (secrets, preview unknowns). */
export function isOpaque(value: unknown): boolean {
  return value === "[secret]" || value === "[unknown]";
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A policy document from a JSON string or an object; undefined when it cannot be read. */
export function parseDocument(value: unknown): Document | undefined {
  if (value === undefined || value === null || isOpaque(value)) return undefined;
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as Document;
    } catch {
      return undefined;
    }
  }
  return typeof value === "object" ? (value as Document) : undefined;
}

export function statements(document: Document | undefined): Statement[] {
  return asArray(document?.Statement);
}

/** A value at a dotted path (`a.b.0.c`). */
export function get(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** JSON text or an object (container definitions, EMR configuration, chart values). */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string" || isOpaque(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** True when a principal is everybody (`"*"` or `{ AWS: "*" }`). */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object")
    return asArray((principal as Record<string, unknown>)["AWS"] as string | string[]).includes("*");
  return false;
}

/** Walks every nested value, calling `visit` with its path. */
export function walk(value: unknown, visit: (value: unknown, path: string[]) => void, path: string[] = []): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((element, index) => walk(element, visit, [...path, String(index)]));
  else if (value && typeof value === "object")
    for (const [key, element] of Object.entries(value)) walk(element, visit, [...path, key]);
}

/** The type token of a resource class (what `validateResourceOfType` matches on). */
export function typeOf(resourceClass: abstract new (...args: never[]) => unknown): string {
  const token = (resourceClass as unknown as { __pulumiType?: string }).__pulumiType;
  if (!token) throw new Error(`${resourceClass.name} has no Pulumi type token`);
  return token;
}

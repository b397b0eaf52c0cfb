import * as fs from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { ConfigIssue } from "./errors";

/**
 * Where the keys of a YAML (or JSON) file are: its parse errors as issues with line and column, and a lookup from
 * an issue's key path (`data-platform:network.reservedCidrs[0]`, `needs.spark.maxCoreVcpus`) to the line of that key.
 * In a Pulumi stack file (a mapping with `config:`) key paths are read under `config`.
 */
export interface SourcePositions {
  /** The parsed value; undefined when the file has syntax errors. */
  value: unknown;
  /** Syntax errors (bad indentation, tabs, duplicate keys, unclosed brackets), each with line, column and key path. */
  issues: ConfigIssue[];
  /** The position of a key path, or of its deepest ancestor that is in the file; undefined when none is. */
  locate(path: string): { line: number; column: number } | undefined;
  /** The position of exactly these keys from the document's root (no `config` rule, no ancestor). */
  locateKeys(keys: readonly (string | number)[]): { line: number; column: number } | undefined;
}

type Key = string | number;

/** `data-platform:network.reservedCidrs[0]` -> ["data-platform:network", "reservedCidrs", 0]. */
export function splitKeyPath(path: string): Key[] {
  const keys: Key[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    keys.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return keys;
}

function keyPathText(keys: readonly Key[]): string {
  let text = "";
  for (const key of keys) text += typeof key === "number" ? `[${key}]` : text === "" ? key : `.${key}`;
  return text;
}

interface Found {
  offset: number;
  depth: number;
}

// The node for each key in turn; the offset of the deepest key (or sequence item) found.
function find(node: unknown, keys: readonly Key[]): Found | undefined {
  let current = node;
  let found: Found | undefined;
  for (let depth = 0; depth < keys.length; depth++) {
    const key = keys[depth]!;
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (!pair || !range) return found;
      found = { offset: range[0], depth: depth + 1 };
      current = pair.value;
    } else if (isSeq(current) && typeof key === "number") {
      const item = current.items[key] as { range?: [number, number, number] } | undefined;
      if (!item?.range) return found;
      found = { offset: item.range[0], depth: depth + 1 };
      current = item;
    } else {
      return found;
    }
  }
  return found;
}

// The key path of the deepest node whose range holds `offset` (for syntax errors).
function pathAt(node: unknown, offset: number, path: Key[] = []): Key[] {
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
      const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      if (keyRange && offset >= keyRange[0] && offset < keyRange[1]) return [...path, key];
      if (valueRange && offset >= valueRange[0] && offset < valueRange[2])
        return pathAt(pair.value, offset, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const range = (item as { range?: [number, number, number] } | null)?.range;
      if (range && offset >= range[0] && offset < range[2]) return pathAt(item, offset, [...path, index]);
    }
  }
  return path;
}

function isStackFile(document: Document): boolean {
  return (
    isMap(document.contents) &&
    document.contents.items.some((pair) => isScalar(pair.key) && pair.key.value === "config")
  );
}

function syntaxMessage(code: string, message: string): string {
  if (code === "DUPLICATE_KEY") return "invalid YAML: duplicate key (a key may appear once in a mapping)";
  if (code === "TAB_AS_INDENT") return "invalid YAML: a tab in the indentation; indent with spaces";
  return `invalid YAML: ${message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`;
}

/** Parses YAML (JSON is YAML too) and keeps what is needed to point at lines. `file` labels the issues. */
export function sourcePositions(text: string, file: string): SourcePositions {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const stackFile = isStackFile(document);
  const toPosition = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // After the first syntax error the parser's later errors are mostly its consequences; duplicate keys never are.
  const errors = document.errors.filter((error, index) => index === 0 || error.code === "DUPLICATE_KEY");
  const issues: ConfigIssue[] = errors.map((error) => {
    let keys = pathAt(document.contents, error.pos[0]);
    if (stackFile && keys[0] === "config") keys = keys.slice(1);
    return {
      file,
      path: keyPathText(keys),
      message: syntaxMessage(error.code, error.message),
      ...toPosition(error.pos[0]),
    };
  });
  return {
    value: issues.length > 0 ? undefined : document.toJS(),
    issues,
    locateKeys(keys) {
      const found = find(document.contents, keys);
      return found && found.depth === keys.length ? toPosition(found.offset) : undefined;
    },
    locate(path: string) {
      const keys = splitKeyPath(path);
      if (keys.length === 0) return undefined;
      if (!stackFile) {
        const found = find(document.contents, keys);
        return found ? toPosition(found.offset) : undefined;
      }
      // A stack file: keys under `config`, namespaced (`data-platform:owner`) or bare (`owner`, the project's namespace).
      const bare =
        typeof keys[0] === "string" && keys[0].includes(":")
          ? [keys[0].slice(keys[0].indexOf(":") + 1), ...keys.slice(1)]
          : undefined;
      const candidates = [
        find(document.contents, ["config", ...keys]),
        bare ? find(document.contents, ["config", ...bare]) : undefined,
      ];
      const best = candidates
        .filter((found): found is Found => found !== undefined && found.depth > 1)
        .sort((a, b) => b.depth - a.depth)[0];
      return best ? toPosition(best.offset) : undefined;
    },
  };
}

/** Reads a file's positions; undefined when it cannot be read (a label that is not a file, a missing file). */
export function readSourcePositions(file: string, label = file): SourcePositions | undefined {
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    return sourcePositions(fs.readFileSync(file, "utf8"), label);
  } catch {
    return undefined;
  }
}

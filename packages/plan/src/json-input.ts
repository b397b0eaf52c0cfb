import * as fs from "node:fs";
import * as path from "node:path";
import { commandLine, displayPath, sourcePositions, type ConfigIssue } from "@data-platform/config";

/** A JSON file given to an option, read as an object, with the file's label for problems (`file:line:col: key`). */
export interface JsonInput {
  label: string;
  value: Record<string, unknown>;
  /** The line and column of a key path given as keys (for keys that contain dots, such as price keys). */
  locate: (keys: readonly string[]) => { line: number; column: number } | undefined;
}

/**
 * Reads the JSON object file given to `option`; a missing file, a syntax error (with its line and column) or a
 * value that is not an object is added to `problems` and gives undefined.
 */
export function readJsonInput(option: string, file: string, problems: ConfigIssue[]): JsonInput | undefined {
  const label = displayPath(path.resolve(file));
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    problems.push({ file: commandLine, path: option, message: `${label}: file not found` });
    return undefined;
  }
  const text = fs.readFileSync(file, "utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The YAML parser reads JSON too, and knows the line and column of a syntax error.
    const position = sourcePositions(text, label).issues[0];
    problems.push({
      file: label,
      path: "",
      message: `not JSON (${(error as Error).message.replace(/\s*\n\s*/g, " ")})`,
      line: position?.line,
      column: position?.column,
    });
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push({ file: label, path: "", message: "must be a JSON object" });
    return undefined;
  }
  const source = sourcePositions(text, label);
  return { label, value: value as Record<string, unknown>, locate: (keys) => source.locateKeys(keys) };
}

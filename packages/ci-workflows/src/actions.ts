import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { isRecord } from "./workflow";

/** The copied action definitions (data; see actions/PROVENANCE.md). */
export const actionsDir = path.resolve(__dirname, "..", "actions");

export interface ActionInput {
  name: string;
  required: boolean;
  /** The declared default, if any (a required input with a default may be omitted). */
  default?: string;
}

export interface ActionDefinition {
  /** `owner/repo`. */
  action: string;
  /** The release whose action.yml is copied, e.g. `v7.0.1`. */
  version: string;
  /** Tags that point at `commit` (the major tag and the release tag). */
  tags: string[];
  /** The release tag's commit: what workflows pin. */
  commit: string;
  inputs: Map<string, ActionInput>;
  /** Paths relative to `actionsDir`. */
  definition: string;
  license: string;
  licenseFile: string;
}

interface CatalogEntry {
  action: string;
  version: string;
  tags: string[];
  commit: string;
  definition: string;
  license: string;
  licenseFile: string;
}

/** A parsed `uses:` reference. */
export type UsesRef =
  | { kind: "local"; path: string }
  | { kind: "docker"; image: string }
  | { kind: "remote"; owner: string; repo: string; path?: string; ref?: string; action: string }
  | { kind: "invalid"; text: string };

export function parseUses(uses: string): UsesRef {
  const text = uses.trim();
  if (text.startsWith("./")) return { kind: "local", path: text.slice(2) };
  if (text.startsWith("docker://")) return { kind: "docker", image: text.slice("docker://".length) };
  const match = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)((?:\/[^@\s]+)?)(?:@(\S*))?$/.exec(text);
  if (!match) return { kind: "invalid", text };
  const [, owner, repo, subpath, ref] = match;
  return {
    kind: "remote",
    owner: owner!,
    repo: repo!,
    path: subpath ? subpath.slice(1) : undefined,
    ref: ref === undefined || ref === "" ? undefined : ref,
    action: `${owner}/${repo}${subpath ?? ""}`,
  };
}

/** Reads an action.yml's inputs. */
export function parseActionInputs(source: string): Map<string, ActionInput> {
  const document: unknown = parse(source);
  if (!isRecord(document)) throw new Error("action.yml must be a map");
  const inputs = isRecord(document["inputs"]) ? document["inputs"] : {};
  return new Map(
    Object.entries(inputs).map(([name, spec]) => {
      const record = isRecord(spec) ? spec : {};
      const required = record["required"] === true || record["required"] === "true";
      const value = record["default"];
      return [name, { name, required, default: value === undefined || value === null ? undefined : String(value) }];
    }),
  );
}

export interface ActionCatalog {
  definitions: ActionDefinition[];
  /**
   * The definition a `uses:` reference runs, when a copy exists for that exact
   * release: the ref must be the copied release's commit or one of its tags.
   */
  resolve(uses: string): { definition: ActionDefinition } | { problem: string };
}

export function loadActionCatalog(dir: string = actionsDir): ActionCatalog {
  const catalog = JSON.parse(fs.readFileSync(path.join(dir, "catalog.json"), "utf8")) as { actions: CatalogEntry[] };
  const definitions: ActionDefinition[] = catalog.actions.map((entry) => ({
    ...entry,
    inputs: parseActionInputs(fs.readFileSync(path.join(dir, entry.definition), "utf8")),
  }));
  return {
    definitions,
    resolve(uses) {
      const ref = parseUses(uses);
      if (ref.kind !== "remote") return { problem: `"${uses}" is not a remote action` };
      const candidates = definitions.filter(
        (definition) => definition.action.toLowerCase() === ref.action.toLowerCase(),
      );
      if (candidates.length === 0) {
        return {
          problem: `no action.yml copied for ${ref.action}: copy its definition into packages/ci-workflows/actions (with provenance and licence) before using it`,
        };
      }
      const definition = candidates.find(
        (candidate) => ref.ref !== undefined && (candidate.commit === ref.ref || candidate.tags.includes(ref.ref)),
      );
      if (!definition) {
        const known = candidates.map((candidate) => `${candidate.version} (${candidate.commit})`).join(", ");
        return {
          problem: `${ref.action}@${ref.ref ?? "(no ref)"} is not the release whose action.yml is copied (${known})`,
        };
      }
      return { definition };
    },
  };
}

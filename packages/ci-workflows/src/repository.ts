import * as fs from "node:fs";
import * as path from "node:path";
import { isRecord } from "./workflow";

/** The repository root (packages/ci-workflows/src or dist -> ../../..). */
export const repositoryRoot = path.resolve(__dirname, "..", "..", "..");

export interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

export interface WorkspacePackage {
  name: string;
  /** Repository-relative directory, e.g. `packages/plan`. */
  dir: string;
  manifest: PackageJson;
}

/** What the reference checks need to know about the repository. */
export interface Repository {
  root: string;
  /** Whether a repository-relative path exists (file or directory). */
  exists(relativePath: string): boolean;
  readText(relativePath: string): string;
  /** The root package.json. */
  rootManifest(): PackageJson;
  /** Every npm workspace package. */
  workspaces(): WorkspacePackage[];
  /** A workspace by package name or by directory (`@data-platform/plan`, `packages/plan`, `./packages/plan`). */
  workspace(nameOrDir: string): WorkspacePackage | undefined;
  /** Executables `npx` finds locally: bin name -> providing package (declared and installed dependencies only). */
  binaries(): Map<string, string>;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function expandWorkspaceGlob(root: string, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, "").replace(/\/$/, "");
  if (!clean.includes("*")) return fs.existsSync(path.join(root, clean, "package.json")) ? [clean] : [];
  if (!/^[^*]+\/\*$/.test(clean)) throw new Error(`unsupported workspace pattern "${pattern}" (only "dir/*")`);
  const parent = clean.slice(0, -2);
  const dir = path.join(root, parent);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((entry) => fs.existsSync(path.join(dir, entry, "package.json")))
    .sort()
    .map((entry) => `${parent}/${entry}`);
}

export function openRepository(root: string = repositoryRoot): Repository {
  let workspaceCache: WorkspacePackage[] | undefined;
  let binaryCache: Map<string, string> | undefined;
  const rootManifest = (): PackageJson => readJson(path.join(root, "package.json")) as PackageJson;
  const workspaces = (): WorkspacePackage[] => {
    workspaceCache ??= (rootManifest().workspaces ?? []).flatMap((pattern) =>
      expandWorkspaceGlob(root, pattern).map((dir) => {
        const manifest = readJson(path.join(root, dir, "package.json")) as PackageJson;
        return { name: manifest.name ?? dir, dir, manifest };
      }),
    );
    return workspaceCache;
  };
  return {
    root,
    exists: (relativePath) => fs.existsSync(path.join(root, relativePath)),
    readText: (relativePath) => fs.readFileSync(path.join(root, relativePath), "utf8"),
    rootManifest,
    workspaces,
    workspace: (nameOrDir) => {
      const dir = nameOrDir.replace(/^\.\//, "").replace(/\/$/, "");
      return workspaces().find((workspace) => workspace.name === nameOrDir || workspace.dir === dir);
    },
    binaries: () => {
      if (binaryCache) return binaryCache;
      binaryCache = new Map();
      const declared = new Set<string>();
      for (const manifest of [rootManifest(), ...workspaces().map((workspace) => workspace.manifest)]) {
        for (const name of [
          ...Object.keys(manifest.dependencies ?? {}),
          ...Object.keys(manifest.devDependencies ?? {}),
        ])
          declared.add(name);
      }
      for (const name of [...declared].sort()) {
        const manifestPath = path.join(root, "node_modules", name, "package.json");
        if (!fs.existsSync(manifestPath)) continue;
        const manifest = readJson(manifestPath);
        if (!isRecord(manifest)) continue;
        const bin = manifest["bin"];
        if (typeof bin === "string") binaryCache.set(name.split("/").pop()!, name);
        else if (isRecord(bin)) for (const command of Object.keys(bin)) binaryCache.set(command, name);
      }
      return binaryCache;
    },
  };
}

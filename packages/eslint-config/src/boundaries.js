import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Module boundaries of the workspace (the equivalent of Nx's
 * enforce-module-boundaries, driven by the same `nx.tags`):
 * - stacks may import components and packages, never another stack;
 * - components may import packages and other components' public entry points,
 *   never stacks, never `@data-platform/config` (config is read by stacks only);
 * - packages may import only packages;
 * - nobody imports another project's internals (undeclared subpaths such as
 *   `/src/...`), nor reaches into another project with a relative path.
 */

const kinds = ["package", "component", "stack"];

/** Finds the workspace root (the directory whose package.json declares workspaces). */
export function findWorkspaceRoot(start) {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).workspaces) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const cache = new Map();

/** Every workspace project: name, root, kind (from its `type:` tag) and declared export subpaths. */
export function readProjects(workspaceRoot) {
  if (cache.has(workspaceRoot)) return cache.get(workspaceRoot);
  const projects = [];
  for (const group of ["packages", "components", "stacks"]) {
    const groupDir = path.join(workspaceRoot, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const entry of fs.readdirSync(groupDir)) {
      const manifestPath = path.join(groupDir, entry, "package.json");
      if (!fs.existsSync(manifestPath)) continue;
      const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
      const tag = (manifest.nx?.tags ?? []).find((value) => value.startsWith("type:"));
      const kind = tag?.slice("type:".length);
      const exportsField =
        manifest.exports && typeof manifest.exports === "object" ? Object.keys(manifest.exports) : ["."];
      projects.push({
        name: manifest.name,
        root: path.join(groupDir, entry),
        kind: kinds.includes(kind) ? kind : undefined,
        exports: exportsField,
      });
    }
  }
  cache.set(workspaceRoot, projects);
  return projects;
}

function projectOfFile(projects, file) {
  return projects.find((project) => file === project.root || file.startsWith(project.root + path.sep));
}

function splitSpecifier(specifier) {
  const parts = specifier.split("/");
  const name = parts.slice(0, 2).join("/");
  const subpath = parts.length > 2 ? `./${parts.slice(2).join("/")}` : ".";
  return { name, subpath };
}

function subpathDeclared(project, subpath) {
  return project.exports.some((declared) => {
    if (declared === subpath) return true;
    if (declared.endsWith("/*")) return subpath.startsWith(declared.slice(0, -1));
    return false;
  });
}

/** The problem with one import, or undefined when it is allowed. Pure, so it can be tested directly. */
export function checkImport(projects, file, specifier) {
  const source = projectOfFile(projects, file);
  if (!source) return undefined;
  if (specifier.startsWith(".")) {
    const target = path.resolve(path.dirname(file), specifier);
    if (!(target === source.root || target.startsWith(source.root + path.sep))) {
      // Workspace-root files (the shared vitest config) are fair game; other projects are not.
      const other = projectOfFile(projects, target);
      if (other)
        return `relative import "${specifier}" reaches from ${source.name} into ${other.name}; import the package by name instead`;
    }
    return undefined;
  }
  if (!specifier.startsWith("@data-platform/")) return undefined;
  const { name, subpath } = splitSpecifier(specifier);
  const target = projects.find((project) => project.name === name);
  if (!target) return `"${name}" is not a workspace project`;
  if (target === source) return `"${specifier}" imports its own package by name; use a relative import`;
  if (!subpathDeclared(target, subpath))
    return `"${specifier}" reaches into ${name}'s internals; import its public entry point`;
  if (!source.kind || !target.kind)
    return `${!source.kind ? source.name : target.name} has no type:package|component|stack tag in package.json "nx.tags"`;
  if (source.kind === "package" && target.kind !== "package")
    return `a package may import only packages, not the ${target.kind} ${name}`;
  if (source.kind === "component" && target.kind === "stack") return `a component may not import the stack ${name}`;
  if (source.kind === "component" && name === "@data-platform/config")
    return "components never read configuration: take typed args from the stack instead of importing @data-platform/config";
  if (source.kind === "stack" && target.kind === "stack")
    return `a stack may not import another stack (${name}); share through a package`;
  return undefined;
}

/** The ESLint rule `data-platform/module-boundaries`. */
export const moduleBoundariesRule = {
  meta: {
    type: "problem",
    docs: { description: "Enforce stacks -> components -> packages and public entry points only." },
    schema: [],
    messages: { boundary: "{{problem}}" },
  },
  create(context) {
    const file = context.filename;
    const workspaceRoot = findWorkspaceRoot(path.dirname(file));
    if (!workspaceRoot) return {};
    const projects = readProjects(workspaceRoot);
    const check = (node, specifier) => {
      if (typeof specifier !== "string") return;
      const problem = checkImport(projects, file, specifier);
      if (problem) context.report({ node, messageId: "boundary", data: { problem } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === "TSExternalModuleReference" &&
        check(node.moduleReference.expression, node.moduleReference.expression.value),
      CallExpression: (node) => {
        if (
          node.callee.type === "Identifier" &&
          node.callee.name === "require" &&
          node.arguments[0]?.type === "Literal"
        )
          check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

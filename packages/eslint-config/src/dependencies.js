import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { findWorkspaceRoot } from "./boundaries.js";

/**
 * Declared dependencies (the equivalent of Nx's `@nx/dependency-checks`, which
 * has no release at this workspace's Nx version):
 * - a file's runtime imports of a package must be listed in the `dependencies`,
 *   `peerDependencies` or `optionalDependencies` of the nearest package.json,
 *   because that is all a consumer installs with it;
 * - test and tooling files (the config turns on `allowDevDependencies` for them)
 *   may also use its `devDependencies` and the workspace root's;
 * - type-only imports (`import type`, `import { type A }`, `typeof import()`) are
 *   erased by the compiler and are not checked; Node built-ins are never checked.
 */

const builtins = new Set(builtinModules);

/** The package name of a bare specifier, or undefined for relative paths and Node built-ins. */
export function packageName(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (builtins.has(name)) return undefined;
  return name;
}

const manifests = new Map();

function readManifest(file) {
  if (!manifests.has(file)) manifests.set(file, JSON.parse(fs.readFileSync(file, "utf8")));
  return manifests.get(file);
}

/** The path of the package.json nearest to `file` (its own directory upwards), or undefined. */
export function nearestManifest(file) {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const names = (section) => Object.keys(section ?? {});

/**
 * The problem with one runtime import, or undefined when it is declared. Pure, so it can be tested directly.
 * `manifest` is the nearest package.json; `rootDevDependencies` the workspace root's, counted for dev files only.
 */
export function checkDependency(manifest, specifier, { allowDevDependencies = false, rootDevDependencies = [] } = {}) {
  const name = packageName(specifier);
  if (!name || name === manifest.name) return undefined;
  const runtime = [
    ...names(manifest.dependencies),
    ...names(manifest.peerDependencies),
    ...names(manifest.optionalDependencies),
  ];
  if (runtime.includes(name)) return undefined;
  const dev = [...names(manifest.devDependencies), ...rootDevDependencies];
  if (allowDevDependencies) {
    if (dev.includes(name)) return undefined;
    return `"${name}" is not declared in ${manifest.name}'s package.json; add it to "devDependencies" (or "dependencies" if its runtime code needs it)`;
  }
  if (names(manifest.devDependencies).includes(name)) {
    return `"${name}" is imported at runtime but is only a devDependency of ${manifest.name}; move it to "dependencies" (or make the import type-only)`;
  }
  return `"${name}" is imported at runtime but is not in ${manifest.name}'s "dependencies"; add it there (or make the import type-only)`;
}

/** Whether an import or export declaration disappears at compile time. */
function typeOnly(node) {
  if (node.importKind === "type" || node.exportKind === "type") return true;
  const specifiers = node.specifiers ?? [];
  if (specifiers.length === 0) return false; // a side-effect import `import "x"` or `export * from "x"`
  return specifiers.every((specifier) => specifier.importKind === "type" || specifier.exportKind === "type");
}

/** The ESLint rule `data-platform/declared-dependencies`. */
export const declaredDependenciesRule = {
  meta: {
    type: "problem",
    docs: {
      description:
        "Runtime imports of a package must be its declared dependencies; devDependencies only in tests and tooling.",
    },
    schema: [
      {
        type: "object",
        properties: { allowDevDependencies: { type: "boolean" } },
        additionalProperties: false,
      },
    ],
    messages: { undeclared: "{{problem}}" },
  },
  create(context) {
    const file = context.filename;
    const manifestPath = nearestManifest(file);
    if (!manifestPath) return {};
    const manifest = readManifest(manifestPath);
    const allowDevDependencies = context.options[0]?.allowDevDependencies ?? false;
    const workspaceRoot = findWorkspaceRoot(path.dirname(file));
    const rootManifestPath = workspaceRoot && path.join(workspaceRoot, "package.json");
    const rootDevDependencies =
      rootManifestPath && rootManifestPath !== manifestPath
        ? names(readManifest(rootManifestPath).devDependencies)
        : [];
    const check = (node, specifier) => {
      if (typeof specifier !== "string") return;
      const problem = checkDependency(manifest, specifier, { allowDevDependencies, rootDevDependencies });
      if (problem) context.report({ node, messageId: "undeclared", data: { problem } });
    };
    return {
      ImportDeclaration: (node) => !typeOnly(node) && check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && !typeOnly(node) && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => node.exportKind !== "type" && check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      TSImportEqualsDeclaration: (node) =>
        node.importKind !== "type" &&
        node.moduleReference.type === "TSExternalModuleReference" &&
        check(node.moduleReference.expression, node.moduleReference.expression.value),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === "Identifier" && callee.name === "require";
        const isResolve =
          callee.type === "MemberExpression" &&
          callee.object.type === "Identifier" &&
          callee.object.name === "require" &&
          callee.property.type === "Identifier" &&
          callee.property.name === "resolve";
        // createRequire(from)("x") and createRequire(from).resolve("x")
        const createRequireCall = (expression) =>
          expression?.type === "CallExpression" &&
          expression.callee.type === "Identifier" &&
          expression.callee.name === "createRequire";
        const isCreated =
          createRequireCall(callee) ||
          (callee.type === "MemberExpression" &&
            createRequireCall(callee.object) &&
            callee.property.type === "Identifier" &&
            callee.property.name === "resolve");
        if ((isRequire || isResolve || isCreated) && node.arguments[0]?.type === "Literal")
          check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

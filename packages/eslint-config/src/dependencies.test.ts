import * as path from "node:path";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { findWorkspaceRoot } from "./boundaries.js";
import { checkDependency, nearestManifest, packageName } from "./dependencies.js";
import workspaceConfig from "./index.js";

describe("packageName", () => {
  it.each([
    ["@pulumi/aws", "@pulumi/aws"],
    ["@pulumi/aws/s3", "@pulumi/aws"],
    ["yaml", "yaml"],
    ["fast-check/lib/types", "fast-check"],
    ["@data-platform/dag-lib/package.json", "@data-platform/dag-lib"],
  ])("reads %s as %s", (specifier, name) => {
    expect(packageName(specifier)).toBe(name);
  });

  it.each(["./util", "../src/index", "/abs/file", "node:fs", "fs", "path/posix", "child_process"])(
    "ignores %s (relative or built-in)",
    (specifier) => {
      expect(packageName(specifier)).toBeUndefined();
    },
  );
});

describe("checkDependency", () => {
  // Shaped like the policy pack before it declared @pulumi/aws for runtime.
  const manifest = {
    name: "@data-platform/policy-pack",
    dependencies: { "@pulumi/policy": "^1.21.0", "@pulumi/pulumi": "3.248.0" },
    peerDependencies: { typescript: "~5.9.3" },
    optionalDependencies: { "@aws-sdk/client-emr": "^3.0.0" },
    devDependencies: { "@data-platform/testing": "0.1.0", "@pulumi/aws": "^7.48.0" },
  };
  const rootDevDependencies = ["vitest", "eslint"];

  it.each([
    "@pulumi/policy",
    "@pulumi/pulumi/runtime",
    "typescript",
    "@aws-sdk/client-emr",
    "node:path",
    "./util",
    "@data-platform/policy-pack",
  ])("allows a runtime import of %s", (specifier) => {
    expect(checkDependency(manifest, specifier, { rootDevDependencies })).toBeUndefined();
  });

  it("fails a runtime import of a devDependency, naming the package and the fix", () => {
    expect(checkDependency(manifest, "@pulumi/aws", { rootDevDependencies })).toBe(
      '"@pulumi/aws" is imported at runtime but is only a devDependency of @data-platform/policy-pack; move it to "dependencies" (or make the import type-only)',
    );
  });

  it("fails a runtime import of an undeclared package, and of a root devDependency", () => {
    expect(checkDependency(manifest, "yaml", { rootDevDependencies })).toMatch(
      /"yaml" is imported at runtime but is not in @data-platform\/policy-pack's "dependencies"/,
    );
    expect(checkDependency(manifest, "vitest", { rootDevDependencies })).toMatch(
      /"vitest" is imported at runtime but is not in/,
    );
  });

  it("lets test and tooling files use the project's and the root's devDependencies", () => {
    for (const specifier of ["@pulumi/aws", "@data-platform/testing", "vitest", "@pulumi/policy"]) {
      expect(
        checkDependency(manifest, specifier, { allowDevDependencies: true, rootDevDependencies }),
        specifier,
      ).toBeUndefined();
    }
  });

  it("still fails a test file's import of a package declared nowhere", () => {
    expect(checkDependency(manifest, "yaml", { allowDevDependencies: true, rootDevDependencies })).toBe(
      '"yaml" is not declared in @data-platform/policy-pack\'s package.json; add it to "devDependencies" (or "dependencies" if its runtime code needs it)',
    );
  });
});

describe("the ESLint rule in the workspace config", () => {
  const workspaceRoot = findWorkspaceRoot(__dirname)!;
  // packages/conventions declares @pulumi/pulumi for runtime and fast-check for development only.
  const conventions = (file: string) => path.join(workspaceRoot, "packages/conventions", file);

  const lint = (code: string, file: string) => {
    const linter = new Linter({ configType: "flat", cwd: workspaceRoot });
    return linter
      .verify(code, workspaceConfig as Linter.Config[], file)
      .filter((message) => message.ruleId === "data-platform/declared-dependencies" || message.fatal)
      .map((message) => message.message);
  };

  it("finds the nearest package.json of a file", () => {
    expect(nearestManifest(conventions("src/naming.ts"))).toBe(conventions("package.json"));
  });

  it.each([
    ['import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n', "a declared dependency"],
    [
      'import type { Arbitrary } from "fast-check";\nexport type X = Arbitrary<string>;\n',
      "an import type of a devDependency",
    ],
    [
      'import { type Arbitrary } from "fast-check";\nexport type X = Arbitrary<string>;\n',
      "inline type specifiers only",
    ],
    ['export type { Arbitrary } from "fast-check";\n', "a type-only re-export"],
    ['export type X = typeof import("fast-check");\n', "a typeof import() type"],
    ['import * as fs from "node:fs";\nimport * as path from "path";\nexport const x = [fs, path];\n', "Node built-ins"],
  ])("accepts runtime code with %s (%s)", (code) => {
    expect(lint(code, conventions("src/example.ts"))).toEqual([]);
  });

  const devOnly =
    '"fast-check" is imported at runtime but is only a devDependency of @data-platform/conventions; move it to "dependencies" (or make the import type-only)';
  it.each([
    ['import fc from "fast-check";\nexport const x = fc;\n', "a default import"],
    [
      'import { type Arbitrary, constant } from "fast-check";\nexport const x: Arbitrary<number> = constant(1);\n',
      "a mixed value and type import",
    ],
    ['import "fast-check";\n', "a side-effect import"],
    ['export * from "fast-check";\n', "a re-export of everything"],
    ['export { constant } from "fast-check";\n', "a named re-export"],
    ['export const load = () => import("fast-check");\n', "a dynamic import"],
    [
      'import { createRequire } from "node:module";\nexport const at = createRequire(__filename).resolve("fast-check");\n',
      "createRequire().resolve",
    ],
  ])("reports runtime code with %s (%s)", (code) => {
    expect(lint(code, conventions("src/example.ts"))).toEqual([devOnly]);
  });

  it("reports a runtime import of a package declared nowhere", () => {
    expect(lint('import { parse } from "yaml";\nexport const x = parse;\n', conventions("src/example.ts"))).toEqual([
      '"yaml" is imported at runtime but is not in @data-platform/conventions\'s "dependencies"; add it there (or make the import type-only)',
    ]);
  });

  it.each([
    "src/example.test.ts",
    "src/__tests__/helpers.ts",
    "src/__fixtures__/program/index.ts",
    "vitest.config.mts",
    "scripts/generate.ts",
  ])("lets %s use devDependencies (its own and the root's)", (file) => {
    expect(
      lint(
        'import fc from "fast-check";\nimport { it } from "vitest";\nexport const x = [fc, it];\n',
        conventions(file),
      ),
    ).toEqual([]);
  });

  it("still reports a test file's import of a package declared nowhere", () => {
    expect(
      lint('import { parse } from "yaml";\nexport const x = parse;\n', conventions("src/example.test.ts")),
    ).toEqual([
      '"yaml" is not declared in @data-platform/conventions\'s package.json; add it to "devDependencies" (or "dependencies" if its runtime code needs it)',
    ]);
  });
});

import * as path from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { checkImport, findWorkspaceRoot, moduleBoundariesRule, readProjects } from "./boundaries.js";

const root = "/repo";
const projects = [
  { name: "@data-platform/config", root: `${root}/packages/config`, kind: "package", exports: ["."] },
  { name: "@data-platform/conventions", root: `${root}/packages/conventions`, kind: "package", exports: ["."] },
  { name: "@data-platform/data-lake", root: `${root}/components/data-lake`, kind: "component", exports: ["."] },
  { name: "@data-platform/query-mesh", root: `${root}/components/query-mesh`, kind: "component", exports: ["."] },
  {
    name: "@data-platform/platform-stack",
    root: `${root}/stacks/platform`,
    kind: "stack",
    exports: [".", "./program"],
  },
  { name: "@data-platform/domain-stack", root: `${root}/stacks/domain`, kind: "stack", exports: ["."] },
];

const file = (project: string) => `${root}/${project}/src/index.ts`;

describe("checkImport", () => {
  const allowed: [string, string][] = [
    ["stacks/platform", "@data-platform/data-lake"],
    ["stacks/platform", "@data-platform/config"],
    ["components/query-mesh", "@data-platform/data-lake"],
    ["components/data-lake", "@data-platform/conventions"],
    ["packages/config", "@data-platform/conventions"],
    ["components/data-lake", "./grants"],
    ["components/data-lake", "@pulumi/aws"],
    ["packages/config", "../../vitest.config"],
  ];
  it.each(allowed)("allows %s to import %s", (project, specifier) => {
    expect(checkImport(projects, file(project), specifier)).toBeUndefined();
  });

  const forbidden: [string, string, RegExp][] = [
    ["packages/conventions", "@data-platform/data-lake", /a package may import only packages/],
    ["components/data-lake", "@data-platform/platform-stack", /a component may not import the stack/],
    ["components/data-lake", "@data-platform/config", /components never read configuration/],
    ["stacks/domain", "@data-platform/platform-stack", /a stack may not import another stack/],
    ["stacks/platform", "@data-platform/data-lake/src/grants", /reaches into @data-platform\/data-lake's internals/],
    [
      "components/query-mesh",
      "../../data-lake/src/grants",
      /reaches from @data-platform\/query-mesh into @data-platform\/data-lake/,
    ],
    ["stacks/platform", "@data-platform/nonexistent", /not a workspace project/],
  ];
  it.each(forbidden)("fails when %s imports %s", (project, specifier, message) => {
    expect(checkImport(projects, file(project), specifier)).toMatch(message);
  });
});

describe("the ESLint rule on this workspace", () => {
  const workspaceRoot = findWorkspaceRoot(__dirname)!;

  it("reads every project with a type tag", () => {
    const found = readProjects(workspaceRoot);
    expect(found.map((project: { name: string }) => project.name)).toEqual(
      expect.arrayContaining(["@data-platform/config", "@data-platform/platform-stack"]),
    );
    for (const project of found) expect(project.kind, project.name).toBeDefined();
  });

  it("reports a package importing a stack", () => {
    const linter = new Linter({ configType: "flat", cwd: workspaceRoot });
    const messages = linter.verify(
      'import { platform } from "@data-platform/platform-stack";\nexport const x = platform;\n',
      [
        {
          files: ["**/*.ts"],
          languageOptions: { parser: tseslint.parser as Linter.Parser },
          plugins: { "data-platform": { rules: { "module-boundaries": moduleBoundariesRule } } },
          rules: { "data-platform/module-boundaries": "error" },
        },
      ],
      path.join(workspaceRoot, "packages/conventions/src/example.ts"),
    );
    expect(messages.map((message) => message.message)).toEqual([
      "a package may import only packages, not the stack @data-platform/platform-stack",
    ]);
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "./__tests__/helpers";
import { actionsDir, parseActionInputs, parseUses } from "./actions";

const provenance = fs.readFileSync(path.join(actionsDir, "PROVENANCE.md"), "utf8");

describe("copied action definitions", () => {
  it("each has its action.yml and licence, and a provenance row naming the release, commit and licence", () => {
    expect(catalog.definitions.map((definition) => definition.action)).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "actions/upload-artifact",
      "actions/download-artifact",
      "pulumi/actions",
      "aws-actions/configure-aws-credentials",
    ]);
    for (const definition of catalog.definitions) {
      expect(fs.existsSync(path.join(actionsDir, definition.definition)), definition.definition).toBe(true);
      const licence = fs.readFileSync(path.join(actionsDir, definition.licenseFile), "utf8");
      expect(licence).toMatch(
        definition.license === "MIT" ? /Permission is hereby granted, free of charge/ : /Apache License\s+Version 2\.0/,
      );
      const row = provenance
        .split("\n")
        .find((line) => line.startsWith(`| \`${path.dirname(definition.definition)}/\``));
      expect(row, definition.action).toBeDefined();
      expect(row).toContain(`\`${definition.action}\``);
      expect(row).toContain(`${definition.version} (also \`${definition.tags[0]}\`) -> ${definition.commit}`);
      expect(row).toContain(`${definition.license} (\`LICENSE\`)`);
      expect(definition.tags).toContain(definition.version);
      expect(definition.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(definition.inputs.size).toBeGreaterThan(0);
    }
  });

  it("are the real definitions (spot checks of what the workflows rely on)", () => {
    const inputs = (action: string) => catalog.definitions.find((definition) => definition.action === action)!.inputs;
    expect([...inputs("pulumi/actions").keys()]).toEqual(
      expect.arrayContaining([
        "command",
        "stack-name",
        "pulumi-version",
        "comment-on-pr",
        "policyPacks",
        "refresh",
        "expect-no-changes",
      ]),
    );
    expect(inputs("aws-actions/configure-aws-credentials").get("aws-region")).toEqual({
      name: "aws-region",
      required: true,
      default: undefined,
    });
    expect(inputs("aws-actions/configure-aws-credentials").get("audience")?.default).toBe("sts.amazonaws.com");
    expect(inputs("actions/upload-artifact").get("path")?.required).toBe(true);
    expect([...inputs("actions/download-artifact").keys()]).toEqual(
      expect.arrayContaining(["run-id", "github-token", "name", "path"]),
    );
  });

  it("resolve a uses: reference only for the copied release", () => {
    expect("definition" in catalog.resolve("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1")).toBe(true);
    expect("definition" in catalog.resolve("actions/checkout@v7")).toBe(true);
    expect(catalog.resolve("actions/checkout@v6")).toEqual({
      problem:
        "actions/checkout@v6 is not the release whose action.yml is copied (v7.0.1 (3d3c42e5aac5ba805825da76410c181273ba90b1))",
    });
    expect(catalog.resolve("actions/checkout")).toMatchObject({
      problem: expect.stringContaining("actions/checkout@(no ref)"),
    });
  });
});

describe("parseUses / parseActionInputs", () => {
  it("parses references", () => {
    expect(parseUses("actions/checkout@v7")).toEqual({
      kind: "remote",
      owner: "actions",
      repo: "checkout",
      path: undefined,
      ref: "v7",
      action: "actions/checkout",
    });
    expect(parseUses("acme/data-platform/.github/workflows/domain-deploy.yml@v1")).toMatchObject({
      kind: "remote",
      path: ".github/workflows/domain-deploy.yml",
      action: "acme/data-platform/.github/workflows/domain-deploy.yml",
    });
    expect(parseUses("./.github/actions/x")).toEqual({ kind: "local", path: ".github/actions/x" });
    expect(parseUses("docker://alpine:3")).toEqual({ kind: "docker", image: "alpine:3" });
    expect(parseUses("not a ref")).toEqual({ kind: "invalid", text: "not a ref" });
  });

  it("reads required and default", () => {
    expect([
      ...parseActionInputs("inputs:\n  a:\n    required: true\n  b:\n    default: 1\n  c: {}\n").values(),
    ]).toEqual([
      { name: "a", required: true, default: undefined },
      { name: "b", required: false, default: "1" },
      { name: "c", required: false, default: undefined },
    ]);
  });
});

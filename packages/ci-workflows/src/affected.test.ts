import { describe, expect, it } from "vitest";
import { repository } from "./__tests__/helpers";
import { decideRelevance, platformRelevance, relevantChanges, type Exec } from "./affected";

/** A fake git + nx: the base exists unless told otherwise. */
function fakeExec(options: { files?: string[]; projects?: string[]; missingBase?: boolean }) {
  const calls: string[] = [];
  const exec: Exec = (command, args) => {
    calls.push(`${command} ${args.join(" ")}`);
    if (command === "git" && args[0] === "rev-parse") {
      if (options.missingBase) throw new Error("fatal: Not a valid object name");
      return "";
    }
    if (command === "git" && args[0] === "diff") return `${(options.files ?? []).join("\n")}\n`;
    if (command === "npx") return `\n${JSON.stringify(options.projects ?? [])}\n`;
    throw new Error(`unexpected ${command}`);
  };
  return { exec, calls };
}

describe("affected gate", () => {
  it("names real projects and files", () => {
    for (const project of platformRelevance.projects) expect(repository.workspace(project), project).toBeDefined();
    for (const file of platformRelevance.files) expect(repository.exists(file), file).toBe(true);
  });

  it("is relevant when the stack program, the policy pack or a root Pulumi file is affected", () => {
    expect(
      relevantChanges({ affectedProjects: ["@data-platform/platform-stack", "@data-platform/plan"], changedFiles: [] }),
    ).toEqual(["Nx project @data-platform/platform-stack is affected"]);
    expect(relevantChanges({ affectedProjects: [], changedFiles: ["Pulumi.yaml", "README.md"] })).toEqual([
      "Pulumi.yaml changed",
    ]);
    expect(
      relevantChanges({
        affectedProjects: ["@data-platform/ci-workflows"],
        changedFiles: ["README.md", "packages/ci-workflows/src/x.ts"],
      }),
    ).toEqual([]);
  });

  it("asks git and Nx about base...head", () => {
    const fake = fakeExec({ files: ["packages/policy-pack/src/rules.ts"], projects: ["@data-platform/policy-pack"] });
    expect(decideRelevance({ base: "abc123", head: "HEAD", exec: fake.exec })).toEqual({
      relevant: true,
      reasons: ["Nx project @data-platform/policy-pack is affected"],
    });
    expect(fake.calls).toEqual([
      "git rev-parse --verify --quiet abc123^{commit}",
      "git diff --name-only abc123...HEAD",
      "npx --no-install nx show projects --affected --base=abc123 --head=HEAD --json",
    ]);
    expect(
      decideRelevance({ base: "abc123", head: "HEAD", exec: fakeExec({ files: ["docs/x.md"], projects: [] }).exec }),
    ).toEqual({ relevant: false, reasons: [] });
  });

  it("treats a missing base (first push, manual run, rewritten history) as relevant without asking Nx", () => {
    for (const base of ["", "0000000000000000000000000000000000000000", undefined]) {
      const fake = fakeExec({});
      expect(decideRelevance({ base, head: "HEAD", exec: fake.exec }).relevant).toBe(true);
      expect(fake.calls).toEqual([]);
    }
    const gone = fakeExec({ missingBase: true });
    expect(decideRelevance({ base: "abc123", head: "HEAD", exec: gone.exec })).toEqual({
      relevant: true,
      reasons: ["base abc123 is not in the fetched history: treat everything as changed"],
    });
  });
});

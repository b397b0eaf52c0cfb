import { describe, expect, it } from "vitest";
import { parseArgs } from "./args";

describe("parseArgs", () => {
  it("reads every option, in both --flag value and --flag=value forms", () => {
    expect(parseArgs(["--stack", "prod", "--json=out/plan.json", "--markdown", "out/plan.md", "--mode", "preview", "--project", "stacks/domain", "--platform-plan", "p.json", "--config-file", "c.yaml", "--domains-dir", "d", "--stack-traces"])).toEqual({
      stack: "prod",
      json: "out/plan.json",
      markdown: "out/plan.md",
      mode: "preview",
      project: "stacks/domain",
      platformPlan: "p.json",
      configFile: "c.yaml",
      domainsDir: "d",
      stackTraces: true,
      help: false,
      failOnReplaceStateful: false,
      tree: false,
    });
  });

  it("reads the review options: --base, --fail-on-replace-stateful, --tree, --domain, --prices, --usage", () => {
    expect(parseArgs(["--stack", "prod", "--base=base.json", "--fail-on-replace-stateful", "--tree", "--domain", "orders", "--prices", "p.json", "--usage", "u.json"])).toMatchObject({
      base: "base.json",
      failOnReplaceStateful: true,
      tree: true,
      domain: "orders",
      prices: "p.json",
      usage: "u.json",
    });
  });

  it.each([
    [[], /--stack is required/],
    [["--stack"], /--stack needs a value/],
    [["--stack", "dev", "--mode", "apply"], /--mode must be resolved or preview/],
    [["--stack", "dev", "--bogus", "1"], /unknown option "--bogus"/],
    [["--stack", "dev", "--stack", "prod"], /--stack given twice/],
  ])("fails on %j", (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });
});

import { describe, expect, it } from "vitest";
import { isConfigError } from "@data-platform/config";
import { parseArgs } from "./args";

describe("parseArgs", () => {
  it("reads every option, in both --flag value and --flag=value forms", () => {
    expect(
      parseArgs([
        "--stack",
        "prod",
        "--json=out/plan.json",
        "--markdown",
        "out/plan.md",
        "--mode",
        "preview",
        "--project",
        "stacks/domain",
        "--platform-plan",
        "p.json",
        "--config-file",
        "c.yaml",
        "--domains-dir",
        "d",
        "--stack-traces",
      ]),
    ).toEqual({
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
    expect(
      parseArgs([
        "--stack",
        "prod",
        "--base=base.json",
        "--fail-on-replace-stateful",
        "--tree",
        "--domain",
        "orders",
        "--prices",
        "p.json",
        "--usage",
        "u.json",
      ]),
    ).toMatchObject({
      base: "base.json",
      failOnReplaceStateful: true,
      tree: true,
      domain: "orders",
      prices: "p.json",
      usage: "u.json",
    });
  });

  it.each([
    [[], "command line: --stack: is required (the stack to plan, such as dev)"],
    [["--stack"], "command line: --stack: needs a value"],
    [["--stack", "dev", "--mode", "apply"], 'command line: --mode: must be "resolved" or "preview", got "apply"'],
    [["--stack", "dev", "--bogus", "1"], "command line: --bogus: unknown option"],
    [["--stak", "dev"], 'command line: --stak: unknown option (did you mean "--stack"?)'],
    [["--stack", "dev", "--jsn=plan.json"], 'command line: --jsn=plan.json: unknown option (did you mean "--json"?)'],
    [["--stack", "dev", "--stack", "prod"], "command line: --stack: given twice"],
    [
      ["--stack", "dev", "--fail-on-replace-statefull"],
      'command line: --fail-on-replace-statefull: unknown option (did you mean "--fail-on-replace-stateful"?)',
    ],
    [
      ["--stack", "dev", "--base", "b.json", "--fail-on-replace-stateful=yes"],
      "command line: --fail-on-replace-stateful: takes no value",
    ],
    [
      ["--stack", "dev", "--fail-on-replace-stateful"],
      "command line: --fail-on-replace-stateful: needs --base <json>, the plan to compare with",
    ],
    [["--stack", "dev", "--tre"], 'command line: --tre: unknown option (did you mean "--tree"?)'],
    [["--stack", "dev", "--prics", "p.json"], 'command line: --prics: unknown option (did you mean "--prices"?)'],
    [["--stack", "dev", "--usage"], "command line: --usage: needs a value"],
    [["--stack", "dev", "--domain", "--tree"], "command line: --domain: needs a value"],
    [["--stack", "dev", "--base", "a.json", "--base", "b.json"], "command line: --base: given twice"],
  ])("fails on %j with one input problem", (argv, line) => {
    let caught: unknown;
    try {
      parseArgs(argv as string[]);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`Invalid input (1 problem):\n${line}`);
  });
});

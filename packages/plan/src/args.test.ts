import { describe, expect, it } from "vitest";
import { isConfigError } from "@data-platform/config";
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

import { describe, expect, it } from "vitest";
import { isReusableOnly, parseWorkflow, reusableInterface, stepLabel, walkStrings } from "./workflow";

describe("parseWorkflow", () => {
  it("normalises the triggers", () => {
    const jobs = "jobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: 'true'\n";
    expect(parseWorkflow("a.yml", `on: push\n${jobs}`).on).toEqual({ push: null });
    expect(parseWorkflow("a.yml", `on: [push, pull_request]\n${jobs}`).on).toEqual({ push: null, pull_request: null });
    // YAML 1.2: "on" is a key, not the boolean true.
    expect(parseWorkflow("a.yml", `on:\n  push:\n    branches: [main]\n${jobs}`).on).toEqual({
      push: { branches: ["main"] },
    });
  });

  it("rejects what GitHub would reject, naming the file", () => {
    expect(() => parseWorkflow("a.yml", "on: push\njobs: [")).toThrow(/^a\.yml: invalid YAML/);
    expect(() => parseWorkflow("a.yml", "jobs: {}")).toThrow('a.yml: a workflow needs "on" (its triggers)');
    expect(() => parseWorkflow("a.yml", "on: push\njobs:\n  a:\n    runs-on: x\n")).toThrow(
      'a.yml: jobs.a needs "steps" or "uses"',
    );
    expect(() => parseWorkflow("a.yml", "on: push\njobs:\n  a:\n    steps:\n      - name: nothing\n")).toThrow(
      'a.yml: jobs.a.steps[0] needs exactly one of "uses" and "run"',
    );
    expect(() => parseWorkflow("a.yml", "on: push\non: pull_request\njobs: {}")).toThrow(/invalid YAML/);
  });

  it("reads a reusable workflow's interface", () => {
    const workflow = parseWorkflow(
      "r.yml",
      "on:\n  workflow_call:\n    inputs:\n      stack: { type: string, required: true }\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: 'true'\n",
    );
    expect(isReusableOnly(workflow)).toBe(true);
    expect(reusableInterface(workflow)).toEqual({ inputs: { stack: { type: "string", required: true } }, secrets: {} });
  });

  it("labels steps and walks every string with its path", () => {
    expect(stepLabel({ run: "npm ci\nnpm test" }, 2)).toBe('steps[2] "npm ci"');
    expect(stepLabel({ name: "Build", run: "x" }, 0)).toBe('steps[0] "Build"');
    const seen: string[] = [];
    walkStrings({ a: ["x", { b: "y" }] }, (text, where, kind) => seen.push(`${kind} ${where}=${text}`));
    expect(seen).toEqual(["key a=a", "value a[0]=x", "key a[1].b=b", "value a[1].b=y"]);
  });
});

import { describe, expect, it } from "vitest";
import { messages, pins, problemsOf, workflow } from "../__tests__/helpers";

const good = `
name: good
on: pull_request
permissions: {}
jobs:
  preview:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      id-token: write
      pull-requests: write
    steps:
      - uses: ${pins.checkout}
        with:
          persist-credentials: false
      - uses: ${pins.aws}
        with:
          role-to-assume: \${{ vars.ROLE }}
          aws-region: eu-west-1
      - uses: ${pins.pulumi}
        with:
          command: preview
          stack-name: dev
          pulumi-version: 3.248.0
          comment-on-pr: true
`;

describe("inputs check", () => {
  it("accepts inputs the copied action.yml declares", () => {
    expect(messages(problemsOf(good, ["inputs"]))).toEqual([]);
  });

  it("fails on an input the action does not declare, suggesting the declared spelling", () => {
    const broken = good.replace(
      "comment-on-pr: true",
      "comment_on_pr: true\n          policy-packs: packages/policy-pack",
    );
    expect(messages(problemsOf(broken, ["inputs"]))).toEqual([
      'jobs.preview.steps[2] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": input "comment_on_pr" is not declared by pulumi/actions v7.0.0 (did you mean "comment-on-pr"?)',
      'jobs.preview.steps[2] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": input "policy-packs" is not declared by pulumi/actions v7.0.0 (did you mean "policyPacks"?)',
    ]);
  });

  it("fails when a required input (required, no default) is missing", () => {
    const broken = good.replace("          aws-region: eu-west-1\n", "");
    expect(messages(problemsOf(broken, ["inputs"]))).toEqual([
      'jobs.preview.steps[1] "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c": required input "aws-region" of aws-actions/configure-aws-credentials v6.2.3 is missing',
    ]);
  });

  it("fails on an action whose action.yml is not copied, and on another release than the copied one", () => {
    const broken = good.replace(pins.checkout, "actions/cache@v4").replace(pins.pulumi, "pulumi/actions@v6");
    const found = messages(problemsOf(broken, ["inputs"]));
    expect(found).toContain(
      'jobs.preview.steps[0] "actions/cache@v4": no action.yml copied for actions/cache: copy its definition into packages/ci-workflows/actions (with provenance and licence) before using it',
    );
    expect(found).toContain(
      'jobs.preview.steps[2] "pulumi/actions@v6": pulumi/actions@v6 is not the release whose action.yml is copied (v7.0.0 (8e5e406f4007fca908480587cb9893c07090f58d))',
    );
  });

  it("accepts the copied release by its tags as well as by its commit", () => {
    const tagged = good
      .replace(pins.pulumi, "pulumi/actions@v7")
      .replace(pins.aws, "aws-actions/configure-aws-credentials@v6.2.3");
    expect(messages(problemsOf(tagged, ["inputs"]))).toEqual([]);
  });

  it("fails on with: given to a run step", () => {
    const broken = good.replace(
      `      - uses: ${pins.checkout}\n        with:\n          persist-credentials: false`,
      "      - run: echo hi\n        with:\n          x: 1",
    );
    expect(messages(problemsOf(broken, ["inputs"]))).toEqual([
      'jobs.preview.steps[0] "echo hi": a run step takes no with: (use env:)',
    ]);
  });

  describe("reusable workflow calls", () => {
    const callee = workflow(
      `
name: callee
on:
  workflow_call:
    inputs:
      stack: { type: string, required: true }
      refresh: { type: boolean, default: true }
    secrets:
      PULUMI_ACCESS_TOKEN: { required: true }
permissions: {}
jobs:
  run:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - run: "true"
`,
      ".github/workflows/callee.yml",
    );
    const caller = (body: string) => `
name: caller
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/callee.yml
    permissions: {}
${body}`;

    it("accepts declared inputs and secrets", () => {
      const ok = caller(
        "    with:\n      stack: dev\n      refresh: false\n    secrets:\n      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}",
      );
      expect(messages(problemsOf(ok, ["inputs"], [callee]))).toEqual([]);
    });

    it("fails on undeclared, missing and mistyped inputs and secrets", () => {
      const broken = caller('    with:\n      stak: dev\n      refresh: "no"\n    secrets:\n      OTHER: x');
      expect(messages(problemsOf(broken, ["inputs"], [callee]))).toEqual([
        'jobs.call: input "stak" is not declared by .github/workflows/callee.yml (on.workflow_call.inputs)',
        'jobs.call: input "refresh" of .github/workflows/callee.yml is a boolean, got "no"',
        'jobs.call: required input "stack" of .github/workflows/callee.yml is missing',
        'jobs.call: secret "OTHER" is not declared by .github/workflows/callee.yml (on.workflow_call.secrets)',
        'jobs.call: required secret "PULUMI_ACCESS_TOKEN" of .github/workflows/callee.yml is missing',
      ]);
    });

    it("fails when the called workflow cannot be found", () => {
      const broken = caller("").replace("./.github/workflows/callee.yml", "./.github/workflows/missing.yml");
      expect(messages(problemsOf(broken, ["inputs"]))).toEqual([
        "jobs.call: cannot find the reusable workflow ./.github/workflows/missing.yml to check its inputs",
      ]);
    });
  });
});

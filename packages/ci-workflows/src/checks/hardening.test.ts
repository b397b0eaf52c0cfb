import { describe, expect, it } from "vitest";
import { messages, pins, problemsOf } from "../__tests__/helpers";

const source = (on: string, checkoutWith: string, run = "echo ok") => `
name: hardening
on:
${on}
permissions: {}
jobs:
  job:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: ${pins.checkout}
        with:
${checkoutWith}
      - name: script
        run: ${run}
`;
const checkoutStep = 'jobs.job.steps[0] "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"';

describe("hardening check", () => {
  it("accepts a pull_request workflow that keeps the token out of .git and event data out of scripts", () => {
    expect(
      messages(
        problemsOf(source("  pull_request:", "          persist-credentials: false", 'echo "$TITLE"'), ["hardening"]),
      ),
    ).toEqual([]);
  });

  it("fails on pull_request_target and on event data interpolated into a script", () => {
    const broken = source(
      "  pull_request_target:",
      "          persist-credentials: false",
      'echo "${{ github.event.pull_request.title }}"',
    );
    expect(messages(problemsOf(broken, ["hardening"]))).toEqual([
      "on.pull_request_target: pull_request_target runs with secrets and a write token for any pull request: use pull_request (+ workflow_run for what needs write access)",
      'jobs.job.steps[1] "script": run: interpolates ${{ github.event.pull_request.title }} into the script (script injection): pass it through env:',
    ]);
  });

  it("fails when a workflow_run workflow checks out the pull request's code, or credentials persist", () => {
    const broken = source(
      "  workflow_run:\n    workflows: [ci]\n    types: [completed]",
      "          ref: ${{ github.event.workflow_run.head_sha }}",
    );
    expect(messages(problemsOf(broken, ["hardening"]))).toEqual([
      `${checkoutStep}: actions/checkout without persist-credentials: false leaves the token in .git/config for every later step`,
      `${checkoutStep}: a workflow_run workflow runs with a write token: check out only the default branch, never the pull request's code (no ref:/repository:)`,
    ]);
  });
});

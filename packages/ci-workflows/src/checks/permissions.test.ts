import { describe, expect, it } from "vitest";
import { bare, messages, pins, problemsOf, workflow } from "../__tests__/helpers";
import { stepNeeds } from "./permissions";

const job = (permissions: string, steps: string) => `
name: perms
on: pull_request
permissions: {}
jobs:
  job:
    runs-on: ubuntu-24.04
${permissions}
    steps:
${steps}`;

const checkout = `      - uses: ${pins.checkout}\n        with:\n          persist-credentials: false\n`;
const aws = `      - uses: ${pins.aws}\n        with:\n          role-to-assume: \${{ vars.ROLE }}\n          aws-region: eu-west-1\n`;
const pulumiComment = `      - uses: ${pins.pulumi}\n        with:\n          command: preview\n          stack-name: dev\n          pulumi-version: 3.248.0\n          comment-on-pr: true\n`;
const download = `      - uses: ${pins.download}\n        with:\n          name: plan-comment\n          run-id: \${{ github.event.workflow_run.id }}\n          github-token: \${{ github.token }}\n`;
const poster = `      - run: npx tsx packages/ci-workflows/src/bin/post-plan-comment.ts --dir x --head-sha y\n`;

describe("permissions check", () => {
  it("accepts exactly what the steps need", () => {
    const ok = job(
      "    permissions:\n      contents: read\n      id-token: write\n      pull-requests: write",
      checkout + aws + pulumiComment,
    );
    expect(messages(problemsOf(ok, ["permissions"]))).toEqual([]);
    const poster_ = job(
      "    permissions:\n      actions: read\n      contents: read\n      pull-requests: write",
      checkout + download + poster,
    );
    expect(messages(problemsOf(poster_, ["permissions"]))).toEqual([]);
  });

  it("fails when a job assuming an AWS role lacks id-token: write", () => {
    const broken = job("    permissions:\n      contents: read", checkout + aws);
    expect(messages(problemsOf(broken, ["permissions"]))).toEqual([
      'jobs.job: lacks id-token: write (steps[1] "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c": configure-aws-credentials assumes the AWS role through GitHub\'s OIDC token)',
    ]);
  });

  it("fails when pulumi/actions comments without pull-requests: write, or has only read", () => {
    const broken = job("    permissions:\n      contents: read\n      pull-requests: read", checkout + pulumiComment);
    expect(messages(problemsOf(broken, ["permissions"]))).toEqual([
      'jobs.job: lacks pull-requests: write, has read (steps[1] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": pulumi/actions with comment-on-pr comments on the pull request)',
    ]);
  });

  it("fails on more than needed: a scope no step uses, write where read is enough", () => {
    const broken = job("    permissions:\n      contents: write\n      id-token: write\n      issues: write", checkout);
    expect(messages(problemsOf(broken, ["permissions"]))).toEqual([
      'jobs.job: grants contents: write, but read is enough (steps[0] "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": actions/checkout clones the repository)',
      "jobs.job: grants id-token: write, more than its steps need",
      "jobs.job: grants issues: write, more than its steps need",
    ]);
  });

  it("fails on pull-requests: write for a job that does not comment", () => {
    const broken = job(
      "    permissions:\n      contents: read\n      pull-requests: write",
      checkout + pulumiComment.replace("          comment-on-pr: true\n", ""),
    );
    expect(messages(problemsOf(broken, ["permissions"]))).toEqual([
      "jobs.job: grants pull-requests: write, more than its steps need",
    ]);
  });

  it("fails when another run's artifacts are read without actions: read, and the poster without pull-requests: write", () => {
    const broken = job("    permissions:\n      contents: read", checkout + download + poster);
    expect(messages(problemsOf(broken, ["permissions"]))).toEqual([
      'jobs.job: lacks actions: read (steps[1] "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c": download-artifact reads another workflow run\'s artifacts)',
      'jobs.job: lacks pull-requests: write (steps[2] "npx tsx packages/ci-workflows/src/bin/post-plan-comment.ts -...": post-plan-comment.ts creates or updates the plan comment and reads the pull request)',
    ]);
  });

  it("fails without any permissions (default token), with write-all, and with a broad top level", () => {
    const none = job("", checkout).replace("permissions: {}\n", "");
    expect(messages(problemsOf(none, ["permissions"]))).toEqual([
      "permissions: no top-level permissions: jobs without their own would get the repository's default token permissions (set permissions: {} or contents: read)",
      "jobs.job: no permissions (neither the job nor the workflow sets them): the job would get the repository's default token permissions",
    ]);
    const all = job("    permissions: write-all", checkout).replace(
      "permissions: {}\n",
      "permissions:\n  contents: read\n  pull-requests: write\n",
    );
    expect(messages(problemsOf(all, ["permissions"]))).toEqual([
      "permissions: top-level permissions may only be {} or contents: read (grant pull-requests: write on the job that needs it)",
      'jobs.job: permissions "write-all" grants every scope; list the scopes the job needs',
    ]);
  });

  it("counts inherited workflow permissions", () => {
    const inherited = job("", checkout).replace("permissions: {}\n", "permissions:\n  contents: read\n");
    expect(messages(problemsOf(inherited, ["permissions"]))).toEqual([]);
    const extra = job("", "      - run: echo no checkout\n").replace(
      "permissions: {}\n",
      "permissions:\n  contents: read\n",
    );
    expect(messages(problemsOf(extra, ["permissions"]))).toEqual([
      "jobs.job: grants contents: read (inherited from the workflow), more than its steps need",
    ]);
  });

  it("requires a reusable workflow call to grant what the called jobs request", () => {
    const callee = workflow(
      `
name: callee
on:
  workflow_call: {}
permissions: {}
jobs:
  run:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      id-token: write
    steps:
${checkout}${aws}`,
      ".github/workflows/callee.yml",
    );
    const caller = (permissions: string) => `
name: caller
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/callee.yml
${permissions}
`;
    expect(
      messages(
        problemsOf(caller("    permissions:\n      contents: read\n      id-token: write"), ["permissions"], [callee]),
      ),
    ).toEqual([]);
    expect(messages(problemsOf(caller("    permissions:\n      contents: read"), ["permissions"], [callee]))).toEqual([
      "jobs.call: lacks id-token: write (.github/workflows/callee.yml job run requests id-token: write)",
    ]);
  });

  it("derives needs from the step", () => {
    expect(stepNeeds({ uses: bare(pins.aws), with: { "aws-access-key-id": "x", "aws-region": "eu-west-1" } })).toEqual(
      [],
    );
    expect(
      stepNeeds({
        uses: bare(pins.pulumi),
        with: { "comment-on-pr": "${{ github.event_name == 'pull_request' }}" },
      }).map((need) => need.scope),
    ).toEqual(["pull-requests"]);
    expect(stepNeeds({ uses: bare(pins.pulumi), with: { "comment-on-pr": false } })).toEqual([]);
    expect(stepNeeds({ uses: bare(pins.download), with: { name: "x" } })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { messages, pins, problemsOf } from "../__tests__/helpers";

const withRun = (script: string, extra = "") => `
name: references
on: push
permissions: {}
jobs:
  job:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - name: step
${extra}        run: |
${script
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
`;

const found = (script: string, extra = "") =>
  messages(problemsOf(withRun(script, extra), ["references"])).map((message) =>
    message.replace('jobs.job.steps[0] "step": ', ""),
  );

describe("references check", () => {
  it("accepts the repository's real scripts, workspaces, targets, binaries and files", () => {
    expect(
      found(
        [
          "npm ci --no-audit --no-fund",
          "npm test",
          "npm run build",
          'npm run --silent plan -- --stack "$stage" --json "$RUNNER_TEMP/plan.json"',
          "npm run generate -w @data-platform/config",
          "npm run lint --workspace=packages/plan",
          'npx nx affected -t lint typecheck test build --base="$NX_BASE" --head=HEAD',
          "npx nx run-many -t lint,typecheck -p @data-platform/ci-workflows",
          "npx tsx packages/ci-workflows/src/bin/affected.ts --base x",
          "bash .ci/run",
          "./.ci/run",
          "npm run does-not-matter --if-present",
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("fails on npm scripts that do not exist, at the root or in a workspace", () => {
    expect(
      found("npm run deploy\nnpm start\nnpm run typecheck -w @data-platform/nope\nnpm run generate -w packages/plan"),
    ).toEqual([
      'npm script "deploy" does not exist in the root package.json',
      'npm script "start" does not exist in the root package.json',
      'npm workspace "@data-platform/nope" does not exist',
      'npm script "generate" does not exist in workspace @data-platform/plan (packages/plan/package.json)',
    ]);
  });

  it("resolves npm scripts against the step's working-directory", () => {
    expect(found("npm run generate", "        working-directory: packages/config\n")).toEqual([]);
    expect(found("npm run plan", "        working-directory: packages/config\n")).toEqual([
      'npm script "plan" does not exist in packages/config/package.json',
    ]);
    expect(found("npm test", "        working-directory: packages/nope\n")).toEqual([
      "packages/nope (working-directory) does not exist in the repository",
      'npm script "test": there is no packages/nope/package.json',
    ]);
  });

  it("fails on Nx targets and projects that do not exist", () => {
    expect(
      found(
        "npx nx affected -t lint tests\nnpx nx run-many -t test -p @data-platform/nope\nnpx nx run @data-platform/plan:deploy\nnpx nx affected",
      ),
    ).toEqual([
      'nx target "tests" is not a script of any project',
      'nx project "@data-platform/nope" does not exist',
      'nx target "deploy" does not exist in @data-platform/plan',
      "nx affected without -t <targets>",
    ]);
  });

  it("fails on npx of something no declared dependency provides (it would download it)", () => {
    expect(found("npx cowsay hi\nnpx --package=left-pad left-pad")).toEqual([
      'npx cowsay: no declared, installed dependency provides "cowsay" (npx would download it from the registry)',
      "npx --package=left-pad left-pad: --package installs from the registry; use a declared dependency",
    ]);
  });

  it("fails on scripts and repository paths that do not exist", () => {
    expect(
      found(
        "npx tsx packages/ci-workflows/src/bin/nope.ts\nbash .ci/deploy\n./.ci/nope\nnode packages/plan/dist/nope.js\ncat stacks/platform/Pulumi.nope.yaml",
      ),
    ).toEqual([
      "packages/ci-workflows/src/bin/nope.ts (run by tsx) does not exist in the repository",
      ".ci/deploy (run by bash) does not exist in the repository",
      ".ci/nope (run as a command) does not exist in the repository",
      "packages/plan/dist/nope.js (run by node) does not exist in the repository",
      "stacks/platform/Pulumi.nope.yaml (an argument) does not exist in the repository",
    ]);
  });

  it("checks path inputs: the Pulumi project, the policy pack, the .nvmrc", () => {
    const source = `
name: inputs
on: push
permissions: {}
jobs:
  job:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - uses: ${pins.setupNode}
        with:
          node-version-file: .node-version
      - uses: ${pins.pulumi}
        with:
          command: preview
          stack-name: dev
          pulumi-version: 3.248.0
          work-dir: stacks/platform
          policyPacks: |
            packages/policy-pack
            packages/plan
`;
    expect(messages(problemsOf(source, ["references"]))).toEqual([
      'jobs.job.steps[0] "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": .node-version (input node-version-file) does not exist in the repository',
      'jobs.job.steps[1] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": input work-dir: stacks/platform has no Pulumi.yaml',
      'jobs.job.steps[1] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": input policyPacks: packages/plan has no PulumiPolicy.yaml',
    ]);
  });

  it("fails when a workflow_run waits for a workflow that does not exist, or a local reusable workflow is missing", () => {
    const source = `
name: waits
on:
  workflow_run:
    workflows: [cii]
    types: [completed]
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/nope.yml
    permissions: {}
`;
    expect(messages(problemsOf(source, ["references"]))).toEqual([
      'on.workflow_run.workflows: no workflow is named "cii"',
      "jobs.call: reusable workflow ./.github/workflows/nope.yml does not exist",
    ]);
  });

  it("fails when a reusable workflow relies on this repository's files or scripts (it runs in the caller's)", () => {
    const source = `
name: reusable
on:
  workflow_call: {}
permissions: {}
jobs:
  job:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - name: step
        run: |
          npm run build --if-present
          npm run plan
          npx tsx packages/ci-workflows/src/bin/affected.ts
`;
    expect(messages(problemsOf(source, ["references"]))).toEqual([
      `jobs.job.steps[0] "step": npm script "plan": a reusable workflow runs in the caller's repository (use --if-present or take the command as an input)`,
      `jobs.job.steps[0] "step": npx tsx: a reusable workflow runs in the caller's repository, which may not have it`,
      `jobs.job.steps[0] "step": packages/ci-workflows/src/bin/affected.ts (an argument): a reusable workflow runs in the caller's repository, which has no such path (take it as an input)`,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { messages, pins, problemsOf } from "../__tests__/helpers";

const base = (awsWith: string, extra = "") => `
name: secrets
on: push
permissions: {}
${extra}jobs:
  deploy:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: ${pins.aws}
        with:
${awsWith}
      - uses: ${pins.pulumi}
        with:
          command: up
          stack-name: dev
          pulumi-version: 3.248.0
        env:
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
          GITHUB_TOKEN: \${{ github.token }}
`;
const oidc = "          role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}\n          aws-region: eu-west-1";
const awsStep = 'jobs.deploy.steps[0] "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c"';

describe("secrets check", () => {
  it("accepts OIDC with a role ARN from a variable and only the Pulumi and GitHub tokens", () => {
    expect(messages(problemsOf(base(oidc), ["secrets"]))).toEqual([]);
  });

  it("fails on long-lived AWS keys passed to configure-aws-credentials", () => {
    const keys =
      "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n          aws-region: eu-west-1";
    expect(messages(problemsOf(base(keys), ["secrets"]))).toEqual([
      'jobs.deploy.steps[0].with.aws-access-key-id: long-lived AWS credentials ("aws-access-key-id"): assume a role through OIDC (configure-aws-credentials with role-to-assume) instead',
      "jobs.deploy.steps[0].with.aws-access-key-id: secret AWS_ACCESS_KEY_ID is not allowed: only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN (AWS access goes through OIDC; role ARNs are variables, vars.*)",
      'jobs.deploy.steps[0].with.aws-secret-access-key: long-lived AWS credentials ("aws-secret-access-key"): assume a role through OIDC (configure-aws-credentials with role-to-assume) instead',
      "jobs.deploy.steps[0].with.aws-secret-access-key: secret AWS_SECRET_ACCESS_KEY is not allowed: only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN (AWS access goes through OIDC; role ARNs are variables, vars.*)",
      `${awsStep}: configure-aws-credentials without role-to-assume: assume a role through OIDC`,
    ]);
  });

  it("fails on AWS key environment variables and on a key id written into the workflow", () => {
    const leaked = base(oidc).replace(
      "          GITHUB_TOKEN: ${{ github.token }}",
      "          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE",
    );
    expect(messages(problemsOf(leaked, ["secrets"]))).toEqual([
      'jobs.deploy.steps[1].env.AWS_ACCESS_KEY_ID: long-lived AWS credentials ("AWS_ACCESS_KEY_ID"): assume a role through OIDC (configure-aws-credentials with role-to-assume) instead',
      "jobs.deploy.steps[1].env.AWS_ACCESS_KEY_ID: an AWS access key id appears in the workflow: never commit keys; assume a role through OIDC",
    ]);
  });

  it("fails on any other secret, dynamic lookups and secrets: inherit", () => {
    const other = base(oidc)
      .replace("${{ github.token }}", "${{ secrets.DEPLOY_BOT_PAT }}")
      .replace("${{ vars.AWS_DEPLOY_ROLE_ARN }}", "${{ secrets[format('ROLE_{0}', 'dev')] }}");
    expect(messages(problemsOf(other, ["secrets"]))).toEqual([
      "jobs.deploy.steps[0].with.role-to-assume: dynamic secrets[...] lookup: name the secret (only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN are allowed)",
      "jobs.deploy.steps[1].env.GITHUB_TOKEN: secret DEPLOY_BOT_PAT is not allowed: only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN (AWS access goes through OIDC; role ARNs are variables, vars.*)",
      `${awsStep}: role-to-assume must come from a variable (vars.*) or a reusable workflow input (inputs.*), not be written into the workflow`,
    ]);
    const inherit = `
name: caller
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/domain-deploy.yml
    secrets: inherit
`;
    expect(messages(problemsOf(inherit, ["secrets"]))).toEqual([
      "jobs.call.secrets: secrets: inherit passes every secret to the called workflow: pass PULUMI_ACCESS_TOKEN explicitly",
    ]);
  });

  it("fails on a role ARN written into the workflow", () => {
    const literal = base(
      "          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1",
    );
    expect(messages(problemsOf(literal, ["secrets"]))).toEqual([
      `${awsStep}: role-to-assume must come from a variable (vars.*) or a reusable workflow input (inputs.*), not be written into the workflow`,
    ]);
  });

  it("fails on tokens in workflow- or job-level env, and on other secrets a reusable workflow declares", () => {
    const wide = base(oidc, "env:\n  PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n").replace(
      "    runs-on: ubuntu-24.04\n",
      "    runs-on: ubuntu-24.04\n    env:\n      GH_TOKEN: ${{ github.token }}\n",
    );
    expect(messages(problemsOf(wide, ["secrets"]))).toEqual([
      "env: a token in the workflow's env reaches every step of every job: set it on the step that needs it",
      "jobs.deploy.env: a token in the job's env reaches every step (npm ci, builds): set it on the step that needs it",
    ]);
    const reusable = `
name: reusable
on:
  workflow_call:
    secrets:
      PULUMI_ACCESS_TOKEN: { required: true }
      AWS_SECRET: { required: true }
permissions: {}
jobs:
  noop:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - run: "true"
`;
    expect(messages(problemsOf(reusable, ["secrets"]))).toEqual([
      "on.workflow_call.secrets.AWS_SECRET: secret AWS_SECRET is not allowed: only PULUMI_ACCESS_TOKEN and GITHUB_TOKEN",
    ]);
  });
});

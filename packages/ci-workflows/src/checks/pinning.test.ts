import { describe, expect, it } from "vitest";
import { messages, pins, problemsOf } from "../__tests__/helpers";
import { unpinnedReason } from "./pinning";

const base = (steps: string, runsOn = "ubuntu-24.04") => `
name: pinning
on: push
permissions: {}
jobs:
  job:
    runs-on: ${runsOn}
    permissions:
      contents: read
    steps:
${steps}`;

const setupNode = (uses: string, withBlock = "          node-version-file: .nvmrc") =>
  `      - uses: ${uses}\n        with:\n${withBlock}\n`;
const pulumi = (version: string) =>
  `      - uses: ${pins.pulumi}\n        with:\n          command: preview\n          stack-name: dev\n${version}\n`;

describe("pinning check", () => {
  it("accepts a commit with its version comment, a version tag, an exact CLI version and Node from .nvmrc", () => {
    const ok = base(
      setupNode(pins.setupNode) + setupNode("actions/setup-node@v7") + pulumi("          pulumi-version: 3.248.0"),
    );
    expect(messages(problemsOf(ok, ["pinning"]))).toEqual([]);
  });

  it("fails on branches, missing refs and commits without a version comment", () => {
    const broken = base(
      setupNode("actions/setup-node@main") +
        setupNode("actions/setup-node@master") +
        setupNode("actions/setup-node") +
        setupNode("actions/setup-node@820762786026740c76f36085b0efc47a31fe5020") +
        "      - uses: docker://alpine:3\n",
    );
    expect(messages(problemsOf(broken, ["pinning"]))).toEqual([
      'jobs.job.steps[0] "actions/setup-node@main": actions/setup-node@main is not pinned to a release: use a version tag (v1.2.3) or a full commit SHA, never a branch',
      'jobs.job.steps[1] "actions/setup-node@master": actions/setup-node@master is not pinned to a release: use a version tag (v1.2.3) or a full commit SHA, never a branch',
      'jobs.job.steps[2] "actions/setup-node": actions/setup-node has no @ref: pin it to a release (a version tag or its commit)',
      'jobs.job.steps[3] "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": actions/setup-node@820762786026... is pinned to a commit without its version: add a trailing "# vX.Y.Z" comment',
      'jobs.job.steps[4] "docker://alpine:3": docker://alpine:3 is not pinned to a digest (@sha256:...)',
    ]);
  });

  it("fails on an unpinned or loosely pinned Pulumi CLI", () => {
    const broken = base(
      pulumi("") + pulumi("          pulumi-version: latest") + pulumi("          pulumi-version: ^3"),
    );
    const step = 'jobs.job.steps[%] "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d"';
    expect(messages(problemsOf(broken, ["pinning"]))).toEqual([
      `${step.replace("%", "0")}: pulumi/actions without pulumi-version installs whatever CLI is newest: pin it (pulumi-version: 3.x.y)`,
      `${step.replace("%", "1")}: pulumi-version "latest" is not an exact version (x.y.z)`,
      `${step.replace("%", "2")}: pulumi-version "^3" is not an exact version (x.y.z)`,
    ]);
  });

  it("fails on Node not taken from .nvmrc and on -latest runner images", () => {
    const broken = base(
      setupNode(pins.setupNode, "          node-version: 20") +
        setupNode(pins.setupNode, "          node-version-file: package.json"),
      "ubuntu-latest",
    );
    const step = 'jobs.job.steps[%] "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020"';
    expect(messages(problemsOf(broken, ["pinning"]))).toEqual([
      "jobs.job.runs-on: runner image ubuntu-latest moves without notice: pin a version (for example ubuntu-24.04)",
      `${step.replace("%", "0")}: node-version duplicates .nvmrc: use node-version-file: .nvmrc`,
      `${step.replace("%", "0")}: setup-node without node-version-file: take Node from .nvmrc`,
      `${step.replace("%", "1")}: node-version-file package.json: the repository pins Node in .nvmrc`,
    ]);
  });

  it("classifies references", () => {
    expect(unpinnedReason("./.github/workflows/domain-deploy.yml")).toBeUndefined();
    expect(unpinnedReason("acme/data-platform/.github/workflows/domain-deploy.yml@v1")).toBeUndefined();
    expect(unpinnedReason("acme/data-platform/.github/workflows/domain-deploy.yml@main")).toMatch(/never a branch/);
    expect(unpinnedReason(`docker://alpine@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(unpinnedReason("actions/checkout@v7.0.1-beta")).toMatch(/not pinned/);
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, realContext, realWorkflows, repository, stepsUsing } from "./__tests__/helpers";
import { parseUses } from "./actions";
import { checkers, checkWorkflows, formatProblem, type CheckName } from "./checks";
import { shellCommands } from "./shell";
import { isRecord, parseWorkflow, walkStrings, type Job, type Step, type Workflow } from "./workflow";

const byFile = (name: string): Workflow => {
  const found = realWorkflows.find((workflow) => workflow.file === `.github/workflows/${name}`);
  if (!found) throw new Error(`missing .github/workflows/${name}`);
  return found;
};
const jobOf = (workflow: Workflow, id: string): Job => {
  const job = workflow.jobs[id];
  if (!job) throw new Error(`${workflow.file} has no job ${id}`);
  return job;
};
const runs = (job: Job): string[] => (job.steps ?? []).flatMap((step) => (step.run === undefined ? [] : [step.run]));
const indexOf = (job: Job, predicate: (step: Step) => boolean): number => (job.steps ?? []).findIndex(predicate);
const usesAction = (action: string) => (step: Step) => step.uses?.split("@")[0] === action;
const runs_ = (pattern: RegExp) => (step: Step) => step.run !== undefined && pattern.test(step.run);

/** The stages: one per stacks/platform/Pulumi.<stage>.yaml, in promotion order. */
const order = ["dev", "staging", "prod"];
const stages = fs
  .readdirSync(path.join(repository.root, "stacks", "platform"))
  .flatMap((file) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(file)?.[1] ?? [])
  .sort((a, b) => order.indexOf(a) - order.indexOf(b));

/** The Pulumi SDK the program runs: the CLI is pinned to the same release. */
const sdkVersion = (
  JSON.parse(repository.readText("stacks/platform/package.json")) as { dependencies: Record<string, string> }
).dependencies["@pulumi/pulumi"];

describe("the repository's workflows", () => {
  it("are the expected set", () => {
    expect(realWorkflows.map((workflow) => workflow.file)).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/domain-deploy.yml",
      ".github/workflows/domain-preview.yml",
      ".github/workflows/plan-comment.yml",
      ".github/workflows/preview.yml",
    ]);
    expect(stages).toEqual(["dev", "staging", "prod"]);
  });

  for (const name of Object.keys(checkers) as CheckName[]) {
    it(`pass the ${name} check`, () => {
      expect(checkWorkflows(realWorkflows, realContext(), [name]).map(formatProblem)).toEqual([]);
    });
  }

  it("pin every action to the commit of the copied release, with its version as a comment", () => {
    for (const workflow of realWorkflows) {
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses) continue;
          const ref = parseUses(step.uses);
          if (ref.kind !== "remote") continue;
          const definition = catalog.definitions.find((candidate) => candidate.action === ref.action);
          expect(definition, `${workflow.file}: ${step.uses}`).toBeDefined();
          expect(ref.ref, `${workflow.file}: ${step.uses}`).toBe(definition!.commit);
          expect(workflow.source).toContain(`uses: ${step.uses} # ${definition!.version}`);
        }
      }
    }
  });

  it("pin the Pulumi CLI to the SDK's release, everywhere", () => {
    const versions = realWorkflows.flatMap((workflow) =>
      Object.values(workflow.jobs).flatMap((job) =>
        stepsUsing(job, "pulumi/actions").map((step) => step.with?.["pulumi-version"]),
      ),
    );
    expect(versions.length).toBeGreaterThan(0);
    expect(sdkVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Set(versions)).toEqual(new Set([sdkVersion]));
  });
});

describe("ci.yml", () => {
  const ci = byFile("ci.yml");

  it("runs on pull requests and main, with a read-only token and no secrets (forks work)", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.on["push"]).toEqual({ branches: ["main"] });
    expect(ci.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(ci.jobs)) expect(job.permissions).toEqual({ contents: "read" });
    walkStrings(ci.raw, (text, where) => expect(text, where).not.toMatch(/\bsecrets\b|vars\./));
  });

  it("installs with npm ci and the npm cache, then runs Nx affected lint, typecheck, test and build", () => {
    const verify = jobOf(ci, "verify");
    const setup = stepsUsing(verify, "actions/setup-node");
    expect(setup.map((step) => step.with)).toEqual([{ "node-version-file": ".nvmrc", cache: "npm" }]);
    expect(runs(verify)).toContain("npm ci --no-audit --no-fund");
    const affected = runs(verify)
      .flatMap((script) => shellCommands(script))
      .find((command) => command.slice(0, 3).join(" ") === "npx nx affected");
    expect(affected).toBeDefined();
    const targets = affected!.slice(affected!.indexOf("-t") + 1, affected!.indexOf("-t") + 5);
    expect(targets.sort()).toEqual(["build", "lint", "test", "typecheck"]);
    // The checkout keeps the history Nx compares against.
    expect(stepsUsing(verify, "actions/checkout")[0]!.with?.["fetch-depth"]).toBe(0);
  });

  it("always runs the workflow checks (.github belongs to no Nx project, so affected would skip them)", () => {
    expect(runs(jobOf(ci, "verify"))).toContain(
      "npx nx run-many -t lint typecheck test -p @data-platform/ci-workflows --outputStyle=static",
    );
  });

  it("plans every stage offline and uploads one combined comment for plan-comment.yml", () => {
    const plan = jobOf(ci, "plan");
    expect(String(plan.env?.["STAGES"]).split(" ")).toEqual(stages);
    const script = runs(plan).join("\n");
    expect(script).toContain("for stage in $STAGES; do");
    expect(script).toContain(
      'npm run --silent plan -- --stack "$stage" --json "$plan_dir/plan-$stage.json" --markdown "$plan_dir/plan-$stage.md"',
    );
    expect(script).toContain("packages/ci-workflows/src/bin/combine-plan-comment.ts");
    const combine = indexOf(plan, runs_(/combine-plan-comment/));
    const upload = indexOf(
      plan,
      (step) => usesAction("actions/upload-artifact")(step) && step.with?.["name"] === "plan-comment",
    );
    const fail = indexOf(plan, (step) => step.name === "Fail when a stage's plan failed");
    // A failing plan still produces its comment: the job fails only after the upload.
    expect(combine).toBeGreaterThan(indexOf(plan, runs_(/npm run --silent plan/)));
    expect(upload).toBeGreaterThan(combine);
    expect(fail).toBe((plan.steps ?? []).length - 1);
    const recordNumber = (plan.steps ?? []).find(
      (step) => step.name === "Record the pull request number for plan-comment.yml",
    )!;
    expect(recordNumber.if).toBe("github.event_name == 'pull_request'");
  });

  it("plans the base branch first on pull requests and compares each stage against it", () => {
    const plan = jobOf(ci, "plan");
    const base = indexOf(plan, (step) => step.name === "Plan the base branch (what the pull request is compared with)");
    const head = indexOf(plan, runs_(/--markdown "\$plan_dir\/plan-\$stage\.md"/));
    expect(base).toBeGreaterThan(-1);
    expect(base).toBeLessThan(head);
    const baseStep = plan.steps![base]!;
    expect(baseStep.if).toBe("github.event_name == 'pull_request'");
    expect(baseStep.env?.["BASE_SHA"]).toBe("${{ github.event.pull_request.base.sha }}");
    expect(String(baseStep.run)).toContain('git worktree add --detach "$base_dir" "$BASE_SHA"');
    expect(String(baseStep.run)).toContain('--json "$plan_dir/base-$stage.json"');
    expect(String(plan.steps![head]!.run)).toContain('base=(--base "$plan_dir/base-$stage.json")');
    // The worktree needs the base commit: the checkout keeps the full history.
    expect(stepsUsing(plan, "actions/checkout")[0]!.with?.["fetch-depth"]).toBe(0);
  });
});

describe("plan-comment.yml", () => {
  const poster = byFile("plan-comment.yml");
  const job = jobOf(poster, "comment");

  it("runs after ci completes, for pull requests only", () => {
    expect(poster.on).toEqual({ workflow_run: { workflows: [byFile("ci.yml").name], types: ["completed"] } });
    expect(String(job.if)).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(job.permissions).toEqual({ actions: "read", contents: "read", "pull-requests": "write" });
  });

  it("never checks out or runs pull-request code, and reads the artifact only after installing", () => {
    const checkout = stepsUsing(job, "actions/checkout");
    expect(checkout.map((step) => step.with)).toEqual([{ "persist-credentials": false }]);
    const install = indexOf(job, runs_(/^npm ci --ignore-scripts/));
    const download = indexOf(job, usesAction("actions/download-artifact"));
    expect(install).toBeGreaterThan(-1);
    expect(download).toBeGreaterThan(install);
    const downloadStep = job.steps![download]!;
    const uploadName = stepsUsing(jobOf(byFile("ci.yml"), "plan"), "actions/upload-artifact").find(
      (step) => step.with?.["name"] === "plan-comment",
    );
    expect(downloadStep.with).toMatchObject({
      name: uploadName!.with!["name"],
      "run-id": "${{ github.event.workflow_run.id }}",
      path: "${{ runner.temp }}/plan-comment",
    });
    const post = job.steps![indexOf(job, runs_(/post-plan-comment\.ts/))]!;
    expect(post.env).toEqual({
      GITHUB_TOKEN: "${{ github.token }}",
      HEAD_SHA: "${{ github.event.workflow_run.head_sha }}",
    });
    expect(post.run).toContain('--head-sha "$HEAD_SHA"');
  });
});

/** Steps of a job that deploys or previews with Pulumi, in order. */
function pulumiJob(job: Job) {
  const steps = job.steps ?? [];
  return {
    install: indexOf(job, runs_(/^npm ci\b/)),
    build: indexOf(job, runs_(/^npm run build\b/)),
    aws: indexOf(job, usesAction("aws-actions/configure-aws-credentials")),
    pulumi: steps.flatMap((step, index) => (usesAction("pulumi/actions")(step) ? [index] : [])),
    step: (index: number) => steps[index]!,
  };
}

describe("preview.yml", () => {
  const preview = byFile("preview.yml");
  const job = jobOf(preview, "preview");

  it("runs on pull requests, for this repository's branches, when the platform is affected", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    const affected = jobOf(preview, "affected");
    expect(String(affected.if)).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(runs(affected).join("\n")).toContain("packages/ci-workflows/src/bin/affected.ts");
    expect(job.needs).toBe("affected");
    expect(job.if).toBe("needs.affected.outputs.relevant == 'true'");
  });

  it("previews every stage through OIDC, with the policy pack, commenting on the pull request", () => {
    const include = (job.strategy?.matrix?.["include"] ?? []) as { stage: string; role_variable: string }[];
    expect(include.map((entry) => entry.stage)).toEqual(stages);
    for (const entry of include) expect(entry.role_variable).toBe(`AWS_PREVIEW_ROLE_ARN_${entry.stage.toUpperCase()}`);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    const steps = pulumiJob(job);
    expect(steps.build).toBeGreaterThan(steps.install);
    expect(steps.aws).toBeGreaterThan(steps.build);
    expect(steps.pulumi).toHaveLength(1);
    expect(steps.pulumi[0]).toBeGreaterThan(steps.aws);
    expect(steps.step(steps.aws).with?.["role-to-assume"]).toBe("${{ vars[matrix.role_variable] }}");
    expect(steps.step(steps.pulumi[0]!).with).toMatchObject({
      command: "preview",
      "stack-name": "${{ vars.PULUMI_ORG }}/data-platform/${{ matrix.stage }}",
      "comment-on-pr": true,
      policyPacks: "packages/policy-pack",
      "pulumi-version": sdkVersion,
    });
    expect(steps.step(steps.pulumi[0]!).env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
  });
});

describe("deploy.yml", () => {
  const deploy = byFile("deploy.yml");

  it("runs from main (and by hand), gated on the platform being affected", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(jobOf(deploy, stages[0]!).needs).toBe("affected");
    expect(jobOf(deploy, stages[0]!).if).toBe("needs.affected.outputs.relevant == 'true'");
  });

  it("promotes dev -> staging -> prod through environments, one never-cancelled concurrency group per stack", () => {
    const groups = new Set<string>();
    stages.forEach((stage, index) => {
      const job = jobOf(deploy, stage);
      // A stage waits for the previous stage's update and for its notebook image (the multi-arch manifest).
      if (index > 0) expect(job.needs).toEqual([stages[index - 1], `notebook-manifest-${stages[index - 1]}`]);
      expect(job.environment).toBe(stage);
      expect(job.concurrency).toEqual({ group: `pulumi-data-platform-${stage}`, "cancel-in-progress": false });
      groups.add((job.concurrency as { group: string }).group);
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    });
    expect(groups.size).toBe(stages.length);
  });

  it("assumes the environment's role, refreshes and enforces the policy pack, then expects no changes", () => {
    for (const stage of stages) {
      const steps = pulumiJob(jobOf(deploy, stage));
      expect(steps.build).toBeGreaterThan(steps.install);
      expect(steps.aws).toBeGreaterThan(steps.build);
      expect(steps.step(steps.aws).with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
      expect(steps.pulumi).toHaveLength(2);
      const [up, check] = steps.pulumi.map((index) => steps.step(index).with!);
      expect(steps.pulumi[0]).toBeGreaterThan(steps.aws);
      const stack = `\${{ vars.PULUMI_ORG }}/data-platform/${stage}`;
      expect(up).toMatchObject({
        command: "up",
        "stack-name": stack,
        refresh: true,
        policyPacks: "packages/policy-pack",
        "pulumi-version": sdkVersion,
      });
      expect(check).toMatchObject({
        command: "preview",
        "stack-name": stack,
        "expect-no-changes": true,
        "pulumi-version": sdkVersion,
      });
    }
  });
});

describe("deploy.yml notebook image jobs", () => {
  const deploy = byFile("deploy.yml");
  const publish = "bash components/notebook-hub/bin/publish-image.sh --if-repository-exists";
  const repositoryUrl = (stage: string) =>
    `"$account.dkr.ecr.$REGION.amazonaws.com/$PREFIX-${stage}/notebooks/singleuser"`;
  const publishStep = (job: Job) => (job.steps ?? []).find(runs_(/publish-image\.sh/))!;

  it("build each architecture natively after the stage's update, then push the multi-arch manifest", () => {
    for (const stage of stages) {
      const image = jobOf(deploy, `notebook-image-${stage}`);
      const manifest = jobOf(deploy, `notebook-manifest-${stage}`);
      expect(image.needs).toBe(stage);
      expect(manifest.needs).toBe(`notebook-image-${stage}`);
      expect(image["runs-on"]).toBe("${{ matrix.runner }}");
      expect(image.strategy?.matrix?.["include"]).toEqual([
        { arch: "amd64", runner: "ubuntu-24.04" },
        { arch: "arm64", runner: "ubuntu-24.04-arm" },
      ]);
      expect(publishStep(image).env?.["ARCH"]).toBe("${{ matrix.arch }}");
      expect(publishStep(image).run).toContain(`${publish} \\\n  ${repositoryUrl(stage)} "$ARCH"`);
      expect(publishStep(manifest).run).toContain(`${publish} \\\n  ${repositoryUrl(stage)} manifest`);
    }
  });

  it("run in the stage's environment under its deploy role, with their own never-cancelled concurrency groups", () => {
    for (const stage of stages) {
      const jobs = [
        [jobOf(deploy, `notebook-image-${stage}`), `notebook-image-${stage}-\${{ matrix.arch }}`],
        [jobOf(deploy, `notebook-manifest-${stage}`), `notebook-manifest-${stage}`],
      ] as const;
      for (const [job, group] of jobs) {
        expect(job.environment).toBe(stage);
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
        expect(job.concurrency).toEqual({ group, "cancel-in-progress": false });
        const steps = pulumiJob(job);
        expect(steps.pulumi).toEqual([]);
        expect(runs(job)).toContain("npx nx run @data-platform/notebook-hub:build");
        expect(steps.step(steps.aws).with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        const publishAt = indexOf(job, runs_(/publish-image\.sh/));
        expect(publishAt).toBeGreaterThan(steps.aws);
        expect(publishStep(job).env).toMatchObject({
          REGION: "${{ vars.AWS_REGION || 'eu-west-1' }}",
          PREFIX: "${{ vars.PLATFORM_PREFIX || 'dp' }}",
        });
      }
    }
  });
});

describe("domain workflows (reusable)", () => {
  for (const [file, command] of [
    ["domain-preview.yml", "preview"],
    ["domain-deploy.yml", "up"],
  ] as const) {
    it(`${file} is called with the stack, an OIDC role and the Pulumi token only`, () => {
      const workflow = byFile(file);
      expect(Object.keys(workflow.on)).toEqual(["workflow_call"]);
      const call = workflow.on["workflow_call"] as {
        inputs: Record<string, { required?: boolean }>;
        secrets: Record<string, { required?: boolean }>;
      };
      expect(call.inputs["stack"]?.required).toBe(true);
      expect(call.inputs["role-to-assume"]?.required).toBe(true);
      expect(call.secrets).toEqual({ PULUMI_ACCESS_TOKEN: { description: expect.any(String), required: true } });
      const job = Object.values(workflow.jobs).find((candidate) => stepsUsing(candidate, "pulumi/actions").length > 0);
      const steps = pulumiJob(job!);
      expect(steps.step(steps.aws).with?.["role-to-assume"]).toBe("${{ inputs.role-to-assume }}");
      expect(steps.step(steps.pulumi[0]!).with).toMatchObject({
        command,
        "stack-name": "${{ inputs.stack }}",
        policyPacks: "${{ inputs.policy-pack }}",
        "pulumi-version": sdkVersion,
      });
    });
  }

  it("domain-preview.yml runs the platform's DAG check on the domain's DAGs, without credentials, before the preview", () => {
    const workflow = byFile("domain-preview.yml");
    const check = jobOf(workflow, "dag-check");
    expect(check.permissions).toEqual({ contents: "read" });
    const step = (check.steps ?? []).find((candidate) => candidate.name === "DAG check");
    expect(step?.run).toBe('python3 "$DAG_CHECK" "$DAGS_DIR"');
    expect(step?.env).toEqual({ DAG_CHECK: "${{ inputs.dag-check }}", DAGS_DIR: "${{ inputs.dags-dir }}" });
    const inputs = (workflow.on["workflow_call"] as { inputs: Record<string, { default?: string }> }).inputs;
    expect(inputs["dag-check"]?.default).toBe("node_modules/@data-platform/dag-lib/data_platform/dag_check.py");
    expect(fs.existsSync(path.join(__dirname, "../../dag-lib/data_platform/dag_check.py"))).toBe(true);
    expect(jobOf(workflow, "preview").needs).toBe("dag-check");
  });

  it("deploys in the caller's environment, one deploy per stack at a time, refresh first and no changes after", () => {
    const job = jobOf(byFile("domain-deploy.yml"), "deploy");
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(job.concurrency).toEqual({ group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false });
    const [up, check] = stepsUsing(job, "pulumi/actions").map((step) => step.with!);
    expect(up).toMatchObject({ command: "up", refresh: true });
    expect(check).toMatchObject({ command: "preview", "expect-no-changes": true });
  });

  it("the caller example in the README passes every check against these workflows", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const match = /<!-- domain-caller-example -->\s*```yaml\n([\s\S]*?)```/.exec(readme);
    expect(match, "README.md has the domain caller example").not.toBeNull();
    const example = parseWorkflow("README.md (domain caller example)", match![1]!);
    const context = realContext();
    context.resolveReusable = (uses) => {
      const ref = parseUses(uses);
      if (ref.kind !== "remote" || ref.repo !== "data-platform" || !ref.path) return undefined;
      return realWorkflows.find((workflow) => workflow.file === ref.path);
    };
    const called = Object.values(example.jobs).map((job) => parseUses(job.uses ?? ""));
    expect(called.map((ref) => (ref.kind === "remote" ? ref.path : ref.kind)).sort()).toEqual([
      ".github/workflows/domain-deploy.yml",
      ".github/workflows/domain-deploy.yml",
      ".github/workflows/domain-deploy.yml",
      ".github/workflows/domain-preview.yml",
    ]);
    expect(checkWorkflows([example], context).map(formatProblem)).toEqual([]);
    expect(isRecord(example.jobs)).toBe(true);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { combinePlanComment, commentLimit } from "@data-platform/ci-workflows";
import { beforeAll, describe, expect, it } from "vitest";
import { attribute, platformLabel } from "./attribution";
import { diffPlans } from "./diff";
import type { PlanDocument } from "./document";
import { runPlan } from "./plan";
import { markdownReport, textSummary } from "./report";
import { writeSyntheticStage } from "./synthetic-domains";

const repoRoot = path.resolve(__dirname, "../../..");
const prodConfig = path.join(repoRoot, "stacks/platform/Pulumi.prod.yaml");

async function syntheticProd(domains: number): Promise<PlanDocument> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `review-${domains}-`));
  try {
    return (await runPlan({ stack: "prod", projectDir: repoRoot, ...writeSyntheticStage(prodConfig, domains, dir) }))
      .document;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("plan review at scale (synthetic prod stages)", () => {
  let one: PlanDocument;
  let two: PlanDocument;
  let thirty: PlanDocument;
  beforeAll(async () => {
    one = await syntheticProd(1);
    two = await syntheticProd(2);
    thirty = await syntheticProd(30);
  }, 300_000);

  it("attributes every resource a new domain adds to that domain, by its owning component", () => {
    const diff = diffPlans(one, two);
    const added = diff.changes.filter((change) => change.kind === "add");
    expect(added.length).toBeGreaterThan(50);
    const byDomain = new Map<string, number>();
    for (const change of added) byDomain.set(change.domain, (byDomain.get(change.domain) ?? 0) + 1);
    expect([...byDomain.keys()]).toEqual(["domain-002"]);
    // Tags alone would miss most of them: bucket sub-resources, role policies and grants carry none.
    const tagged = added.filter((change) => {
      const resource = two.resources.find((candidate) => candidate.urn === change.urn)!;
      return (resource.inputs["tags"] as Record<string, string> | undefined)?.["data-platform:domain"] === "domain-002";
    });
    expect(tagged.length).toBeLessThan(added.length / 2);
    // What the domain changes in shared resources shows as updates of the platform's resources.
    const updates = diff.changes.filter((change) => change.kind === "update");
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((change) => change.domain === platformLabel)).toBe(true);
    expect(diff.dangerous).toEqual([]);
  });

  it("does not lengthen the first deploy's critical path when domains are added", () => {
    const short = one.deployTime!;
    const long = thirty.deployTime!;
    expect(long.criticalPathMinutes).toBe(short.criticalPathMinutes);
    expect(long.sequentialMinutes).toBeGreaterThan(short.sequentialMinutes * 3);
    // The chain runs through at most one domain's resources, never through all of them.
    const attribution = attribute(thirty);
    const byUrn = new Map(thirty.resources.map((resource) => [resource.urn, resource]));
    const domains = new Set(
      long.criticalPath
        .map((step) => attribution.domain(byUrn.get(step.urn)!))
        .filter((domain) => domain !== platformLabel),
    );
    expect(domains.size).toBeLessThanOrEqual(1);
    // The slow steps are on it: the EKS control plane or an MWAA environment.
    expect(
      long.criticalPath.some(
        (step) => step.type === "aws:mwaa/environment:Environment" || step.type === "aws:eks/cluster:Cluster",
      ),
    ).toBe(true);
  });

  it("keeps the PR comment within GitHub's limit at 30 domains, each stage's diff first", () => {
    const head = { ...thirty, diff: diffPlans(one, thirty) };
    const report = markdownReport([head]);
    const stages = ["dev", "staging", "prod"].map((stage) => ({
      stage,
      exitCode: 0,
      markdown: report.replaceAll("| prod |", `| ${stage} |`).replace("### prod", `### ${stage}`),
    }));
    const body = combinePlanComment(stages, {
      headSha: "0123456789abcdef",
      runUrl: "https://github.com/o/r/actions/runs/1",
    });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeLessThanOrEqual(commentLimit);
    for (const stage of ["dev", "staging", "prod"]) {
      const section = body.slice(body.indexOf(`### ${stage}`));
      // The change counts and the dangerous list survive the cut: they come first.
      expect(section).toMatch(
        /^### \w+\n\n\*\*Changes against the base branch:\*\* 0 replace · 0 remove · \d+ update · \d+ add/,
      );
      expect(section).toContain("Dangerous changes: none.");
    }
    if (report.length * 3 > commentLimit)
      expect(body).toMatch(
        /report was cut to fit GitHub's comment size limit: its full JSON and markdown are in the workflow run's `plan-reports` artifact/,
      );
    // Every <details> the cut leaves open is closed again.
    expect((body.match(/<details>/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
  });

  it("keeps the terminal summary within 100 columns, with --tree and --domain", () => {
    for (const text of [
      textSummary(thirty),
      textSummary(thirty, { tree: true }),
      textSummary(thirty, { domain: "domain-007" }),
    ]) {
      for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    }
    const tree = textSummary(thirty, { tree: true, domain: "domain-007" });
    expect(tree).toMatch(/^workflow\.DomainWorkflowEnv workflow-domain-007 \(\d+\)$/m);
    expect(tree).toMatch(/^[├└]─ mwaa\.Environment workflow-domain-007$/m);
    expect(tree).not.toContain("domain-008");
  });
});

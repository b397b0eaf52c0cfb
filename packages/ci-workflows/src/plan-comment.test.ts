import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  codeBlock,
  combinePlanComment,
  fitComment,
  parseReport,
  planCommentMarker,
  stripMarker,
  withSingleMarker,
} from "./plan-comment";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "__tests__", "fixtures", name), "utf8");
const dev = fixture("plan-dev.md");
const staging = fixture("plan-staging.md");
const count = (text: string, part: string) => text.split(part).length - 1;

describe("combinePlanComment", () => {
  const body = combinePlanComment(
    [
      { stage: "dev", exitCode: 0, markdown: dev },
      { stage: "staging", exitCode: 1, markdown: staging },
      {
        stage: "prod",
        exitCode: 2,
        log: '> plan\nInvalid platform configuration (1 problem):\nstacks/platform/Pulumi.prod.yaml: data-platform:network.natGateways: must be one of "single", "onePerAz"\n',
      },
    ],
    {
      headSha: "0123456789abcdef0123456789abcdef01234567",
      runUrl: "https://github.com/acme/data-platform/actions/runs/42",
    },
  );

  it("carries the marker exactly once, on the first line", () => {
    expect(count(dev, planCommentMarker)).toBe(1);
    expect(count(body, planCommentMarker)).toBe(1);
    expect(body.startsWith(`${planCommentMarker}\n## Offline plan\n`)).toBe(true);
  });

  it("merges the stages' summary tables into one, with each stage's outcome", () => {
    const table = body.split("\n").filter((line) => line.startsWith("| "));
    expect(table.slice(0, 5)).toEqual([
      "| stack | result | mode | resources | mandatory findings | advisory findings |",
      "| --- | --- | --- | ---: | ---: | ---: |",
      "| dev | :white_check_mark: ok | resolved | 119 | 0 | 0 |",
      expect.stringMatching(/^\| staging \| :x: mandatory policy violations \| resolved \| \d+ \| 0 \| 0 \|$/),
      "| prod | :warning: invalid configuration | - | - | - | - |",
    ]);
    expect(count(body, "## Offline plan")).toBe(1);
    expect(body).toContain(
      "Commit `0123456789ab` · [workflow run](https://github.com/acme/data-platform/actions/runs/42)",
    );
  });

  it("keeps every stage's details and findings, and shows the output of a plan that wrote no report", () => {
    expect(body).toContain("### dev\n\n<details><summary>Resources by component</summary>");
    expect(body).toContain("### staging\n\n<details><summary>Resources by component</summary>");
    expect(count(body, "Policy findings: none.")).toBe(2);
    expect(body).toContain(
      "### prod\n\nThe plan stopped before writing its report (exit 2).\n\n```text\n> plan\nInvalid platform configuration (1 problem):",
    );
  });

  it("falls back to a status table when a report is not in the expected shape", () => {
    const combined = combinePlanComment([
      { stage: "dev", exitCode: 0, markdown: `${planCommentMarker}\n## Offline plan\n\nsomething else entirely\n` },
      { stage: "prod", exitCode: undefined },
    ]);
    expect(combined).toContain(
      "| stack | result |\n| --- | --- |\n| dev | :white_check_mark: ok |\n| prod | :grey_question: did not run |",
    );
    expect(combined).toContain("### dev\n\nsomething else entirely");
    expect(combined).toContain("### prod\n\nThe plan did not run.");
    expect(count(combined, planCommentMarker)).toBe(1);
  });
});

describe("helpers", () => {
  it("parses a report's summary table", () => {
    const report = parseReport(dev)!;
    expect(report.header).toEqual(["stack", "mode", "resources", "mandatory findings", "advisory findings"]);
    expect(report.rows).toEqual([["dev", "resolved", "119", "0", "0"]]);
    expect(report.rest.startsWith("### dev")).toBe(true);
    expect(parseReport("no table")).toBeUndefined();
  });

  it("puts the marker once at the top of any body", () => {
    expect(withSingleMarker(`${planCommentMarker}\nA\n${planCommentMarker}\nB`)).toBe(`${planCommentMarker}\nA\n\nB`);
    expect(withSingleMarker("plain")).toBe(`${planCommentMarker}\nplain`);
    expect(stripMarker(`x${planCommentMarker}y`)).toBe("xy");
  });

  it("fences code with a fence longer than any backtick run inside", () => {
    expect(codeBlock("a ``` b")).toBe("````text\na ``` b\n````");
  });

  it("cuts an oversized body at a line boundary, closing open details and fences", () => {
    const long = [
      "head",
      "<details><summary>x</summary>",
      "```text",
      ...Array.from({ length: 400 }, (_, index) => `line ${index} ${"y".repeat(40)}`),
      "```",
      "</details>",
    ].join("\n");
    const cut = fitComment(long, 5_000);
    expect(cut.length).toBeLessThanOrEqual(5_000);
    expect(cut).toMatch(/line \d+ y+\n```\n\n<\/details>\n\n_This comment was cut to fit GitHub's size limit/);
    expect(fitComment("short", 5_000)).toBe("short");
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { affectedCommand, combineCommand, parseFlags, postCommand } from "./cli";
import type { FetchLike } from "./github";
import { planCommentMarker } from "./plan-comment";

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ci-workflows-"));
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "__tests__", "fixtures", name), "utf8");

describe("parseFlags", () => {
  it("reads --name value and --name=value, and rejects anything else", () => {
    expect(parseFlags(["--dir", "a", "--out=b"], ["dir", "out"])).toEqual({ dir: "a", out: "b" });
    expect(() => parseFlags(["--nope", "x"], ["dir"])).toThrow('unknown argument "--nope" (expected --dir)');
    expect(() => parseFlags(["--dir"], ["dir"])).toThrow("--dir needs a value");
  });
});

describe("combine-plan-comment", () => {
  it("reads each stage's report, exit code and output and writes one body", () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, "plan-dev.md"), fixture("plan-dev.md"));
    fs.writeFileSync(path.join(dir, "plan-dev.exit"), "0\n");
    fs.writeFileSync(path.join(dir, "plan-prod.exit"), "2\n");
    fs.writeFileSync(path.join(dir, "plan-prod.log"), "Invalid platform configuration (1 problem):\n");
    const out = path.join(dir, "comment", "comment.md");
    const log: string[] = [];
    expect(
      combineCommand(["--dir", dir, "--stages", "dev prod", "--out", out, "--head-sha", "f".repeat(40)], {
        env: {},
        log: (line) => log.push(line),
      }),
    ).toBe(0);
    const body = fs.readFileSync(out, "utf8");
    expect(body.split(planCommentMarker).length - 1).toBe(1);
    expect(body).toContain("| prod | :warning: invalid configuration |");
    expect(body).toContain("Invalid platform configuration (1 problem):");
    expect(log[0]).toBe("dev: exit 0");
    expect(log[1]).toBe("prod: exit 2, no report");
  });
});

describe("post-plan-comment", () => {
  it("posts the artifact's comment on its pull request", async () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, "comment.md"), `${planCommentMarker}\nhello`);
    fs.writeFileSync(path.join(dir, "pr-number"), "12\n");
    const calls: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push(`${init.method} ${url}`);
      const value = url.endsWith("/pulls/12")
        ? { number: 12, state: "open", head: { sha: "c".repeat(40) } }
        : init.method === "GET"
          ? []
          : { id: 9 };
      return { ok: true, status: 200, json: async () => value, text: async () => "" };
    };
    const log: string[] = [];
    const env = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/platform", GITHUB_API_URL: "https://ghe.example/api/v3" };
    expect(
      await postCommand(["--dir", dir, "--head-sha", "c".repeat(40)], { env, log: (line) => log.push(line), fetch }),
    ).toBe(0);
    expect(calls).toEqual([
      "GET https://ghe.example/api/v3/repos/acme/platform/pulls/12",
      "GET https://ghe.example/api/v3/repos/acme/platform/issues/12/comments?per_page=100&page=1",
      "POST https://ghe.example/api/v3/repos/acme/platform/issues/12/comments",
    ]);
    expect(log).toEqual(["created comment 9 on #12"]);
  });

  it("does nothing when the run was not for a pull request", async () => {
    const log: string[] = [];
    expect(
      await postCommand(["--dir", temp(), "--head-sha", "c".repeat(40)], { env: {}, log: (line) => log.push(line) }),
    ).toBe(0);
    expect(log[0]).toMatch(/nothing to post/);
  });
});

describe("affected", () => {
  it("writes relevant=true|false to GITHUB_OUTPUT", () => {
    const output = path.join(temp(), "output");
    const log: string[] = [];
    expect(
      affectedCommand(["--base", "", "--head", "HEAD"], {
        env: { GITHUB_OUTPUT: output },
        log: (line) => log.push(line),
        exec: () => "",
      }),
    ).toBe(0);
    expect(fs.readFileSync(output, "utf8")).toBe("relevant=true\n");
    const exec = (command: string, args: string[]) =>
      command === "npx" ? "[]" : args[0] === "diff" ? "README.md\n" : "";
    expect(
      affectedCommand(["--base", "abc", "--head", "HEAD"], {
        env: { GITHUB_OUTPUT: output },
        log: (line) => log.push(line),
        exec,
      }),
    ).toBe(0);
    expect(fs.readFileSync(output, "utf8")).toBe("relevant=true\nrelevant=false\n");
    expect(log.at(-1)).toBe("not relevant: no platform project or file is affected");
  });
});

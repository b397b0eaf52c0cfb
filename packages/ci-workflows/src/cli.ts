import * as fs from "node:fs";
import * as path from "node:path";
import { decideRelevance, type Exec } from "./affected";
import { GitHub, postPlanComment, type FetchLike } from "./github";
import { combinePlanComment, type StageResult } from "./plan-comment";

/** `--name value` / `--name=value` flags; unknown or missing values fail. */
export function parseFlags(argv: string[], known: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !known.includes(match[1]!))
      throw new Error(`unknown argument "${arg}" (expected ${known.map((name) => `--${name}`).join(", ")})`);
    const value = match[2] ?? argv[++index];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  return flags;
}

function required(flags: Record<string, string>, name: string): string {
  const value = flags[name];
  if (value === undefined || value === "") throw new Error(`--${name} is required`);
  return value;
}

export interface Io {
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  fetch?: FetchLike;
  exec?: Exec;
}

const readIfExists = (file: string): string | undefined =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;

/**
 * `combine-plan-comment --dir <dir> --stages "dev staging prod" --out <file> [--head-sha <sha>] [--run-url <url>]`:
 * reads `plan-<stage>.md`, `plan-<stage>.exit` and `plan-<stage>.log` for each stage and writes one comment body.
 */
export function combineCommand(argv: string[], io: Io): number {
  const flags = parseFlags(argv, ["dir", "stages", "out", "head-sha", "run-url"]);
  const dir = required(flags, "dir");
  const stages = required(flags, "stages")
    .split(/[\s,]+/)
    .filter((stage) => stage !== "");
  const results: StageResult[] = stages.map((stage) => {
    const exit = readIfExists(path.join(dir, `plan-${stage}.exit`))?.trim();
    return {
      stage,
      exitCode: exit === undefined || exit === "" || Number.isNaN(Number(exit)) ? undefined : Number(exit),
      markdown: readIfExists(path.join(dir, `plan-${stage}.md`)),
      log: readIfExists(path.join(dir, `plan-${stage}.log`)),
    };
  });
  const body = combinePlanComment(results, { headSha: flags["head-sha"], runUrl: flags["run-url"] });
  const out = required(flags, "out");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, body);
  for (const result of results)
    io.log(`${result.stage}: exit ${result.exitCode ?? "(none)"}${result.markdown === undefined ? ", no report" : ""}`);
  io.log(`wrote ${out} (${body.length} characters)`);
  return 0;
}

/**
 * `post-plan-comment --dir <artifact dir> --head-sha <sha> [--author <login>]`: reads `comment.md`
 * and `pr-number` from the artifact and creates or updates the sticky comment
 * (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL from the environment).
 */
export async function postCommand(argv: string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, ["dir", "head-sha", "author"]);
  const dir = required(flags, "dir");
  const body = readIfExists(path.join(dir, "comment.md"));
  const pullRequest = readIfExists(path.join(dir, "pr-number"));
  if (body === undefined || pullRequest === undefined) {
    io.log(`no comment.md/pr-number in ${dir}: the run was not for a pull request; nothing to post`);
    return 0;
  }
  const github = new GitHub({
    token: io.env["GITHUB_TOKEN"] ?? "",
    repository: io.env["GITHUB_REPOSITORY"] ?? "",
    apiUrl: io.env["GITHUB_API_URL"],
    fetch: io.fetch,
  });
  const result = await postPlanComment(github, {
    pullRequest,
    headSha: required(flags, "head-sha"),
    body,
    author: flags["author"],
  });
  if (result.action === "skipped") io.log(`skipped: ${result.reason}`);
  else
    io.log(
      `${result.action} comment ${result.id} on #${pullRequest.trim()}${result.removed.length ? ` (removed duplicates ${result.removed.join(", ")})` : ""}`,
    );
  return 0;
}

/**
 * `affected --base <sha> --head <sha>`: writes `relevant=true|false` to $GITHUB_OUTPUT
 * (whether the platform stacks are affected) and prints why.
 */
export function affectedCommand(argv: string[], io: Io): number {
  const flags = parseFlags(argv, ["base", "head"]);
  const decision = decideRelevance({ base: flags["base"], head: flags["head"] ?? "HEAD", exec: io.exec });
  io.log(
    decision.relevant
      ? `relevant: ${decision.reasons.join("; ")}`
      : "not relevant: no platform project or file is affected",
  );
  const output = io.env["GITHUB_OUTPUT"];
  if (output) fs.appendFileSync(output, `relevant=${decision.relevant}\n`);
  return 0;
}

/** Runs a command from a bin script: exit code, or 1 with the message on error. */
export function runMain(command: (argv: string[], io: Io) => number | Promise<number>): void {
  const io: Io = { env: process.env, log: (line) => console.log(line) };
  Promise.resolve()
    .then(() => command(process.argv.slice(2), io))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
      },
    );
}

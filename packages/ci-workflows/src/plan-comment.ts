/** Identifies the sticky offline-plan comment (the first line of `npm run plan -- --markdown`). */
export const planCommentMarker = "<!-- data-platform-plan -->";

/** GitHub rejects comment bodies over 65,536 characters; keep a margin. */
export const commentLimit = 65_000;

/** What `npm run plan` left for one stage. */
export interface StageResult {
  stage: string;
  /** The plan's exit code (0 ok, 1 mandatory policy violations, 2 invalid config); undefined when it did not run. */
  exitCode: number | undefined;
  /** The `--markdown` report, when the plan wrote one. */
  markdown?: string;
  /** The plan's output (stdout and stderr), shown when there is no report. */
  log?: string;
}

export interface CombineOptions {
  /** The commit the plans ran on (the pull request's head). */
  headSha?: string;
  /** The workflow run, for the full reports (artifact). */
  runUrl?: string;
  limit?: number;
}

export function outcome(exitCode: number | undefined): string {
  switch (exitCode) {
    case 0:
      return ":white_check_mark: ok";
    case 1:
      return ":x: mandatory policy violations";
    case 2:
      return ":warning: invalid configuration";
    case undefined:
      return ":grey_question: did not run";
    default:
      return `:x: failed (exit ${exitCode})`;
  }
}

/** Removes every marker occurrence. */
export function stripMarker(text: string): string {
  return text.split(planCommentMarker).join("");
}

/** The body with the marker exactly once, on its first line (for bodies from untrusted artifacts too). */
export function withSingleMarker(body: string): string {
  return `${planCommentMarker}\n${stripMarker(body).replace(/^\s*\n/, "")}`;
}

const ansi = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** A fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = "text"): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\s+$/, "")}\n${fence}`;
}

function tail(log: string, lines = 40, characters = 4_000): string {
  const kept = log.replace(ansi, "").split("\n").slice(-lines).join("\n");
  return kept.length > characters ? `...${kept.slice(-characters)}` : kept;
}

interface ParsedReport {
  header: string[];
  separator: string[];
  rows: string[][];
  rest: string;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** Reads a stage's report: the summary table (first column `stack`) and everything after it. */
export function parseReport(markdown: string): ParsedReport | undefined {
  const lines = stripMarker(markdown).split("\n");
  let index = 0;
  while (index < lines.length && lines[index]!.trim() === "") index++;
  if (/^##\s+Offline plan\s*$/.test(lines[index] ?? "")) index++;
  while (index < lines.length && lines[index]!.trim() === "") index++;
  const table: string[] = [];
  while (index < lines.length && lines[index]!.trim().startsWith("|")) table.push(lines[index++]!);
  if (table.length < 3) return undefined;
  const header = cells(table[0]!);
  const separator = cells(table[1]!);
  if (header[0] !== "stack" || separator.length !== header.length || !separator.every((cell) => /^:?-+:?$/.test(cell)))
    return undefined;
  const rows = table.slice(2).map(cells);
  if (rows.some((row) => row.length !== header.length)) return undefined;
  return { header, separator, rows, rest: lines.slice(index).join("\n").trim() };
}

function row(values: string[]): string {
  return `| ${values.join(" | ")} |`;
}

/**
 * One comment for every stage: the marker once, one summary table with each stage's
 * outcome (from its exit code) and numbers, then each stage's details and policy
 * findings; a stage whose plan wrote no report shows the tail of its output.
 */
export function combinePlanComment(results: StageResult[], options: CombineOptions = {}): string {
  const parsed = results.map((result) => ({
    result,
    report: result.markdown === undefined ? undefined : parseReport(result.markdown),
  }));
  const reports = parsed.flatMap(({ report }) => (report ? [report] : []));
  const first = reports[0];
  const uniform =
    first !== undefined &&
    reports.every((report) => report.header.join("|") === first.header.join("|")) &&
    parsed.every(({ result, report }) => result.markdown === undefined || report !== undefined);

  const lines: string[] = [planCommentMarker, "## Offline plan", ""];
  const facts = [
    options.headSha ? `Commit \`${options.headSha.slice(0, 12)}\`` : undefined,
    options.runUrl
      ? `[workflow run](${options.runUrl}) (full JSON reports in its \`plan-reports\` artifact)`
      : undefined,
    "`npm run plan` under Pulumi mocks: no cloud account, no credentials",
  ].filter((fact): fact is string => fact !== undefined);
  lines.push(`${facts.join(" · ")}.`, "");

  if (uniform) {
    const [, ...columns] = first.header;
    const [, ...alignments] = first.separator;
    lines.push(row(["stack", "result", ...columns]), row(["---", "---", ...alignments]));
    for (const { result, report } of parsed) {
      if (report)
        for (const values of report.rows) lines.push(row([values[0]!, outcome(result.exitCode), ...values.slice(1)]));
      else lines.push(row([result.stage, outcome(result.exitCode), ...columns.map(() => "-")]));
    }
  } else {
    lines.push(row(["stack", "result"]), row(["---", "---"]));
    for (const { result } of parsed) lines.push(row([result.stage, outcome(result.exitCode)]));
  }

  // Each stage gets an equal share of what the header leaves, so a large stage cannot push the others out.
  const share = Math.floor(
    ((options.limit ?? commentLimit) - lines.join("\n").length - 600) / Math.max(1, parsed.length),
  );
  for (const { result, report } of parsed) {
    if (report) lines.push("", fitComment(report.rest, share, stageNote(result.stage)).trimEnd());
    else if (result.markdown !== undefined)
      lines.push(
        "",
        `### ${result.stage}`,
        "",
        stripMarker(result.markdown)
          .replace(/^\s*##\s+Offline plan\s*$/m, "")
          .trim(),
      );
    else {
      lines.push("", `### ${result.stage}`, "");
      lines.push(
        result.exitCode === undefined
          ? "The plan did not run."
          : `The plan stopped before writing its report (exit ${result.exitCode}).`,
      );
      if (result.log?.trim()) lines.push("", codeBlock(tail(result.log)));
    }
  }
  return fitComment(`${lines.join("\n").trimEnd()}\n`, options.limit ?? commentLimit);
}

/**
 * Cuts a body to the limit at a line boundary, closing any open code fence and
 * `<details>`, with a note that the full reports are in the run's artifact.
 */
const commentNote =
  "\n\n_This comment was cut to fit GitHub's size limit: the full reports are in the workflow run's `plan-reports` artifact._\n";

function stageNote(stage: string): string {
  return `\n\n_The ${stage} report was cut to fit GitHub's comment size limit: its full JSON and markdown are in the workflow run's \`plan-reports\` artifact._\n`;
}

export function fitComment(body: string, limit: number = commentLimit, note: string = commentNote): string {
  if (body.length <= limit) return body;
  const budget = limit - note.length - 200;
  const lines = body.split("\n");
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > budget) break;
    kept.push(line);
    size += line.length + 1;
  }
  let fence: string | undefined;
  let open = 0;
  for (const line of kept) {
    const match = /^(`{3,})/.exec(line.trim());
    if (match) {
      if (fence === undefined) fence = match[1];
      else if (match[1]!.length >= fence.length) fence = undefined;
    } else if (fence === undefined) {
      open += (line.match(/<details\b/g) ?? []).length;
      open -= (line.match(/<\/details>/g) ?? []).length;
    }
  }
  const closing = [...(fence ? [fence] : []), ...Array.from({ length: Math.max(0, open) }, () => "\n</details>")];
  return `${[...kept, ...closing].join("\n")}${note}`;
}

import { countShortTypes as countTypes, fit, groupBy, shortType } from "./attribution";
import type { ChangeKind, PlanDiff, ResourceChange } from "./diff";

const symbols: Record<ChangeKind, string> = { add: "+", remove: "-", update: "~", replace: "+-" };

/** A value as a short readable string (secrets stay `[secret]`). */
export function showValue(value: unknown, width = 40): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}

/** Words wrapped to a width (a word longer than the width is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = "";
    }
    current = current === "" ? fit(word, width) : `${current} ${word}`;
  }
  if (current !== "") lines.push(current);
  return lines;
}

export function countsLine(diff: PlanDiff): string {
  const { counts } = diff;
  return `${counts.replace} replace, ${counts.remove} remove, ${counts.update} update, ${counts.add} add (${counts.unchanged} unchanged)`;
}

function kindCounts(changes: readonly ResourceChange[]): string {
  const counts = new Map<ChangeKind, number>();
  for (const change of changes) counts.set(change.kind, (counts.get(change.kind) ?? 0) + 1);
  return (["replace", "remove", "update", "add"] as const)
    .filter((kind) => counts.has(kind))
    .map((kind) => `${counts.get(kind)} ${kind}`)
    .join(", ");
}

/** A list change as what it adds and removes (`+ a, b; - c`), or undefined when either side is not a list. */
export function listChange(before: unknown, after: unknown, width: number): string | undefined {
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  const old = new Set(before.map((item) => JSON.stringify(item)));
  const now = new Set(after.map((item) => JSON.stringify(item)));
  const added = [...now].filter((item) => !old.has(item));
  const removed = [...old].filter((item) => !now.has(item));
  if (added.length === 0 && removed.length === 0) return "order changed";
  const part = (sign: string, items: string[]) => {
    const text = `${sign} ${items.join(", ")}`;
    return text.length <= width
      ? text
      : `${sign} ${items.length} item${items.length === 1 ? "" : "s"}: ${fit(items.join(", "), Math.max(20, width - 12))}`;
  };
  return [added.length > 0 ? part("+", added) : undefined, removed.length > 0 ? part("-", removed) : undefined]
    .filter((text) => text !== undefined)
    .join("; ");
}

/** One line per changed input / option, `path: old -> new` (lists as what they add and remove). */
export function changeLines(change: ResourceChange, width = 100): string[] {
  const lines: string[] = [];
  if (change.previousUrn) lines.push(`renamed from ${change.previousUrn}`);
  if (change.replaceEffect) lines.push(`replacing it: ${change.replaceEffect}`);
  for (const option of change.options)
    lines.push(`${option.option}: ${showValue(option.before)} -> ${showValue(option.after)}`);
  for (const input of change.inputs) {
    const marker = change.replaceBecause.includes(input.path) ? " (forces replacement)" : "";
    const list = listChange(input.before, input.after, width - input.path.length - marker.length - 2);
    if (list !== undefined) {
      lines.push(`${input.path}: ${list}${marker}`);
      continue;
    }
    const budget = Math.max(20, Math.floor((width - input.path.length - marker.length - 12) / 2));
    lines.push(`${input.path}: ${showValue(input.before, budget)} -> ${showValue(input.after, budget)}${marker}`);
  }
  return lines;
}

function label(change: ResourceChange): string {
  return `${shortType(change.type)} ${change.name}`;
}

/** The diff for the terminal: dangerous changes first, counts per component and domain, details. */
export function diffText(diff: PlanDiff, options: { width?: number; domain?: string } = {}): string {
  const width = options.width ?? 100;
  const changes = options.domain ? diff.changes.filter((change) => change.domain === options.domain) : diff.changes;
  const lines: string[] = [];
  lines.push(
    fit(`Changes against the base plan (${diff.base.stack}, ${diff.base.resources} resources):`, width),
    fit(`  ${countsLine(diff)}`, width),
  );
  if (diff.dangerous.length > 0) {
    lines.push("", `DANGEROUS (${diff.dangerous.length}):`);
    for (const danger of diff.dangerous) {
      const change = diff.changes.find((candidate) => candidate.urn === danger.urn);
      const head = `  ${danger.kind}  ${change ? label(change) : danger.urn}`;
      // Short ones on one line; the rest with the reason below, so every line fits.
      if (head.length + 2 + danger.message.length <= width) lines.push(`${head}: ${danger.message}`);
      else lines.push(fit(head, width), ...wrap(danger.message, width - 6).map((line) => `      ${line}`));
    }
  } else {
    lines.push("", "Dangerous changes: none.");
  }
  if (changes.length === 0) return lines.join("\n");
  lines.push("", "By component:");
  for (const group of groupBy(changes, (change) => change.component))
    lines.push(fit(`  ${group.label}: ${kindCounts(group.items)}`, width));
  lines.push("", "By domain:");
  for (const group of groupBy(changes, (change) => change.domain))
    lines.push(fit(`  ${group.label}: ${kindCounts(group.items)}`, width));
  lines.push("", "Details:");
  for (const group of groupBy(changes, (change) => change.component)) {
    lines.push(fit(`  ${group.label}:`, width));
    for (const change of group.items) {
      lines.push(fit(`    ${symbols[change.kind].padEnd(2)} ${label(change)}`, width));
      for (const line of changeLines(change, width - 9)) {
        // The replacement's effect is a sentence: wrapped, not cut.
        if (change.replaceEffect && line.startsWith("replacing it: "))
          lines.push(...wrap(line, width - 9).map((part) => `         ${part}`));
        else lines.push(fit(`         ${line}`, width));
      }
    }
  }
  return lines.join("\n");
}

function cell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/`/g, "'");
}

/** Markdown for a stage's diff: counts per kind, the dangerous list, collapsible details per component and domain. */
export function diffMarkdown(diff: PlanDiff, options: { maxRows?: number } = {}): string[] {
  const maxRows = options.maxRows ?? 40;
  const { counts } = diff;
  const lines: string[] = [];
  lines.push(
    `**Changes against the base branch:** ${counts.replace} replace · ${counts.remove} remove · ${counts.update} update · ${counts.add} add (${counts.unchanged} unchanged)`,
    "",
  );
  if (diff.dangerous.length > 0) {
    lines.push(
      `:warning: **Dangerous changes (${diff.dangerous.length})**`,
      "",
      "| kind | resource | why |",
      "|---|---|---|",
    );
    for (const danger of diff.dangerous.slice(0, maxRows)) {
      const change = diff.changes.find((candidate) => candidate.urn === danger.urn);
      lines.push(`| ${danger.kind} | \`${cell(change ? label(change) : danger.urn)}\` | ${cell(danger.message)} |`);
    }
    if (diff.dangerous.length > maxRows)
      lines.push(`| ... | ${diff.dangerous.length - maxRows} more | in the full report |`);
    lines.push("");
  } else {
    lines.push("Dangerous changes: none.", "");
  }
  if (diff.changes.length === 0) return lines;
  for (const group of groupBy(diff.changes, (change) => change.component)) {
    // Changes to what exists in full; additions listed when few, otherwise counted by type.
    const adds = group.items.filter((change) => change.kind === "add");
    const listed = [...group.items.filter((change) => change.kind !== "add"), ...(adds.length <= 10 ? adds : [])];
    lines.push(`<details><summary>${cell(group.label)}: ${kindCounts(group.items)}</summary>`, "");
    if (listed.length > 0) {
      lines.push("| | resource | domain | what changed |", "|---|---|---|---|");
      for (const change of listed.slice(0, maxRows)) {
        const details = change.kind === "add" || change.kind === "remove" ? [] : changeLines(change, 80);
        const what = details.slice(0, 4).join("<br>") + (details.length > 4 ? "<br>..." : "");
        lines.push(`| ${symbols[change.kind]} | \`${cell(label(change))}\` | ${cell(change.domain)} | ${cell(what)} |`);
      }
      if (listed.length > maxRows) lines.push(`| | ${listed.length - maxRows} more | | in the full report |`);
      lines.push("");
    }
    if (adds.length > 10) {
      const domains = [...new Set(adds.map((change) => change.domain))];
      lines.push(
        `Added ${adds.length} (${domains.length === 1 ? `domain ${domains[0]}` : `${domains.length} domains`}): ${cell(countTypes(adds))}`,
        "",
      );
    }
    lines.push("</details>");
  }
  lines.push("", "<details><summary>Changes by domain</summary>", "", "| domain | changes |", "|---|---|");
  for (const group of groupBy(diff.changes, (change) => change.domain))
    lines.push(`| ${cell(group.label)} | ${kindCounts(group.items)} |`);
  lines.push("", "</details>", "");
  return lines;
}

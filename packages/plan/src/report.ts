import type { PlanDocument, PlanResource } from "./document";

const domainTag = "data-platform:domain";

interface Group {
  label: string;
  resources: PlanResource[];
}

/** The top-level component (child of the stack) each resource belongs to. */
export function groupByComponent(document: PlanDocument): Group[] {
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  const groups = new Map<string, PlanResource[]>();
  for (const resource of document.resources) {
    if (resource.type === "pulumi:pulumi:Stack") continue;
    let top = resource;
    for (let parent = byUrn.get(resource.parent ?? ""); parent && parent.type !== "pulumi:pulumi:Stack"; parent = byUrn.get(parent.parent ?? "")) top = parent;
    const label = top === resource && resource.custom ? "(stack)" : `${top.type} ${top.name}`;
    groups.set(label, [...(groups.get(label) ?? []), resource]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, resources]) => ({ label, resources }));
}

/** The domain a resource serves: its own `data-platform:domain` tag or its nearest ancestor's. */
export function groupByDomain(document: PlanDocument): Group[] {
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  const domainOf = (resource: PlanResource | undefined): string | undefined => {
    for (let current = resource; current; current = byUrn.get(current.parent ?? "")) {
      const tags = current.inputs["tags"] as Record<string, unknown> | undefined;
      if (tags && typeof tags[domainTag] === "string") return tags[domainTag] as string;
    }
    return undefined;
  };
  const groups = new Map<string, PlanResource[]>();
  for (const resource of document.resources) {
    if (resource.type === "pulumi:pulumi:Stack") continue;
    const label = domainOf(resource) ?? "(platform)";
    groups.set(label, [...(groups.get(label) ?? []), resource]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, resources]) => ({ label, resources }));
}

function countTypes(resources: readonly PlanResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${count} ${type}`)
    .join(", ");
}

/** The readable terminal summary. */
export function textSummary(document: PlanDocument): string {
  const lines: string[] = [];
  lines.push(`Plan for ${document.project} / ${document.stack} (${document.mode} mode): ${document.summary.resources} resources`);
  lines.push("");
  lines.push("By component:");
  for (const group of groupByComponent(document)) lines.push(`  ${group.label}: ${group.resources.length} (${countTypes(group.resources)})`);
  lines.push("");
  lines.push("By domain:");
  for (const group of groupByDomain(document)) lines.push(`  ${group.label}: ${group.resources.length}`);
  lines.push("");
  lines.push("By type:");
  const width = Math.max(...Object.keys(document.summary.byType).map((type) => type.length), 4);
  for (const [type, count] of Object.entries(document.summary.byType)) lines.push(`  ${type.padEnd(width)}  ${count}`);
  lines.push("");
  const violations = document.policy.violations;
  const mandatory = violations.filter((violation) => violation.level === "mandatory").length;
  lines.push(`Policy: ${mandatory} mandatory, ${violations.length - mandatory} advisory`);
  for (const violation of violations) lines.push(`  [${violation.level}] ${violation.policy}: ${violation.urn}: ${violation.message}`);
  return lines.join("\n");
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Markdown for a pull-request comment: summary table, collapsible details, policy findings. */
export function markdownReport(documents: readonly PlanDocument[]): string {
  const lines: string[] = ["<!-- data-platform-plan -->", "## Offline plan", ""];
  lines.push("| stack | mode | resources | mandatory findings | advisory findings |", "|---|---|---:|---:|---:|");
  for (const document of documents) {
    const mandatory = document.policy.violations.filter((violation) => violation.level === "mandatory").length;
    lines.push(`| ${document.stack} | ${document.mode} | ${document.summary.resources} | ${mandatory} | ${document.policy.violations.length - mandatory} |`);
  }
  for (const document of documents) {
    lines.push("", `### ${document.stack}`, "");
    lines.push("<details><summary>Resources by component</summary>", "", "| component | resources | types |", "|---|---:|---|");
    for (const group of groupByComponent(document)) lines.push(`| ${escapeCell(group.label)} | ${group.resources.length} | ${escapeCell(countTypes(group.resources))} |`);
    lines.push("", "</details>", "");
    lines.push("<details><summary>Resources by domain</summary>", "", "| domain | resources |", "|---|---:|");
    for (const group of groupByDomain(document)) lines.push(`| ${escapeCell(group.label)} | ${group.resources.length} |`);
    lines.push("", "</details>", "");
    lines.push("<details><summary>Counts by type</summary>", "", "| type | count |", "|---|---:|");
    for (const [type, count] of Object.entries(document.summary.byType)) lines.push(`| \`${type}\` | ${count} |`);
    lines.push("", "</details>", "");
    if (document.policy.violations.length === 0) {
      lines.push("Policy findings: none.");
    } else {
      lines.push("#### Policy findings", "", "| level | policy | resource | message |", "|---|---|---|---|");
      for (const violation of document.policy.violations) {
        lines.push(`| ${violation.level} | ${escapeCell(violation.policy)} | \`${escapeCell(violation.urn)}\` | ${escapeCell(violation.message)} |`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

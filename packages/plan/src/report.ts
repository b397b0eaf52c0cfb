import { attribute, countShortTypes, fit, groupBy, shortType, stackLabel } from "./attribution";
import { costDeltaLines, costText, money } from "./cost/report";
import { deployTimeText } from "./deploy-time";
import { diffMarkdown, wrap } from "./diff-report";
import type { PlanDocument, PlanResource } from "./document";

interface Group {
  label: string;
  resources: PlanResource[];
}

const width = 100;

/** The top-level component (child of the stack) each resource belongs to. */
export function groupByComponent(document: PlanDocument): Group[] {
  const attribution = attribute(document);
  return groupBy(
    document.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack"),
    attribution.component,
  ).map((group) => ({ label: group.label, resources: group.items }));
}

/** The domain each resource serves, by its owning component's parent chain (see `attribute`). */
export function groupByDomain(document: PlanDocument): Group[] {
  const attribution = attribute(document);
  return groupBy(
    document.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack"),
    attribution.domain,
  ).map((group) => ({ label: group.label, resources: group.items }));
}

export interface TextOptions {
  /** Print the resources as a tree (component -> children). */
  tree?: boolean;
  /** Only this domain's resources. */
  domain?: string;
}

/** The resources as an indented tree, components before their children. */
export function treeText(resources: readonly PlanResource[]): string[] {
  const included = new Set(resources.map((resource) => resource.urn));
  const children = new Map<string, PlanResource[]>();
  const roots: PlanResource[] = [];
  for (const resource of resources) {
    if (resource.type === "pulumi:pulumi:Stack") continue;
    if (resource.parent && included.has(resource.parent) && !resource.parent.includes("::pulumi:pulumi:Stack::")) {
      const list = children.get(resource.parent) ?? [];
      list.push(resource);
      children.set(resource.parent, list);
    } else {
      roots.push(resource);
    }
  }
  const lines: string[] = [];
  const order = (a: PlanResource, b: PlanResource) =>
    Number(a.custom) - Number(b.custom) ||
    shortType(a.type).localeCompare(shortType(b.type)) ||
    a.name.localeCompare(b.name);
  const walk = (resource: PlanResource, indent: string, last: boolean, top: boolean) => {
    const kids = (children.get(resource.urn) ?? []).sort(order);
    const count = kids.length > 0 ? ` (${descendants(resource.urn)})` : "";
    lines.push(
      fit(
        `${top ? "" : `${indent}${last ? "└─ " : "├─ "}`}${shortType(resource.type)} ${resource.name}${count}`,
        width,
      ),
    );
    const next = top ? "" : `${indent}${last ? "   " : "│  "}`;
    kids.forEach((kid, index) => walk(kid, next, index === kids.length - 1, false));
  };
  const descendants = (urn: string): number =>
    (children.get(urn) ?? []).reduce((sum, kid) => sum + 1 + descendants(kid.urn), 0);
  for (const root of roots.sort(order)) walk(root, "", true, true);
  return lines;
}

/** The readable terminal summary: one line per component, domains, types, cost, deploy time, policy. */
export function textSummary(document: PlanDocument, options: TextOptions = {}): string {
  const attribution = attribute(document);
  const all = document.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack");
  const resources = options.domain ? all.filter((resource) => attribution.domain(resource) === options.domain) : all;
  const lines: string[] = [];
  const scope = options.domain ? `, domain ${options.domain}: ${resources.length}` : "";
  lines.push(
    fit(
      `Plan for ${document.project} / ${document.stack} (${document.mode} mode): ${document.summary.resources} resources${scope}`,
      width,
    ),
  );
  if (options.domain && !attribution.domains.includes(options.domain)) {
    lines.push(
      fit(`No domain "${options.domain}" in this plan; domains: ${attribution.domains.join(", ") || "none"}`, width),
    );
  }
  if (options.tree) {
    lines.push("", ...treeText(resources));
  } else {
    lines.push("", "By component:");
    const groups = groupBy(resources, attribution.component);
    const labelWidth = Math.min(40, Math.max(...groups.map((group) => group.label.length), 9));
    for (const group of groups)
      lines.push(
        fit(
          `  ${group.label.padEnd(labelWidth)} ${String(group.items.length).padStart(4)}  ${countShortTypes(group.items)}`,
          width,
        ),
      );
    if (!options.domain) {
      lines.push("", "By domain (owning component):");
      const domains = groupBy(resources, attribution.domain);
      const domainWidth = Math.max(...domains.map((group) => group.label.length), 10);
      for (const group of domains)
        lines.push(`  ${group.label.padEnd(domainWidth)} ${String(group.items.length).padStart(4)}`);
    }
    lines.push("", "By type:");
    const types = groupBy(resources, (resource) => shortType(resource.type));
    const typeWidth = Math.max(...types.map((group) => group.label.length), 4);
    for (const group of types)
      lines.push(`  ${group.label.padEnd(typeWidth)} ${String(group.items.length).padStart(4)}`);
  }
  if (document.cost) lines.push("", ...costText(document.cost, { width, domain: options.domain }));
  if (document.deployTime && !options.domain) lines.push("", ...deployTimeText(document.deployTime, width));
  lines.push("");
  const violations = document.policy.violations;
  const mandatory = violations.filter((violation) => violation.level === "mandatory").length;
  lines.push(`Policy: ${mandatory} mandatory, ${violations.length - mandatory} advisory`);
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  for (const violation of violations) {
    const resource = byUrn.get(violation.urn);
    lines.push(
      fit(
        `  [${violation.level}] ${violation.policy}: ${resource ? `${shortType(resource.type)} ${resource.name}` : violation.urn}`,
        width,
      ),
    );
    lines.push(...wrap(violation.message, width - 6).map((line) => `      ${line}`));
  }
  return lines.join("\n");
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * Markdown for a pull-request comment. Per stage: the diff against the base branch's plan first
 * (counts per change kind, the dangerous list, details per component and domain), the cost and its
 * change, the policy findings, then the full inventory, collapsed.
 */
export function markdownReport(documents: readonly PlanDocument[]): string {
  const lines: string[] = ["<!-- data-platform-plan -->", "## Offline plan", ""];
  lines.push(
    "| stack | mode | resources | changes | dangerous | USD/month | mandatory findings | advisory findings |",
    "|---|---|---:|---|---:|---:|---:|---:|",
  );
  for (const document of documents) {
    const mandatory = document.policy.violations.filter((violation) => violation.level === "mandatory").length;
    const diff = document.diff;
    const changes = diff
      ? `${diff.counts.replace} replace, ${diff.counts.remove} remove, ${diff.counts.update} update, ${diff.counts.add} add`
      : "no base plan";
    const dangerous = diff ? String(diff.dangerous.length) : "-";
    const cost = document.cost ? money(document.cost.total) : "-";
    lines.push(
      `| ${document.stack} | ${document.mode} | ${document.summary.resources} | ${changes} | ${dangerous} | ${cost} | ${mandatory} | ${document.policy.violations.length - mandatory} |`,
    );
  }
  for (const document of documents) {
    lines.push("", `### ${document.stack}`, "");
    if (document.diff) lines.push(...diffMarkdown(document.diff));
    else lines.push("No base plan to compare with: the whole stage is new.", "");
    if (document.cost)
      lines.push(...costDeltaLines(document.cost, document.diff ? (document.diff.baseCost ?? null) : undefined), "");
    if (document.policy.violations.length === 0) {
      lines.push("Policy findings: none.", "");
    } else {
      lines.push("#### Policy findings", "", "| level | policy | resource | message |", "|---|---|---|---|");
      const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
      for (const violation of document.policy.violations) {
        const resource = byUrn.get(violation.urn);
        const where = resource ? `${shortType(resource.type)} ${resource.name}` : violation.urn;
        lines.push(
          `| ${violation.level} | ${escapeCell(violation.policy)} | \`${escapeCell(where)}\` | ${escapeCell(violation.message)} |`,
        );
      }
      lines.push("");
    }
    lines.push(
      "<details><summary>Inventory: resources by component</summary>",
      "",
      "| component | resources | types |",
      "|---|---:|---|",
    );
    for (const group of groupByComponent(document)) {
      const types = countShortTypes(group.resources).split(", ");
      const shown = types.length > 6 ? `${types.slice(0, 6).join(", ")}, +${types.length - 6} types` : types.join(", ");
      lines.push(
        `| ${escapeCell(group.label === stackLabel ? "(stack)" : group.label)} | ${group.resources.length} | ${escapeCell(shown)} |`,
      );
    }
    lines.push("", "</details>", "");
    lines.push(
      "<details><summary>Inventory: resources by domain</summary>",
      "",
      "| domain | resources |",
      "|---|---:|",
    );
    for (const group of groupByDomain(document))
      lines.push(`| ${escapeCell(group.label)} | ${group.resources.length} |`);
    lines.push("", "</details>", "");
    if (document.deployTime) {
      lines.push(
        `<details><summary>First deploy: about ${Math.round(document.deployTime.criticalPathMinutes)} minutes on the critical path</summary>`,
        "",
        "```text",
        ...deployTimeText(document.deployTime, 100).slice(1),
        "```",
        "",
        "</details>",
        "",
      );
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

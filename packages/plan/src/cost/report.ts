import { fit } from "../attribution";
import type { CostEstimate } from "./estimate";

/** `$12,345`. */
export function money(usd: number): string {
  return `$${Math.round(usd).toLocaleString("en-US")}`;
}

function signed(usd: number): string {
  return `${usd >= 0 ? "+" : "-"}${money(Math.abs(usd))}`;
}

/** The cost for the terminal: total, top drivers, by component, by domain, unpriced items. */
export function costText(
  cost: CostEstimate,
  options: { width?: number; domain?: string; drivers?: number } = {},
): string[] {
  const width = options.width ?? 100;
  const lines: string[] = [];
  if (options.domain) {
    const total = cost.byDomain[options.domain] ?? 0;
    lines.push(
      `Cost of domain ${options.domain}: ${money(total)}/month (of ${money(cost.total)}; ${cost.region} list prices, ${cost.prices.date})`,
    );
    for (const line of cost.lines
      .filter((candidate) => candidate.domain === options.domain)
      .sort((a, b) => b.monthlyUsd - a.monthlyUsd)
      .slice(0, 10)) {
      lines.push(fit(`  ${money(line.monthlyUsd).padStart(8)}  ${line.item}`, width));
    }
    return lines;
  }
  lines.push(
    fit(
      `Cost: ${money(cost.total)}/month (${cost.region} list prices of ${cost.prices.date}${cost.prices.overrides ? `, overrides ${cost.prices.overrides}` : ""}; usage: ${cost.usage.dataTbPerDay} TB/day, ${cost.usage.monthsOfHistory} months of history)`,
      width,
    ),
  );
  lines.push("  Top drivers:");
  for (const driver of cost.drivers.slice(0, options.drivers ?? 8)) {
    const share = cost.total > 0 ? Math.round((driver.monthlyUsd / cost.total) * 100) : 0;
    lines.push(
      fit(
        `  ${money(driver.monthlyUsd).padStart(8)} ${`${share}%`.padStart(4)}  ${driver.item}${driver.resources > 1 ? ` (${driver.resources})` : ""}`,
        width,
      ),
    );
  }
  lines.push("  By component:");
  for (const [component, usd] of Object.entries(cost.byComponent).slice(0, 12))
    lines.push(fit(`  ${money(usd).padStart(8)}  ${component}`, width));
  lines.push("  By domain:");
  for (const [domain, usd] of Object.entries(cost.byDomain))
    lines.push(fit(`  ${money(usd).padStart(8)}  ${domain}`, width));
  if (cost.unpriced.length > 0) {
    const kinds = [...new Set(cost.unpriced.map((item) => item.price))];
    lines.push(
      fit(`  Not priced (no entry in the price table): ${cost.unpriced.length} items (${kinds.join(", ")})`, width),
    );
  }
  return lines;
}

/** Markdown for the PR comment: the stage's monthly cost, its change against the base, the top drivers. */
export function costDeltaLines(
  cost: CostEstimate,
  base: { total: number; byDomain: Record<string, number> } | null | undefined,
): string[] {
  const lines: string[] = [];
  if (base) {
    const delta = cost.total - base.total;
    lines.push(
      `**Cost:** ${money(cost.total)}/month (${signed(delta)} against the base branch's ${money(base.total)})`,
    );
    const domains = [...new Set([...Object.keys(cost.byDomain), ...Object.keys(base.byDomain)])]
      .map((domain) => ({ domain, delta: (cost.byDomain[domain] ?? 0) - (base.byDomain[domain] ?? 0) }))
      .filter((entry) => Math.abs(entry.delta) >= 1)
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
    if (domains.length > 0)
      lines.push(
        "",
        `Cost change by domain: ${domains
          .slice(0, 10)
          .map((entry) => `${entry.domain} ${signed(entry.delta)}`)
          .join(", ")}${domains.length > 10 ? ", ..." : ""}`,
      );
  } else if (base === null) {
    lines.push(`**Cost:** ${money(cost.total)}/month (the base plan has no cost section)`);
  } else {
    lines.push(`**Cost:** ${money(cost.total)}/month`);
  }
  lines.push(
    "",
    `Top drivers: ${cost.drivers
      .slice(0, 5)
      .map((driver) => `${driver.item} ${money(driver.monthlyUsd)}`)
      .join(" · ")} (${cost.region} list prices of ${cost.prices.date}; usage ${cost.usage.dataTbPerDay} TB/day)`,
  );
  return lines;
}

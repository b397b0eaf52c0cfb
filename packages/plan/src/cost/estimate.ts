import { didYouMean, type ConfigIssue } from "@data-platform/config";
import {
  defaultPriceTable,
  defaultUsage,
  estimateMonthlyCost,
  usageFor,
  withPriceOverrides,
  type CostLine,
  type PriceTable,
  type Unpriced,
  type UsageModel,
  type UsageOverrides,
} from "@data-platform/policy-pack";
import { attribute } from "../attribution";
import type { PlanDocument } from "../document";
import { readJsonInput } from "../json-input";

/** The plan document's `cost` section: USD per month. */
export interface CostEstimate {
  currency: "USD";
  period: "month";
  region: string;
  prices: { date: string; overrides?: string };
  usage: UsageModel;
  total: number;
  byComponent: Record<string, number>;
  byDomain: Record<string, number>;
  /** The largest items, summed by kind across resources (`MWAA mw1.small environment`, ...). */
  drivers: { item: string; monthlyUsd: number; resources: number }[];
  lines: (CostLine & { component: string; domain: string })[];
  unpriced: Unpriced[];
}

/** The price table with the overrides of a `--prices` file: `{ "prices": { "<key>": <usd> } }`, known keys only. */
export function priceTable(pricesFile: string | undefined, problems: ConfigIssue[], option = "--prices"): PriceTable {
  if (!pricesFile) return defaultPriceTable;
  const input = readJsonInput(option, pricesFile, problems);
  if (!input) return defaultPriceTable;
  const before = problems.length;
  for (const key of Object.keys(input.value)) {
    if (key !== "prices")
      problems.push({
        file: input.label,
        path: key,
        message: `unknown key${didYouMean(key, ["prices"])}; the file holds { "prices": { "<key>": <usd> } }`,
      });
  }
  const prices = input.value["prices"];
  if (prices === null || typeof prices !== "object" || Array.isArray(prices)) {
    problems.push({
      file: input.label,
      path: "prices",
      message: 'is required: an object of price keys to USD, { "prices": { "<key>": <usd> } }',
    });
    return defaultPriceTable;
  }
  const known = Object.keys(defaultPriceTable.prices);
  for (const [key, value] of Object.entries(prices)) {
    // Price keys contain dots (`nat.hour`): located by their keys, not by the path.
    const at = input.locate(["prices", key]);
    if (!known.includes(key))
      problems.push({
        file: input.label,
        path: `prices.${key}`,
        message: `unknown price key${didYouMean(key, known)}; keys: ${known.join(", ")}`,
        ...at,
      });
    else if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      problems.push({
        file: input.label,
        path: `prices.${key}`,
        message: `must be a number >= 0 (USD), got ${JSON.stringify(value)}`,
        ...at,
      });
  }
  if (problems.length > before) return defaultPriceTable;
  return withPriceOverrides(defaultPriceTable, prices as Record<string, number>, `override from ${pricesFile}`);
}

/**
 * The stage's usage model with the overrides of a `--usage` file: `{ "<stage>" | "*": { "<usage key>": <n> } }`.
 * Scopes other than `*` and the known stages (where given), unknown usage keys and values that are not numbers >= 0
 * are problems.
 */
export function usageModel(
  stage: string,
  usageFile: string | undefined,
  problems: ConfigIssue[],
  stages?: readonly string[],
  option = "--usage",
): UsageModel {
  if (!usageFile) return usageFor(stage);
  const input = readJsonInput(option, usageFile, problems);
  if (!input) return usageFor(stage);
  const before = problems.length;
  const known = Object.keys(defaultUsage);
  for (const [scope, overrides] of Object.entries(input.value)) {
    if (scope !== "*" && stages !== undefined && !stages.includes(scope)) {
      problems.push({
        file: input.label,
        path: scope,
        message: `unknown stage${didYouMean(scope, ["*", ...stages])}; scopes: "*" (every stage), ${stages.map((name) => `"${name}"`).join(", ")}`,
      });
      continue;
    }
    if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
      problems.push({ file: input.label, path: scope, message: "must be an object of usage keys to numbers" });
      continue;
    }
    for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
      if (!known.includes(key))
        problems.push({
          file: input.label,
          path: `${scope}.${key}`,
          message: `unknown usage key${didYouMean(key, known)}; keys: ${known.join(", ")}`,
        });
      else if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        problems.push({
          file: input.label,
          path: `${scope}.${key}`,
          message: `must be a number >= 0, got ${JSON.stringify(value)}`,
        });
    }
  }
  if (problems.length > before) return usageFor(stage);
  return usageFor(stage, input.value as UsageOverrides, `${option} ${usageFile}`);
}

const round = (value: number) => Math.round(value * 100) / 100;

function driverName(item: string): string {
  // `MWAA mw1.small environment`, `2 x r7g.4xlarge nodes` -> `r7g.4xlarge nodes`, zone storage lines by zone and tier.
  return item
    .replace(/^\d+ x /, "")
    .replace(/ \(\d+ GB\/day, \d+ days kept\)/, "")
    .replace(/Kinesis \d+ shards/, "Kinesis shards")
    .replace(/ in \d+ AZs$/, "")
    .replace(/^interface endpoint \S+$/, "interface endpoints")
    .replace(/ \(retention .*\)$/, "")
    .replace(/^log (ingestion|storage) .*/, "CloudWatch logs $1");
}

/** The cost section of a plan: the model's lines attributed to components and domains. */
export function estimateCost(
  document: Pick<PlanDocument, "resources" | "stack">,
  prices: PriceTable = defaultPriceTable,
  usage: UsageModel = usageFor(document.stack),
  overrides?: string,
): CostEstimate {
  const result = estimateMonthlyCost(document.resources, { prices, usage });
  const attribution = attribute(document);
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  const lines = result.lines.map((line) => {
    const resource = byUrn.get(line.urn)!;
    return { ...line, component: attribution.component(resource), domain: attribution.domain(resource) };
  });
  const sum = (key: (line: (typeof lines)[number]) => string) => {
    const totals: Record<string, number> = {};
    for (const line of lines) totals[key(line)] = round((totals[key(line)] ?? 0) + line.monthlyUsd);
    return Object.fromEntries(Object.entries(totals).sort(([, a], [, b]) => b - a));
  };
  const drivers = new Map<string, { monthlyUsd: number; resources: Set<string> }>();
  for (const line of lines) {
    const name = driverName(line.item);
    const driver = drivers.get(name) ?? { monthlyUsd: 0, resources: new Set<string>() };
    driver.monthlyUsd += line.monthlyUsd;
    driver.resources.add(line.urn);
    drivers.set(name, driver);
  }
  return {
    currency: "USD",
    period: "month",
    region: prices.region,
    prices: { date: prices.date, ...(overrides ? { overrides } : {}) },
    usage,
    total: result.total,
    byComponent: sum((line) => line.component),
    byDomain: sum((line) => line.domain),
    drivers: [...drivers.entries()]
      .map(([item, driver]) => ({ item, monthlyUsd: round(driver.monthlyUsd), resources: driver.resources.size }))
      .sort((a, b) => b.monthlyUsd - a.monthlyUsd),
    lines,
    unpriced: result.unpriced,
  };
}

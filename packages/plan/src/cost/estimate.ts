import * as fs from "node:fs";
import { defaultPriceTable, estimateMonthlyCost, usageFor, withPriceOverrides, type CostLine, type PriceTable, type Unpriced, type UsageModel, type UsageOverrides } from "@data-platform/policy-pack";
import { attribute } from "../attribution";
import type { PlanDocument } from "../document";
import { UsageError } from "../project";

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

export interface CostOptions {
  /** A JSON file: `{ "prices": { "<key>": <usd> } }`. */
  pricesFile?: string;
  /** A JSON file: `{ "<stage>" | "*": { <usage key>: <number> } }`. */
  usageFile?: string;
}

function readJson(file: string, flag: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: file not found`);
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("expected an object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
  }
}

/** The price table with the user's overrides. */
export function priceTable(pricesFile?: string): PriceTable {
  if (!pricesFile) return defaultPriceTable;
  const json = readJson(pricesFile, "--prices");
  const prices = json["prices"];
  if (prices === null || typeof prices !== "object" || Array.isArray(prices)) throw new UsageError(`--prices ${pricesFile}: expected { "prices": { "<key>": <usd> } }`);
  for (const [key, value] of Object.entries(prices)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new UsageError(`--prices ${pricesFile}: prices.${key}: must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  return withPriceOverrides(defaultPriceTable, prices as Record<string, number>, `override from ${pricesFile}`);
}

/** The stage's usage model with the user's overrides. */
export function usageModel(stage: string, usageFile?: string): UsageModel {
  if (!usageFile) return usageFor(stage);
  try {
    return usageFor(stage, readJson(usageFile, "--usage") as UsageOverrides, `--usage ${usageFile}`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
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
export function estimateCost(document: Pick<PlanDocument, "resources" | "stack">, prices: PriceTable = defaultPriceTable, usage: UsageModel = usageFor(document.stack), overrides?: string): CostEstimate {
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
    drivers: [...drivers.entries()].map(([item, driver]) => ({ item, monthlyUsd: round(driver.monthlyUsd), resources: driver.resources.size })).sort((a, b) => b.monthlyUsd - a.monthlyUsd),
    lines,
    unpriced: result.unpriced,
  };
}

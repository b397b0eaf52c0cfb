/**
 * What the plan cannot see: how much data flows and how long things run. The defaults describe the
 * design workload (SIZING.md: 2 TB/day of raw data, 23 MB/s on average; curated data about half
 * the raw volume). Override per stage with `--usage <json>`: `{ "<stage>": { ...partial model } }`
 * (or `"*"` for every stage).
 */
export interface UsageModel {
  /** Raw data arriving per day, TB (decimal). */
  dataTbPerDay: number;
  /** Months of history the lake holds at the time of the estimate (storage grows with it). */
  monthsOfHistory: number;
  /** Raw zone bytes stored per landed byte (Delta/Parquet compression). */
  rawStoredRatio: number;
  /** Analytics zone bytes per raw zone byte. */
  curatedRatio: number;
  /** Average object size in the lake, MB (Intelligent-Tiering monitors objects over 128 KB). */
  averageObjectMb: number;
  /** Lake PUT and GET requests per day, millions. */
  s3PutsMillionPerDay: number;
  s3GetsMillionPerDay: number;
  /** Hours a domain's ephemeral Spark clusters run per day (jobs, start-up and idle timeout). */
  emrClusterHoursPerDomainPerDay: number;
  /** Average vCPUs of a running cluster (primary + core + task). */
  emrVcpusPerCluster: number;
  /** Share of cluster vCPUs on Spot (core and task fleets). */
  emrSpotShare: number;
  /** Task hours per day on a domain's Fargate runner (where it has one). */
  fargateTaskHoursPerDomainPerDay: number;
  /** MWAA worker hours per environment and day above the minimum workers (autoscaling bursts). */
  mwaaExtraWorkerHoursPerDay: number;
  /** Hours per day the warehouse runs queries at its base capacity. */
  warehouseActiveHoursPerDay: number;
  /** Share of the raw data written through the streaming path (Kinesis PUT units). */
  streamingShare: number;
  /** Data through the NAT gateways per day, GB (S3 goes through the free gateway endpoint). */
  natGbPerDay: number;
  /** Data through the interface endpoints per day, GB. */
  interfaceEndpointGbPerDay: number;
  /** KMS requests per day, millions (S3 bucket keys keep this low). */
  kmsRequestsMillionPerDay: number;
  /** Log data per log group and day, GB (flow logs, control plane, audit). */
  logGbPerGroupPerDay: number;
}

export const defaultUsage: UsageModel = {
  dataTbPerDay: 2,
  monthsOfHistory: 12,
  rawStoredRatio: 0.5,
  curatedRatio: 0.5,
  averageObjectMb: 128,
  s3PutsMillionPerDay: 1,
  s3GetsMillionPerDay: 10,
  emrClusterHoursPerDomainPerDay: 1.5,
  emrVcpusPerCluster: 16,
  emrSpotShare: 0.75,
  fargateTaskHoursPerDomainPerDay: 2,
  mwaaExtraWorkerHoursPerDay: 2,
  warehouseActiveHoursPerDay: 8,
  streamingShare: 1,
  natGbPerDay: 20,
  interfaceEndpointGbPerDay: 50,
  kmsRequestsMillionPerDay: 1,
  logGbPerGroupPerDay: 0.5,
};

export type UsageOverrides = Record<string, Partial<UsageModel>>;

/** The usage model of a stage: defaults, then `"*"`, then the stage's own overrides. Rejects unknown keys and non-numbers. */
export function usageFor(stage: string, overrides: UsageOverrides = {}, source = "usage overrides"): UsageModel {
  const merged: UsageModel = { ...defaultUsage };
  for (const scope of ["*", stage]) {
    for (const [key, value] of Object.entries(overrides[scope] ?? {})) {
      if (!(key in defaultUsage))
        throw new Error(
          `${source}: ${scope}.${key}: unknown usage key; known: ${Object.keys(defaultUsage).join(", ")}`,
        );
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        throw new Error(`${source}: ${scope}.${key}: must be a number >= 0, got ${JSON.stringify(value)}`);
      merged[key as keyof UsageModel] = value;
    }
  }
  return merged;
}

/**
 * Pure capacity and cost arithmetic of the streaming path (no Pulumi): Kinesis
 * shards from declared throughput, the monthly price of provisioned vs on-demand
 * streams, and Managed Flink KPUs. Facts and prices come from SIZING.md and are
 * kept as data so callers can override them.
 */

import { platformDefaults } from "@data-platform/conventions";

export type CapacityMode = "PROVISIONED" | "ON_DEMAND";
export const capacityModes: readonly CapacityMode[] = ["PROVISIONED", "ON_DEMAND"];

/** What an event source declares about its traffic. */
export interface Throughput {
  /** Average records per second written to the stream. */
  recordsPerSecond: number;
  /** Average bytes per second written to the stream. */
  bytesPerSecond: number;
  /** Peak-to-average ratio the stream must absorb without throttling (1 = the average is the peak). */
  peakFactor: number;
}

/** Write limits of one Kinesis shard. */
export interface ShardLimits {
  bytesPerSecond: number;
  recordsPerSecond: number;
}

/**
 * SIZING.md: "Kinesis shard: 1 MB/s or 1,000 records/s in". AWS documents 1 MiB/s; the decimal
 * megabyte is ~4.6% more conservative and reproduces SIZING's figures (2 TB/day = 23 MB/s needs
 * 24 shards on average, 232 at a 10x peak). Pass `{ bytesPerSecond: 1_048_576, ... }` for the exact limit.
 */
export const kinesisShardLimits: ShardLimits = { bytesPerSecond: 1_000_000, recordsPerSecond: 1_000 };

/** Default peak factor: SIZING.md plans the streaming path for a 10x peak. */
export const defaultPeakFactor = platformDefaults.streaming.peakFactor;

/** Prices the estimates use (USD), with where they come from. */
export interface PriceTable {
  source: string;
  /** When the prices were recorded (ISO date). */
  asOf: string;
  currency: "USD";
  hoursPerMonth: number;
  /** Bytes in the GB that Kinesis data charges are quoted per. */
  bytesPerGb: number;
  kinesisShardHour: number;
  /** Per million PUT payload units of up to `putPayloadUnitBytes`. */
  kinesisPutUnitsPerMillion: number;
  putPayloadUnitBytes: number;
  kinesisOnDemandStreamHour: number;
  kinesisOnDemandPerGbWritten: number;
  kinesisOnDemandPerGbRead: number;
  flinkKpuHour: number;
}

export const defaultPrices: PriceTable = {
  source:
    "shared/design/SIZING.md: AWS public list prices (Kinesis Data Streams us-east-1, https://aws.amazon.com/kinesis/data-streams/pricing/; Managed Service for Apache Flink eu-west-2, https://aws.amazon.com/managed-service-apache-flink/pricing/)",
  asOf: "2026-11-27",
  currency: "USD",
  hoursPerMonth: 730,
  bytesPerGb: 1024 ** 3,
  kinesisShardHour: 0.015,
  kinesisPutUnitsPerMillion: 0.014,
  putPayloadUnitBytes: 25 * 1024,
  kinesisOnDemandStreamHour: 0.04,
  kinesisOnDemandPerGbWritten: 0.08,
  kinesisOnDemandPerGbRead: 0.04,
  flinkKpuHour: 0.127,
};

/** Problems with a declared throughput (empty when it is usable). */
export function throughputProblems(throughput: Throughput): string[] {
  const problems: string[] = [];
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  if (!positive(throughput.recordsPerSecond))
    problems.push(`recordsPerSecond must be above 0, got ${throughput.recordsPerSecond}`);
  if (!positive(throughput.bytesPerSecond))
    problems.push(`bytesPerSecond must be above 0, got ${throughput.bytesPerSecond}`);
  if (!Number.isFinite(throughput.peakFactor) || throughput.peakFactor < 1)
    problems.push(`peakFactor must be at least 1, got ${throughput.peakFactor}`);
  // A Kinesis record carries at most 1 MiB of data.
  if (problems.length === 0 && throughput.bytesPerSecond / throughput.recordsPerSecond > 1_048_576) {
    problems.push(
      `the average record (${Math.round(throughput.bytesPerSecond / throughput.recordsPerSecond)} bytes) is above Kinesis's 1 MiB record limit`,
    );
  }
  return problems;
}

/**
 * Peak write rates the stream must absorb.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function peakOf(throughput: Throughput): { bytesPerSecond: number; recordsPerSecond: number } {
  return {
    bytesPerSecond: throughput.bytesPerSecond * throughput.peakFactor,
    recordsPerSecond: throughput.recordsPerSecond * throughput.peakFactor,
  };
}

/**
 * Shards a provisioned stream needs: ceil(max(peak bytes / shard bytes, peak records / shard records)), at least 1.
 */
export function shardsFor(throughput: Throughput, limits: ShardLimits = kinesisShardLimits): number {
  const peak = peakOf(throughput);
  // Rounding noise (e.g. 24.000000000000004) must not add a shard.
  const exact = Math.max(peak.bytesPerSecond / limits.bytesPerSecond, peak.recordsPerSecond / limits.recordsPerSecond);
  return Math.max(1, Math.ceil(Number(exact.toFixed(9))));
}

/** The capacity mode: provisioned unless on-demand is asked for explicitly. */
export function capacityModeFor(requested?: CapacityMode): CapacityMode {
  return requested === "ON_DEMAND" ? "ON_DEMAND" : "PROVISIONED";
}

export interface StreamCost {
  /** Right-sized provisioned shards (for the peak) and their monthly price. */
  provisioned: { shards: number; shardHours: number; putPayloadUnitsMillions: number; monthlyUsd: number };
  /** On-demand: stream hours plus data written and read (volume follows the average). */
  onDemand: { gbWritten: number; gbRead: number; monthlyUsd: number };
  /** On-demand price / provisioned price. */
  onDemandCostRatio: number;
}

const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * Monthly price of one stream both ways. Shards are sized for the peak; data volume
 * (PUT units, GB written and read) follows the average. `consumers` is how many
 * applications read every record (the Flink job: 1).
 */
export function streamCost(
  throughput: Throughput,
  prices: PriceTable = defaultPrices,
  options: { consumers?: number; limits?: ShardLimits } = {},
): StreamCost {
  const consumers = options.consumers ?? 1;
  const shards = shardsFor(throughput, options.limits);
  const seconds = prices.hoursPerMonth * 3600;
  const averageRecordBytes = throughput.bytesPerSecond / throughput.recordsPerSecond;
  const unitsPerRecord = Math.max(1, Math.ceil(averageRecordBytes / prices.putPayloadUnitBytes));
  const putPayloadUnitsMillions = (throughput.recordsPerSecond * seconds * unitsPerRecord) / 1e6;
  const shardHours = shards * prices.hoursPerMonth;
  const provisioned = shardHours * prices.kinesisShardHour + putPayloadUnitsMillions * prices.kinesisPutUnitsPerMillion;
  const gbWritten = (throughput.bytesPerSecond * seconds) / prices.bytesPerGb;
  const gbRead = gbWritten * consumers;
  const onDemand =
    prices.hoursPerMonth * prices.kinesisOnDemandStreamHour +
    gbWritten * prices.kinesisOnDemandPerGbWritten +
    gbRead * prices.kinesisOnDemandPerGbRead;
  return {
    provisioned: {
      shards,
      shardHours,
      putPayloadUnitsMillions: cents(putPayloadUnitsMillions),
      monthlyUsd: cents(provisioned),
    },
    onDemand: { gbWritten: cents(gbWritten), gbRead: cents(gbRead), monthlyUsd: cents(onDemand) },
    onDemandCostRatio: Math.round((onDemand / provisioned) * 10) / 10,
  };
}

/** The computed capacity of one stream (what the plan and the contract show). */
export interface StreamCapacity {
  mode: CapacityMode;
  /** Shards the stream is created with (provisioned), or the right-sized count it would need (on-demand, for comparison). */
  shards: number;
  peakBytesPerSecond: number;
  peakRecordsPerSecond: number;
  monthlyUsd: { provisioned: number; onDemand: number; selected: number };
  onDemandCostRatio: number;
}

/** @internal Exported for its tests only; not part of the package's API. */
export function streamCapacity(
  throughput: Throughput,
  requested?: CapacityMode,
  prices: PriceTable = defaultPrices,
  limits: ShardLimits = kinesisShardLimits,
): StreamCapacity {
  const mode = capacityModeFor(requested);
  const cost = streamCost(throughput, prices, { limits });
  const peak = peakOf(throughput);
  return {
    mode,
    shards: cost.provisioned.shards,
    peakBytesPerSecond: Math.ceil(peak.bytesPerSecond),
    peakRecordsPerSecond: Math.ceil(peak.recordsPerSecond),
    monthlyUsd: {
      provisioned: cost.provisioned.monthlyUsd,
      onDemand: cost.onDemand.monthlyUsd,
      selected: mode === "ON_DEMAND" ? cost.onDemand.monthlyUsd : cost.provisioned.monthlyUsd,
    },
    onDemandCostRatio: cost.onDemandCostRatio,
  };
}

export interface FlinkSizing {
  /** Records per second one KPU converts (SIZING: ~10k for simple converts). @default 10000 */
  recordsPerSecondPerKpu?: number;
  /** Extra capacity above the sized rate, as a fraction (rescaling restarts from a savepoint, so keep room). @default 0.25 */
  headroom?: number;
  /** Parallel tasks per KPU. @default 1 */
  parallelismPerKpu?: number;
}

export interface FlinkCapacity {
  /** Records per second the application is sized for (with headroom). */
  recordsPerSecond: number;
  /** Processing KPUs: the starting (and minimum) size; autoscaling adds more. */
  kpus: number;
  /** Every application also pays one orchestration KPU. */
  orchestrationKpus: 1;
  billedKpus: number;
  parallelism: number;
  parallelismPerKpu: number;
  autoScaling: true;
  monthlyUsd: number;
}

/** KPUs and parallelism for a records-per-second rate: ceil(rate * (1 + headroom) / per-KPU rate), at least 1. */
export function flinkCapacity(
  recordsPerSecond: number,
  sizing: FlinkSizing = {},
  prices: PriceTable = defaultPrices,
): FlinkCapacity {
  const perKpu = sizing.recordsPerSecondPerKpu ?? 10_000;
  const headroom = sizing.headroom ?? 0.25;
  const parallelismPerKpu = sizing.parallelismPerKpu ?? 1;
  const sized = recordsPerSecond * (1 + headroom);
  const kpus = Math.max(1, Math.ceil(Number((sized / perKpu).toFixed(9))));
  const billedKpus = kpus + 1;
  return {
    recordsPerSecond: Math.ceil(sized),
    kpus,
    orchestrationKpus: 1,
    billedKpus,
    parallelism: kpus * parallelismPerKpu,
    parallelismPerKpu,
    autoScaling: true,
    monthlyUsd: cents(billedKpus * prices.flinkKpuHour * prices.hoursPerMonth),
  };
}

/** The computed capacity of the whole path (plain values, known before anything is deployed). */
export interface StreamingCapacity {
  streams: Record<string, StreamCapacity>;
  /** Shards of the provisioned streams (what counts against the account's shard quota). */
  totalShards: number;
  flink: FlinkCapacity;
  monthlyUsd: { streams: number; flink: number; total: number };
  prices: { source: string; asOf: string; currency: "USD" };
}

/** Capacity of every stream and of the Flink job that reads them all (sized for the sum of the peaks). */
export function ingestionCapacity(
  sources: (Throughput & { name: string; capacityMode?: CapacityMode })[],
  options: { flink?: FlinkSizing; prices?: PriceTable; limits?: ShardLimits } = {},
): StreamingCapacity {
  const prices = options.prices ?? defaultPrices;
  const streams = Object.fromEntries(
    sources.map((source) => [
      source.name,
      streamCapacity(source, source.capacityMode, prices, options.limits ?? kinesisShardLimits),
    ]),
  );
  const all = Object.values(streams);
  const flink = flinkCapacity(
    all.reduce((sum, stream) => sum + stream.peakRecordsPerSecond, 0),
    options.flink,
    prices,
  );
  const streamsUsd = cents(all.reduce((sum, stream) => sum + stream.monthlyUsd.selected, 0));
  return {
    streams,
    totalShards: all.reduce((sum, stream) => sum + (stream.mode === "PROVISIONED" ? stream.shards : 0), 0),
    flink,
    monthlyUsd: { streams: streamsUsd, flink: flink.monthlyUsd, total: cents(streamsUsd + flink.monthlyUsd) },
    prices: { source: prices.source, asOf: prices.asOf, currency: prices.currency },
  };
}

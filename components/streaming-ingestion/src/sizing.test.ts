import { describe, expect, it } from "vitest";
import { eventHourPrefix, eventPrefix, landingLayout, sourcePrefix } from "./layout";
import {
  capacityModeFor,
  defaultPrices,
  flinkCapacity,
  ingestionCapacity,
  kinesisShardLimits,
  shardsFor,
  streamCapacity,
  streamCost,
  throughputProblems,
} from "./sizing";

// SIZING.md: 2 TB/day of raw data = 23 MB/s on average.
const twoTbPerDay = 2e12 / 86_400;

describe("shardsFor", () => {
  it.each([
    // [what, recordsPerSecond, bytesPerSecond, peakFactor, shards]
    ["2 TB/day at a 10x peak (SIZING: >= 232)", twoTbPerDay / 2048, twoTbPerDay, 10, 232],
    ["2 TB/day on average (SIZING: >= 24)", twoTbPerDay / 2048, twoTbPerDay, 1, 24],
    ["records bound: 5,000 small records/s at a 2x peak", 5_000, 500_000, 2, 10],
    ["bytes bound: 900 large records/s at a 3x peak", 900, 2_700_000, 3, 9],
    ["exactly one shard's bytes", 10, 1_000_000, 1, 1],
    ["exactly one shard's records", 1_000, 1_000, 1, 1],
    ["just above one shard", 1_001, 1_001, 1, 2],
    ["a trickle still gets one shard", 0.5, 100, 10, 1],
  ])("%s", (_what, recordsPerSecond, bytesPerSecond, peakFactor, shards) => {
    expect(shardsFor({ recordsPerSecond, bytesPerSecond, peakFactor })).toBe(shards);
  });

  it("uses overridable shard limits (AWS's exact 1 MiB/s needs fewer shards than SIZING's conservative 1 MB/s)", () => {
    expect(kinesisShardLimits).toEqual({ bytesPerSecond: 1_000_000, recordsPerSecond: 1_000 });
    expect(
      shardsFor(
        { recordsPerSecond: 1, bytesPerSecond: twoTbPerDay, peakFactor: 10 },
        { bytesPerSecond: 1_048_576, recordsPerSecond: 1_000 },
      ),
    ).toBe(221);
  });

  it("names what is wrong with a throughput", () => {
    expect(throughputProblems({ recordsPerSecond: 0, bytesPerSecond: -1, peakFactor: 0.5 })).toEqual([
      "recordsPerSecond must be above 0, got 0",
      "bytesPerSecond must be above 0, got -1",
      "peakFactor must be at least 1, got 0.5",
    ]);
    expect(throughputProblems({ recordsPerSecond: 1, bytesPerSecond: 2_000_000, peakFactor: 1 })[0]).toMatch(
      /above Kinesis's 1 MiB record limit/,
    );
    expect(throughputProblems({ recordsPerSecond: 1, bytesPerSecond: 1, peakFactor: 1 })).toEqual([]);
  });
});

describe("capacity mode and cost", () => {
  it("is provisioned unless on-demand is asked for", () => {
    expect(capacityModeFor()).toBe("PROVISIONED");
    expect(capacityModeFor("PROVISIONED")).toBe("PROVISIONED");
    expect(capacityModeFor("ON_DEMAND")).toBe("ON_DEMAND");
  });

  it("prices on-demand at ~15x right-sized provisioned shards at a steady 23 MB/s (SIZING)", () => {
    // 5 KB records: one 25 KB PUT payload unit each.
    const cost = streamCost({ recordsPerSecond: twoTbPerDay / 5_000, bytesPerSecond: twoTbPerDay, peakFactor: 1 });
    expect(cost.provisioned.shards).toBe(24);
    expect(cost.provisioned.shardHours).toBe(24 * 730);
    expect(cost.provisioned.monthlyUsd).toBeCloseTo(
      24 * 730 * 0.015 + ((twoTbPerDay / 5_000) * 730 * 3600 * 0.014) / 1e6,
      1,
    );
    expect(cost.onDemand.gbWritten).toBeCloseTo((twoTbPerDay * 730 * 3600) / 1024 ** 3, 1);
    expect(cost.onDemand.gbRead).toBe(cost.onDemand.gbWritten);
    expect(cost.onDemandCostRatio).toBeGreaterThanOrEqual(14);
    expect(cost.onDemandCostRatio).toBeLessThanOrEqual(17);
  });

  it("charges one PUT payload unit per started 25 KB of a record", () => {
    const small = streamCost({ recordsPerSecond: 1_000, bytesPerSecond: 1_000 * 1_024, peakFactor: 1 });
    const large = streamCost({ recordsPerSecond: 1_000, bytesPerSecond: 1_000 * 60 * 1_024, peakFactor: 1 });
    expect(large.provisioned.putPayloadUnitsMillions).toBeCloseTo(small.provisioned.putPayloadUnitsMillions * 3, 1);
  });

  it("keeps the price table as overridable data with its source and date", () => {
    expect(defaultPrices).toMatchObject({
      currency: "USD",
      kinesisShardHour: 0.015,
      kinesisOnDemandStreamHour: 0.04,
      flinkKpuHour: 0.127,
    });
    expect(defaultPrices.source).toMatch(/SIZING\.md/);
    expect(defaultPrices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const throughput = { recordsPerSecond: 100, bytesPerSecond: 100_000, peakFactor: 1 };
    const doubled = streamCost(throughput, {
      ...defaultPrices,
      kinesisShardHour: 0.03,
      kinesisPutUnitsPerMillion: 0.028,
    });
    expect(doubled.provisioned.monthlyUsd).toBeCloseTo(streamCost(throughput).provisioned.monthlyUsd * 2, 1);
  });

  it("reports a stream's capacity: mode, shards, peaks and both prices", () => {
    const onDemand = streamCapacity(
      { recordsPerSecond: twoTbPerDay / 5_000, bytesPerSecond: twoTbPerDay, peakFactor: 10 },
      "ON_DEMAND",
    );
    expect(onDemand).toMatchObject({ mode: "ON_DEMAND", shards: 232, peakBytesPerSecond: Math.ceil(twoTbPerDay * 10) });
    expect(onDemand.monthlyUsd.selected).toBe(onDemand.monthlyUsd.onDemand);
    const provisioned = streamCapacity({ recordsPerSecond: 100, bytesPerSecond: 100_000, peakFactor: 2 });
    expect(provisioned).toMatchObject({ mode: "PROVISIONED", shards: 1, peakRecordsPerSecond: 200 });
    expect(provisioned.monthlyUsd.selected).toBe(provisioned.monthlyUsd.provisioned);
  });
});

describe("flinkCapacity", () => {
  it("sizes KPUs at 10k records/s each with 25% headroom, plus the orchestration KPU", () => {
    const peak = (twoTbPerDay / 1_000) * 10; // 1 KB records at a 10x peak: ~231k records/s
    expect(flinkCapacity(peak)).toEqual({
      recordsPerSecond: Math.ceil(peak * 1.25),
      kpus: 29,
      orchestrationKpus: 1,
      billedKpus: 30,
      parallelism: 29,
      parallelismPerKpu: 1,
      autoScaling: true,
      monthlyUsd: Math.round(30 * 0.127 * 730 * 100) / 100,
    });
  });

  it.each([
    [1, {}, 1, 1],
    [8_000, {}, 1, 1],
    [8_001, {}, 2, 2],
    [40_000, { headroom: 0 }, 4, 4],
    [40_000, { parallelismPerKpu: 2 }, 5, 10],
    [40_000, { recordsPerSecondPerKpu: 20_000, headroom: 0 }, 2, 2],
  ])("%d records/s with %o -> %d KPUs, parallelism %d", (records, sizing, kpus, parallelism) => {
    expect(flinkCapacity(records, sizing)).toMatchObject({ kpus, parallelism });
  });
});

describe("ingestionCapacity", () => {
  it("adds up the streams, sizes one Flink job for the sum of the peaks and totals the monthly price", () => {
    const capacity = ingestionCapacity([
      { name: "orders-service", recordsPerSecond: twoTbPerDay / 2048, bytesPerSecond: twoTbPerDay, peakFactor: 10 },
      {
        name: "payments-audit",
        recordsPerSecond: 50,
        bytesPerSecond: 50_000,
        peakFactor: 2,
        capacityMode: "ON_DEMAND",
      },
    ]);
    expect(capacity.streams["orders-service"]).toMatchObject({ mode: "PROVISIONED", shards: 232 });
    expect(capacity.streams["payments-audit"]).toMatchObject({ mode: "ON_DEMAND", shards: 1 });
    // Only provisioned shards count against the shard quota.
    expect(capacity.totalShards).toBe(232);
    expect(capacity.flink.recordsPerSecond).toBe(Math.ceil((Math.ceil((twoTbPerDay / 2048) * 10) + 100) * 1.25));
    const streamsUsd =
      capacity.streams["orders-service"]!.monthlyUsd.provisioned +
      capacity.streams["payments-audit"]!.monthlyUsd.onDemand;
    expect(capacity.monthlyUsd.streams).toBeCloseTo(streamsUsd, 2);
    expect(capacity.monthlyUsd.total).toBeCloseTo(streamsUsd + capacity.flink.monthlyUsd, 2);
    expect(capacity.prices).toEqual({ source: defaultPrices.source, asOf: defaultPrices.asOf, currency: "USD" });
  });
});

describe("landing layout", () => {
  it("is events/<source>/<event>/dt=YYYY-MM-DD/hh=HH/ in UTC", () => {
    expect(landingLayout).toBe("events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/");
    expect(sourcePrefix("orders-service")).toBe("events/orders-service/");
    expect(eventPrefix("orders-service", "OrderPlaced")).toBe("events/orders-service/OrderPlaced/");
    expect(eventHourPrefix("orders-service", "OrderPlaced", new Date("2026-03-07T09:41:00Z"))).toBe(
      "events/orders-service/OrderPlaced/dt=2026-03-07/hh=09/",
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kinesisShardLimits, peakOf, shardsFor, throughputProblems, type ShardLimits, type Throughput } from "./sizing";

/** Any throughput the config accepts: positive rates, a peak factor of at least 1, records of at most 1 MiB. */
const throughput: fc.Arbitrary<Throughput> = fc
  .record({
    recordsPerSecond: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    recordBytes: fc.double({ min: 1, max: 1_048_576, noNaN: true }),
    peakFactor: fc.double({ min: 1, max: 100, noNaN: true }),
  })
  .map(({ recordsPerSecond, recordBytes, peakFactor }) => ({
    recordsPerSecond,
    bytesPerSecond: recordsPerSecond * recordBytes,
    peakFactor,
  }))
  .filter((candidate) => throughputProblems(candidate).length === 0);
const limits: fc.Arbitrary<ShardLimits> = fc.oneof(
  fc.constant(kinesisShardLimits),
  fc.constant({ bytesPerSecond: 1_048_576, recordsPerSecond: 1_000 }),
  fc.record({
    bytesPerSecond: fc.integer({ min: 1_000, max: 10_000_000 }),
    recordsPerSecond: fc.integer({ min: 10, max: 10_000 }),
  }),
);
/** shardsFor ignores noise below 1e-9 of a shard (floating-point error in the division). */
const tolerance = 1e-9;

describe("shardsFor (property-based)", () => {
  it("gives at least one whole shard, enough for the peak in bytes and in records", () => {
    fc.assert(
      fc.property(throughput, limits, (input, shardLimits) => {
        const shards = shardsFor(input, shardLimits);
        const peak = peakOf(input);
        expect(Number.isInteger(shards)).toBe(true);
        expect(shards).toBeGreaterThanOrEqual(1);
        expect(shards + tolerance).toBeGreaterThanOrEqual(peak.bytesPerSecond / shardLimits.bytesPerSecond);
        expect(shards + tolerance).toBeGreaterThanOrEqual(peak.recordsPerSecond / shardLimits.recordsPerSecond);
      }),
    );
  });

  it("never gives a shard more than the peak needs", () => {
    fc.assert(
      fc.property(throughput, limits, (input, shardLimits) => {
        const shards = shardsFor(input, shardLimits);
        const peak = peakOf(input);
        const needed = Math.max(
          peak.bytesPerSecond / shardLimits.bytesPerSecond,
          peak.recordsPerSecond / shardLimits.recordsPerSecond,
        );
        if (shards > 1) expect(shards - 1).toBeLessThan(needed);
      }),
    );
  });

  it("never shrinks when the traffic or its peak grows", () => {
    fc.assert(
      fc.property(
        throughput,
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (input, moreTraffic, morePeak) => {
          const bigger = {
            recordsPerSecond: input.recordsPerSecond * moreTraffic,
            bytesPerSecond: input.bytesPerSecond * moreTraffic,
            peakFactor: input.peakFactor * morePeak,
          };
          expect(shardsFor(bigger)).toBeGreaterThanOrEqual(shardsFor(input));
        },
      ),
    );
  });
});

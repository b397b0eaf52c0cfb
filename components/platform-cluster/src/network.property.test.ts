import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, formatAddress, parseCidr, type Cidr } from "./cidr";
import { natZoneFor, natZones, subnetLayout, zoneSubnets } from "./network";

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};

/** Any VPC range the component accepts: a /16 to /20 network address anywhere in IPv4. */
const vpcCidr = fc
  .integer({ min: 16, max: 20 })
  .chain((prefixLength) =>
    fc
      .integer({ min: 0, max: 2 ** prefixLength - 1 })
      .map((block) => `${formatAddress(block * 2 ** (32 - prefixLength))}/${prefixLength}`),
  );
/** AZ suffixes in any order, each once: 2 or 3 as the component accepts, up to 6 to exercise the layout itself. */
const zones = fc.uniqueArray(fc.constantFrom(..."abcdefgh".split("")), { minLength: 1, maxLength: 6 });

describe("subnet layout (property-based)", () => {
  it("puts every subnet inside the VPC, none overlapping another, each within AWS's /16-/28 subnet sizes", () => {
    fc.assert(
      fc.property(vpcCidr, zones, (vpcText, zoneList) => {
        const vpc = cidr(vpcText);
        const subnets = zoneSubnets(vpcText, zoneList).flatMap((zone) => [
          cidr(zone.privateCidr),
          cidr(zone.publicCidr),
        ]);
        expect(subnets).toHaveLength(zoneList.length * 2);
        for (const subnet of subnets) {
          expect(cidrContains(vpc, subnet)).toBe(true);
          expect(subnet.prefixLength).toBeGreaterThanOrEqual(16);
          expect(subnet.prefixLength).toBeLessThanOrEqual(28);
        }
        subnets.forEach((a, i) =>
          subnets.forEach((b, j) => i !== j && expect(cidrsOverlap(a, b), `${a.text} / ${b.text}`).toBe(false)),
        );
      }),
    );
  });

  it("keeps each zone's subnets in its own block: private the first half, public right after, the masks subnetLayout gives", () => {
    fc.assert(
      fc.property(vpcCidr, zones, (vpcText, zoneList) => {
        const layout = subnetLayout(vpcText, zoneList.length);
        const blockSize = 2 ** (32 - layout.availabilityZoneMask);
        zoneSubnets(vpcText, zoneList).forEach((zone, index) => {
          const block = cidr(
            `${formatAddress(cidr(vpcText).network + index * blockSize)}/${layout.availabilityZoneMask}`,
          );
          const [privateSubnet, publicSubnet] = [cidr(zone.privateCidr), cidr(zone.publicCidr)];
          expect(zone.zone).toBe(zoneList[index]);
          expect(privateSubnet).toMatchObject({ network: block.network, prefixLength: layout.privateMask });
          expect(publicSubnet).toMatchObject({
            network: block.network + 2 ** (32 - layout.privateMask),
            prefixLength: layout.publicMask,
          });
          expect(cidrContains(block, publicSubnet)).toBe(true);
          // Pods take VPC addresses: the private subnet is at least 8x the public one.
          expect(layout.publicMask - layout.privateMask).toBeGreaterThanOrEqual(3);
        });
      }),
    );
  });

  it("is deterministic, and a zone's subnets depend on its position only, never on the other zones' names", () => {
    fc.assert(
      fc.property(vpcCidr, zones, zones, (vpcText, first, second) => {
        expect(zoneSubnets(vpcText, first)).toEqual(zoneSubnets(vpcText, [...first]));
        if (first.length !== second.length) return;
        const ranges = (list: string[]) =>
          zoneSubnets(vpcText, list).map(({ privateCidr, publicCidr }) => [privateCidr, publicCidr]);
        expect(ranges(first)).toEqual(ranges(second));
      }),
    );
  });

  it("gives every private subnet a NAT gateway zone that has one: its own with onePerAz, the first with single", () => {
    fc.assert(
      fc.property(zones, fc.constantFrom("single" as const, "onePerAz" as const), (zoneList, strategy) => {
        const withNat = natZones(strategy, zoneList);
        expect(withNat).toHaveLength(strategy === "single" ? 1 : zoneList.length);
        for (const zone of zoneList) {
          const target = natZoneFor(zone, withNat);
          expect(withNat).toContain(target);
          if (strategy === "onePerAz") expect(target).toBe(zone);
        }
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { domainTags, platformTags, productTagValue, providerDefaultTags, tagKeys } from "./tags";

describe("tags", () => {
  it("gives the provider the stage, owner, cost centre and managed-by tags", () => {
    expect(providerDefaultTags({ stage: "prod", owner: "data-platform-team", costCentre: "CC-0100" })).toEqual({
      tags: {
        [tagKeys.stage]: "prod",
        [tagKeys.owner]: "data-platform-team",
        [tagKeys.costCentre]: "CC-0100",
        [tagKeys.managedBy]: "pulumi",
      },
    });
  });

  it("attributes domain resources to the domain's owner and cost centre", () => {
    expect(domainTags({ domain: "orders", owner: "orders-data", costCentre: "CC-1010" })).toEqual({
      [tagKeys.domain]: "orders",
      [tagKeys.owner]: "orders-data",
      [tagKeys.costCentre]: "CC-1010",
    });
  });

  it("replaces characters AWS rejects in tag values and caps their length", () => {
    const tags = platformTags({ stage: "dev", owner: "team <platform> #1", costCentre: "x".repeat(300) });
    expect(tags[tagKeys.owner]).toBe("team -platform- -1");
    expect(tags[tagKeys.costCentre]).toHaveLength(256);
  });

  it("names a data product's LF-Tag value after its domain and table, within Lake Formation's value rules", () => {
    expect(productTagValue("orders", "daily_orders")).toBe("orders.daily_orders");
    expect(() => productTagValue("orders", "bad#name")).toThrow(/not a valid LF-Tag value/);
    expect(() => productTagValue("orders", "x".repeat(250))).toThrow(/not a valid LF-Tag value/);
  });
});

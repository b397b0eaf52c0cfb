import { describe, expect, it } from "vitest";
import { Naming, nameRules, physicalName, shortHash } from "./names";

describe("physicalName", () => {
  it("joins semantic parts with the kind's separator and casing", () => {
    expect(physicalName("s3Bucket", "dp", "prod", "orders", "raw")).toBe("dp-prod-orders-raw");
    expect(physicalName("glueDatabase", "orders", "raw")).toBe("orders_raw");
    expect(physicalName("glueDatabase", "customer-care", "analytics")).toBe("customer_care_analytics");
    expect(physicalName("iamRole", "dp", "prod", "Orders", "spark")).toBe("dp-prod-Orders-spark");
  });

  it("is deterministic and stays inside every service's length limit", () => {
    for (const kind of Object.keys(nameRules) as (keyof typeof nameRules)[]) {
      const parts = [
        "dp",
        "prod",
        "a-very-long-domain-name",
        "with-a-purpose-that-goes-on",
        "and-on-and-on-until-it-is-too-long".repeat(12),
      ];
      const first = physicalName(kind, ...parts);
      expect(first).toBe(physicalName(kind, ...parts));
      expect(first.length).toBeLessThanOrEqual(nameRules[kind].maxLength);
      expect(first).toMatch(nameRules[kind].pattern);
    }
  });

  it("keeps long names distinct through a hash of the full name", () => {
    const long = "x".repeat(80);
    const a = physicalName("s3Bucket", "dp", "prod", long, "raw");
    const b = physicalName("s3Bucket", "dp", "prod", long, "analytics");
    expect(a).not.toBe(b);
    expect(a.length).toBe(63);
    expect(a.endsWith(shortHash(`dp-prod-${long}-raw`))).toBe(true);
  });

  it("fails when no usable part is left", () => {
    expect(() => physicalName("s3Bucket", "__", "")).toThrow(/no usable name parts/);
  });
});

describe("Naming", () => {
  const naming = new Naming("dp", "prod");

  it("prefixes every name with the prefix and stage", () => {
    expect(naming.name("s3Bucket", "artifacts")).toBe("dp-prod-artifacts");
    expect(naming.name("logGroup", "vpc", "flow-logs")).toBe("/dp/prod/vpc/flow-logs");
  });

  it("scopes domain names by the domain's name, never a position", () => {
    const orders = naming.forDomain("orders");
    expect(orders.name("s3Bucket", "raw")).toBe("dp-prod-orders-raw");
    expect(orders.name("mwaaEnvironment")).toBe("dp-prod-orders");
  });
});

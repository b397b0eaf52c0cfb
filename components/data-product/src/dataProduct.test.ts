import { evaluatePolicies } from "@data-platform/policy-pack";
import { setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { DataProduct, type DataProductArgs } from "./dataProduct";

const args: DataProductArgs = {
  domain: "orders",
  name: "orders",
  description: "One row per order.",
  databaseName: "orders_analytics",
  bucketName: "dp-prod-orders-analytics-123456789012",
  classification: "confidential",
  consumers: [
    { domain: "marketing", roles: { airflow: "arn:aws:iam::123456789012:role/dp-prod-marketing-airflow" } },
    {
      domain: "logistics",
      roles: {
        airflow: "arn:aws:iam::123456789012:role/dp-prod-logistics-airflow",
        spark: "arn:aws:iam::123456789012:role/dp-prod-logistics-spark-ec2",
      },
    },
  ],
};

describe("DataProduct", () => {
  it("registers the Delta table at its location, tags it and grants read to each named consumer role", async () => {
    const harness = await setMocks();
    new DataProduct("orders", args);
    await harness.settle();
    const table = harness.one("aws:glue/catalogTable:CatalogTable", "orders");
    expect(table.inputs).toMatchObject({
      databaseName: "orders_analytics",
      name: "orders",
      tableType: "EXTERNAL_TABLE",
      parameters: { "spark.sql.sources.provider": "delta", classification: "delta" },
      storageDescriptor: { location: "s3://dp-prod-orders-analytics-123456789012/orders/" },
    });
    expect(harness.one("aws:lakeformation/resourceLfTags:ResourceLfTags", "orders-lf-tags").inputs["lfTags"]).toEqual([
      { key: "classification", value: "confidential" },
      // What the platform's readers are granted on (an LF-Tag expression, not the table's name).
      { key: "product", value: "orders.orders" },
    ]);
    const grants = harness.byType("aws:lakeformation/permissions:Permissions");
    expect(grants.map((grant) => grant.name).sort()).toEqual([
      "orders-logistics-airflow",
      "orders-logistics-spark",
      "orders-marketing-airflow",
    ]);
    for (const grant of grants)
      expect(grant.inputs).toMatchObject({
        permissions: ["SELECT", "DESCRIBE"],
        permissionsWithGrantOptions: [],
        table: { databaseName: "orders_analytics", name: "orders" },
      });
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("adding a consumer changes no existing grant", async () => {
    let harness = await setMocks();
    new DataProduct("orders", { ...args, consumers: args.consumers!.slice(1) });
    await harness.settle();
    const before = harness.registrations;
    harness = await setMocks();
    new DataProduct("orders", args);
    await harness.settle();
    const after = new Map(harness.registrations.map((registration) => [registration.urn, registration]));
    for (const registration of before)
      expect(after.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
  });

  it.each([
    [{ name: "Orders" }, /not a lowercase Glue identifier/],
    [{ consumers: [{ domain: "orders", roles: { airflow: "arn:x" } }] }, /is the producing domain itself/],
    [{ consumers: [{ domain: "logistics", roles: {} }] }, /names no roles/],
  ])("fails on bad args %#", async (overrides, message) => {
    await setMocks();
    expect(() => new DataProduct("p", { ...args, ...overrides } as DataProductArgs)).toThrow(message);
  });
});

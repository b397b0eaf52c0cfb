import * as aws from "@pulumi/aws";
import { setMocks, type Harness } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { DataLakeArgs } from "./args";
import { DataLake } from "./dataLake";
import { inlinePolicyBudget, mergeStatements, policySize } from "./grantPolicy";
import type { PolicyStatement } from "./policies";

const account = "123456789012";

describe("mergeStatements", () => {
  const read = (resource: string): PolicyStatement => ({
    Effect: "Allow",
    Action: ["s3:GetObject", "s3:GetObjectVersion"],
    Resource: resource,
  });
  const list = (bucket: string, prefix: string): PolicyStatement => ({
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
    Resource: bucket,
    Condition: { StringLike: { "s3:prefix": [`${prefix}/*`, prefix] } },
  });
  const viaS3 = { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } };

  it("unions the resources of statements with the same actions and condition, and the actions of statements with the same resources", () => {
    const merged = mergeStatements([
      read("arn:aws:s3:::b/x/*"),
      read("arn:aws:s3:::a/y/*"),
      { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-1:1:key/k", Condition: viaS3 },
      {
        Effect: "Allow",
        Action: ["kms:DescribeKey", "kms:Decrypt"],
        Resource: "arn:aws:kms:eu-west-1:1:key/k",
        Condition: viaS3,
      },
      {
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "arn:aws:kms:eu-west-1:1:key/g",
        Condition: { StringEquals: { "kms:ViaService": "glue.eu-west-1.amazonaws.com" } },
      },
    ]);
    expect(merged).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: ["arn:aws:s3:::a/y/*", "arn:aws:s3:::b/x/*"],
    });
    expect(merged).toContainEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "arn:aws:kms:eu-west-1:1:key/k",
      Condition: viaS3,
    });
    // A different condition never merges: the Glue key stays usable through Glue only.
    expect(merged).toContainEqual({
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "arn:aws:kms:eu-west-1:1:key/g",
      Condition: { StringEquals: { "kms:ViaService": "glue.eu-west-1.amazonaws.com" } },
    });
    expect(merged).toHaveLength(3);
  });

  it("lists one bucket with the union of its granted prefixes, never another bucket's", () => {
    const merged = mergeStatements([
      list("arn:aws:s3:::a", "orders"),
      list("arn:aws:s3:::a", "payments"),
      list("arn:aws:s3:::b", "couriers"),
    ]);
    expect(merged).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: "arn:aws:s3:::a",
      Condition: { StringLike: { "s3:prefix": ["orders", "orders/*", "payments", "payments/*"] } },
    });
    expect(merged).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: "arn:aws:s3:::b",
      Condition: { StringLike: { "s3:prefix": ["couriers", "couriers/*"] } },
    });
    expect(merged).toHaveLength(2);
  });

  it("does not depend on the order of the grants", () => {
    const statements = [
      read("arn:aws:s3:::b/x/*"),
      list("arn:aws:s3:::a", "orders"),
      read("arn:aws:s3:::a/y/*"),
      list("arn:aws:s3:::a", "menu"),
    ];
    expect(mergeStatements([...statements].reverse())).toEqual(mergeStatements(statements));
  });

  it("fails on a statement without resources (a grant always names them)", () => {
    expect(() => mergeStatements([{ Effect: "Allow", Action: "s3:GetObject" }])).toThrow(/names its resources/);
  });
});

/** Every role's inline policies, by role resource name: IAM counts their sum against the 10,240 characters. */
function inlineSizes(harness: Harness): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const policy of harness.byType("aws:iam/rolePolicy:RolePolicy")) {
    const role = String(policy.inputs["role"]);
    sizes.set(role, (sizes.get(role) ?? 0) + policySize(JSON.parse(String(policy.inputs["policy"]))));
  }
  return sizes;
}

describe("grants at scale", () => {
  // Realistic names: 12-character domains with a product per zone, as the registry's domains have.
  const domainNames = Array.from({ length: 30 }, (_, index) => `domain-${String(index).padStart(2, "0")}-team`);
  const args: DataLakeArgs = {
    prefix: "dp",
    stage: "prod",
    administratorArns: [`arn:aws:iam::${account}:role/platform-deployer`],
    domains: domainNames.map((name) => ({
      name,
      zones: ["raw", "analytics"],
      dataProducts: [
        { name: "business_events", zone: "raw", classification: "internal" },
        { name: "curated_facts", zone: "analytics", classification: "confidential" },
      ],
    })),
    protect: true,
  };

  it("keeps every role's inline policies within IAM's 10,240 characters at 30 domains", async () => {
    const harness = await setMocks({ mode: "resolved", stack: "prod", accountId: account });
    const lake = new DataLake("lake", args);
    const role = (name: string, tags: Record<string, string> = {}) =>
      new aws.iam.Role(name, { name, assumeRolePolicy: "{}", tags });
    const everyProduct = () =>
      domainNames.map((name) => ({ domain: name, products: ["business_events", "curated_facts"] }));

    // The query engine reads every product itself (no credential vending); the notebooks through Lake Formation.
    const engine = {
      name: "query-mesh",
      role: role("query-engine", { "data-platform:lake-reader": "true" }),
      directRead: true,
    };
    const notebooks = { name: "notebooks", role: role("notebooks") };
    for (const scope of everyProduct()) {
      lake.grantRead(engine, scope);
      lake.grantRead(notebooks, scope);
    }
    lake.grantRead(engine, { zone: "analytics" });
    lake.grantRead(notebooks, { zone: "analytics" });
    // Each domain's Spark role: its own data, the central raw zone, its code and logs, and the products of the next ten
    // domains, read directly (EMR has no credential vending). A role reading directly fits about 60 products.
    domainNames.forEach((name, index) => {
      const spark = {
        name: `${name}-spark`,
        role: role(`${name}-spark`, { "data-platform:domain": name, "data-platform:lake-reader": "true" }),
        domain: name,
        directRead: true,
      };
      lake.grantWrite(spark, { domain: name });
      lake.grantRead(spark, { zone: "raw" });
      lake.grantRead(spark, { zone: "artifacts", prefix: `code/${name}` });
      lake.grantWrite(spark, { zone: "artifacts", prefix: `logs/emr/${name}` });
      for (const offset of Array.from({ length: 10 }, (_, step) => step + 1)) {
        lake.grantRead(spark, {
          domain: domainNames[(index + offset) % domainNames.length]!,
          products: ["business_events", "curated_facts"],
        });
      }
    });
    await harness.settle();

    const sizes = inlineSizes(harness);
    expect(sizes.size).toBe(2 + domainNames.length + 1); // the engine, the notebooks, 30 Spark roles, the registration role
    const over = [...sizes].filter(([, size]) => size > inlinePolicyBudget);
    expect(over, JSON.stringify(Object.fromEntries(sizes))).toEqual([]);
    // One policy per grantee, however many grants it has.
    expect(
      harness.byType("aws:iam/rolePolicy:RolePolicy").filter((policy) => policy.name.startsWith("lake-query-mesh")),
    ).toHaveLength(1);
    // 30 domains under the mocks take about 20 s on an idle machine.
  }, 240_000);
});

describe("GranteePolicies", () => {
  const args: DataLakeArgs = {
    prefix: "dp",
    stage: "dev",
    administratorArns: [`arn:aws:iam::${account}:role/platform-deployer`],
    domains: [
      {
        name: "orders",
        zones: ["analytics"],
        dataProducts: [{ name: "orders", zone: "analytics", classification: "internal" }],
      },
    ],
  };

  it("fails when a grantee name is reused for another role", async () => {
    await setMocks({ mode: "resolved", stack: "dev", accountId: account });
    const lake = new DataLake("lake", args);
    lake.grantRead(
      { name: "reader", role: new aws.iam.Role("first", { assumeRolePolicy: "{}" }) },
      { zone: "analytics" },
    );
    expect(() =>
      lake.grantRead({ name: "reader", role: new aws.iam.Role("second", { assumeRolePolicy: "{}" }) }, { zone: "raw" }),
    ).toThrow(/already used by another role/);
  });

  it("fails on a grant made after the role's policy was assembled, instead of silently dropping it", async () => {
    const harness = await setMocks({ mode: "resolved", stack: "dev", accountId: account });
    const lake = new DataLake("lake", args);
    const grantee = { name: "reader", role: new aws.iam.Role("reader", { assumeRolePolicy: "{}" }) };
    lake.grantRead(grantee, { zone: "analytics" });
    await harness.settle();
    expect(() => lake.grantRead(grantee, { zone: "raw" })).toThrow(/after its policy was assembled/);
  });
});

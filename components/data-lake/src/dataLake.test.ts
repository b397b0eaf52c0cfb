import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { setMocks, type Harness, type Registration } from "@data-platform/testing";
import { describe, expect, it, vi } from "vitest";
import type { DataLakeArgs } from "./args";
import { DataLake, iamAllowedPrincipalsDefaultsWarning } from "./dataLake";
import type { PolicyDocument, PolicyStatement } from "./policies";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;

function lakeArgs(overrides: Partial<DataLakeArgs> = {}): DataLakeArgs {
  return {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    registeredDomainNames: ["logistics", "orders", "payments"],
    registeredDataProducts: [
      { domain: "logistics", name: "courier_locations" },
      { domain: "orders", name: "order_events" },
      { domain: "orders", name: "orders" },
    ],
    domains: [
      {
        name: "orders",
        zones: ["raw", "analytics"],
        dataProducts: [
          { name: "orders", zone: "analytics", classification: "confidential" },
          { name: "order_events", zone: "raw", classification: "internal" },
        ],
        tags: { "data-platform:owner": "orders-data" },
      },
      {
        name: "logistics",
        zones: ["raw"],
        dataProducts: [{ name: "courier_locations", zone: "raw", classification: "restricted" }],
      },
    ],
    protect: true,
    ...overrides,
  };
}

async function build(
  args: DataLakeArgs = lakeArgs(),
  mode: "resolved" | "preview" = "resolved",
): Promise<{ harness: Harness; lake: DataLake }> {
  const harness = await setMocks({ mode, stack: args.stage, accountId: account });
  const lake = new DataLake("lake", args);
  await harness.settle();
  return { harness, lake };
}

const parse = (registration: Registration, key = "policy") =>
  JSON.parse(registration.inputs[key] as string) as PolicyDocument;

function controlsOf(harness: Harness, type: string, bucketName: string): Registration[] {
  return harness.byType(type).filter((registration) => registration.inputs["bucket"] === bucketName);
}

describe("DataLake buckets", () => {
  it("gives every bucket encryption, a public access block, ACLs off, TLS only, versioning, access logs and lifecycle", async () => {
    const { harness, lake } = await build();
    const buckets = harness.byType("aws:s3/bucket:Bucket");
    // access logs, artifacts, landing, raw, analytics + orders raw/analytics + logistics raw
    expect(buckets.map((bucket) => bucket.name).sort()).toEqual(
      [
        "lake-access-logs",
        "lake-analytics",
        "lake-artifacts",
        "lake-landing",
        "lake-logistics-raw",
        "lake-orders-analytics",
        "lake-orders-raw",
        "lake-raw",
      ].sort(),
    );
    const logBucketName = harness.one("aws:s3/bucket:Bucket", "lake-access-logs").inputs["bucket"];
    const keyArns = new Set(
      harness.byType("aws:kms/key:Key").map((key) => `arn:aws:kms:eu-west-1:${account}:key/${key.id}`),
    );
    for (const bucket of buckets) {
      const name = bucket.inputs["bucket"] as string;
      expect(name.length, name).toBeLessThanOrEqual(63);
      expect(name).toMatch(new RegExp(`^dp-prod-.*-${account}$`));
      expect(bucket.inputs["forceDestroy"]).toBe(false);

      const [block] = controlsOf(harness, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name);
      expect(block?.inputs, name).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const [ownership] = controlsOf(harness, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", name);
      expect(ownership?.inputs["rule"]).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      const [versioning] = controlsOf(harness, "aws:s3/bucketVersioning:BucketVersioning", name);
      expect(versioning?.inputs["versioningConfiguration"]).toEqual({ status: "Enabled" });

      const [policy] = controlsOf(harness, "aws:s3/bucketPolicy:BucketPolicy", name);
      const tls = parse(policy!).Statement.find((statement) => statement.Sid === "DenyInsecureTransport");
      expect(tls).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": false } },
      });
      expect(
        parse(policy!).Statement.filter((statement) => statement.Effect === "Allow" && statement.Principal === "*"),
      ).toEqual([]);

      const [encryption] = controlsOf(
        harness,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name,
      );
      const rule = (
        encryption!.inputs["rules"] as {
          applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId?: string };
          bucketKeyEnabled?: boolean;
        }[]
      )[0]!;
      if (name === logBucketName) {
        // S3 delivers server access logs only to SSE-S3 buckets.
        expect(rule.applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "AES256" });
      } else {
        expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
        expect(keyArns.has(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId!)).toBe(true);
        expect(rule.bucketKeyEnabled).toBe(true);
        const [logging] = controlsOf(harness, "aws:s3/bucketLogging:BucketLogging", name);
        expect(logging?.inputs["targetBucket"]).toBe(logBucketName);
      }

      const [lifecycle] = controlsOf(harness, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name);
      const rules = lifecycle!.inputs["rules"] as {
        id: string;
        noncurrentVersionExpiration?: { noncurrentDays: number };
        abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
      }[];
      expect(rules.find((candidate) => candidate.id === "housekeeping")).toMatchObject({
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      });
    }
    // Landing data expires; curated data is tiered.
    const lifecycleOf = (bucket: string) =>
      controlsOf(
        harness,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        harness.one("aws:s3/bucket:Bucket", bucket).inputs["bucket"] as string,
      )[0]!.inputs["rules"];
    expect(lifecycleOf("lake-landing")).toContainEqual(
      expect.objectContaining({ id: "expire-landed-files", expiration: { days: 14 } }),
    );
    expect(lifecycleOf("lake-orders-raw")).toContainEqual(
      expect.objectContaining({ transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] }),
    );
    expect(lake.domainNames()).toEqual(["logistics", "orders"]);
  });

  it("isolates a domain's bucket: writes to the domain's roles, reads also to tagged lake readers, plus the registration role", async () => {
    const { harness } = await build();
    const name = harness.one("aws:s3/bucket:Bucket", "lake-orders-raw").inputs["bucket"] as string;
    const statements = parse(controlsOf(harness, "aws:s3/bucketPolicy:BucketPolicy", name)[0]!).Statement;
    const registrationRole = harness.one("aws:iam/role:Role", "lake-lf-registration");
    const trusted = { "aws:PrincipalArn": [`arn:aws:iam::${account}:role/${registrationRole.inputs["name"]}`] };
    const writes = statements.find((candidate) => candidate.Sid === "DenyObjectWritesOutsideDomain");
    expect(writes?.Action).toEqual(["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]);
    expect(writes?.Condition).toEqual({
      StringNotEquals: { "aws:PrincipalTag/data-platform:domain": "orders" },
      ArnNotEquals: trusted,
    });
    const reads = statements.find((candidate) => candidate.Sid === "DenyObjectReadsOutsideDomainAndReaders");
    expect(reads?.Action).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(reads?.Condition).toEqual({
      StringNotEquals: {
        "aws:PrincipalTag/data-platform:domain": "orders",
        "aws:PrincipalTag/data-platform:lake-reader": "true",
      },
      ArnNotEquals: trusted,
    });
  });
});

describe("DataLake keys and catalog", () => {
  it("rotates every key, keeps a 30-day deletion window and admits only administrators, lake roles and the domain", async () => {
    const { harness } = await build();
    const keys = harness.byType("aws:kms/key:Key");
    expect(keys.map((key) => key.name).sort()).toEqual(["lake-key", "lake-logistics-key", "lake-orders-key"]);
    for (const key of keys) {
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      const statements = parse(key).Statement;
      // The named administrators, and the account root: IAM policies may grant key administration (KMS's default
      // key policy), so a second deploy role can manage the key and deleting the first one strands nothing.
      expect(statements.find((statement) => statement.Sid === "KeyAdministration")?.Principal).toEqual({
        AWS: [`arn:aws:iam::${account}:root`, deployer],
      });
      expect(statements.find((statement) => statement.Sid === "KeyAdministration")?.Action).not.toContain(
        "kms:Decrypt",
      );
      expect(statements.every((statement) => statement.Principal !== "*")).toBe(true);
    }
    const orders = parse(harness.one("aws:kms/key:Key", "lake-orders-key")).Statement.find(
      (statement) => statement.Sid === "KeyUseByDomainRolesThroughServices",
    );
    expect(orders?.Condition).toEqual({
      StringEquals: {
        "kms:ViaService": [
          "s3.eu-west-1.amazonaws.com",
          "sqs.eu-west-1.amazonaws.com",
          "secretsmanager.eu-west-1.amazonaws.com",
        ],
        "kms:CallerAccount": account,
        "aws:PrincipalTag/data-platform:domain": "orders",
      },
    });
    // The deploying role (an administrator) can write objects into the domain's buckets (the DAG bucket's README),
    // encrypting through S3 only, and can never decrypt.
    const encrypt = parse(harness.one("aws:kms/key:Key", "lake-orders-key")).Statement.find(
      (statement) => statement.Sid === "KeyEncryptByAdministratorsThroughS3",
    );
    expect(encrypt).toMatchObject({
      Principal: { AWS: [deployer] },
      Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey"],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": account } },
    });
    expect(parse(harness.one("aws:kms/key:Key", "lake-key")).Statement.map((statement) => statement.Sid)).not.toContain(
      "KeyEncryptByAdministratorsThroughS3",
    );
    expect(harness.one("aws:kms/alias:Alias", "lake-orders-key-alias").inputs["name"]).toBe(
      "alias/dp-prod-orders-lake",
    );
  });

  it("encrypts the Glue catalog and connection passwords with the platform key", async () => {
    const { harness } = await build();
    const platformKey = harness.one("aws:kms/key:Key", "lake-key");
    expect(
      harness.one("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "lake-catalog-encryption")
        .inputs["dataCatalogEncryptionSettings"],
    ).toEqual({
      encryptionAtRest: {
        catalogEncryptionMode: "SSE-KMS",
        sseAwsKmsKeyId: `arn:aws:kms:eu-west-1:${account}:key/${platformKey.id}`,
      },
      connectionPasswordEncryption: {
        returnConnectionPasswordEncrypted: true,
        awsKmsKeyId: `arn:aws:kms:eu-west-1:${account}:key/${platformKey.id}`,
      },
    });
  });

  it("creates one Glue database per domain and zone, located in its bucket and tagged for Lake Formation", async () => {
    const { harness } = await build();
    const databases = harness.byType("aws:glue/catalogDatabase:CatalogDatabase");
    expect(databases.map((database) => database.inputs["name"]).sort()).toEqual([
      "central_analytics",
      "central_raw",
      "logistics_raw",
      "orders_analytics",
      "orders_raw",
    ]);
    const ordersAnalytics = harness.one("aws:glue/catalogDatabase:CatalogDatabase", "lake-orders-analytics-db");
    const bucket = harness.one("aws:s3/bucket:Bucket", "lake-orders-analytics").inputs["bucket"];
    expect(ordersAnalytics.inputs["locationUri"]).toBe(`s3://${bucket}/`);
    expect(
      harness.one("aws:lakeformation/resourceLfTags:ResourceLfTags", "lake-orders-analytics-db-lf-tags").inputs[
        "lfTags"
      ],
    ).toEqual([
      { key: "domain", value: "orders" },
      { key: "zone", value: "analytics" },
      { key: "classification", value: "confidential" },
    ]);
    expect(harness.one("aws:lakeformation/lfTag:LfTag", "lake-tag-domain").inputs["values"]).toEqual([
      "central",
      "logistics",
      "orders",
      "payments",
    ]);
  });
});

describe("DataLake Lake Formation", () => {
  it("removes the IAMAllowedPrincipals defaults and makes the administrators Lake Formation admins", async () => {
    const { harness } = await build();
    expect(harness.one("aws:lakeformation/dataLakeSettings:DataLakeSettings", "lake-settings").inputs).toMatchObject({
      admins: [deployer],
      readOnlyAdmins: [],
      trustedResourceOwners: [],
      parameters: {},
      createDatabaseDefaultPermissions: [],
      createTableDefaultPermissions: [],
    });
  });

  it("carries the read-only admins, trusted owners and parameters: the settings object is replaced whole", async () => {
    const auditor = `arn:aws:iam::${account}:role/lake-auditor`;
    const { harness } = await build(
      lakeArgs({
        lakeFormation: {
          readOnlyAdminArns: [auditor],
          trustedResourceOwners: ["210987654321"],
          parameters: { CROSS_ACCOUNT_VERSION: "4", SET_CONTEXT: "TRUE" },
        },
      }),
    );
    expect(harness.one("aws:lakeformation/dataLakeSettings:DataLakeSettings", "lake-settings").inputs).toMatchObject({
      readOnlyAdmins: [auditor],
      trustedResourceOwners: ["210987654321"],
      parameters: { CROSS_ACCOUNT_VERSION: "4", SET_CONTEXT: "TRUE" },
    });
    await setMocks();
    expect(() => new DataLake("lake", lakeArgs({ lakeFormation: { trustedResourceOwners: ["2109"] } }))).toThrow(
      /"2109" is not a 12-digit account ID/,
    );
  });

  it("warns when the account still gives IAMAllowedPrincipals default permissions, which the provider cannot clear on update", async () => {
    const iamOnly = [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }];
    expect(
      iamAllowedPrincipalsDefaultsWarning({ createDatabaseDefaultPermissions: [], createTableDefaultPermissions: [] }),
    ).toBeUndefined();
    expect(
      iamAllowedPrincipalsDefaultsWarning({
        createDatabaseDefaultPermissions: iamOnly,
        createTableDefaultPermissions: [],
      }),
    ).toMatch(/IAM_ALLOWED_PRINCIPALS default permissions \(createDatabaseDefaultPermissions\)/);
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    try {
      const harness = await setMocks({
        accountId: account,
        invokes: {
          "aws:lakeformation/getDataLakeSettings:getDataLakeSettings": () => ({
            id: account,
            admins: [],
            createDatabaseDefaultPermissions: iamOnly,
            createTableDefaultPermissions: iamOnly,
          }),
        },
      });
      new DataLake("lake", lakeArgs());
      await harness.settle();
      expect(warn.mock.calls.map(([message]) => message)).toContainEqual(
        expect.stringMatching(
          /createDatabaseDefaultPermissions, createTableDefaultPermissions.*get-data-lake-settings/,
        ),
      );
      warn.mockClear();
      await build();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("registers every curated location with the user-defined registration role", async () => {
    const { harness } = await build();
    const role = harness.one("aws:iam/role:Role", "lake-lf-registration");
    const roleArn = `arn:aws:iam::${account}:role/${role.inputs["name"]}`;
    const locations = harness.byType("aws:lakeformation/resource:Resource");
    expect(locations.map((location) => location.name).sort()).toEqual([
      "lake-analytics-location",
      "lake-logistics-raw-location",
      "lake-orders-analytics-location",
      "lake-orders-raw-location",
      "lake-raw-location",
    ]);
    for (const location of locations)
      expect(location.inputs).toMatchObject({ roleArn, useServiceLinkedRole: false, hybridAccessEnabled: false });
    expect(JSON.parse(role.inputs["assumeRolePolicy"] as string).Statement[0].Principal).toEqual({
      Service: "lakeformation.amazonaws.com",
    });
  });
});

describe("DataLake protection", () => {
  it("protects and retains buckets, keys and databases when asked (prod)", async () => {
    const { harness } = await build();
    for (const type of ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:glue/catalogDatabase:CatalogDatabase"]) {
      for (const registration of harness.byType(type))
        expect(registration.options, registration.urn).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("leaves a disposable stage deletable", async () => {
    const { harness } = await build(lakeArgs({ stage: "dev", protect: false }));
    for (const registration of harness.byType("aws:s3/bucket:Bucket"))
      expect(registration.options).toMatchObject({ protect: false, retainOnDelete: false });
  });
});

describe("DataLake stability", () => {
  it("registers the same resources in preview and resolved mode (nothing created inside apply)", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build(lakeArgs(), "preview")).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
  });

  it("enabling another domain changes no existing resource", async () => {
    const base = lakeArgs();
    const before = (await build({ ...base, domains: base.domains.filter((domain) => domain.name === "orders") }))
      .harness.registrations;
    const after = new Map(
      (await build(base)).harness.registrations.map((registration) => [registration.urn, registration]),
    );
    // The registration role's one storage policy lists every location: it gains the new domain's in place.
    const shared = /::lake-lf-registration-storage$/;
    for (const registration of before) {
      expect(after.has(registration.urn), registration.urn).toBe(true);
      if (shared.test(registration.urn)) continue;
      expect(after.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
    }
    expect(after.size).toBeGreaterThan(before.length);
  });

  it("gives the registration role one storage policy that stays within IAM's inline budget at 40 domains", async () => {
    const names = Array.from({ length: 40 }, (_, index) => `domain-${String(index + 1).padStart(3, "0")}`);
    const { harness } = await build(
      lakeArgs({
        registeredDomainNames: names,
        domains: names.map((domain) => ({ name: domain, zones: ["raw", "analytics"] })),
      }),
    );
    const role = harness.one("aws:iam/role:Role", "lake-lf-registration");
    const policies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => policy.inputs["role"] === role.inputs["name"]);
    expect(policies.map((policy) => policy.name)).toEqual(["lake-lf-registration-storage"]);
    const text = policies[0]!.inputs["policy"] as string;
    expect(text.length).toBeLessThan(10_240);
    const statements = (
      JSON.parse(text) as { Statement: { Action: string[]; Resource: string[]; Condition?: unknown }[] }
    ).Statement;
    // 80 domain buckets and the two central ones, each listed once; keys only through S3.
    expect(statements[0]!.Resource).toHaveLength(82);
    expect(statements[1]!.Resource.every((resource) => resource.endsWith("/*"))).toBe(true);
    expect(statements[2]!.Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
    expect(statements[2]!.Resource).toBe(`arn:aws:kms:eu-west-1:${account}:key/*`);
  });
});

describe("DataLake validation", () => {
  it.each([
    [{ administratorArns: [] }, /administratorArns must name at least one role/],
    [
      {
        domains: [
          { name: "orders", zones: ["raw" as const] },
          { name: "orders", zones: ["raw" as const] },
        ],
      },
      /domain "orders" is listed twice/,
    ],
    [{ domains: [{ name: "Orders", zones: ["raw" as const] }] }, /domain "Orders": names are lowercase/],
    [{ domains: [{ name: "central", zones: ["raw" as const] }], registeredDomainNames: ["central"] }, /reserved/],
    [{ registeredDomainNames: ["orders"] }, /domain "logistics" is not in registeredDomainNames/],
    [{ landingExpirationDays: 0 }, /landingExpirationDays must be a whole number of days above 0/],
  ])("fails on bad args %#", async (overrides, message) => {
    await setMocks();
    expect(() => new DataLake("lake", lakeArgs(overrides as Partial<DataLakeArgs>))).toThrow(message);
  });

  it("fails when asked for a domain it does not have, naming the ones it has", async () => {
    const { lake } = await build();
    expect(() => lake.domain("payments")).toThrow(
      'DataLake "lake" has no domain "payments"; domains: logistics, orders',
    );
  });
});

describe("DataLake grants", () => {
  function role(name: string, domain?: string) {
    return new aws.iam.Role(name, { assumeRolePolicy: "{}", tags: domain ? { "data-platform:domain": domain } : {} });
  }

  const statementsOf = (harness: Harness, name: string): PolicyStatement[] =>
    parse(harness.one("aws:iam/rolePolicy:RolePolicy", name)).Statement;
  const resourcesOf = (statements: PolicyStatement[]) =>
    statements.flatMap((statement) => [statement.Resource ?? []].flat());

  it("lets a domain's role write only its own buckets, key and databases, with Lake Formation permissions", async () => {
    const { harness, lake } = await build();
    lake.grantWrite(
      { name: "orders-spark", role: role("orders-spark", "orders"), domain: "orders" },
      { domain: "orders" },
    );
    await harness.settle();
    const statements = statementsOf(harness, "lake-orders-spark-grants");
    const buckets = ["lake-orders-raw", "lake-orders-analytics"].map(
      (name) => harness.one("aws:s3/bucket:Bucket", name).inputs["bucket"] as string,
    );
    const ordersKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-orders-key").id}`;
    const platformKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-key").id}`;
    const allowed = new Set([
      ...buckets.flatMap((bucket) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
      ordersKey,
      platformKey,
      `arn:aws:glue:eu-west-1:${account}:catalog`,
      ...["orders_raw", "orders_analytics"].flatMap((database) => [
        `arn:aws:glue:eu-west-1:${account}:database/${database}`,
        `arn:aws:glue:eu-west-1:${account}:table/${database}/*`,
      ]),
    ]);
    for (const resource of resourcesOf(statements)) {
      if (resource === "*") continue;
      expect(allowed.has(resource), resource).toBe(true);
    }
    // The only "*" resource is Lake Formation's GetDataAccess, which has no resource-level scope.
    expect(
      statements.filter((statement) => [statement.Resource].flat().includes("*")).map((statement) => statement.Action),
    ).toEqual(["lakeformation:GetDataAccess"]);
    expect(
      statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.includes("*")),
    ).toEqual([]);
    expect(statements.find((statement) => [statement.Resource].flat().includes(ordersKey))?.Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
    });

    const permissions = harness.byType("aws:lakeformation/permissions:Permissions");
    expect(permissions.map((permission) => permission.name).sort()).toEqual(
      [
        "analytics-database",
        "analytics-location",
        "analytics-tables",
        "raw-database",
        "raw-location",
        "raw-tables",
      ].map((suffix) => `lake-orders-spark-write-orders-${suffix}`),
    );
    for (const permission of permissions) {
      expect(permission.inputs["permissions"]).not.toContain("ALL");
      expect(permission.inputs["permissionsWithGrantOptions"]).toEqual([]);
    }
  });

  it("lets an engine without credential vending read exactly the granted products' objects, decrypting through S3", async () => {
    const { harness, lake } = await build();
    lake.grantRead(
      { name: "trino", role: role("trino"), directRead: true },
      { domain: "orders", products: ["orders"] },
    );
    await harness.settle();
    const statements = statementsOf(harness, "lake-trino-grants");
    const bucket = harness.one("aws:s3/bucket:Bucket", "lake-orders-analytics").inputs["bucket"] as string;
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `arn:aws:s3:::${bucket}/orders/*`,
    });
    // Decrypting through S3 only, with any of the account's keys: only the objects above can be fetched.
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: `arn:aws:kms:eu-west-1:${account}:key/*`,
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": account } },
    });
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { "s3:prefix": ["orders", "orders/*"] } },
    });
    expect(
      statements.flatMap((statement) => [statement.Action].flat()).filter((action) => /^s3:(Put|Delete)/.test(action)),
    ).toEqual([]);
    const keyPolicy = parse(harness.one("aws:kms/key:Key", "lake-orders-key")).Statement.find(
      (statement) => statement.Sid === "KeyDecryptByLakeReadersThroughS3",
    );
    expect(keyPolicy?.Action).toEqual(["kms:Decrypt", "kms:DescribeKey"]);
  });

  it("lets another domain read named data products through Lake Formation only", async () => {
    const { harness, lake } = await build();
    lake.grantRead(
      { name: "logistics-spark", role: role("logistics-spark", "logistics"), domain: "logistics" },
      { domain: "orders", products: ["orders"] },
    );
    await harness.settle();
    const statements = statementsOf(harness, "lake-logistics-spark-grants");
    expect(resourcesOf(statements).filter((resource) => resource.startsWith("arn:aws:s3"))).toEqual([]);
    // Glue reads are read-only and account-wide; Lake Formation (no IAMAllowedPrincipals defaults) decides what is visible.
    const glue = statements.find((statement) => [statement.Action].flat().includes("glue:GetTable"));
    expect(glue?.Resource).toEqual([
      `arn:aws:glue:eu-west-1:${account}:catalog`,
      `arn:aws:glue:eu-west-1:${account}:database/*`,
      `arn:aws:glue:eu-west-1:${account}:table/*/*`,
    ]);
    expect([glue?.Action].flat().every((action) => /^glue:(Get|BatchGet)/.test(action!))).toBe(true);
    expect(statements).toContainEqual({ Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" });
    const grant = harness.one(
      "aws:lakeformation/permissions:Permissions",
      "lake-logistics-spark-read-orders-analytics-orders",
    );
    // The table is created later by the producing domain: the grant matches its LF-Tags instead of naming it.
    expect(grant.inputs["table"]).toBeUndefined();
    expect(grant.inputs).toMatchObject({
      permissions: ["SELECT", "DESCRIBE"],
      permissionsWithGrantOptions: [],
      lfTagPolicy: {
        resourceType: "TABLE",
        expressions: [
          { key: "domain", values: ["orders"] },
          { key: "product", values: ["orders.orders"] },
        ],
      },
    });
    // Every key and value of the expression is one the lake defines.
    const tags = new Map(
      harness
        .byType("aws:lakeformation/lfTag:LfTag")
        .map((tag) => [tag.inputs["key"] as string, tag.inputs["values"] as string[]]),
    );
    for (const expression of (grant.inputs["lfTagPolicy"] as { expressions: { key: string; values: string[] }[] })
      .expressions) {
      for (const value of expression.values)
        expect(tags.get(expression.key), `${expression.key}=${value}`).toContain(value);
    }
    expect(
      harness.one("aws:lakeformation/permissions:Permissions", "lake-logistics-spark-read-orders-analytics-database")
        .inputs,
    ).toMatchObject({ permissions: ["DESCRIBE"], database: { name: "orders_analytics" } });
  });

  it("defines the product LF-Tag from every registered product, enabled or not, and refuses more than Lake Formation allows", async () => {
    const { harness } = await build(
      lakeArgs({
        registeredDataProducts: [
          { domain: "orders", name: "orders" },
          { domain: "orders", name: "order_events" },
          { domain: "logistics", name: "courier_locations" },
          { domain: "payments", name: "refunds" },
        ],
      }),
    );
    expect(harness.one("aws:lakeformation/lfTag:LfTag", "lake-tag-product").inputs["values"]).toEqual([
      "logistics.courier_locations",
      "orders.order_events",
      "orders.orders",
      "payments.refunds",
    ]);
    await setMocks();
    expect(
      () => new DataLake("lake", lakeArgs({ registeredDataProducts: [{ domain: "orders", name: "orders" }] })),
    ).toThrow(/data product "order_events" is not in registeredDataProducts/);
    const many = Array.from({ length: 1001 }, (_, index) => ({ domain: "orders", name: `p${index}` }));
    expect(() => new DataLake("lake", lakeArgs({ registeredDataProducts: many }))).toThrow(/at most 1000 values/);
  });

  it("defines no product LF-Tag when no domain publishes a product", async () => {
    const { harness } = await build(
      lakeArgs({ domains: [{ name: "orders", zones: ["raw"] }], registeredDataProducts: [] }),
    );
    expect(
      harness
        .byType("aws:lakeformation/lfTag:LfTag")
        .map((tag) => tag.inputs["key"])
        .sort(),
    ).toEqual(["classification", "domain", "zone"]);
  });

  it("fails when another domain asks to write, or to read without naming data products", async () => {
    const { lake } = await build();
    const grantee = { name: "logistics-spark", role: role("logistics-spark-2", "logistics"), domain: "logistics" };
    expect(() => lake.grantWrite(grantee, { domain: "orders" })).toThrow(
      /only the "orders" domain's own roles may write/,
    );
    expect(() => lake.grantRead(grantee, { domain: "orders" })).toThrow(/reads named data products only/);
    expect(() => lake.grantRead(grantee, { domain: "orders", products: ["menu"] })).toThrow(
      /publishes no data product "menu"/,
    );
  });

  it("lets a role read one prefix of the artifacts bucket", async () => {
    const { harness, lake } = await build();
    lake.grantRead(
      { name: "orders-spark", role: role("orders-spark-code", "orders"), domain: "orders" },
      { zone: "artifacts", prefix: "code/orders" },
    );
    await harness.settle();
    const artifacts = harness.one("aws:s3/bucket:Bucket", "lake-artifacts").inputs["bucket"] as string;
    const statements = statementsOf(harness, "lake-orders-spark-grants");
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `arn:aws:s3:::${artifacts}/code/orders/*`,
    });
    expect(statements.some((statement) => [statement.Action].flat().some((action) => action.startsWith("glue:")))).toBe(
      false,
    );
    expect(harness.byType("aws:lakeformation/permissions:Permissions")).toEqual([]);
  });

  it("lets a platform role write a prefix of the landing zone", async () => {
    const { harness, lake } = await build();
    lake.grantWrite({ name: "rivers", role: role("rivers") }, { zone: "landing", prefix: "events/" });
    await harness.settle();
    const landing = harness.one("aws:s3/bucket:Bucket", "lake-landing").inputs["bucket"] as string;
    const statements = statementsOf(harness, "lake-rivers-grants");
    expect(statements).toContainEqual(
      expect.objectContaining({
        Resource: `arn:aws:s3:::${landing}`,
        Condition: { StringLike: { "s3:prefix": ["events", "events/*"] } },
      }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Resource: `arn:aws:s3:::${landing}/events/*` }));
  });
});

import type { DataLake } from "@data-platform/data-lake";
import { describe, expect, it } from "vitest";
import { gravitonInstanceType, validateLuigiArgs, type LegacyLuigiSchedulerArgs } from "./luigi/args";
import { luigiSystemdUnit, luigiUserData } from "./luigi/userData";
import { cidrKey, cidrProblem, sourceProblems } from "./shared/network";
import { serviceKeyPolicy, serviceTrust } from "./shared/policies";
import {
  isValidBaseCapacity,
  resolveSpectrumDomains,
  validateWarehouseArgs,
  type WarehouseArgs,
} from "./warehouse/args";
import {
  createUserSql,
  externalSchemaSql,
  grantUsageSql,
  ownedSchemaSql,
  passwordProblem,
  quoteIdentifier,
} from "./warehouse/sql";

/** A lake stand-in with only what validation reads (no mocks needed). */
function fakeLake(domains: Record<string, { zones: ("raw" | "analytics")[]; analytics?: string[] }>): DataLake {
  return {
    domainNames: () => Object.keys(domains).sort(),
    domain: (name: string) => ({
      name,
      zones: domains[name]!.zones,
      products: { analytics: domains[name]!.analytics },
    }),
  } as unknown as DataLake;
}

const lake = fakeLake({
  orders: { zones: ["raw", "analytics"], analytics: ["orders", "order_items"] },
  logistics: { zones: ["raw"] },
  payments: { zones: ["analytics"], analytics: [] },
});

function warehouseArgs(overrides: Partial<WarehouseArgs> = {}): WarehouseArgs {
  return {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    allowedSources: [{ name: "looker", cidr: "10.40.0.0/24" }],
    administratorArns: ["arn:aws:iam::123456789012:role/platform-deployer"],
    ...overrides,
  };
}

describe("network sources", () => {
  it.each([
    ["10.40.0.0/16", undefined],
    ["10.40.1.7/32", undefined],
    ["0.0.0.0/0", /admits the internet/],
    ["10.0.0.0/4", /admits the internet/],
    ["10.40.0.0", /not an IPv4 CIDR/],
    ["::/0", /not an IPv4 CIDR/],
    ["300.1.1.1/32", /not an IPv4 CIDR/],
  ])("judges %s", (cidr, problem) => {
    const found = cidrProblem(cidr);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it("names every problem of a source list, keyed by name", () => {
    const problems = sourceProblems([
      { name: "looker", cidr: "0.0.0.0/0" },
      { name: "looker", cidr: "10.1.0.0/16" },
      { name: "Query Mesh", securityGroupId: "sg-1" },
      { name: "both", cidr: "10.2.0.0/16", securityGroupId: "sg-2" },
      { name: "neither" },
    ]);
    expect(problems).toEqual([
      'allowedSources "looker": "0.0.0.0/0" admits the internet (prefix /0); name the query mesh, Looker or VPC ranges instead',
      'allowedSources "looker" is listed twice',
      'allowedSources "Query Mesh": names are lowercase letters and digits with single hyphens',
      'allowedSources "both": give exactly one of cidr and securityGroupId',
      'allowedSources "neither": give exactly one of cidr and securityGroupId',
    ]);
    expect(cidrKey("10.40.0.0/16")).toBe("10-40-0-0-16");
  });
});

describe("policies", () => {
  it("lets the account use a component key only through the named services, and administrators only manage it", () => {
    const policy = serviceKeyPolicy({
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      administratorArns: ["arn:aws:iam::123456789012:role/admin"],
      services: ["redshift-serverless", "secretsmanager"],
      logGroupPrefix: "/aws/redshift/x/",
    });
    const [administration, grants, use, logs] = policy.Statement;
    expect(administration!.Action).not.toContain("kms:Decrypt");
    expect(grants).toMatchObject({ Sid: "KeyAdministrationGrantsForAwsResources", Action: "kms:CreateGrant" });
    expect(use).toMatchObject({
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Condition: {
        StringEquals: {
          "kms:ViaService": ["redshift-serverless.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"],
          "kms:CallerAccount": "123456789012",
        },
      },
    });
    expect(logs!.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/redshift/x/*",
      },
    });
    expect(policy.Statement.some((statement) => statement.Principal === "*")).toBe(false);
    expect(
      serviceKeyPolicy({
        partition: "aws",
        region: "eu-west-1",
        accountId: "1",
        administratorArns: [],
        services: ["ec2"],
      }).Statement,
    ).toHaveLength(3);
    expect(serviceTrust(["ec2.amazonaws.com"]).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: "sts:AssumeRole" },
    ]);
  });
});

describe("warehouse SQL", () => {
  const role = "arn:aws:iam::123456789012:role/dp-prod-warehouse-spectrum";

  it("builds statements from validated identifiers only", () => {
    expect(externalSchemaSql("orders_analytics", "orders_analytics", role)).toBe(
      `CREATE EXTERNAL SCHEMA IF NOT EXISTS "orders_analytics" FROM DATA CATALOG DATABASE 'orders_analytics' IAM_ROLE '${role}'`,
    );
    expect(grantUsageSql("orders_analytics", "looker")).toBe('GRANT USAGE ON SCHEMA "orders_analytics" TO "looker"');
    expect(ownedSchemaSql("looker_scratch", "looker")).toBe(
      'CREATE SCHEMA IF NOT EXISTS "looker_scratch" AUTHORIZATION "looker"',
    );
    expect(createUserSql("looker", "Abcdefgh1234")).toBe(`CREATE USER "looker" PASSWORD 'Abcdefgh1234'`);
  });

  it("fails on anything that could break out of the statement", () => {
    expect(() => quoteIdentifier('looker"; DROP USER x; --')).toThrow(/not a lowercase SQL identifier/);
    expect(() => externalSchemaSql("orders", "orders'--", role)).toThrow(/not a Glue database name/);
    expect(() => externalSchemaSql("orders", "orders", "arn:aws:iam::1:role/x' --")).toThrow(/not an IAM role ARN/);
    expect(() => createUserSql("looker", "Abc'defgh1234")).toThrow(/no quote/);
    expect(passwordProblem("short1A")).toMatch(/8 to 64/);
    expect(passwordProblem("alllowercase1234")).toMatch(/uppercase/);
  });
});

describe("warehouse args", () => {
  it("accepts 4 RPUs and multiples of 8 as base capacity", () => {
    expect([4, 8, 16, 128, 512, 1024].every(isValidBaseCapacity)).toBe(true);
    expect([0, 6, 12, 2048, 8.5].some(isValidBaseCapacity)).toBe(false);
  });

  it("defaults Spectrum to every domain publishing analytics products, sorted, and keeps explicit products", () => {
    expect(resolveSpectrumDomains(lake, undefined)).toEqual([{ name: "orders", products: ["order_items", "orders"] }]);
    expect(resolveSpectrumDomains(lake, [{ name: "orders", products: ["orders"] }])).toEqual([
      { name: "orders", products: ["orders"] },
    ]);
  });

  it("fails listing every problem at once", () => {
    let message = "";
    try {
      validateWarehouseArgs(
        "warehouse",
        warehouseArgs({
          administratorArns: [],
          allowedSources: [{ name: "world", cidr: "0.0.0.0/0" }],
          baseCapacityRpu: 6,
          maxCapacityRpu: 6000,
          usageLimitRpuHours: 0,
          lookerUserName: "warehouse_admin",
          port: 5439.5,
          auditLogRetentionDays: 10,
          privateSubnetIds: ["subnet-a", "subnet-a"],
          spectrumDomains: [
            { name: "logistics" },
            { name: "payments" },
            { name: "orders", products: ["menus"] },
            { name: "riders" },
          ],
        }),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      'Warehouse "warehouse": invalid args:',
      "- administratorArns must name at least one role (the deploying role)",
      '- allowedSources "world": "0.0.0.0/0" admits the internet (prefix /0); name the query mesh, Looker or VPC ranges instead',
      "- baseCapacityRpu must be 4 or a multiple of 8 from 8 to 1024, got 6",
      "- maxCapacityRpu must be a multiple of 8 up to 5632, got 6000",
      "- usageLimitRpuHours must be a whole number above 0, got 0",
      '- lookerUserName and adminUsername must differ (both "warehouse_admin")',
      "- port must be 5431-5455 or 8191-8215, got 5439.5",
      "- auditLogRetentionDays must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 10",
      "- privateSubnetIds must hold at least three subnets in three Availability Zones, got 2",
      "- privateSubnetIds lists a subnet twice",
      '- spectrumDomains "logistics": the domain has no analytics zone',
      '- spectrumDomains "payments": the domain publishes no analytics data products; name products or leave the domain out',
      '- spectrumDomains "orders": no analytics data product "menus" (published: orders, order_items)',
      '- spectrumDomains "riders" is not a lake domain (lake domains: logistics, orders, payments)',
    ]);
  });

  it("refuses a maximum below the base and SQL-unsafe names", () => {
    expect(() => validateWarehouseArgs("w", warehouseArgs({ baseCapacityRpu: 32, maxCapacityRpu: 16 }))).toThrow(
      "maxCapacityRpu (16) must be at least baseCapacityRpu (32)",
    );
    expect(() => validateWarehouseArgs("w", warehouseArgs({ databaseName: "Analytics" }))).toThrow(
      /databaseName "Analytics" must start with a lowercase letter/,
    );
    expect(() => validateWarehouseArgs("w", warehouseArgs({ lookerScratchSchema: "public" }))).toThrow(
      /reserved by Redshift/,
    );
    expect(() => validateWarehouseArgs("w", warehouseArgs())).not.toThrow();
  });
});

describe("Luigi", () => {
  it("installs a pinned Luigi in a virtual environment and runs it under systemd as an unprivileged, sandboxed user", () => {
    const script = luigiUserData({ luigiVersion: "3.8.1", port: 8082 });
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain("set -euo pipefail");
    expect(script).toContain("python3.11 -m venv /opt/luigi");
    expect(script).toContain("/opt/luigi/bin/pip install --no-cache-dir 'luigi==3.8.1'");
    expect(script).toContain("systemctl enable --now luigid.service");
    const unit = luigiSystemdUnit(8082);
    expect(unit).toContain(
      "ExecStart=/opt/luigi/bin/luigid --port 8082 --address 0.0.0.0 --state-path /var/lib/luigi/state.pickle",
    );
    for (const line of [
      "User=luigi",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "CapabilityBoundingSet=",
      "ReadWritePaths=/var/lib/luigi",
    ])
      expect(unit).toContain(line);
    expect(script).toContain(unit.trimEnd());
    expect(script).not.toMatch(/ssh|authorized_keys/i);
    expect(() => luigiUserData({ luigiVersion: "latest", port: 8082 })).toThrow(/not an exact release/);
    expect(() => luigiUserData({ luigiVersion: "3.8.1", port: 80 })).toThrow(/unprivileged/);
  });

  it("recognises Graviton instance types and fails on bad args listing every problem", () => {
    expect(
      ["t4g.small", "m7g.medium", "c7gn.large", "r6gd.xlarge"].every((type) => gravitonInstanceType.test(type)),
    ).toBe(true);
    expect(["m5.large", "t3.small", "g5.xlarge"].some((type) => gravitonInstanceType.test(type))).toBe(false);
    const args: LegacyLuigiSchedulerArgs = {
      prefix: "dp",
      stage: "dev",
      lake,
      vpcId: "vpc-1",
      subnetId: "subnet-a",
      allowedCidrs: ["0.0.0.0/0"],
      administratorArns: [],
      instanceType: "m5.large",
      luigiVersion: "latest",
      rootVolumeSizeGiB: 2,
      artifactsPrefix: "../etc",
    };
    expect(() => validateLuigiArgs("luigi", args)).toThrow(
      [
        'LegacyLuigiScheduler "luigi": invalid args:',
        "- administratorArns must name at least one role (the deploying role)",
        '- allowedCidrs: "0.0.0.0/0" admits the internet (prefix /0); name the query mesh, Looker or VPC ranges instead',
        '- instanceType "m5.large" is not a Graviton (arm64) type, which the default image needs',
        '- luigiVersion "latest" is not an exact release such as 3.8.1',
        "- rootVolumeSizeGiB must be a whole number from 8 to 1024, got 2",
        '- artifactsPrefix "../etc" must be lowercase path segments such as luigi or legacy/luigi',
      ].join("\n"),
    );
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ConfigError, type ConfigIssue } from "./errors";
import { resolvePlatformConfig } from "./load";
import { namespaceValues } from "./pulumi";

const validStage = {
  owner: "data-platform-team",
  costCentre: "CC-0100",
  protect: false,
  network: { vpcCidr: "10.40.0.0/16", availabilityZones: 2, natGateways: "single", reservedCidrs: ["10.0.0.0/14"] },
  cluster: {
    kubernetesVersion: "1.35",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 },
    },
  },
  domains: { orders: {}, logistics: { needs: { workflow: { maxWorkers: 2 } } } },
};

const orders = {
  name: "orders",
  description: "Orders.",
  owners: { team: "orders-data", email: "orders-data@example.com" },
  costCentre: "CC-1010",
  dataProducts: [{ name: "orders", description: "Orders.", zone: "analytics" }],
};
const logistics = { ...orders, name: "logistics", dataProducts: [] };

type Mutation = { stage?: (stage: Record<string, any>) => void; files?: Record<string, unknown> };

function workspace(mutation: Mutation = {}): { values: Record<string, unknown>; domainsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-test-"));
  const domainsDir = path.join(dir, "domains");
  fs.mkdirSync(domainsDir);
  const files: Record<string, unknown> = { "orders.yaml": orders, "logistics.yaml": logistics, ...mutation.files };
  for (const [file, content] of Object.entries(files)) {
    if (content === undefined) continue;
    fs.writeFileSync(path.join(domainsDir, file), typeof content === "string" ? content : stringify(content));
  }
  const values = structuredClone(validStage) as Record<string, any>;
  mutation.stage?.(values);
  return { values, domainsDir };
}

function load(mutation: Mutation = {}) {
  const { values, domainsDir } = workspace(mutation);
  // A fixed day, so the EKS support calendar check does not change the fixtures' validity over time.
  return resolvePlatformConfig({
    stack: "dev",
    values,
    configFile: "Pulumi.dev.yaml",
    domainsDir,
    now: new Date("2026-12-05T12:00:00Z"),
  });
}

function issues(mutation: Mutation): ConfigIssue[] {
  try {
    load(mutation);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolvePlatformConfig", () => {
  it("returns typed config with defaults, enabled domains sorted by name and overrides applied", () => {
    const config = load();
    expect(config.stage).toBe("dev");
    expect(config.region).toBe("eu-west-1");
    expect(config.prefix).toBe("dp");
    expect(config.domains.map((domain) => domain.name)).toEqual(["logistics", "orders"]);
    const logisticsDomain = config.domains.find((domain) => domain.name === "logistics")!;
    expect(logisticsDomain.needs.workflow).toMatchObject({
      environmentClass: "mw1.small",
      minWorkers: 1,
      maxWorkers: 2,
    });
    expect(config.lake.landingExpirationDays).toBe(14);
    // Lake Formation's settings object is replaced whole: the parameters are always sent.
    expect(config.lake.lakeFormationParameters).toEqual({ CROSS_ACCOUNT_VERSION: "4", SET_CONTEXT: "TRUE" });
    expect(config.lake.readOnlyAdminArns).toEqual([]);
    expect(config.network.interfaceEndpoints).toContain("sts");
  });

  // One row per kind of bad input: the file, the key path and what is allowed.
  const table: { case: string; mutation: Mutation; file: RegExp; path: string; message: RegExp }[] = [
    {
      case: "unknown stage key",
      mutation: { stage: (s) => (s.bogus = 1) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:bogus",
      message: /unknown key; allowed keys here: prefix, owner/,
    },
    {
      case: "unknown nested key",
      mutation: { stage: (s) => (s.network.natGateway = "single") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.natGateway",
      message: /unknown key \(did you mean "natGateways"\?\); allowed keys here: vpcCidr/,
    },
    {
      case: "missing required key",
      mutation: { stage: (s) => delete s.owner },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:owner",
      message: /is required \(expected string\)/,
    },
    {
      case: "wrong type",
      mutation: { stage: (s) => (s.protect = "yes") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:protect",
      message: /expected boolean, received string/,
    },
    {
      case: "enum value",
      mutation: { stage: (s) => (s.network.natGateways = "many") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.natGateways",
      message: /must be one of "single", "onePerAz"/,
    },
    {
      case: "malformed CIDR",
      mutation: { stage: (s) => (s.network.vpcCidr = "10.40.0/16") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.vpcCidr",
      message: /expected an IPv4 CIDR/,
    },
    {
      case: "CIDR with host bits",
      mutation: { stage: (s) => (s.network.vpcCidr = "10.40.1.0/16") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.vpcCidr",
      message: /host bits set; the network address is 10\.40\.0\.0\/16/,
    },
    {
      case: "VPC too small",
      mutation: { stage: (s) => (s.network.vpcCidr = "10.40.0.0/24") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.vpcCidr",
      message: /between \/16 and \/20/,
    },
    {
      case: "overlapping CIDRs",
      mutation: { stage: (s) => (s.network.reservedCidrs = ["10.40.128.0/17"]) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:network.reservedCidrs[0]",
      message: /overlaps the VPC range 10\.40\.0\.0\/16/,
    },
    {
      case: "cluster without an admin",
      mutation: { stage: (s) => (s.cluster.adminRoleArns = []) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:cluster.adminRoleArns",
      message: /at least one role, including the deploy role/,
    },
    {
      case: "notebook profile with a floating image tag",
      mutation: {
        stage: (s) =>
          (s.notebooks = {
            enabled: true,
            adminUsers: ["a"],
            profiles: {
              gpu: {
                displayName: "GPU",
                cpuGuarantee: 1,
                cpuLimit: 2,
                memoryGuaranteeGiB: 4,
                memoryLimitGiB: 8,
                image: { name: "x", tag: "latest", collaboration: true },
              },
            },
          }),
      },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:notebooks.profiles.gpu.image.tag",
      message: /must be pinned/,
    },
    {
      case: "EKS version past standard support",
      mutation: { stage: (s) => (s.cluster.kubernetesVersion = "1.33") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:cluster.kubernetesVersion",
      message: /standard support for Kubernetes 1\.33 ended on 2026-07-29.*use 1\.35/,
    },
    {
      case: "trusted resource owner that is not an account",
      mutation: { stage: (s) => (s.lake = { trustedResourceOwners: ["12345"] }) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:lake.trustedResourceOwners[0]",
      message: /12-digit AWS account ID/,
    },
    {
      case: "unknown cross-account version",
      mutation: { stage: (s) => (s.lake = { lakeFormationParameters: { CROSS_ACCOUNT_VERSION: "9" } }) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:lake.lakeFormationParameters.CROSS_ACCOUNT_VERSION",
      message: /must be one of/,
    },
    {
      case: "non-positive size",
      mutation: { stage: (s) => (s.lake = { landingExpirationDays: 0 }) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:lake.landingExpirationDays",
      message: /greater than 0/,
    },
    {
      case: "prefix AWS would reject",
      mutation: { stage: (s) => (s.prefix = "Data_Platform") },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:prefix",
      message: /lowercase letters or digits/,
    },
    {
      case: "unregistered domain",
      mutation: { stage: (s) => (s.domains.ordres = {}) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:domains.ordres",
      message: /not registered .*registered domains: logistics, orders/,
    },
    {
      case: "override breaking worker bounds",
      mutation: { stage: (s) => (s.domains.orders = { needs: { workflow: { minWorkers: 9, maxWorkers: 2 } } }) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:domains.orders.needs.workflow.minWorkers",
      message: /must not exceed maxWorkers/,
    },
    {
      case: "domain name AWS would reject",
      mutation: { files: { "orders.yaml": { ...orders, name: "Orders_EU" } } },
      file: /domains\/orders\.yaml/,
      path: "name",
      message: /lowercase letters and digits separated by single hyphens/,
    },
    {
      case: "domain name too long for bucket names",
      mutation: { files: { "orders.yaml": { ...orders, name: "orders-and-more-orders-x" } } },
      file: /domains\/orders\.yaml/,
      path: "name",
      message: /at most 20 characters/,
    },
    {
      case: "domain file name mismatch",
      mutation: { files: { "orders.yaml": { ...orders, name: "orderz" } } },
      file: /domains\/orders\.yaml/,
      path: "name",
      message: /must match the file name/,
    },
    {
      case: "duplicate domain",
      mutation: { files: { "orders.yml": orders } },
      file: /domains\/orders\.yml/,
      path: "name",
      message: /duplicate domain "orders", already registered by .*orders\.yaml/,
    },
    {
      case: "unknown domain key",
      mutation: { files: { "orders.yaml": { ...orders, team: "x" } } },
      file: /domains\/orders\.yaml/,
      path: "team",
      message:
        /unknown key; "team" is a key of owners \(indented under the wrong parent\?\); allowed keys here: name, description, owners/,
    },
    {
      case: "missing domain key",
      mutation: { files: { "orders.yaml": { ...orders, owners: { team: "orders-data" } } } },
      file: /domains\/orders\.yaml/,
      path: "owners.email",
      message: /is required/,
    },
    {
      case: "bad e-mail",
      mutation: { files: { "orders.yaml": { ...orders, owners: { team: "t", email: "nobody" } } } },
      file: /domains\/orders\.yaml/,
      path: "owners.email",
      message: /e-mail address/,
    },
    {
      case: "non-positive Spark size",
      mutation: { files: { "orders.yaml": { ...orders, needs: { spark: { maxCoreVcpus: -4 } } } } },
      file: /domains\/orders\.yaml/,
      path: "needs.spark.maxCoreVcpus",
      message: /greater than 0/,
    },
    {
      case: "MWAA class AWS does not offer",
      mutation: { files: { "orders.yaml": { ...orders, needs: { workflow: { environmentClass: "mw1.huge" } } } } },
      file: /domains\/orders\.yaml/,
      path: "needs.workflow.environmentClass",
      message: /must be one of "mw1.micro"/,
    },
    {
      case: "duplicate data product",
      mutation: {
        files: { "orders.yaml": { ...orders, dataProducts: [orders.dataProducts[0], orders.dataProducts[0]] } },
      },
      file: /domains\/orders\.yaml/,
      path: "dataProducts[1].name",
      message: /duplicate data product "orders"/,
    },
    {
      case: "data product name Glue would reject",
      mutation: {
        files: { "orders.yaml": { ...orders, dataProducts: [{ ...orders.dataProducts[0], name: "Order-Facts" }] } },
      },
      file: /domains\/orders\.yaml/,
      path: "dataProducts[0].name",
      message: /lowercase Glue\/Trino identifier/,
    },
    {
      case: "warehouse without three AZs",
      mutation: { stage: (s) => (s.warehouse = { enabled: true }) },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:warehouse.enabled",
      message: /three AZs/,
    },
    {
      case: "importer into a domain not enabled",
      mutation: {
        stage: (s) =>
          (s.importer = {
            sources: {
              "orders-db": {
                domain: "payments",
                kind: "jdbc",
                jdbcUrl: "jdbc:x",
                port: 5432,
                secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
                schedule: "0 2 * * *",
                tables: {},
              },
            },
          }),
      },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:importer.sources.orders-db.domain",
      message: /not enabled/,
    },
    {
      case: "plaintext-free importer needs a secret ARN",
      mutation: {
        stage: (s) =>
          (s.importer = {
            sources: {
              "orders-db": {
                domain: "orders",
                kind: "jdbc",
                jdbcUrl: "jdbc:x",
                port: 5432,
                secretArn: "hunter2",
                schedule: "0 2 * * *",
                tables: {},
              },
            },
          }),
      },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:importer.sources.orders-db.secretArn",
      message: /Secrets Manager secret ARN/,
    },
    {
      case: "stream retention under 7 days",
      mutation: {
        stage: (s) =>
          (s.ingestion = {
            flink: { artifactKey: "code/rivers/rivers.jar" },
            sources: {
              "orders-service": { recordsPerSecond: 10, bytesPerSecond: 100, retentionHours: 24, events: {} },
            },
          }),
      },
      file: /Pulumi\.dev\.yaml/,
      path: "data-platform:ingestion.sources.orders-service.retentionHours",
      message: /at least 168/,
    },
    {
      case: "a data product shared with its own domain",
      mutation: {
        files: { "orders.yaml": { ...orders, dataProducts: [{ ...orders.dataProducts[0], consumers: ["orders"] }] } },
      },
      file: /domains\/orders\.yaml/,
      path: "dataProducts[0].consumers[0]",
      message: /the producing domain itself/,
    },
    {
      case: "a data product shared with an unregistered domain",
      mutation: {
        files: {
          "orders.yaml": {
            ...orders,
            dataProducts: [{ ...orders.dataProducts[0], consumers: ["logistics", "payments"] }],
          },
        },
      },
      file: /domains\/orders\.yaml/,
      path: "dataProducts[0].consumers[1]",
      message: /"payments" is not a registered domain \(registered: logistics, orders\)/,
    },
    {
      case: "invalid YAML",
      mutation: { files: { "orders.yaml": "name: [orders\n" } },
      file: /domains\/orders\.yaml/,
      path: "",
      message: /invalid YAML/,
    },
  ];

  it.each(table)("fails on $case, naming the file and key", ({ mutation, file, path: keyPath, message }) => {
    const found = issues(mutation);
    const match = found.find((issue) => issue.path === keyPath && message.test(issue.message));
    expect(
      match,
      `issues were:\n${found.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`).join("\n")}`,
    ).toBeDefined();
    expect(match!.file).toMatch(file);
  });

  it("reports every problem at once, one line each", () => {
    const error = (() => {
      try {
        load({ stage: (s) => ((s.protect = "yes"), (s.domains.nope = {}), (s.network.vpcCidr = "nonsense")) });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error.issues).toHaveLength(3);
    expect(error.message.split("\n").slice(1)).toEqual([
      "Pulumi.dev.yaml: data-platform:protect: expected boolean, received string",
      'Pulumi.dev.yaml: data-platform:network.vpcCidr: expected an IPv4 CIDR such as 10.20.0.0/16, got "nonsense"',
      expect.stringMatching(/^Pulumi\.dev\.yaml: data-platform:domains\.nope: domain "nope" is not registered/),
    ]);
  });

  it("refuses Airflow versions MWAA does not offer, operator ranges open to the internet and unpinned image tags, naming the key", () => {
    const found = issues({
      stage: (s) => (
        (s.workflow = { operatorCidrs: ["0.0.0.0/0"] }),
        (s.domains.logistics = { needs: { workflow: { airflowVersion: "2.6.3" } } })
      ),
      files: { "orders.yaml": { ...orders, needs: { spark: { imageTag: "latest" } } } },
    });
    expect(found.map((issue) => [issue.path, issue.message])).toEqual(
      expect.arrayContaining([
        ["data-platform:workflow.operatorCidrs[0]", expect.stringMatching(/must not be a \/0/)],
        ["needs.spark.imageTag", expect.stringMatching(/must be pinned, not latest/)],
        [
          "data-platform:domains.logistics.needs.workflow.airflowVersion",
          expect.stringMatching(/"2\.10\.3", "2\.11\.0", "3\.0\.6"/),
        ],
      ]),
    );
  });

  it("defaults the operator ranges to none, the spark image tag to bootstrap and the S3 egress ranges to the prefix list", () => {
    const config = load();
    expect(config.workflow.operatorCidrs).toEqual([]);
    expect(config.domains.map((domain) => domain.needs.spark.imageTag)).toEqual(["bootstrap", "bootstrap"]);
    expect(config.queryMesh.s3EgressCidrs).toBeUndefined();
    expect(config.network.interfaceEndpoints).toContain("lakeformation");
  });

  it("fails when the registry directory is missing", () => {
    expect(() =>
      resolvePlatformConfig({
        stack: "dev",
        values: validStage,
        configFile: "Pulumi.dev.yaml",
        domainsDir: "/nonexistent/domains",
      }),
    ).toThrow(/domain registry directory does not exist/);
  });
});

describe("namespaceValues", () => {
  it("parses objects and booleans from engine strings but keeps string-typed keys verbatim", () => {
    const values = namespaceValues({
      "data-platform:costCentre": "1234",
      "data-platform:protect": "true",
      "data-platform:network": JSON.stringify({ vpcCidr: "10.0.0.0/16" }),
      "aws:region": "eu-west-1",
    });
    expect(values).toEqual({ costCentre: "1234", protect: true, network: { vpcCidr: "10.0.0.0/16" } });
  });
});

describe("the repository's own inputs", () => {
  const stackDir = path.resolve(__dirname, "../../../stacks/platform");
  for (const stage of ["dev", "staging", "prod"]) {
    it(`Pulumi.${stage}.yaml is valid against the registry`, () => {
      const file = path.join(stackDir, `Pulumi.${stage}.yaml`);
      // Encrypted values read as the engine would hand them decrypted (any string), as the offline plan does.
      const decrypted = (value: unknown): unknown =>
        value && typeof value === "object" && !Array.isArray(value)
          ? "secure" in value
            ? "[secret]"
            : Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decrypted(child)]))
          : Array.isArray(value)
            ? value.map(decrypted)
            : value;
      const document = decrypted(parse(fs.readFileSync(file, "utf8"))) as { config: Record<string, unknown> };
      const values = Object.fromEntries(
        Object.entries(document.config)
          .filter(([key]) => key.startsWith("data-platform:"))
          .map(([key, value]) => [key.slice("data-platform:".length), value]),
      );
      const config = resolvePlatformConfig({
        stack: stage,
        values,
        configFile: file,
        domainsDir: path.join(stackDir, "domains"),
      });
      expect(config.domains.length).toBeGreaterThan(0);
    });
  }
});

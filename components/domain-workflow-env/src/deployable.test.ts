import { DataLake } from "@data-platform/data-lake";
import { EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import { setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { DomainWorkflowEnvArgs } from "./args";
import { DomainWorkflowEnv } from "./domainWorkflowEnv";

// What an MWAA environment needs to come up and be reachable for real (issue 21).

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b"];

interface Rule {
  protocol: string;
  fromPort: number;
  toPort: number;
  self?: boolean;
  cidrBlocks?: string[];
}

async function build(overrides: Partial<DomainWorkflowEnvArgs> = {}, options: { spark?: boolean } = {}) {
  const harness = await setMocks({ mode: "resolved", stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [{ name: "orders", zones: ["raw"] }],
  });
  const spark =
    options.spark === false
      ? undefined
      : new EphemeralSparkCluster("spark", {
          prefix: "dp",
          stage: "prod",
          lake,
          vpcId: "vpc-0123",
          privateSubnetIds: subnets,
          administratorArns: [deployer],
          domains: [{ name: "orders" }],
        });
  new DomainWorkflowEnv("workflow-orders", {
    prefix: "dp",
    stage: "prod",
    domain: "orders",
    lake,
    ...(spark ? { spark } : {}),
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    ...overrides,
  });
  await harness.settle();
  return harness;
}

/** The message the component throws for these args; nothing of it is registered. */
async function refused(overrides: Partial<DomainWorkflowEnvArgs>): Promise<string> {
  const harness = await setMocks({ mode: "resolved", stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [{ name: "orders", zones: ["raw"] }],
  });
  let message = "";
  try {
    new DomainWorkflowEnv("workflow-orders", {
      prefix: "dp",
      stage: "prod",
      domain: "orders",
      lake,
      vpcId: "vpc-0123",
      privateSubnetIds: subnets,
      ...overrides,
    });
  } catch (error) {
    message = (error as Error).message;
  }
  await harness.settle();
  expect(harness.byType("data-platform:workflow:DomainWorkflowEnv")).toEqual([]);
  return message;
}

describe("MWAA security group", () => {
  it("lets the environment reach its metadata database and web server endpoints (same group) on every port, and AWS APIs on 443", async () => {
    const harness = await build();
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "workflow-orders-mwaa-sg");
    const egress = group.inputs["egress"] as Rule[];
    const reaches = (port: number, check: (rule: Rule) => boolean) =>
      egress.some((rule) => check(rule) && (rule.protocol === "-1" || (rule.fromPort <= port && port <= rule.toPort)));
    // MWAA's database endpoint carries this group: PostgreSQL must be allowed to it.
    expect(reaches(5432, (rule) => rule.self === true)).toBe(true);
    expect(reaches(443, (rule) => rule.self === true)).toBe(true);
    expect(reaches(443, (rule) => rule.cidrBlocks?.includes("0.0.0.0/0") ?? false)).toBe(true);
    expect(group.inputs["ingress"]).toEqual([expect.objectContaining({ protocol: "-1", self: true })]);
  });

  it("admits the configured operator networks to the private web server on 443 only, and refuses the internet", async () => {
    const harness = await build({ webserverAccessCidrs: ["10.8.0.0/16", "192.168.10.0/24"] });
    const ingress = harness.one("aws:ec2/securityGroup:SecurityGroup", "workflow-orders-mwaa-sg").inputs[
      "ingress"
    ] as Rule[];
    expect(ingress).toContainEqual(
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["10.8.0.0/16", "192.168.10.0/24"],
      }),
    );
    expect(
      ingress.filter((rule) => rule.cidrBlocks).every((rule) => rule.fromPort === 443 && rule.toPort === 443),
    ).toBe(true);
  });

  it("refuses operator ranges that are not CIDRs or admit the internet, before creating anything", async () => {
    await expect(refused({ webserverAccessCidrs: ["0.0.0.0/0"] })).resolves.toMatch(
      /webserverAccessCidrs: "0.0.0.0\/0" admits the internet/,
    );
    await expect(refused({ webserverAccessCidrs: ["10.0.0.0/33"] })).resolves.toMatch(/webserverAccessCidrs: /);
  });
});

describe("MWAA Airflow configuration", () => {
  it("leaves out the options a domain has no value for instead of setting them to an empty string", async () => {
    const harness = await build({ fargate: false }, { spark: false });
    const options = harness.one("aws:mwaa/environment:Environment", "workflow-orders").revealedInputs[
      "airflowConfigurationOptions"
    ] as Record<string, string>;
    for (const [key, value] of Object.entries(options)) expect(value, key).not.toBe("");
    expect(Object.keys(options)).not.toContain("data_platform.ecs_cluster");
    expect(Object.keys(options)).not.toContain("data_platform.spark_template_parameter");
    expect(Object.keys(options)).not.toContain("data_platform.analytics_database");
    expect(options["data_platform.raw_database"]).toBe("orders_raw");
  });

  it("gives a domain the Spark cluster does not serve no launch grant and no template, without an exception", async () => {
    const harness = await setMocks({ mode: "resolved", stack: "prod", accountId: account });
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "prod",
      administratorArns: [deployer],
      domains: [
        { name: "orders", zones: ["raw"] },
        { name: "logistics", zones: ["raw"] },
      ],
    });
    const spark = new EphemeralSparkCluster("spark", {
      prefix: "dp",
      stage: "prod",
      lake,
      vpcId: "vpc-0123",
      privateSubnetIds: subnets,
      administratorArns: [deployer],
      domains: [{ name: "logistics" }],
    });
    new DomainWorkflowEnv("workflow-orders", {
      prefix: "dp",
      stage: "prod",
      domain: "orders",
      lake,
      spark,
      vpcId: "vpc-0123",
      privateSubnetIds: subnets,
      fargate: false,
    });
    await harness.settle();
    expect(
      harness
        .byType("aws:iam/rolePolicy:RolePolicy")
        .map((policy) => policy.name)
        .filter((name) => name.includes("launch")),
    ).toEqual([]);
    const options = harness.one("aws:mwaa/environment:Environment", "workflow-orders").revealedInputs[
      "airflowConfigurationOptions"
    ] as Record<string, string>;
    expect(Object.keys(options)).not.toContain("data_platform.spark_template_parameter");
  });

  it("refuses an Airflow version MWAA does not offer", async () => {
    await expect(refused({ airflowVersion: "2.6.3" })).resolves.toMatch(
      /airflowVersion "2.6.3" is not one MWAA supports/,
    );
    const harness = await build({ airflowVersion: "2.11.0" });
    expect(harness.one("aws:mwaa/environment:Environment", "workflow-orders").inputs["airflowVersion"]).toBe("2.11.0");
  });
});

import { DataLake, type PolicyDocument } from "@data-platform/data-lake";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness, type HarnessOptions, type Registration } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { LegacyLuigiSchedulerArgs } from "./args";
import { LegacyLuigiScheduler, legacyLuigiSchedulerIfEnabled } from "./legacyLuigiScheduler";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const vpcCidr = "10.40.0.0/16";

/** What EC2 reports once the template and instance exist (resolved mode only). */
const state: HarnessOptions["state"] = {
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
  "aws:ec2/instance:Instance": () => ({ privateIp: "10.40.12.34" }),
};

async function build(
  overrides: Partial<LegacyLuigiSchedulerArgs> & { enabled?: boolean } = { enabled: true },
  mode: "resolved" | "preview" = "resolved",
) {
  const harness = await setMocks({ mode, stack: "dev", accountId: account, state });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "dev",
    administratorArns: [deployer],
    domains: [{ name: "orders", zones: ["raw"] }],
    protect: false,
  });
  const luigi = legacyLuigiSchedulerIfEnabled("luigi", {
    prefix: "dp",
    stage: "dev",
    lake,
    vpcId: "vpc-0123",
    subnetId: "subnet-0private",
    allowedCidrs: [vpcCidr],
    administratorArns: [deployer],
    ...overrides,
  });
  await harness.settle();
  return { harness, lake, luigi };
}

const parse = (registration: Registration, key = "policy") =>
  JSON.parse(registration.inputs[key] as string) as PolicyDocument;
const keyArn = (harness: Harness, name: string) =>
  `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", name).id}`;

describe("LegacyLuigiScheduler existence", () => {
  it.each([[{}], [{ enabled: false }]])("is absent unless enabled (%j)", async (flag) => {
    const { harness, luigi } = await build(flag);
    expect(luigi).toBeUndefined();
    expect(harness.byType("data-platform:warehouse:LegacyLuigiScheduler")).toEqual([]);
    for (const type of [
      "aws:ec2/instance:Instance",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:iam/instanceProfile:InstanceProfile",
      "aws:ec2/securityGroup:SecurityGroup",
    ])
      expect(harness.byType(type)).toEqual([]);
    expect(harness.byType("aws:kms/key:Key").map((key) => key.name)).toEqual(["lake-key", "lake-orders-key"]);
  });

  it("exists when enabled, with its children named after it", async () => {
    const { harness, luigi } = await build();
    expect(luigi).toBeInstanceOf(LegacyLuigiScheduler);
    const component = harness.one("data-platform:warehouse:LegacyLuigiScheduler", "luigi");
    expect(
      harness
        .children(component)
        .map((child) => child.name)
        .sort(),
    ).toEqual(
      [
        "luigi",
        "luigi-egress-https",
        "luigi-ingress-10-40-0-0-16",
        "luigi-key",
        "luigi-key-alias",
        "luigi-profile",
        "luigi-role",
        "luigi-sg",
        "luigi-ssm",
        "luigi-template",
      ].sort(),
    );
  });
});

describe("LegacyLuigiScheduler hardening", () => {
  it("runs one Graviton instance in the private subnet with IMDSv2, no key pair, no public IP and an encrypted root volume", async () => {
    const { harness } = await build();
    const template = harness.one("aws:ec2/launchTemplate:LaunchTemplate", "luigi-template");
    expect(template.inputs).toMatchObject({
      name: "dp-dev-luigi",
      imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
      instanceType: "t4g.small",
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            encrypted: "true",
            kmsKeyId: keyArn(harness, "luigi-key"),
            volumeType: "gp3",
            volumeSize: 20,
            deleteOnTermination: "true",
          },
        },
      ],
      iamInstanceProfile: { arn: `arn:aws:iam::${account}:instanceProfile/dp-dev-luigi` },
      vpcSecurityGroupIds: [harness.one("aws:ec2/securityGroup:SecurityGroup", "luigi-sg").id],
    });
    expect(template.inputs["keyName"]).toBeUndefined();
    expect(template.inputs["networkInterfaces"]).toBeUndefined();

    const instance = harness.one("aws:ec2/instance:Instance", "luigi");
    expect(instance.inputs).toMatchObject({
      subnetId: "subnet-0private",
      associatePublicIpAddress: false,
      launchTemplate: { id: template.id, version: "1" },
    });
    for (const absent of ["keyName", "ami", "userData", "metadataOptions"])
      expect(instance.inputs[absent], absent).toBeUndefined();
    expect(harness.byType("aws:ec2/instance:Instance")).toHaveLength(1);

    const key = harness.one("aws:kms/key:Key", "luigi-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(parse(key).Statement.find((statement) => statement.Sid === "KeyUseThroughServices")?.Condition).toEqual({
      StringEquals: { "kms:ViaService": ["ec2.eu-west-1.amazonaws.com"], "kms:CallerAccount": account },
    });
  });

  it("installs Luigi in a virtual environment and starts it as a systemd service from user data", async () => {
    const { harness } = await build({ enabled: true, luigiVersion: "3.7.2" });
    const script = Buffer.from(
      harness.one("aws:ec2/launchTemplate:LaunchTemplate", "luigi-template").inputs["userData"] as string,
      "base64",
    ).toString("utf8");
    expect(script).toContain("'luigi==3.7.2'");
    expect(script).toContain("python3.11 -m venv /opt/luigi");
    expect(script).toContain("ExecStart=/opt/luigi/bin/luigid --port 8082");
    expect(script).toContain("User=luigi");
    expect(script).toContain("systemctl enable --now luigid.service");
  });

  it("is reachable only from the VPC on Luigi's port, and only reaches out over HTTPS", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "luigi-sg");
    expect(group.inputs).toMatchObject({ vpcId: "vpc-0123", revokeRulesOnDelete: true });
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    expect(
      harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((rule) => rule.inputs),
    ).toEqual([
      expect.objectContaining({
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: 8082,
        toPort: 8082,
        cidrIpv4: vpcCidr,
      }),
    ]);
    expect(
      harness
        .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .map((rule) => [rule.inputs["fromPort"], rule.inputs["toPort"]]),
    ).toEqual([[443, 443]]);
  });

  it("gives the instance role Session Manager, its artifacts prefixes and nothing else", async () => {
    const { harness, luigi, lake } = await build();
    const role = harness.one("aws:iam/role:Role", "luigi-role");
    expect(role.inputs["name"]).toBe("dp-dev-luigi");
    expect(parse(role, "assumeRolePolicy").Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: "sts:AssumeRole" },
    ]);
    expect(
      harness
        .byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .map((attachment) => attachment.inputs["policyArn"]),
    ).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);

    const policies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => policy.inputs["role"] === "dp-dev-luigi");
    expect(policies.map((policy) => policy.name).sort()).toEqual(["lake-luigi-grants"]);
    const artifacts = harness.one("aws:s3/bucket:Bucket", "lake-artifacts").inputs["bucket"] as string;
    const resources = policies.flatMap((policy) =>
      parse(policy).Statement.flatMap((statement) => [statement.Resource ?? []].flat()),
    );
    expect([...new Set(resources)].sort()).toEqual(
      [
        `arn:aws:s3:::${artifacts}`,
        `arn:aws:s3:::${artifacts}/code/luigi/*`,
        `arn:aws:s3:::${artifacts}/logs/luigi/*`,
        keyArn(harness, "lake-key"),
      ].sort(),
    );
    const statements = parse(harness.one("aws:iam/rolePolicy:RolePolicy", "lake-luigi-grants")).Statement;
    // Writes reach the logs prefix only; the code prefix is read-only.
    const writes = statements.filter((statement) =>
      [statement.Action].flat().some((action) => /Put|Delete/.test(action)),
    );
    expect(writes.flatMap((statement) => [statement.Resource ?? []].flat())).toEqual([
      `arn:aws:s3:::${artifacts}/logs/luigi/*`,
    ]);
    // The stack adds the EMR launch grant on this role: spark.grantLaunch({ name: "luigi", role: luigi.role }, { domain }).
    expect(await resolveOutput(luigi!.role.arn)).toBe(`arn:aws:iam::${account}:role/dp-dev-luigi`);
    expect(lake.domainNames()).toEqual(["orders"]);
  });

  it("publishes its private URL and deprecation in its contract", async () => {
    const { luigi } = await build();
    expect(await resolveOutput(luigi!.contract())).toEqual({
      url: "http://10.40.12.34:8082",
      privateIp: "10.40.12.34",
      port: 8082,
      instanceId: expect.stringMatching(/^i-/),
      roleArn: `arn:aws:iam::${account}:role/dp-dev-luigi`,
      deprecated: true,
      migrateTo: "DomainWorkflowEnv",
    });
  });
});

describe("LegacyLuigiScheduler plan", () => {
  it("passes the policy pack with no mandatory finding", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("registers the same resources in preview and resolved mode", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build({ enabled: true }, "preview")).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
  });

  it("fails on bad args when enabled, before registering anything", async () => {
    const harness = await setMocks({ stack: "dev" });
    const lake = new DataLake("lake", { prefix: "dp", stage: "dev", administratorArns: [deployer], domains: [] });
    const args = {
      prefix: "dp",
      stage: "dev",
      lake,
      vpcId: "vpc-1",
      subnetId: "subnet-1",
      administratorArns: [deployer],
    };
    expect(() =>
      legacyLuigiSchedulerIfEnabled("luigi", { ...args, enabled: true, allowedCidrs: ["0.0.0.0/0"] }),
    ).toThrow(/allowedCidrs: "0.0.0.0\/0" admits the internet/);
    expect(() => legacyLuigiSchedulerIfEnabled("luigi", { ...args, enabled: true, allowedCidrs: [] })).toThrow(
      /allowedCidrs must name at least one range/,
    );
    expect(() =>
      legacyLuigiSchedulerIfEnabled("luigi", {
        ...args,
        enabled: true,
        allowedCidrs: [vpcCidr],
        instanceType: "m5.large",
      }),
    ).toThrow(/not a Graviton/);
    // Disabled, it does not even look at its args.
    expect(
      legacyLuigiSchedulerIfEnabled("luigi", { ...args, enabled: false, allowedCidrs: ["0.0.0.0/0"] }),
    ).toBeUndefined();
    await harness.settle();
    expect(harness.byType("data-platform:warehouse:LegacyLuigiScheduler")).toEqual([]);
  });
});

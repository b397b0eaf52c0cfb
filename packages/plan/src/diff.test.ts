import { describe, expect, it } from "vitest";
import { policyWidening } from "./dangerous";
import { diffPlans, flattenInputs } from "./diff";
import { changeLines, diffText } from "./diff-report";
import type { PlanDocument, PlanResource } from "./document";
import { replaceRuleFor, replaceRules } from "./replace-rules";

const stackUrn = "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod";
const componentUrn = "urn:pulumi:prod::p::data-platform:lake:DataLake::lake";

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<PlanResource> = {},
): PlanResource {
  return {
    urn: `urn:pulumi:prod::p::data-platform:lake:DataLake$${type}::${name}`,
    type,
    name,
    id: `${name}-id`,
    custom: true,
    remote: false,
    parent: componentUrn,
    provider: null,
    dependencies: [],
    inputs,
    options: { protect: false, retainOnDelete: false, ignoreChanges: [], aliases: [], deleteBeforeReplace: false },
    ...extra,
  };
}

function doc(resources: PlanResource[], stack = "prod"): PlanDocument {
  const all = [
    { ...resource("pulumi:pulumi:Stack", "p-prod", {}), urn: stackUrn, parent: null, custom: false },
    { ...resource("data-platform:lake:DataLake", "lake", {}), urn: componentUrn, parent: stackUrn, custom: false },
    ...resources,
  ];
  return {
    schemaVersion: 2,
    project: "p",
    stack,
    mode: "resolved",
    resources: all,
    outputs: {},
    policy: { violations: [] },
    summary: { resources: all.length, byType: {} },
  };
}

const bucket = (inputs: Record<string, unknown> = {}, extra: Partial<PlanResource> = {}) =>
  resource("aws:s3/bucket:Bucket", "lake-raw", { bucket: "dp-prod-raw", tags: { team: "a" }, ...inputs }, extra);

describe("diffPlans: change kinds", () => {
  it("reports nothing for identical plans", () => {
    const diff = diffPlans(doc([bucket()]), doc([bucket()]));
    expect(diff.changes).toEqual([]);
    expect(diff.counts).toEqual({ add: 0, remove: 0, update: 0, replace: 0, unchanged: 2 });
  });

  it("adds, removes, updates (with paths, old -> new) and keeps secrets as [secret]", () => {
    const key = resource("aws:kms/key:Key", "lake-key", { description: "k" });
    const parameter = resource("aws:ssm/parameter:Parameter", "job", { value: "[secret]", tier: "Standard" });
    const before = doc([bucket(), key, parameter]);
    const after = doc([
      bucket({ tags: { team: "b" } }),
      resource("aws:kms/key:Key", "lake-key-2", { description: "k" }),
      { ...parameter, inputs: { value: "[secret]", tier: "Intelligent-Tiering" } },
    ]);
    const diff = diffPlans(before, after);
    expect(diff.counts).toMatchObject({ add: 1, remove: 1, update: 2, replace: 0 });
    const update = diff.changes.find((change) => change.name === "lake-raw")!;
    expect(update.kind).toBe("update");
    expect(update.inputs).toEqual([{ path: "tags.team", before: "a", after: "b" }]);
    const secretChange = diff.changes.find((change) => change.name === "job")!;
    expect(secretChange.inputs).toEqual([{ path: "tier", before: "Standard", after: "Intelligent-Tiering" }]);
    expect(diff.changes.find((change) => change.name === "lake-key-2")!.kind).toBe("add");
    expect(diff.changes.find((change) => change.name === "lake-key")!.kind).toBe("remove");
  });

  it("opens JSON-string inputs so a policy change names the statement", () => {
    const flat = flattenInputs({
      policy: JSON.stringify({ Statement: [{ Action: ["s3:GetObject"], Resource: "*" }] }),
    });
    expect([...flat.keys()]).toEqual(["policy:Statement[0].Action", "policy:Statement[0].Resource"]);
  });

  it("shows option changes: protect, retainOnDelete, aliases", () => {
    const before = doc([
      bucket(
        {},
        {
          options: { protect: true, retainOnDelete: true, ignoreChanges: [], aliases: [], deleteBeforeReplace: false },
        },
      ),
    ]);
    const after = doc([
      bucket(
        {},
        {
          options: {
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            aliases: ["urn:x"],
            deleteBeforeReplace: false,
          },
        },
      ),
    ]);
    const change = diffPlans(before, after).changes[0]!;
    expect(change.kind).toBe("update");
    expect(
      change.options.map((option) => `${option.option}: ${String(option.before)} -> ${String(option.after)}`),
    ).toEqual(["protect: true -> false", "retainOnDelete: true -> false", "aliases:  -> urn:x"]);
  });

  it("follows an alias: a renamed resource is an update, not a delete and a create", () => {
    const old = bucket();
    const renamed = {
      ...bucket(),
      name: "lake-raw-zone",
      urn: old.urn.replace("::lake-raw", "::lake-raw-zone"),
      options: {
        ...old.options,
        aliases: [{ spec: { name: "lake-raw", type: "", stack: "", project: "", parenturn: componentUrn } }],
      },
    };
    const diff = diffPlans(doc([old]), doc([renamed]));
    expect(diff.counts).toMatchObject({ add: 0, remove: 0, update: 1 });
    expect(diff.changes[0]!.previousUrn).toBe(old.urn);
    expect(diff.dangerous).toEqual([]);
  });
});

/** The aws.ec2 network the platform cluster builds (components/platform-cluster/src/network.ts), and its node templates. */
const networkTypes = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/launchTemplate:LaunchTemplate",
];

describe("replace rules", () => {
  it("keeps a source for every type, and covers the stateful and slow types", () => {
    for (const rule of replaceRules)
      expect(rule.source).toMatch(/terraform-provider-aws internal\/service\/\S+\.go|vpc_\.go/);
    for (const type of [
      "aws:s3/bucket:Bucket",
      "aws:kms/key:Key",
      "aws:glue/catalogDatabase:CatalogDatabase",
      "aws:mwaa/environment:Environment",
      "aws:eks/cluster:Cluster",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:redshiftserverless/namespace:Namespace",
      "aws:redshiftserverless/workgroup:Workgroup",
      "aws:kinesis/stream:Stream",
      "aws:emr/securityConfiguration:SecurityConfiguration",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "aws:iam/role:Role",
      "aws:ecr/repository:Repository",
      ...networkTypes,
    ]) {
      expect(replaceRuleFor(type), type).toBeDefined();
    }
  });

  it.each([
    ["aws:s3/bucket:Bucket", { bucket: "a" }, { bucket: "b" }, "replace"],
    ["aws:s3/bucket:Bucket", { bucket: "a", forceDestroy: false }, { bucket: "a", forceDestroy: true }, "update"],
    ["aws:kms/key:Key", { keyUsage: "ENCRYPT_DECRYPT" }, { keyUsage: "SIGN_VERIFY" }, "replace"],
    [
      "aws:kms/key:Key",
      { policy: "{}", enableKeyRotation: false },
      { policy: "{}", enableKeyRotation: true },
      "update",
    ],
    ["aws:glue/catalogDatabase:CatalogDatabase", { name: "a" }, { name: "b" }, "replace"],
    [
      "aws:mwaa/environment:Environment",
      { networkConfiguration: { subnetIds: ["s1", "s2"], securityGroupIds: ["g"] } },
      { networkConfiguration: { subnetIds: ["s1", "s3"], securityGroupIds: ["g"] } },
      "replace",
    ],
    [
      "aws:mwaa/environment:Environment",
      { networkConfiguration: { subnetIds: ["s1"], securityGroupIds: ["g"] } },
      { networkConfiguration: { subnetIds: ["s1"], securityGroupIds: ["h"] } },
      "update",
    ],
    [
      "aws:mwaa/environment:Environment",
      { environmentClass: "mw1.small", maxWorkers: 5 },
      { environmentClass: "mw1.medium", maxWorkers: 10 },
      "update",
    ],
    ["aws:mwaa/environment:Environment", { airflowVersion: "2.10.3" }, { airflowVersion: "3.0.6" }, "replace"],
    ["aws:mwaa/environment:Environment", { airflowVersion: "2.9.2" }, { airflowVersion: "2.10.3" }, "update"],
    ["aws:eks/cluster:Cluster", { roleArn: "a" }, { roleArn: "b" }, "replace"],
    ["aws:eks/cluster:Cluster", { version: "1.32" }, { version: "1.33" }, "update"],
    ["aws:eks/cluster:Cluster", { encryptionConfig: { resources: ["secrets"] } }, {}, "replace"],
    ["aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["r7g.4xlarge"] }, { instanceTypes: ["r7g.2xlarge"] }, "replace"],
    [
      "aws:eks/nodeGroup:NodeGroup",
      { scalingConfig: { desiredSize: 4 } },
      { scalingConfig: { desiredSize: 0 } },
      "update",
    ],
    [
      "aws:eks/nodeGroup:NodeGroup",
      { launchTemplate: { id: "lt-1", version: "1" } },
      { launchTemplate: { id: "lt-1", version: "2" } },
      "update",
    ],
    ["aws:redshiftserverless/namespace:Namespace", { dbName: "dev" }, { dbName: "looker" }, "replace"],
    ["aws:redshiftserverless/workgroup:Workgroup", { baseCapacity: 8 }, { baseCapacity: 32 }, "update"],
    ["aws:kinesis/stream:Stream", { name: "a", shardCount: 2 }, { name: "a", shardCount: 4 }, "update"],
    ["aws:kinesis/stream:Stream", { name: "a" }, { name: "b" }, "replace"],
    [
      "aws:emr/securityConfiguration:SecurityConfiguration",
      { configuration: '{"a":1}' },
      { configuration: '{"a":2}' },
      "replace",
    ],
    ["aws:ec2/securityGroup:SecurityGroup", { description: "a" }, { description: "b" }, "replace"],
    [
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      { securityGroupId: "sg-1", cidrIpv4: "10.0.0.0/16" },
      { securityGroupId: "sg-1", cidrIpv4: "10.1.0.0/16" },
      "update",
    ],
    [
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      { securityGroupId: "sg-1", cidrIpv4: "10.0.0.0/16" },
      { securityGroupId: "sg-1", referencedSecurityGroupId: "sg-2" },
      "replace",
    ],
    [
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      { securityGroupId: "sg-1" },
      { securityGroupId: "sg-2" },
      "replace",
    ],
    ["aws:iam/role:Role", { path: "/" }, { path: "/data/" }, "replace"],
    ["aws:iam/role:Role", { assumeRolePolicy: "{}" }, { assumeRolePolicy: '{"Version":"2012-10-17"}' }, "update"],
    [
      "aws:ecr/repository:Repository",
      { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "a" }] },
      { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "b" }] },
      "replace",
    ],
    ["aws:ecr/repository:Repository", { imageTagMutability: "MUTABLE" }, { imageTagMutability: "IMMUTABLE" }, "update"],
    ["awsx:ec2:Vpc", { cidrBlock: "10.42.0.0/16" }, { cidrBlock: "10.43.0.0/16" }, "replace"],
    [
      "aws:ec2/subnet:Subnet",
      { vpcId: "vpc-1", cidrBlock: "10.42.0.0/19" },
      { vpcId: "vpc-1", cidrBlock: "10.43.0.0/19" },
      "replace",
    ],
    [
      "aws:ec2/subnet:Subnet",
      { vpcId: "vpc-1", cidrBlock: "10.42.0.0/19", tags: { Name: "a" } },
      { vpcId: "vpc-1", cidrBlock: "10.42.0.0/19", tags: { Name: "b" } },
      "update",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "subnet-a", allocationId: "eipalloc-1" },
      { subnetId: "subnet-b", allocationId: "eipalloc-1" },
      "replace",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "subnet-a", allocationId: "eipalloc-1" },
      { subnetId: "subnet-a", allocationId: "eipalloc-2" },
      "replace",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "subnet-a", connectivityType: "public" },
      { subnetId: "subnet-a", connectivityType: "private" },
      "replace",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "subnet-a", secondaryAllocationIds: ["eipalloc-2"] },
      { subnetId: "subnet-a", secondaryAllocationIds: ["eipalloc-2", "eipalloc-3"] },
      "update",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "subnet-a", tags: { Name: "a" } },
      { subnetId: "subnet-a", tags: { Name: "b" } },
      "update",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "s", connectivityType: "private", secondaryPrivateIpAddressCount: 1 },
      { subnetId: "s", connectivityType: "private", secondaryPrivateIpAddressCount: 2 },
      "replace",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      { vpcId: "vpc-1", availabilityMode: "regional" },
      {
        vpcId: "vpc-1",
        availabilityMode: "regional",
        availabilityZoneAddresses: [{ availabilityZone: "eu-west-1a", allocationIds: ["eipalloc-1"] }],
      },
      "replace",
    ],
    [
      "aws:ec2/natGateway:NatGateway",
      {
        vpcId: "vpc-1",
        availabilityMode: "regional",
        availabilityZoneAddresses: [{ availabilityZone: "eu-west-1a", allocationIds: ["eipalloc-1"] }],
      },
      {
        vpcId: "vpc-1",
        availabilityMode: "regional",
        availabilityZoneAddresses: [{ availabilityZone: "eu-west-1a", allocationIds: ["eipalloc-2"] }],
      },
      "update",
    ],
    ["aws:ec2/eip:Eip", { domain: "vpc" }, { domain: "standard" }, "replace"],
    [
      "aws:ec2/eip:Eip",
      { domain: "vpc", networkBorderGroup: "eu-west-1" },
      { domain: "vpc", networkBorderGroup: "eu-west-1-lax-1" },
      "replace",
    ],
    ["aws:ec2/eip:Eip", { domain: "vpc", tags: { Name: "a" } }, { domain: "vpc", tags: { Name: "b" } }, "update"],
    ["aws:ec2/internetGateway:InternetGateway", { vpcId: "vpc-1" }, { vpcId: "vpc-2" }, "update"],
    ["aws:ec2/routeTable:RouteTable", { vpcId: "vpc-1" }, { vpcId: "vpc-2" }, "replace"],
    [
      "aws:ec2/routeTable:RouteTable",
      { vpcId: "vpc-1", tags: { Name: "a" } },
      { vpcId: "vpc-1", tags: { Name: "b" } },
      "update",
    ],
    [
      "aws:ec2/route:Route",
      { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
      { routeTableId: "rtb-1", destinationCidrBlock: "10.0.0.0/8", natGatewayId: "nat-1" },
      "replace",
    ],
    [
      "aws:ec2/route:Route",
      { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
      { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-2" },
      "update",
    ],
    [
      "aws:ec2/routeTableAssociation:RouteTableAssociation",
      { subnetId: "subnet-a", routeTableId: "rtb-1" },
      { subnetId: "subnet-b", routeTableId: "rtb-1" },
      "replace",
    ],
    [
      "aws:ec2/routeTableAssociation:RouteTableAssociation",
      { subnetId: "subnet-a", routeTableId: "rtb-1" },
      { subnetId: "subnet-a", routeTableId: "rtb-2" },
      "update",
    ],
    [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      { vpcId: "vpc-1", serviceName: "com.amazonaws.eu-west-1.sts", vpcEndpointType: "Interface" },
      { vpcId: "vpc-1", serviceName: "com.amazonaws.eu-west-1.kms", vpcEndpointType: "Interface" },
      "replace",
    ],
    [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      { vpcId: "vpc-1", vpcEndpointType: "Interface", subnetIds: ["a", "b"] },
      { vpcId: "vpc-1", vpcEndpointType: "Interface", subnetIds: ["a", "b", "c"] },
      "update",
    ],
    [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      { vpcId: "vpc-1", vpcEndpointType: "Interface", privateDnsEnabled: false },
      { vpcId: "vpc-1", vpcEndpointType: "Interface", privateDnsEnabled: true },
      "update",
    ],
    [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      { vpcId: "vpc-1", privateDnsEnabled: false },
      { vpcId: "vpc-1", privateDnsEnabled: true },
      "replace",
    ],
    [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      { vpcId: "vpc-1", vpcEndpointType: "Interface", dnsOptions: { privateDnsPreference: "ALL_DOMAINS" } },
      { vpcId: "vpc-1", vpcEndpointType: "Interface", dnsOptions: { privateDnsPreference: "SPECIFIED_DOMAINS_ONLY" } },
      "replace",
    ],
    [
      "aws:ec2/flowLog:FlowLog",
      { vpcId: "vpc-1", trafficType: "REJECT" },
      { vpcId: "vpc-1", trafficType: "ALL" },
      "replace",
    ],
    [
      "aws:ec2/flowLog:FlowLog",
      { vpcId: "vpc-1", trafficType: "ALL", tags: { Name: "a" } },
      { vpcId: "vpc-1", trafficType: "ALL", tags: { Name: "b" } },
      "update",
    ],
    ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", { vpcId: "vpc-1" }, { vpcId: "vpc-2" }, "replace"],
    [
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      { vpcId: "vpc-1", ingress: [] },
      { vpcId: "vpc-1", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] },
      "update",
    ],
    ["aws:ec2/launchTemplate:LaunchTemplate", { name: "a" }, { name: "b" }, "replace"],
    [
      "aws:ec2/launchTemplate:LaunchTemplate",
      { name: "a", metadataOptions: { httpTokens: "optional" } },
      { name: "a", metadataOptions: { httpTokens: "required" } },
      "update",
    ],
  ])("%s: %j -> %j is a %s", (type, before, after, kind) => {
    const change = diffPlans(doc([resource(type, "r", before)]), doc([resource(type, "r", after)])).changes[0]!;
    expect(change.kind).toBe(kind);
    if (kind === "replace") expect(change.replaceBecause.length).toBeGreaterThan(0);
  });
});

describe("the dangerous list", () => {
  it("lists a stateful replacement and a stateful deletion, not a stateless one", () => {
    const key = resource("aws:kms/key:Key", "k", { keyUsage: "ENCRYPT_DECRYPT" });
    const role = resource("aws:iam/role:Role", "role", { path: "/" });
    const diff = diffPlans(
      doc([bucket(), key, role]),
      doc([
        { ...key, inputs: { keyUsage: "SIGN_VERIFY" } },
        { ...role, inputs: { path: "/x/" } },
      ]),
    );
    expect(diff.dangerous.map((danger) => `${danger.kind} ${danger.urn.split("::").pop()}`)).toEqual([
      "delete-stateful lake-raw",
      "replace-stateful k",
    ]);
    expect(diff.changes.find((change) => change.name === "role")!.kind).toBe("replace");
  });

  it("lists a NAT gateway or Elastic IP replacement with what it does to egress, not a route table's", () => {
    const nat = resource("aws:ec2/natGateway:NatGateway", "platform-nat-a", {
      subnetId: "subnet-a",
      allocationId: "eipalloc-1",
      connectivityType: "public",
    });
    const eip = resource("aws:ec2/eip:Eip", "platform-nat-b", { domain: "vpc" });
    const table = resource("aws:ec2/routeTable:RouteTable", "platform-private-a", { vpcId: "vpc-1" });
    const diff = diffPlans(
      doc([nat, eip, table]),
      doc([
        { ...nat, inputs: { ...nat.inputs, subnetId: "subnet-b" } },
        { ...eip, inputs: { domain: "standard" } },
        { ...table, inputs: { vpcId: "vpc-2" } },
      ]),
    );
    expect(diff.counts).toMatchObject({ replace: 3, update: 0 });
    expect(diff.dangerous.map((danger) => `${danger.kind} ${danger.type}`).sort()).toEqual([
      "replace-stateful aws:ec2/eip:Eip",
      "replace-stateful aws:ec2/natGateway:NatGateway",
    ]);
    const natDanger = diff.dangerous.find((danger) => danger.type === "aws:ec2/natGateway:NatGateway");
    const eipDanger = diff.dangerous.find((danger) => danger.type === "aws:ec2/eip:Eip");
    expect(natDanger!.message).toMatch(
      /^replaced: subnetId changed, egress from the private subnets .* stops .* egress address changes/,
    );
    expect(eipDanger!.message).toMatch(
      /^replaced: domain changed, a different public address: the NAT gateway using it .* is replaced too/,
    );
    // The route table is no danger, but its replacement still says what it does.
    const tableChange = diff.changes.find((change) => change.name === "platform-private-a")!;
    expect(tableChange).toMatchObject({
      kind: "replace",
      stateful: false,
      replaceEffect: expect.stringMatching(/associations move to the new table/),
    });
    expect(changeLines(tableChange)[0]).toMatch(/^replacing it: its subnets' associations move/);
    // An update carries no effect.
    expect(
      diffPlans(doc([nat]), doc([{ ...nat, inputs: { ...nat.inputs, tags: { a: "b" } } }])).changes[0],
    ).not.toHaveProperty("replaceEffect");
    // The terminal keeps the whole sentence, wrapped within 100 columns.
    const text = diffText(diff);
    expect(text.replace(/\s+/g, " ")).toContain(natDanger!.message);
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("lists protection removed in a production stage only", () => {
    const protectedBucket = bucket(
      {},
      { options: { protect: true, retainOnDelete: false, ignoreChanges: [], aliases: [], deleteBeforeReplace: false } },
    );
    const unprotected = bucket();
    expect(diffPlans(doc([protectedBucket]), doc([unprotected])).dangerous.map((danger) => danger.kind)).toEqual([
      "protection-removed",
    ]);
    expect(diffPlans(doc([protectedBucket], "dev"), doc([unprotected], "dev")).dangerous).toEqual([]);
    expect(
      diffPlans(doc([protectedBucket], "live"), doc([unprotected], "live"), { productionStacks: ["live"] }).dangerous,
    ).toHaveLength(1);
  });

  const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
  it.each([
    [
      "a new action",
      policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }),
      policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::b/*" }),
      /new actions s3:putobject/,
    ],
    [
      "a wildcard resource",
      policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
      policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
      /new wildcard resources \*/,
    ],
    [
      "a new principal",
      policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "kms:Decrypt", Resource: "*" }),
      policy({
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] },
        Action: "kms:Decrypt",
        Resource: "*",
      }),
      /new principals AWS:arn:aws:iam::2:root/,
    ],
    [
      "a removed Deny",
      policy(
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" },
      ),
      policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }),
      /Deny statement/,
    ],
  ])("flags a widened policy: %s", (_label, before, after, reason) => {
    expect(policyWidening(before, after).join("; ")).toMatch(reason);
    const type = "aws:iam/rolePolicy:RolePolicy";
    const diff = diffPlans(
      doc([resource(type, "p", { policy: before })]),
      doc([resource(type, "p", { policy: after })]),
    );
    expect(diff.dangerous.map((danger) => danger.kind)).toEqual(["policy-widened"]);
  });

  it("does not flag narrower policies or more specific resources for granted actions", () => {
    const one = policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::a/*"] });
    const two = policy({
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
    });
    expect(policyWidening(one, two)).toEqual([]);
    expect(
      policyWidening(
        policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }),
        policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
      ),
    ).toEqual([]);
  });

  it("flags a security group opened to the world, a widened port range and a wider source; not a new group's rules", () => {
    const type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const group = resource("aws:ec2/securityGroup:SecurityGroup", "sg", { vpcId: "vpc-1" }, { id: "sg-1" });
    const rule = (name: string, inputs: Record<string, unknown>) =>
      resource(type, name, {
        securityGroupId: "sg-1",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "10.0.0.0/16",
        ...inputs,
      });
    const base = doc([group, rule("https", {})]);
    const kinds = (after: PlanResource[]) =>
      diffPlans(base, doc([group, ...after])).dangerous.map((danger) => `${danger.kind} ${danger.message}`);
    expect(kinds([rule("https", { cidrIpv4: "0.0.0.0/0" })])).toEqual([
      "security-group-opened ingress opened: 0.0.0.0/0 -> tcp 443",
    ]);
    expect(kinds([rule("https", { toPort: 8443 })])).toEqual([
      "security-group-opened ingress opened: 10.0.0.0/16 -> tcp 443-8443",
    ]);
    expect(kinds([rule("https", {}), rule("ssh", { fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" })])).toEqual([
      "security-group-opened ingress opened: 10.0.0.0/8 -> tcp 22",
    ]);
    expect(kinds([rule("https", { cidrIpv4: "10.0.1.0/24" })])).toEqual([]);
    const newGroup = resource("aws:ec2/securityGroup:SecurityGroup", "sg2", { vpcId: "vpc-1" }, { id: "sg-2" });
    expect(
      kinds([
        rule("https", {}),
        newGroup,
        resource(type, "new", {
          securityGroupId: "sg-2",
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4: "10.0.0.0/16",
        }),
      ]),
    ).toEqual([]);
  });
});

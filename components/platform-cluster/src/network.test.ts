import { resolveOutput } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { devArgs, prodArgs } from "./__fixtures__/args";
import { account, build, keyArn, parse } from "./__fixtures__/harness";

describe("PlatformCluster network", () => {
  it("builds the awsx VPC from each stage's network config", async () => {
    const prod = (await build(prodArgs())).harness.one("awsx:ec2:Vpc", "platform-vpc");
    expect(prod.inputs).toMatchObject({
      cidrBlock: "10.42.0.0/16",
      numberOfAvailabilityZones: 3,
      natGateways: { strategy: "OnePerAz" },
      subnetStrategy: "Auto",
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetSpecs: [
        { type: "Private", name: "private", cidrMask: 19, tags: { "kubernetes.io/role/internal-elb": "1", "for-use-with-amazon-emr-managed-policies": "true" } },
        { type: "Public", name: "public", cidrMask: 24, tags: { "kubernetes.io/role/elb": "1" } },
      ],
    });
    const dev = (await build(devArgs())).harness.one("awsx:ec2:Vpc", "platform-vpc");
    expect(dev.inputs).toMatchObject({ cidrBlock: "10.40.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } });
    expect((dev.inputs["subnetSpecs"] as { cidrMask: number }[]).map((spec) => spec.cidrMask)).toEqual([18, 24]);
  });

  it("gives workloads private subnets in every AZ and NAT gateways per the stage's strategy", async () => {
    const { cluster } = await build(prodArgs());
    const privateSubnets = (await resolveOutput(cluster.vpc.privateSubnets))!;
    expect(privateSubnets.map((subnet) => subnet.availabilityZone)).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(privateSubnets.every((subnet) => (subnet.mapPublicIpOnLaunch as unknown) === false)).toBe(true);
    expect(await resolveOutput(cluster.vpc.natGateways)).toHaveLength(3);
    const dev = (await build(devArgs())).cluster;
    expect(await resolveOutput(dev.privateSubnetIds)).toHaveLength(2);
    expect(await resolveOutput(dev.vpc.natGateways)).toHaveLength(1);
  });

  it("strips every rule from the default security group", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "platform-default-sg");
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    expect(group.inputs["egress"] ?? []).toEqual([]);
    expect(group.inputs["vpcId"]).toMatch(/^vpc-/);
  });

  it("routes S3 through a gateway endpoint on every private route table, and only those", async () => {
    const { harness, cluster } = await build();
    const associations = (await resolveOutput(cluster.vpc.routeTableAssociations))!;
    const privateIds = new Set(await resolveOutput(cluster.privateSubnetIds));
    const expected = associations.filter((association) => privateIds.has(association.subnetId as unknown as string)).map((association) => association.routeTableId as unknown as string);
    const endpoint = harness.one("aws:ec2/vpcEndpoint:VpcEndpoint", "platform-s3");
    expect(endpoint.inputs).toMatchObject({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" });
    expect(expected).toHaveLength(3);
    expect([...(endpoint.inputs["routeTableIds"] as string[])].sort()).toEqual([...expected].sort());
    expect(endpoint.dependencies).toContain(harness.one("awsx:ec2:Vpc", "platform-vpc").urn);
  });

  it("creates one interface endpoint per configured service, private DNS, in the private subnets", async () => {
    const { harness, cluster } = await build();
    const endpoints = harness.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((endpoint) => endpoint.inputs["vpcEndpointType"] === "Interface");
    expect(endpoints.map((endpoint) => endpoint.inputs["serviceName"]).sort()).toEqual(
      ["ecr.api", "ecr.dkr", "elasticmapreduce", "glue", "kinesis-streams", "kms", "logs", "secretsmanager", "ssm", "sts"].map((service) => `com.amazonaws.eu-west-1.${service}`),
    );
    const privateSubnetIds = await resolveOutput(cluster.privateSubnetIds);
    const securityGroupId = harness.one("aws:ec2/securityGroup:SecurityGroup", "platform-endpoints").id;
    for (const endpoint of endpoints) {
      expect(endpoint.inputs, endpoint.name).toMatchObject({ privateDnsEnabled: true, subnetIds: privateSubnetIds, securityGroupIds: [securityGroupId] });
    }
    expect(harness.one("aws:ec2/vpcEndpoint:VpcEndpoint", "platform-endpoint-ecr-api").inputs["serviceName"]).toBe("com.amazonaws.eu-west-1.ecr.api");
    expect(Object.keys(cluster.interfaceEndpoints)).toContain("kinesis-streams");
  });

  it("names endpoints by service, so changing the list leaves the others alone", async () => {
    const urnsOf = async (interfaceEndpoints: string[]) =>
      (await build(prodArgs({ interfaceEndpoints }))).harness.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((endpoint) => endpoint.urn);
    const before = await urnsOf(["sts", "logs"]);
    const after = await urnsOf(["eks", "logs", "sts"]);
    expect(after.filter((urn) => !before.includes(urn))).toEqual([expect.stringMatching(/::platform-endpoint-eks$/)]);
    expect(before.every((urn) => after.includes(urn))).toBe(true);
  });

  it("admits only HTTPS from the VPC to the interface endpoints", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "platform-endpoints");
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    expect(group.inputs["egress"] ?? []).toEqual([]);
    const rules = harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((rule) => rule.inputs["securityGroupId"] === group.id);
    expect(rules.map((rule) => rule.inputs)).toEqual([expect.objectContaining({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.42.0.0/16" })]);
    expect(harness.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toEqual([]);
  });

  it("logs all VPC traffic to a log group encrypted with a rotating customer key, kept per the stage", async () => {
    const { harness } = await build();
    const group = harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-flow-logs");
    const key = harness.one("aws:kms/key:Key", "platform-logs-key");
    expect(group.inputs).toMatchObject({ name: "/dp/prod/platform/vpc-flow-logs", retentionInDays: 365, kmsKeyId: keyArn(key) });
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const logsStatement = parse(key).Statement.find((statement) => statement.Sid === "CloudWatchLogsForThisAccount");
    expect(logsStatement?.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${account}:log-group:*` } });

    const flowLog = harness.one("aws:ec2/flowLog:FlowLog", "platform-flow-log");
    const role = harness.one("aws:iam/role:Role", "platform-flow-logs");
    expect(flowLog.inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: `arn:aws:logs:eu-west-1:${account}:logGroup/${group.inputs["name"]}` });
    expect(flowLog.inputs["iamRoleArn"]).toBe(`arn:aws:iam::${account}:role/dp-prod-platform-flow-logs`);
    expect(flowLog.dependencies).toContain(harness.one("awsx:ec2:Vpc", "platform-vpc").urn);
    expect(parse(role, "assumeRolePolicy").Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    });
    const delivery = parse(harness.one("aws:iam/rolePolicy:RolePolicy", "platform-flow-logs")).Statement.find((statement) => statement.Sid === "WriteFlowLogs");
    expect(delivery?.Resource).toEqual([flowLog.inputs["logDestination"], `${flowLog.inputs["logDestination"] as string}:*`]);

    const dev = (await build(devArgs())).harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-flow-logs");
    expect(dev.inputs["retentionInDays"]).toBe(30);
  });
});

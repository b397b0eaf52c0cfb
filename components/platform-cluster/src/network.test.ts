import { resolveOutput } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { devArgs, prodArgs } from "./__fixtures__/args";
import { account, build, keyArn, parse } from "./__fixtures__/harness";

describe("PlatformCluster network", () => {
  it("builds the VPC from aws.ec2 resources: DNS on, one private and one public subnet per AZ, named by AZ and tier", async () => {
    const { harness } = await build(prodArgs());
    expect(harness.one("aws:ec2/vpc:Vpc", "platform-vpc").inputs).toEqual({
      cidrBlock: "10.42.0.0/16",
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: "dp-prod-platform" },
    });
    const subnets = Object.fromEntries(
      harness.byType("aws:ec2/subnet:Subnet").map((subnet) => [subnet.name, subnet.inputs]),
    );
    const vpcId = harness.one("aws:ec2/vpc:Vpc", "platform-vpc").id;
    const privateTags = {
      "kubernetes.io/role/internal-elb": "1",
      "for-use-with-amazon-emr-managed-policies": "true",
      SubnetType: "Private",
    };
    // The addresses awsx 3.9's Auto strategy gave the same masks: existing subnets keep their ranges.
    expect(subnets).toEqual({
      "platform-private-a": {
        vpcId,
        availabilityZone: "eu-west-1a",
        cidrBlock: "10.42.0.0/19",
        mapPublicIpOnLaunch: false,
        tags: { ...privateTags, Name: "dp-prod-platform-private-a" },
      },
      "platform-private-b": {
        vpcId,
        availabilityZone: "eu-west-1b",
        cidrBlock: "10.42.64.0/19",
        mapPublicIpOnLaunch: false,
        tags: { ...privateTags, Name: "dp-prod-platform-private-b" },
      },
      "platform-private-c": {
        vpcId,
        availabilityZone: "eu-west-1c",
        cidrBlock: "10.42.128.0/19",
        mapPublicIpOnLaunch: false,
        tags: { ...privateTags, Name: "dp-prod-platform-private-c" },
      },
      "platform-public-a": {
        vpcId,
        availabilityZone: "eu-west-1a",
        cidrBlock: "10.42.32.0/24",
        mapPublicIpOnLaunch: false,
        tags: { "kubernetes.io/role/elb": "1", SubnetType: "Public", Name: "dp-prod-platform-public-a" },
      },
      "platform-public-b": {
        vpcId,
        availabilityZone: "eu-west-1b",
        cidrBlock: "10.42.96.0/24",
        mapPublicIpOnLaunch: false,
        tags: { "kubernetes.io/role/elb": "1", SubnetType: "Public", Name: "dp-prod-platform-public-b" },
      },
      "platform-public-c": {
        vpcId,
        availabilityZone: "eu-west-1c",
        cidrBlock: "10.42.160.0/24",
        mapPublicIpOnLaunch: false,
        tags: { "kubernetes.io/role/elb": "1", SubnetType: "Public", Name: "dp-prod-platform-public-c" },
      },
    });
    const dev = (await build(devArgs())).harness
      .byType("aws:ec2/subnet:Subnet")
      .map((subnet) => [subnet.name, subnet.inputs["cidrBlock"]]);
    expect(dev.sort()).toEqual([
      ["platform-private-a", "10.40.0.0/18"],
      ["platform-private-b", "10.40.128.0/18"],
      ["platform-public-a", "10.40.64.0/24"],
      ["platform-public-b", "10.40.192.0/24"],
    ]);
  });

  it("routes public subnets to the internet gateway and private ones to the NAT gateway of their own AZ (onePerAz)", async () => {
    const { harness, cluster } = await build(prodArgs());
    const igw = harness.one("aws:ec2/internetGateway:InternetGateway", "platform-igw");
    expect(igw.inputs["vpcId"]).toBe(harness.one("aws:ec2/vpc:Vpc", "platform-vpc").id);
    for (const zone of ["a", "b", "c"]) {
      const subnet = (tier: string) => harness.one("aws:ec2/subnet:Subnet", `platform-${tier}-${zone}`);
      const table = (tier: string) => harness.one("aws:ec2/routeTable:RouteTable", `platform-${tier}-${zone}`);
      for (const tier of ["private", "public"]) {
        expect(
          harness.one("aws:ec2/routeTableAssociation:RouteTableAssociation", `platform-${tier}-${zone}`).inputs,
        ).toEqual({ subnetId: subnet(tier).id, routeTableId: table(tier).id });
      }
      const nat = harness.one("aws:ec2/natGateway:NatGateway", `platform-nat-${zone}`);
      const address = harness.one("aws:ec2/eip:Eip", `platform-nat-${zone}`);
      expect(nat.inputs).toEqual({
        subnetId: subnet("public").id,
        allocationId: address.id,
        connectivityType: "public",
        tags: { Name: `dp-prod-platform-nat-${zone}` },
      });
      expect(nat.dependencies).toContain(igw.urn);
      expect(address.inputs).toEqual({ domain: "vpc", tags: { Name: `dp-prod-platform-nat-${zone}` } });
      expect(harness.one("aws:ec2/route:Route", `platform-public-${zone}`).inputs).toEqual({
        routeTableId: table("public").id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: igw.id,
      });
      expect(harness.one("aws:ec2/route:Route", `platform-private-${zone}`).inputs).toEqual({
        routeTableId: table("private").id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      });
    }
    expect(Object.keys(cluster.natGateways)).toEqual(["a", "b", "c"]);
    expect(await resolveOutput(cluster.privateSubnetIds)).toEqual(
      ["a", "b", "c"].map((zone) => harness.one("aws:ec2/subnet:Subnet", `platform-private-${zone}`).id),
    );
    expect(await resolveOutput(cluster.publicSubnetIds)).toEqual(
      ["a", "b", "c"].map((zone) => harness.one("aws:ec2/subnet:Subnet", `platform-public-${zone}`).id),
    );
  });

  it("shows every subnet's range, AZ and tier already in a first preview, before any id exists", async () => {
    const { harness } = await build(prodArgs(), { mode: "preview" });
    const subnets = harness
      .byType("aws:ec2/subnet:Subnet")
      .map((subnet) => [
        subnet.name,
        subnet.inputs["availabilityZone"],
        subnet.inputs["cidrBlock"],
        (subnet.inputs["tags"] as Record<string, string>)["SubnetType"],
      ]);
    expect(subnets.sort()).toEqual([
      ["platform-private-a", "eu-west-1a", "10.42.0.0/19", "Private"],
      ["platform-private-b", "eu-west-1b", "10.42.64.0/19", "Private"],
      ["platform-private-c", "eu-west-1c", "10.42.128.0/19", "Private"],
      ["platform-public-a", "eu-west-1a", "10.42.32.0/24", "Public"],
      ["platform-public-b", "eu-west-1b", "10.42.96.0/24", "Public"],
      ["platform-public-c", "eu-west-1c", "10.42.160.0/24", "Public"],
    ]);
    expect(
      harness
        .byType("aws:ec2/natGateway:NatGateway")
        .map((nat) => nat.name)
        .sort(),
    ).toEqual(["platform-nat-a", "platform-nat-b", "platform-nat-c"]);
    expect(harness.byType("aws:ec2/route:Route").map((route) => route.inputs["destinationCidrBlock"])).toEqual(
      Array(6).fill("0.0.0.0/0"),
    );
  });

  it("shares one NAT gateway in the first AZ with the single strategy", async () => {
    const { harness, cluster } = await build(devArgs());
    const nat = harness.one("aws:ec2/natGateway:NatGateway", "platform-nat-a");
    expect(harness.byType("aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(harness.byType("aws:ec2/eip:Eip")).toHaveLength(1);
    expect(nat.inputs["subnetId"]).toBe(harness.one("aws:ec2/subnet:Subnet", "platform-public-a").id);
    for (const zone of ["a", "b"])
      expect(harness.one("aws:ec2/route:Route", `platform-private-${zone}`).inputs["natGatewayId"]).toBe(nat.id);
    expect(await resolveOutput(cluster.privateSubnetIds)).toHaveLength(2);
  });

  it("names every network resource after its AZ and tier: switching NAT strategy or adding a zone leaves the others alone", async () => {
    const urnsOf = async (args: ReturnType<typeof prodArgs>) =>
      (await build(args)).harness.registrations
        .filter((registration) => registration.type.startsWith("aws:ec2/"))
        .map((registration) => registration.urn);
    const single = await urnsOf(prodArgs({ natGateways: "single" }));
    const perAz = await urnsOf(prodArgs());
    expect(
      perAz
        .filter((urn) => !single.includes(urn))
        .map((urn) => urn.split("::").pop())
        .sort(),
    ).toEqual(["platform-nat-b", "platform-nat-b", "platform-nat-c", "platform-nat-c"]);
    expect(single.every((urn) => perAz.includes(urn))).toBe(true);
    const chosen = (await build(prodArgs({ availabilityZones: ["a", "b", "d"] }))).harness;
    expect(chosen.one("aws:ec2/subnet:Subnet", "platform-private-d").inputs).toMatchObject({
      availabilityZone: "eu-west-1d",
      cidrBlock: "10.42.128.0/19",
    });
    expect(chosen.one("aws:ec2/subnet:Subnet", "platform-private-a").urn).toBe(
      perAz.find((urn) => urn.endsWith("Subnet::platform-private-a")),
    );
  });

  it("strips every rule from the default security group", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "platform-default-sg");
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    expect(group.inputs["egress"] ?? []).toEqual([]);
    expect(group.inputs["vpcId"]).toMatch(/^vpc-/);
  });

  it("routes S3 through a gateway endpoint on every private route table, and only those", async () => {
    const { harness } = await build();
    const endpoint = harness.one("aws:ec2/vpcEndpoint:VpcEndpoint", "platform-s3");
    expect(endpoint.inputs).toMatchObject({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" });
    expect(endpoint.inputs["routeTableIds"]).toEqual(
      ["a", "b", "c"].map((zone) => harness.one("aws:ec2/routeTable:RouteTable", `platform-private-${zone}`).id),
    );
    expect(endpoint.dependencies).toContain(harness.one("aws:ec2/vpc:Vpc", "platform-vpc").urn);
  });

  it("creates one interface endpoint per configured service, private DNS, in the private subnets", async () => {
    const { harness, cluster } = await build();
    const endpoints = harness
      .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
      .filter((endpoint) => endpoint.inputs["vpcEndpointType"] === "Interface");
    expect(endpoints.map((endpoint) => endpoint.inputs["serviceName"]).sort()).toEqual(
      [
        "ecr.api",
        "ecr.dkr",
        "elasticmapreduce",
        "glue",
        "kinesis-streams",
        "kms",
        "lakeformation",
        "logs",
        "secretsmanager",
        "ssm",
        "sts",
      ].map((service) => `com.amazonaws.eu-west-1.${service}`),
    );
    const privateSubnetIds = await resolveOutput(cluster.privateSubnetIds);
    const securityGroupId = harness.one("aws:ec2/securityGroup:SecurityGroup", "platform-endpoints").id;
    for (const endpoint of endpoints) {
      expect(endpoint.inputs, endpoint.name).toMatchObject({
        privateDnsEnabled: true,
        subnetIds: privateSubnetIds,
        securityGroupIds: [securityGroupId],
      });
    }
    expect(harness.one("aws:ec2/vpcEndpoint:VpcEndpoint", "platform-endpoint-ecr-api").inputs["serviceName"]).toBe(
      "com.amazonaws.eu-west-1.ecr.api",
    );
    expect(Object.keys(cluster.interfaceEndpoints)).toContain("kinesis-streams");
  });

  it("names endpoints by service, so changing the list leaves the others alone", async () => {
    const urnsOf = async (interfaceEndpoints: string[]) =>
      (await build(prodArgs({ interfaceEndpoints }))).harness
        .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .map((endpoint) => endpoint.urn);
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
    const rules = harness
      .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((rule) => rule.inputs["securityGroupId"] === group.id);
    expect(rules.map((rule) => rule.inputs)).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.42.0.0/16" }),
    ]);
    expect(harness.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toEqual([]);
  });

  it("logs all VPC traffic to a log group encrypted with a rotating customer key, kept per the stage", async () => {
    const { harness } = await build();
    const group = harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-flow-logs");
    const key = harness.one("aws:kms/key:Key", "platform-logs-key");
    expect(group.inputs).toMatchObject({
      name: "/dp/prod/platform/vpc-flow-logs",
      retentionInDays: 365,
      kmsKeyId: keyArn(key),
    });
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    // Only CloudWatch Logs uses the logs key: no data use through IAM.
    expect(parse(key).Statement.map((statement) => statement.Sid)).toEqual([
      "KeyAdministration",
      "KeyAdministrationGrantsForAwsResources",
      "KeyUseByCloudWatchLogs",
    ]);
    const logsStatement = parse(key).Statement.find((statement) => statement.Sid === "KeyUseByCloudWatchLogs");
    expect(logsStatement?.Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${account}:log-group:*` },
    });

    const flowLog = harness.one("aws:ec2/flowLog:FlowLog", "platform-flow-log");
    const role = harness.one("aws:iam/role:Role", "platform-flow-logs");
    expect(flowLog.inputs).toMatchObject({
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: `arn:aws:logs:eu-west-1:${account}:logGroup/${group.inputs["name"]}`,
    });
    expect(flowLog.inputs["iamRoleArn"]).toBe(`arn:aws:iam::${account}:role/dp-prod-platform-flow-logs`);
    expect(flowLog.dependencies).toContain(harness.one("aws:ec2/vpc:Vpc", "platform-vpc").urn);
    expect(parse(role, "assumeRolePolicy").Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    });
    const delivery = parse(harness.one("aws:iam/rolePolicy:RolePolicy", "platform-flow-logs")).Statement.find(
      (statement) => statement.Sid === "WriteFlowLogs",
    );
    expect(delivery?.Resource).toEqual([
      flowLog.inputs["logDestination"],
      `${flowLog.inputs["logDestination"] as string}:*`,
    ]);

    const dev = (await build(devArgs())).harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-flow-logs");
    expect(dev.inputs["retentionInDays"]).toBe(30);
  });
});

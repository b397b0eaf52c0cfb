import { describe, expect, it } from "vitest";
import { estimateMonthlyCost, intelligentTiering, type CostedResource } from "./estimate";
import { defaultPriceTable, withPriceOverrides } from "./prices";
import { defaultUsage, usageFor, type UsageModel } from "./usage";

let counter = 0;
const resource = (type: string, inputs: Record<string, unknown>, name = `r${++counter}`): CostedResource => ({
  urn: `urn:pulumi:prod::p::${type}::${name}`,
  type,
  name,
  inputs,
});

// Usage that adds nothing, so a row's dollars come from the plan's inputs alone.
const noUsage: UsageModel = {
  ...defaultUsage,
  s3PutsMillionPerDay: 0,
  s3GetsMillionPerDay: 0,
  mwaaExtraWorkerHoursPerDay: 0,
  streamingShare: 0,
  natGbPerDay: 0,
  interfaceEndpointGbPerDay: 0,
  kmsRequestsMillionPerDay: 0,
  logGbPerGroupPerDay: 0,
};

describe("estimateMonthlyCost: known inputs -> known dollars", () => {
  it.each<[string, CostedResource[], number]>([
    [
      "MWAA mw1.small, 1 worker: 0.49 x 730",
      [resource("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", minWorkers: 1 })],
      357.7,
    ],
    [
      "MWAA mw1.medium, 3 workers: 0.74 x 730 + 2 x 0.11 x 730",
      [resource("aws:mwaa/environment:Environment", { environmentClass: "mw1.medium", minWorkers: 3 })],
      700.8,
    ],
    [
      "4 x r7g.4xlarge on demand: 4 x 0.9592 x 730",
      [
        resource("aws:eks/nodeGroup:NodeGroup", {
          instanceTypes: ["r7g.4xlarge", "r6g.4xlarge"],
          capacityType: "ON_DEMAND",
          scalingConfig: { desiredSize: 4 },
        }),
      ],
      2800.86,
    ],
    [
      "1 x r7g.xlarge Spot: 0.2398 x 0.4 x 730",
      [
        resource("aws:eks/nodeGroup:NodeGroup", {
          instanceTypes: ["r7g.xlarge"],
          capacityType: "SPOT",
          scalingConfig: { desiredSize: 1 },
        }),
      ],
      70.02,
    ],
    ["an EKS control plane: 0.10 x 730", [resource("aws:eks/cluster:Cluster", {})], 73],
    [
      "awsx VPC, one NAT per AZ in 3 AZs, each with its Elastic IP: 3 x (0.048 + 0.005) x 730",
      [resource("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 3 })],
      116.07,
    ],
    [
      "awsx VPC, a single NAT and its Elastic IP: (0.048 + 0.005) x 730",
      [resource("awsx:ec2:Vpc", { natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 2 })],
      38.69,
    ],
    ["an Elastic IP, in use or idle: 0.005 x 730", [resource("aws:ec2/eip:Eip", { domain: "vpc" })], 3.65],
    [
      "a NAT gateway and its Elastic IP: 0.048 x 730 + 0.005 x 730",
      [
        resource("aws:ec2/eip:Eip", { domain: "vpc" }),
        resource("aws:ec2/natGateway:NatGateway", { connectivityType: "public", allocationId: "eipalloc-1" }),
      ],
      38.69,
    ],
    [
      "an Elastic IP from your own pool (BYOIP) is not charged",
      [resource("aws:ec2/eip:Eip", { domain: "vpc", publicIpv4Pool: "ipv4pool-ec2-0123456789abcdef0" })],
      0,
    ],
    [
      "an Elastic IP from Amazon's pool named explicitly is",
      [resource("aws:ec2/eip:Eip", { domain: "vpc", publicIpv4Pool: "amazon" })],
      3.65,
    ],
    [
      "two aws.ec2 NAT gateways win over the VPC's strategy: 2 x 0.048 x 730",
      [
        resource("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 3 }),
        resource("aws:ec2/natGateway:NatGateway", {}),
        resource("aws:ec2/natGateway:NatGateway", {}),
      ],
      70.08,
    ],
    [
      "an interface endpoint in 3 AZs: 3 x 0.011 x 730",
      [
        resource("aws:ec2/vpcEndpoint:VpcEndpoint", {
          vpcEndpointType: "Interface",
          subnetIds: ["a", "b", "c"],
          serviceName: "com.amazonaws.eu-west-1.sts",
        }),
      ],
      24.09,
    ],
    [
      "a gateway endpoint is free",
      [
        resource("aws:ec2/vpcEndpoint:VpcEndpoint", {
          vpcEndpointType: "Gateway",
          serviceName: "com.amazonaws.eu-west-1.s3",
        }),
      ],
      0,
    ],
    [
      "10 provisioned Kinesis shards: 10 x 0.015 x 730",
      [resource("aws:kinesis/stream:Stream", { shardCount: 10, streamModeDetails: { streamMode: "PROVISIONED" } })],
      109.5,
    ],
    [
      "Flink parallelism 21 at 1 per KPU: 22 KPUs x 0.127 x 730",
      [
        resource("aws:kinesisanalyticsv2/application:Application", {
          applicationConfiguration: {
            flinkApplicationConfiguration: { parallelismConfiguration: { parallelism: 21, parallelismPerKpu: 1 } },
          },
        }),
      ],
      2039.62,
    ],
    [
      "Redshift Serverless 8 base RPUs, 8 h/day: 8 x 8 x 30.42 x 0.375",
      [resource("aws:redshiftserverless/workgroup:Workgroup", { baseCapacity: 8 })],
      730,
    ],
    [
      "a KMS key and a secret: 1 + 0.40",
      [resource("aws:kms/key:Key", {}), resource("aws:secretsmanager/secret:Secret", {})],
      1.4,
    ],
  ])("%s", (_label, resources, dollars) => {
    expect(estimateMonthlyCost(resources, { usage: noUsage }).total).toBeCloseTo(dollars, 1);
  });

  it("prices lake storage from the usage model and the plan's lifecycle rules", () => {
    const landing = resource("aws:s3/bucket:Bucket", { bucket: "dp-prod-landing-1" });
    const raw = resource("aws:s3/bucket:Bucket", { bucket: "dp-prod-orders-raw-1" });
    const resources = [
      landing,
      raw,
      resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", {
        bucket: "dp-prod-landing-1",
        rules: [{ id: "expire", status: "Enabled", filter: { prefix: "" }, expiration: { days: 30 } }],
      }),
      resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", {
        bucket: "dp-prod-orders-raw-1",
        rules: [
          {
            id: "it",
            status: "Enabled",
            filter: { prefix: "" },
            transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
          },
        ],
      }),
    ];
    const result = estimateMonthlyCost(resources, { usage: { ...noUsage, monthsOfHistory: 12 } });
    const byItem = (pattern: RegExp) =>
      result.lines.filter((line) => pattern.test(line.item)).reduce((sum, line) => sum + line.monthlyUsd, 0);
    // Landing: 2,000 GB/day kept 30 days in Standard.
    expect(byItem(/^landing zone storage/)).toBeCloseTo(2000 * 30 * 0.023, 1);
    // Raw: 1,000 GB/day for 365 days: 30 days frequent, 60 infrequent, 275 archive instant.
    expect(byItem(/raw zone storage.*frequent$/)).toBeCloseTo(30_000 * 0.023 + 60_000 * 0.0125, 1);
    expect(byItem(/raw zone storage.*archive instant$/)).toBeCloseTo(275_000 * 0.004, 1);
    expect(intelligentTiering(10, 20)).toEqual({ frequent: 200, infrequent: 0, archiveInstant: 0 });
  });

  it("prices ephemeral Spark per domain template and Fargate per task definition from the usage model", () => {
    const template = resource("aws:ssm/parameter:Parameter", { name: "/dp/prod/spark/orders/run-job-flow" });
    const task = resource("aws:ecs/taskDefinition:TaskDefinition", {
      cpu: "1024",
      memory: "2048",
      runtimePlatform: { cpuArchitecture: "ARM64" },
    });
    const usage = {
      ...noUsage,
      emrClusterHoursPerDomainPerDay: 2,
      emrVcpusPerCluster: 16,
      emrSpotShare: 0.5,
      fargateTaskHoursPerDomainPerDay: 1,
    };
    const result = estimateMonthlyCost([template, task], { usage });
    const month = 365 / 12;
    // 2 h x 16 vCPU x 30.42 days x (0.183 / 4) x (0.5 + 0.5 x 0.4 + 0.25 uplift)
    expect(result.lines.find((line) => line.urn === template.urn)!.monthlyUsd).toBeCloseTo(
      2 * 16 * month * (0.183 / 4) * (0.5 + 0.5 * 0.4 + 0.25),
      1,
    );
    // 1 vCPU + 2 GB for 1 h/day on ARM (20% less)
    expect(
      result.lines.filter((line) => line.urn === task.urn).reduce((sum, line) => sum + line.monthlyUsd, 0),
    ).toBeCloseTo(month * (0.04048 + 2 * 0.004445) * 0.8, 1);
  });

  it("takes user price overrides and lists what it cannot price instead of guessing", () => {
    const small = resource("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", minWorkers: 1 });
    const micro = resource("aws:mwaa/environment:Environment", { environmentClass: "mw1.micro", minWorkers: 1 });
    const prices = withPriceOverrides(defaultPriceTable, { "mwaa.mw1.small": 0.6 }, "test");
    const result = estimateMonthlyCost([small, micro], { prices, usage: noUsage });
    expect(result.total).toBeCloseTo(0.6 * 730, 2);
    expect(result.unpriced).toEqual([{ urn: micro.urn, item: "MWAA mw1.micro environment", price: "mwaa.mw1.micro" }]);
  });

  it("merges usage overrides per stage and rejects unknown keys and bad values", () => {
    expect(usageFor("prod", { "*": { dataTbPerDay: 1 }, prod: { monthsOfHistory: 24 } })).toMatchObject({
      dataTbPerDay: 1,
      monthsOfHistory: 24,
    });
    expect(usageFor("dev", { "*": { dataTbPerDay: 1 }, prod: { monthsOfHistory: 24 } }).monthsOfHistory).toBe(
      defaultUsage.monthsOfHistory,
    );
    expect(() => usageFor("prod", { prod: { dataTbPerdDay: 1 } as never }, "usage.json")).toThrow(
      /usage\.json: prod\.dataTbPerdDay: unknown usage key/,
    );
    expect(() => usageFor("prod", { prod: { dataTbPerDay: -1 } }, "usage.json")).toThrow(
      /usage\.json: prod\.dataTbPerDay: must be a number >= 0/,
    );
  });

  it("gives every price a source", () => {
    for (const [key, price] of Object.entries(defaultPriceTable.prices)) {
      expect(price.source, key).not.toBe("");
      expect(price.usd, key).toBeGreaterThan(0);
    }
  });
});

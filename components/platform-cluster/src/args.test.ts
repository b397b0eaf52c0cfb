import { describe, expect, it } from "vitest";
import { isGraviton, validatePlatformClusterArgs, type PlatformClusterArgs } from "./args";
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { accessEntries, nodeGroupPlan, schedulingFor } from "./cluster";
import { availabilityZoneName, defaultZones, endpointKey, natZoneFor, natZones, subnetLayout, zoneSubnets } from "./network";
import { devArgs, prodArgs } from "./__fixtures__/args";

const problemsOf = (args: PlatformClusterArgs): string => {
  try {
    validatePlatformClusterArgs("platform", args);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("validatePlatformClusterArgs", () => {
  it("accepts the dev and prod stage shapes", () => {
    expect(problemsOf(devArgs())).toBe("");
    expect(problemsOf(prodArgs())).toBe("");
    expect(problemsOf(prodArgs({ publicAccessCidrs: ["203.0.113.0/24"], apiAccessCidrs: ["10.1.0.0/16", "10.42.10.0/24"], karpenter: true }))).toBe("");
  });

  it("fails when a public access CIDR is a /0", () => {
    expect(problemsOf(prodArgs({ publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }))).toMatch(/publicAccessCidrs: 0\.0\.0\.0\/0 would open the API endpoint to the internet/);
  });

  it("fails when a public access CIDR is malformed", () => {
    expect(problemsOf(prodArgs({ publicAccessCidrs: ["203.0.113.7/24"] }))).toMatch(/publicAccessCidrs: "203\.0\.113\.7\/24" has host bits set/);
  });

  it("fails when a private API access range is outside the VPC and every reserved range", () => {
    expect(problemsOf(prodArgs({ apiAccessCidrs: ["192.168.0.0/16"] }))).toMatch(/apiAccessCidrs: 192\.168\.0\.0\/16 must lie inside the VPC or a reserved/);
    expect(problemsOf(prodArgs({ apiAccessCidrs: ["0.0.0.0/0"] }))).toMatch(/apiAccessCidrs: 0\.0\.0\.0\/0/);
  });

  it("fails when there is no system node group to run the add-ons", () => {
    const { system: _system, ...rest } = prodArgs().nodeGroups;
    expect(problemsOf(prodArgs({ nodeGroups: rest }))).toMatch(/nodeGroups must include "system"/);
    expect(problemsOf(prodArgs({ nodeGroups: { ...rest, system: { instanceTypes: ["m7g.large"], minSize: 0, desiredSize: 0, maxSize: 2 } } }))).toMatch(/system\.minSize must be at least 1/);
  });

  it("fails when a node group mixes Graviton and x86 instance types", () => {
    const nodeGroups = { ...prodArgs().nodeGroups, query: { instanceTypes: ["r7g.4xlarge", "r6i.4xlarge"], minSize: 1, desiredSize: 1, maxSize: 2 } };
    expect(problemsOf(prodArgs({ nodeGroups }))).toMatch(/nodeGroups\.query\.instanceTypes mixes Graviton and x86/);
  });

  it("fails when node group sizes are out of order or the disk is too small", () => {
    const nodeGroups = { ...prodArgs().nodeGroups, query: { instanceTypes: ["r7g.xlarge"], minSize: 3, desiredSize: 2, maxSize: 5, diskSizeGiB: 10 } };
    const message = problemsOf(prodArgs({ nodeGroups }));
    expect(message).toMatch(/nodeGroups\.query: sizes must be whole numbers with 0 <= minSize <= desiredSize <= maxSize/);
    expect(message).toMatch(/nodeGroups\.query\.diskSizeGiB must be a whole number from 20/);
  });

  it("fails when the VPC range is outside /16-/20 or overlaps a reserved range", () => {
    expect(problemsOf(prodArgs({ vpcCidr: "10.42.0.0/24" }))).toMatch(/vpcCidr 10\.42\.0\.0\/24 must be a \/16 to \/20/);
    expect(problemsOf(prodArgs({ vpcCidr: "10.2.0.0/16" }))).toMatch(/vpcCidr 10\.2\.0\.0\/16 overlaps the reserved range 10\.0\.0\.0\/14/);
    expect(problemsOf(prodArgs({ availabilityZones: ["a", "b", "d"] }))).toBe("");
    const zones = problemsOf(prodArgs({ availabilityZones: ["a", "a", "eu-west-1b", "c"] }));
    expect(zones).toMatch(/availabilityZones: "eu-west-1b" must be an AZ suffix, one lowercase letter such as a/);
    expect(zones).toMatch(/availabilityZones lists "a" twice/);
    expect(zones).toMatch(/availabilityZones lists 4 zones, but availabilityZoneCount is 3/);
  });

  it("fails when the AZ count, NAT strategy, version or retention are not supported", () => {
    const message = problemsOf(
      prodArgs({ availabilityZoneCount: 4, natGateways: "none" as never, kubernetesVersion: "1.29", flowLogRetentionDays: 45, controlPlaneLogRetentionDays: 0 }),
    );
    expect(message).toMatch(/availabilityZoneCount must be 2 or 3, got 4/);
    expect(message).toMatch(/natGateways must be "single" or "onePerAz"/);
    expect(message).toMatch(/kubernetesVersion 1\.29 is older than 1\.31/);
    expect(message).toMatch(/flowLogRetentionDays must be a CloudWatch Logs retention value/);
    expect(message).toMatch(/controlPlaneLogRetentionDays must be a CloudWatch Logs retention value/);
    expect(problemsOf(prodArgs({ kubernetesVersion: "latest" }))).toMatch(/kubernetesVersion "latest" must be a version such as 1\.33/);
  });

  it("fails when an interface endpoint is listed twice, is malformed, or is S3", () => {
    const message = problemsOf(prodArgs({ interfaceEndpoints: ["sts", "sts", "ECR API", "s3"] }));
    expect(message).toMatch(/interfaceEndpoints lists "sts" twice/);
    expect(message).toMatch(/"ECR API" is not a service name/);
    expect(message).toMatch(/"s3" always has a gateway endpoint/);
  });

  it("fails when access roles are not role ARNs or are both admin and read-only", () => {
    const admin = "arn:aws:iam::111111111111:role/platform-admins";
    const message = problemsOf(prodArgs({ adminRoleArns: [admin, "arn:aws:iam::111111111111:user/alice"], readOnlyRoleArns: [admin] }));
    expect(message).toMatch(/adminRoleArns: "arn:aws:iam::111111111111:user\/alice" is not an IAM role ARN/);
    expect(message).toMatch(/is in both adminRoleArns and readOnlyRoleArns/);
  });

  it("lists every problem in one error naming the component", () => {
    const message = problemsOf(prodArgs({ prefix: "DP", publicAccessCidrs: ["0.0.0.0/0"], nodeGroups: {} }));
    expect(message.split("\n")[0]).toBe('PlatformCluster "platform": invalid args:');
    expect(message.split("\n").filter((line) => line.startsWith("- "))).toHaveLength(3);
  });
});

describe("pure helpers", () => {
  it("tell Graviton instance types from x86 ones", () => {
    for (const type of ["m7g.large", "r7g.4xlarge", "r6gd.xlarge", "c6gn.large", "im4gn.large", "is4gen.xlarge", "t4g.small", "x2gd.xlarge", "m8g.large"]) expect(isGraviton(type), type).toBe(true);
    for (const type of ["m5.large", "r6i.4xlarge", "m7a.xlarge", "g5.xlarge", "c7i.large", "u-6tb1.metal", "r7iz.large"]) expect(isGraviton(type), type).toBe(false);
  });

  it("size subnets per AZ: half of each AZ block private, a small public subnet", () => {
    expect(subnetLayout("10.42.0.0/16", 3)).toEqual({ availabilityZoneMask: 18, privateMask: 19, publicMask: 24 });
    expect(subnetLayout("10.40.0.0/16", 2)).toEqual({ availabilityZoneMask: 17, privateMask: 18, publicMask: 24 });
    expect(subnetLayout("10.50.0.0/20", 3)).toEqual({ availabilityZoneMask: 22, privateMask: 23, publicMask: 26 });
  });

  it("lay each AZ's subnets out in its own block: private first, public right after", () => {
    expect(zoneSubnets("10.42.0.0/16", ["a", "b", "c"])).toEqual([
      { zone: "a", privateCidr: "10.42.0.0/19", publicCidr: "10.42.32.0/24" },
      { zone: "b", privateCidr: "10.42.64.0/19", publicCidr: "10.42.96.0/24" },
      { zone: "c", privateCidr: "10.42.128.0/19", publicCidr: "10.42.160.0/24" },
    ]);
    expect(zoneSubnets("10.50.0.0/20", ["a", "c"])).toEqual([
      { zone: "a", privateCidr: "10.50.0.0/22", publicCidr: "10.50.4.0/25" },
      { zone: "c", privateCidr: "10.50.8.0/22", publicCidr: "10.50.12.0/25" },
    ]);
  });

  it("put NAT gateways in every zone or only the first, and route each zone to its own when it has one", () => {
    expect(defaultZones(3)).toEqual(["a", "b", "c"]);
    expect(natZones("single", ["b", "c"])).toEqual(["b"]);
    expect(natZones("onePerAz", ["a", "b"])).toEqual(["a", "b"]);
    expect(natZoneFor("c", ["a", "b", "c"])).toBe("c");
    expect(natZoneFor("c", ["a"])).toBe("a");
    expect(() => natZoneFor("a", [])).toThrow(/no NAT gateway zone/);
  });

  it("check each zone against the region's available AZs, naming the component", () => {
    expect(availabilityZoneName("platform", "eu-west-1", "b", ["eu-west-1a", "eu-west-1b"])).toBe("eu-west-1b");
    expect(() => availabilityZoneName("platform", "eu-west-1", "z", ["eu-west-1a", "eu-west-1b"])).toThrow('PlatformCluster "platform": availability zone eu-west-1z is not available in eu-west-1 (available: eu-west-1a, eu-west-1b)');
  });

  it("name endpoints after their service", () => {
    expect(endpointKey("ecr.api")).toBe("ecr-api");
    expect(endpointKey("kinesis-streams")).toBe("kinesis-streams");
  });

  it("taint the dedicated node groups and pick the AMI architecture from the instance types", () => {
    expect(nodeGroupPlan("query", { instanceTypes: ["r7g.4xlarge"], minSize: 0, desiredSize: 1, maxSize: 2 })).toEqual({
      amiType: "AL2023_ARM_64_STANDARD",
      capacityType: "ON_DEMAND",
      diskSizeGiB: 50,
      labels: { "data-platform.io/node-group": "query" },
      taints: [{ key: "data-platform.io/dedicated", value: "query", effect: "NO_SCHEDULE" }],
    });
    expect(nodeGroupPlan("notebooks", { instanceTypes: ["m7i.xlarge"], capacityType: "SPOT", minSize: 0, desiredSize: 0, maxSize: 2, diskSizeGiB: 100 })).toMatchObject({
      amiType: "AL2023_x86_64_STANDARD",
      capacityType: "SPOT",
      diskSizeGiB: 100,
      taints: [{ key: "data-platform.io/dedicated", value: "notebooks", effect: "NO_SCHEDULE" }],
    });
    expect(nodeGroupPlan("system", { instanceTypes: ["m7g.large"], minSize: 1, desiredSize: 1, maxSize: 2 }).taints).toEqual([]);
    expect(schedulingFor("query")).toEqual({
      nodeSelector: { "data-platform.io/node-group": "query" },
      tolerations: [{ key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" }],
    });
  });

  it("key access entries by role name, whatever the list order", () => {
    const a = "arn:aws:iam::111111111111:role/team/platform-admins";
    const b = "arn:aws:iam::111111111111:role/break-glass";
    expect(Object.keys(accessEntries([a, b], ["arn:aws:iam::111111111111:role/oncall"]))).toEqual(["admin-break-glass", "admin-platform-admins", "read-only-oncall"]);
    expect(Object.keys(accessEntries([b, a], []))).toEqual(Object.keys(accessEntries([a, b], [])));
  });

  it("parse, compare and nest CIDRs", () => {
    const cidr = (text: string) => parseCidr(text) as Cidr;
    expect(parseCidr("10.42.0.0/16")).toEqual({ text: "10.42.0.0/16", network: 10 * 2 ** 24 + 42 * 2 ** 16, prefixLength: 16 });
    expect(parseCidr("255.255.255.0/24")).toMatchObject({ network: 4294967040 });
    expect(parseCidr("10.42.0.1/16")).toMatch(/host bits set; the network address is 10\.42\.0\.0\/16/);
    expect(parseCidr("10.42.0.0")).toMatch(/expected an IPv4 CIDR/);
    expect(cidrsOverlap(cidr("10.0.0.0/14"), cidr("10.3.0.0/16"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/14"), cidr("10.4.0.0/16"))).toBe(false);
    expect(cidrContains(cidr("10.42.0.0/16"), cidr("10.42.8.0/24"))).toBe(true);
    expect(cidrContains(cidr("10.42.8.0/24"), cidr("10.42.0.0/16"))).toBe(false);
  });
});

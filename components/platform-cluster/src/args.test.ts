import { describe, expect, it } from "vitest";
import { isGraviton, platformClusterArgsProblems, validatePlatformClusterArgs, type PlatformClusterArgs } from "./args";
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { accessEntries, nodeGroupPlan, schedulingFor } from "./cluster";
import {
  availabilityZoneName,
  defaultZones,
  endpointKey,
  natZoneFor,
  natZones,
  subnetLayout,
  zoneSubnets,
} from "./network";
import { devArgs, prodArgs } from "./__fixtures__/args";

const problemsOf = (args: PlatformClusterArgs): string => {
  try {
    validatePlatformClusterArgs("platform", args);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("platformClusterArgsProblems", () => {
  const problems = (args: PlatformClusterArgs) => platformClusterArgsProblems(args);

  it("accepts the dev and prod stage shapes", () => {
    expect(problemsOf(devArgs())).toBe("");
    expect(problemsOf(prodArgs())).toBe("");
    expect(
      problemsOf(
        prodArgs({
          publicAccessCidrs: ["203.0.113.0/24"],
          apiAccessCidrs: ["10.1.0.0/16", "10.42.10.0/24"],
          karpenter: true,
        }),
      ),
    ).toBe("");
  });

  it("fails when a public access CIDR is a /0, at its position in the list", () => {
    expect(problems(prodArgs({ publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }))).toEqual([
      {
        path: "publicAccessCidrs[1]",
        message: "0.0.0.0/0 would open the API endpoint to the internet; list the ranges that need it",
      },
    ]);
  });

  it("fails when a public access CIDR is malformed", () => {
    expect(problems(prodArgs({ publicAccessCidrs: ["203.0.113.7/24"] }))).toEqual([
      { path: "publicAccessCidrs[0]", message: expect.stringMatching(/"203\.0\.113\.7\/24" has host bits set/) },
    ]);
  });

  it("fails when a private API access range is outside the VPC and every reserved range", () => {
    expect(problems(prodArgs({ apiAccessCidrs: ["10.42.10.0/24", "192.168.0.0/16"] }))).toEqual([
      {
        path: "apiAccessCidrs[1]",
        message: "192.168.0.0/16 must lie inside the VPC (10.42.0.0/16) or a reserved (peered) range",
      },
    ]);
    expect(problems(prodArgs({ apiAccessCidrs: ["0.0.0.0/0"] }))).toEqual([
      { path: "apiAccessCidrs[0]", message: expect.stringMatching(/^0\.0\.0\.0\/0 must lie inside/) },
    ]);
  });

  it("fails when there is no system node group to run the add-ons, or it may scale to zero", () => {
    const { system: _system, ...rest } = prodArgs().nodeGroups;
    expect(problems(prodArgs({ nodeGroups: rest }))).toEqual([
      { path: "nodeGroups", message: 'must include "system": CoreDNS and the add-ons run on untainted system nodes' },
    ]);
    expect(
      problems(
        prodArgs({
          nodeGroups: { ...rest, system: { instanceTypes: ["m7g.large"], minSize: 0, desiredSize: 0, maxSize: 2 } },
        }),
      ),
    ).toEqual([
      { path: "nodeGroups.system.minSize", message: "must be at least 1 (CoreDNS and the controllers run there)" },
    ]);
  });

  it("fails when a node group mixes Graviton and x86 instance types", () => {
    const nodeGroups = {
      ...prodArgs().nodeGroups,
      query: { instanceTypes: ["r7g.4xlarge", "r6i.4xlarge"], minSize: 1, desiredSize: 1, maxSize: 2 },
    };
    expect(problems(prodArgs({ nodeGroups }))).toEqual([
      {
        path: "nodeGroups.query.instanceTypes",
        message: "mixes Graviton and x86 types; one node group runs one AMI architecture",
      },
    ]);
  });

  it("fails when node group sizes are out of order or the disk is too small, at the key", () => {
    const nodeGroups = {
      ...prodArgs().nodeGroups,
      query: { instanceTypes: ["r7g.xlarge"], minSize: 3, desiredSize: 2, maxSize: 5, diskSizeGiB: 10 },
    };
    expect(problems(prodArgs({ nodeGroups }))).toEqual([
      {
        path: "nodeGroups.query.desiredSize",
        message: "sizes must satisfy minSize <= desiredSize <= maxSize, got 3/2/5",
      },
      { path: "nodeGroups.query.diskSizeGiB", message: "must be a whole number from 20 to 16384, got 10" },
    ]);
    const over = {
      ...prodArgs().nodeGroups,
      query: { instanceTypes: ["r7g.xlarge"], minSize: 0, desiredSize: 4, maxSize: 3 },
    };
    expect(problems(prodArgs({ nodeGroups: over }))).toEqual([
      { path: "nodeGroups.query.maxSize", message: "sizes must satisfy minSize <= desiredSize <= maxSize, got 0/4/3" },
    ]);
    const zero = {
      ...prodArgs().nodeGroups,
      query: { instanceTypes: ["r7g.xlarge"], minSize: 0, desiredSize: 0, maxSize: 0 },
    };
    expect(problems(prodArgs({ nodeGroups: zero }))).toEqual([
      { path: "nodeGroups.query.maxSize", message: "must be at least 1, got 0" },
    ]);
  });

  it("fails when the VPC range is outside /16-/20 or overlaps a reserved range", () => {
    expect(problemsOf(prodArgs({ vpcCidr: "10.42.0.0/24" }))).toMatch(
      /vpcCidr: 10\.42\.0\.0\/24 must be a \/16 to \/20/,
    );
    expect(problems(prodArgs({ vpcCidr: "10.2.0.0/16" }))).toEqual([
      { path: "reservedCidrs[0]", message: "10.0.0.0/14 overlaps the VPC range 10.2.0.0/16" },
    ]);
    expect(problemsOf(prodArgs({ availabilityZones: ["a", "b", "d"] }))).toBe("");
    expect(problems(prodArgs({ availabilityZones: ["a", "a", "eu-west-1b", "c"] }))).toEqual([
      { path: "availabilityZones[2]", message: '"eu-west-1b" must be an AZ suffix, one lowercase letter such as a' },
      { path: "availabilityZones", message: 'lists "a" twice' },
      { path: "availabilityZones", message: "lists 4 zones, but availabilityZoneCount is 3" },
    ]);
  });

  it("fails when the AZ count, NAT strategy, version or retention are not supported", () => {
    const found = problems(
      prodArgs({
        availabilityZoneCount: 4,
        natGateways: "none" as never,
        kubernetesVersion: "1.29",
        flowLogRetentionDays: 45,
        controlPlaneLogRetentionDays: 0,
      }),
    );
    expect(found.map((problem) => problem.path)).toEqual([
      "availabilityZoneCount",
      "natGateways",
      "flowLogRetentionDays",
      "controlPlaneLogRetentionDays",
      "kubernetesVersion",
    ]);
    const message = problemsOf(
      prodArgs({
        availabilityZoneCount: 4,
        natGateways: "none" as never,
        kubernetesVersion: "1.29",
        flowLogRetentionDays: 45,
        controlPlaneLogRetentionDays: 0,
      }),
    );
    expect(message).toMatch(/availabilityZoneCount: must be 2 or 3, got 4/);
    expect(message).toMatch(/natGateways: must be "single" or "onePerAz"/);
    expect(message).toMatch(/kubernetesVersion: 1\.29 is older than 1\.31/);
    expect(message).toMatch(/flowLogRetentionDays: must be a CloudWatch Logs retention value/);
    expect(message).toMatch(/controlPlaneLogRetentionDays: must be a CloudWatch Logs retention value/);
    expect(problems(prodArgs({ kubernetesVersion: "latest" }))).toEqual([
      { path: "kubernetesVersion", message: '"latest" must be a version such as 1.33' },
    ]);
  });

  it("fails when an interface endpoint is listed twice, is malformed, or is S3", () => {
    expect(problems(prodArgs({ interfaceEndpoints: ["sts", "sts", "ECR API", "s3"] }))).toEqual([
      { path: "interfaceEndpoints[2]", message: '"ECR API" is not a service name such as ecr.api' },
      {
        path: "interfaceEndpoints[3]",
        message: '"s3" always has a gateway endpoint (free); an interface endpoint would charge for lake traffic',
      },
      { path: "interfaceEndpoints[1]", message: 'lists "sts" twice' },
    ]);
  });

  it("fails when access roles are not role ARNs or are both admin and read-only", () => {
    const admin = "arn:aws:iam::111111111111:role/platform-admins";
    expect(
      problems(prodArgs({ adminRoleArns: [admin, "arn:aws:iam::111111111111:user/alice"], readOnlyRoleArns: [admin] })),
    ).toEqual([
      { path: "adminRoleArns[1]", message: '"arn:aws:iam::111111111111:user/alice" is not an IAM role ARN' },
      { path: "readOnlyRoleArns[0]", message: `${admin} is in both adminRoleArns and readOnlyRoleArns` },
    ]);
  });

  it("checks Karpenter's pools at karpenter.nodePools.<name>, and refuses a pool named like a managed node group", () => {
    expect(
      problems(
        prodArgs({
          karpenter: {
            nodePools: { query: { cpuLimit: 8, memoryLimitGiB: 32 }, burst: { cpuLimit: 0, memoryLimitGiB: 32 } },
          },
        }),
      ),
    ).toEqual([
      { path: "karpenter.nodePools.burst.cpuLimit", message: "must be a positive integer, got 0" },
      {
        path: "karpenter.nodePools.query",
        message: "a managed node group has this name: its nodes would carry the same label and taint",
      },
    ]);
    expect(
      problems(
        prodArgs({ karpenter: { amiAlias: "al2023@someday" }, controllerTags: { "karpenter.sh/nodepool": "x" } }),
      ),
    ).toEqual([
      { path: "karpenter.amiAlias", message: '"al2023@someday" is not al2023@v<YYYYMMDD> (or al2023@latest)' },
      {
        path: "controllerTags",
        message: '"karpenter.sh/nodepool" is set by Karpenter itself; the EC2NodeClass refuses it',
      },
    ]);
    // Karpenter off: its settings are not read.
    expect(problems(prodArgs({ karpenter: false, controllerTags: { "karpenter.sh/nodepool": "x" } }))).toEqual([]);
  });

  it("lists every problem in one error naming the component, one line each as path: message", () => {
    const message = problemsOf(prodArgs({ prefix: "DP", publicAccessCidrs: ["0.0.0.0/0"], nodeGroups: {} }));
    expect(message.split("\n")).toEqual([
      'PlatformCluster "platform": invalid args:',
      '- prefix: "DP" must be lowercase letters and digits with single hyphens',
      "- publicAccessCidrs[0]: 0.0.0.0/0 would open the API endpoint to the internet; list the ranges that need it",
      '- nodeGroups: must include "system": CoreDNS and the add-ons run on untainted system nodes',
    ]);
  });
});

describe("pure helpers", () => {
  it("tell Graviton instance types from x86 ones", () => {
    for (const type of [
      "m7g.large",
      "r7g.4xlarge",
      "r6gd.xlarge",
      "c6gn.large",
      "im4gn.large",
      "is4gen.xlarge",
      "t4g.small",
      "x2gd.xlarge",
      "m8g.large",
    ])
      expect(isGraviton(type), type).toBe(true);
    for (const type of [
      "m5.large",
      "r6i.4xlarge",
      "m7a.xlarge",
      "g5.xlarge",
      "c7i.large",
      "u-6tb1.metal",
      "r7iz.large",
    ])
      expect(isGraviton(type), type).toBe(false);
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
    expect(() => availabilityZoneName("platform", "eu-west-1", "z", ["eu-west-1a", "eu-west-1b"])).toThrow(
      'PlatformCluster "platform": availability zone eu-west-1z is not available in eu-west-1 (available: eu-west-1a, eu-west-1b)',
    );
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
    expect(
      nodeGroupPlan("notebooks", {
        instanceTypes: ["m7i.xlarge"],
        capacityType: "SPOT",
        minSize: 0,
        desiredSize: 0,
        maxSize: 2,
        diskSizeGiB: 100,
      }),
    ).toMatchObject({
      amiType: "AL2023_x86_64_STANDARD",
      capacityType: "SPOT",
      diskSizeGiB: 100,
      taints: [{ key: "data-platform.io/dedicated", value: "notebooks", effect: "NO_SCHEDULE" }],
    });
    expect(
      nodeGroupPlan("system", { instanceTypes: ["m7g.large"], minSize: 1, desiredSize: 1, maxSize: 2 }).taints,
    ).toEqual([]);
    expect(schedulingFor("query")).toEqual({
      nodeSelector: { "data-platform.io/node-group": "query" },
      tolerations: [{ key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" }],
    });
  });

  it("key access entries by role name, whatever the list order", () => {
    const a = "arn:aws:iam::111111111111:role/team/platform-admins";
    const b = "arn:aws:iam::111111111111:role/break-glass";
    expect(Object.keys(accessEntries([a, b], ["arn:aws:iam::111111111111:role/oncall"]))).toEqual([
      "admin-break-glass",
      "admin-platform-admins",
      "read-only-oncall",
    ]);
    expect(Object.keys(accessEntries([b, a], []))).toEqual(Object.keys(accessEntries([a, b], [])));
  });

  it("parse, compare and nest CIDRs", () => {
    const cidr = (text: string) => parseCidr(text) as Cidr;
    expect(parseCidr("10.42.0.0/16")).toEqual({
      text: "10.42.0.0/16",
      network: 10 * 2 ** 24 + 42 * 2 ** 16,
      prefixLength: 16,
    });
    expect(parseCidr("255.255.255.0/24")).toMatchObject({ network: 4294967040 });
    expect(parseCidr("10.42.0.1/16")).toMatch(/host bits set; the network address is 10\.42\.0\.0\/16/);
    expect(parseCidr("10.42.0.0")).toMatch(/expected an IPv4 CIDR/);
    expect(cidrsOverlap(cidr("10.0.0.0/14"), cidr("10.3.0.0/16"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/14"), cidr("10.4.0.0/16"))).toBe(false);
    expect(cidrContains(cidr("10.42.0.0/16"), cidr("10.42.8.0/24"))).toBe(true);
    expect(cidrContains(cidr("10.42.8.0/24"), cidr("10.42.0.0/16"))).toBe(false);
  });
});

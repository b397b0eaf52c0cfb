import type { PlatformClusterArgs } from "../args";

/** Args shaped like the prod stage config (stacks/platform/Pulumi.prod.yaml). */
export function prodArgs(overrides: Partial<PlatformClusterArgs> = {}): PlatformClusterArgs {
  return {
    prefix: "dp",
    stage: "prod",
    vpcCidr: "10.42.0.0/16",
    availabilityZoneCount: 3,
    natGateways: "onePerAz",
    reservedCidrs: ["10.0.0.0/14"],
    flowLogRetentionDays: 365,
    kubernetesVersion: "1.33",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-admins"],
    readOnlyRoleArns: ["arn:aws:iam::111111111111:role/platform-oncall"],
    nodeGroups: {
      system: {
        instanceTypes: ["m7g.large"],
        capacityType: "ON_DEMAND",
        minSize: 3,
        desiredSize: 3,
        maxSize: 6,
        diskSizeGiB: 50,
      },
      query: {
        instanceTypes: ["r7g.4xlarge", "r6g.4xlarge"],
        capacityType: "ON_DEMAND",
        minSize: 2,
        desiredSize: 4,
        maxSize: 20,
        diskSizeGiB: 50,
      },
      notebooks: {
        instanceTypes: ["m7g.2xlarge"],
        capacityType: "ON_DEMAND",
        minSize: 1,
        desiredSize: 2,
        maxSize: 10,
        diskSizeGiB: 50,
      },
    },
    protect: true,
    ...overrides,
  };
}

/** Args shaped like the dev stage config: two AZs, one NAT gateway, Spot, no protection. */
export function devArgs(overrides: Partial<PlatformClusterArgs> = {}): PlatformClusterArgs {
  return {
    prefix: "dp",
    stage: "dev",
    vpcCidr: "10.40.0.0/16",
    availabilityZoneCount: 2,
    natGateways: "single",
    reservedCidrs: ["10.0.0.0/14"],
    flowLogRetentionDays: 30,
    kubernetesVersion: "1.33",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 },
      query: { instanceTypes: ["r7g.xlarge"], capacityType: "SPOT", minSize: 0, desiredSize: 1, maxSize: 3 },
      notebooks: { instanceTypes: ["m7g.xlarge"], capacityType: "SPOT", minSize: 0, desiredSize: 0, maxSize: 2 },
    },
    protect: false,
    ...overrides,
  };
}

import { DataLake } from "@data-platform/data-lake";
import { PlatformCluster } from "@data-platform/platform-cluster";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { base36RoleName } from "./emr-on-eks";
import { EphemeralSparkCluster } from "./ephemeralSparkCluster";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;

describe("base36RoleName", () => {
  it("encodes the role name as EMR on EKS does (bytes as a base-36 number)", () => {
    expect(base36RoleName("a")).toBe((97).toString(36));
    expect(base36RoleName("ab")).toBe((97 * 256 + 98).toString(36));
  });
});

describe("EMR on EKS", () => {
  it("gives an enabled domain a virtual cluster in its own namespace and a job role trusted only there, with the EC2 path's data access", async () => {
    const harness = await setMocks({ stack: "dev", accountId: account });
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "dev",
      administratorArns: [deployer],
      domains: [
        { name: "orders", zones: ["raw"] },
        { name: "logistics", zones: ["raw"] },
      ],
    });
    const eks = new PlatformCluster("platform", {
      prefix: "dp",
      stage: "dev",
      vpcCidr: "10.40.0.0/16",
      availabilityZoneCount: 2,
      natGateways: "single",
      kubernetesVersion: "1.33",
      adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
      nodeGroups: { system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 } },
      protect: false,
    });
    new EphemeralSparkCluster("spark", {
      prefix: "dp",
      stage: "dev",
      lake,
      eks,
      vpcId: eks.vpcId,
      privateSubnetIds: eks.privateSubnetIds,
      administratorArns: [deployer],
      domains: [{ name: "orders", emrOnEks: true }, { name: "logistics" }],
    });
    await harness.settle();

    expect(harness.byType("aws:emrcontainers/virtualCluster:VirtualCluster").map((cluster) => cluster.name)).toEqual([
      "spark-orders-eks",
    ]);
    expect(
      harness.one("aws:emrcontainers/virtualCluster:VirtualCluster", "spark-orders-eks").inputs["containerProvider"],
    ).toEqual({
      id: "dp-dev-platform",
      type: "EKS",
      info: { eksInfo: { namespace: "spark-orders" } },
    });
    const namespace = harness
      .byType("kubernetes:core/v1:Namespace")
      .find((candidate) => JSON.stringify(candidate.inputs).includes("spark-orders"));
    expect(JSON.stringify(namespace?.inputs)).toContain('"pod-security.kubernetes.io/enforce":"baseline"');
    const access = harness.one("aws:eks/accessEntry:AccessEntry", "spark-emr-containers-access");
    expect(access.inputs).toMatchObject({
      clusterName: "dp-dev-platform",
      userName: "emr-containers",
      type: "STANDARD",
      principalArn: `arn:aws:iam::${account}:role/AWSServiceRoleForAmazonEMRContainers`,
    });
    // Both wait for the EKS cluster; the virtual cluster also for EMR's access entry and its RBAC.
    const cluster = harness.one("aws:eks/cluster:Cluster", "platform-eks");
    expect(access.dependencies).toContain(cluster.urn);
    const virtualCluster = harness.one("aws:emrcontainers/virtualCluster:VirtualCluster", "spark-orders-eks");
    expect(virtualCluster.dependencies).toEqual(
      expect.arrayContaining([
        cluster.urn,
        access.urn,
        harness.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "spark-orders-eks-emr-binding").urn,
      ]),
    );

    const role = harness.one("aws:iam/role:Role", "spark-orders-eks-job");
    const trust = JSON.parse(role.inputs["assumeRolePolicy"] as string).Statement[0].Condition;
    const sub = Object.values(trust.StringLike as Record<string, string>)[0];
    expect(sub).toBe(
      `system:serviceaccount:spark-orders:emr-containers-sa-*-*-${account}-${base36RoleName("dp-dev-orders-spark-eks")}`,
    );
    expect(Object.values(trust.StringEquals as Record<string, string>)).toEqual(["sts.amazonaws.com"]);

    const grants = (prefix: string) =>
      harness
        .byType("aws:iam/rolePolicy:RolePolicy")
        .filter((policy) => policy.name.startsWith(`lake-orders-${prefix}-`))
        .map((policy) => policy.name.replace(`-${prefix}-`, "-x-"))
        .sort();
    expect(grants("eks")).toEqual(grants("spark"));
    expect(
      harness
        .byType("aws:emrcontainers/virtualCluster:VirtualCluster")
        .some((cluster) => cluster.name.includes("logistics")),
    ).toBe(false);

    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("fails when a domain wants EMR on EKS without the cluster", async () => {
    await setMocks();
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "dev",
      administratorArns: [deployer],
      domains: [{ name: "orders", zones: ["raw"] }],
    });
    expect(
      () =>
        new EphemeralSparkCluster("spark", {
          prefix: "dp",
          stage: "dev",
          lake,
          vpcId: "vpc-1",
          privateSubnetIds: ["subnet-1"],
          administratorArns: [deployer],
          domains: [{ name: "orders", emrOnEks: true }],
        }),
    ).toThrow(/emrOnEks needs the eks cluster/);
  });
});

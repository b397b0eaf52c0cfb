import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LakeDomainRef, LakeGrant, LakeGrantee, LakeRef, LakeScope } from "@data-platform/data-lake";
import { createNamespace, type ClusterRef } from "@data-platform/platform-cluster";
import { resolveOutput, setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { EphemeralSparkCluster } from "./ephemeralSparkCluster";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const bucket = (name: string) => ({ name: pulumi.output(name), arn: pulumi.output(`arn:aws:s3:::${name}`) });

/** A lake of two domains, with no lake resources behind it: it records the grants asked of it. */
function fakeLake(): LakeRef & { asked: { level: string; grantee: string; domain?: string; scope: LakeScope }[] } {
  const asked: { level: string; grantee: string; domain?: string; scope: LakeScope }[] = [];
  const domains: Record<string, LakeDomainRef> = Object.fromEntries(
    ["logistics", "orders"].map((name) => [
      name,
      {
        name,
        key: { arn: pulumi.output(`arn:aws:kms:eu-west-1:${account}:key/${name}`) },
        buckets: { raw: bucket(`dp-dev-${name}-raw`) },
        databases: { raw: { name: pulumi.output(`${name}_raw`) } },
        zones: ["raw"],
        products: {},
      },
    ]),
  );
  const grant =
    (level: string) =>
    (grantee: LakeGrantee, scope: LakeScope): LakeGrant => {
      asked.push({ level, grantee: grantee.name, ...(grantee.domain ? { domain: grantee.domain } : {}), scope });
      const policy = new aws.iam.RolePolicy(`fake-${grantee.name}-${level}-${asked.length}`, {
        role: grantee.role.name,
        policy: "{}",
      });
      return { grantee, scope, statements: pulumi.output([]), resources: [policy], policy, permissions: [] };
    };
  return {
    asked,
    account: { accountId: pulumi.output(account), partition: pulumi.output("aws"), region: pulumi.output("eu-west-1") },
    platformKey: { arn: pulumi.output(`arn:aws:kms:eu-west-1:${account}:key/platform`) },
    accessLogBucket: bucket("dp-dev-access-logs"),
    artifactsBucket: bucket("dp-dev-artifacts"),
    zones: { landing: bucket("dp-dev-landing"), raw: bucket("dp-dev-raw"), analytics: bucket("dp-dev-analytics") },
    domainNames: () => Object.keys(domains).sort(),
    domain: (name) => {
      const found = domains[name];
      if (!found) throw new Error(`fake lake has no domain "${name}"`);
      return found;
    },
    grantRead: grant("read"),
    grantWrite: grant("write"),
  };
}

/** The in-cluster side of a cluster: a provider and the real namespace builder, no VPC, EKS or node groups. */
function fakeCluster(): ClusterRef {
  const provider = new k8s.Provider("fake-eks", { kubeconfig: "{}" });
  return {
    provider,
    vpcCidr: "10.40.0.0/16",
    s3Cidrs: pulumi.output(["52.218.0.0/17"]),
    ready: [],
    cluster: { name: pulumi.output("fake-eks") },
    oidcProviderArn: pulumi.output(`arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FAKE`),
    oidcIssuer: pulumi.output("oidc.eks.eu-west-1.amazonaws.com/id/FAKE"),
    namespace: (name, args = {}, opts) => createNamespace(name, args, provider, { ...opts }),
    serviceAccountRole: () => {
      throw new Error("EMR on EKS makes its own job role");
    },
    scheduling: () => {
      throw new Error("EMR on EKS schedules no pods of its own");
    },
  };
}

describe("EphemeralSparkCluster against reference fakes", () => {
  it("needs only a LakeRef and a ClusterRef: the job roles get their grants from the lake, EMR on EKS its namespace from the cluster", async () => {
    const harness = await setMocks({ stack: "dev", accountId: account });
    const lake = fakeLake();
    const spark = new EphemeralSparkCluster("spark", {
      prefix: "dp",
      stage: "dev",
      lake,
      eks: fakeCluster(),
      vpcId: "vpc-0123",
      privateSubnetIds: ["subnet-a", "subnet-b"],
      administratorArns: [deployer],
      domains: [
        { name: "orders", emrOnEks: true },
        { name: "logistics", readCentralRaw: false },
      ],
    });
    await harness.settle();

    // Each job role (EC2 instances, EMR on EKS) writes its own domain and reads its code; only `orders` reads central raw.
    const forGrantee = (grantee: string) =>
      lake.asked.filter((grant) => grant.grantee === grantee).map(({ level, scope }) => ({ level, scope }));
    const dataAccess = (domain: string, centralRaw: boolean) => [
      { level: "write", scope: { domain } },
      ...(centralRaw ? [{ level: "read", scope: { zone: "raw" } }] : []),
      { level: "read", scope: { zone: "artifacts", prefix: `code/${domain}` } },
      { level: "write", scope: { zone: "artifacts", prefix: `logs/emr/${domain}` } },
    ];
    expect(forGrantee("orders-spark")).toEqual(dataAccess("orders", true));
    expect(forGrantee("orders-eks")).toEqual(dataAccess("orders", true));
    expect(forGrantee("logistics-spark")).toEqual(dataAccess("logistics", false));
    expect(lake.asked.every((grant) => grant.domain === grant.grantee.split("-")[0])).toBe(true);
    expect(lake.asked.some((grant) => grant.grantee === "logistics-eks")).toBe(false);

    // The virtual cluster and EMR's access entry name the cluster the ref gives; the namespace comes from its helper.
    expect(
      harness.one("aws:emrcontainers/virtualCluster:VirtualCluster", "spark-orders-eks").inputs["containerProvider"],
    ).toEqual({ id: "fake-eks", type: "EKS", info: { eksInfo: { namespace: "spark-orders" } } });
    expect(harness.one("aws:eks/accessEntry:AccessEntry", "spark-emr-containers-access").inputs["clusterName"]).toBe(
      "fake-eks",
    );
    expect(harness.one("kubernetes:core/v1:Namespace", "spark-orders-eks").provider).toContain("fake-eks");
    const trust = JSON.parse(
      harness.one("aws:iam/role:Role", "spark-orders-eks-job").inputs["assumeRolePolicy"] as string,
    ).Statement[0];
    expect(trust.Principal).toEqual({
      Federated: `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FAKE`,
    });
    expect(Object.keys(trust.Condition.StringEquals)).toEqual(["oidc.eks.eu-west-1.amazonaws.com/id/FAKE:aud"]);

    // The launch grant reads the domain's own resources, with no lake behind them.
    const airflow = { name: "orders-airflow", role: new aws.iam.Role("orders-airflow", { assumeRolePolicy: "{}" }) };
    const statements = await resolveOutput(spark.grantLaunch(airflow, { domain: "orders" }).statements);
    expect(statements?.map((statement) => statement.Sid)).toContain("LaunchTaggedForDomain");
  });
});

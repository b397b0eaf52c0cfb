import { describe, expect, it } from "vitest";
import { attribute, shortType } from "./attribution";
import { creationTimes, dependencyGraph, estimateDeployTime } from "./deploy-time";
import type { PlanResource } from "./document";

const stackUrn = "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod";

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  extra: Partial<PlanResource> = {},
): PlanResource {
  return {
    urn: `urn:pulumi:prod::p::${type}::${name}`,
    type,
    name,
    id: `${name}-0123`,
    custom: true,
    remote: false,
    parent: stackUrn,
    provider: null,
    dependencies: [],
    inputs,
    options: { protect: false, retainOnDelete: false, ignoreChanges: [], aliases: [], deleteBeforeReplace: false },
    ...extra,
  };
}

describe("estimateDeployTime", () => {
  it("takes the longest chain of creation times, not their sum", () => {
    const key = resource("aws:kms/key:Key", "key");
    const cluster = resource(
      "aws:eks/cluster:Cluster",
      "eks",
      { name: "dp-prod-platform" },
      { dependencies: [key.urn] },
    );
    // Found through its input (the cluster's name), like the engine's output dependency.
    const nodes = resource("aws:eks/nodeGroup:NodeGroup", "nodes", { clusterName: "dp-prod-platform" });
    const mwaa = resource("aws:mwaa/environment:Environment", "mwaa", {}, { dependencies: [key.urn] });
    const time = estimateDeployTime({ resources: [key, cluster, nodes, mwaa] });
    // key 0.3 -> MWAA 30 beats key 0.3 -> EKS 15 -> node group 5.
    expect(time.criticalPathMinutes).toBeCloseTo(0.3 + creationTimes["aws:mwaa/environment:Environment"]!.minutes, 5);
    expect(time.criticalPath.map((step) => step.name)).toEqual(["key", "mwaa"]);
    expect(time.sequentialMinutes).toBe(Math.round(0.3 + 15 + 5 + 30));
    expect(dependencyGraph({ resources: [key, cluster, nodes, mwaa] }).get(nodes.urn)).toEqual(new Set([cluster.urn]));
  });

  it("puts a NAT gateway on the chain through the ids it takes; the rest of the network is quick", () => {
    const vpc = resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.42.0.0/16" }, { id: "vpc-0a1b2c3d" });
    const igw = resource(
      "aws:ec2/internetGateway:InternetGateway",
      "igw",
      { vpcId: "vpc-0a1b2c3d" },
      { id: "igw-0a1b2c3d" },
    );
    const subnet = resource(
      "aws:ec2/subnet:Subnet",
      "public-a",
      { vpcId: "vpc-0a1b2c3d", cidrBlock: "10.42.128.0/23" },
      { id: "subnet-0a1b2c3d" },
    );
    const eip = resource("aws:ec2/eip:Eip", "nat-a", { domain: "vpc" }, { id: "eipalloc-0a1b2c3d" });
    const nat = resource(
      "aws:ec2/natGateway:NatGateway",
      "nat-a",
      { subnetId: "subnet-0a1b2c3d", allocationId: "eipalloc-0a1b2c3d" },
      { id: "nat-0a1b2c3d", dependencies: [igw.urn] },
    );
    const route = resource("aws:ec2/route:Route", "private-a", {
      routeTableId: "rtb-0a1b2c3d",
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: "nat-0a1b2c3d",
    });
    const time = estimateDeployTime({ resources: [vpc, igw, subnet, eip, nat, route] });
    expect(time.criticalPath.map((step) => `${step.name} ${step.minutes}`)).toEqual([
      "vpc 0.1",
      "igw 0.1",
      "nat-a 2",
      "private-a 0.1",
    ]);
    expect(time.criticalPathMinutes).toBeCloseTo(2.3, 5);
    // The program no longer creates the awsx component: it has no entry of its own.
    expect(creationTimes["awsx:ec2:Vpc"]).toBeUndefined();
  });

  it("ignores names in tags and descriptions (labels, not references)", () => {
    const cluster = resource("aws:eks/cluster:Cluster", "eks", { name: "dp-prod-platform" });
    const vpc = resource(
      "awsx:ec2:Vpc",
      "vpc",
      { tags: { Name: "dp-prod-platform" }, description: "dp-prod-platform" },
      { remote: true, custom: false, id: null },
    );
    expect(dependencyGraph({ resources: [cluster, vpc] }).get(vpc.urn)).toEqual(new Set());
  });
});

describe("attribution and short type names", () => {
  it.each([
    ["aws:s3/bucket:Bucket", "s3.Bucket"],
    ["aws:lakeformation/permissions:Permissions", "lakeformation.Permissions"],
    ["data-platform:lake:DataLake", "lake.DataLake"],
    ["kubernetes:helm.sh/v4:Chart", "helm.Chart"],
    ["kubernetes:storage.k8s.io/v1:StorageClass", "k8s.StorageClass"],
    ["pulumi:providers:aws", "provider.aws"],
    ["awsx:ec2:Vpc", "awsx.ec2.Vpc"],
  ])("%s -> %s", (type, short) => expect(shortType(type)).toBe(short));

  it("gives untagged children to the domain their component or name says, shared ones to the platform", () => {
    const lake = resource("data-platform:lake:DataLake", "lake", {}, { custom: false });
    const bucketComponent = resource(
      "data-platform:lake:LakeBucket",
      "lake-orders-raw",
      {},
      { custom: false, parent: lake.urn },
    );
    const bucket = resource(
      "aws:s3/bucket:Bucket",
      "lake-orders-raw",
      { tags: { "data-platform:domain": "orders" } },
      { parent: bucketComponent.urn },
    );
    const policy = resource(
      "aws:s3/bucketPolicy:BucketPolicy",
      "lake-orders-raw-policy",
      {},
      { parent: bucketComponent.urn },
    );
    const grant = resource(
      "aws:lakeformation/permissions:Permissions",
      "lake-orders-airflow-write-orders-raw-tables",
      {},
      { parent: lake.urn },
    );
    const schema = resource(
      "aws:redshiftdata/statement:Statement",
      "lake-schema-orders_analytics",
      {},
      { parent: lake.urn },
    );
    const shared = resource("aws:iam/rolePolicy:RolePolicy", "lake-lf-registration-storage", {}, { parent: lake.urn });
    const other = resource(
      "aws:s3/bucket:Bucket",
      "lake-orders-eu-raw",
      { tags: { "data-platform:domain": "orders-eu" } },
      { parent: lake.urn },
    );
    const otherGrant = resource(
      "aws:lakeformation/permissions:Permissions",
      "lake-orders-eu-read",
      {},
      { parent: lake.urn },
    );
    const attribution = attribute({
      resources: [lake, bucketComponent, bucket, policy, grant, schema, shared, other, otherGrant],
    });
    expect([policy, grant, schema, shared, otherGrant].map(attribution.domain)).toEqual([
      "orders",
      "orders",
      "orders",
      "(platform)",
      "orders-eu",
    ]);
    expect(attribution.component(policy)).toBe("lake.DataLake lake");
  });
});

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { devArgs, prodArgs } from "./__fixtures__/args";
import { account, build } from "./__fixtures__/harness";
import { PlatformCluster } from "./platformCluster";

const componentType = "data-platform:cluster:PlatformCluster";

/** What other components do with the cluster: an IRSA role and a namespace. */
const useHelpers = (cluster: PlatformCluster) => {
  cluster.serviceAccountRole("query-trino", { namespace: "query", serviceAccount: "trino" });
  cluster.namespace("query", {
    allow: { "from-notebooks": { direction: "ingress", peers: [{ namespace: "notebooks" }] } },
  });
};

// The component alone runs no service on its dedicated node groups (the stage's query mesh and notebooks do), so the stage-level idle-capacity rule is off here.
const findingsOf = (harness: Harness) =>
  evaluatePolicies(
    harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    { config: { "cost-idle-node-group": "disabled" } },
  );

describe("PlatformCluster", () => {
  it("exposes the VPC, subnets, cluster name and OIDC provider for the platform contract", async () => {
    const { harness, cluster } = await build();
    const contract = await resolveOutput(cluster.contract());
    expect(contract).toEqual({
      vpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
      vpcCidr: "10.42.0.0/16",
      privateSubnetIds: [
        expect.stringMatching(/^subnet-/),
        expect.stringMatching(/^subnet-/),
        expect.stringMatching(/^subnet-/),
      ],
      publicSubnetIds: [
        expect.stringMatching(/^subnet-/),
        expect.stringMatching(/^subnet-/),
        expect.stringMatching(/^subnet-/),
      ],
      clusterName: "dp-prod-platform",
      clusterEndpoint: expect.stringMatching(/^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/),
      kubernetesVersion: "1.33",
      clusterSecurityGroupId: expect.stringMatching(/^sg-/),
      oidcProviderArn: expect.stringMatching(
        new RegExp(`^arn:aws:iam::${account}:oidc-provider/oidc\\.eks\\.eu-west-1\\.amazonaws\\.com/id/`),
      ),
      oidcIssuer: expect.stringMatching(/^oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/),
    });
    expect(contract!.privateSubnetIds).toEqual(
      await resolveOutput(pulumi.all(["a", "b", "c"].map((zone) => cluster.privateZones[zone]!.subnet.id))),
    );
    expect(contract!.privateSubnetIds.some((id) => contract!.publicSubnetIds.includes(id))).toBe(false);
    expect(harness.one(componentType, "platform").custom).toBe(false);
  });

  it("registers the same resources in preview and resolved modes (nothing is created inside apply)", async () => {
    for (const args of [
      prodArgs({ karpenter: true, apiAccessCidrs: ["10.1.0.0/16"], publicAccessCidrs: ["203.0.113.0/24"] }),
      devArgs(),
    ]) {
      const resolved = await build(args, { mode: "resolved", use: useHelpers });
      const preview = await build(args, { mode: "preview", use: useHelpers });
      const urns = (harness: Harness) => harness.registrations.map((registration) => registration.urn).sort();
      expect(urns(preview.harness)).toEqual(urns(resolved.harness));
      expect(urns(resolved.harness).length).toBeGreaterThan(50);
      expect(preview.harness.registrations.every((registration) => registration.id === null)).toBe(true);
    }
  });

  it("passes the policy pack with no findings in dev and prod, Karpenter and helpers included", async () => {
    for (const args of [devArgs(), prodArgs({ karpenter: true, publicAccessCidrs: ["203.0.113.0/24"] })]) {
      const { harness } = await build(args, { use: useHelpers });
      expect(await findingsOf(harness), args.stage).toEqual([]);
    }
  });

  it("parents every child to the component and names it after the component", async () => {
    const { harness } = await build(prodArgs({ karpenter: true }));
    const component = harness.one(componentType, "platform");
    const children = harness.children(component);
    expect(children.length).toBe(harness.registrations.length - 1);
    for (const child of children) expect(child.name, child.type).toMatch(/^platform-/);
  });

  it("protects and retains the keys and log groups when protect is on (prod), and nothing in dev", async () => {
    const stateful = ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"];
    const prod = (await build()).harness;
    const protectedNames = prod.registrations
      .filter((registration) => registration.options.protect)
      .map((registration) => registration.name)
      .sort();
    expect(protectedNames).toEqual([
      "platform-control-plane-logs",
      "platform-eks",
      "platform-flow-logs",
      "platform-logs-key",
      "platform-nat-a",
      "platform-nat-b",
      "platform-nat-c",
      "platform-secrets-key",
      "platform-volumes-key",
    ]);
    // The NAT gateways' Elastic IPs (egress addresses partners may allow-list) are protected, not retained.
    for (const address of prod.byType("aws:ec2/eip:Eip"))
      expect(address.options).toMatchObject({ protect: true, retainOnDelete: false });
    for (const type of stateful)
      for (const registration of prod.byType(type)) expect(registration.options.retainOnDelete).toBe(true);
    const dev = (await build(devArgs())).harness;
    expect(
      dev.registrations.filter((registration) => registration.options.protect || registration.options.retainOnDelete),
    ).toEqual([]);
  });

  it("puts the caller's tags on what it creates", async () => {
    const { harness } = await build(prodArgs({ tags: { "data-platform:component": "cluster" } }));
    for (const type of [
      "aws:kms/key:Key",
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:ec2/flowLog:FlowLog",
      "aws:iam/role:Role",
      "aws:eks/cluster:Cluster",
      "aws:eks/accessEntry:AccessEntry",
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/routeTable:RouteTable",
      "aws:ec2/internetGateway:InternetGateway",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/eip:Eip",
    ]) {
      for (const registration of harness.byType(type))
        expect(registration.inputs["tags"], `${type} ${registration.name}`).toMatchObject({
          "data-platform:component": "cluster",
        });
    }
    const values = harness.one("kubernetes:helm.sh/v4:Chart", "platform-aws-load-balancer-controller").inputs[
      "values"
    ] as { defaultTags: Record<string, string> };
    expect(values.defaultTags).toEqual({
      "data-platform:component": "cluster",
      "data-platform:cluster": "dp-prod-platform",
    });
  });

  it("tags what the controllers create outside Pulumi with the stage's controller tags (load balancers, Karpenter nodes)", async () => {
    const controllerTags = { "data-platform:stage": "prod", "data-platform:cost-centre": "CC-0100" };
    const { harness } = await build(
      prodArgs({ karpenter: true, controllerTags, tags: { "data-platform:component": "cluster" } }),
    );
    const values = harness.one("kubernetes:helm.sh/v4:Chart", "platform-aws-load-balancer-controller").inputs[
      "values"
    ] as { defaultTags: Record<string, string> };
    expect(values.defaultTags).toEqual({
      ...controllerTags,
      "data-platform:component": "cluster",
      "data-platform:cluster": "dp-prod-platform",
    });
    const nodeClass = harness.one(
      "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
      "platform-karpenter-nodeclass-default",
    );
    expect((nodeClass.inputs["spec"] as { tags: Record<string, string> }).tags).toMatchObject({
      ...controllerTags,
      "data-platform:component": "cluster",
    });
    // Other resources keep their own tags only: provider default tags cover them.
    expect(harness.one("aws:kms/key:Key", "platform-logs-key").inputs["tags"]).toEqual({
      "data-platform:component": "cluster",
    });
  });

  it("builds the network with the stage's AWS provider, inherited like every other child", async () => {
    const harness = await setMocks({ stack: "prod", accountId: account });
    const provider = new aws.Provider("stage", { region: "eu-west-1" });
    new PlatformCluster("platform", prodArgs(), { providers: { aws: provider } });
    await harness.settle();
    const reference = `${harness.one("pulumi:providers:aws", "stage").urn}::${harness.one("pulumi:providers:aws", "stage").id}`;
    const network = harness.registrations.filter((registration) => registration.type.startsWith("aws:ec2/"));
    expect(network.length).toBeGreaterThan(30);
    for (const registration of network)
      expect(registration.provider, `${registration.type} ${registration.name}`).toBe(reference);
    expect(harness.one("aws:eks/cluster:Cluster", "platform-eks").provider).toBe(reference);
  });

  it("fails when args are invalid, before registering anything", async () => {
    await expect(build(devArgs({ nodeGroups: {} }))).rejects.toThrow(
      /PlatformCluster "platform": invalid args:\n- nodeGroups: must include "system"/,
    );
  });
});

import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { resolveOutput, setMocks } from "./harness";

describe("remote component mocks", () => {
  it("give an awsx VPC per-AZ subnet ids that honour the AZ count and NAT strategy", async () => {
    const harness = await setMocks();
    const vpc = new awsx.ec2.Vpc("net", {
      cidrBlock: "10.40.0.0/16",
      numberOfAvailabilityZones: 2,
      natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
      subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
      subnetSpecs: [{ type: awsx.ec2.SubnetType.Private }, { type: awsx.ec2.SubnetType.Public }],
    });
    const privateSubnets = await resolveOutput(vpc.privateSubnetIds);
    expect(privateSubnets).toHaveLength(2);
    expect(privateSubnets!.every((id) => id.startsWith("subnet-"))).toBe(true);
    expect(await resolveOutput(vpc.vpcId)).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(await resolveOutput(vpc.natGateways)).toHaveLength(1);
    await harness.settle();
    const registration = harness.one("awsx:ec2:Vpc", "net");
    expect(registration).toMatchObject({ remote: true, custom: false });
    expect(registration.inputs["cidrBlock"]).toBe("10.40.0.0/16");
  });

  it("give an EKS cluster a kubeconfig, OIDC provider and security groups, and answer getKubeconfig", async () => {
    await setMocks({ region: "eu-west-1", accountId: "123456789012" });
    const cluster = new eks.Cluster("platform", { createOidcProvider: true, version: "1.33", authenticationMode: eks.AuthenticationMode.Api });
    expect(await resolveOutput(cluster.oidcProviderArn)).toMatch(/^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]+$/);
    expect(await resolveOutput(cluster.oidcIssuer)).toMatch(/^oidc\.eks\.eu-west-1\.amazonaws\.com\/id\//);
    expect(await resolveOutput(cluster.clusterSecurityGroupId)).toMatch(/^sg-/);
    expect(JSON.stringify(await resolveOutput(cluster.kubeconfig))).toContain("clusters");
    const kubeconfig = await resolveOutput(cluster.getKubeconfig({ roleArn: "arn:aws:iam::123456789012:role/admin" }).result);
    expect(kubeconfig).toContain("arn:aws:iam::123456789012:role/admin");
  });

  it("give a Helm v4 chart an empty resource list that dependsOn accepts", async () => {
    const harness = await setMocks();
    const chart = new k8s.helm.v4.Chart("trino", { chart: "trino", version: "1.42.2", repositoryOpts: { repo: "https://trinodb.github.io/charts" } });
    const role = new aws.iam.Role("after-chart", { assumeRolePolicy: "{}" }, { dependsOn: chart.resources });
    expect(await resolveOutput(chart.resources)).toEqual([]);
    await resolveOutput(role.arn);
    await harness.settle();
    expect(harness.one("kubernetes:helm.sh/v4:Chart", "trino")).toMatchObject({ remote: true, inputs: { chart: "trino", version: "1.42.2" } });
  });

  it("leave every remote output unknown in preview mode", async () => {
    await setMocks({ mode: "preview" });
    const vpc = new awsx.ec2.Vpc("net", { cidrBlock: "10.40.0.0/16", numberOfAvailabilityZones: 2 });
    expect(await resolveOutput(vpc.vpcId)).toBeUndefined();
  });
});

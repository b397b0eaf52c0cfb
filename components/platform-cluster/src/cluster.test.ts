import { resolveOutput } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { devArgs, prodArgs } from "./__fixtures__/args";
import { account, build, keyArn, parse } from "./__fixtures__/harness";

const eksType = "eks:index:Cluster";

describe("PlatformCluster control plane", () => {
  it("keeps the API endpoint private by default", async () => {
    const { harness } = await build();
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(cluster.inputs["publicAccessCidrs"]).toBeUndefined();
  });

  it("opens the public endpoint only to the CIDRs a stage lists", async () => {
    const { harness } = await build(prodArgs({ publicAccessCidrs: ["203.0.113.0/24"] }));
    expect(harness.one(eksType, "platform-eks").inputs).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("fails when a stage lists 0.0.0.0/0, before registering anything", async () => {
    await expect(build(prodArgs({ publicAccessCidrs: ["0.0.0.0/0"] }))).rejects.toThrow(/publicAccessCidrs: 0\.0\.0\.0\/0 would open the API endpoint/);
  });

  it("sends all five control-plane log types to a pre-created, encrypted log group", async () => {
    const { harness } = await build();
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs["enabledClusterLogTypes"]).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const group = harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-control-plane-logs");
    expect(group.inputs).toMatchObject({ name: "/aws/eks/dp-prod-platform/cluster", retentionInDays: 365, kmsKeyId: keyArn(harness.one("aws:kms/key:Key", "platform-logs-key")) });
    expect(cluster.dependencies).toContain(group.urn);
    const custom = (await build(prodArgs({ controlPlaneLogRetentionDays: 90 }))).harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-control-plane-logs");
    expect(custom.inputs["retentionInDays"]).toBe(90);
  });

  it("encrypts Kubernetes secrets with a rotating customer key and pins the version", async () => {
    const { harness } = await build();
    const key = harness.one("aws:kms/key:Key", "platform-secrets-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(parse(key).Statement).toEqual([expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${account}:root` } })]);
    expect(harness.one("aws:kms/alias:Alias", "platform-secrets-key-alias").inputs["name"]).toBe("alias/dp-prod-platform-eks-secrets");
    expect(harness.one(eksType, "platform-eks").inputs).toMatchObject({ encryptionConfigKeyArn: keyArn(key), version: "1.33", upgradePolicy: { supportType: "STANDARD" } });
  });

  it("uses access entries only, with admin and read-only entries keyed by role name", async () => {
    const { harness } = await build();
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs["authenticationMode"]).toBe("API");
    expect(cluster.inputs["roleMappings"]).toBeUndefined();
    expect(cluster.inputs["accessEntries"]).toEqual({
      "admin-platform-admins": {
        principalArn: "arn:aws:iam::111111111111:role/platform-admins",
        type: "STANDARD",
        accessPolicies: { AmazonEKSClusterAdminPolicy: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
      },
      "read-only-platform-oncall": {
        principalArn: "arn:aws:iam::111111111111:role/platform-oncall",
        type: "STANDARD",
        accessPolicies: { AmazonEKSViewPolicy: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", accessScope: { type: "cluster" } } },
      },
    });
    expect((await build(devArgs())).harness.one(eksType, "platform-eks").inputs["accessEntries"]).toEqual({});
  });

  it("creates the IRSA OIDC provider and leaves node groups, security groups and add-ons to PlatformCluster", async () => {
    const { harness, cluster } = await build();
    const inputs = harness.one(eksType, "platform-eks").inputs;
    expect(inputs).toMatchObject({
      name: "dp-prod-platform",
      createOidcProvider: true,
      skipDefaultNodeGroup: true,
      skipDefaultSecurityGroups: true,
      bootstrapSelfManagedAddons: false,
      useDefaultVpcCni: true,
      corednsAddonOptions: { enabled: false },
      kubeProxyAddonOptions: { enabled: false },
      deletionProtection: true,
    });
    // Control-plane ENIs in the private subnets only.
    expect(inputs["privateSubnetIds"]).toEqual(await resolveOutput(cluster.privateSubnetIds));
    expect(inputs["publicSubnetIds"]).toBeUndefined();
    expect(inputs["vpcId"]).toBe(await resolveOutput(cluster.vpcId));
    expect(await resolveOutput(cluster.oidcProviderArn)).toMatch(new RegExp(`^arn:aws:iam::${account}:oidc-provider/oidc\\.eks\\.eu-west-1\\.amazonaws\\.com/id/[0-9A-F]+$`));
    expect((await build(devArgs())).harness.one(eksType, "platform-eks").inputs["deletionProtection"]).toBe(false);
  });

  it("admits listed peered ranges to the private endpoint through the cluster security group, none by default", async () => {
    expect((await build()).harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((rule) => rule.name)).toEqual(["platform-endpoints-https-from-vpc"]);
    const { harness, cluster } = await build(prodArgs({ apiAccessCidrs: ["10.1.0.0/16"] }));
    expect(harness.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "platform-api-from-10-1-0-0-16").inputs).toMatchObject({
      securityGroupId: await resolveOutput(cluster.clusterSecurityGroupId),
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.1.0.0/16",
    });
  });

  it("builds the Kubernetes provider from the cluster's kubeconfig", async () => {
    const { harness, cluster } = await build();
    const provider = harness.one("pulumi:providers:kubernetes", "platform-k8s");
    expect(JSON.parse(provider.inputs["kubeconfig"] as string)).toEqual(await resolveOutput(cluster.cluster.kubeconfig));
    expect(provider.dependencies).toContain(harness.one(eksType, "platform-eks").urn);
  });
});

describe("PlatformCluster node groups", () => {
  it("launches every node with IMDSv2 only, a hop limit of 1 and an encrypted gp3 root volume", async () => {
    const { harness } = await build();
    const templates = harness.byType("aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates.map((template) => template.name).sort()).toEqual(["platform-nodes-notebooks", "platform-nodes-query", "platform-nodes-system"]);
    for (const template of templates) {
      expect(template.inputs["metadataOptions"], template.name).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
      expect(template.inputs["blockDeviceMappings"]).toEqual([
        { deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
      ]);
      // No security groups in the template: EKS attaches the cluster security group.
      expect(template.inputs["vpcSecurityGroupIds"]).toBeUndefined();
    }
  });

  it("taints query and notebooks for their workloads, runs Graviton AMIs, and uses the private subnets", async () => {
    const { harness, cluster } = await build();
    const group = (name: string) => harness.one("aws:eks/nodeGroup:NodeGroup", `platform-nodes-${name}`).inputs;
    const taint = (value: string) => [{ key: "data-platform.io/dedicated", value, effect: "NO_SCHEDULE" }];
    expect(group("system")["taints"] ?? []).toEqual([]);
    expect(group("query")["taints"]).toEqual(taint("query"));
    expect(group("notebooks")["taints"]).toEqual(taint("notebooks"));
    expect(group("query")).toMatchObject({
      clusterName: "dp-prod-platform",
      version: "1.33",
      instanceTypes: ["r7g.4xlarge", "r6g.4xlarge"],
      amiType: "AL2023_ARM_64_STANDARD",
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 2, desiredSize: 4, maxSize: 20 },
      labels: { "data-platform.io/node-group": "query" },
      subnetIds: await resolveOutput(cluster.privateSubnetIds),
      nodeRoleArn: `arn:aws:iam::${account}:role/dp-prod-platform-nodes`,
      launchTemplate: { id: harness.one("aws:ec2/launchTemplate:LaunchTemplate", "platform-nodes-query").id },
    });
    expect(cluster.scheduling("query").tolerations).toEqual([{ key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" }]);
  });

  it("differ per stage: Spot and smaller groups in dev, x86 AMIs for x86 types", async () => {
    const { harness } = await build(
      devArgs({ nodeGroups: { ...devArgs().nodeGroups, notebooks: { instanceTypes: ["m7i.xlarge"], capacityType: "SPOT", minSize: 0, desiredSize: 0, maxSize: 2 } } }),
    );
    const query = harness.one("aws:eks/nodeGroup:NodeGroup", "platform-nodes-query").inputs;
    expect(query).toMatchObject({ capacityType: "SPOT", scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 3 } });
    expect(harness.one("aws:eks/nodeGroup:NodeGroup", "platform-nodes-notebooks").inputs["amiType"]).toBe("AL2023_x86_64_STANDARD");
  });

  it("gives the node role only what nodes need; the CNI has its own role", async () => {
    const { harness } = await build();
    const nodeRole = harness.one("aws:iam/role:Role", "platform-nodes");
    const attached = harness.byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) => attachment.inputs["role"] === nodeRole.inputs["name"]);
    expect(attached.map((attachment) => attachment.inputs["policyArn"]).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    expect(parse(nodeRole, "assumeRolePolicy").Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(harness.byType("aws:iam/rolePolicy:RolePolicy").filter((policy) => policy.inputs["role"] === nodeRole.inputs["name"])).toEqual([]);
  });

  it("fails when a component asks to schedule onto a node group the stage does not have", async () => {
    const { system, query } = devArgs().nodeGroups;
    const { cluster } = await build(devArgs({ nodeGroups: { system: system!, query: query! } }));
    expect(() => cluster.scheduling("notebooks")).toThrow('PlatformCluster "platform" has no node group "notebooks"; node groups: query, system');
  });
});

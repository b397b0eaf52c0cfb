import { keyAdministrationActions, keyUseActions } from "@data-platform/aws-blocks";
import { resolveOutput } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { devArgs, prodArgs } from "./__fixtures__/args";
import { account, build, keyArn, parse } from "./__fixtures__/harness";

const eksType = "aws:eks/cluster:Cluster";

describe("PlatformCluster control plane", () => {
  it("keeps the API endpoint private by default", async () => {
    const { harness } = await build();
    const vpcConfig = harness.one(eksType, "platform-eks").inputs["vpcConfig"] as Record<string, unknown>;
    expect(vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(vpcConfig["publicAccessCidrs"]).toBeUndefined();
  });

  it("opens the public endpoint only to the CIDRs a stage lists", async () => {
    const { harness } = await build(prodArgs({ publicAccessCidrs: ["203.0.113.0/24"] }));
    expect(harness.one(eksType, "platform-eks").inputs["vpcConfig"]).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("fails when a stage lists 0.0.0.0/0, before registering anything", async () => {
    await expect(build(prodArgs({ publicAccessCidrs: ["0.0.0.0/0"] }))).rejects.toThrow(
      /publicAccessCidrs\[0\]: 0\.0\.0\.0\/0 would open the API endpoint/,
    );
  });

  it("sends all five control-plane log types to a pre-created, encrypted log group", async () => {
    const { harness } = await build();
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs["enabledClusterLogTypes"]).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    const group = harness.one("aws:cloudwatch/logGroup:LogGroup", "platform-control-plane-logs");
    expect(group.inputs).toMatchObject({
      name: "/aws/eks/dp-prod-platform/cluster",
      retentionInDays: 365,
      kmsKeyId: keyArn(harness.one("aws:kms/key:Key", "platform-logs-key")),
    });
    expect(cluster.dependencies).toContain(group.urn);
    const custom = (await build(prodArgs({ controlPlaneLogRetentionDays: 90 }))).harness.one(
      "aws:cloudwatch/logGroup:LogGroup",
      "platform-control-plane-logs",
    );
    expect(custom.inputs["retentionInDays"]).toBe(90);
  });

  it("encrypts Kubernetes secrets with a rotating customer key the control plane may use, and pins the version", async () => {
    const { harness } = await build();
    const key = harness.one("aws:kms/key:Key", "platform-secrets-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    // Administration (account root, management only) first; data use governed by the account's IAM policies; no kms:*.
    const root = `arn:aws:iam::${account}:root`;
    expect(parse(key).Statement).toEqual([
      expect.objectContaining({
        Sid: "KeyAdministration",
        Principal: { AWS: [root] },
        Action: keyAdministrationActions,
      }),
      expect.objectContaining({
        Sid: "KeyAdministrationGrantsForAwsResources",
        Principal: { AWS: [root] },
        Action: "kms:CreateGrant",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      }),
      { Sid: "KeyUseGovernedByIam", Effect: "Allow", Principal: { AWS: root }, Action: keyUseActions, Resource: "*" },
    ]);
    expect(harness.one("aws:kms/alias:Alias", "platform-secrets-key-alias").inputs["name"]).toBe(
      "alias/dp-prod-platform-eks-secrets",
    );
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs).toMatchObject({
      version: "1.33",
      upgradePolicy: { supportType: "STANDARD" },
      encryptionConfig: { provider: { keyArn: keyArn(key) }, resources: ["secrets"] },
    });
    const keyUse = harness.one("aws:iam/rolePolicy:RolePolicy", "platform-cluster-secrets-key");
    expect(keyUse.inputs["role"]).toBe("dp-prod-platform-cluster");
    expect(parse(keyUse).Statement).toEqual([
      {
        Sid: "EnvelopeEncryptionOfSecrets",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn(key),
      },
    ]);
    // The cluster is created only once its role can use the key.
    expect(cluster.dependencies).toContain(keyUse.urn);
  });

  it("names the key administrators it is given in every cluster key's policy, management only", async () => {
    const admin = `arn:aws:iam::${account}:role/platform-deployer`;
    const { harness } = await build(prodArgs({ keyAdministratorArns: [admin] }));
    for (const name of ["platform-logs-key", "platform-secrets-key", "platform-volumes-key"]) {
      const statements = parse(harness.one("aws:kms/key:Key", name)).Statement;
      expect(statements[0], name).toEqual(
        expect.objectContaining({
          Sid: "KeyAdministration",
          Principal: { AWS: [`arn:aws:iam::${account}:root`, admin] },
        }),
      );
      expect(JSON.stringify(statements), name).not.toContain('"kms:*"');
    }
  });

  it("runs the control plane under its own role: trusted by EKS only, for this account's cluster only, with the cluster policy", async () => {
    const { harness } = await build();
    const role = harness.one("aws:iam/role:Role", "platform-cluster");
    expect(parse(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "eks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:123456789012:cluster/dp-prod-platform" },
        },
      },
    ]);
    const attached = harness
      .byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((attachment) => attachment.inputs["role"] === "dp-prod-platform-cluster");
    expect(attached.map((attachment) => attachment.inputs["policyArn"])).toEqual([
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    ]);
    expect(harness.one(eksType, "platform-eks").inputs["roleArn"]).toBe(
      `arn:aws:iam::${account}:role/dp-prod-platform-cluster`,
    );
  });

  it("uses access entries only, never makes the creator admin, and keys entries by role name", async () => {
    const { harness } = await build();
    const cluster = harness.one(eksType, "platform-eks");
    expect(cluster.inputs["accessConfig"]).toEqual({
      authenticationMode: "API",
      bootstrapClusterCreatorAdminPermissions: false,
    });
    const entries = harness.byType("aws:eks/accessEntry:AccessEntry");
    expect(
      entries.map((entry) => [
        entry.name,
        entry.inputs["principalArn"],
        entry.inputs["type"],
        entry.inputs["clusterName"],
      ]),
    ).toEqual([
      [
        "platform-access-admin-platform-admins",
        "arn:aws:iam::111111111111:role/platform-admins",
        "STANDARD",
        "dp-prod-platform",
      ],
      [
        "platform-access-read-only-platform-oncall",
        "arn:aws:iam::111111111111:role/platform-oncall",
        "STANDARD",
        "dp-prod-platform",
      ],
    ]);
    const associations = harness.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(associations.map((association) => association.inputs)).toEqual([
      {
        clusterName: "dp-prod-platform",
        principalArn: "arn:aws:iam::111111111111:role/platform-admins",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      },
      {
        clusterName: "dp-prod-platform",
        principalArn: "arn:aws:iam::111111111111:role/platform-oncall",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        accessScope: { type: "cluster" },
      },
    ]);
    for (const association of associations)
      expect(association.dependencies).toContain(entries.find((entry) => entry.name === association.name)?.urn);
    const dev = (await build(devArgs({ adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"] })))
      .harness;
    expect(dev.byType("aws:eks/accessEntry:AccessEntry").map((entry) => entry.name)).toEqual([
      "platform-access-admin-platform-deploy-dev",
    ]);
  });

  it("refuses a cluster without an admin: the creator has no implicit access", async () => {
    await expect(build(devArgs({ adminRoleArns: [] }))).rejects.toThrow(
      /adminRoleArns: must name at least one role: .*pulumi up/,
    );
  });

  it("creates the IRSA OIDC provider from the cluster's issuer and no self-managed add-ons", async () => {
    const { harness, cluster } = await build();
    const inputs = harness.one(eksType, "platform-eks").inputs;
    expect(inputs).toMatchObject({
      name: "dp-prod-platform",
      bootstrapSelfManagedAddons: false,
      deletionProtection: true,
    });
    // Control-plane ENIs in the private subnets only.
    expect((inputs["vpcConfig"] as Record<string, unknown>)["subnetIds"]).toEqual(
      await resolveOutput(cluster.privateSubnetIds),
    );
    const oidc = harness.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "platform-oidc");
    expect(oidc.inputs["clientIdLists"]).toEqual(["sts.amazonaws.com"]);
    expect(oidc.inputs["url"]).toMatch(/^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(await resolveOutput(cluster.oidcIssuer)).toBe((oidc.inputs["url"] as string).replace("https://", ""));
    expect(await resolveOutput(cluster.oidcProviderArn)).toMatch(
      new RegExp(`^arn:aws:iam::${account}:oidc-provider/oidc\\.eks\\.eu-west-1\\.amazonaws\\.com/id/[0-9A-F]+$`),
    );
    const dev = (await build(devArgs({ adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"] })))
      .harness;
    expect(dev.one(eksType, "platform-eks").inputs["deletionProtection"]).toBe(false);
  });

  it("protects the cluster in prod only", async () => {
    expect((await build()).harness.one(eksType, "platform-eks").options.protect).toBe(true);
    const dev = (await build(devArgs({ adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"] })))
      .harness;
    expect(dev.one(eksType, "platform-eks").options.protect).toBeFalsy();
  });

  it("admits listed peered ranges to the private endpoint through the cluster security group, none by default", async () => {
    expect(
      (await build()).harness
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((rule) => rule.name),
    ).toEqual(["platform-endpoints-https-from-vpc"]);
    const { harness, cluster } = await build(prodArgs({ apiAccessCidrs: ["10.1.0.0/16"] }));
    expect(await resolveOutput(cluster.clusterSecurityGroupId)).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(
      harness.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "platform-api-from-10-1-0-0-16").inputs,
    ).toMatchObject({
      securityGroupId: await resolveOutput(cluster.clusterSecurityGroupId),
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.1.0.0/16",
    });
  });

  it("builds the Kubernetes provider from a kubeconfig that holds no credential, after the admins' access", async () => {
    const { harness, cluster } = await build();
    const provider = harness.one("pulumi:providers:kubernetes", "platform-k8s");
    const eks = harness.one(eksType, "platform-eks");
    const kubeconfig = JSON.parse(provider.inputs["kubeconfig"] as string) as Record<string, unknown>;
    expect(kubeconfig).toEqual(JSON.parse((await resolveOutput(cluster.kubeconfig)) ?? "null"));
    expect(kubeconfig).toMatchObject({
      "current-context": "dp-prod-platform",
      clusters: [
        {
          name: "dp-prod-platform",
          cluster: {
            server: await resolveOutput(cluster.cluster.endpoint),
            "certificate-authority-data": expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
          },
        },
      ],
      users: [
        {
          name: "dp-prod-platform",
          user: {
            exec: {
              command: "aws",
              args: [
                "eks",
                "get-token",
                "--cluster-name",
                "dp-prod-platform",
                "--region",
                "eu-west-1",
                "--output",
                "json",
              ],
            },
          },
        },
      ],
    });
    expect(provider.dependencies).toContain(eks.urn);
    for (const association of harness.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
      expect(provider.dependencies).toContain(association.urn);
    const peered = (await build(prodArgs({ apiAccessCidrs: ["10.1.0.0/16"] }))).harness;
    const rule = peered.one(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "platform-api-from-10-1-0-0-16",
    );
    expect(peered.one("pulumi:providers:kubernetes", "platform-k8s").dependencies).toContain(rule.urn);
  });
});

describe("PlatformCluster node groups", () => {
  it("launches every node with IMDSv2 only, a hop limit of 1 and an encrypted gp3 root volume", async () => {
    const { harness } = await build();
    const templates = harness.byType("aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates.map((template) => template.name).sort()).toEqual([
      "platform-nodes-notebooks",
      "platform-nodes-query",
      "platform-nodes-system",
    ]);
    for (const template of templates) {
      expect(template.inputs["metadataOptions"], template.name).toEqual({
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      });
      expect(template.inputs["blockDeviceMappings"]).toEqual([
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: 50,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: keyArn(harness.one("aws:kms/key:Key", "platform-volumes-key")),
            deleteOnTermination: "true",
          },
        },
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
    expect(cluster.scheduling("query").tolerations).toEqual([
      { key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" },
    ]);
  });

  it("differ per stage: Spot and smaller groups in dev, x86 AMIs for x86 types", async () => {
    const { harness } = await build(
      devArgs({
        nodeGroups: {
          ...devArgs().nodeGroups,
          notebooks: { instanceTypes: ["m7i.xlarge"], capacityType: "SPOT", minSize: 0, desiredSize: 0, maxSize: 2 },
        },
      }),
    );
    const query = harness.one("aws:eks/nodeGroup:NodeGroup", "platform-nodes-query").inputs;
    expect(query).toMatchObject({ capacityType: "SPOT", scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 3 } });
    expect(harness.one("aws:eks/nodeGroup:NodeGroup", "platform-nodes-notebooks").inputs["amiType"]).toBe(
      "AL2023_x86_64_STANDARD",
    );
  });

  it("gives the node role only what nodes need; the CNI has its own role", async () => {
    const { harness } = await build();
    const nodeRole = harness.one("aws:iam/role:Role", "platform-nodes");
    const attached = harness
      .byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((attachment) => attachment.inputs["role"] === nodeRole.inputs["name"]);
    expect(attached.map((attachment) => attachment.inputs["policyArn"]).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    expect(parse(nodeRole, "assumeRolePolicy").Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(
      harness
        .byType("aws:iam/rolePolicy:RolePolicy")
        .filter((policy) => policy.inputs["role"] === nodeRole.inputs["name"]),
    ).toEqual([]);
  });

  it("schedules onto Karpenter pools too, tolerating exactly the tainted ones", async () => {
    const { cluster } = await build(
      prodArgs({
        karpenter: {
          nodePools: {
            batch: { cpuLimit: 64, memoryLimitGiB: 256, taint: true },
            burst: { cpuLimit: 16, memoryLimitGiB: 64 },
          },
        },
      }),
    );
    expect(cluster.scheduling("batch")).toEqual({
      nodeSelector: { "data-platform.io/node-group": "batch" },
      tolerations: [{ key: "data-platform.io/dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" }],
    });
    expect(cluster.scheduling("burst")).toEqual({
      nodeSelector: { "data-platform.io/node-group": "burst" },
      tolerations: [],
    });
    expect(() => cluster.scheduling("spark")).toThrow(
      /it has: batch \(Karpenter\), burst \(Karpenter\), notebooks, query, system/,
    );
  });

  it("fails when a component asks to schedule onto a node group the stage does not have", async () => {
    const { system, query } = devArgs().nodeGroups;
    const { cluster } = await build(devArgs({ nodeGroups: { system: system!, query: query! } }));
    expect(() => cluster.scheduling("notebooks")).toThrow(
      'PlatformCluster "platform" has no node group or Karpenter pool "notebooks"; it has: query, system',
    );
  });
});

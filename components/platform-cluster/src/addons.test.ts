import { validateChartValues, validateCustomResource } from "@data-platform/helm-charts";
import { resolveOutput, type Harness, type Registration } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { prodArgs } from "./__fixtures__/args";
import { account, build, keyArn, parse } from "./__fixtures__/harness";
import type { ServiceAccountRole } from "./irsa";

const chartType = "kubernetes:helm.sh/v4:Chart";
const providerUrn = (harness: Harness) => {
  const provider = harness.one("pulumi:providers:kubernetes", "platform-k8s");
  return `${provider.urn}::${provider.id}`;
};

/** The one statement of an IRSA trust, with its issuer. */
function trustOf(role: Registration) {
  const [statement, ...rest] = parse(role, "assumeRolePolicy").Statement;
  expect(rest).toEqual([]);
  return statement!;
}

describe("PlatformCluster IRSA", () => {
  it("pins every add-on role's trust to one service account and the STS audience", async () => {
    const { harness, cluster } = await build(prodArgs({ karpenter: true }));
    const issuer = (await resolveOutput(cluster.oidcIssuer))!;
    const providerArn = await resolveOutput(cluster.oidcProviderArn);
    const expected: Record<string, string> = {
      "platform-vpc-cni": "kube-system:aws-node",
      "platform-ebs-csi-driver": "kube-system:ebs-csi-controller-sa",
      "platform-load-balancer-controller": "kube-system:aws-load-balancer-controller",
      "platform-karpenter": "kube-system:karpenter",
    };
    const federated = harness
      .byType("aws:iam/role:Role")
      .filter((role) => JSON.stringify(parse(role, "assumeRolePolicy")).includes("Federated"));
    expect(federated.map((role) => role.name).sort()).toEqual(Object.keys(expected).sort());
    for (const role of federated) {
      expect(trustOf(role), role.name).toEqual({
        Sid: "AssumeFromOneServiceAccount",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${expected[role.name]}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      });
    }
  });

  it("creates a role for one service account with exactly the policies the caller passes", async () => {
    let trino: ServiceAccountRole | undefined;
    const { harness, cluster } = await build(prodArgs(), {
      use: (platform) => {
        trino = platform.serviceAccountRole("query-trino", {
          namespace: "query",
          serviceAccount: "trino",
          policies: {
            "glue-read": JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "glue:GetTable", Resource: "*" }],
            }),
          },
          managedPolicyArns: { "s3-read": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
          tags: { "data-platform:owner": "query" },
        });
      },
    });
    const role = harness.one("aws:iam/role:Role", "query-trino");
    const issuer = await resolveOutput(cluster.oidcIssuer);
    expect(role.inputs).toMatchObject({ name: "dp-prod-query-trino", tags: { "data-platform:owner": "query" } });
    expect(role.parent).toBe(harness.one("data-platform:cluster:PlatformCluster", "platform").urn);
    expect(trustOf(role).Condition).toEqual({
      StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:query:trino", [`${issuer}:aud`]: "sts.amazonaws.com" },
    });
    expect(harness.one("aws:iam/rolePolicy:RolePolicy", "query-trino-glue-read").inputs["role"]).toBe(
      "dp-prod-query-trino",
    );
    expect(
      harness.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "query-trino-s3-read").inputs["policyArn"],
    ).toBe("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    expect(await resolveOutput(trino!.annotations)).toEqual({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${account}:role/dp-prod-query-trino`,
    });
  });

  it("fails when a service account role would match more than one service account", async () => {
    await expect(
      build(prodArgs(), {
        use: (platform) => platform.serviceAccountRole("any", { namespace: "query", serviceAccount: "*" }),
      }),
    ).rejects.toThrow(
      /serviceAccountRole "any": invalid args:\n- serviceAccount "\*" is not a Kubernetes service account name/,
    );
  });
});

describe("PlatformCluster add-ons", () => {
  it("runs the VPC CNI with its own role and network policy enforcement, before the nodes", async () => {
    const { harness } = await build();
    const cni = harness.one("aws:eks/addon:Addon", "platform-vpc-cni");
    expect(cni.inputs).toMatchObject({
      clusterName: "dp-prod-platform",
      addonName: "vpc-cni",
      serviceAccountRoleArn: `arn:aws:iam::${account}:role/dp-prod-platform-vpc-cni`,
      resolveConflictsOnCreate: "OVERWRITE",
    });
    expect(JSON.parse(cni.inputs["configurationValues"] as string)).toEqual({ enableNetworkPolicy: "true" });
    expect(
      harness.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "platform-vpc-cni-cni-policy").inputs[
        "policyArn"
      ],
    ).toBe("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    const kubeProxy = harness.one("aws:eks/addon:Addon", "platform-kube-proxy");
    for (const group of harness.byType("aws:eks/nodeGroup:NodeGroup"))
      expect(group.dependencies).toEqual(expect.arrayContaining([cni.urn, kubeProxy.urn]));
  });

  it("installs CoreDNS and the EBS CSI driver (IRSA) once nodes exist, with pinned versions when given", async () => {
    const { harness } = await build(prodArgs({ addonVersions: { coreDns: "v1.12.1-eksbuild.2" } }));
    const nodeGroups = harness.byType("aws:eks/nodeGroup:NodeGroup").map((group) => group.urn);
    const coreDns = harness.one("aws:eks/addon:Addon", "platform-coredns");
    const ebs = harness.one("aws:eks/addon:Addon", "platform-ebs-csi-driver");
    expect(coreDns.inputs).toMatchObject({ addonName: "coredns", addonVersion: "v1.12.1-eksbuild.2" });
    expect(ebs.inputs).toMatchObject({
      addonName: "aws-ebs-csi-driver",
      serviceAccountRoleArn: `arn:aws:iam::${account}:role/dp-prod-platform-ebs-csi-driver`,
    });
    expect(ebs.inputs["addonVersion"]).toBeUndefined();
    expect(
      harness.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "platform-ebs-csi-driver-ebs-csi-policy").inputs[
        "policyArn"
      ],
    ).toBe("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
    for (const addon of [coreDns, ebs]) expect(addon.dependencies).toEqual(expect.arrayContaining(nodeGroups));
  });

  it("makes an encrypted gp3 StorageClass the default, through the cluster's provider", async () => {
    const { harness } = await build();
    const storageClass = harness.one("kubernetes:storage.k8s.io/v1:StorageClass", "platform-gp3");
    expect(storageClass.provider).toBe(providerUrn(harness));
    expect(storageClass.inputs).toMatchObject({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
    });
  });

  it("installs the AWS Load Balancer Controller via Helm with IRSA, the cluster's provider and values valid for chart 3.5.0", async () => {
    const { harness, cluster } = await build();
    const chart = harness.one(chartType, "platform-aws-load-balancer-controller");
    expect(chart.provider).toBe(providerUrn(harness));
    expect(chart.inputs).toMatchObject({
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      namespace: "kube-system",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
    });
    const values = chart.inputs["values"] as Record<string, unknown>;
    expect(validateChartValues("awsLoadBalancerController", values)).toEqual([]);
    expect(values).toMatchObject({
      clusterName: "dp-prod-platform",
      region: "eu-west-1",
      vpcId: await resolveOutput(cluster.vpcId),
      serviceAccount: {
        name: "aws-load-balancer-controller",
        annotations: {
          "eks.amazonaws.com/role-arn": `arn:aws:iam::${account}:role/dp-prod-platform-load-balancer-controller`,
        },
      },
    });
    const policy = parse(harness.one("aws:iam/rolePolicy:RolePolicy", "platform-load-balancer-controller-controller"));
    expect(policy.Statement).toHaveLength(16);
    expect(chart.dependencies).toContain(harness.one("aws:eks/addon:Addon", "platform-coredns").urn);
  });

  it("leaves Karpenter out by default", async () => {
    const { harness, cluster } = await build();
    expect(harness.byType(chartType).map((chart) => chart.name)).toEqual(["platform-aws-load-balancer-controller"]);
    expect(harness.byType("aws:sqs/queue:Queue")).toEqual([]);
    expect(cluster.karpenter).toBeUndefined();
    for (const subnet of harness.byType("aws:ec2/subnet:Subnet"))
      expect(subnet.inputs["tags"], subnet.name).not.toHaveProperty(["karpenter.sh/discovery"]);
  });

  it("installs Karpenter when enabled: chart values valid for 1.14.1, IRSA, node access entry, interruption queue, discovery tags", async () => {
    const { harness, cluster } = await build(prodArgs({ karpenter: true }));
    const chart = harness.one(chartType, "platform-karpenter");
    expect(chart.provider).toBe(providerUrn(harness));
    expect(chart.inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: "1.14.1",
      namespace: "kube-system",
    });
    const values = chart.inputs["values"] as Record<string, unknown>;
    expect(validateChartValues("karpenter", values)).toEqual([]);
    const queue = harness.one("aws:sqs/queue:Queue", "platform-karpenter-interruptions");
    expect(queue.inputs).toMatchObject({
      name: "dp-prod-platform-karpenter",
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 300,
    });
    expect(values).toMatchObject({
      settings: { clusterName: "dp-prod-platform", interruptionQueue: "dp-prod-platform-karpenter" },
    });
    expect(harness.byType("aws:cloudwatch/eventTarget:EventTarget")).toHaveLength(5);
    expect(harness.one("aws:eks/accessEntry:AccessEntry", "platform-access-karpenter-nodes").inputs).toMatchObject({
      principalArn: `arn:aws:iam::${account}:role/dp-prod-platform-karpenter-nodes`,
      type: "EC2_LINUX",
    });
    // Node roles need no access policy.
    expect(
      harness.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((association) => association.name),
    ).not.toContain("platform-access-karpenter-nodes");
    expect(harness.one("aws:ec2/tag:Tag", "platform-karpenter-discovery-sg").inputs).toEqual({
      resourceId: await resolveOutput(cluster.clusterSecurityGroupId),
      key: "karpenter.sh/discovery",
      value: "dp-prod-platform",
    });
    // Private subnets only: Karpenter's nodes never land in the public ones.
    const discovery = (tier: string) =>
      harness
        .byType("aws:ec2/subnet:Subnet")
        .filter((subnet) => subnet.name.startsWith(`platform-${tier}-`))
        .map((subnet) => (subnet.inputs["tags"] as Record<string, string>)["karpenter.sh/discovery"]);
    expect(discovery("private")).toEqual(["dp-prod-platform", "dp-prod-platform", "dp-prod-platform"]);
    expect(discovery("public")).toEqual([undefined, undefined, undefined]);
    const queuePolicy = parse(
      harness.one("aws:sqs/queuePolicy:QueuePolicy", "platform-karpenter-interruptions"),
    ).Statement;
    expect(queuePolicy.find((statement) => statement.Sid === "DenyHTTP")).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": false } },
    });
  });

  it("gives Karpenter an EC2NodeClass on the volumes key and the default NodePool, after its chart", async () => {
    const { harness } = await build(prodArgs({ karpenter: true }));
    const chart = harness.one(chartType, "platform-karpenter");
    const nodeClass = harness.one(
      "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
      "platform-karpenter-nodeclass-default",
    );
    const volumesKey = keyArn(harness.one("aws:kms/key:Key", "platform-volumes-key"));
    expect(nodeClass.provider).toBe(providerUrn(harness));
    expect(nodeClass.dependencies).toContain(chart.urn);
    expect(nodeClass.inputs["spec"]).toMatchObject({
      role: "dp-prod-platform-karpenter-nodes",
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ ebs: { encrypted: true, kmsKeyID: volumesKey, volumeType: "gp3" } }],
      subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "dp-prod-platform" } }],
    });
    expect(
      validateCustomResource("karpenter", {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: nodeClass.inputs["metadata"] as { name: string },
        spec: nodeClass.inputs["spec"],
      }),
    ).toEqual([]);
    const pools = harness.byType("kubernetes:karpenter.sh/v1:NodePool");
    expect(pools.map((pool) => pool.name)).toEqual(["platform-karpenter-nodepool-general"]);
    expect(pools[0]!.inputs["spec"]).toMatchObject({ limits: { cpu: "64", memory: "256Gi" } });
    // The controller launches with its own credentials, so it may have EC2 use the volumes key, nothing else.
    const keyUse = parse(harness.one("aws:iam/rolePolicy:RolePolicy", "platform-karpenter-volumes-key")).Statement;
    expect(
      keyUse.map((statement) => [statement.Resource, statement.Condition?.["StringEquals"]?.["kms:ViaService"]]),
    ).toEqual([
      [volumesKey, "ec2.eu-west-1.amazonaws.com"],
      [volumesKey, "ec2.eu-west-1.amazonaws.com"],
    ]);
    expect((await build(prodArgs())).harness.byType("kubernetes:karpenter.sh/v1:NodePool")).toEqual([]);
  });

  it("takes node pools from config and refuses a pool named like a managed node group, before registering anything", async () => {
    const { harness } = await build(
      prodArgs({ karpenter: { nodePools: { spark: { cpuLimit: 512, memoryLimitGiB: 2048, taint: true } } } }),
    );
    const spark = harness.one("kubernetes:karpenter.sh/v1:NodePool", "platform-karpenter-nodepool-spark");
    expect(spark.inputs["spec"]).toMatchObject({
      template: { spec: { taints: [{ key: "data-platform.io/dedicated", value: "spark", effect: "NoSchedule" }] } },
    });
    await expect(
      build(prodArgs({ karpenter: { nodePools: { query: { cpuLimit: 8, memoryLimitGiB: 32 } } } })),
    ).rejects.toThrow(/karpenter\.nodePools\.query: a managed node group has this name/);
    await expect(
      build(prodArgs({ karpenter: { nodePools: { spark: { cpuLimit: 0, memoryLimitGiB: 32 } } } })),
    ).rejects.toThrow(/karpenter\.nodePools\.spark\.cpuLimit: must be a positive integer/);
  });
});

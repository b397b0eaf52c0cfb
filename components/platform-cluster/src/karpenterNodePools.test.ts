import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { validateCustomResource, type CustomResourceObject } from "@data-platform/helm-charts";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { runProgram, runProgramSettled, type Harness, type MockMode } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { dedicatedTaintKey, nodeGroupLabel, schedulingFor } from "./cluster";
import {
  al2023AmiAlias,
  createKarpenterNodePools,
  ec2NodeClassManifest,
  karpenterNodePoolDefaults,
  nodeClassDiskSizeGiB,
  nodePoolManifest,
  validateKarpenterNodePools,
  type KarpenterNodePoolArgs,
  type KarpenterNodePools,
} from "./karpenterNodePools";

const account = "123456789012";
// Placeholders where the component passes outputs (the node role's name, the volumes key's ARN).
const volumesKeyArn = `arn:aws:kms:eu-west-1:${account}:key/00000000-0000-0000-0000-000000000000`;
const nodeClassArgs = {
  name: "default",
  clusterName: "dp-prod-platform",
  nodeRoleName: "dp-prod-platform-karpenter-nodes",
  volumesKeyArn,
  diskSizeGiB: 50,
  tags: { "data-platform:stage": "prod", "data-platform:cluster": "dp-prod-platform" },
};
const general: KarpenterNodePoolArgs = { cpuLimit: 256, memoryLimitGiB: 1024 };
const query: KarpenterNodePoolArgs = {
  instanceFamilies: ["r7g", "r8g"],
  architectures: ["arm64"],
  capacityTypes: ["on-demand"],
  cpuLimit: 512,
  memoryLimitGiB: 4096,
  taint: true,
  diskSizeGiB: 100,
};

const validate = (manifest: object) => validateCustomResource("karpenter", manifest as CustomResourceObject);

type Spec = Record<string, any>;
const specOf = (manifest: { spec: unknown }) => manifest.spec as Spec;

describe("EC2NodeClass manifest", () => {
  const manifest = ec2NodeClassManifest(nodeClassArgs);

  it("validates against the karpenter 1.14.1 EC2NodeClass CRD", () => {
    expect(manifest).toMatchObject({
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: "default" },
    });
    expect(validate(manifest)).toEqual([]);
  });

  it("requires IMDSv2 with hop limit 1 and encrypts the gp3 root volume with the customer key", () => {
    const spec = specOf(manifest);
    expect(spec["metadataOptions"]).toEqual({
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    expect(spec["blockDeviceMappings"]).toEqual([
      {
        deviceName: "/dev/xvda",
        rootVolume: true,
        ebs: {
          volumeSize: "50Gi",
          volumeType: "gp3",
          encrypted: true,
          kmsKeyID: volumesKeyArn,
          deleteOnTermination: true,
        },
      },
    ]);
  });

  it("selects the pinned AL2023 alias, the discovery-tagged subnets and security groups, the node role and tags", () => {
    const spec = specOf(manifest);
    expect(al2023AmiAlias).toMatch(/^al2023@v\d{8}$/);
    expect(spec["amiSelectorTerms"]).toEqual([{ alias: al2023AmiAlias }]);
    expect(spec["amiFamily"]).toBeUndefined(); // implied by the alias
    expect(spec["subnetSelectorTerms"]).toEqual([{ tags: { "karpenter.sh/discovery": "dp-prod-platform" } }]);
    expect(spec["securityGroupSelectorTerms"]).toEqual([{ tags: { "karpenter.sh/discovery": "dp-prod-platform" } }]);
    expect(spec["role"]).toBe("dp-prod-platform-karpenter-nodes");
    expect(spec["instanceProfile"]).toBeUndefined(); // the CRD (CEL) wants exactly one of role and instanceProfile
    expect(spec["tags"]).toEqual(nodeClassArgs.tags);
  });

  it("fails validation when a key is misspelled or mistyped", () => {
    const spec = specOf(manifest);
    expect(
      validate({
        ...manifest,
        spec: { ...spec, metadataOptions: { ...spec["metadataOptions"], httpToken: "required" } },
      }),
    ).toEqual(['/spec/metadataOptions: unknown key "httpToken"']);
    expect(validate({ ...manifest, spec: { ...spec, subnetSelectorTerm: spec["subnetSelectorTerms"] } })).toContain(
      '/spec: unknown key "subnetSelectorTerm"',
    );
    expect(
      validate({
        ...manifest,
        spec: { ...spec, metadataOptions: { ...spec["metadataOptions"], httpPutResponseHopLimit: "1" } },
      }),
    ).toEqual(["/spec/metadataOptions/httpPutResponseHopLimit: must be integer"]);
  });
});

describe("NodePool manifest", () => {
  it("applies the documented defaults and validates against the karpenter 1.14.1 NodePool CRD", () => {
    const manifest = nodePoolManifest("general", general, "default");
    expect(manifest).toEqual({
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "general" },
      spec: {
        template: {
          metadata: { labels: { "data-platform.io/node-group": "general" } },
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
            requirements: [
              { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
              { key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] },
              { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
              { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
              { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            ],
            expireAfter: "720h",
          },
        },
        limits: { cpu: "256", memory: "1024Gi" },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
      },
    });
    expect(validate(manifest)).toEqual([]);
  });

  it("labels every pool's nodes and taints a dedicated pool the way scheduling() tolerates", () => {
    const tainted = specOf(nodePoolManifest("query", query, "default"));
    expect(tainted["template"].metadata.labels).toEqual({ [nodeGroupLabel]: "query" });
    expect(tainted["template"].spec.taints).toEqual([{ key: dedicatedTaintKey, value: "query", effect: "NoSchedule" }]);
    const [toleration] = schedulingFor("query").tolerations;
    expect(toleration).toMatchObject({ key: dedicatedTaintKey, value: "query", effect: "NoSchedule" });
    expect(tainted["template"].spec.requirements).toContainEqual({
      key: "karpenter.k8s.aws/instance-family",
      operator: "In",
      values: ["r7g", "r8g"],
    });
    expect(tainted["template"].spec.requirements).toContainEqual({
      key: "karpenter.sh/capacity-type",
      operator: "In",
      values: ["on-demand"],
    });
    expect(validate(nodePoolManifest("query", query, "default"))).toEqual([]);

    const untainted = specOf(nodePoolManifest("general", general, "default"));
    expect(untainted["template"].spec).not.toHaveProperty("taints");
  });

  it("fails validation when a key is misspelled or a value breaks the CRD's pattern", () => {
    const manifest = nodePoolManifest("general", general, "default");
    const spec = specOf(manifest);
    const misspelled = {
      ...manifest,
      spec: { ...spec, template: { ...spec["template"], spec: { ...spec["template"].spec, requirments: [] } } },
    };
    expect(validate(misspelled)).toEqual(['/spec/template/spec: unknown key "requirments"']);
    expect(validate({ ...manifest, spec: { ...spec, limit: spec["limits"] } })).toEqual(['/spec: unknown key "limit"']);
    expect(
      validate({ ...manifest, spec: { ...spec, disruption: { ...spec["disruption"], consolidateAfter: "1 minute" } } }),
    ).toEqual(['/spec/disruption/consolidateAfter: must match pattern "^(([0-9]+(s|m|h))+|Never)$"']);
  });
});

describe("validateKarpenterNodePools", () => {
  it("accepts good pools", () => {
    expect(validateKarpenterNodePools({ general, query }, nodeClassArgs.tags)).toEqual([]);
  });

  it("lists every problem: names, keys, limits, architectures, capacity types, durations, disk, families, tags", () => {
    const problems = validateKarpenterNodePools(
      {
        Query_Pool: { cpuLimit: 8, memoryLimitGiB: 32 },
        bad: {
          cpuLimit: 0,
          memoryLimitGiB: 1.5,
          architectures: ["arm64", "x86_64" as never],
          capacityTypes: [],
          consolidateAfter: "5 minutes",
          expireAfter: "30d",
          diskSizeGiB: 10,
          instanceFamilies: ["m7g", "M7G"],
          taint: "yes" as never,
        },
        mismatch: { cpuLimit: 8, memoryLimitGiB: 32, architectures: ["amd64"], instanceFamilies: ["m7i", "c7g"] },
        typo: { cpuLimit: 8, memoryLimitGiB: 32, capacityType: ["spot"] } as never,
      },
      { "kubernetes.io/cluster/dp-prod-platform": "owned" },
    );
    expect(problems).toEqual([
      { path: "nodePools.bad.architectures", message: '"x86_64" is not one of "arm64", "amd64"' },
      { path: "nodePools.bad.capacityTypes", message: "must be a non-empty list" },
      { path: "nodePools.bad.instanceFamilies", message: '"M7G" is not an EC2 instance family (e.g. m7g, r7i)' },
      { path: "nodePools.bad.cpuLimit", message: "must be a positive integer, got 0" },
      { path: "nodePools.bad.memoryLimitGiB", message: "must be a positive integer, got 1.5" },
      {
        path: "nodePools.bad.consolidateAfter",
        message: '"5 minutes" is not a duration (s/m/h units, e.g. 90s, 1h30m, 720h) or Never',
      },
      {
        path: "nodePools.bad.expireAfter",
        message: '"30d" is not a duration (s/m/h units, e.g. 90s, 1h30m, 720h) or Never',
      },
      { path: "nodePools.bad.taint", message: "must be a boolean" },
      { path: "nodePools.bad.diskSizeGiB", message: "must be an integer from 20 to 16384, got 10" },
      { path: "nodePools.mismatch.instanceFamilies", message: "c7g is arm64, not one of architectures amd64" },
      {
        path: "nodePools.Query_Pool",
        message:
          "pool names are DNS labels (lowercase letters, digits, hyphens; 63 at most): they name the NodePool, its label and taint",
      },
      {
        path: "nodePools.typo",
        message:
          'unknown key "capacityType" (known: instanceFamilies, architectures, capacityTypes, cpuLimit, memoryLimitGiB, consolidateAfter, expireAfter, taint, diskSizeGiB)',
      },
      {
        path: "tags",
        message: '"kubernetes.io/cluster/dp-prod-platform" is set by Karpenter itself; the EC2NodeClass refuses it',
      },
    ]);
    expect(validateKarpenterNodePools({})).toEqual([
      { path: "nodePools", message: "name at least one pool (Karpenter provisions nothing without a NodePool)" },
    ]);
    expect(validateKarpenterNodePools({ general }, {}, "al2023@someday")).toEqual([
      { path: "amiAlias", message: '"al2023@someday" is not al2023@v<YYYYMMDD> (or al2023@latest)' },
    ]);
  });

  it("sizes the shared node class's volume for the pool that asks most", () => {
    expect(karpenterNodePoolDefaults.diskSizeGiB).toBe(50);
    expect(nodeClassDiskSizeGiB({ general })).toBe(50);
    expect(nodeClassDiskSizeGiB({ general, query })).toBe(100);
  });
});

const nodeClassType = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const nodePoolType = "kubernetes:karpenter.sh/v1:NodePool";

/** What addons.ts would do: a parent, the cluster's provider, the controller chart, the node role and the volumes key. */
function program(pools: Record<string, KarpenterNodePoolArgs>, captured: { parts?: KarpenterNodePools } = {}) {
  return () => {
    const parent = new pulumi.ComponentResource("data-platform:cluster:PlatformCluster", "platform");
    const provider = new k8s.Provider("platform-k8s", { kubeconfig: "{}" }, { parent });
    const chart = new k8s.helm.v4.Chart(
      "platform-karpenter",
      { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", namespace: "kube-system" },
      { parent, provider },
    );
    const nodeRole = new aws.iam.Role(
      "platform-karpenter-nodes",
      { name: "dp-prod-platform-karpenter-nodes", assumeRolePolicy: "{}" },
      { parent },
    );
    const volumesKey = new aws.kms.Key(
      "platform-volumes-key",
      { description: "node volumes", enableKeyRotation: true },
      { parent },
    );
    captured.parts = createKarpenterNodePools(parent, "platform", {
      provider,
      clusterName: "dp-prod-platform",
      nodeRoleName: nodeRole.name,
      volumesKeyArn: volumesKey.arn,
      pools,
      tags: nodeClassArgs.tags,
      dependsOn: [chart],
    });
    return {};
  };
}

async function run(mode: MockMode = "resolved"): Promise<Harness> {
  const { harness } = await runProgram(program({ query, general }), { mode, stack: "prod", accountId: account });
  return harness;
}

describe("createKarpenterNodePools", () => {
  it("registers the default EC2NodeClass and one NodePool per pool key, through the cluster's provider, after the chart", async () => {
    const harness = await run();
    const provider = harness.one("pulumi:providers:kubernetes", "platform-k8s");
    const chart = harness.one("kubernetes:helm.sh/v4:Chart", "platform-karpenter");
    const parent = harness.one("data-platform:cluster:PlatformCluster", "platform");
    const nodeClass = harness.one(nodeClassType, "platform-karpenter-nodeclass-default");
    expect(harness.byType(nodeClassType)).toHaveLength(1);
    expect(
      harness
        .byType(nodePoolType)
        .map((pool) => pool.name)
        .sort(),
    ).toEqual(["platform-karpenter-nodepool-general", "platform-karpenter-nodepool-query"]);
    for (const resource of [nodeClass, ...harness.byType(nodePoolType)]) {
      expect(resource.provider, resource.name).toBe(`${provider.urn}::${provider.id}`);
      expect(resource.parent, resource.name).toBe(parent.urn);
      expect(resource.dependencies, resource.name).toContain(chart.urn);
      expect(validate(resource.inputs), resource.name).toEqual([]);
    }
    for (const pool of harness.byType(nodePoolType)) expect(pool.dependencies).toContain(nodeClass.urn);
  });

  it("passes the node role's name and the volumes key's ARN into the node class, and sizes its volume for the pools", async () => {
    const harness = await run();
    const key = harness.one("aws:kms/key:Key", "platform-volumes-key");
    const spec = harness.one(nodeClassType, "platform-karpenter-nodeclass-default").inputs["spec"] as Spec;
    expect(spec["role"]).toBe("dp-prod-platform-karpenter-nodes");
    expect(spec["blockDeviceMappings"][0].ebs).toMatchObject({
      encrypted: true,
      volumeType: "gp3",
      volumeSize: "100Gi",
      kmsKeyID: `arn:aws:kms:eu-west-1:${account}:key/${key.id}`,
    });
    expect(spec["metadataOptions"]).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    const querySpec = harness.one(nodePoolType, "platform-karpenter-nodepool-query").inputs["spec"] as Spec;
    expect(querySpec["template"].spec.taints).toEqual([
      { key: dedicatedTaintKey, value: "query", effect: "NoSchedule" },
    ]);
    expect(querySpec["limits"]).toEqual({ cpu: "512", memory: "4096Gi" });
  });

  it("registers the same resources in a first preview (outputs unknown)", async () => {
    const preview = await run("preview");
    const resolved = await run("resolved");
    const urns = (harness: Harness) => harness.registrations.map((registration) => registration.urn).sort();
    expect(urns(preview)).toEqual(urns(resolved));
  });

  it("names resources by pool key: adding a pool leaves the others' URNs alone", async () => {
    const one = await runProgram(program({ query }), { stack: "prod", accountId: account });
    const two = await runProgram(program({ general, query }), { stack: "prod", accountId: account });
    const queryUrn = (harness: Harness) => harness.one(nodePoolType, "platform-karpenter-nodepool-query").urn;
    expect(queryUrn(one.harness)).toBe(queryUrn(two.harness));
  });

  it("throws one error listing every problem before registering any Karpenter object", async () => {
    const run = await runProgramSettled(program({ Bad: { cpuLimit: 0, memoryLimitGiB: 8 } }), {
      stack: "prod",
      accountId: account,
    });
    expect(String(run.error)).toMatch(
      /platform: invalid Karpenter node pools:\n- nodePools\.Bad: pool names are DNS labels .*\n- nodePools\.Bad\.cpuLimit: must be a positive integer, got 0$/,
    );
    expect([...run.harness.byType(nodeClassType), ...run.harness.byType(nodePoolType)]).toEqual([]);
  });

  it("gives the policy pack nothing to report about the node class and pools", async () => {
    const harness = await run();
    const ours = new Set(
      [...harness.byType(nodeClassType), ...harness.byType(nodePoolType)].map((resource) => resource.urn),
    );
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => ours.has(finding.urn))).toEqual([]);
  });
});

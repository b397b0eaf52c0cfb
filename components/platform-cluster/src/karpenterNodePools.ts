import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { formatArgsProblem, type ArgsProblem } from "@data-platform/conventions";
import { isGraviton } from "./args";
import { dedicatedTaintKey, nodeGroupLabel } from "./cluster";

/**
 * Karpenter's NodePools and EC2NodeClass (CRDs of chart 1.14.1: karpenter.sh/v1 NodePool,
 * karpenter.k8s.aws/v1 EC2NodeClass; schemas in @data-platform/helm-charts, charts/karpenter-1.14.1/crds).
 * Pure builders return the manifests as plain objects; `createKarpenterNodePools` registers them.
 */

/** Tag Karpenter selects subnets and security groups by (set on the private subnets and the cluster security group). */
export const karpenterDiscoveryTagKey = "karpenter.sh/discovery";

/**
 * The EKS-optimised AL2023 AMI release the node class selects (`alias: al2023@<version>`; the family is
 * implied by the alias). Pinned, not `latest`: with `latest` every AMI release drifts and replaces every
 * Karpenter node at once, which Karpenter's docs advise against outside test clusters. v20260714 is the
 * awslabs/amazon-eks-ami release of that tag (CHANGELOG "AMI Release v20260714"): AL2023 standard arm64 and
 * x86_64 AMIs for Kubernetes 1.30-1.36. Move it forward deliberately, one stage at a time.
 */
export const al2023AmiAlias = "al2023@v20260714";

/** The one EC2NodeClass every pool uses. */
export const defaultNodeClassName = "default";

export type KarpenterArchitecture = "arm64" | "amd64";
export type KarpenterCapacityType = "spot" | "on-demand";

/** One Karpenter NodePool. Its key (the pool name) names the NodePool, its node label and its taint. */
export interface KarpenterNodePoolArgs {
  /**
   * EC2 instance families (`m7g`, `r7i`, ...) the pool may launch.
   * @default any family of category c, m or r and generation 6 or later (Graviton2+, Ice Lake / Milan and later)
   */
  instanceFamilies?: string[];
  /**
   * CPU architectures. Karpenter picks the cheapest offering that fits the pending pods, which favours
   * Graviton; the order states the preference for readers, Karpenter does not rank by it. Pods whose
   * images are amd64-only must select `kubernetes.io/arch: amd64`.
   * @default ["arm64", "amd64"]
   */
  architectures?: KarpenterArchitecture[];
  /**
   * Capacity types. With both, Karpenter launches spot when offered and falls back to on-demand.
   * @default ["spot", "on-demand"]
   */
  capacityTypes?: KarpenterCapacityType[];
  /** Upper bound on the vCPUs of all the pool's nodes together (NodePool `limits.cpu`); a positive integer. */
  cpuLimit: number;
  /** Upper bound on the memory of all the pool's nodes together, in GiB (`limits.memory`); a positive integer. */
  memoryLimitGiB: number;
  /**
   * How long a node must be empty or underutilised before consolidation removes it (policy
   * `WhenEmptyOrUnderutilized`). Go duration in s/m/h (`90s`, `1m`, `1h30m`) or `Never`.
   * @default "1m"
   */
  consolidateAfter?: string;
  /**
   * Node lifetime: nodes older than this are replaced (picks up new AMIs and config). Go duration or `Never`.
   * @default "720h" (30 days)
   */
  expireAfter?: string;
  /**
   * Taint the nodes `data-platform.io/dedicated=<name>:NoSchedule` so only pods tolerating it run there.
   * @default false
   */
  taint?: boolean;
  /**
   * Root volume size in GiB (gp3, encrypted with the volumes key), 20-16384. All pools share the one
   * EC2NodeClass, so its volume is the largest size any pool asks for.
   * @default 50
   */
  diskSizeGiB?: number;
}

/**
 * The documented defaults of `KarpenterNodePoolArgs`.
 * @internal Exported for its tests only; not part of the package's API.
 */
export const karpenterNodePoolDefaults = {
  architectures: ["arm64", "amd64"] as KarpenterArchitecture[],
  capacityTypes: ["spot", "on-demand"] as KarpenterCapacityType[],
  instanceCategories: ["c", "m", "r"],
  /** Families of a later generation than this, when no `instanceFamilies` are given. */
  minimumGenerationAbove: 5,
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "1m",
  expireAfter: "720h",
  taint: false,
  diskSizeGiB: 50,
} as const;

const poolKeys: readonly (keyof KarpenterNodePoolArgs)[] = [
  "instanceFamilies",
  "architectures",
  "capacityTypes",
  "cpuLimit",
  "memoryLimitGiB",
  "consolidateAfter",
  "expireAfter",
  "taint",
  "diskSizeGiB",
];
const architectures: readonly KarpenterArchitecture[] = ["arm64", "amd64"];
const capacityTypes: readonly KarpenterCapacityType[] = ["spot", "on-demand"];
// The pool name is the NodePool's name and the value of its label and taint: a DNS-1123 label (63 at most).
const poolNamePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// The CRD's pattern of consolidateAfter and expireAfter.
const durationPattern = /^(([0-9]+(s|m|h))+|Never)$/;
// EC2 family names (the instance type before the "."): lowercase letters and digits with a digit somewhere,
// an optional -suffix (m7g, c7gn, x2iedn, m7i-flex, u7i-6tb, u-6tb1).
const familyPattern = /^(?=[a-z-]*[0-9])[a-z][a-z0-9]*(-[a-z0-9]+)?$/;
// The managed node groups' rule (a "g" right after the generation marks Graviton: m7g, c6gn, x2gd), plus a1, the first Graviton.
function architectureOf(family: string): KarpenterArchitecture {
  return isGraviton(`${family}.large`) || family === "a1" ? "arm64" : "amd64";
}

function listProblems<T extends string>(
  where: string,
  value: readonly T[] | undefined,
  allowed: readonly T[] | undefined,
): ArgsProblem[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) return [{ path: where, message: "must be a non-empty list" }];
  const problems: ArgsProblem[] = [];
  if (new Set(value).size !== value.length) problems.push({ path: where, message: "lists a value twice" });
  if (allowed)
    for (const item of value)
      if (!allowed.includes(item))
        problems.push({
          path: where,
          message: `"${String(item)}" is not one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
        });
  return problems;
}

function positiveInteger(where: string, value: unknown): ArgsProblem[] {
  return typeof value === "number" && Number.isInteger(value) && value > 0
    ? []
    : [{ path: where, message: `must be a positive integer, got ${JSON.stringify(value)}` }];
}

/** Problems of one pool's args (empty when valid), at `nodePools.<name>` and its keys (`KarpenterArgs` paths). */
export function validateKarpenterNodePoolArgs(name: string, args: KarpenterNodePoolArgs): ArgsProblem[] {
  const where = `nodePools.${name}`;
  const problems: ArgsProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!poolNamePattern.test(name))
    add(
      where,
      "pool names are DNS labels (lowercase letters, digits, hyphens; 63 at most): they name the NodePool, its label and taint",
    );
  for (const key of Object.keys(args))
    if (!poolKeys.includes(key as keyof KarpenterNodePoolArgs))
      add(where, `unknown key "${key}" (known: ${poolKeys.join(", ")})`);
  problems.push(...listProblems(`${where}.architectures`, args.architectures, architectures));
  problems.push(...listProblems(`${where}.capacityTypes`, args.capacityTypes, capacityTypes));
  problems.push(...listProblems(`${where}.instanceFamilies`, args.instanceFamilies, undefined));
  const allowedArchitectures = args.architectures ?? karpenterNodePoolDefaults.architectures;
  for (const family of Array.isArray(args.instanceFamilies) ? args.instanceFamilies : []) {
    if (typeof family !== "string" || !familyPattern.test(family))
      add(`${where}.instanceFamilies`, `"${String(family)}" is not an EC2 instance family (e.g. m7g, r7i)`);
    else if (!allowedArchitectures.includes(architectureOf(family)))
      add(
        `${where}.instanceFamilies`,
        `${family} is ${architectureOf(family)}, not one of architectures ${allowedArchitectures.join(", ")}`,
      );
  }
  problems.push(...positiveInteger(`${where}.cpuLimit`, args.cpuLimit));
  problems.push(...positiveInteger(`${where}.memoryLimitGiB`, args.memoryLimitGiB));
  for (const key of ["consolidateAfter", "expireAfter"] as const) {
    const value = args[key];
    if (value !== undefined && (typeof value !== "string" || !durationPattern.test(value)))
      add(
        `${where}.${key}`,
        `${JSON.stringify(value)} is not a duration (s/m/h units, e.g. 90s, 1h30m, 720h) or Never`,
      );
  }
  if (args.taint !== undefined && typeof args.taint !== "boolean") add(`${where}.taint`, "must be a boolean");
  if (
    args.diskSizeGiB !== undefined &&
    !(Number.isInteger(args.diskSizeGiB) && args.diskSizeGiB >= 20 && args.diskSizeGiB <= 16384)
  ) {
    add(`${where}.diskSizeGiB`, `must be an integer from 20 to 16384, got ${JSON.stringify(args.diskSizeGiB)}`);
  }
  return problems;
}

// Tags Karpenter sets itself; the EC2NodeClass CRD refuses them in spec.tags (CEL rules ajv cannot evaluate).
const restrictedTag = (key: string) =>
  key === "" ||
  key === "eks:eks-cluster-name" ||
  key.startsWith("kubernetes.io/cluster") ||
  ["karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"].includes(key);

/** Tags Karpenter sets itself, which the EC2NodeClass refuses, filed at `path` (the argument the tags came from). */
export function karpenterTagProblems(path: string, tags: Record<string, string>): ArgsProblem[] {
  return Object.keys(tags)
    .filter(restrictedTag)
    .map((key) => ({ path, message: `"${key}" is set by Karpenter itself; the EC2NodeClass refuses it` }));
}

/**
 * Problems of a set of pools and the node class (empty when valid), at `KarpenterArgs` paths: `nodePools`,
 * `nodePools.<name>[.<key>]`, `amiAlias`, and `tags` for the node class tags. Pure.
 */
export function validateKarpenterNodePools(
  pools: Record<string, KarpenterNodePoolArgs>,
  tags: Record<string, string> = {},
  amiAlias: string = al2023AmiAlias,
): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  if (Object.keys(pools).length === 0)
    problems.push({
      path: "nodePools",
      message: "name at least one pool (Karpenter provisions nothing without a NodePool)",
    });
  for (const [name, args] of Object.entries(pools).sort(([a], [b]) => a.localeCompare(b)))
    problems.push(...validateKarpenterNodePoolArgs(name, args));
  problems.push(...karpenterTagProblems("tags", tags));
  // The node class relies on the alias for the AMI family (AL2023 user data, /dev/xvda root volume).
  if (!/^al2023@(v[0-9]{8}|latest)$/.test(amiAlias))
    problems.push({ path: "amiAlias", message: `"${amiAlias}" is not al2023@v<YYYYMMDD> (or al2023@latest)` });
  return problems;
}

/**
 * The node class's volume: the largest `diskSizeGiB` of the pools (default 50).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function nodeClassDiskSizeGiB(pools: Record<string, KarpenterNodePoolArgs>): number {
  return Math.max(
    karpenterNodePoolDefaults.diskSizeGiB,
    ...Object.values(pools).map((pool) => pool.diskSizeGiB ?? karpenterNodePoolDefaults.diskSizeGiB),
  );
}

/** A plain Kubernetes object (what the builders return). */
export interface KarpenterManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

export interface Ec2NodeClassManifestArgs {
  name: string;
  clusterName: string;
  /** Node role name (not ARN): Karpenter creates and manages the instance profile for it. */
  nodeRoleName: string;
  /** Customer managed KMS key (ARN) of the root volumes. */
  volumesKeyArn: string;
  diskSizeGiB: number;
  tags: Record<string, string>;
  /** @default al2023AmiAlias */
  amiAlias?: string;
}

/**
 * EC2NodeClass: AL2023 (pinned alias), subnets and security groups by the discovery tag, the node role,
 * IMDSv2 required with hop limit 1 (pods cannot reach the node's credentials), one encrypted gp3 root
 * volume under the customer key, and tags on instances, volumes, ENIs and launch templates.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function ec2NodeClassManifest(args: Ec2NodeClassManifestArgs): KarpenterManifest {
  const discovery = [{ tags: { [karpenterDiscoveryTagKey]: args.clusterName } }];
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: args.name },
    spec: {
      role: args.nodeRoleName,
      amiSelectorTerms: [{ alias: args.amiAlias ?? al2023AmiAlias }],
      subnetSelectorTerms: discovery,
      securityGroupSelectorTerms: discovery,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          // AL2023's root device; it holds the kubelet root dir (images, emptyDir).
          deviceName: "/dev/xvda",
          rootVolume: true,
          ebs: {
            volumeSize: `${args.diskSizeGiB}Gi`,
            volumeType: "gp3",
            encrypted: true,
            kmsKeyID: args.volumesKeyArn,
            deleteOnTermination: true,
          },
        },
      ],
      tags: args.tags,
    },
  };
}

/**
 * NodePool `name`: requirements (Linux, architectures, capacity types, families or c/m/r generation 6+),
 * limits, consolidation `WhenEmptyOrUnderutilized`, expiry, the node-group label and, when `taint`, the
 * dedicated taint - the same label and taint the managed node groups carry, so `PlatformCluster.scheduling(name)`
 * places pods on the pool (with the toleration when the pool is tainted).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function nodePoolManifest(name: string, args: KarpenterNodePoolArgs, nodeClassName: string): KarpenterManifest {
  const d = karpenterNodePoolDefaults;
  const families = args.instanceFamilies
    ? [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...args.instanceFamilies] }]
    : [
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: [...d.instanceCategories] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(d.minimumGenerationAbove)] },
      ];
  const taint = args.taint ?? d.taint;
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name },
    spec: {
      template: {
        metadata: { labels: { [nodeGroupLabel]: name } },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName },
          requirements: [
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            { key: "kubernetes.io/arch", operator: "In", values: [...(args.architectures ?? d.architectures)] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...(args.capacityTypes ?? d.capacityTypes)] },
            ...families,
          ],
          expireAfter: args.expireAfter ?? d.expireAfter,
          ...(taint ? { taints: [{ key: dedicatedTaintKey, value: name, effect: "NoSchedule" }] } : {}),
        },
      },
      limits: { cpu: String(args.cpuLimit), memory: `${args.memoryLimitGiB}Gi` },
      disruption: {
        consolidationPolicy: d.consolidationPolicy,
        consolidateAfter: args.consolidateAfter ?? d.consolidateAfter,
      },
    },
  };
}

export interface KarpenterNodePoolsInputs {
  provider: k8s.Provider;
  /** The cluster's name: the value of the discovery tag on the private subnets and the cluster security group. */
  clusterName: string;
  nodeRoleName: pulumi.Input<string>;
  volumesKeyArn: pulumi.Input<string>;
  /** Pools by name; the name is the NodePool's and its resource's. */
  pools: Record<string, KarpenterNodePoolArgs>;
  /** Tags of the instances, volumes, ENIs and launch templates Karpenter creates. */
  tags: Record<string, string>;
  /** The Karpenter controller chart (its CRDs and webhook): the objects are created after it and deleted before it. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** @default al2023AmiAlias */
  amiAlias?: string;
}

export interface KarpenterNodePools {
  nodeClass: k8s.apiextensions.CustomResource;
  nodePools: Record<string, k8s.apiextensions.CustomResource>;
}

/**
 * Registers the `default` EC2NodeClass (`<name>-karpenter-nodeclass-default`) and one NodePool per pool
 * (`<name>-karpenter-nodepool-<pool>`), through the cluster's provider, after the controller chart.
 * Throws one error listing every problem before registering anything.
 */
export function createKarpenterNodePools(
  parent: pulumi.Resource,
  name: string,
  inputs: KarpenterNodePoolsInputs,
): KarpenterNodePools {
  const amiAlias = inputs.amiAlias ?? al2023AmiAlias;
  const problems = validateKarpenterNodePools(inputs.pools, inputs.tags, amiAlias);
  if (problems.length > 0)
    throw new Error(
      `${name}: invalid Karpenter node pools:\n${problems.map((problem) => `- ${formatArgsProblem(problem)}`).join("\n")}`,
    );
  const diskSizeGiB = nodeClassDiskSizeGiB(inputs.pools);
  const opts = { parent, provider: inputs.provider };
  const nodeClass = new k8s.apiextensions.CustomResource(
    `${name}-karpenter-nodeclass-${defaultNodeClassName}`,
    {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: defaultNodeClassName },
      spec: pulumi.all([inputs.nodeRoleName, inputs.volumesKeyArn]).apply(
        ([nodeRoleName, volumesKeyArn]) =>
          ec2NodeClassManifest({
            name: defaultNodeClassName,
            clusterName: inputs.clusterName,
            nodeRoleName,
            volumesKeyArn,
            diskSizeGiB,
            tags: inputs.tags,
            amiAlias,
          }).spec,
      ),
    },
    { ...opts, dependsOn: inputs.dependsOn },
  );
  const nodePools: Record<string, k8s.apiextensions.CustomResource> = {};
  for (const [pool, args] of Object.entries(inputs.pools).sort(([a], [b]) => a.localeCompare(b))) {
    const manifest = nodePoolManifest(pool, args, defaultNodeClassName);
    nodePools[pool] = new k8s.apiextensions.CustomResource(
      `${name}-karpenter-nodepool-${pool}`,
      { apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: manifest.metadata, spec: manifest.spec },
      { ...opts, dependsOn: [...inputs.dependsOn, nodeClass] },
    );
  }
  return { nodeClass, nodePools };
}

import type * as pulumi from "@pulumi/pulumi";
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { karpenterTagProblems, validateKarpenterNodePools, type KarpenterNodePoolArgs } from "./karpenterNodePools";
import {
  argsProblemsMessage,
  isLogRetentionDays,
  logRetentionDays,
  platformDefaults,
  type ArgsProblem,
} from "@data-platform/conventions";

/** NAT strategy: one gateway for the VPC (cheap, one AZ is a single point of failure) or one per AZ. */
export type NatGatewayStrategy = "single" | "onePerAz";
export type CapacityType = "ON_DEMAND" | "SPOT";
/** EKS upgrade policy: standard support, or extended support (about 6x the control-plane price). */
export type UpgradeSupportType = "STANDARD" | "EXTENDED";
/** Pod Security Standards level of a namespace. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** One managed node group, as the stage config describes it (`cluster.nodeGroups.<name>`). */
export interface NodeGroupArgs {
  /** EC2 instance types, all of one architecture (Graviton `*g*` families or x86). */
  instanceTypes: string[];
  /** @default "ON_DEMAND" */
  capacityType?: CapacityType;
  minSize: number;
  desiredSize: number;
  maxSize: number;
  /** Root volume size (gp3, encrypted). @default 50 */
  diskSizeGiB?: number;
}

/** Karpenter's node pools and node class (`cluster.karpenter` in the stage config). */
export interface KarpenterArgs {
  /**
   * NodePools by name (the name is the NodePool's, its `data-platform.io/node-group` label and, with `taint`,
   * its taint value); must not reuse a managed node group's name.
   * @default { general: { cpuLimit: 64, memoryLimitGiB: 256 } } (untainted, Graviton and x86, Spot first)
   */
  nodePools?: Record<string, KarpenterNodePoolArgs>;
  /** EC2NodeClass AMI alias, pinned (`al2023@v20260714`); `@latest` would roll every node on each AMI release. @default `al2023AmiAlias` */
  amiAlias?: string;
}

/** The pool Karpenter gets when the stage lists none: untainted, for bursts the managed groups cannot absorb. */
export const defaultKarpenterNodePools: Readonly<Record<string, KarpenterNodePoolArgs>> = {
  general: { cpuLimit: 64, memoryLimitGiB: 256 },
};

/** `karpenter` arg as node pools and alias, or undefined when off. */
export function karpenterSettings(
  karpenter: boolean | KarpenterArgs | undefined,
): { nodePools: Record<string, KarpenterNodePoolArgs>; amiAlias?: string } | undefined {
  if (!karpenter) return undefined;
  const settings = karpenter === true ? {} : karpenter;
  return {
    nodePools: settings.nodePools ?? { ...defaultKarpenterNodePools },
    ...(settings.amiAlias ? { amiAlias: settings.amiAlias } : {}),
  };
}

/** EKS add-on versions; an unset one gets the EKS default version for the cluster's Kubernetes version. */
export interface AddonVersions {
  vpcCni?: string;
  coreDns?: string;
  kubeProxy?: string;
  ebsCsiDriver?: string;
}

export interface PlatformClusterArgs {
  /** Short prefix of physical names (`dp`). */
  prefix: string;
  /** Stage name (`prod`): part of physical names. */
  stage: string;

  // --- network ---
  /** The VPC's IPv4 range, /16 to /20. */
  vpcCidr: string;
  /** Availability zones the subnets span: 2 (dev) or 3 (prod). */
  availabilityZoneCount: number;
  /**
   * Which AZs, by suffix in the region (`["a", "b", "c"]`), in layout order: the `i`-th takes the `i`-th block of the
   * VPC. Resources are named after the suffix (`<name>-private-a`). Each must be available in the region (checked
   * against the region's AZ list during the preview); their count must equal `availabilityZoneCount`.
   * @default the first `availabilityZoneCount` letters: `a`, `b`(, `c`)
   */
  availabilityZones?: string[];
  /** NAT strategy: `single` (one gateway, dev) or `onePerAz` (one per AZ, prod). */
  natGateways: NatGatewayStrategy;
  /**
   * Peered or on-premises ranges the VPC must not overlap (checked here), and the only ranges besides
   * the VPC that `apiAccessCidrs` may name.
   * @default []
   */
  reservedCidrs?: string[];
  /**
   * Interface endpoints in the private subnets, by service name after `com.amazonaws.<region>.`
   * (`ecr.api`, `kinesis-streams`). Each is one resource named after its service, with private DNS and a
   * security group that admits only the VPC on 443. S3 always gets a gateway endpoint instead.
   * @default ecr.api, ecr.dkr, sts, logs, kms, glue, ssm, secretsmanager, kinesis-streams, elasticmapreduce
   */
  interfaceEndpoints?: string[];
  /** VPC flow log (all traffic) retention, a CloudWatch Logs retention value. @default 90 */
  flowLogRetentionDays?: number;

  // --- cluster ---
  /** EKS Kubernetes version, pinned (`1.35`); at least 1.31 (the stage config also refuses a version past EKS standard support). */
  kubernetesVersion: string;
  /**
   * Ranges that may reach the public API endpoint. Empty keeps the endpoint private only; never a /0.
   * @default [] (no public endpoint)
   */
  publicAccessCidrs?: string[];
  /**
   * Ranges admitted to the private API endpoint on 443 besides the cluster itself (the CI runner's or
   * VPN's peered network). Each must lie inside the VPC or a reserved range, never a /0. Without one,
   * only hosts attached to the cluster security group can reach the API, so `pulumi up` must run there.
   * @default []
   */
  apiAccessCidrs?: string[];
  /**
   * IAM roles given `AmazonEKSClusterAdminPolicy` on the whole cluster through access entries; at least one.
   * The cluster creator is never made admin implicitly, so the role that runs `pulumi up` (the deploy role)
   * must be listed, or every Kubernetes resource fails with Unauthorized.
   */
  adminRoleArns: string[];
  /** IAM roles given `AmazonEKSViewPolicy` (read, no Secrets) on the whole cluster through access entries. @default [] */
  readOnlyRoleArns?: string[];
  /**
   * Roles named as administrators (management, no data use) in the policies of the cluster's logs, secrets and
   * volumes keys, besides the account root, which is always there (the stage passes the deploy role and
   * `lake.adminRoleArns`, as for every other key). @default [] (the account root alone)
   */
  keyAdministratorArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Managed node groups keyed by name. `system` is required (add-ons and CoreDNS run there, untainted);
   * `query` and `notebooks` are tainted `data-platform.io/dedicated=<name>:NoSchedule` for their workloads
   * (see `dedicatedNodeGroups`); other names are untainted.
   */
  nodeGroups: Record<string, NodeGroupArgs>;
  /** Retention of the control-plane log group (`/aws/eks/<cluster>/cluster`). @default `flowLogRetentionDays` */
  controlPlaneLogRetentionDays?: number;
  /** EKS support policy. @default "STANDARD" (extended support costs about 6x; upgrade on time instead) */
  upgradeSupportType?: UpgradeSupportType;
  /** @default the EKS default version of each add-on for `kubernetesVersion`, chosen when the add-on is created */
  addonVersions?: AddonVersions;
  /**
   * Install Karpenter: controller (IRSA), node role with an access entry, interruption queue, one
   * EC2NodeClass `default` (AL2023 pinned alias, IMDSv2, root volume on the volumes key, discovery by the
   * `karpenter.sh/discovery=<cluster name>` tag on private subnets and the cluster security group) and one
   * NodePool per `nodePools` key. `true` means `{}` (the defaults).
   * @default false
   */
  karpenter?: boolean | KarpenterArgs;
  /**
   * Protect and retain stateful resources (the KMS keys and log groups) and turn on the cluster's
   * deletion protection. Off only in disposable stages.
   * @default true
   */
  protect?: boolean;
  /** Tags of every resource that takes tags (provider default tags apply too). @default {} */
  tags?: Record<string, string>;
  /**
   * Tags of the AWS resources controllers in the cluster create outside Pulumi - Karpenter's instances, volumes
   * and network interfaces, the load balancer controller's load balancers - under `tags`. Provider default tags
   * never reach them: pass the stage's cost-allocation tags here. @default {}
   */
  controllerTags?: Record<string, string>;
}

/** The VPC's interface endpoints when `interfaceEndpoints` is left out (the stage config's default too). */
export const defaultInterfaceEndpoints: readonly string[] = platformDefaults.cluster.interfaceEndpoints;

/** Node groups reserved for one workload: tainted so nothing else lands there, with why. */
export const dedicatedNodeGroups: Readonly<Record<string, string>> = {
  query: "the query engine (Trino or Starburst)",
  notebooks: "notebook servers (JupyterHub)",
};

/** The node group every add-on runs on. */
export const systemNodeGroup = "system";

export { logRetentionDays };

/** Oldest Kubernetes minor version accepted (matches the policy pack's default minimum). */
export const minimumKubernetesMinor = 31;

/** Graviton (arm64) instance families: a `g` right after the generation digit (m7g, r6gd, c6gn, im4gn, is4gen). */
export function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z-]*\./.test(instanceType);
}

const namePartPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const nodeGroupNamePattern = /^[a-z][a-z0-9-]{0,30}$/;
const instanceTypePattern = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const endpointServicePattern = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

/**
 * Every problem with the args, in one list (empty when valid), each at its argument's path (`vpcCidr`,
 * `apiAccessCidrs[0]`, `nodeGroups.system.minSize`, `karpenter.nodePools.burst`). The constructor throws them;
 * a program that builds the args from configuration files each under the key it came from. Pure: no Pulumi needed.
 */
export function platformClusterArgsProblems(args: PlatformClusterArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const cidrs = (key: string, values: readonly string[]): { cidr: Cidr; at: string }[] =>
    values.flatMap((value, index) => {
      const cidr = parseCidr(value);
      if (typeof cidr !== "string") return [{ cidr, at: `${key}[${index}]` }];
      add(`${key}[${index}]`, cidr);
      return [];
    });
  for (const [key, value] of [
    ["prefix", args.prefix],
    ["stage", args.stage],
  ] as const) {
    if (!namePartPattern.test(value)) add(key, `"${value}" must be lowercase letters and digits with single hyphens`);
  }

  const vpc = parseCidr(args.vpcCidr);
  if (typeof vpc === "string") add("vpcCidr", vpc);
  else if (vpc.prefixLength < 16 || vpc.prefixLength > 20) add("vpcCidr", `${vpc.text} must be a /16 to /20`);
  if (args.availabilityZoneCount !== 2 && args.availabilityZoneCount !== 3)
    add("availabilityZoneCount", `must be 2 or 3, got ${args.availabilityZoneCount}`);
  if (args.availabilityZones !== undefined) {
    args.availabilityZones.forEach((zone, index) => {
      if (!/^[a-z]$/.test(zone))
        add(`availabilityZones[${index}]`, `"${zone}" must be an AZ suffix, one lowercase letter such as a`);
    });
    for (const zone of duplicates(args.availabilityZones)) add("availabilityZones", `lists "${zone}" twice`);
    if (args.availabilityZones.length !== args.availabilityZoneCount)
      add(
        "availabilityZones",
        `lists ${args.availabilityZones.length} zones, but availabilityZoneCount is ${args.availabilityZoneCount}`,
      );
  }
  if (args.natGateways !== "single" && args.natGateways !== "onePerAz")
    add("natGateways", `must be "single" or "onePerAz", got "${String(args.natGateways)}"`);
  const reserved = cidrs("reservedCidrs", args.reservedCidrs ?? []);
  if (typeof vpc !== "string") {
    for (const range of reserved)
      if (cidrsOverlap(vpc, range.cidr)) add(range.at, `${range.cidr.text} overlaps the VPC range ${vpc.text}`);
  }

  const endpoints = args.interfaceEndpoints ?? defaultInterfaceEndpoints;
  endpoints.forEach((service, index) => {
    const at = `interfaceEndpoints[${index}]`;
    if (!endpointServicePattern.test(service)) add(at, `"${service}" is not a service name such as ecr.api`);
    if (service === "s3")
      add(at, '"s3" always has a gateway endpoint (free); an interface endpoint would charge for lake traffic');
  });
  for (const service of duplicates(endpoints))
    add(`interfaceEndpoints[${endpoints.lastIndexOf(service)}]`, `lists "${service}" twice`);
  for (const [key, value] of [
    ["flowLogRetentionDays", args.flowLogRetentionDays],
    ["controlPlaneLogRetentionDays", args.controlPlaneLogRetentionDays],
  ] as const) {
    if (value !== undefined && !isLogRetentionDays(value))
      add(key, `must be a CloudWatch Logs retention value (${logRetentionDays.join(", ")}), got ${value}`);
  }

  const version = /^1\.(\d+)$/.exec(args.kubernetesVersion);
  if (!version) add("kubernetesVersion", `"${args.kubernetesVersion}" must be a version such as 1.33`);
  else if (Number(version[1]) < minimumKubernetesMinor)
    add(
      "kubernetesVersion",
      `${args.kubernetesVersion} is older than 1.${minimumKubernetesMinor}, the oldest supported here`,
    );

  // The API ranges: never the internet; the private endpoint only from the VPC or a reserved (peered) range.
  for (const { cidr, at } of cidrs("publicAccessCidrs", args.publicAccessCidrs ?? [])) {
    if (cidr.prefixLength === 0)
      add(at, `${cidr.text} would open the API endpoint to the internet; list the ranges that need it`);
  }
  for (const { cidr, at } of cidrs("apiAccessCidrs", args.apiAccessCidrs ?? [])) {
    const inside =
      (typeof vpc !== "string" && cidrContains(vpc, cidr)) || reserved.some((range) => cidrContains(range.cidr, cidr));
    if (cidr.prefixLength === 0 || !inside)
      add(
        at,
        `${cidr.text} must lie inside the VPC${typeof vpc === "string" ? "" : ` (${vpc.text})`} or a reserved (peered) range`,
      );
  }

  const admins = args.adminRoleArns ?? [];
  if (admins.length === 0) {
    add(
      "adminRoleArns",
      "must name at least one role: the cluster creator gets no implicit access, so the role that runs `pulumi up` must be an admin",
    );
  }
  const readers = args.readOnlyRoleArns ?? [];
  for (const [key, arns] of [
    ["adminRoleArns", admins],
    ["readOnlyRoleArns", readers],
  ] as const) {
    arns.forEach((arn, index) => {
      if (!roleArnPattern.test(arn)) add(`${key}[${index}]`, `"${arn}" is not an IAM role ARN`);
    });
    for (const arn of duplicates(arns)) add(`${key}[${arns.lastIndexOf(arn)}]`, `lists ${arn} twice`);
  }
  readers.forEach((arn, index) => {
    if (admins.includes(arn)) add(`readOnlyRoleArns[${index}]`, `${arn} is in both adminRoleArns and readOnlyRoleArns`);
  });
  for (const [key, arns] of [
    ["adminRoleArns", admins],
    ["readOnlyRoleArns", readers],
  ] as const) {
    for (const name of duplicates(arns.map(accessEntryKeyOfArn)))
      add(key, `two access roles share the role name "${name}"; access entries are keyed by role name`);
  }

  // Node groups: the system group runs CoreDNS and the add-ons, so it must be there and never scale to zero.
  const system = args.nodeGroups[systemNodeGroup];
  if (!system)
    add("nodeGroups", `must include "${systemNodeGroup}": CoreDNS and the add-ons run on untainted system nodes`);
  else if (system.minSize < 1)
    add(`nodeGroups.${systemNodeGroup}.minSize`, "must be at least 1 (CoreDNS and the controllers run there)");
  for (const [group, spec] of Object.entries(args.nodeGroups)) {
    const where = `nodeGroups.${group}`;
    if (!nodeGroupNamePattern.test(group))
      add(where, "node group names are lowercase letters, digits and hyphens, up to 31 characters");
    if (spec.instanceTypes.length === 0) add(`${where}.instanceTypes`, "must not be empty");
    spec.instanceTypes.forEach((type, index) => {
      if (!instanceTypePattern.test(type))
        add(`${where}.instanceTypes[${index}]`, `"${type}" is not an EC2 instance type`);
    });
    if (new Set(spec.instanceTypes.map(isGraviton)).size > 1)
      add(`${where}.instanceTypes`, "mixes Graviton and x86 types; one node group runs one AMI architecture");
    const sizes = [spec.minSize, spec.desiredSize, spec.maxSize];
    for (const [key, size] of [
      ["minSize", spec.minSize],
      ["desiredSize", spec.desiredSize],
      ["maxSize", spec.maxSize],
    ] as const) {
      if (!Number.isInteger(size) || size < 0) add(`${where}.${key}`, `must be a whole number, 0 or more, got ${size}`);
    }
    if (Number.isInteger(spec.maxSize) && spec.maxSize < 1)
      add(`${where}.maxSize`, `must be at least 1, got ${spec.maxSize}`);
    // At the size that breaks the order: desiredSize under minSize, or maxSize under desiredSize.
    if (spec.minSize > spec.desiredSize)
      add(`${where}.desiredSize`, `sizes must satisfy minSize <= desiredSize <= maxSize, got ${sizes.join("/")}`);
    else if (spec.desiredSize > spec.maxSize)
      add(`${where}.maxSize`, `sizes must satisfy minSize <= desiredSize <= maxSize, got ${sizes.join("/")}`);
    const disk = spec.diskSizeGiB ?? platformDefaults.cluster.nodeGroupDiskSizeGiB;
    // The EKS-optimised AL2023 AMIs need a 20 GiB root volume.
    if (!Number.isInteger(disk) || disk < 20 || disk > 16384)
      add(`${where}.diskSizeGiB`, `must be a whole number from 20 to 16384, got ${disk}`);
  }

  // Karpenter: its pools and node class, and no pool named like a managed node group (same label and taint).
  const karpenter = karpenterSettings(args.karpenter);
  if (karpenter) {
    for (const problem of validateKarpenterNodePools(karpenter.nodePools, {}, karpenter.amiAlias))
      add(`karpenter.${problem.path}`, problem.message);
    for (const pool of Object.keys(karpenter.nodePools).sort()) {
      if (args.nodeGroups[pool])
        add(
          `karpenter.nodePools.${pool}`,
          "a managed node group has this name: its nodes would carry the same label and taint",
        );
    }
    problems.push(
      ...karpenterTagProblems("controllerTags", args.controllerTags ?? {}),
      ...karpenterTagProblems("tags", args.tags ?? {}),
    );
  }
  return problems;
}

/** Validates args before anything is created; throws one error listing every problem. */
export function validatePlatformClusterArgs(name: string, args: PlatformClusterArgs): void {
  const problems = platformClusterArgsProblems(args);
  if (problems.length > 0) throw new Error(argsProblemsMessage("PlatformCluster", name, problems));
}

/** Access entry key of a role: its name (last path segment), so entries never depend on list order. */
export function accessEntryKeyOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/**
 * Synthetic outputs for remote (multi-language) components under Pulumi mocks.
 *
 * Under `pulumi.runtime.setMocks` a remote component is opaque: the SDK registers it with
 * `remote: true`, the mock sees only its type token and inputs, and whatever `state` the mock
 * returns becomes the component's outputs. Keys missing from `state` resolve to `undefined`,
 * EXCEPT keys that are also inputs: those are echoed back from the inputs (sdk resolveOutputs),
 * which is why `natGateways` (awsx input config vs. output NatGateway[]) is always set here.
 *
 * Output names/types follow the published typings: @pulumi/eks 4.3.0 `cluster.d.ts`,
 * @pulumi/awsx 3.9.0 `ec2/vpc.d.ts`, @pulumi/kubernetes 4.34.2 `helm/v4/chart.d.ts`; the values
 * follow the component implementations (pulumi-eks v4.3.0 nodejs/eks/cluster/cluster.ts,
 * pulumi-awsx awsx/ec2/*.ts). Resource-typed outputs (eksCluster, vpc, subnets, ...) are plain
 * objects carrying the fields a program usually reads (id, arn, name, ...): they work with
 * lifted access and `apply`, but are not `pulumi.Resource`s (no `dependsOn`/`parent`/`urn`).
 *
 * Ids come from the same deterministic hash as the harness's other synthetic ids.
 */

export interface RemoteComponentContext {
  region: string;
  accountId: string;
  /** AWS partition, "aws" when absent (the harness's SyntheticContext carries it). */
  partition?: string;
}

import { eksClusterIdentity, stableHex as hex } from "./synthetic";

type Dict = Record<string, unknown>;

export function remoteComponentState(type: string, name: string, inputs: Record<string, unknown>, ctx: RemoteComponentContext): Record<string, unknown> | undefined {
  switch (type) {
    case "eks:index:Cluster":
      return eksClusterState(name, inputs, ctx);
    case "awsx:ec2:Vpc":
      return awsxVpcState(name, inputs, ctx);
    case "kubernetes:helm.sh/v4:Chart":
      // `resources: Output<any[]>` holds references to the rendered children (Deployments, ...).
      // Nothing is rendered under mocks; an empty list keeps `dependsOn: chart.resources` valid.
      return { resources: [] };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function digits(seed: string, length: number): string {
  return hex(seed, length)
    .split("")
    .map((c) => String(parseInt(c, 16) % 10))
    .join("");
}

/** Id of a child resource: prefix + 17 hex, seeded like the harness's resolvedState (type + logical name). */
function childId(prefix: string, type: string, logicalName: string): string {
  return `${prefix}${hex(type + logicalName, 17)}`;
}

/** Pulumi auto-name: logical name + "-" + 7 hex. */
function autoName(type: string, logicalName: string): string {
  return `${logicalName}-${hex(type + logicalName, 7)}`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function record(value: unknown): Dict | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

function records(value: unknown): Dict[] {
  return Array.isArray(value) ? value.map(record).filter((v): v is Dict => v !== undefined) : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value) ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

/** Drops undefined values (keeps the returned state tidy; undefined would be dropped anyway). */
function compact<T extends Dict>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The id of a resource-typed input, if it can be read synchronously: a string (the SDK
 * deserialises a resource reference to its id when the resource's module is not loaded), or the
 * rehydrated resource's `id` Output, which the mock monitor awaits when serialising `state`.
 */
function resourceId(value: unknown): unknown {
  if (typeof value === "string") return value;
  const id = record(value)?.["id"];
  if (typeof id === "string") return id;
  if (typeof (id as { apply?: unknown } | undefined)?.apply === "function") return id;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// eks:index:Cluster (@pulumi/eks 4.3.0)
// ---------------------------------------------------------------------------------------------

function eksClusterState(name: string, inputs: Dict, ctx: RemoteComponentContext): Dict {
  const partition = ctx.partition ?? "aws";
  const { region, accountId } = ctx;

  const autoMode = bool(record(inputs["autoMode"])?.["enabled"]) === true;
  const fargate = inputs["fargate"];
  const fargateEnabled = fargate !== undefined && fargate !== null && fargate !== false;
  // cluster.ts: skipDefaultSecurityGroups ?? autoMode.enabled; default node group skipped for fargate/autoMode.
  const skipSecurityGroups = bool(inputs["skipDefaultSecurityGroups"]) ?? autoMode;
  const skipDefaultNodeGroup = inputs["skipDefaultNodeGroup"] === true || fargateEnabled || autoMode;

  const clusterName = str(inputs["name"]) ?? autoName("aws:eks/cluster:Cluster", `${name}-eksCluster`);
  const vpcId = str(inputs["vpcId"]) ?? `vpc-${hex(`default-vpc:${accountId}:${region}`, 17)}`;
  const publicSubnetIds = strings(inputs["publicSubnetIds"]);
  const privateSubnetIds = strings(inputs["privateSubnetIds"]);
  const subnetIds =
    strings(inputs["subnetIds"]) ??
    (publicSubnetIds || privateSubnetIds
      ? [...(publicSubnetIds ?? []), ...(privateSubnetIds ?? [])]
      : ["a", "b", "c"].map((az) => `subnet-${hex(`default-subnet:${accountId}:${region}${az}`, 17)}`));

  // EKS endpoint / OIDC issuer share the cluster's 32-char upper-case id (as for aws:eks/cluster:Cluster).
  const { endpoint, oidcIssuerUrl: oidcProviderUrl, certificateData } = eksClusterIdentity(clusterName, { region, accountId, partition });
  const oidcIssuerHost = oidcProviderUrl.replace(/^https:\/\//, ""); // eksCluster.identities[0].oidcs[0].issuer sans scheme
  const oidcIssuer = oidcIssuerHost; // issuer URL without "https://"
  const createOidcProvider = inputs["createOidcProvider"] === true;
  const oidcProviderArn = createOidcProvider ? `arn:${partition}:iam::${accountId}:oidc-provider/${oidcIssuerHost}` : "";


  // Security groups: EKS always creates its own "cluster security group" (vpcConfig.clusterSecurityGroupId);
  // the component adds `${name}-eksClusterSecurityGroup` / `${name}-nodeSecurityGroup` unless skipped.
  const eksManagedSgId = `sg-${hex(`eks-cluster-sg:${clusterName}`, 17)}`;
  const userClusterSg = inputs["clusterSecurityGroup"];
  const securityGroup = (logical: string, tags: Record<string, string>): Dict => {
    const id = childId("sg-", "aws:ec2/securityGroup:SecurityGroup", logical);
    return {
      id,
      arn: `arn:${partition}:ec2:${region}:${accountId}:security-group/${id}`,
      name: autoName("aws:ec2/securityGroup:SecurityGroup", logical),
      vpcId,
      ownerId: accountId,
      revokeRulesOnDelete: true,
      tags,
      tagsAll: tags,
    };
  };
  const userTags = stringMap(inputs["tags"]);
  const createdClusterSg =
    userClusterSg === undefined && !skipSecurityGroups
      ? securityGroup(`${name}-eksClusterSecurityGroup`, { Name: `${name}-eksClusterSecurityGroup`, ...stringMap(inputs["clusterSecurityGroupTags"]), ...userTags })
      : undefined;
  const clusterSecurityGroupId =
    userClusterSg !== undefined
      ? resourceId(userClusterSg) ?? childId("sg-", "aws:ec2/securityGroup:SecurityGroup", `${name}-clusterSecurityGroup`)
      : createdClusterSg?.["id"] ?? eksManagedSgId;
  const nodeSg = skipSecurityGroups
    ? undefined
    : securityGroup(`${name}-nodeSecurityGroup`, {
        Name: `${name}-nodeSecurityGroup`,
        [`kubernetes.io/cluster/${clusterName}`]: "owned",
        ...stringMap(inputs["nodeSecurityGroupTags"]),
        ...userTags,
      });
  const nodeSecurityGroupId = nodeSg?.["id"] ?? eksManagedSgId;
  const ingressRule = skipSecurityGroups
    ? undefined
    : {
        id: `sgrule-${digits(`${name}-eksClusterIngressRule`, 10)}`,
        securityGroupRuleId: childId("sgr-", "aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-eksClusterIngressRule`),
        description: "Allow pods to communicate with the cluster API Server",
        type: "ingress",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        securityGroupId: clusterSecurityGroupId,
        sourceSecurityGroupId: nodeSecurityGroupId,
      };

  const role = (logical: string): Dict => {
    const roleName = autoName("aws:iam/role:Role", logical);
    return { id: roleName, name: roleName, arn: `arn:${partition}:iam::${accountId}:role/${roleName}`, uniqueId: `AROA${hex(logical, 17).toUpperCase()}` };
  };
  const clusterIamRole = role(`${name}-eksRole-role`);
  // Instance roles: echo the `instanceRoles` input (leave the key out); otherwise cluster.ts creates
  // `${name}-instanceRole` when createInstanceRole, or by default unless skipDefaultNodeGroup.
  const createInstanceRole = bool(inputs["createInstanceRole"]);
  const instanceRoles =
    inputs["instanceRoles"] !== undefined || inputs["instanceRole"] !== undefined
      ? undefined
      : createInstanceRole === true || (inputs["skipDefaultNodeGroup"] !== true && createInstanceRole === undefined)
        ? [role(`${name}-instanceRole-role`)]
        : [];

  const providerCredentialOpts = record(inputs["providerCredentialOpts"]);
  const roleArn = str(providerCredentialOpts?.["roleArn"]);
  // generateKubeconfig(...) with includeProfile=false: the exported kubeconfig never carries --profile.
  const kubeconfig = {
    apiVersion: "v1",
    clusters: [{ cluster: { server: endpoint, "certificate-authority-data": certificateData }, name: "kubernetes" }],
    contexts: [{ context: { cluster: "kubernetes", user: "aws" }, name: "aws" }],
    "current-context": "aws",
    kind: "Config",
    users: [
      {
        name: "aws",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json", ...(roleArn ? ["--role", roleArn] : [])],
            env: [{ name: "KUBERNETES_EXEC_INFO", value: `{"apiVersion": "client.authentication.k8s.io/v1beta1"}` }],
          },
        },
      },
    ],
  };

  const eksCluster = compact({
    id: clusterName,
    name: clusterName,
    arn: `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`,
    clusterId: hex(`cluster-id:${clusterName}`, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
    endpoint,
    certificateAuthority: { data: certificateData },
    identities: [{ oidcs: [{ issuer: oidcProviderUrl }] }],
    version: str(inputs["version"]) ?? "1.33", // synthetic default ("latest available" in reality)
    platformVersion: "eks.1",
    status: "ACTIVE",
    roleArn: clusterIamRole["arn"],
    region,
    accessConfig: { authenticationMode: str(inputs["authenticationMode"]) ?? "CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: true },
    kubernetesNetworkConfig: {
      ipFamily: str(inputs["ipFamily"]) ?? "ipv4",
      serviceIpv4Cidr: str(inputs["kubernetesServiceIpAddressRange"]) ?? "172.20.0.0/16",
    },
    upgradePolicy: { supportType: str(record(inputs["upgradePolicy"])?.["supportType"]) ?? "EXTENDED" },
    vpcConfig: {
      clusterSecurityGroupId: eksManagedSgId,
      endpointPrivateAccess: bool(inputs["endpointPrivateAccess"]) ?? false,
      endpointPublicAccess: bool(inputs["endpointPublicAccess"]) ?? true,
      publicAccessCidrs: strings(inputs["publicAccessCidrs"]) ?? ["0.0.0.0/0"],
      securityGroupIds: userClusterSg !== undefined || createdClusterSg ? [clusterSecurityGroupId] : [],
      subnetIds,
      vpcId,
    },
    enabledClusterLogTypes: strings(inputs["enabledClusterLogTypes"]),
    deletionProtection: bool(inputs["deletionProtection"]) ?? false,
    tags: { Name: `${name}-eksCluster`, ...stringMap(inputs["clusterTags"]), ...userTags },
  });

  const oidcProvider = createOidcProvider
    ? { id: oidcProviderArn, arn: oidcProviderArn, url: oidcIssuerHost, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [hex(`thumbprint:${region}`, 40)] }
    : undefined;

  const fargateProfile = fargateEnabled
    ? (() => {
        const logical = /^eks(-|$)/i.test(name) ? `${name.replace("-", "_")}fargateProfile` : `${name}-fargateProfile`;
        const profileName = autoName("aws:eks/fargateProfile:FargateProfile", logical);
        return {
          id: `${clusterName}:${profileName}`,
          arn: `arn:${partition}:eks:${region}:${accountId}:fargateprofile/${clusterName}/${profileName}/${hex(logical, 8)}-${hex(logical, 36).slice(8, 12)}-${hex(logical, 36).slice(12, 16)}`,
          fargateProfileName: profileName,
          clusterName,
          status: "ACTIVE",
          selectors: records(record(fargate)?.["selectors"]).length ? records(record(fargate)?.["selectors"]) : [{ namespace: "default" }, { namespace: "kube-system" }],
        };
      })()
    : undefined;

  const asgName = autoName("aws:autoscaling/group:Group", name);
  const defaultNodeGroup = skipDefaultNodeGroup
    ? undefined
    : {
        autoScalingGroup: {
          id: asgName,
          name: asgName,
          arn: `arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:${hex(`asg:${asgName}`, 8)}-${hex(`asg:${asgName}`, 12).slice(8)}-4${hex(`asg2:${asgName}`, 3)}-8${hex(`asg3:${asgName}`, 3)}-${hex(`asg4:${asgName}`, 12)}:autoScalingGroupName/${asgName}`,
          minSize: num(inputs["minSize"]) ?? 1,
          maxSize: num(inputs["maxSize"]) ?? 2,
          desiredCapacity: num(inputs["desiredCapacity"]) ?? 2,
        },
        extraNodeSecurityGroups: [],
        nodeSecurityGroup: nodeSg,
      };

  const autoModeCreatesNodeRole = autoMode && record(inputs["autoMode"])?.["createNodeRole"] !== false;
  const nodeGroupOptions = compact({
    ...(record(inputs["nodeGroupOptions"]) ?? {
      nodeSubnetIds: inputs["nodeSubnetIds"],
      nodeAssociatePublicIpAddress: inputs["nodeAssociatePublicIpAddress"],
      instanceType: inputs["instanceType"],
      nodePublicKey: inputs["nodePublicKey"],
      nodeRootVolumeEncrypted: inputs["nodeRootVolumeEncrypted"],
      nodeRootVolumeSize: inputs["nodeRootVolumeSize"],
      nodeUserData: inputs["nodeUserData"],
      minSize: inputs["minSize"],
      maxSize: inputs["maxSize"],
      desiredCapacity: inputs["desiredCapacity"],
      amiId: inputs["nodeAmiId"],
      gpu: inputs["gpu"],
      version: inputs["version"],
    }),
    nodeSecurityGroup: nodeSg,
    clusterIngressRule: ingressRule,
  });

  // outputs.CoreData (plain; its resource members are plain objects too, `provider`/`awsProvider` omitted).
  const core = compact({
    cluster: eksCluster,
    clusterIamRole,
    clusterSecurityGroup: createdClusterSg,
    endpoint,
    instanceRoles, // left out when the roles came in as inputs (no synchronous view of them here)
    kubeconfig,
    nodeGroupOptions,
    oidcProvider,
    fargateProfile,
    vpcId,
    subnetIds,
    publicSubnetIds,
    privateSubnetIds,
    tags: inputs["tags"] === undefined ? undefined : userTags,
    nodeSecurityGroupTags: inputs["nodeSecurityGroupTags"] === undefined ? undefined : stringMap(inputs["nodeSecurityGroupTags"]),
  });

  return compact({
    autoModeNodeRoleName: autoModeCreatesNodeRole ? autoName("aws:iam/role:Role", `${name}-nodeRole-role`) : "",
    // awsProvider: a pulumi.ProviderResource in reality; cannot be faked, left undefined.
    clusterIngressRuleId: ingressRule ? ingressRule.securityGroupRuleId : "",
    // clusterSecurityGroup is also an input: when the program passed one, leaving the key out echoes it.
    clusterSecurityGroup: createdClusterSg,
    clusterSecurityGroupId,
    core,
    defaultNodeGroup,
    defaultNodeGroupAsgName: defaultNodeGroup ? asgName : "",
    eksCluster,
    eksClusterIngressRule: ingressRule,
    fargateProfileId: fargateProfile ? fargateProfile.id : "",
    fargateProfileStatus: fargateProfile ? fargateProfile.status : "",
    instanceRoles, // undefined when given as input -> the input is echoed
    kubeconfig,
    kubeconfigJson: JSON.stringify(kubeconfig),
    nodeSecurityGroup: nodeSg,
    nodeSecurityGroupId,
    oidcIssuer,
    oidcProviderArn,
    oidcProviderUrl,
  });
}

// ---------------------------------------------------------------------------------------------
// awsx:ec2:Vpc (@pulumi/awsx 3.9.0)
// ---------------------------------------------------------------------------------------------

type SubnetType = "Public" | "Private" | "Isolated" | "Unused";

interface SubnetSpecIn {
  type: SubnetType;
  name?: string;
  cidrMask?: number;
  cidrBlocks?: string[];
  size?: number;
  tags?: Record<string, string>;
  assignIpv6AddressOnCreation?: boolean;
}

interface PlannedSubnet {
  azIndex: number;
  azName: string;
  type: SubnetType;
  specName: string;
  cidrBlock: string;
  tags?: Record<string, string>;
  assignIpv6AddressOnCreation?: boolean;
}

// IPv4 arithmetic on unsigned numbers (no bit ops: addresses exceed 2^31).
const size = (mask: number): number => 2 ** (32 - mask);
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
const intToIp = (n: number): string => [2 ** 24, 2 ** 16, 2 ** 8, 1].map((d) => Math.floor(n / d) % 256).join(".");
const network = (addr: number, mask: number): number => addr - (addr % size(mask));
function parseCidr(cidr: string): { addr: number; mask: number } {
  const [ip = "0.0.0.0", mask = "32"] = cidr.split("/");
  return { addr: ipToInt(ip), mask: Number(mask) };
}
// `netmask` package semantics (Auto allocator): first/last usable host for masks <= 30.
const nmLast = (net: number, mask: number): number => (mask <= 30 ? net + size(mask) - 2 : net + size(mask) - 1);
const nmFirst = (net: number, mask: number): number => (mask <= 30 ? net + 1 : net);

const validSubnetSizes = Array.from({ length: 31 }, (_, mask) => size(mask));

function azSuffix(azName: string): string {
  const prefix = /^[a-z]{2}(?:-[a-z]+)+-/;
  return prefix.test(azName) ? azName.replace(prefix, "") : azName;
}

/** subnetDistributorLegacy.ts getSubnetSpecsLegacy (array order matters for subnetLayout). */
function legacySubnets(vpcCidr: string, azNames: string[], specs: SubnetSpecIn[] | undefined, azCidrMask: number | undefined): PlannedSubnet[] {
  const cidrSubnet = (range: string, newBits: number, netNum: number): string => {
    const { addr, mask } = parseCidr(range);
    const newMask = mask + newBits;
    if (newMask > 32) throw new Error(`Requested ${newBits} new bits, but only ${32 - mask} are available.`);
    return `${intToIp(addr + size(newMask) * netNum)}/${newMask}`;
  };
  const range = (cidr: string): [number, number] => {
    const { addr, mask } = parseCidr(cidr);
    const start = network(addr, mask);
    return [start, start + size(mask) - 1];
  };
  const overlaps = (a: string, b: string): boolean => {
    const [aStart, aEnd] = range(a);
    const [bStart, bEnd] = range(b);
    return aStart <= bEnd && bStart <= aEnd;
  };
  const nextBlock = (previous: string, mask: number): string => {
    const last = range(previous)[1];
    return `${intToIp(network(last, mask) + size(mask))}/${mask}`;
  };
  const nextPow2 = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

  const vpcMask = parseCidr(vpcCidr).mask;
  const newBitsPerAz = azCidrMask !== undefined ? azCidrMask - vpcMask : Math.log2(nextPow2(azNames.length));
  const azBases = azNames.map((_, i) => cidrSubnet(vpcCidr, newBitsPerAz, i));
  const planned = (i: number, type: SubnetType, spec: SubnetSpecIn | undefined, cidrBlock: string): PlannedSubnet => ({
    azIndex: i,
    azName: azNames[i] ?? "",
    type,
    specName: spec?.name ?? type.toLowerCase(),
    cidrBlock,
    ...(spec?.tags ? { tags: spec.tags } : {}),
    ...(spec?.assignIpv6AddressOnCreation !== undefined ? { assignIpv6AddressOnCreation: spec.assignIpv6AddressOnCreation } : {}),
  });

  if (specs === undefined) {
    const privates = azBases.map((base, i) => planned(i, "Private", undefined, cidrSubnet(base, 1, 0)));
    const publics = privates.map((p, i) => planned(i, "Public", undefined, cidrSubnet(cidrSubnet(p.cidrBlock, 0, 1), 1, 0)));
    return [...privates, ...publics];
  }

  const baseMask = parseCidr(azBases[0] ?? vpcCidr).mask;
  const ofType = (t: string) => specs.filter((s) => s.type.toLowerCase() === t);
  const [privateIn, publicIn, isolatedIn] = [ofType("private"), ofType("public"), ofType("isolated")];
  const newBitsPerSubnet = specs.length === 1 ? 0 : 1;
  const out: PlannedSubnet[] = [];
  azBases.forEach((azBase, i) => {
    let current = `${intToIp(range(azBase)[0] - 1)}/32`;
    const place = (candidate: string, mask: number): string => {
      const chosen = overlaps(current, candidate) ? nextBlock(current, mask) : candidate;
      current = chosen;
      return chosen;
    };
    const privOut: PlannedSubnet[] = [];
    privateIn.forEach((spec, j) => {
      const mask = spec.cidrMask ?? Math.max(baseMask + newBitsPerSubnet, 19);
      privOut.push(planned(i, "Private", spec, place(cidrSubnet(azBase, mask - baseMask, j), mask)));
    });
    const pubOut: PlannedSubnet[] = [];
    publicIn.forEach((spec, j) => {
      const baseCidr = privOut.length > 0 ? (privOut[privOut.length - 1]?.cidrBlock ?? azBase) : azBase;
      const splitBase = privOut.length > 0 ? cidrSubnet(baseCidr, 0, 1) : azBase;
      const mask = spec.cidrMask ?? Math.max(baseMask + newBitsPerSubnet, 20);
      pubOut.push(planned(i, "Public", spec, place(cidrSubnet(splitBase, mask - parseCidr(baseCidr).mask, j), mask)));
    });
    const isoOut: PlannedSubnet[] = [];
    isolatedIn.forEach((spec, j) => {
      const lastOf = (xs: PlannedSubnet[]) => xs[xs.length - 1]?.cidrBlock;
      const baseCidr = lastOf(pubOut) ?? lastOf(privOut) ?? azBase;
      const splitBase = pubOut.length > 0 || privOut.length > 0 ? cidrSubnet(baseCidr, 0, 1) : azBase;
      const mask = spec.cidrMask ?? Math.max(baseMask + newBitsPerSubnet, 24);
      isoOut.push(planned(i, "Isolated", spec, place(cidrSubnet(splitBase, mask - parseCidr(baseCidr).mask, j), mask)));
    });
    out.push(...privOut, ...pubOut, ...isoOut);
  });
  return out;
}

/** subnetDistributorNew.ts allocateSubnetCidrBlocks ("Auto"/"Exact"/"AutoMerge"); AZ-major, spec order. */
function autoSubnets(vpcCidr: string, azNames: string[], specs: SubnetSpecIn[], azCidrMask: number | undefined): PlannedSubnet[] {
  const vpc = parseCidr(vpcCidr);
  const vpcNet = network(vpc.addr, vpc.mask);
  const newBits = (count: number): number => (count === 0 ? 0 : Math.ceil(Math.log2(count)));
  const azMask = azCidrMask ?? vpc.mask + newBits(azNames.length);
  if (specs.length === 0) throw new Error("No subnets specified");
  const defaultMask = azMask + newBits(specs.length);
  const total = specs.reduce((acc, s) => acc + size(s.cidrMask ?? defaultMask), 0);
  if (total > size(azMask)) throw new Error(`Subnets are too large for VPC. VPC has ${size(azMask)} addresses, but subnets require ${total} addresses.`);
  const out: PlannedSubnet[] = [];
  let azNet = network(vpcNet, azMask);
  azNames.forEach((azName, azIndex) => {
    let current: { net: number; mask: number } | undefined;
    for (const spec of specs) {
      const mask = spec.cidrMask ?? defaultMask;
      const net = current === undefined ? network(azNet, mask) : network(nmLast(current.net, current.mask), mask) + size(mask);
      current = { net, mask };
      out.push({ azIndex, azName, type: spec.type, specName: spec.name ?? spec.type.toLowerCase(), cidrBlock: `${intToIp(net)}/${mask}`, ...(spec.tags ? { tags: spec.tags } : {}), ...(spec.assignIpv6AddressOnCreation !== undefined ? { assignIpv6AddressOnCreation: spec.assignIpv6AddressOnCreation } : {}) });
    }
    azNet += size(azMask);
  });
  return out;
}

/** vpc.ts extractSubnetSpecInputFromLegacyLayout + findSubnetGap -> ResolvedSubnetSpec[] ({type, cidrMask}). */
function layoutFromSubnets(planned: PlannedSubnet[], azCount: number): Dict[] {
  const singleAz = planned.slice(0, planned.length / azCount);
  const out: Dict[] = [];
  let previous: { net: number; mask: number } | undefined;
  for (const subnet of singleAz) {
    const { addr, mask } = parseCidr(subnet.cidrBlock);
    const current = { net: network(addr, mask), mask };
    if (previous !== undefined) {
      const [start, end] = previous.net < current.net ? [previous, current] : [current, previous];
      let prev = previous;
      let next = { net: start.net + size(start.mask), mask: start.mask };
      const contains = (block: { net: number; mask: number }, ip: number) => ip >= block.net && ip < block.net + size(block.mask);
      while (next.net < end.net) {
        for (;;) {
          const wider = { net: network(next.net, next.mask - 1), mask: next.mask - 1 };
          if (contains(wider, nmLast(prev.net, prev.mask)) || contains(wider, nmFirst(end.net, end.mask))) break;
          next = wider;
        }
        out.push({ cidrMask: next.mask, type: "Unused" });
        prev = next;
        next = { net: next.net + size(next.mask), mask: next.mask };
      }
    }
    out.push({ cidrMask: mask, type: subnet.type });
    previous = current;
  }
  return out;
}

function awsxVpcState(name: string, inputs: Dict, ctx: RemoteComponentContext): Dict {
  const partition = ctx.partition ?? "aws";
  const { accountId } = ctx;
  const region = str(inputs["region"]) ?? ctx.region;

  // --- arguments, defaults as in awsx/ec2/vpc.ts --------------------------------------------
  const azNamesIn = strings(inputs["availabilityZoneNames"]);
  const azCountIn = num(inputs["numberOfAvailabilityZones"]);
  if (azNamesIn && azCountIn) throw new Error("Only one of [availabilityZoneNames] and [numberOfAvailabilityZones] can be specified");
  const azNames = azNamesIn ?? Array.from({ length: azCountIn ?? 3 }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
  const azCount = azNames.length;

  const natConfig = record(inputs["natGateways"]);
  const natStrategy = (str(natConfig?.["strategy"]) ?? "OnePerAz").toLowerCase();
  const allocationIds = strings(natConfig?.["elasticIpAllocationIds"]) ?? [];
  if (natStrategy === "none" && allocationIds.length > 0) throw new Error(`Elastic IP allocation IDs cannot be specified when NAT Gateway strategy is 'None'.`);
  if (natStrategy === "single" && allocationIds.length > 1) throw new Error(`Exactly one Elastic IP may be specified when NAT Gateway strategy is 'Single'.`);
  if (natStrategy === "oneperaz" && allocationIds.length > 0 && allocationIds.length !== azCount) {
    throw new Error(`The number of Elastic IPs, if specified, must match the number of availability zones for the VPC (${azCount}) when NAT Gateway strategy is 'OnePerAz'`);
  }

  const subnetStrategy = str(inputs["subnetStrategy"]) ?? "Legacy";
  const nameTagStrategy = str(inputs["subnetNameTagStrategy"]) ?? "Legacy";
  const endpointStrategy = str(inputs["vpcEndpointStrategy"]) ?? "Legacy";
  const azCidrMask = num(inputs["availabilityZoneCidrMask"]);
  const ipv4NetmaskLength = num(inputs["ipv4NetmaskLength"]);
  const cidrBlock =
    str(inputs["cidrBlock"]) ?? (inputs["ipv4IpamPoolId"] !== undefined ? `10.${Number.parseInt(hex(`ipam:${name}`, 2), 16)}.0.0/${ipv4NetmaskLength ?? 16}` : "10.0.0.0/16");
  const sharedTags: Record<string, string> = { Name: name, ...stringMap(inputs["tags"]) };

  // --- subnet specs (validateAndNormalizeSubnetInputs + pickSubnetAllocator) ------------------
  const specsIn: SubnetSpecIn[] | undefined = Array.isArray(inputs["subnetSpecs"])
    ? records(inputs["subnetSpecs"]).map((s) => {
        const sizeIn = num(s["size"]);
        const cidrMask = num(s["cidrMask"]) ?? (sizeIn ? validSubnetSizes.indexOf(sizeIn) : undefined);
        return compact({
          type: (str(s["type"]) ?? "Private") as SubnetType,
          name: str(s["name"]),
          cidrMask: cidrMask !== undefined && cidrMask >= 0 ? cidrMask : undefined,
          cidrBlocks: strings(s["cidrBlocks"]),
          size: cidrMask !== undefined && cidrMask >= 0 ? validSubnetSizes[cidrMask] : undefined,
          tags: record(s["tags"]) ? stringMap(s["tags"]) : undefined,
          assignIpv6AddressOnCreation: bool(s["assignIpv6AddressOnCreation"]),
        }) as SubnetSpecIn;
      })
    : undefined;
  const explicit = specsIn?.some((s) => s.cidrBlocks !== undefined) ?? false;
  const defaultBare: SubnetSpecIn[] = [{ type: "Private" }, { type: "Public" }];
  const defaultSized = (azMask: number): SubnetSpecIn[] => {
    if (azMask > 26) throw new Error(`Automatic subnet creation requires a VPC with at least /26 available per AZ, but only /${azMask} is available.`);
    return defaultBare.map((s, i) => ({ ...s, cidrMask: Math.max(azMask, 16) + i + 1 }));
  };
  const autoMerge = (defaults: SubnetSpecIn[]): SubnetSpecIn[] => {
    const overrides = new Map<string, SubnetSpecIn>();
    const extra: SubnetSpecIn[] = [];
    for (const spec of specsIn ?? []) {
      if (spec.name === undefined && defaults.some((d) => d.type.toLowerCase() === spec.type.toLowerCase())) overrides.set(spec.type.toLowerCase(), spec);
      else extra.push(spec);
    }
    // Normalised user specs always carry a `cidrMask` key, so an override without one resets the default mask.
    return [
      ...defaults.map((d) => {
        const override = overrides.get(d.type.toLowerCase());
        return override ? { ...d, ...override, cidrMask: override.cidrMask } : d;
      }),
      ...extra,
    ];
  };
  const vpcMask = parseCidr(cidrBlock).mask;
  const azMaskAuto = azCidrMask ?? vpcMask + (azCount === 0 ? 0 : Math.ceil(Math.log2(azCount)));

  let planned: PlannedSubnet[];
  let subnetLayout: Dict[];
  const isAuto = subnetStrategy === "Auto" || subnetStrategy === "AutoMerge" || subnetStrategy === "Exact";
  if ((specsIn === undefined && subnetStrategy !== "Auto" && subnetStrategy !== "AutoMerge") || (specsIn !== undefined && subnetStrategy === "Legacy")) {
    // vpc.ts passes `undefined` as the AZ mask to the legacy allocator: availabilityZoneCidrMask is ignored there.
    planned = legacySubnets(cidrBlock, azNames, specsIn, undefined);
    subnetLayout = layoutFromSubnets(planned, azCount);
  } else if (specsIn !== undefined && explicit && isAuto) {
    planned = azNames.flatMap((azName, azIndex) =>
      specsIn.map((spec) => ({ azIndex, azName, type: spec.type, specName: spec.name ?? spec.type.toLowerCase(), cidrBlock: spec.cidrBlocks?.[azIndex] ?? "", ...(spec.tags ? { tags: spec.tags } : {}) })),
    );
    subnetLayout = specsIn.map((s) => compact({ name: s.name, cidrBlocks: s.cidrBlocks, cidrMask: s.cidrMask, size: s.size, type: s.type }));
  } else if (subnetStrategy === "AutoMerge") {
    planned = autoSubnets(cidrBlock, azNames, autoMerge(defaultSized(azMaskAuto)), azCidrMask);
    // AutoMerge names come from merging with the *bare* defaults; keep user names/tags.
    subnetLayout = layoutFromSubnets(planned, azCount);
  } else {
    planned = autoSubnets(cidrBlock, azNames, specsIn ?? defaultSized(azMaskAuto), azCidrMask);
    subnetLayout =
      specsIn === undefined
        ? layoutFromSubnets(planned, azCount)
        : specsIn.map((s) => compact({ name: s.name, cidrBlocks: s.cidrBlocks, cidrMask: s.cidrMask, size: s.size, type: s.type }));
  }

  // vpc.ts validateSubnets (all specs, "Unused" included) and, for "Exact", validateNoGaps.
  const ranges = planned.map((s) => {
    const { addr, mask } = parseCidr(s.cidrBlock);
    return { s, start: network(addr, mask), end: network(addr, mask) + size(mask) - 1 };
  });
  const overlapping = ranges.filter((a) => ranges.some((b) => a !== b && a.start <= b.end && b.start <= a.end));
  if (overlapping.length > 0) {
    throw new Error(
      "The following subnets overlap with at least one other subnet. Make the CIDR for the VPC larger, reduce the size of the subnets per AZ, or use less Availability Zones:\n\n" +
        overlapping.map((o, i) => `${i + 1}. ${name}-${o.s.specName}-${o.s.azIndex + 1}: ${o.s.cidrBlock}\n`).join(""),
    );
  }
  if (subnetStrategy === "Exact" && ranges.length > 0) {
    const vpcRange = parseCidr(cidrBlock);
    const vpcStart = network(vpcRange.addr, vpcRange.mask);
    const gaps = ranges.some((r, i) => r.start !== (i === 0 ? vpcStart : (ranges[i - 1]?.end ?? 0) + 1)) || ranges[ranges.length - 1]?.end !== vpcStart + size(vpcRange.mask) - 1;
    if (gaps) throw new Error(`There are gaps in the subnet ranges (subnetStrategy "Exact").`);
  }

  const real = planned.filter((s) => s.type !== "Unused");
  const hasPublic = real.some((s) => s.type === "Public");
  const hasPrivateOrIsolated = real.some((s) => s.type === "Private" || s.type === "Isolated");
  if ((natStrategy === "oneperaz" || natStrategy === "single") && !(hasPublic && hasPrivateOrIsolated)) {
    throw new Error("If NAT Gateway strategy is 'OnePerAz' or 'Single', public subnets must be declared to host the NAT Gateway resource, along with private or isolated subnets to route through it.");
  }

  // --- VPC and Internet Gateway ---------------------------------------------------------------
  const vpcId = childId("vpc-", "aws:ec2/vpc:Vpc", name);
  const assignIpv6 = bool(inputs["assignGeneratedIpv6CidrBlock"]) ?? false;
  const vpcIpv6 = str(inputs["ipv6CidrBlock"]) ?? (assignIpv6 ? `2600:1f18:${hex(`ipv6:${name}`, 4)}:${hex(`ipv6b:${name}`, 2)}00::/56` : "");
  const endpointSpecs = records(inputs["vpcEndpointSpecs"]);
  const endpointType = (spec: Dict): string => (str(spec["vpcEndpointType"]) ?? "Gateway").toLowerCase();
  const autoPrivateDns =
    endpointStrategy === "Auto" && endpointSpecs.some((s) => endpointType(s) === "interface" && (s["privateDnsEnabled"] === undefined || s["privateDnsEnabled"] === true));
  const defaultRouteTableId = childId("rtb-", "aws:ec2/vpc:Vpc#main", name);
  const vpc = compact({
    id: vpcId,
    arn: `arn:${partition}:ec2:${region}:${accountId}:vpc/${vpcId}`,
    cidrBlock,
    enableDnsHostnames: bool(inputs["enableDnsHostnames"]) ?? (autoPrivateDns ? true : false),
    enableDnsSupport: bool(inputs["enableDnsSupport"]) ?? true,
    enableNetworkAddressUsageMetrics: bool(inputs["enableNetworkAddressUsageMetrics"]) ?? false,
    instanceTenancy: str(inputs["instanceTenancy"]) ?? "default",
    assignGeneratedIpv6CidrBlock: assignIpv6,
    ipv6CidrBlock: vpcIpv6,
    ipv6AssociationId: vpcIpv6 ? `vpc-cidr-assoc-${hex(`ipv6assoc:${name}`, 17)}` : "",
    defaultNetworkAclId: childId("acl-", "aws:ec2/vpc:Vpc#acl", name),
    defaultRouteTableId,
    mainRouteTableId: defaultRouteTableId,
    defaultSecurityGroupId: childId("sg-", "aws:ec2/vpc:Vpc#sg", name),
    dhcpOptionsId: `dopt-${hex(`dopt:${accountId}:${region}`, 17)}`,
    ownerId: accountId,
    region,
    tags: sharedTags,
    tagsAll: sharedTags,
  });
  const igwId = childId("igw-", "aws:ec2/internetGateway:InternetGateway", name);
  const internetGateway = { id: igwId, arn: `arn:${partition}:ec2:${region}:${accountId}:internet-gateway/${igwId}`, vpcId, ownerId: accountId, region, tags: sharedTags, tagsAll: sharedTags };

  // --- subnets, route tables, routes, NAT gateways (same loop and order as vpc.ts) -------------
  const rank = (t: SubnetType): number => (t === "Public" ? 0 : t === "Private" ? 1 : 2);
  const subnets: Dict[] = [];
  const publicSubnets: Dict[] = [];
  const privateSubnets: Dict[] = [];
  const isolatedSubnets: Dict[] = [];
  const routeTables: Dict[] = [];
  const routeTableAssociations: Dict[] = [];
  const routes: Dict[] = [];
  const natGateways: Dict[] = [];
  const eips: Dict[] = [];
  azNames.forEach((azName, i) => {
    let subnetIndex = i;
    real
      .filter((s) => s.azName === azName)
      .sort((a, b) => rank(a.type) - rank(b.type))
      .forEach((spec) => {
        const resourceName = `${name}-${spec.specName}-${i + 1}`;
        const nameTag = nameTagStrategy === "AvailabilityZone" ? `${name}-${spec.specName}-${azSuffix(azName)}` : resourceName;
        const subnetId = childId("subnet-", "aws:ec2/subnet:Subnet", resourceName);
        const assignOnCreation = spec.assignIpv6AddressOnCreation ?? assignIpv6;
        const ipv6Cidr =
          assignOnCreation && vpcIpv6
            ? (() => {
                const [addr = ""] = vpcIpv6.split("/");
                const hextets = addr.split(":");
                const updated = (Number.parseInt(hextets[3] ?? "0", 16) & 0xff00) | subnetIndex;
                return `${hextets.slice(0, 3).join(":")}:${updated.toString(16)}::/64`;
              })()
            : undefined;
        subnetIndex += azCount;
        const { addr, mask } = parseCidr(spec.cidrBlock);
        const tags = { ...sharedTags, ...spec.tags, Name: nameTag, SubnetType: spec.type };
        const subnet = compact({
          id: subnetId,
          arn: `arn:${partition}:ec2:${region}:${accountId}:subnet/${subnetId}`,
          vpcId,
          availabilityZone: azName,
          cidrBlock: spec.cidrBlock,
          availableIpAddressCount: size(mask) - 5,
          mapPublicIpOnLaunch: spec.type === "Public",
          assignIpv6AddressOnCreation: assignOnCreation,
          ipv6CidrBlock: ipv6Cidr,
          ownerId: accountId,
          region,
          tags,
          tagsAll: tags,
        });
        subnets.push(subnet);
        (spec.type === "Public" ? publicSubnets : spec.type === "Private" ? privateSubnets : isolatedSubnets).push(subnet);

        const routeTableId = childId("rtb-", "aws:ec2/routeTable:RouteTable", resourceName);
        const rtTags = { ...sharedTags, Name: nameTag, SubnetType: spec.type };
        routeTables.push({ id: routeTableId, arn: `arn:${partition}:ec2:${region}:${accountId}:route-table/${routeTableId}`, vpcId, ownerId: accountId, region, tags: rtTags, tagsAll: rtTags });
        routeTableAssociations.push({ id: childId("rtbassoc-", "aws:ec2/routeTableAssociation:RouteTableAssociation", resourceName), routeTableId, subnetId, region });

        const wantsNat = natStrategy === "single" ? natGateways.length < 1 : natStrategy === "oneperaz" ? natGateways.length < i + 1 : false;
        if (spec.type === "Public" && wantsNat) {
          const logical = `${name}-${i + 1}`;
          const natTags = { ...stringMap(inputs["tags"]), Name: logical };
          let allocationId = allocationIds[i];
          let publicIp = `${[3, 18, 34, 52, 54][Number.parseInt(hex(logical, 1), 16) % 5]}.${Number.parseInt(hex(`ip1:${logical}`, 2), 16)}.${Number.parseInt(hex(`ip2:${logical}`, 2), 16)}.${Number.parseInt(hex(`ip3:${logical}`, 2), 16)}`;
          if (allocationIds.length === 0) {
            allocationId = childId("eipalloc-", "aws:ec2/eip:Eip", logical);
            eips.push({ id: allocationId, allocationId, domain: "vpc", publicIp, publicDns: `ec2-${publicIp.replace(/\./g, "-")}.${region === "us-east-1" ? "compute-1" : `${region}.compute`}.amazonaws.com`, arn: `arn:${partition}:ec2:${region}:${accountId}:elastic-ip/${allocationId}`, region, tags: natTags, tagsAll: natTags });
          } else {
            publicIp = "";
          }
          const natId = childId("nat-", "aws:ec2/natGateway:NatGateway", logical);
          natGateways.push(compact({ id: natId, allocationId, subnetId, connectivityType: "public", publicIp: publicIp || undefined, privateIp: intToIp(network(addr, mask) + 4 + (Number.parseInt(hex(`pip:${logical}`, 2), 16) % Math.max(1, size(mask) - 8))), networkInterfaceId: childId("eni-", "aws:ec2/natGateway:NatGateway#eni", logical), region, tags: natTags, tagsAll: natTags }));
        }

        const routeId = `r-${routeTableId}1080289494`; // terraform: "r-" + rtb id + hashcode("0.0.0.0/0")
        if (spec.type === "Public") {
          routes.push({ id: routeId, routeTableId, destinationCidrBlock: "0.0.0.0/0", gatewayId: igwId, origin: "CreateRoute", state: "active", region });
        } else if (spec.type === "Private" && natStrategy !== "none") {
          const nat = natStrategy === "single" ? natGateways[0] : natGateways[i];
          routes.push(compact({ id: routeId, routeTableId, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat?.["id"], origin: "CreateRoute", state: "active", region }));
        }
      });
  });

  // --- VPC endpoints ---------------------------------------------------------------------------
  const vpcEndpoints = endpointSpecs.map((spec) => {
    const serviceName = str(spec["serviceName"]) ?? "";
    const type = endpointType(spec);
    const autoInterface = endpointStrategy === "Auto" && type === "interface";
    const autoGateway = endpointStrategy === "Auto" && type === "gateway";
    const id = childId("vpce-", "aws:ec2/vpcEndpoint:VpcEndpoint", serviceName);
    const subnetIds =
      autoInterface && spec["subnetIds"] === undefined && spec["subnetConfigurations"] === undefined
        ? azNames.flatMap((az) => {
            const pick = ["Private", "Isolated", "Public"].map((t) => subnets.find((s) => s["availabilityZone"] === az && (s["tags"] as Dict)["SubnetType"] === t)).find((s) => s);
            return pick ? [pick["id"]] : [];
          })
        : strings(spec["subnetIds"]);
    const tags = { ...sharedTags, ...stringMap(spec["tags"]) };
    return compact({
      id,
      arn: `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/${id}`,
      serviceName,
      vpcEndpointType: str(spec["vpcEndpointType"]) ?? "Gateway",
      vpcId,
      state: "available",
      ownerId: accountId,
      routeTableIds: autoGateway && spec["routeTableIds"] === undefined ? routeTables.map((rt) => rt["id"]) : strings(spec["routeTableIds"]),
      subnetIds,
      securityGroupIds:
        autoInterface && spec["securityGroupIds"] === undefined ? [childId("sg-", "aws:ec2/securityGroup:SecurityGroup", `${serviceName}-sg`)] : strings(spec["securityGroupIds"]),
      privateDnsEnabled: autoInterface && spec["privateDnsEnabled"] === undefined ? true : (bool(spec["privateDnsEnabled"]) ?? false),
      prefixListId: type === "gateway" ? `pl-${hex(`pl:${serviceName}`, 8)}` : undefined,
      dnsEntries: type === "interface" ? [{ dnsName: `${id}-${hex(`dns:${id}`, 8)}.${serviceName.split(".").slice(-1)[0] ?? "svc"}.${region}.vpce.amazonaws.com`, hostedZoneId: `Z${hex(`hz:${region}`, 12).toUpperCase()}` }] : [],
      region: str(spec["region"]) ?? region,
      tags,
      tagsAll: tags,
    });
  });

  return {
    vpcId,
    vpc,
    subnets,
    publicSubnets,
    privateSubnets,
    isolatedSubnets,
    publicSubnetIds: publicSubnets.map((s) => s["id"]),
    privateSubnetIds: privateSubnets.map((s) => s["id"]),
    isolatedSubnetIds: isolatedSubnets.map((s) => s["id"]),
    routeTables,
    routeTableAssociations,
    routes,
    internetGateway,
    natGateways, // must always be set: it is also an input (NatGatewayConfiguration) and would be echoed
    eips,
    vpcEndpoints,
    subnetLayout,
  };
}

// ---------------------------------------------------------------------------------------------
// Component methods (pulumi.runtime.call), e.g. eks.Cluster.getKubeconfig()
// ---------------------------------------------------------------------------------------------

/**
 * Result of a remote component method call, or undefined when not handled. The mock monitor of
 * @pulumi/pulumi 3.248.0 has no `call` at all (calling a component method throws
 * "monitor.call is not a function"), so the harness must route `ResourceCallRequest`s here.
 * `args.__self__` is the (rehydrated) component resource; its outputs are Outputs.
 */
export function remoteMethodResult(token: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
  if (token !== "eks:index:Cluster/getKubeconfig") return undefined;
  const self = record(args["__self__"]);
  const kubeconfig = self?.["kubeconfig"] as { apply?: (f: (value: unknown) => unknown) => unknown } | undefined;
  if (typeof kubeconfig?.apply !== "function") return undefined;
  const roleArn = str(args["roleArn"]);
  const profileName = str(args["profileName"]);
  // cluster.ts getKubeconfig: generateKubeconfig(..., includeProfile=true, ..., args) then JSON.stringify.
  return {
    result: kubeconfig.apply((value) => {
      const config = JSON.parse(JSON.stringify(value ?? {})) as { users?: { user?: { exec?: { args?: string[] } } }[] };
      const exec = config.users?.[0]?.user?.exec;
      if (exec?.args) {
        const base = exec.args.filter((_, i, all) => all[i] !== "--role" && all[i - 1] !== "--role");
        exec.args = [...base, ...(roleArn ? ["--role", roleArn] : []), ...(profileName ? ["--profile", profileName] : [])];
      }
      return JSON.stringify(config);
    }),
  };
}

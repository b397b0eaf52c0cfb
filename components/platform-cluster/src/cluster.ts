import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@data-platform/conventions";
import { accessEntryKeyOfArn, dedicatedNodeGroups, isGraviton, type NodeGroupArgs, type UpgradeSupportType } from "./args";
import { keyPolicy, managedPolicyArn, nodeManagedPolicies, serviceTrustPolicy, type AccountScope } from "./policies";

/** All five control-plane log types (EKS.8; the EKS best practices guide asks for every one). */
export const clusterLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Label every managed node carries: its node group's name. */
export const nodeGroupLabel = "data-platform.io/node-group";
/** Taint of dedicated node groups (`query`, `notebooks`): value = the group's name. */
export const dedicatedTaintKey = "data-platform.io/dedicated";

/** EKS access policies the access entries grant, by role kind. */
export const accessPolicies = {
  admin: "AmazonEKSClusterAdminPolicy",
  // View, not AdminView: read-only roles do not read Secrets.
  readOnly: "AmazonEKSViewPolicy",
} as const;

export interface NodeGroupPlan {
  amiType: "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_STANDARD";
  capacityType: "ON_DEMAND" | "SPOT";
  diskSizeGiB: number;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: "NO_SCHEDULE" }[];
}

/** How one node group is built: AMI architecture from its instance types, label, taint when dedicated. */
export function nodeGroupPlan(group: string, spec: NodeGroupArgs): NodeGroupPlan {
  return {
    amiType: spec.instanceTypes.every(isGraviton) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
    capacityType: spec.capacityType ?? "ON_DEMAND",
    diskSizeGiB: spec.diskSizeGiB ?? 50,
    labels: { [nodeGroupLabel]: group },
    taints: dedicatedNodeGroups[group] ? [{ key: dedicatedTaintKey, value: group, effect: "NO_SCHEDULE" }] : [],
  };
}

/** Pod scheduling onto one node group: the node selector, and the toleration when the group is dedicated. */
export interface Scheduling {
  nodeSelector: Record<string, string>;
  tolerations: { key: string; operator: "Equal"; value: string; effect: "NoSchedule" }[];
}

export function schedulingFor(group: string): Scheduling {
  return {
    nodeSelector: { [nodeGroupLabel]: group },
    tolerations: dedicatedNodeGroups[group] ? [{ key: dedicatedTaintKey, operator: "Equal", value: group, effect: "NoSchedule" }] : [],
  };
}

/** Access entries keyed by role name (never list position): admins and readers on the whole cluster. */
export function accessEntries(
  adminRoleArns: readonly string[],
  readOnlyRoleArns: readonly string[],
  partition: pulumi.Input<string>,
): Record<string, eks.types.input.AccessEntryArgs> {
  const entry = (principalArn: string, policy: string): eks.types.input.AccessEntryArgs => ({
    principalArn,
    type: eks.AccessEntryType.Standard,
    accessPolicies: {
      [policy]: { policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${policy}`, accessScope: { type: "cluster" } },
    },
  });
  return Object.fromEntries([
    ...[...adminRoleArns].sort().map((arn) => [`admin-${accessEntryKeyOfArn(arn)}`, entry(arn, accessPolicies.admin)] as const),
    ...[...readOnlyRoleArns].sort().map((arn) => [`read-only-${accessEntryKeyOfArn(arn)}`, entry(arn, accessPolicies.readOnly)] as const),
  ]);
}

/** A customer-managed key with rotation and a 30-day deletion window, and its alias. */
export function createKey(
  parent: pulumi.Resource,
  name: string,
  args: { description: string; alias: string; usage: "eks-secrets" | "logs"; account: pulumi.Output<AccountScope>; tags: Record<string, string>; protect: boolean },
): aws.kms.Key {
  const key = new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: args.account.apply((scope) => JSON.stringify(keyPolicy(scope, args.usage))),
      tags: args.tags,
    },
    { parent, protect: args.protect, retainOnDelete: args.protect },
  );
  new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, { parent });
  return key;
}

export interface ClusterInputs {
  naming: Naming;
  clusterName: string;
  kubernetesVersion: string;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  publicAccessCidrs: readonly string[];
  apiAccessCidrs: readonly string[];
  accessEntries: Record<string, eks.types.input.AccessEntryArgs>;
  secretsKeyArn: pulumi.Input<string>;
  logsKeyArn: pulumi.Input<string>;
  controlPlaneLogRetentionDays: number;
  upgradeSupportType: UpgradeSupportType;
  tags: Record<string, string>;
  protect: boolean;
  /** Providers for the eks component: remote components do not inherit their parent's providers. */
  remoteProviders?: Record<string, pulumi.ProviderResource>;
}

export interface ClusterParts {
  cluster: eks.Cluster;
  controlPlaneLogGroup: aws.cloudwatch.LogGroup;
  apiAccessRules: Record<string, aws.vpc.SecurityGroupIngressRule>;
}

/**
 * The EKS control plane (@pulumi/eks): private endpoint unless public CIDRs are listed, all log types to a
 * pre-created encrypted log group, secrets envelope-encrypted with a customer key, access entries only,
 * IRSA's OIDC provider. The component's own node group, security groups and add-ons are off: managed node
 * groups and EKS add-ons are created beside it, so every security input stays visible and testable.
 */
export function createCluster(parent: pulumi.Resource, name: string, inputs: ClusterInputs): ClusterParts {
  const stateful = { parent, protect: inputs.protect, retainOnDelete: inputs.protect };
  // EKS writes control-plane logs to this fixed name; created first, it gets retention and the customer key.
  const controlPlaneLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    { name: `/aws/eks/${inputs.clusterName}/cluster`, retentionInDays: inputs.controlPlaneLogRetentionDays, kmsKeyId: inputs.logsKeyArn, tags: inputs.tags },
    stateful,
  );
  const publicEndpoint = inputs.publicAccessCidrs.length > 0;
  const cluster = new eks.Cluster(
    `${name}-eks`,
    {
      name: inputs.clusterName,
      version: inputs.kubernetesVersion,
      vpcId: inputs.vpcId,
      // Control-plane ENIs and nodes in private subnets only; load balancers find public subnets by tag.
      privateSubnetIds: inputs.privateSubnetIds,
      endpointPrivateAccess: true,
      endpointPublicAccess: publicEndpoint,
      ...(publicEndpoint ? { publicAccessCidrs: [...inputs.publicAccessCidrs] } : {}),
      enabledClusterLogTypes: [...clusterLogTypes],
      encryptionConfigKeyArn: inputs.secretsKeyArn,
      authenticationMode: eks.AuthenticationMode.Api,
      accessEntries: inputs.accessEntries,
      createOidcProvider: true,
      upgradePolicy: { supportType: inputs.upgradeSupportType },
      deletionProtection: inputs.protect,
      // Managed node groups and EKS add-ons are PlatformCluster's own children (launch templates with
      // IMDSv2, IRSA for the CNI); the component installs none, and EKS bootstraps no unmanaged copies.
      skipDefaultNodeGroup: true,
      skipDefaultSecurityGroups: true,
      bootstrapSelfManagedAddons: false,
      useDefaultVpcCni: true,
      corednsAddonOptions: { enabled: false },
      kubeProxyAddonOptions: { enabled: false },
      tags: inputs.tags,
    },
    { parent, providers: inputs.remoteProviders, dependsOn: [controlPlaneLogGroup] },
  );

  // Peered networks (CI runners, VPN) reach the private endpoint through the cluster security group.
  const apiAccessRules: Record<string, aws.vpc.SecurityGroupIngressRule> = {};
  for (const cidr of [...inputs.apiAccessCidrs].sort()) {
    apiAccessRules[cidr] = new aws.vpc.SecurityGroupIngressRule(
      `${name}-api-from-${cidr.replace(/[./]/g, "-")}`,
      { securityGroupId: cluster.clusterSecurityGroupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr, description: "Kubernetes API (private endpoint)", tags: inputs.tags },
      { parent },
    );
  }
  return { cluster, controlPlaneLogGroup, apiAccessRules };
}

export interface NodeGroupInputs {
  naming: Naming;
  clusterName: pulumi.Input<string>;
  kubernetesVersion: string;
  privateSubnetIds: pulumi.Input<string[]>;
  nodeGroups: Record<string, NodeGroupArgs>;
  partition: pulumi.Output<string>;
  tags: Record<string, string>;
  /** Add-ons the nodes need before they can become Ready (VPC CNI, kube-proxy). */
  dependsOn: pulumi.Resource[];
}

export interface NodeGroups {
  nodeRole: aws.iam.Role;
  launchTemplates: Record<string, aws.ec2.LaunchTemplate>;
  nodeGroups: Record<string, aws.eks.NodeGroup>;
}

/**
 * One managed node group per configured name, each with its launch template: IMDSv2 required with a hop
 * limit of 1 (pods cannot reach the node's credentials; they use IRSA), encrypted gp3 root volumes.
 * EKS creates the node role's access entry itself for managed node groups.
 */
export function createNodeGroups(parent: pulumi.Resource, name: string, inputs: NodeGroupInputs): NodeGroups {
  const child = { parent };
  const nodeRole = new aws.iam.Role(
    `${name}-nodes`,
    {
      name: inputs.naming.name("iamRole", name, "nodes"),
      description: "EKS managed nodes: join the cluster and pull images (no application permissions)",
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
      tags: inputs.tags,
    },
    child,
  );
  const attachments = nodeManagedPolicies.map(
    (policy) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${policy}`, { role: nodeRole.name, policyArn: inputs.partition.apply((partition) => managedPolicyArn(partition, policy)) }, child),
  );

  const launchTemplates: Record<string, aws.ec2.LaunchTemplate> = {};
  const nodeGroups: Record<string, aws.eks.NodeGroup> = {};
  for (const group of Object.keys(inputs.nodeGroups).sort()) {
    const spec = inputs.nodeGroups[group]!;
    const plan = nodeGroupPlan(group, spec);
    const groupTags = { ...inputs.tags, Name: inputs.naming.name("generic", name, group) };
    const template = new aws.ec2.LaunchTemplate(
      `${name}-nodes-${group}`,
      {
        description: `EKS managed node group ${group}`,
        updateDefaultVersion: true,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [
          { deviceName: "/dev/xvda", ebs: { volumeSize: plan.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
        ],
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: groupTags })),
        tags: inputs.tags,
      },
      child,
    );
    launchTemplates[group] = template;
    nodeGroups[group] = new aws.eks.NodeGroup(
      `${name}-nodes-${group}`,
      {
        clusterName: inputs.clusterName,
        version: inputs.kubernetesVersion,
        nodeRoleArn: nodeRole.arn,
        subnetIds: inputs.privateSubnetIds,
        instanceTypes: spec.instanceTypes,
        capacityType: plan.capacityType,
        amiType: plan.amiType,
        scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
        launchTemplate: { id: template.id, version: template.latestVersion.apply((version) => String(version)) },
        labels: plan.labels,
        taints: plan.taints,
        updateConfig: { maxUnavailablePercentage: 33 },
        nodeRepairConfig: { enabled: true },
        tags: groupTags,
      },
      { parent, dependsOn: [...attachments, ...inputs.dependsOn] },
    );
  }
  return { nodeRole, launchTemplates, nodeGroups };
}

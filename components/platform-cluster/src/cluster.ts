import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hardenedMetadataOptions, protectedKey } from "@data-platform/aws-blocks";
import { platformDefaults, type Naming } from "@data-platform/conventions";
import {
  accessEntryKeyOfArn,
  dedicatedNodeGroups,
  isGraviton,
  type NodeGroupArgs,
  type UpgradeSupportType,
} from "./args";
import type { ClusterPartScope } from "./network";
import {
  clusterSecretsKeyPolicy,
  clusterTrustPolicy,
  keyPolicy,
  managedPolicyArn,
  nodeManagedPolicies,
  serviceTrustPolicy,
  stsAudience,
  type AccountScope,
  type KeyUsage,
} from "./policies";

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

/**
 * How one node group is built: AMI architecture from its instance types, label, taint when dedicated.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function nodeGroupPlan(group: string, spec: NodeGroupArgs): NodeGroupPlan {
  return {
    amiType: spec.instanceTypes.every(isGraviton) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
    capacityType: spec.capacityType ?? platformDefaults.cluster.nodeGroupCapacityType,
    diskSizeGiB: spec.diskSizeGiB ?? platformDefaults.cluster.nodeGroupDiskSizeGiB,
    labels: { [nodeGroupLabel]: group },
    taints: dedicatedNodeGroups[group] ? [{ key: dedicatedTaintKey, value: group, effect: "NO_SCHEDULE" }] : [],
  };
}

/** Pod scheduling onto one node group: the node selector, and the toleration when the group is dedicated. */
export interface Scheduling {
  nodeSelector: Record<string, string>;
  tolerations: { key: string; operator: "Equal"; value: string; effect: "NoSchedule" }[];
}

/** Scheduling onto a node group or Karpenter pool; `tainted` defaults to whether the name is a dedicated node group. */
export function schedulingFor(group: string, tainted: boolean = dedicatedNodeGroups[group] !== undefined): Scheduling {
  return {
    nodeSelector: { [nodeGroupLabel]: group },
    tolerations: tainted ? [{ key: dedicatedTaintKey, operator: "Equal", value: group, effect: "NoSchedule" }] : [],
  };
}

/** One access entry: a principal, its kind, and the access policy it gets on the whole cluster (none for node roles). */
export interface AccessEntrySpec {
  principalArn: pulumi.Input<string>;
  /** `STANDARD` for people and pipelines; `EC2_LINUX` for a node role (EKS then needs no policy). */
  type: "STANDARD" | "EC2_LINUX";
  /** EKS access policy name (`AmazonEKSClusterAdminPolicy`), cluster-wide. */
  policy?: string;
}

/** Access entries keyed by role name (never list position): admins and readers on the whole cluster. */
export function accessEntries(
  adminRoleArns: readonly string[],
  readOnlyRoleArns: readonly string[],
): Record<string, AccessEntrySpec> {
  return Object.fromEntries([
    ...[...adminRoleArns]
      .sort()
      .map(
        (arn) =>
          [
            `admin-${accessEntryKeyOfArn(arn)}`,
            { principalArn: arn, type: "STANDARD", policy: accessPolicies.admin },
          ] as const,
      ),
    ...[...readOnlyRoleArns]
      .sort()
      .map(
        (arn) =>
          [
            `read-only-${accessEntryKeyOfArn(arn)}`,
            { principalArn: arn, type: "STANDARD", policy: accessPolicies.readOnly },
          ] as const,
      ),
  ]);
}

/** A platform cluster key (`protectedKey`: rotation, 30-day deletion window, alias) with `keyPolicy`'s policy for its usage. */
export function createKey(
  parent: pulumi.Resource,
  name: string,
  args: {
    description: string;
    alias: string;
    usage: KeyUsage;
    account: pulumi.Output<AccountScope>;
    administratorArns?: pulumi.Input<pulumi.Input<string>[]>;
    tags: Record<string, string>;
    protect: boolean;
  },
): aws.kms.Key {
  const policy = pulumi
    .all([args.account, pulumi.output(args.administratorArns ?? [])])
    .apply(([scope, administratorArns]) => keyPolicy(scope, args.usage, administratorArns));
  return protectedKey(parent, name, {
    description: args.description,
    alias: args.alias,
    policy,
    tags: args.tags,
    protect: args.protect,
  });
}

export interface ClusterInputs extends ClusterPartScope {
  clusterName: string;
  kubernetesVersion: string;
  privateSubnetIds: pulumi.Input<string[]>;
  publicAccessCidrs: readonly string[];
  apiAccessCidrs: readonly string[];
  accessEntries: Record<string, AccessEntrySpec>;
  secretsKeyArn: pulumi.Output<string>;
  logsKeyArn: pulumi.Input<string>;
  controlPlaneLogRetentionDays: number;
  upgradeSupportType: UpgradeSupportType;
}

export interface ClusterParts {
  cluster: aws.eks.Cluster;
  /** The control plane's IAM role (EKS manages ENIs, load balancers of the cluster; reads the secrets key). */
  clusterRole: aws.iam.Role;
  controlPlaneLogGroup: aws.cloudwatch.LogGroup;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  /** OIDC issuer without `https://`. */
  oidcIssuer: pulumi.Output<string>;
  accessEntries: Record<string, aws.eks.AccessEntry>;
  accessPolicyAssociations: Record<string, aws.eks.AccessPolicyAssociation>;
  /** Kubeconfig (JSON) authenticating with `aws eks get-token`: no credential is stored in it. */
  kubeconfig: pulumi.Output<string>;
  apiAccessRules: Record<string, aws.vpc.SecurityGroupIngressRule>;
}

/** A kubeconfig for one cluster whose user runs `aws eks get-token` (the AWS CLI and the caller's credentials). */
export function kubeconfigFor(
  clusterName: string,
  endpoint: string,
  certificateAuthorityData: string,
  region: string,
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData } },
    ],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
          },
        },
      },
    ],
  };
}

/**
 * The EKS control plane, built from `aws.eks.Cluster` so every security input is explicit: private endpoint
 * unless public CIDRs are listed, all log types to a pre-created encrypted log group, secrets envelope-encrypted
 * with a customer key, the access entries API only and **no implicit admin for the creator**
 * (`bootstrapClusterCreatorAdminPermissions: false`; @pulumi/eks v4 always sets it to true), no self-managed
 * add-ons (the EKS add-ons are PlatformCluster's children), IRSA's OIDC provider, access entries with their
 * cluster-wide access policies.
 */
export function createCluster(parent: pulumi.Resource, name: string, inputs: ClusterInputs): ClusterParts {
  const child = { parent };
  const stateful = { parent, protect: inputs.protect, retainOnDelete: inputs.protect };
  const partition = inputs.account.apply((scope) => scope.partition);
  // EKS writes control-plane logs to this fixed name; created first, it gets retention and the customer key.
  const controlPlaneLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    {
      name: `/aws/eks/${inputs.clusterName}/cluster`,
      retentionInDays: inputs.controlPlaneLogRetentionDays,
      kmsKeyId: inputs.logsKeyArn,
      tags: inputs.tags,
    },
    stateful,
  );

  const clusterRole = new aws.iam.Role(
    `${name}-cluster`,
    {
      name: inputs.naming.name("iamRole", name, "cluster"),
      description: `EKS control plane of ${inputs.clusterName}`,
      assumeRolePolicy: inputs.account.apply((scope) => JSON.stringify(clusterTrustPolicy(scope, inputs.clusterName))),
      tags: inputs.tags,
    },
    child,
  );
  const clusterPolicy = new aws.iam.RolePolicyAttachment(
    `${name}-cluster-AmazonEKSClusterPolicy`,
    { role: clusterRole.name, policyArn: partition.apply((p) => managedPolicyArn(p, "AmazonEKSClusterPolicy")) },
    child,
  );
  // The secrets key's policy delegates to IAM: the control plane needs these four actions on that key only.
  const secretsKeyUse = new aws.iam.RolePolicy(
    `${name}-cluster-secrets-key`,
    {
      role: clusterRole.name,
      policy: inputs.secretsKeyArn.apply((keyArn) => JSON.stringify(clusterSecretsKeyPolicy(keyArn))),
    },
    child,
  );

  const publicEndpoint = inputs.publicAccessCidrs.length > 0;
  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: inputs.clusterName,
      version: inputs.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        // Control-plane ENIs and nodes in private subnets only; load balancers find public subnets by tag.
        subnetIds: inputs.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        ...(publicEndpoint ? { publicAccessCidrs: [...inputs.publicAccessCidrs] } : {}),
      },
      enabledClusterLogTypes: [...clusterLogTypes],
      encryptionConfig: { provider: { keyArn: inputs.secretsKeyArn }, resources: ["secrets"] },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // VPC CNI, kube-proxy and CoreDNS are EKS add-ons created beside the cluster, not unmanaged copies.
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: inputs.upgradeSupportType },
      deletionProtection: inputs.protect,
      tags: inputs.tags,
    },
    { parent, protect: inputs.protect, dependsOn: [controlPlaneLogGroup, clusterPolicy, secretsKeyUse] },
  );

  const issuerUrl = cluster.identities.apply((identities) => identities[0]?.oidcs?.[0]?.issuer ?? "");
  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    // No thumbprint: IAM trusts the EKS issuer's certificate authority itself.
    { url: issuerUrl, clientIdLists: [stsAudience], tags: inputs.tags },
    child,
  );

  const entries: Record<string, aws.eks.AccessEntry> = {};
  const associations: Record<string, aws.eks.AccessPolicyAssociation> = {};
  for (const key of Object.keys(inputs.accessEntries).sort()) {
    const spec = inputs.accessEntries[key]!;
    entries[key] = new aws.eks.AccessEntry(
      `${name}-access-${key}`,
      { clusterName: cluster.name, principalArn: spec.principalArn, type: spec.type, tags: inputs.tags },
      child,
    );
    if (spec.policy) {
      associations[key] = new aws.eks.AccessPolicyAssociation(
        `${name}-access-${key}`,
        {
          clusterName: cluster.name,
          principalArn: spec.principalArn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${spec.policy}`,
          accessScope: { type: "cluster" },
        },
        { parent, dependsOn: [entries[key]] },
      );
    }
  }

  const kubeconfig = pulumi
    .all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, inputs.account])
    .apply(([clusterName, endpoint, data, scope]) =>
      JSON.stringify(kubeconfigFor(clusterName, endpoint, data, scope.region)),
    );

  // Peered networks (CI runners, VPN) reach the private endpoint through the cluster security group.
  const apiAccessRules: Record<string, aws.vpc.SecurityGroupIngressRule> = {};
  for (const cidr of [...inputs.apiAccessCidrs].sort()) {
    apiAccessRules[cidr] = new aws.vpc.SecurityGroupIngressRule(
      `${name}-api-from-${cidr.replace(/[./]/g, "-")}`,
      {
        securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: "Kubernetes API (private endpoint)",
        tags: inputs.tags,
      },
      child,
    );
  }
  return {
    cluster,
    clusterRole,
    controlPlaneLogGroup,
    oidcProvider,
    oidcIssuer: issuerUrl.apply((url) => url.replace(/^https:\/\//, "")),
    accessEntries: entries,
    accessPolicyAssociations: associations,
    kubeconfig,
    apiAccessRules,
  };
}

export interface NodeGroupInputs {
  naming: Naming;
  clusterName: pulumi.Input<string>;
  kubernetesVersion: string;
  privateSubnetIds: pulumi.Input<string[]>;
  nodeGroups: Record<string, NodeGroupArgs>;
  partition: pulumi.Output<string>;
  /** Customer key of the nodes' root volumes. */
  volumesKeyArn: pulumi.Input<string>;
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
 * limit of 1 (pods cannot reach the node's credentials; they use IRSA), gp3 root volumes encrypted with the
 * platform's volumes key (EC2 Auto Scaling's service-linked role uses it through the key policy).
 * EKS creates the node role's access entry itself for managed node groups.
 */
export function createNodeGroups(parent: pulumi.Resource, name: string, inputs: NodeGroupInputs): NodeGroups {
  const child = { parent };
  const nodeRole = new aws.iam.Role(
    `${name}-nodes`,
    {
      name: inputs.naming.name("iamRole", name, "nodes"),
      description: "EKS managed nodes: join the cluster and pull images (no application permissions)",
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com", "no-source-conditions")),
      tags: inputs.tags,
    },
    child,
  );
  const attachments = nodeManagedPolicies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-nodes-${policy}`,
        { role: nodeRole.name, policyArn: inputs.partition.apply((partition) => managedPolicyArn(partition, policy)) },
        child,
      ),
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
        metadataOptions: hardenedMetadataOptions,
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: plan.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              kmsKeyId: inputs.volumesKeyArn,
              deleteOnTermination: "true",
            },
          },
        ],
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: groupTags,
        })),
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

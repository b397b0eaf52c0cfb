import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { charts } from "@data-platform/helm-charts";
import type { Naming } from "@data-platform/conventions";
import type { AddonVersions } from "./args";
import type { ServiceAccountRole, ServiceAccountRoleArgs } from "./irsa";
import { createKarpenterNodePools, type KarpenterNodePoolArgs } from "./karpenterNodePools";
import { loadBalancerControllerPolicy } from "./loadBalancerControllerPolicy";
import {
  karpenterControllerPolicy,
  karpenterInterruptionEvents,
  karpenterQueuePolicy,
  managedPolicyArn,
  serviceTrustPolicy,
  volumeKeyUsePolicy,
  type AccountScope,
} from "./policies";
import {
  chartSource,
  karpenterValues,
  loadBalancerControllerValues,
  serviceAccounts,
  vpcCniConfiguration,
} from "./values";

/** Creates an IRSA role (the component's `serviceAccountRole`, parented to the component). */
export type RoleFactory = (name: string, args: ServiceAccountRoleArgs) => ServiceAccountRole;

interface AddonContext {
  naming: Naming;
  /** The cluster's name as an Output of the cluster: everything here waits for the control plane. */
  clusterName: pulumi.Output<string>;
  versions: AddonVersions;
  account: pulumi.Output<AccountScope>;
  tags: Record<string, string>;
}

function addon(
  parent: pulumi.Resource,
  resourceName: string,
  addonName: string,
  context: AddonContext,
  extra: Partial<aws.eks.AddonArgs>,
  dependsOn: pulumi.Input<pulumi.Resource>[] = [],
): aws.eks.Addon {
  return new aws.eks.Addon(
    resourceName,
    {
      clusterName: context.clusterName,
      addonName,
      // Declared configuration wins over drift made in the cluster.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: context.tags,
      ...extra,
    },
    { parent, dependsOn },
  );
}

export interface NetworkingAddons {
  vpcCniRole: ServiceAccountRole;
  vpcCni: aws.eks.Addon;
  kubeProxy: aws.eks.Addon;
}

/** What nodes need to become Ready: the VPC CNI (its own IRSA role, network policies enforced) and kube-proxy. */
export function createNetworkingAddons(
  parent: pulumi.Resource,
  name: string,
  context: AddonContext,
  role: RoleFactory,
): NetworkingAddons {
  const partition = context.account.apply((scope) => scope.partition);
  const vpcCniRole = role(`${name}-vpc-cni`, {
    ...serviceAccounts.vpcCni,
    managedPolicyArns: { "cni-policy": partition.apply((p) => managedPolicyArn(p, "AmazonEKS_CNI_Policy")) },
    description: "VPC CNI (aws-node): assigns pod IPs; kept off the node role",
  });
  const vpcCni = addon(
    parent,
    `${name}-vpc-cni`,
    "vpc-cni",
    context,
    {
      serviceAccountRoleArn: vpcCniRole.role.arn,
      configurationValues: JSON.stringify(vpcCniConfiguration),
      ...(context.versions.vpcCni ? { addonVersion: context.versions.vpcCni } : {}),
    },
    Object.values(vpcCniRole.attachments),
  );
  const kubeProxy = addon(
    parent,
    `${name}-kube-proxy`,
    "kube-proxy",
    context,
    context.versions.kubeProxy ? { addonVersion: context.versions.kubeProxy } : {},
  );
  return { vpcCniRole, vpcCni, kubeProxy };
}

export interface WorkloadAddonInputs {
  clusterNamePlain: string;
  region: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
  systemNodeSelector: Record<string, string>;
  provider: k8s.Provider;
  /** Resources the add-ons wait for: the node groups (pods need nodes). */
  nodes: pulumi.Resource[];
  /** Customer key of the volumes the gp3 StorageClass provisions. */
  volumesKeyArn: pulumi.Output<string>;
  /** Tags of what controllers create outside Pulumi (load balancers, Karpenter nodes): `controllerTags` over `tags`. */
  controllerTags: Record<string, string>;
}

export interface WorkloadAddons {
  coreDns: aws.eks.Addon;
  ebsCsiDriverRole: ServiceAccountRole;
  ebsCsiDriver: aws.eks.Addon;
  storageClass: k8s.storage.v1.StorageClass;
  loadBalancerControllerRole: ServiceAccountRole;
  loadBalancerController: k8s.helm.v4.Chart;
}

/** Add-ons that run as pods, after the nodes: CoreDNS, the EBS CSI driver (IRSA) with a default gp3 class, the load balancer controller (IRSA, Helm). */
export function createWorkloadAddons(
  parent: pulumi.Resource,
  name: string,
  context: AddonContext,
  inputs: WorkloadAddonInputs,
  role: RoleFactory,
): WorkloadAddons {
  const partition = context.account.apply((scope) => scope.partition);
  const coreDns = addon(
    parent,
    `${name}-coredns`,
    "coredns",
    context,
    context.versions.coreDns ? { addonVersion: context.versions.coreDns } : {},
    inputs.nodes,
  );

  const ebsCsiDriverRole = role(`${name}-ebs-csi-driver`, {
    ...serviceAccounts.ebsCsiDriver,
    managedPolicyArns: {
      "ebs-csi-policy": partition.apply((p) => managedPolicyArn(p, "service-role/AmazonEBSCSIDriverPolicy")),
    },
    // The managed policy covers EBS only; volumes encrypted with the platform key need it through EC2.
    policies: {
      "volumes-key": pulumi
        .all([context.account, inputs.volumesKeyArn])
        .apply(([scope, keyArn]) => JSON.stringify(volumeKeyUsePolicy(scope, keyArn))),
    },
    description: "EBS CSI driver controller: creates and attaches volumes",
  });
  const ebsCsiDriver = addon(
    parent,
    `${name}-ebs-csi-driver`,
    "aws-ebs-csi-driver",
    context,
    {
      serviceAccountRoleArn: ebsCsiDriverRole.role.arn,
      ...(context.versions.ebsCsiDriver ? { addonVersion: context.versions.ebsCsiDriver } : {}),
    },
    [...inputs.nodes, ...Object.values(ebsCsiDriverRole.attachments), ...Object.values(ebsCsiDriverRole.policies)],
  );
  const storageClass = new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: {
        type: "gp3",
        encrypted: "true",
        kmsKeyId: inputs.volumesKeyArn,
        "csi.storage.k8s.io/fstype": "ext4",
      },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    { parent, provider: inputs.provider, dependsOn: [ebsCsiDriver] },
  );

  const loadBalancerControllerRole = role(`${name}-load-balancer-controller`, {
    ...serviceAccounts.loadBalancerController,
    policies: { controller: partition.apply((p) => JSON.stringify(loadBalancerControllerPolicy(p))) },
    description: "AWS Load Balancer Controller: manages the ALBs and NLBs of Ingresses and Services",
  });
  const loadBalancerController = new k8s.helm.v4.Chart(
    `${name}-aws-load-balancer-controller`,
    {
      ...chartSource(charts.awsLoadBalancerController),
      name: "aws-load-balancer-controller",
      namespace: serviceAccounts.loadBalancerController.namespace,
      values: pulumi
        .all([inputs.region, inputs.vpcId, loadBalancerControllerRole.role.arn])
        .apply(([region, vpcId, roleArn]) =>
          loadBalancerControllerValues({
            clusterName: inputs.clusterNamePlain,
            region,
            vpcId,
            roleArn,
            nodeSelector: inputs.systemNodeSelector,
            defaultTags: { ...inputs.controllerTags, "data-platform:cluster": inputs.clusterNamePlain },
          }),
        ),
    },
    {
      parent,
      provider: inputs.provider,
      dependsOn: [coreDns, ...inputs.nodes, ...Object.values(loadBalancerControllerRole.policies)],
    },
  );
  return { coreDns, ebsCsiDriverRole, ebsCsiDriver, storageClass, loadBalancerControllerRole, loadBalancerController };
}

export interface KarpenterNodeRole {
  nodeRole: aws.iam.Role;
  attachments: aws.iam.RolePolicyAttachment[];
}

/** Karpenter's node role: created before the cluster, which gives it an EC2_LINUX access entry. */
export function createKarpenterNodeRole(
  parent: pulumi.Resource,
  name: string,
  context: Pick<AddonContext, "naming" | "account" | "tags">,
): KarpenterNodeRole {
  const nodeRole = new aws.iam.Role(
    `${name}-karpenter-nodes`,
    {
      name: context.naming.name("iamRole", name, "karpenter-nodes"),
      description: "Nodes Karpenter launches: join the cluster and pull images (no application permissions)",
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com", "no-source-conditions")),
      tags: context.tags,
    },
    { parent },
  );
  const attachments = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-karpenter-nodes-${policy}`,
        { role: nodeRole.name, policyArn: context.account.apply((scope) => managedPolicyArn(scope.partition, policy)) },
        { parent },
      ),
  );
  return { nodeRole, attachments };
}

export interface KarpenterInputs extends WorkloadAddonInputs {
  nodeRole: aws.iam.Role;
  /** NodePools by name (validated by the component before anything is registered). */
  nodePools: Record<string, KarpenterNodePoolArgs>;
  /** EC2NodeClass AMI alias. @default `al2023AmiAlias` */
  amiAlias?: string;
  clusterSecurityGroupId: pulumi.Output<string>;
  /** CoreDNS: the controller resolves AWS endpoints at start. */
  coreDns: aws.eks.Addon;
}

export interface Karpenter {
  nodeRole: aws.iam.Role;
  interruptionQueue: aws.sqs.Queue;
  controllerRole: ServiceAccountRole;
  chart: k8s.helm.v4.Chart;
  /** The EC2NodeClass `default` and the NodePools by name. */
  nodeClass: k8s.apiextensions.CustomResource;
  nodePools: Record<string, k8s.apiextensions.CustomResource>;
}

/**
 * Karpenter's controller (IRSA), interruption queue fed by EventBridge, discovery tag on the cluster security
 * group, and its EC2NodeClass and NodePools once the chart (with its CRDs) is installed.
 */
export function createKarpenter(
  parent: pulumi.Resource,
  name: string,
  context: AddonContext,
  inputs: KarpenterInputs,
  role: RoleFactory,
): Karpenter {
  const child = { parent };
  const interruptionQueue = new aws.sqs.Queue(
    `${name}-karpenter-interruptions`,
    {
      name: context.naming.name("generic", name, "karpenter"),
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
      tags: context.tags,
    },
    child,
  );
  new aws.sqs.QueuePolicy(
    `${name}-karpenter-interruptions`,
    {
      queueUrl: interruptionQueue.url,
      policy: interruptionQueue.arn.apply((arn) => JSON.stringify(karpenterQueuePolicy(arn))),
    },
    child,
  );
  for (const [key, event] of Object.entries(karpenterInterruptionEvents).sort(([a], [b]) => a.localeCompare(b))) {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-karpenter-${key}`,
      {
        // Explicit (hashed when long) names: auto-names of long rule keys would pass EventBridge's 64 characters.
        name: context.naming.name("generic", name, "karpenter", key),
        description: `Karpenter interruption handling: ${event.detailType}`,
        eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
        tags: context.tags,
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-karpenter-${key}`,
      { rule: rule.name, arn: interruptionQueue.arn, targetId: "KarpenterInterruptionQueueTarget" },
      child,
    );
  }
  new aws.ec2.Tag(
    `${name}-karpenter-discovery-sg`,
    { resourceId: inputs.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: inputs.clusterNamePlain },
    child,
  );

  const controllerRole = role(`${name}-karpenter`, {
    ...serviceAccounts.karpenter,
    policies: {
      controller: pulumi
        .all([context.account, inputs.nodeRole.arn, interruptionQueue.arn])
        .apply(([scope, nodeRoleArn, queueArn]) =>
          JSON.stringify(
            karpenterControllerPolicy({ ...scope, clusterName: inputs.clusterNamePlain, nodeRoleArn, queueArn }),
          ),
        ),
      // Karpenter launches with its own credentials (instant fleets): EC2 uses the volumes key on its behalf,
      // or new nodes terminate at once (Karpenter v1.14 troubleshooting, encrypted EBS volumes).
      "volumes-key": pulumi
        .all([context.account, inputs.volumesKeyArn])
        .apply(([scope, keyArn]) => JSON.stringify(volumeKeyUsePolicy(scope, keyArn))),
    },
    description: "Karpenter controller: launches and terminates this cluster's nodes",
  });
  const chart = new k8s.helm.v4.Chart(
    `${name}-karpenter`,
    {
      ...chartSource(charts.karpenter),
      name: "karpenter",
      namespace: serviceAccounts.karpenter.namespace,
      values: pulumi.all([controllerRole.role.arn, interruptionQueue.name]).apply(([roleArn, queueName]) =>
        karpenterValues({
          clusterName: inputs.clusterNamePlain,
          interruptionQueueName: queueName,
          roleArn,
          nodeSelector: inputs.systemNodeSelector,
        }),
      ),
    },
    {
      parent,
      provider: inputs.provider,
      dependsOn: [inputs.coreDns, ...inputs.nodes, ...Object.values(controllerRole.policies)],
    },
  );
  const { nodeClass, nodePools } = createKarpenterNodePools(parent, name, {
    provider: inputs.provider,
    clusterName: inputs.clusterNamePlain,
    nodeRoleName: inputs.nodeRole.name,
    volumesKeyArn: inputs.volumesKeyArn,
    pools: inputs.nodePools,
    tags: inputs.controllerTags,
    dependsOn: [chart],
    ...(inputs.amiAlias ? { amiAlias: inputs.amiAlias } : {}),
  });
  return { nodeRole: inputs.nodeRole, interruptionQueue, controllerRole, chart, nodeClass, nodePools };
}

import type { ChartPin } from "@data-platform/helm-charts";

/** Helm values (plain data, validated in tests against the chart's schema after merging over its defaults). */
export type ChartValues = Record<string, unknown>;

/** Where a pinned chart comes from, as `k8s.helm.v4.Chart` takes it: an OCI reference, or a chart in a repository. */
export function chartSource(pin: ChartPin): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return pin.repository.startsWith("oci://")
    ? { chart: `${pin.repository.replace(/\/+$/, "")}/${pin.chart}`, version: pin.version }
    : { chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repository } };
}

/** Service accounts the cluster's own add-ons run as (their IRSA trusts name them). */
export const serviceAccounts = {
  vpcCni: { namespace: "kube-system", serviceAccount: "aws-node" },
  ebsCsiDriver: { namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa" },
  loadBalancerController: { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" },
  karpenter: { namespace: "kube-system", serviceAccount: "karpenter" },
} as const;

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export interface LoadBalancerControllerValuesArgs {
  clusterName: string;
  /** Region and VPC are explicit: with an IMDS hop limit of 1 the controller cannot discover them. */
  region: string;
  vpcId: string;
  roleArn: string;
  nodeSelector: Record<string, string>;
  /** Tags of every load balancer and target group the controller creates (cost attribution). */
  defaultTags: Record<string, string>;
}

/** AWS Load Balancer Controller values: IRSA, two replicas on system nodes, requests and limits, non-root. */
export function loadBalancerControllerValues(args: LoadBalancerControllerValuesArgs): ChartValues {
  return {
    clusterName: args.clusterName,
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: 2,
    serviceAccount: {
      create: true,
      name: serviceAccounts.loadBalancerController.serviceAccount,
      annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
    },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    podSecurityContext: { fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: restrictedContainer,
    nodeSelector: args.nodeSelector,
    podDisruptionBudget: { maxUnavailable: 1 },
    defaultTags: args.defaultTags,
  };
}

export interface KarpenterValuesArgs {
  clusterName: string;
  interruptionQueueName: string;
  roleArn: string;
  nodeSelector: Record<string, string>;
}

/** Karpenter values: IRSA, the interruption queue, the controller on system (managed) nodes with requests and limits. */
export function karpenterValues(args: KarpenterValuesArgs): ChartValues {
  return {
    serviceAccount: {
      create: true,
      name: serviceAccounts.karpenter.serviceAccount,
      annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
    },
    replicas: 2,
    // Karpenter never runs on nodes it manages: the system node group is a managed node group.
    nodeSelector: { "kubernetes.io/os": "linux", ...args.nodeSelector },
    controller: {
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
    },
    settings: { clusterName: args.clusterName, interruptionQueue: args.interruptionQueueName },
  };
}

/** VPC CNI add-on configuration: network policy enforcement on, so the namespaces' NetworkPolicies apply. */
export const vpcCniConfiguration = { enableNetworkPolicy: "true" } as const;

import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Scheduling } from "./cluster";
import type { ServiceAccountRole, ServiceAccountRoleArgs } from "./irsa";
import type { NamespaceArgs, PlatformNamespace } from "./namespace";

/**
 * What in-cluster services (query mesh, notebooks, EMR on EKS) need from the platform cluster (CDK's `ICluster`
 * idea): its Kubernetes provider, network ranges, what to wait for, its EKS identity for IRSA and access entries,
 * and the namespace, service-account role and scheduling helpers. `PlatformCluster` implements it; components take
 * a `ClusterRef`, so a test can pass a small fake instead of building a whole cluster.
 */
export interface ClusterRef {
  /** The Kubernetes provider every in-cluster child must be given explicitly. */
  readonly provider: k8s.Provider;
  /** The VPC's CIDR (the cluster's network, its load balancers' default source range). */
  readonly vpcCidr: string;
  /** S3's address ranges in the region, for egress policies of pods reading the lake. */
  readonly s3Cidrs: pulumi.Output<string[]>;
  /** What in-cluster components depend on before deploying (nodes, CoreDNS, the load balancer controller, storage). */
  readonly ready: pulumi.Resource[];
  /** The EKS control plane's name, as an output of the cluster resource (access entries, EMR virtual clusters). */
  readonly cluster: { readonly name: pulumi.Output<string> };
  readonly oidcProviderArn: pulumi.Output<string>;
  /** OIDC issuer without `https://`: the prefix of IRSA trust condition keys. */
  readonly oidcIssuer: pulumi.Output<string>;
  /** An IAM role for one service account (IRSA); see `PlatformCluster.serviceAccountRole`. */
  serviceAccountRole(
    name: string,
    args: ServiceAccountRoleArgs,
    opts?: pulumi.CustomResourceOptions,
  ): ServiceAccountRole;
  /** A namespace with Pod Security labels, default-deny and the flows asked for; see `PlatformCluster.namespace`. */
  namespace(name: string, args?: NamespaceArgs, opts?: pulumi.CustomResourceOptions): PlatformNamespace;
  /** Node selector and tolerations for a node group or Karpenter pool; throws for an unknown one. */
  scheduling(nodeGroup: string): Scheduling;
}

import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Naming, platformDefaults } from "@data-platform/conventions";
import {
  createKarpenter,
  createKarpenterNodeRole,
  createNetworkingAddons,
  createWorkloadAddons,
  type Karpenter,
} from "./addons";
import {
  defaultInterfaceEndpoints,
  karpenterSettings,
  systemNodeGroup,
  validatePlatformClusterArgs,
  type PlatformClusterArgs,
} from "./args";
import type { ClusterRef } from "./clusterRef";
import { accessEntries, createCluster, createKey, createNodeGroups, schedulingFor, type Scheduling } from "./cluster";
import {
  createServiceAccountRole,
  type IrsaContext,
  type ServiceAccountRole,
  type ServiceAccountRoleArgs,
} from "./irsa";
import { createNamespace, type NamespaceArgs, type PlatformNamespace } from "./namespace";
import type { KarpenterNodePoolArgs } from "./karpenterNodePools";
import { createNetwork, defaultZones, type ZoneTier } from "./network";
import type { AccountScope } from "./policies";

/** What the cluster contributes to the platform contract (plain values once resolved). */
export interface PlatformClusterContract {
  vpcId: string;
  vpcCidr: string;
  privateSubnetIds: string[];
  publicSubnetIds: string[];
  clusterName: string;
  clusterEndpoint: string;
  kubernetesVersion: string;
  /** The EKS cluster security group (control plane and every managed node). */
  clusterSecurityGroupId: string;
  oidcProviderArn: string;
  /** OIDC issuer without `https://`: the prefix of IRSA trust condition keys. */
  oidcIssuer: string;
}

/** The cluster's EKS add-ons. */
export interface PlatformClusterAddons {
  vpcCni: aws.eks.Addon;
  kubeProxy: aws.eks.Addon;
  coreDns: aws.eks.Addon;
  ebsCsiDriver: aws.eks.Addon;
}

/**
 * The platform's private network and its one EKS cluster: a VPC built from `aws.ec2` resources (private and
 * public subnets per AZ, NAT gateways, routes) with S3 gateway and interface endpoints and flow logs, the EKS control plane (`aws.eks.Cluster`: private endpoint, all logs, KMS-encrypted
 * secrets, access entries, OIDC), managed node groups with IMDSv2, EKS add-ons with IRSA, the AWS Load
 * Balancer Controller, a default gp3 StorageClass and optionally Karpenter. Other components receive this
 * object and use its Kubernetes provider, `serviceAccountRole`, `namespace` and `scheduling` helpers.
 */
export class PlatformCluster extends pulumi.ComponentResource implements ClusterRef {
  /** The EKS cluster's physical name (`<prefix>-<stage>-<name>`), known at construction. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly vpcCidr: string;
  readonly vpc: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  /** AZ suffixes the subnets span (`a`, `b`, `c`), in layout order. */
  readonly availabilityZones: readonly string[];
  readonly internetGateway: aws.ec2.InternetGateway;
  /** Private subnet, route table, association and default route (to a NAT gateway), by AZ suffix. */
  readonly privateZones: Readonly<Record<string, ZoneTier>>;
  /** Public subnet, route table, association and default route (to the internet gateway), by AZ suffix. */
  readonly publicZones: Readonly<Record<string, ZoneTier>>;
  /** NAT gateways by the AZ suffix they sit in. */
  readonly natGateways: Readonly<Record<string, aws.ec2.NatGateway>>;
  /** The NAT gateways' Elastic IPs (the stage's egress addresses), by AZ suffix. */
  readonly natAddresses: Readonly<Record<string, aws.ec2.Eip>>;
  /** Private subnet ids in AZ order. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Public subnet ids in AZ order. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Security group of the interface endpoints (HTTPS from the VPC only). */
  readonly endpointSecurityGroup: aws.ec2.SecurityGroup;
  readonly s3GatewayEndpoint: aws.ec2.VpcEndpoint;
  /**
   * S3's address ranges in the region (the AWS-managed prefix list `com.amazonaws.<region>.s3`): traffic to S3
   * through the gateway endpoint goes to these public addresses, so pods reading the lake need them in their
   * egress policy (`{ cidrs: cluster.s3Cidrs }`).
   */
  readonly s3Cidrs: pulumi.Output<string[]>;
  /** Interface endpoints by service name (`ecr.api`). */
  readonly interfaceEndpoints: Record<string, aws.ec2.VpcEndpoint>;
  readonly flowLog: aws.ec2.FlowLog;
  /** The EKS control plane (`aws.eks.Cluster`). */
  readonly cluster: aws.eks.Cluster;
  readonly clusterRole: aws.iam.Role;
  /** IRSA's OIDC provider. */
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  /** Access entries by key (`admin-<role name>`, `read-only-<role name>`, `karpenter-nodes`). */
  readonly accessEntries: Record<string, aws.eks.AccessEntry>;
  /** Kubeconfig (JSON) using `aws eks get-token`: the caller's AWS credentials, no stored token. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The EKS cluster security group: add ingress rules to it for services that call into the cluster. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuer: pulumi.Output<string>;
  /** The Kubernetes provider every in-cluster child must be given explicitly. */
  readonly provider: k8s.Provider;
  /** Envelope encryption of Kubernetes secrets. */
  readonly secretsKey: aws.kms.Key;
  /** Encryption of the flow log and control-plane log groups. */
  readonly logsKey: aws.kms.Key;
  /** Encryption of node root volumes and of the volumes the gp3 StorageClass provisions. */
  readonly volumesKey: aws.kms.Key;
  readonly nodeRole: aws.iam.Role;
  /** Managed node groups by name. */
  readonly nodeGroups: Record<string, aws.eks.NodeGroup>;
  readonly addons: PlatformClusterAddons;
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly loadBalancerController: k8s.helm.v4.Chart;
  /** Present when `karpenter` is on. */
  readonly karpenter?: Karpenter;
  /** Karpenter node pools by name (empty when Karpenter is off). */
  readonly karpenterPools: Readonly<Record<string, KarpenterNodePoolArgs>>;
  /** What in-cluster components depend on before deploying (nodes, CoreDNS, the load balancer controller, storage). */
  readonly ready: pulumi.Resource[];
  private readonly componentName: string;
  private readonly irsa: IrsaContext;

  constructor(name: string, args: PlatformClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad args (the Karpenter pools' included) fail before anything is registered.
    validatePlatformClusterArgs(name, args);
    const karpenter = karpenterSettings(args.karpenter);
    super("data-platform:cluster:PlatformCluster", name, {}, opts);
    this.componentName = name;
    this.karpenterPools = karpenter?.nodePools ?? {};
    const naming = new Naming(args.prefix, args.stage);
    const protect = args.protect ?? true;
    const tags = args.tags ?? {};
    const child = { parent: this };
    this.clusterName = naming.name("generic", name);
    this.kubernetesVersion = args.kubernetesVersion;
    this.vpcCidr = args.vpcCidr;
    this.availabilityZones = args.availabilityZones ?? defaultZones(args.availabilityZoneCount);
    const flowLogRetentionDays = args.flowLogRetentionDays ?? platformDefaults.cluster.flowLogRetentionDays;

    const region = aws.getRegionOutput({}, child).region;
    const account: pulumi.Output<AccountScope> = pulumi
      .all([aws.getCallerIdentityOutput({}, child).accountId, aws.getPartitionOutput({}, child).partition, region])
      .apply(([accountId, partition, regionName]) => ({ accountId, partition, region: regionName }));
    const partition = account.apply((scope) => scope.partition);
    const keyArgs = { account, administratorArns: args.keyAdministratorArns, tags, protect };
    this.logsKey = createKey(this, `${name}-logs-key`, {
      ...keyArgs,
      description: `Platform cluster ${this.clusterName}: VPC flow logs and EKS control-plane logs`,
      alias: naming.name("kmsAlias", name, "logs"),
      usage: "logs",
    });
    this.secretsKey = createKey(this, `${name}-secrets-key`, {
      ...keyArgs,
      description: `Platform cluster ${this.clusterName}: Kubernetes secrets (envelope encryption)`,
      alias: naming.name("kmsAlias", name, "eks-secrets"),
      usage: "eks-secrets",
    });
    this.volumesKey = createKey(this, `${name}-volumes-key`, {
      ...keyArgs,
      description: `Platform cluster ${this.clusterName}: EBS volumes of nodes and persistent volumes`,
      alias: naming.name("kmsAlias", name, "volumes"),
      usage: "volumes",
    });

    const network = createNetwork(this, name, {
      naming,
      vpcCidr: args.vpcCidr,
      zones: this.availabilityZones,
      natGateways: args.natGateways,
      interfaceEndpoints: args.interfaceEndpoints ?? defaultInterfaceEndpoints,
      flowLogRetentionDays,
      privateSubnetExtraTags: karpenter ? { "karpenter.sh/discovery": this.clusterName } : {},
      logsKeyArn: this.logsKey.arn,
      account,
      region,
      tags,
      protect,
    });
    this.vpc = network.vpc;
    this.vpcId = network.vpcId;
    this.internetGateway = network.internetGateway;
    this.privateZones = network.privateZones;
    this.publicZones = network.publicZones;
    this.natGateways = network.natGateways;
    this.natAddresses = network.natAddresses;
    this.privateSubnetIds = network.privateSubnetIds;
    this.publicSubnetIds = network.publicSubnetIds;
    this.endpointSecurityGroup = network.endpointSecurityGroup;
    this.s3GatewayEndpoint = network.s3GatewayEndpoint;
    this.s3Cidrs = aws.ec2.getPrefixListOutput(
      { name: pulumi.interpolate`com.amazonaws.${region}.s3` },
      child,
    ).cidrBlocks;
    this.interfaceEndpoints = network.interfaceEndpoints;
    this.flowLog = network.flowLog;

    const karpenterNodes = karpenter ? createKarpenterNodeRole(this, name, { naming, account, tags }) : undefined;
    const entries = accessEntries(args.adminRoleArns ?? [], args.readOnlyRoleArns ?? []);
    if (karpenterNodes) entries["karpenter-nodes"] = { principalArn: karpenterNodes.nodeRole.arn, type: "EC2_LINUX" };

    const control = createCluster(this, name, {
      naming,
      clusterName: this.clusterName,
      kubernetesVersion: args.kubernetesVersion,
      privateSubnetIds: network.privateSubnetIds,
      publicAccessCidrs: args.publicAccessCidrs ?? [],
      apiAccessCidrs: args.apiAccessCidrs ?? [],
      accessEntries: entries,
      secretsKeyArn: this.secretsKey.arn,
      logsKeyArn: this.logsKey.arn,
      controlPlaneLogRetentionDays: args.controlPlaneLogRetentionDays ?? flowLogRetentionDays,
      upgradeSupportType: args.upgradeSupportType ?? "STANDARD",
      account,
      tags,
      protect,
    });
    const cluster = control.cluster;
    this.cluster = cluster;
    this.clusterRole = control.clusterRole;
    this.oidcProvider = control.oidcProvider;
    this.accessEntries = control.accessEntries;
    this.kubeconfig = control.kubeconfig;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcProviderArn = control.oidcProvider.arn;
    this.oidcIssuer = control.oidcIssuer;
    this.irsa = { naming, oidcProviderArn: this.oidcProviderArn, oidcIssuer: this.oidcIssuer, tags };
    // Kubernetes resources wait until the admins' access policies exist: the creator has no implicit access,
    // so the role running `pulumi up` must be one of `adminRoleArns`.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: control.kubeconfig, enableServerSideApply: true },
      // ...and for the ingress rules that let a peered runner reach the private endpoint.
      {
        parent: this,
        dependsOn: [...Object.values(control.accessPolicyAssociations), ...Object.values(control.apiAccessRules)],
      },
    );

    const addonContext = { naming, clusterName: cluster.name, versions: args.addonVersions ?? {}, account, tags };
    const role = (roleName: string, roleArgs: ServiceAccountRoleArgs) => this.serviceAccountRole(roleName, roleArgs);
    const networking = createNetworkingAddons(this, name, addonContext, role);
    const nodes = createNodeGroups(this, name, {
      naming,
      clusterName: cluster.name,
      kubernetesVersion: args.kubernetesVersion,
      privateSubnetIds: network.privateSubnetIds,
      nodeGroups: args.nodeGroups,
      partition,
      volumesKeyArn: this.volumesKey.arn,
      tags,
      dependsOn: [networking.vpcCni, networking.kubeProxy],
    });
    this.nodeRole = nodes.nodeRole;
    this.nodeGroups = nodes.nodeGroups;
    const workloadInputs = {
      clusterNamePlain: this.clusterName,
      region,
      vpcId: network.vpcId,
      systemNodeSelector: schedulingFor(systemNodeGroup).nodeSelector,
      provider: this.provider,
      nodes: Object.values(nodes.nodeGroups),
      volumesKeyArn: this.volumesKey.arn,
      controllerTags: { ...args.controllerTags, ...tags },
    };
    const workload = createWorkloadAddons(this, name, addonContext, workloadInputs, role);
    this.addons = {
      vpcCni: networking.vpcCni,
      kubeProxy: networking.kubeProxy,
      coreDns: workload.coreDns,
      ebsCsiDriver: workload.ebsCsiDriver,
    };
    this.storageClass = workload.storageClass;
    this.loadBalancerController = workload.loadBalancerController;
    if (karpenterNodes && karpenter) {
      this.karpenter = createKarpenter(
        this,
        name,
        addonContext,
        {
          ...workloadInputs,
          ...karpenter,
          nodeRole: karpenterNodes.nodeRole,
          clusterSecurityGroupId: this.clusterSecurityGroupId,
          coreDns: workload.coreDns,
        },
        role,
      );
    }
    this.ready = [
      ...Object.values(nodes.nodeGroups),
      workload.coreDns,
      workload.storageClass,
      workload.loadBalancerController,
    ];

    this.registerOutputs({ contract: this.contract() });
  }

  /**
   * An IAM role for one service account (IRSA): the trust admits only `system:serviceaccount:<namespace>:<name>`
   * with audience `sts.amazonaws.com`; permissions are the policies passed. Parented to this component unless
   * `opts.parent` says otherwise; the role's IAM name is `<prefix>-<stage>-<name>`.
   */
  serviceAccountRole(
    name: string,
    args: ServiceAccountRoleArgs,
    opts?: pulumi.CustomResourceOptions,
  ): ServiceAccountRole {
    return createServiceAccountRole(name, args, this.irsa, { parent: this, ...opts });
  }

  /**
   * A namespace for an in-cluster component: Pod Security Standards labels (restricted unless a reason is
   * given), a default-deny NetworkPolicy, DNS egress and the explicit flows in `args.allow`. Always created
   * with this cluster's provider.
   */
  namespace(name: string, args: NamespaceArgs = {}, opts?: pulumi.CustomResourceOptions): PlatformNamespace {
    return createNamespace(name, args, this.provider, { parent: this, ...opts });
  }

  /**
   * Node selector and tolerations that place pods on one managed node group or Karpenter pool (with the
   * toleration when it is tainted); throws for a name the cluster has neither of.
   */
  scheduling(nodeGroup: string): Scheduling {
    if (this.nodeGroups[nodeGroup]) return schedulingFor(nodeGroup);
    const pool = this.karpenterPools[nodeGroup];
    if (pool) return schedulingFor(nodeGroup, pool.taint ?? false);
    const names = [
      ...Object.keys(this.nodeGroups),
      ...Object.keys(this.karpenterPools).map((pool) => `${pool} (Karpenter)`),
    ].sort();
    throw new Error(
      `PlatformCluster "${this.componentName}" has no node group or Karpenter pool "${nodeGroup}"; it has: ${names.join(", ")}`,
    );
  }

  /** What the cluster contributes to the platform contract. */
  contract(): pulumi.Output<PlatformClusterContract> {
    return pulumi.output({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
      clusterName: this.clusterName,
      clusterEndpoint: this.cluster.endpoint,
      kubernetesVersion: this.kubernetesVersion,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
    }) as pulumi.Output<PlatformClusterContract>;
  }
}

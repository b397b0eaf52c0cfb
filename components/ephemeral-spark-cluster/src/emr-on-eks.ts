import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterRef } from "@data-platform/platform-cluster";
import { webIdentityTrustPolicy, type PolicyDocument } from "@data-platform/aws-blocks";

/** The Kubernetes user EMR on EKS acts as (its service-linked role maps to it). */
export const emrContainersUser = "emr-containers";

/**
 * EMR on EKS names job service accounts after the role: the role name as a base-36 number.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function base36RoleName(roleName: string): string {
  const hex = Buffer.from(roleName, "utf8").toString("hex");
  return BigInt(`0x${hex}`).toString(36);
}

/**
 * Trust of an EMR on EKS job execution role: the cluster's OIDC provider, only
 * for the service accounts EMR creates in this namespace for this role. A web-identity trust (no service
 * principal): `aws:SourceAccount` does not apply, the `sub` and `aud` keys scope it.
 */
export function emrOnEksTrust(input: {
  oidcProviderArn: string;
  oidcIssuer: string;
  namespace: string;
  accountId: string;
  roleName: string;
}): PolicyDocument {
  const subject = `system:serviceaccount:${input.namespace}:emr-containers-sa-*-*-${input.accountId}-${base36RoleName(input.roleName)}`;
  return webIdentityTrustPolicy({
    oidcProviderArn: input.oidcProviderArn,
    oidcIssuer: input.oidcIssuer,
    subject,
    subjectMatch: "like",
  });
}

/** The namespace-scoped permissions EMR on EKS documents for the `emr-containers` user. */
export const emrContainersRules: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get"] },
  {
    apiGroups: [""],
    resources: ["serviceaccounts", "services", "configmaps", "events", "pods", "pods/log"],
    verbs: [
      "get",
      "list",
      "watch",
      "describe",
      "create",
      "edit",
      "delete",
      "deletecollection",
      "annotate",
      "patch",
      "label",
    ],
  },
  { apiGroups: [""], resources: ["secrets"], verbs: ["create", "patch", "delete", "watch"] },
  {
    apiGroups: ["apps"],
    resources: ["statefulsets", "deployments"],
    verbs: ["get", "list", "watch", "describe", "create", "edit", "delete", "annotate", "patch", "label"],
  },
  {
    apiGroups: ["batch"],
    resources: ["jobs"],
    verbs: ["get", "list", "watch", "describe", "create", "edit", "delete", "annotate", "patch", "label"],
  },
  {
    apiGroups: ["extensions", "networking.k8s.io"],
    resources: ["ingresses"],
    verbs: ["get", "list", "watch", "describe", "create", "edit", "delete", "annotate", "patch", "label"],
  },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["roles", "rolebindings"],
    verbs: [
      "get",
      "list",
      "watch",
      "describe",
      "create",
      "edit",
      "delete",
      "deletecollection",
      "annotate",
      "patch",
      "label",
    ],
  },
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: [
      "get",
      "list",
      "watch",
      "describe",
      "create",
      "edit",
      "delete",
      "deletecollection",
      "annotate",
      "patch",
      "label",
    ],
  },
];

export interface EmrOnEksDomain {
  namespace: string;
  virtualCluster: aws.emrcontainers.VirtualCluster;
  jobExecutionRole: aws.iam.Role;
}

/**
 * One domain's EMR on EKS: its own namespace (Pod Security baseline, default
 * deny), RBAC for EMR, a virtual cluster and a job execution role trusted only
 * for that namespace.
 */
export function createEmrOnEksDomain(
  parent: pulumi.Resource,
  prefix: string,
  input: {
    eks: ClusterRef;
    domain: string;
    roleName: string;
    accountId: pulumi.Output<string>;
    tags: Record<string, string>;
    /** EMR's access entry: the virtual cluster is created once EMR can act in the cluster. */
    accessEntry?: aws.eks.AccessEntry;
  },
): EmrOnEksDomain {
  const namespaceName = `spark-${input.domain}`;
  const namespace = input.eks.namespace(
    `${prefix}-eks`,
    {
      name: namespaceName,
      podSecurity: "baseline",
      podSecurityReason:
        "EMR on EKS creates driver and executor pods without the restricted profile's seccomp and capability settings",
      allow: {
        "spark-peers": { direction: "ingress", peers: [{ namespace: namespaceName }] },
        "spark-peers-out": { direction: "egress", peers: [{ namespace: namespaceName }] },
        // Interface endpoints in the VPC; the lake through S3's gateway endpoint, which is S3's public ranges.
        "aws-apis": {
          direction: "egress",
          peers: [{ cidr: input.eks.vpcCidr }, { cidrs: input.eks.s3Cidrs }],
          ports: [{ port: 443 }],
        },
      },
    },
    { parent },
  );
  const k8sOpts = { parent, provider: input.eks.provider, dependsOn: [namespace.namespace] };
  const role = new k8s.rbac.v1.Role(
    `${prefix}-eks-emr-role`,
    { metadata: { name: emrContainersUser, namespace: namespaceName }, rules: emrContainersRules },
    k8sOpts,
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    `${prefix}-eks-emr-binding`,
    {
      metadata: { name: emrContainersUser, namespace: namespaceName },
      subjects: [{ kind: "User", name: emrContainersUser, apiGroup: "rbac.authorization.k8s.io" }],
      roleRef: { kind: "Role", name: emrContainersUser, apiGroup: "rbac.authorization.k8s.io" },
    },
    { ...k8sOpts, dependsOn: [role] },
  );
  const virtualCluster = new aws.emrcontainers.VirtualCluster(
    `${prefix}-eks`,
    {
      name: `${input.roleName}-eks`,
      containerProvider: { id: input.eks.cluster.name, type: "EKS", info: { eksInfo: { namespace: namespaceName } } },
      tags: input.tags,
    },
    { parent, dependsOn: [role, binding, ...(input.accessEntry ? [input.accessEntry] : [])] },
  );
  const jobExecutionRole = new aws.iam.Role(
    `${prefix}-eks-job`,
    {
      name: input.roleName,
      description: `EMR on EKS job execution role of ${input.domain}`,
      assumeRolePolicy: pulumi
        .all([input.eks.oidcProviderArn, input.eks.oidcIssuer, input.accountId])
        .apply(([oidcProviderArn, oidcIssuer, accountId]) =>
          JSON.stringify(
            emrOnEksTrust({
              oidcProviderArn,
              oidcIssuer,
              namespace: namespaceName,
              accountId,
              roleName: input.roleName,
            }),
          ),
        ),
      tags: input.tags,
    },
    { parent },
  );
  return { namespace: namespaceName, virtualCluster, jobExecutionRole };
}

/**
 * EMR on EKS's service-linked role acts in the cluster as the `emr-containers` user (access entries API). The
 * role must exist first: EMR creates it only with the first virtual cluster, which waits for this entry - so
 * the component creates it (`serviceLinkedRole`) unless the account already has it.
 */
export function createEmrAccessEntry(
  parent: pulumi.Resource,
  name: string,
  eks: ClusterRef,
  partition: pulumi.Output<string>,
  accountId: pulumi.Output<string>,
  serviceLinkedRole?: aws.iam.ServiceLinkedRole,
): aws.eks.AccessEntry {
  return new aws.eks.AccessEntry(
    `${name}-emr-containers-access`,
    {
      clusterName: eks.cluster.name,
      principalArn: pulumi.interpolate`arn:${partition}:iam::${accountId}:role/AWSServiceRoleForAmazonEMRContainers`,
      userName: emrContainersUser,
      type: "STANDARD",
    },
    { parent, ...(serviceLinkedRole ? { dependsOn: [serviceLinkedRole] } : {}) },
  );
}

/** EMR on EKS's service-linked role (AWSServiceRoleForAmazonEMRContainers); kept when the stack goes, other users of EMR on EKS in the account may need it. */
export function createEmrContainersServiceLinkedRole(parent: pulumi.Resource, name: string): aws.iam.ServiceLinkedRole {
  return new aws.iam.ServiceLinkedRole(
    `${name}-emr-containers-service-linked-role`,
    { awsServiceName: "emr-containers.amazonaws.com" },
    { parent, retainOnDelete: true },
  );
}

/** Lets an orchestrator run jobs on a domain's virtual cluster with exactly its job execution role. */
export function emrOnEksLaunchStatements(
  virtualClusterArn: string,
  jobExecutionRoleArn: string,
): PolicyDocument["Statement"] {
  return [
    {
      Effect: "Allow",
      Action: [
        "emr-containers:StartJobRun",
        "emr-containers:DescribeJobRun",
        "emr-containers:CancelJobRun",
        "emr-containers:DescribeVirtualCluster",
      ],
      Resource: [virtualClusterArn, `${virtualClusterArn}/jobruns/*`],
      Condition: { ArnEqualsIfExists: { "emr-containers:ExecutionRoleArn": jobExecutionRoleArn } },
    },
  ];
}

/** IAM and KMS policy documents of the platform cluster (pure: plain strings in, JSON objects out). */

import {
  accountIamKeyUseStatement,
  cloudWatchLogsKeyStatement,
  keyPolicyDocument,
  keyStatement,
  policyDocument,
  serviceTrustPolicy,
  webIdentityTrustPolicy,
  type KeyPolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";

export {
  policyDocument,
  serviceTrustPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";

export interface AccountScope {
  partition: string;
  region: string;
  accountId: string;
}

/** The audience EKS service-account tokens carry for AWS STS. */
export { stsAudience } from "@data-platform/aws-blocks";

/**
 * Trust of an IRSA role: only the cluster's OIDC provider, only for one service account
 * (`StringEquals` on `sub`, never `StringLike`), only with the STS audience (`webIdentityTrustPolicy`).
 */
export function serviceAccountTrustPolicy(
  oidcProviderArn: string,
  oidcIssuer: string,
  namespace: string,
  serviceAccount: string,
): PolicyDocument {
  return webIdentityTrustPolicy({
    sid: "AssumeFromOneServiceAccount",
    oidcProviderArn,
    oidcIssuer,
    subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
  });
}

/**
 * Trust of the EKS cluster role: EKS, for this cluster only - EKS accepts `aws:SourceAccount` and `aws:SourceArn`
 * in a cluster role's trust ("Cross-service confused deputy prevention in Amazon EKS",
 * https://docs.aws.amazon.com/eks/latest/userguide/cross-service-confused-deputy-prevention.html).
 */
export function clusterTrustPolicy(scope: AccountScope, clusterName: string): PolicyDocument {
  return serviceTrustPolicy("eks.amazonaws.com", {
    sourceAccount: scope.accountId,
    sourceArn: `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:cluster/${clusterName}`,
  });
}

/** What a platform cluster key encrypts. */
export type KeyUsage = "eks-secrets" | "logs" | "volumes" | "images";

/** The service-linked role EC2 Auto Scaling (managed node groups) launches instances with. */
export function autoScalingServiceLinkedRoleArn(scope: AccountScope): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** EBS data-key actions (encrypt a new volume, decrypt it on attach). */
export const volumeKeyActions = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/**
 * A platform cluster key's policy: the administration statement (the account root and `administratorArns`,
 * management only), then per usage: the logs key lets CloudWatch Logs use it for this account's log groups and
 * nothing else; the secrets, volumes and images keys let the account's IAM policies govern their data use (the EKS
 * cluster role, the EBS CSI driver, Karpenter and ECR's creator name the key in their own policies); the volumes key
 * also names EC2 Auto Scaling's service-linked role (its policy cannot be extended, so the key policy must name it;
 * the role must exist before the key - see the README), with grants for AWS resources only.
 */
export function keyPolicy(scope: AccountScope, usage: KeyUsage, administratorArns: string[] = []): KeyPolicyDocument {
  const statements: PolicyStatement[] =
    usage === "logs" ? [cloudWatchLogsKeyStatement(scope, "*")] : [accountIamKeyUseStatement(scope)];
  if (usage === "volumes") {
    const autoScaling = { AWS: autoScalingServiceLinkedRoleArn(scope) };
    statements.push(
      keyStatement("AutoScalingEncryptsNodeVolumes", autoScaling, volumeKeyActions),
      keyStatement("AutoScalingGrantsForAttachedVolumes", autoScaling, "kms:CreateGrant", {
        Bool: { "kms:GrantIsForAWSResource": true },
      }),
    );
  }
  return keyPolicyDocument({ ...scope, administratorArns }, statements);
}

/** What the EKS control plane needs on the secrets key (the key policy delegates to IAM). */
export function clusterSecretsKeyPolicy(keyArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "EnvelopeEncryptionOfSecrets",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
      Resource: keyArn,
    },
  ]);
}

/**
 * What a controller that creates EBS volumes with the volumes key needs (the EBS CSI driver): data keys
 * and grants through EC2 in this region only, grants for AWS resources only.
 */
export function volumeKeyUsePolicy(scope: AccountScope, keyArn: string): PolicyDocument {
  const viaEc2 = { "kms:ViaService": `ec2.${scope.region}.amazonaws.com` };
  return policyDocument([
    {
      Sid: "EncryptVolumes",
      Effect: "Allow",
      Action: volumeKeyActions,
      Resource: keyArn,
      Condition: { StringEquals: viaEc2 },
    },
    {
      Sid: "GrantsForAttachedVolumes",
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: keyArn,
      Condition: { StringEquals: viaEc2, Bool: { "kms:GrantIsForAWSResource": true } },
    },
  ]);
}

/** Trust of the VPC flow log delivery role: the service, for this account's flow logs only. */
export function flowLogTrustPolicy(scope: AccountScope): PolicyDocument {
  return serviceTrustPolicy("vpc-flow-logs.amazonaws.com", {
    sourceAccount: scope.accountId,
    sourceArn: `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:vpc-flow-log/*`,
  });
}

/** What flow log delivery needs: write to its one log group. */
export function flowLogDeliveryPolicy(scope: AccountScope, logGroupArn: string): PolicyDocument {
  const group = logGroupArn.replace(/:\*$/, "");
  return policyDocument([
    {
      Sid: "WriteFlowLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [group, `${group}:*`],
    },
    {
      Sid: "FindLogGroups",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:*`,
    },
  ]);
}

/** AWS managed policy ARN in a partition. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Managed policies of the node role: join the cluster and pull images. The CNI gets its own IRSA role. */
export const nodeManagedPolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/** Interruption events Karpenter drains nodes for (the rules of its CloudFormation template). */
export const karpenterInterruptionEvents: Readonly<Record<string, { source: string; detailType: string }>> = {
  "scheduled-change": { source: "aws.health", detailType: "AWS Health Event" },
  "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  "instance-state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  "capacity-reservation-interruption": {
    source: "aws.ec2",
    detailType: "EC2 Capacity Reservation Instance Interruption Warning",
  },
};

/** The interruption queue admits EventBridge only, over TLS. */
export function karpenterQueuePolicy(queueArn: string): PolicyDocument {
  return policyDocument(
    [
      {
        Sid: "EventBridgeDelivers",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
      },
      {
        Sid: "DenyHTTP",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
    ],
    "EC2InterruptionPolicy",
  );
}

/**
 * The Karpenter controller's permissions, scoped to this cluster, region and account: the policies of
 * Karpenter's v1.14 getting-started CloudFormation template (aws/karpenter-provider-aws,
 * website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml, Apache-2.0).
 */
export function karpenterControllerPolicy(
  scope: AccountScope & { clusterName: string; nodeRoleArn: string; queueArn: string },
): PolicyDocument {
  const { partition: p, region: r, accountId: a, clusterName: c } = scope;
  const ec2 = (resource: string) => `arn:${p}:ec2:${r}:*:${resource}`;
  const taggedResources = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${c}`]: "owned" };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${c}`]: "owned",
    "aws:RequestTag/eks:eks-cluster-name": c,
  };
  const instanceProfiles = `arn:${p}:iam::${a}:instance-profile/*`;
  return policyDocument([
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        `arn:${p}:ec2:${r}::image/*`,
        `arn:${p}:ec2:${r}::snapshot/*`,
        ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: ec2("launch-template/*"),
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: taggedResources,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: taggedResources,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: ec2("instance/*"),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: owned,
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": c },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: scope.nodeRoleArn,
      Action: "iam:PassRole",
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: "iam:CreateInstanceProfile",
      Condition: {
        StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": r },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: "iam:TagInstanceProfile",
      Condition: {
        StringEquals: {
          ...owned,
          "aws:ResourceTag/topology.kubernetes.io/region": r,
          ...requestOwned,
          "aws:RequestTag/topology.kubernetes.io/region": r,
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Condition: {
        StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": r },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: `arn:${p}:eks:${r}:${a}:cluster/${c}`,
      Action: "eks:DescribeCluster",
    },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: scope.queueArn,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Condition: { StringEquals: { "aws:RequestedRegion": r } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: `arn:${p}:ssm:${r}::parameter/aws/service/*`,
      Action: "ssm:GetParameter",
    },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Resource: "*",
      Action: "iam:ListInstanceProfiles",
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: "iam:GetInstanceProfile",
    },
  ]);
}

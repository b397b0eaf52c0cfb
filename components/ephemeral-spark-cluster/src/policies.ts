import {
  keyPolicyDocument,
  policyDocument as document,
  serviceTrustPolicy,
  type KeyPolicyDocument,
  type PolicyDocument,
} from "@data-platform/aws-blocks";
import { tagKeys } from "@data-platform/conventions";

/** Trust of a role assumed by an AWS service from this account. */
export function serviceTrust(services: string[], accountId: string): PolicyDocument {
  return serviceTrustPolicy(services, { sourceAccount: accountId });
}

/** EC2 instances of EMR clusters assume the instance role (EC2 sends no source account). */
export function ec2Trust(): PolicyDocument {
  return serviceTrustPolicy("ec2.amazonaws.com", "no-source-conditions");
}

/** Pull the domain's images: repositories under `<prefix>-<stage>/<domain>/`. */
export function ecrPullPolicy(
  region: string,
  accountId: string,
  repositoryPrefix: string,
  partition = "aws",
): PolicyDocument {
  return document([
    // GetAuthorizationToken has no resource-level scope.
    { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: `arn:${partition}:ecr:${region}:${accountId}:repository/${repositoryPrefix}*`,
    },
  ]);
}

/**
 * What EMR documents for a key user of a local-disk/EBS key: use of the key, and grants only for AWS resources
 * (EBS attaches the volumes through a grant). https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html
 * (key users: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-users)
 */
export const diskKeyUserActions = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];
export const diskKeyGrantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];
const forAwsResources = { Bool: { "kms:GrantIsForAWSResource": true } };

/** Local-disk and EBS encryption with the EMR disk key (the instance roles: EMR's documented key-user permissions). */
export function diskKeyUsePolicy(keyArn: string): PolicyDocument {
  return document([
    { Effect: "Allow", Action: diskKeyUserActions, Resource: keyArn },
    { Effect: "Allow", Action: diskKeyGrantActions, Resource: keyArn, Condition: forAwsResources },
  ]);
}

/** The EMR service role may pass only the instance roles of the platform's Spark clusters to EC2. */
export function servicePassRolePolicy(instanceRoleArns: string[]): PolicyDocument {
  return document([
    {
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: instanceRoleArns,
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
  ]);
}

/**
 * Key policy of the disk key: administrators manage it; account roles use it only as their IAM policies allow
 * (the instance roles); the EMR service role - which launches the instances with encrypted EBS volumes, and
 * whose managed policy has no KMS permission - is a key user by name, as EMR documents for EBS encryption.
 */
export function diskKeyPolicy(
  partition: string,
  accountId: string,
  administratorArns: string[],
  emrServiceRoleArn?: string,
): KeyPolicyDocument {
  return keyPolicyDocument({ partition, accountId, administratorArns }, [
    {
      Sid: "KeyUseByAccountRolesWithIamPermission",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: [...diskKeyUserActions, ...diskKeyGrantActions],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId } },
    },
    ...(emrServiceRoleArn
      ? [
          {
            Sid: "KeyUseByEmrServiceRole",
            Effect: "Allow" as const,
            Principal: { AWS: emrServiceRoleArn },
            Action: diskKeyUserActions,
            Resource: "*",
          },
          {
            Sid: "GrantsForAwsResourcesByEmrServiceRole",
            Effect: "Allow" as const,
            Principal: { AWS: emrServiceRoleArn },
            Action: diskKeyGrantActions,
            Resource: "*",
            Condition: forAwsResources,
          },
        ]
      : []),
  ]);
}

export interface LaunchGrantInput {
  partition: string;
  region: string;
  accountId: string;
  domain: string;
  templateParameterArn: string;
  /** Roles the launcher may pass: the shared EMR service and autoscaling roles and the domain's own roles. */
  passableRoleArns: { emr: string[]; ec2: string[] };
}

export const domainTagKey = tagKeys.domain;

/**
 * What an orchestrator needs to launch and drive a domain's ephemeral clusters:
 * EMR actions limited by tag to the domain's clusters, PassRole on exactly the
 * domain's roles, and the template.
 */
export function launchPolicy(input: LaunchGrantInput): PolicyDocument {
  const clusters = `arn:${input.partition}:elasticmapreduce:${input.region}:${input.accountId}:cluster/*`;
  return document([
    {
      Sid: "LaunchTaggedForDomain",
      Effect: "Allow",
      Action: "elasticmapreduce:RunJobFlow",
      Resource: clusters,
      Condition: { StringEquals: { [`aws:RequestTag/${domainTagKey}`]: input.domain } },
    },
    {
      // Tagging at launch, or a cluster already the domain's: never re-tagging another domain's cluster into
      // this one (which would open it to the steps below).
      Sid: "TagOwnClusters",
      Effect: "Allow",
      Action: "elasticmapreduce:AddTags",
      Resource: clusters,
      Condition: {
        StringEquals: { [`aws:RequestTag/${domainTagKey}`]: input.domain },
        StringEqualsIfExists: { [`aws:ResourceTag/${domainTagKey}`]: input.domain },
      },
    },
    {
      Sid: "DriveDomainClusters",
      Effect: "Allow",
      Action: [
        "elasticmapreduce:DescribeCluster",
        "elasticmapreduce:AddJobFlowSteps",
        "elasticmapreduce:DescribeStep",
        "elasticmapreduce:ListSteps",
        "elasticmapreduce:CancelSteps",
        "elasticmapreduce:ListInstanceFleets",
        "elasticmapreduce:TerminateJobFlows",
      ],
      Resource: clusters,
      Condition: { StringEquals: { [`aws:ResourceTag/${domainTagKey}`]: input.domain } },
    },
    {
      Sid: "PassEmrRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: input.passableRoleArns.emr,
      Condition: { StringEquals: { "iam:PassedToService": "elasticmapreduce.amazonaws.com" } },
    },
    {
      Sid: "PassInstanceRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: input.passableRoleArns.ec2,
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    { Sid: "ReadTemplate", Effect: "Allow", Action: "ssm:GetParameter", Resource: input.templateParameterArn },
  ]);
}

/** Lets an orchestrator run jobs on the domain's EMR Serverless application, passing only the domain's runtime role. */
export function serverlessLaunchPolicy(applicationArn: string, runtimeRoleArn: string): PolicyDocument {
  return document([
    {
      Effect: "Allow",
      Action: [
        "emr-serverless:StartJobRun",
        "emr-serverless:GetJobRun",
        "emr-serverless:CancelJobRun",
        "emr-serverless:GetApplication",
        "emr-serverless:StartApplication",
      ],
      Resource: [applicationArn, `${applicationArn}/jobruns/*`],
    },
    {
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: runtimeRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
    },
  ]);
}

/**
 * IAM and KMS policy documents shared by every component: the document types, and the key-administration
 * statement every customer-managed key policy starts with. Pure: plain strings in, JSON objects out.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: string | Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Id?: string;
  Statement: PolicyStatement[];
}

/** An IAM policy document of `statements`, with its `Id` when given (SQS queue policies carry one). */
export function policyDocument(statements: PolicyStatement[], id?: string): PolicyDocument {
  return id === undefined
    ? { Version: "2012-10-17", Statement: statements }
    : { Version: "2012-10-17", Id: id, Statement: statements };
}

/** The partition and account a policy names (`arn:<partition>:iam::<accountId>:root`). */
export interface AccountPartition {
  partition: string;
  accountId: string;
}

export function accountRootArn(account: AccountPartition): string {
  return `arn:${account.partition}:iam::${account.accountId}:root`;
}

/**
 * Key administration without data use: what a key policy gives its administrators. `kms:CreateAlias`, not KMS's
 * default `kms:Create*`: that pattern also matches `kms:CreateGrant`, and a grant an administrator gives itself is
 * data use. Administrators create grants only for AWS resources (`keyAdministrationGrantStatement`).
 */
export const keyAdministrationActions = [
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/**
 * The key-policy statement that lets administrators manage a key (never use it): the named administrators
 * (the deploying role and `lake.adminRoleArns`), and the account root - KMS's default key policy guidance
 * ("Allows access to the AWS account and enables IAM policies",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam):
 * any principal of the account whose IAM policy allows these actions may manage the key, so a second deploy
 * role can update the policy and deleting the role that created the key does not leave it unmanageable.
 * Data use (Encrypt/Decrypt/GenerateDataKey) is not delegated to IAM: it stays with each key's own statements.
 */
export function keyAdministrationStatement(administratorArns: string[], account: AccountPartition): PolicyStatement {
  const accountRoot = accountRootArn(account);
  return {
    Sid: "KeyAdministration",
    Effect: "Allow",
    Principal: { AWS: [accountRoot, ...administratorArns.filter((arn) => arn !== accountRoot)] },
    Action: [...keyAdministrationActions],
    Resource: "*",
  };
}

/**
 * Data use of a key (and the grants AWS services create for its users): what `accountIamKeyUseStatement` delegates
 * to the account's IAM policies. No management action: those stay with `keyAdministrationStatement`.
 */
export const keyUseActions = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:RetireGrant",
];

/**
 * The key-policy statement that lets the account's IAM policies decide who uses a key (the data-use half of KMS's
 * default key policy, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam):
 * for keys whose every user is an IAM role of the account that names the key in its own policy (the platform
 * cluster's secrets and volumes keys, the notebook images key). Management stays with the administration statement.
 */
export function accountIamKeyUseStatement(account: AccountPartition): PolicyStatement {
  return keyStatement("KeyUseGovernedByIam", { AWS: accountRootArn(account) }, [...keyUseActions]);
}

/**
 * A key-policy statement: `principal` may do `actions` on this key (`Resource: "*"` is the key itself in a key
 * policy), under `condition` when given.
 */
export function keyStatement(
  sid: string,
  principal: Record<string, string | string[]>,
  actions: string | string[],
  condition?: PolicyStatement["Condition"],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: principal,
    Action: actions,
    Resource: "*",
    ...(condition ? { Condition: condition } : {}),
  };
}

/** Who administers a key: the account root (management actions only) and the named administrators. */
export type KeyAdministration = { administratorArns: string[] } & AccountPartition;

declare const keyPolicyBrand: unique symbol;

/** A key policy that starts with its administration statement: only `keyPolicyDocument` makes one. */
export type KeyPolicyDocument = PolicyDocument & { readonly [keyPolicyBrand]: true };

/**
 * A key policy: the administration statement first (so no key is ever left without one), then the key's own
 * use statements.
 */
export function keyPolicyDocument(administration: KeyAdministration, statements: PolicyStatement[]): KeyPolicyDocument {
  return policyDocument([
    keyAdministrationStatement(administration.administratorArns, administration),
    keyAdministrationGrantStatement(administration.administratorArns, administration),
    ...statements,
  ]) as KeyPolicyDocument;
}

/**
 * The administrators' grants, for AWS resources only (`kms:GrantIsForAWSResource`): what a service integrated with
 * KMS creates on behalf of the principal that creates its resource with the key (an EKS cluster's secrets, a Redshift
 * namespace, EBS volumes, an ECR repository, an MWAA environment), as in KMS's default key policy
 * ("Allows key users to use the KMS key with AWS services",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration).
 * A grant to an administrator's own identity is refused, so administration never becomes data use.
 */
export function keyAdministrationGrantStatement(
  administratorArns: string[],
  account: AccountPartition,
): PolicyStatement {
  const accountRoot = accountRootArn(account);
  return keyStatement(
    "KeyAdministrationGrantsForAwsResources",
    { AWS: [accountRoot, ...administratorArns.filter((arn) => arn !== accountRoot)] },
    "kms:CreateGrant",
    { Bool: { "kms:GrantIsForAWSResource": "true" } },
  );
}

/**
 * The key-policy statement that lets CloudWatch Logs in this region encrypt log groups of this account with the key:
 * `logGroup` is a name (`ArnEquals`, one group) or a name pattern ending in `*` (`ArnLike`), as in CloudWatch Logs'
 * "Encrypt log data using AWS KMS" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function cloudWatchLogsKeyStatement(
  scope: AccountPartition & { region: string },
  logGroup: string,
): PolicyStatement {
  const arn = `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroup}`;
  const logsActions = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
  ];
  return keyStatement("KeyUseByCloudWatchLogs", { Service: `logs.${scope.region}.amazonaws.com` }, logsActions, {
    [logGroup.endsWith("*") ? "ArnLike" : "ArnEquals"]: { "kms:EncryptionContext:aws:logs:arn": arn },
  });
}

/**
 * Pure builders of the lake's IAM, bucket and key policy documents. They take
 * plain strings (resolved ARNs) so they can be tested without mocks; the
 * component calls them inside `pulumi.all(...).apply(...)` to build inputs only.
 */

import {
  cloudWatchLogsKeyStatement,
  keyPolicyDocument,
  policyDocument as document,
  serviceTrustPolicy,
  type KeyPolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";
import { tagKeys } from "@data-platform/conventions";

export {
  keyAdministrationActions,
  keyAdministrationStatement,
  policyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";

export const domainTagKey = tagKeys.domain;
/**
 * Roles tagged `data-platform:lake-reader=true` are query engines that read S3 directly
 * (no Lake Formation credential vending, e.g. open-source Trino): domain keys and buckets
 * let them read - only read - what their IAM policies allow.
 */
export const lakeReaderTagKey = "data-platform:lake-reader";

const objectDataActions = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
];

export interface BucketPolicyInput {
  bucketArn: string;
  /**
   * When set, object reads and writes are denied to every principal that is not
   * tagged with this domain, except `trustedPrincipalArns` (the Lake Formation
   * registration role that vends credentials for granted readers).
   */
  isolateToDomain?: string;
  trustedPrincipalArns?: string[];
  /** For the access-log bucket: let S3 server access logging write, from this account's buckets only. */
  allowAccessLogDelivery?: { accountId: string; sourceBucketArnPrefix: string };
}

/** Bucket policy: TLS only, optional domain isolation, optional log delivery. */
export function bucketPolicy(input: BucketPolicyInput): PolicyDocument {
  const objects = `${input.bucketArn}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [input.bucketArn, objects],
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  ];
  if (input.isolateToDomain) {
    const outsideDomain = { [`aws:PrincipalTag/${domainTagKey}`]: input.isolateToDomain };
    const trusted = { "aws:PrincipalArn": input.trustedPrincipalArns ?? [] };
    statements.push(
      {
        Sid: "DenyObjectWritesOutsideDomain",
        Effect: "Deny",
        Principal: "*",
        Action: objectDataActions.filter((action) => !action.startsWith("s3:Get")),
        Resource: objects,
        Condition: { StringNotEquals: outsideDomain, ArnNotEquals: trusted },
      },
      {
        Sid: "DenyObjectReadsOutsideDomainAndReaders",
        Effect: "Deny",
        Principal: "*",
        Action: objectDataActions.filter((action) => action.startsWith("s3:Get")),
        Resource: objects,
        Condition: {
          StringNotEquals: { ...outsideDomain, [`aws:PrincipalTag/${lakeReaderTagKey}`]: "true" },
          ArnNotEquals: trusted,
        },
      },
    );
  }
  if (input.allowAccessLogDelivery) {
    statements.push({
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringEquals: { "aws:SourceAccount": input.allowAccessLogDelivery.accountId },
        ArnLike: { "aws:SourceArn": `${input.allowAccessLogDelivery.sourceBucketArnPrefix}*` },
      },
    });
  }
  return document(statements);
}

export interface KeyPolicyInput {
  partition: string;
  region: string;
  accountId: string;
  /** Roles that administer the key (management actions, no data use). */
  administratorArns: string[];
  /** Roles that use the key by ARN (the Lake Formation registration role). */
  userArns: string[];
  /**
   * Domain keys: any role of the account tagged with this domain may use the key
   * (its IAM policy must allow it too). Central keys: any role of the account whose
   * IAM policy allows it, through S3 only.
   */
  domain?: string;
}

const keyUse = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:DescribeKey",
];

/** Key policy: administrators, named users, tagged domain roles through S3, and CloudWatch Logs. */
export function keyPolicy(input: KeyPolicyInput): KeyPolicyDocument {
  const accountRoot = `arn:${input.partition}:iam::${input.accountId}:root`;
  const statements: PolicyStatement[] = [];
  if (input.userArns.length > 0) {
    statements.push({
      Sid: "KeyUseByLakeRoles",
      Effect: "Allow",
      Principal: { AWS: input.userArns },
      Action: keyUse,
      Resource: "*",
    });
  }
  // The central key also encrypts the Glue Data Catalog, so it is usable through Glue too; a domain key
  // also encrypts the domain's Airflow environment (its queues are SQS) and the domain's secrets.
  const services = input.domain
    ? [
        `s3.${input.region}.amazonaws.com`,
        `sqs.${input.region}.amazonaws.com`,
        `secretsmanager.${input.region}.amazonaws.com`,
      ]
    : [`s3.${input.region}.amazonaws.com`, `glue.${input.region}.amazonaws.com`];
  const viaS3 = { "kms:ViaService": services, "kms:CallerAccount": input.accountId };
  statements.push(
    input.domain
      ? {
          Sid: "KeyUseByDomainRolesThroughServices",
          Effect: "Allow",
          Principal: { AWS: accountRoot },
          Action: keyUse,
          Resource: "*",
          Condition: { StringEquals: { ...viaS3, [`aws:PrincipalTag/${domainTagKey}`]: input.domain } },
        }
      : {
          Sid: "KeyUseByPlatformRolesThroughS3AndGlue",
          Effect: "Allow",
          Principal: { AWS: accountRoot },
          Action: keyUse,
          Resource: "*",
          Condition: { StringEquals: viaS3 },
        },
    ...(input.domain
      ? [
          {
            // The deploying role writes a few objects into domain buckets (the DAG bucket's README; the domain
            // stack's DAGs when its role is an administrator): encrypt through S3, never decrypt.
            Sid: "KeyEncryptByAdministratorsThroughS3",
            Effect: "Allow" as const,
            Principal: { AWS: input.administratorArns },
            Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: {
              StringEquals: {
                "kms:ViaService": `s3.${input.region}.amazonaws.com`,
                "kms:CallerAccount": input.accountId,
              },
            },
          },
          {
            Sid: "KeyDecryptByLakeReadersThroughS3",
            Effect: "Allow" as const,
            Principal: { AWS: accountRoot },
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: {
              StringEquals: {
                "kms:ViaService": `s3.${input.region}.amazonaws.com`,
                "kms:CallerAccount": input.accountId,
                [`aws:PrincipalTag/${lakeReaderTagKey}`]: "true",
              },
            },
          },
        ]
      : []),
    cloudWatchLogsKeyStatement(input, "*"),
  );
  return keyPolicyDocument(input, statements);
}

/** Trust policy of the Lake Formation registration role. */
export function lakeFormationTrustPolicy(accountId: string): PolicyDocument {
  return serviceTrustPolicy("lakeformation.amazonaws.com", {
    sourceAccount: accountId,
    actions: ["sts:AssumeRole", "sts:SetContext", "sts:SetSourceIdentity"],
  });
}

export type AccessLevel = "read" | "write";

/** S3 object actions of each access level; the write level is read plus these (`storageStatements`). */
export const objectReadActions = ["s3:GetObject", "s3:GetObjectVersion"];
export const objectWriteOnlyActions = [
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
];
/** Every object action of the write level: what a writer of a zone (or a registered location) does. */
export const objectWriteActions = [...objectReadActions, ...objectWriteOnlyActions];

export interface StorageAccessInput {
  bucketArn: string;
  /** Limit object access to this prefix (e.g. `events/`). */
  prefix?: string;
  keyArn: string;
  region: string;
  level: AccessLevel;
}

/** S3 and KMS statements for one bucket and its key (KMS only through S3). */
export function storageStatements(input: StorageAccessInput): PolicyStatement[] {
  const prefix = (input.prefix ?? "").replace(/^\/+|\/+$/g, "");
  const objects = prefix ? `${input.bucketArn}/${prefix}/*` : `${input.bucketArn}/*`;
  const read = objectReadActions;
  const write = objectWriteOnlyActions;
  const list: PolicyStatement = {
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
    Resource: input.bucketArn,
  };
  if (prefix) list.Condition = { StringLike: { "s3:prefix": [`${prefix}/*`, prefix] } };
  return [
    list,
    { Effect: "Allow", Action: input.level === "write" ? [...read, ...write] : read, Resource: objects },
    {
      Effect: "Allow",
      Action:
        input.level === "write"
          ? ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
          : ["kms:Decrypt", "kms:DescribeKey"],
      Resource: input.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    },
  ];
}

/**
 * What Lake Formation's registration role does on the registered locations (the write level of
 * `storageStatements`), with every bucket listed once in three statements, so the role's inline policy stays
 * within IAM's 10,240 characters as domains are added (about 115 characters a location: some 44 domains with
 * two zones each).
 */
export function registrationStorageStatements(input: {
  bucketArns: string[];
  region: string;
  accountId: string;
  partition: string;
}): PolicyStatement[] {
  const buckets = [...new Set(input.bucketArns)].sort();
  return [
    { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: buckets },
    {
      Effect: "Allow",
      Action: objectWriteActions,
      Resource: buckets.map((bucket) => `${bucket}/*`),
    },
    {
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      // Listing every domain key would pass the budget at about 30 domains: the account's keys, through S3 only.
      // Each domain key's policy admits this role by name; keys that delegate to IAM are used only via S3.
      Resource: `arn:${input.partition}:kms:${input.region}:${input.accountId}:key/*`,
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    },
  ];
}

export interface CatalogAccessInput {
  /** Key encrypting the Data Catalog: readers of catalog metadata decrypt through Glue. */
  catalogKeyArn: string;
  partition: string;
  region: string;
  accountId: string;
  databases: string[];
  /** Tables the access is limited to (every table of the databases when absent). */
  tables?: string[];
  level: AccessLevel;
}

/** Glue catalog statements for some databases (and their tables), plus Lake Formation data access. */
export function catalogStatements(input: CatalogAccessInput): PolicyStatement[] {
  const base = `arn:${input.partition}:glue:${input.region}:${input.accountId}`;
  const tables = input.databases.flatMap((database) =>
    (input.tables ?? ["*"]).map((table) => `${base}:table/${database}/${table}`),
  );
  const resources = [
    `${base}:catalog`,
    ...input.databases.map((database) => `${base}:database/${database}`),
    ...tables,
  ];
  const read = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetTableVersions",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
  ];
  const write = [
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
  ];
  return [
    { Effect: "Allow", Action: input.level === "write" ? [...read, ...write] : read, Resource: resources },
    {
      Effect: "Allow",
      Action: input.level === "write" ? ["kms:Decrypt", "kms:GenerateDataKey"] : "kms:Decrypt",
      Resource: input.catalogKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `glue.${input.region}.amazonaws.com` } },
    },
    // Lake Formation vends credentials for registered locations; this action has no resource-level scope.
    { Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
  ];
}

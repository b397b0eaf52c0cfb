/**
 * Pure builders of the package's key, trust and identity policy documents. They take
 * plain strings (resolved ARNs), so they are tested without mocks; the components call
 * them inside `apply` to build inputs only.
 */
import {
  cloudWatchLogsKeyStatement,
  keyPolicyDocument,
  serviceTrustPolicy,
  type KeyPolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";

/** What a service needs of a key it encrypts with on a caller's behalf (it creates grants for itself). */
export const serviceKeyUse = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RetireGrant",
];

export interface ServiceKeyPolicyInput {
  partition: string;
  region: string;
  accountId: string;
  /** Roles that manage the key (no data use). */
  administratorArns: string[];
  /**
   * Service endpoint prefixes (`redshift-serverless`, `ec2`...) through which this account's
   * principals may use the key, as far as their own IAM policies allow.
   */
  services: string[];
  /** Log group name prefix CloudWatch Logs may encrypt with the key (`/aws/redshift/dp-prod-warehouse/`). */
  logGroupPrefix?: string;
}

/**
 * Key policy of a component key: administrators manage it; principals of the account use it
 * only through the named services (and only if their IAM policies allow it); CloudWatch Logs
 * encrypts the named log groups. No principal gets direct data use.
 */
export function serviceKeyPolicy(input: ServiceKeyPolicyInput): KeyPolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "KeyUseThroughServices",
      Effect: "Allow",
      Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
      Action: serviceKeyUse,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": input.services.map((service) => `${service}.${input.region}.amazonaws.com`),
          "kms:CallerAccount": input.accountId,
        },
      },
    },
  ];
  if (input.logGroupPrefix) {
    statements.push(cloudWatchLogsKeyStatement(input, `${input.logGroupPrefix}*`));
  }
  return keyPolicyDocument(input, statements);
}

/**
 * Trust of a role that Redshift or EC2 assumes (Redshift's IAM role, an EC2 instance role): both are on
 * `sourceConditionExceptions` (no `aws:SourceAccount` in their trust; see its sources).
 */
export function serviceTrust(services: string[]): PolicyDocument {
  return serviceTrustPolicy(services, "no-source-conditions");
}

/**
 * Pure builders of the importer's IAM documents (resolved strings in, documents
 * out), tested without mocks.
 */
import { policyDocument as document, type PolicyDocument, type PolicyStatement } from "@data-platform/aws-blocks";

const unique = (values: string[]) => [...new Set(values)].sort();

/** The ARN of an SSM parameter from its name (`/dp/prod/...`). */
export function parameterArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, "")}`;
}

export interface DomainImportPolicyInput {
  region: string;
  /** The domain's job definitions. */
  jobParameterArns: string[];
  /** The secrets of the domain's database sources, with their customer keys when they have one. */
  secrets: { arn: string; keyArn?: string }[];
  /** Landing prefixes (`events/<source>/`) of the event sources the domain collects. */
  landing?: { bucketArn: string; keyArn: string; prefixes: string[] };
}

/**
 * What a domain's Spark instance role needs to run its imports, in one document per
 * domain (the role's inline policies share a 10,240-character budget): its job
 * definitions, exactly its sources' secrets (keys only through Secrets Manager and
 * only for those secrets), and reading exactly the landing prefixes it collects.
 */
export function domainImportPolicy(input: DomainImportPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "ReadImportJobs", Effect: "Allow", Action: "ssm:GetParameter", Resource: unique(input.jobParameterArns) },
  ];
  if (input.secrets.length > 0) {
    statements.push({
      Sid: "ReadSourceSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: unique(input.secrets.map((secret) => secret.arn)),
    });
    const byKey = new Map<string, string[]>();
    for (const secret of input.secrets)
      if (secret.keyArn) byKey.set(secret.keyArn, [...(byKey.get(secret.keyArn) ?? []), secret.arn]);
    [...byKey.keys()].sort().forEach((keyArn, index) => {
      statements.push({
        Sid: `DecryptSourceSecretsWithKey${index + 1}`,
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: {
          StringEquals: {
            "kms:ViaService": `secretsmanager.${input.region}.amazonaws.com`,
            "kms:EncryptionContext:SecretARN": unique(byKey.get(keyArn)!),
          },
        },
      });
    });
  }
  if (input.landing && input.landing.prefixes.length > 0) {
    const prefixes = unique(input.landing.prefixes.map((prefix) => prefix.replace(/^\/+|\/+$/g, "")));
    statements.push(
      {
        Sid: "ListCollectedEvents",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: input.landing.bucketArn,
        Condition: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}/*`) } },
      },
      {
        Sid: "ReadCollectedEvents",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: prefixes.map((prefix) => `${input.landing!.bucketArn}/${prefix}/*`),
      },
      {
        Sid: "LandingKeyThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: input.landing.keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
      },
    );
  }
  return document(statements);
}

/** Lets an orchestrator read a domain's job definitions (nothing else: launching is EphemeralSparkCluster.grantLaunch). */
export function readJobsPolicy(jobParameterArns: string[]): PolicyDocument {
  return document([
    { Sid: "ReadImportJobs", Effect: "Allow", Action: "ssm:GetParameter", Resource: unique(jobParameterArns) },
  ]);
}

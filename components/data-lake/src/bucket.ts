import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketPolicy, type BucketPolicyInput } from "./policies";

/** What a lake bucket keeps and for how long. */
export type RetentionProfile =
  /** Raw files: current objects expire. */
  | { kind: "expiring"; expirationDays: number }
  /** Curated tables: kept, moved to Intelligent-Tiering. */
  | { kind: "tiered"; intelligentTieringAfterDays: number }
  /** Logs and artifacts: kept `expirationDays` under `logPrefix` (or everywhere). */
  | { kind: "logs"; expirationDays: number; logPrefix?: string };

export interface LakeBucketArgs {
  /** Physical bucket name (globally unique). */
  bucketName: pulumi.Input<string>;
  /**
   * Customer-managed key for SSE-KMS with a bucket key. Undefined only for the
   * access-log bucket: S3 delivers server access logs only to SSE-S3 buckets.
   */
  kmsKeyArn?: pulumi.Input<string>;
  /** Versioning on. @default true */
  versioning?: boolean;
  retention: RetentionProfile;
  noncurrentVersionExpirationDays: number;
  abortIncompleteMultipartUploadDays: number;
  /** Bucket receiving this bucket's server access logs; undefined for the log bucket itself. */
  accessLogBucket?: pulumi.Input<string>;
  /** Extra statements of the bucket policy (domain isolation, log delivery). TLS-only is always on. */
  policy?: pulumi.Input<Omit<BucketPolicyInput, "bucketArn">>;
  protect: boolean;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * One S3 bucket with every control the lake requires: SSE-KMS with a bucket key,
 * all public access blocked, ACLs disabled, TLS-only policy, versioning, access
 * logging and lifecycle rules.
 */
export class LakeBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: LakeBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    // Tags recorded on the component too, so plans group its children by domain.
    super("data-platform:lake:LakeBucket", name, { tags: args.tags }, opts);
    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    const child = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: false, tags: args.tags }, stateful);
    const bucket = this.bucket.bucket;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          args.kmsKeyArn
            ? {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: args.versioning === false ? "Suspended" : "Enabled" } },
      child,
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: pulumi
          .all([this.bucket.arn, pulumi.output(args.policy ?? {})])
          .apply(([arn, extra]) => JSON.stringify(bucketPolicy({ ...extra, bucketArn: arn }))),
      },
      // The public access block must exist first so the policy is checked against it.
      { parent: this, dependsOn: [publicAccess] },
    );
    if (args.accessLogBucket !== undefined) {
      new aws.s3.BucketLogging(
        `${name}-access-logs`,
        {
          bucket,
          targetBucket: args.accessLogBucket,
          targetPrefix: pulumi.interpolate`${bucket}/`,
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        child,
      );
    }
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket, rules: lifecycleRules(args) },
      // Rules on noncurrent versions need versioning configured first.
      { parent: this, dependsOn: [versioning] },
    );

    this.name = bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}

/** The lifecycle rules of a bucket (pure, so tests can read them directly). */
export function lifecycleRules(
  args: Pick<LakeBucketArgs, "retention" | "noncurrentVersionExpirationDays" | "abortIncompleteMultipartUploadDays">,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const housekeeping: aws.types.input.s3.BucketLifecycleConfigurationRule = {
    id: "housekeeping",
    status: "Enabled",
    filter: { prefix: "" },
    noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteMultipartUploadDays },
  };
  const retention = args.retention;
  switch (retention.kind) {
    case "expiring":
      return [
        housekeeping,
        {
          id: "expire-landed-files",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: retention.expirationDays },
        },
      ];
    case "tiered":
      return [
        housekeeping,
        {
          id: "intelligent-tiering",
          status: "Enabled",
          filter: { prefix: "" },
          transitions: [{ days: retention.intelligentTieringAfterDays, storageClass: "INTELLIGENT_TIERING" }],
        },
      ];
    case "logs":
      return [
        housekeeping,
        {
          id: "expire-logs",
          status: "Enabled",
          filter: { prefix: retention.logPrefix ?? "" },
          expiration: { days: retention.expirationDays },
        },
      ];
  }
}

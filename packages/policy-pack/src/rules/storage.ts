import * as aws from "@pulumi/aws";
import {
  validateResourceOfType,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { asArray, get, parseDocument, statements, typeOf } from "../util";

const bucketTypes = new Set([typeOf(aws.s3.Bucket), typeOf(aws.s3.BucketV2)]);

/** The resources of `type` that depend on `resource` (how a control is linked to its bucket). */
function dependents(resources: PolicyResource[], resource: PolicyResource, type: string): PolicyResource[] {
  return resources.filter(
    (candidate) =>
      candidate.type === type && candidate.dependencies.some((dependency) => dependency.urn === resource.urn),
  );
}

function deniesInsecureTransport(policy: unknown): boolean {
  return statements(parseDocument(policy)).some((statement) => {
    if (statement.Effect !== "Deny") return false;
    const actions = asArray(statement.Action);
    const secureTransport = get(statement.Condition, "Bool.aws:SecureTransport");
    return (
      (actions.includes("s3:*") || actions.includes("*")) && (secureTransport === false || secureTransport === "false")
    );
  });
}

export const s3PublicAccessBlock: ResourceValidationPolicy = {
  name: "s3-public-access-block-all-flags",
  description: "[S3.1/S3.8] A bucket's public access block turns on all four flags.",
  validateResource: validateResourceOfType(aws.s3.BucketPublicAccessBlock, (block, _args, report) => {
    const off = (["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).filter(
      (flag) => block[flag] !== true,
    );
    if (off.length > 0) report(`public access block flags not on: ${off.join(", ")}`);
  }),
};

export const s3OwnershipEnforced: ResourceValidationPolicy = {
  name: "s3-acls-disabled",
  description: "[S3.2/S3.3/S3.6/S3.12] Bucket ACLs are disabled (object ownership BucketOwnerEnforced).",
  validateResource: validateResourceOfType(aws.s3.BucketOwnershipControls, (controls, _args, report) => {
    if (controls.rule?.objectOwnership !== "BucketOwnerEnforced")
      report(`objectOwnership is ${controls.rule?.objectOwnership ?? "unset"}, expected BucketOwnerEnforced`);
  }),
};

export const s3TlsOnly: ResourceValidationPolicy = {
  name: "s3-bucket-policy-tls-only",
  description: "[S3.5] Bucket policies deny requests where aws:SecureTransport is false.",
  validateResource: validateResourceOfType(aws.s3.BucketPolicy, (policy, _args, report) => {
    if (!deniesInsecureTransport(policy.policy))
      report("the bucket policy has no Deny of s3:* when aws:SecureTransport is false");
  }),
};

export const s3Versioning: ResourceValidationPolicy = {
  name: "s3-versioning-enabled",
  description: "[S3.14] Bucket versioning is enabled.",
  validateResource: validateResourceOfType(aws.s3.BucketVersioning, (versioning, _args, report) => {
    if (versioning.versioningConfiguration?.status !== "Enabled")
      report(`versioning status is ${versioning.versioningConfiguration?.status ?? "unset"}`);
  }),
};

export const s3EncryptionCustomerKey: ResourceValidationPolicy = {
  name: "s3-sse-kms-customer-key",
  description:
    "[S3.17] Default encryption is SSE-KMS with a customer key and a bucket key (SSE-S3 only on server access log buckets, which S3 requires).",
  validateResource: validateResourceOfType(
    aws.s3.BucketServerSideEncryptionConfiguration,
    (encryption, _args, report) => {
      for (const rule of asArray(encryption.rules)) {
        const byDefault = rule.applyServerSideEncryptionByDefault;
        if (byDefault?.sseAlgorithm === "AES256") continue; // checked against log targets by s3-every-bucket-governed
        if (byDefault?.sseAlgorithm !== "aws:kms" && byDefault?.sseAlgorithm !== "aws:kms:dsse")
          report(`sseAlgorithm is ${byDefault?.sseAlgorithm ?? "unset"}, expected aws:kms`);
        else if (!byDefault.kmsMasterKeyId)
          report("SSE-KMS without kmsMasterKeyId uses the AWS managed key, not a customer key");
        else if (rule.bucketKeyEnabled !== true)
          report("bucketKeyEnabled is off (every object request would call KMS)");
      }
    },
  ),
};

export const s3EveryBucketGoverned: StackValidationPolicy = {
  name: "s3-every-bucket-governed",
  description:
    "[S3.1/S3.5/S3.8/S3.9/S3.13/S3.14/S3.17] Every bucket has a public access block, ACLs disabled, default encryption (SSE-KMS; SSE-S3 only for server access log targets), a TLS-only policy, versioning, access logging (except log targets) and lifecycle rules - linked through dependencies.",
  validateStack: (args, report) => {
    const loggingTargets = new Set(
      args.resources
        .filter((resource) => resource.type === typeOf(aws.s3.BucketLogging))
        .map((resource) => resource.props["targetBucket"] as string),
    );
    for (const bucket of args.resources.filter((resource) => bucketTypes.has(resource.type))) {
      const name = bucket.props["bucket"] as string | undefined;
      const isLogTarget = name !== undefined && loggingTargets.has(name);
      const missing: string[] = [];
      const one = (type: string) => dependents(args.resources, bucket, type);
      if (one(typeOf(aws.s3.BucketPublicAccessBlock)).length === 0) missing.push("public access block");
      if (one(typeOf(aws.s3.BucketOwnershipControls)).length === 0) missing.push("ownership controls");
      if (one(typeOf(aws.s3.BucketVersioning)).length === 0) missing.push("versioning");
      if (one(typeOf(aws.s3.BucketLifecycleConfiguration)).length === 0) missing.push("lifecycle rules");
      if (!one(typeOf(aws.s3.BucketPolicy)).some((policy) => deniesInsecureTransport(policy.props["policy"])))
        missing.push("TLS-only bucket policy");
      if (!isLogTarget && one(typeOf(aws.s3.BucketLogging)).length === 0) missing.push("server access logging");
      const encryption = one(typeOf(aws.s3.BucketServerSideEncryptionConfiguration));
      if (encryption.length === 0) missing.push("default encryption");
      for (const config of encryption) {
        const algorithms = asArray(
          config.props["rules"] as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[],
        ).map((rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm);
        if (algorithms.includes("AES256") && !isLogTarget)
          missing.push("SSE-KMS (SSE-S3 is allowed only on server access log targets)");
      }
      if (missing.length > 0) report(`bucket ${name ?? bucket.name} lacks: ${missing.join(", ")}`, bucket.urn);
    }
  },
};

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "[KMS.4] Symmetric customer keys rotate, with a 30-day deletion window.",
  validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec === "SYMMETRIC_DEFAULT" && key.enableKeyRotation !== true) report("enableKeyRotation is not true");
    // Unset means the provider default of 30 days.
    if (key.deletionWindowInDays !== undefined && key.deletionWindowInDays !== 30)
      report(`deletionWindowInDays is ${key.deletionWindowInDays}, expected 30`);
  }),
};

export const glueCatalogEncrypted: ResourceValidationPolicy = {
  name: "glue-catalog-encrypted",
  description:
    "[CKV_AWS_94] The Glue Data Catalog is encrypted with a KMS key and returns connection passwords encrypted.",
  validateResource: validateResourceOfType(aws.glue.DataCatalogEncryptionSettings, (settings, _args, report) => {
    const atRest = settings.dataCatalogEncryptionSettings?.encryptionAtRest;
    if (atRest?.catalogEncryptionMode !== "SSE-KMS" || !atRest.sseAwsKmsKeyId)
      report("catalog encryption is not SSE-KMS with a key");
    const passwords = settings.dataCatalogEncryptionSettings?.connectionPasswordEncryption;
    if (passwords?.returnConnectionPasswordEncrypted !== true)
      report("connection passwords are not returned encrypted");
  }),
};

export const lakeFormationDefaultsRemoved: ResourceValidationPolicy = {
  name: "lakeformation-iam-allowed-principals-removed",
  description: "[LF] Lake Formation settings remove the IAMAllowedPrincipals defaults, so grants govern access.",
  validateResource: validateResourceOfType(aws.lakeformation.DataLakeSettings, (settings, _args, report) => {
    for (const key of ["createDatabaseDefaultPermissions", "createTableDefaultPermissions"] as const) {
      const value = settings[key];
      if (!Array.isArray(value) || value.length > 0)
        report(`${key} must be set to [] (unset or non-empty keeps IAMAllowedPrincipals defaults)`);
    }
  }),
};

export const lakeFormationUserRole: ResourceValidationPolicy = {
  name: "lakeformation-location-user-role",
  description: "[LF] Data locations are registered with a user-defined role, not the service-linked role.",
  validateResource: validateResourceOfType(aws.lakeformation.Resource, (location, _args, report) => {
    if (location.useServiceLinkedRole !== false || !location.roleArn)
      report("register the location with roleArn and useServiceLinkedRole: false");
  }),
};

export const lakeFormationNoAll: ResourceValidationPolicy = {
  name: "lakeformation-no-all-or-grant-option",
  description: "[LF] Lake Formation grants never give ALL or grant options.",
  validateResource: validateResourceOfType(aws.lakeformation.Permissions, (permission, _args, report) => {
    if (asArray(permission.permissions).includes("ALL")) report("permissions include ALL");
    if (asArray(permission.permissionsWithGrantOptions).length > 0)
      report(`grant options given: ${asArray(permission.permissionsWithGrantOptions).join(", ")}`);
  }),
};

export const storagePolicies = [
  s3PublicAccessBlock,
  s3OwnershipEnforced,
  s3TlsOnly,
  s3Versioning,
  s3EncryptionCustomerKey,
  s3EveryBucketGoverned,
  kmsKeyRotation,
  glueCatalogEncrypted,
  lakeFormationDefaultsRemoved,
  lakeFormationUserRole,
  lakeFormationNoAll,
];

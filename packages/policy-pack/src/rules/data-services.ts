import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { asArray, typeOf } from "../util";

const mwaaLogTypes = ["dagProcessingLogs", "schedulerLogs", "taskLogs", "webserverLogs", "workerLogs"] as const;

export const mwaaPrivateWebserver: ResourceValidationPolicy = {
  name: "mwaa-private-webserver",
  description: "[CKV2_AWS_66] The Airflow web server is private (PRIVATE_ONLY, the default).",
  validateResource: validateResourceOfType(aws.mwaa.Environment, (environment, _args, report) => {
    if (environment.webserverAccessMode !== undefined && environment.webserverAccessMode !== "PRIVATE_ONLY")
      report(`webserverAccessMode is ${environment.webserverAccessMode}`);
  }),
};

export const mwaaLoggingAndKey: ResourceValidationPolicy = {
  name: "mwaa-logging-kms-dag-bucket",
  description: "[CKV_AWS_242/243/244] MWAA has all five log types on, a customer KMS key and its own DAG bucket.",
  validateResource: validateResourceOfType(aws.mwaa.Environment, (environment, _args, report) => {
    const off = mwaaLogTypes.filter((type) => environment.loggingConfiguration?.[type]?.enabled !== true);
    if (off.length > 0) report(`log types off: ${off.join(", ")}`);
    if (!environment.kmsKey) report("no customer KMS key (kmsKey)");
    if (!environment.sourceBucketArn) report("no DAG bucket (sourceBucketArn)");
  }),
};

export const kinesisStreamHardening: ResourceValidationPolicy = {
  name: "kinesis-stream-kms-retention",
  description: "[Kinesis.1/Kinesis.3] Streams are encrypted with a customer KMS key and keep data at least 168 hours.",
  validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, _args, report) => {
    if (stream.encryptionType !== "KMS") report("encryptionType is not KMS");
    else if (!stream.kmsKeyId || stream.kmsKeyId === "alias/aws/kinesis")
      report("encrypted with the AWS managed key, not a customer key");
    if ((stream.retentionPeriod ?? 24) < 168)
      report(`retentionPeriod is ${stream.retentionPeriod ?? 24} hours, below 168`);
  }),
};

export const flinkApplicationHardening: ResourceValidationPolicy = {
  name: "flink-vpc-logging-checkpoints",
  description: "[Flink] Managed Flink applications run in the VPC, log to CloudWatch and checkpoint.",
  validateResource: validateResourceOfType(aws.kinesisanalyticsv2.Application, (application, _args, report) => {
    if (!application.applicationConfiguration?.vpcConfiguration)
      report("not in a VPC (applicationConfiguration.vpcConfiguration)");
    if (!application.cloudwatchLoggingOptions) report("no cloudwatchLoggingOptions");
    const checkpoints = application.applicationConfiguration?.flinkApplicationConfiguration?.checkpointConfiguration;
    // The DEFAULT configuration type checkpoints; CUSTOM must turn it on.
    if (checkpoints?.configurationType === "CUSTOM" && checkpoints.checkpointingEnabled !== true)
      report("checkpointing is off");
  }),
};

export const redshiftNotPublic: ResourceValidationPolicy = {
  name: "redshift-not-public",
  description: "[Redshift.1/RS-Serverless.3] Redshift clusters and serverless workgroups are not publicly accessible.",
  validateResource: [
    validateResourceOfType(aws.redshift.Cluster, (cluster, _args, report) => {
      if (cluster.publiclyAccessible === true) report("publiclyAccessible is true");
    }),
    validateResourceOfType(aws.redshiftserverless.Workgroup, (workgroup, _args, report) => {
      if (workgroup.publiclyAccessible === true) report("publiclyAccessible is true");
    }),
  ],
};

export const redshiftServerlessNamespace: ResourceValidationPolicy = {
  name: "redshift-serverless-namespace-kms-audit",
  description: "[Redshift.10/Redshift.2] Serverless namespaces use a customer KMS key and export audit logs.",
  validateResource: validateResourceOfType(aws.redshiftserverless.Namespace, (namespace, _args, report) => {
    if (!namespace.kmsKeyId) report("no customer KMS key (kmsKeyId)");
    const exported = asArray(namespace.logExports);
    const missing = ["userlog", "connectionlog", "useractivitylog"].filter((log) => !exported.includes(log));
    if (missing.length > 0) report(`audit logs not exported: ${missing.join(", ")}`);
  }),
};

export const redshiftServerlessWorkgroup: ResourceValidationPolicy = {
  name: "redshift-serverless-workgroup-ssl-routing",
  description: "[Redshift.2] Serverless workgroups require SSL and use enhanced VPC routing.",
  validateResource: validateResourceOfType(aws.redshiftserverless.Workgroup, (workgroup, _args, report) => {
    const requireSsl = asArray(workgroup.configParameters).find(
      (parameter) => parameter.parameterKey === "require_ssl",
    );
    if (String(requireSsl?.parameterValue) !== "true") report("require_ssl is not true");
    if (workgroup.enhancedVpcRouting !== true) report("enhancedVpcRouting is not true");
  }),
};

export const rdsClusterHardening: ResourceValidationPolicy = {
  name: "rds-cluster-hardening",
  description:
    "[RDS.*] Aurora clusters are encrypted, deletion-protected, use IAM auth and a managed master password; instances are private.",
  validateResource: [
    validateResourceOfType(aws.rds.Cluster, (cluster, _args, report) => {
      if (cluster.storageEncrypted !== true) report("storageEncrypted is not true");
      if (cluster.deletionProtection !== true) report("deletionProtection is not true");
      if (cluster.iamDatabaseAuthenticationEnabled !== true) report("iamDatabaseAuthenticationEnabled is not true");
      if (cluster.manageMasterUserPassword !== true)
        report("the master password is not managed by Secrets Manager (manageMasterUserPassword)");
    }),
    validateResourceOfType(aws.rds.ClusterInstance, (instance, _args, report) => {
      if (instance.publiclyAccessible === true) report("publiclyAccessible is true");
    }),
  ],
};

export const secretsManagerKms: ResourceValidationPolicy = {
  name: "secretsmanager-customer-key",
  description: "[SecretsManager.1/4] Secrets are encrypted with a customer KMS key.",
  validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, _args, report) => {
    if (!secret.kmsKeyId) report("no customer KMS key (kmsKeyId)");
  }),
};

export const secretsManagerRotation: StackValidationPolicy = {
  name: "secretsmanager-rotation",
  description:
    "[SecretsManager.1] Secrets this stack owns rotate (advisory: some credentials, such as third-party tokens, cannot).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const secret of args.resources.filter((resource) => resource.type === typeOf(aws.secretsmanager.Secret))) {
      const rotated = args.resources.some(
        (resource) =>
          resource.type === typeOf(aws.secretsmanager.SecretRotation) &&
          resource.dependencies.some((dependency) => dependency.urn === secret.urn),
      );
      if (!rotated) report("secret has no rotation", secret.urn);
    }
  },
};

export const cloudTrailHardening: ResourceValidationPolicy = {
  name: "cloudtrail-hardening",
  description:
    "[CloudTrail.1/2/4/5] Trails are multi-region, KMS-encrypted, validate log files and record S3 data events.",
  validateResource: validateResourceOfType(aws.cloudtrail.Trail, (trail, _args, report) => {
    if (trail.isMultiRegionTrail !== true) report("isMultiRegionTrail is not true");
    if (!trail.kmsKeyId) report("no kmsKeyId");
    if (trail.enableLogFileValidation !== true) report("enableLogFileValidation is not true");
    const s3DataEvents = asArray(trail.advancedEventSelectors).some((selector) =>
      asArray(selector.fieldSelectors).some(
        (field) => field.field === "resources.type" && asArray(field.equals).includes("AWS::S3::Object"),
      ),
    );
    if (!s3DataEvents) report("no advanced event selector for S3 data events (resources.type = AWS::S3::Object)");
  }),
};

export const dataServicePolicies = [
  mwaaPrivateWebserver,
  mwaaLoggingAndKey,
  kinesisStreamHardening,
  flinkApplicationHardening,
  redshiftNotPublic,
  redshiftServerlessNamespace,
  redshiftServerlessWorkgroup,
  rdsClusterHardening,
  secretsManagerKms,
  secretsManagerRotation,
  cloudTrailHardening,
];

/**
 * Pure builders of the streaming key policy and the IAM documents of the Flink
 * application and of producers. They take resolved strings, so they are tested
 * without mocks; the component calls them inside `apply` to build inputs only.
 */
import {
  cloudWatchLogsKeyStatement,
  keyPolicyDocument,
  keyStatement,
  policyDocument as document,
  serviceTrustPolicy,
  type KeyPolicyDocument,
  type PolicyDocument,
} from "@data-platform/aws-blocks";
import { objectWriteActions } from "@data-platform/data-lake";

export interface StreamingKeyPolicyInput {
  partition: string;
  region: string;
  accountId: string;
  administratorArns: string[];
  /** The application's log group, encrypted with the key. */
  logGroupName: string;
}

/**
 * The streaming key: administrators manage it (no data use); roles of this account
 * use it only through Kinesis and only as far as their IAM policies allow (producers
 * encrypt, the Flink role decrypts); CloudWatch Logs uses it for the one log group.
 */
export function streamingKeyPolicy(input: StreamingKeyPolicyInput): KeyPolicyDocument {
  return keyPolicyDocument(input, [
    {
      Sid: "KeyUseThroughKinesis",
      Effect: "Allow",
      Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": `kinesis.${input.region}.amazonaws.com`,
          "kms:CallerAccount": input.accountId,
        },
      },
    },
    cloudWatchLogsKeyStatement(input, input.logGroupName),
  ]);
}

/** Service principals Managed Service for Apache Flink uses for a customer managed key (validation, durable and running state). */
export const flinkServicePrincipal = "kinesisanalytics.amazonaws.com";
export const flinkInfrastructurePrincipal = "infrastructure.kinesisanalytics.amazonaws.com";

/**
 * The application's ARN from known parts, so the state key's policy can name it
 * before the application exists (the application itself needs the key's ARN).
 */
export function flinkApplicationArn(
  partition: string,
  region: string,
  accountId: string,
  applicationName: string,
): string {
  return `arn:${partition}:kinesisanalytics:${region}:${accountId}:application/${applicationName}`;
}

export interface FlinkStateKeyPolicyInput {
  partition: string;
  region: string;
  accountId: string;
  administratorArns: string[];
  /** `arn:<p>:kinesisanalytics:<r>:<a>:application/<name>` of the one application the key serves. */
  applicationArn: string;
}

/**
 * The Flink state key (running application storage, checkpoints and snapshots of one application), after
 * "Managing CMK using APIs" (https://docs.aws.amazon.com/managed-flink/latest/java/manage-cmk-api.html), statement
 * for statement and condition for condition:
 * - administrators manage it (no data use);
 * - the application lifecycle operator (whoever creates, updates, starts and stops the application: the deploying
 *   role, one of the administrators here) uses it only through Managed Flink and only for this application's
 *   encryption context. The doc names the operator role in the key policy, and so does this one: within the
 *   account the key policy alone then suffices, so the deploying role needs no IAM policy naming a key that the same
 *   `pulumi up` creates;
 * - `kinesisanalytics.amazonaws.com` describes it for this application and account, generates data keys for and
 *   decrypts this application's durable state;
 * - `infrastructure.kinesisanalytics.amazonaws.com` describes it for this application and account, uses it for and
 *   creates Decrypt-only grants constrained to this application's encryption context on its running state.
 * The service execution role needs nothing (the service calls KMS with its own principals).
 */
export function flinkStateKeyPolicy(input: FlinkStateKeyPolicyInput): KeyPolicyDocument {
  const operators = [...input.administratorArns];
  const viaFlink = `kinesisanalytics.${input.region}.amazonaws.com`;
  const context = { "kms:EncryptionContext:aws:kinesisanalytics:arn": input.applicationArn };
  const decryptGrantsOnly = { "ForAllValues:StringEquals": { "kms:GrantOperations": "Decrypt" } };
  const operator = { AWS: operators };
  const services = { Service: [flinkServicePrincipal, flinkInfrastructurePrincipal] };
  const service = { Service: flinkServicePrincipal };
  const infrastructure = { Service: flinkInfrastructurePrincipal };
  const fromApplication = { "aws:SourceArn": input.applicationArn, "aws:SourceAccount": input.accountId };
  return keyPolicyDocument(input, [
    keyStatement("AllowOperatorToDescribeKey", operator, "kms:DescribeKey", {
      StringEquals: { "kms:ViaService": viaFlink },
    }),
    keyStatement(
      "AllowOperatorToConfigureAppToUseKeyForApplicationState",
      operator,
      ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
      { StringEquals: { ...context, "kms:ViaService": viaFlink } },
    ),
    keyStatement("AllowOperatorToConfigureAppToCreateGrantForRunningState", operator, "kms:CreateGrant", {
      StringEquals: { ...context, "kms:ViaService": viaFlink, "kms:GrantConstraintType": "EncryptionContextSubset" },
      ...decryptGrantsOnly,
    }),
    keyStatement("AllowMSFServiceToDescribeKey", services, "kms:DescribeKey", { StringEquals: fromApplication }),
    keyStatement("AllowMSFServiceToGenerateDataKeyForDurableState", service, "kms:GenerateDataKey", {
      StringEquals: { "aws:SourceArn": input.applicationArn, ...context, "aws:SourceAccount": input.accountId },
    }),
    keyStatement("AllowMSFServiceToDecryptForDurableState", service, "kms:Decrypt", { StringEquals: context }),
    keyStatement(
      "AllowMSFServiceToUseKeyForRunningState",
      infrastructure,
      ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext"],
      { StringEquals: context },
    ),
    keyStatement("AllowMSFServiceToCreateGrantForRunningState", infrastructure, "kms:CreateGrant", {
      StringEquals: { ...context, "kms:GrantConstraintType": "EncryptionContextSubset" },
      ...decryptGrantsOnly,
    }),
  ]);
}

/** Managed Service for Apache Flink assumes the application's role, for this account only. */
export function flinkTrustPolicy(accountId: string): PolicyDocument {
  return serviceTrustPolicy(flinkServicePrincipal, { sourceAccount: accountId });
}

/** Reading a stream's records (shared iterators and enhanced fan-out). */
export const streamReadActions = [
  "kinesis:DescribeStream",
  "kinesis:DescribeStreamSummary",
  "kinesis:GetRecords",
  "kinesis:GetShardIterator",
  "kinesis:ListShards",
  "kinesis:SubscribeToShard",
];

/** Reading schemas: a deserializer looks versions up by id, a serializer by definition. */
export const schemaReadActions = [
  "glue:GetRegistry",
  "glue:GetSchema",
  "glue:GetSchemaVersion",
  "glue:GetSchemaByDefinition",
  "glue:ListSchemaVersions",
];

/**
 * Object actions of a landing writer: the lake's write level (`storageStatements`, level "write").
 * @internal Exported for its tests only; not part of the package's API.
 */
export const landingObjectActions = objectWriteActions;
/** @internal Exported for its tests only; not part of the package's API. */
export const landingKeyActions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

/** The registry and every schema in it (the registry belongs to this component alone). */
export function registryResources(registryArn: string): string[] {
  // arn:<p>:glue:<r>:<a>:registry/<name> -> arn:<p>:glue:<r>:<a>:schema/<name>/*
  return [registryArn, `${registryArn.replace(/:registry\//, ":schema/")}/*`];
}

export interface FlinkStreamsPolicyInput {
  streamArns: string[];
  keyArn: string;
  region: string;
}

/** Read exactly the component's streams and decrypt them through Kinesis. */
export function flinkStreamsPolicy(input: FlinkStreamsPolicyInput): PolicyDocument {
  return document([
    { Sid: "ReadOwnStreams", Effect: "Allow", Action: streamReadActions, Resource: [...input.streamArns].sort() },
    {
      Sid: "DecryptStreamsThroughKinesis",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: input.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `kinesis.${input.region}.amazonaws.com` } },
    },
  ]);
}

export interface FlinkLandingPolicyInput {
  landingBucketArn: string;
  /** The lake's platform key (central zones). */
  landingKeyArn: string;
  region: string;
  /** One prefix per source: `events/<source>/`. */
  prefixes: string[];
}

/**
 * Write each source's landing prefix and nothing else of the landing bucket. The
 * same access `DataLake.grantWrite(..., { zone: "landing", prefix })` gives, for
 * every source in one document (one lake grant per source would exhaust the role's
 * 10,240-character inline policy budget at about eight sources).
 */
export function flinkLandingPolicy(input: FlinkLandingPolicyInput): PolicyDocument {
  const prefixes = [...input.prefixes].map((prefix) => prefix.replace(/^\/+|\/+$/g, "")).sort();
  return document([
    {
      Sid: "ListEventPrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: input.landingBucketArn,
      Condition: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}/*`) } },
    },
    {
      Sid: "WriteOwnEventPrefixes",
      Effect: "Allow",
      Action: landingObjectActions,
      Resource: prefixes.map((prefix) => `${input.landingBucketArn}/${prefix}/*`),
    },
    {
      Sid: "LandingKeyThroughS3",
      Effect: "Allow",
      Action: landingKeyActions,
      Resource: input.landingKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    },
  ]);
}

export interface FlinkRuntimePolicyInput {
  partition: string;
  region: string;
  accountId: string;
  registryArn: string;
  /** `arn:<p>:s3:::<artifacts bucket>/<key>` of the job's code. */
  codeObjectArn: string;
  /** Key of the artifacts bucket (the lake's platform key). */
  artifactsKeyArn: string;
  logGroupName: string;
  logStreamName: string;
  vpcId: string;
  securityGroupId: string;
  subnetIds: string[];
}

/**
 * What the application needs besides data: its schemas, its code, its log stream and
 * the network interfaces Managed Flink creates in the VPC.
 */
export function flinkRuntimePolicy(input: FlinkRuntimePolicyInput): PolicyDocument {
  const ec2 = (resource: string) => `arn:${input.partition}:ec2:${input.region}:${input.accountId}:${resource}`;
  const logGroupArn = `arn:${input.partition}:logs:${input.region}:${input.accountId}:log-group:${input.logGroupName}`;
  return document([
    {
      Sid: "ReadOwnRegistrySchemas",
      Effect: "Allow",
      Action: schemaReadActions,
      Resource: registryResources(input.registryArn),
    },
    {
      Sid: "ReadApplicationCode",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: input.codeObjectArn,
    },
    {
      Sid: "ArtifactsKeyThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: input.artifactsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    },
    // DescribeLogGroups is a list action: it takes no narrower resource than the account's log groups.
    {
      Sid: "FindLogGroup",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: `arn:${input.partition}:logs:${input.region}:${input.accountId}:log-group:*`,
    },
    {
      Sid: "FindLogStream",
      Effect: "Allow",
      Action: "logs:DescribeLogStreams",
      Resource: `${logGroupArn}:log-stream:*`,
    },
    {
      Sid: "WriteOwnLogStream",
      Effect: "Allow",
      Action: "logs:PutLogEvents",
      Resource: `${logGroupArn}:log-stream:${input.logStreamName}`,
    },
    // EC2 Describe* actions support no resource-level permissions: "*" is the narrowest the service allows.
    {
      Sid: "DescribeNetwork",
      Effect: "Allow",
      Action: [
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
      ],
      Resource: "*",
    },
    // Interfaces only in the given subnets with the application's own security group.
    {
      Sid: "CreateInterfacesInOwnSubnets",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterface",
      Resource: [
        ec2("network-interface/*"),
        ...[...input.subnetIds].sort().map((subnet) => ec2(`subnet/${subnet}`)),
        ec2(`security-group/${input.securityGroupId}`),
      ],
    },
    // The interfaces' ids are not known in advance: limit them to the VPC.
    {
      Sid: "ManageInterfacesInVpc",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"],
      Resource: ec2("network-interface/*"),
      Condition: { ArnEquals: { "ec2:Vpc": ec2(`vpc/${input.vpcId}`) } },
    },
  ]);
}

export interface ProducerPolicyInput {
  streamArn: string;
  keyArn: string;
  registryArn: string;
  /** Schema names of the source (`<source>.<event>`). */
  schemaNames: string[];
  region: string;
}

/** A producer writes one source's stream, encrypting through Kinesis, and looks up that source's schemas (never registers them). */
export function producerPolicy(input: ProducerPolicyInput): PolicyDocument {
  const schemaBase = input.registryArn.replace(/:registry\//, ":schema/");
  return document([
    {
      Sid: "WriteOwnStream",
      Effect: "Allow",
      Action: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
      Resource: input.streamArn,
    },
    {
      Sid: "EncryptThroughKinesis",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: input.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `kinesis.${input.region}.amazonaws.com` } },
    },
    {
      Sid: "LookUpOwnSchemas",
      Effect: "Allow",
      Action: ["glue:GetRegistry", "glue:GetSchemaByDefinition", "glue:GetSchemaVersion"],
      Resource: [input.registryArn, ...[...input.schemaNames].sort().map((schema) => `${schemaBase}/${schema}`)],
    },
  ]);
}

import type { PolicyPackConfig } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { evaluatePolicies, type EvaluatedResource } from "./evaluate";
import { policies } from "./policies";

let counter = 0;
/** A captured resource as the plan records it. */
function r(
  type: string,
  inputs: Record<string, unknown>,
  extra: { name?: string; dependsOn?: EvaluatedResource[] } = {},
): EvaluatedResource {
  const name = extra.name ?? `r${++counter}`;
  return {
    urn: `urn:pulumi:test::p::${type}::${name}`,
    type,
    name,
    parent: null,
    dependencies: (extra.dependsOn ?? []).map((dependency) => dependency.urn),
    inputs,
    options: { protect: false, ignoreChanges: [], aliases: [], deleteBeforeReplace: false },
  };
}

const doc = (...statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const tlsDeny = {
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
  Condition: { Bool: { "aws:SecureTransport": false } },
};

/** A bucket with every control, or without the ones named in `drop`. */
function governedBucket(
  name: string,
  drop: string[] = [],
  encryption: object = { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:1:key/k" },
): EvaluatedResource[] {
  const bucket = r("aws:s3/bucket:Bucket", { bucket: name }, { name });
  const controls: [string, string, Record<string, unknown>][] = [
    [
      "pab",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      {
        bucket: name,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    ],
    [
      "ownership",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      { bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } },
    ],
    [
      "versioning",
      "aws:s3/bucketVersioning:BucketVersioning",
      { bucket: name, versioningConfiguration: { status: "Enabled" } },
    ],
    [
      "lifecycle",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      { bucket: name, rules: [{ id: "x", status: "Enabled" }] },
    ],
    ["policy", "aws:s3/bucketPolicy:BucketPolicy", { bucket: name, policy: doc(tlsDeny) }],
    ["logging", "aws:s3/bucketLogging:BucketLogging", { bucket: name, targetBucket: "logs", targetPrefix: "x/" }],
    [
      "encryption",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      { bucket: name, rules: [{ applyServerSideEncryptionByDefault: encryption, bucketKeyEnabled: true }] },
    ],
  ];
  return [
    bucket,
    ...controls
      .filter(([key]) => !drop.includes(key))
      .map(([key, type, inputs]) => r(type, inputs, { name: `${name}-${key}`, dependsOn: [bucket] })),
  ];
}

const irsaTrust = (condition: object) =>
  doc({
    Effect: "Allow",
    Principal: { Federated: "arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
  });
const eksComponent = {
  endpointPublicAccess: false,
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  encryptionConfigKeyArn: "arn:k",
  version: "1.33",
  authenticationMode: "API",
};
const emrEncryption = {
  EncryptionConfiguration: {
    EnableAtRestEncryption: true,
    EnableInTransitEncryption: true,
    AtRestEncryptionConfiguration: {
      S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS" },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", EnableEbsEncryption: true },
    },
  },
};
const mwaaLogs = Object.fromEntries(
  ["dagProcessingLogs", "schedulerLogs", "taskLogs", "webserverLogs", "workerLogs"].map((type) => [
    type,
    { enabled: true, logLevel: "INFO" },
  ]),
);
const container = {
  name: "job",
  image: "repo/job:1.0",
  user: "1000",
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: "awslogs" },
};
const namespace = r(
  "kubernetes:core/v1:Namespace",
  { metadata: { name: "trino", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
  { name: "ns" },
);
const defaultDeny = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

/**
 * A VPC shaped like the platform's: per zone a public subnet routed to the internet gateway and a private one routed
 * to a NAT gateway (in `natIn`, or the zone's own when it has one). `privateRoute` overrides a private default route's
 * target; `s3` says which private route tables the S3 gateway endpoint lists.
 */
function network(
  options: {
    prefix?: string;
    zones?: string[];
    natIn?: string[];
    natSubnet?: "public" | "private";
    privateRoute?: (zone: string) => "nat" | "internet" | "none" | "peering";
    s3?: (zone: string) => boolean;
  } = {},
): EvaluatedResource[] {
  const zones = options.zones ?? ["a", "b", "c"];
  const p = options.prefix ?? "";
  const natIn = options.natIn ?? zones;
  const vpc = r("aws:ec2/vpc:Vpc", { cidrBlock: "10.42.0.0/16" }, { name: `${p}vpc` });
  const igw = r("aws:ec2/internetGateway:InternetGateway", { vpcId: "vpc-1" }, { name: `${p}igw`, dependsOn: [vpc] });
  const out: EvaluatedResource[] = [vpc, igw];
  const tables: Record<string, EvaluatedResource> = {};
  const subnets: Record<string, EvaluatedResource> = {};
  for (const zone of zones) {
    for (const tier of ["public", "private"]) {
      const subnet = r(
        "aws:ec2/subnet:Subnet",
        {
          vpcId: "vpc-1",
          availabilityZone: `eu-west-1${zone}`,
          mapPublicIpOnLaunch: false,
          tags: { SubnetType: tier === "public" ? "Public" : "Private" },
        },
        { name: `${p}${tier}-${zone}`, dependsOn: [vpc] },
      );
      const table = r(
        "aws:ec2/routeTable:RouteTable",
        { vpcId: "vpc-1" },
        { name: `${p}${tier}-${zone}`, dependsOn: [vpc] },
      );
      out.push(
        subnet,
        table,
        r(
          "aws:ec2/routeTableAssociation:RouteTableAssociation",
          { subnetId: "s", routeTableId: "t" },
          { name: `${p}${tier}-${zone}`, dependsOn: [subnet, table] },
        ),
      );
      subnets[`${tier}-${zone}`] = subnet;
      tables[`${tier}-${zone}`] = table;
    }
    out.push(
      r(
        "aws:ec2/route:Route",
        { routeTableId: "t", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
        { name: `${p}public-${zone}`, dependsOn: [tables[`public-${zone}`]!, igw] },
      ),
    );
  }
  const nats: Record<string, EvaluatedResource> = {};
  for (const zone of natIn) {
    nats[zone] = r(
      "aws:ec2/natGateway:NatGateway",
      { subnetId: "s", allocationId: "eipalloc-1", connectivityType: "public" },
      { name: `${p}nat-${zone}`, dependsOn: [subnets[`${options.natSubnet ?? "public"}-${zone}`]!, igw] },
    );
    out.push(nats[zone]!);
  }
  for (const zone of zones) {
    const table = tables[`private-${zone}`]!;
    const target = options.privateRoute?.(zone) ?? "nat";
    const nat = nats[zone] ?? nats[natIn[0]!]!;
    if (target === "nat")
      out.push(
        r(
          "aws:ec2/route:Route",
          { routeTableId: "t", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
          { name: `${p}private-${zone}`, dependsOn: [table, nat] },
        ),
      );
    if (target === "internet")
      out.push(
        r(
          "aws:ec2/route:Route",
          { routeTableId: "t", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
          { name: `${p}private-${zone}`, dependsOn: [table, igw] },
        ),
      );
    if (target === "peering")
      out.push(
        r(
          "aws:ec2/route:Route",
          { routeTableId: "t", destinationCidrBlock: "0.0.0.0/0", vpcPeeringConnectionId: "pcx-1" },
          { name: `${p}private-${zone}`, dependsOn: [table] },
        ),
      );
  }
  const s3Tables = zones.filter((zone) => options.s3?.(zone) ?? true).map((zone) => tables[`private-${zone}`]!);
  out.push(
    r(
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      {
        vpcEndpointType: "Gateway",
        serviceName: "com.amazonaws.eu-west-1.s3",
        routeTableIds: s3Tables.map(() => "rtb"),
      },
      { name: `${p}s3`, dependsOn: [vpc, ...s3Tables] },
    ),
  );
  return out;
}

/** For every policy: resources that comply, and resources that violate (with the expected message). */
const cases: Record<
  string,
  { pass: () => EvaluatedResource[]; fail: () => EvaluatedResource[]; message: RegExp; config?: PolicyPackConfig }
> = {
  "s3-public-access-block-all-flags": {
    pass: () => [
      r("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    ],
    fail: () => [
      r("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
      }),
    ],
    message: /restrictPublicBuckets/,
  },
  "s3-acls-disabled": {
    pass: () => [
      r("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    ],
    fail: () => [
      r("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "ObjectWriter" } }),
    ],
    message: /ObjectWriter/,
  },
  "s3-bucket-policy-tls-only": {
    pass: () => [r("aws:s3/bucketPolicy:BucketPolicy", { policy: doc(tlsDeny) })],
    fail: () => [
      r("aws:s3/bucketPolicy:BucketPolicy", {
        policy: doc({ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "*" }),
      }),
    ],
    message: /SecureTransport/,
  },
  "s3-versioning-enabled": {
    pass: () => [r("aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled" } })],
    fail: () => [r("aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Suspended" } })],
    message: /Suspended/,
  },
  "s3-sse-kms-customer-key": {
    pass: () => [
      r("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", {
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" },
            bucketKeyEnabled: true,
          },
        ],
      }),
    ],
    fail: () => [
      r("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
      }),
    ],
    message: /AWS managed key/,
  },
  "s3-every-bucket-governed": {
    pass: () => [...governedBucket("data"), ...governedBucket("logs", ["logging"], { sseAlgorithm: "AES256" })],
    fail: () => [
      ...governedBucket("data", ["pab", "logging"]),
      ...governedBucket("other", [], { sseAlgorithm: "AES256" }),
    ],
    message: /bucket data lacks: public access block, server access logging|bucket other lacks: SSE-KMS/,
  },
  "kms-key-rotation": {
    pass: () => [
      r("aws:kms/key:Key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
      r("aws:kms/key:Key", { enableKeyRotation: true }),
    ],
    fail: () => [r("aws:kms/key:Key", { enableKeyRotation: false, deletionWindowInDays: 7 })],
    message: /enableKeyRotation|deletionWindowInDays is 7/,
  },
  "glue-catalog-encrypted": {
    pass: () => [
      r("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: "k" },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true },
        },
      }),
    ],
    fail: () => [
      r("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "DISABLED" },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: false },
        },
      }),
    ],
    message: /not SSE-KMS|not returned encrypted/,
  },
  "lakeformation-iam-allowed-principals-removed": {
    pass: () => [
      r("aws:lakeformation/dataLakeSettings:DataLakeSettings", {
        admins: ["a"],
        createDatabaseDefaultPermissions: [],
        createTableDefaultPermissions: [],
      }),
    ],
    fail: () => [r("aws:lakeformation/dataLakeSettings:DataLakeSettings", { admins: ["a"] })],
    message: /createDatabaseDefaultPermissions must be set to \[\]/,
  },
  "lakeformation-location-user-role": {
    pass: () => [r("aws:lakeformation/resource:Resource", { arn: "b", roleArn: "role", useServiceLinkedRole: false })],
    fail: () => [r("aws:lakeformation/resource:Resource", { arn: "b", useServiceLinkedRole: true })],
    message: /useServiceLinkedRole: false/,
  },
  "lakeformation-no-all-or-grant-option": {
    pass: () => [
      r("aws:lakeformation/permissions:Permissions", { permissions: ["SELECT"], permissionsWithGrantOptions: [] }),
    ],
    fail: () => [
      r("aws:lakeformation/permissions:Permissions", { permissions: ["ALL"], permissionsWithGrantOptions: ["SELECT"] }),
    ],
    message: /ALL|grant options/,
  },
  "iam-no-wildcard-admin": {
    pass: () => [
      r("aws:iam/rolePolicy:RolePolicy", {
        policy: doc(
          { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
          { Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
        ),
      }),
      r("aws:kms/key:Key", {
        enableKeyRotation: true,
        policy: doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::1:role/admin" },
          Action: ["kms:Describe*", "kms:Decrypt"],
          Resource: "*",
        }),
      }),
    ],
    fail: () => [
      r("aws:iam/rolePolicy:RolePolicy", { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }),
      r("aws:iam/policy:Policy", { policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) }),
      r("aws:iam/policy:Policy", { policy: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }) }),
    ],
    message: /allows "\*"|allows "s3:\*" on "\*"|allows "kms:Decrypt" on "\*"/,
  },
  "iam-no-public-principal": {
    pass: () => [
      r("aws:s3/bucketPolicy:BucketPolicy", {
        policy: doc(tlsDeny, {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "x",
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
        }),
      }),
    ],
    fail: () => [
      r("aws:s3/bucketPolicy:BucketPolicy", {
        policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "x" }),
      }),
    ],
    message: /Principal "\*" with no condition/,
  },
  "iam-irsa-trust-pinned": {
    pass: () => [
      r("aws:iam/role:Role", {
        assumeRolePolicy: irsaTrust({
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:trino:trino",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          },
        }),
      }),
      r("aws:iam/role:Role", {
        assumeRolePolicy: irsaTrust({
          StringLike: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":
              "system:serviceaccount:spark-orders:emr-containers-sa-*-*-123456789012-3w5e11264sgsg",
          },
          StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
        }),
      }),
    ],
    fail: () => [
      r("aws:iam/role:Role", {
        assumeRolePolicy: irsaTrust({
          StringLike: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:*:*" },
        }),
      }),
      // The EMR on EKS pattern is accepted only within one namespace.
      r("aws:iam/role:Role", {
        assumeRolePolicy: irsaTrust({
          StringLike: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":
              "system:serviceaccount:*:emr-containers-sa-*-*-123456789012-abc",
          },
          StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
        }),
      }),
    ],
    message: /pin exactly one service account|aud = sts.amazonaws.com|StringLike/,
  },
  "emr-block-public-access": {
    pass: () => [
      r("aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration", {
        blockPublicSecurityGroupRules: true,
      }),
    ],
    fail: () => [
      r("aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration", {
        blockPublicSecurityGroupRules: true,
        permittedPublicSecurityGroupRuleRanges: [{ minRange: 22, maxRange: 22 }],
      }),
    ],
    message: /opens ports/,
  },
  "emr-security-configuration-encryption": {
    pass: () => [
      r("aws:emr/securityConfiguration:SecurityConfiguration", { configuration: JSON.stringify(emrEncryption) }),
    ],
    fail: () => [
      r("aws:emr/securityConfiguration:SecurityConfiguration", {
        configuration: JSON.stringify({
          EncryptionConfiguration: { EnableAtRestEncryption: true, EnableInTransitEncryption: false },
        }),
      }),
    ],
    message: /EnableInTransitEncryption|no S3 encryption/,
  },
  "emr-cluster-hardening": {
    pass: () => [
      r("aws:emr/cluster:Cluster", {
        releaseLabel: "emr-7.5.0",
        securityConfiguration: "sc",
        logUri: "s3://a/logs/",
        autoTerminationPolicy: { idleTimeout: 1800 },
      }),
    ],
    fail: () => [r("aws:emr/cluster:Cluster", { releaseLabel: "emr-7.5.0", keepJobFlowAliveWhenNoSteps: true })],
    message: /no securityConfiguration|no logUri|neither autoTerminationPolicy/,
  },
  "emr-templates-use-security-configuration": {
    pass: () => {
      const configuration = r("aws:emr/securityConfiguration:SecurityConfiguration", {
        name: "dp-prod",
        configuration: JSON.stringify(emrEncryption),
      });
      return [
        configuration,
        r(
          "aws:ssm/parameter:Parameter",
          {
            value: JSON.stringify({
              ReleaseLabel: "emr-7.5.0",
              SecurityConfiguration: "dp-prod",
              LogUri: "s3://a/",
              AutoTerminationPolicy: { IdleTimeout: 1800 },
            }),
          },
          { dependsOn: [configuration] },
        ),
      ];
    },
    fail: () => [
      r("aws:ssm/parameter:Parameter", {
        value: JSON.stringify({
          ReleaseLabel: "emr-7.5.0",
          SecurityConfiguration: "dp-prod",
          Instances: { KeepJobFlowAliveWhenNoSteps: true },
        }),
      }),
    ],
    message: /not one it depends on|no LogUri|neither auto-terminates/,
  },
  "emr-docker-runtime-image": {
    pass: () => {
      const image = "1.dkr.ecr.eu-west-1.amazonaws.com/dp-prod/orders/spark:bootstrap";
      const sparkDefaults = {
        Classification: "spark-defaults",
        Properties: {
          "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
          "spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": image,
          "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
          "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": image,
        },
      };
      return [
        r("aws:ssm/parameter:Parameter", {
          value: JSON.stringify({ ReleaseLabel: "emr-6.15.0", Configurations: [sparkDefaults] }),
        }),
        r("aws:emr/cluster:Cluster", { configurationsJson: JSON.stringify([sparkDefaults]) }),
        r("aws:ssm/parameter:Parameter", {
          value: JSON.stringify({
            ReleaseLabel: "emr-7.5.0",
            Configurations: [{ Classification: "spark-defaults", Properties: {} }],
          }),
        }),
      ];
    },
    fail: () => [
      r("aws:ssm/parameter:Parameter", {
        value: JSON.stringify({
          ReleaseLabel: "emr-6.15.0",
          Configurations: [
            {
              Classification: "spark-defaults",
              Properties: {
                "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
                "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
              },
            },
          ],
        }),
      }),
      r("aws:emr/cluster:Cluster", {
        configurationsJson: JSON.stringify([
          {
            Classification: "spark-defaults",
            Properties: {
              "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
              "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": " ",
            },
          },
        ]),
      }),
    ],
    message: /YARN_CONTAINER_RUNTIME_DOCKER_IMAGE is not set/,
  },
  "eks-private-endpoint": {
    pass: () => [
      r("eks:index:Cluster", eksComponent),
      r("aws:eks/cluster:Cluster", {
        vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
      }),
    ],
    fail: () => [
      r("eks:index:Cluster", { ...eksComponent, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      r("aws:eks/cluster:Cluster", { vpcConfig: {} }),
    ],
    message: /0\.0\.0\.0\/0|public to the internet/,
  },
  "eks-control-plane-logging": {
    pass: () => [r("eks:index:Cluster", eksComponent)],
    fail: () => [r("eks:index:Cluster", { ...eksComponent, enabledClusterLogTypes: ["api", "audit"] })],
    message: /authenticator, controllerManager, scheduler/,
  },
  "eks-secrets-encryption-and-version": {
    pass: () => [
      r("eks:index:Cluster", eksComponent),
      r("aws:eks/cluster:Cluster", {
        version: "1.33",
        encryptionConfig: { provider: { keyArn: "k" }, resources: ["secrets"] },
      }),
    ],
    fail: () => [r("eks:index:Cluster", { ...eksComponent, encryptionConfigKeyArn: undefined, version: "1.27" })],
    message: /customer KMS key|older than/,
  },
  "eks-access-entries": {
    pass: () => [
      r("eks:index:Cluster", eksComponent),
      r("aws:eks/cluster:Cluster", {
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      }),
    ],
    fail: () => [r("aws:eks/cluster:Cluster", { accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" } })],
    message: /not API|bootstrapClusterCreatorAdminPermissions/,
  },
  "eks-node-role-minimal": {
    pass: () => [
      r("aws:eks/nodeGroup:NodeGroup", { nodeRoleArn: "arn:aws:iam::1:role/nodes" }),
      r("aws:eks/accessEntry:AccessEntry", { type: "EC2_LINUX", principalArn: "arn:aws:iam::1:role/karpenter-nodes" }),
      r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "nodes",
        policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      }),
      r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "karpenter-nodes",
        policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      }),
      r("aws:iam/rolePolicy:RolePolicy", {
        role: "some-irsa-role",
        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
      }),
    ],
    fail: () => [
      r("aws:eks/nodeGroup:NodeGroup", { nodeRoleArn: "arn:aws:iam::1:role/nodes" }),
      r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "nodes",
        policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
      }),
      r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "nodes",
        policyArn: "arn:aws:iam::111111111111:policy/AmazonEKSWorkerNodePolicy",
      }),
      r("aws:eks/accessEntry:AccessEntry", { type: "EC2_LINUX", principalArn: "arn:aws:iam::1:role/karpenter-nodes" }),
      r("aws:iam/rolePolicy:RolePolicy", {
        role: "karpenter-nodes",
        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
      }),
    ],
    message:
      /node role (nodes has arn:aws:iam::(aws|111111111111):policy\/(AmazonS3FullAccess|AmazonEKSWorkerNodePolicy)|karpenter-nodes has an inline policy)/,
  },
  "karpenter-nodeclass-hardening": {
    pass: () => [
      r("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", {
        spec: {
          amiSelectorTerms: [{ alias: "al2023@v20260714" }],
          metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: { encrypted: true, kmsKeyID: "arn:aws:kms:eu-west-1:1:key/k", volumeType: "gp3" },
            },
          ],
        },
      }),
    ],
    fail: () => [
      r("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", {
        spec: {
          amiSelectorTerms: [{ alias: "al2023@latest" }],
          metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }],
        },
      }),
    ],
    message: /httpTokens|hop|kmsKeyID|not pinned/,
  },
  "launch-template-imdsv2": {
    pass: () => [
      r("aws:ec2/launchTemplate:LaunchTemplate", {
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      }),
    ],
    fail: () => [
      r("aws:ec2/launchTemplate:LaunchTemplate", {
        metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
      }),
    ],
    message: /httpTokens|hop/i,
  },
  "ecr-repository-hardening": {
    pass: () => [
      r("aws:ecr/repository:Repository", {
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE",
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "k" }],
      }),
    ],
    fail: () => [r("aws:ecr/repository:Repository", { imageScanningConfiguration: { scanOnPush: false } })],
    message: /scanOnPush|MUTABLE|KMS/,
  },
  "ecr-lifecycle-policy": {
    pass: () => {
      const repository = r("aws:ecr/repository:Repository", {});
      return [repository, r("aws:ecr/lifecyclePolicy:LifecyclePolicy", { policy: "{}" }, { dependsOn: [repository] })];
    },
    fail: () => [r("aws:ecr/repository:Repository", {})],
    message: /no lifecycle policy/,
  },
  "ecs-task-definition-hardening": {
    pass: () => [
      r("aws:ecs/taskDefinition:TaskDefinition", { family: "f", containerDefinitions: JSON.stringify([container]) }),
    ],
    fail: () => [
      r("aws:ecs/taskDefinition:TaskDefinition", {
        family: "f",
        pidMode: "host",
        containerDefinitions: JSON.stringify([
          { name: "job", privileged: true, environment: [{ name: "DB_PASSWORD", value: "x" }] },
        ]),
      }),
    ],
    message: /privileged|root|DB_PASSWORD|pidMode/,
  },
  "ecs-service-no-public-ip": {
    pass: () => [r("aws:ecs/service:Service", { networkConfiguration: { assignPublicIp: false, subnets: ["s"] } })],
    fail: () => [r("aws:ecs/service:Service", { networkConfiguration: { assignPublicIp: true, subnets: ["s"] } })],
    message: /assignPublicIp/,
  },
  "ecs-cluster-container-insights": {
    pass: () => [r("aws:ecs/cluster:Cluster", { settings: [{ name: "containerInsights", value: "enhanced" }] })],
    fail: () => [r("aws:ecs/cluster:Cluster", {})],
    message: /containerInsights/,
  },
  "mwaa-private-webserver": {
    pass: () => [
      r("aws:mwaa/environment:Environment", { webserverAccessMode: "PRIVATE_ONLY" }),
      r("aws:mwaa/environment:Environment", {}),
    ],
    fail: () => [r("aws:mwaa/environment:Environment", { webserverAccessMode: "PUBLIC_ONLY" })],
    message: /PUBLIC_ONLY/,
  },
  "mwaa-logging-kms-dag-bucket": {
    pass: () => [
      r("aws:mwaa/environment:Environment", {
        loggingConfiguration: mwaaLogs,
        kmsKey: "k",
        sourceBucketArn: "arn:aws:s3:::dags",
      }),
    ],
    fail: () => [r("aws:mwaa/environment:Environment", { loggingConfiguration: { taskLogs: { enabled: true } } })],
    message: /log types off|kmsKey|sourceBucketArn/,
  },
  "kinesis-stream-kms-retention": {
    pass: () => [r("aws:kinesis/stream:Stream", { encryptionType: "KMS", kmsKeyId: "arn:k", retentionPeriod: 168 })],
    fail: () => [r("aws:kinesis/stream:Stream", { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" })],
    message: /AWS managed key|below 168/,
  },
  "flink-vpc-logging-checkpoints": {
    pass: () => [
      r("aws:kinesisanalyticsv2/application:Application", {
        applicationConfiguration: {
          vpcConfiguration: { subnetIds: ["s"] },
          flinkApplicationConfiguration: { checkpointConfiguration: { configurationType: "DEFAULT" } },
        },
        cloudwatchLoggingOptions: { logStreamArn: "a" },
      }),
    ],
    fail: () => [
      r("aws:kinesisanalyticsv2/application:Application", {
        applicationConfiguration: {
          flinkApplicationConfiguration: {
            checkpointConfiguration: { configurationType: "CUSTOM", checkpointingEnabled: false },
          },
        },
      }),
    ],
    message: /VPC|cloudwatchLoggingOptions|checkpointing/,
  },
  "redshift-not-public": {
    pass: () => [
      r("aws:redshiftserverless/workgroup:Workgroup", { publiclyAccessible: false }),
      r("aws:redshift/cluster:Cluster", {}),
    ],
    fail: () => [r("aws:redshiftserverless/workgroup:Workgroup", { publiclyAccessible: true })],
    message: /publiclyAccessible/,
  },
  "redshift-serverless-namespace-kms-audit": {
    pass: () => [
      r("aws:redshiftserverless/namespace:Namespace", {
        kmsKeyId: "k",
        logExports: ["userlog", "connectionlog", "useractivitylog"],
      }),
    ],
    fail: () => [r("aws:redshiftserverless/namespace:Namespace", { logExports: ["userlog"] })],
    message: /kmsKeyId|connectionlog/,
  },
  "redshift-serverless-workgroup-ssl-routing": {
    pass: () => [
      r("aws:redshiftserverless/workgroup:Workgroup", {
        enhancedVpcRouting: true,
        configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
      }),
    ],
    fail: () => [r("aws:redshiftserverless/workgroup:Workgroup", { configParameters: [] })],
    message: /require_ssl|enhancedVpcRouting/,
  },
  "rds-cluster-hardening": {
    pass: () => [
      r("aws:rds/cluster:Cluster", {
        engine: "aurora-postgresql",
        storageEncrypted: true,
        deletionProtection: true,
        iamDatabaseAuthenticationEnabled: true,
        manageMasterUserPassword: true,
      }),
    ],
    fail: () => [
      r("aws:rds/cluster:Cluster", { engine: "aurora-postgresql", storageEncrypted: true }),
      r("aws:rds/clusterInstance:ClusterInstance", { publiclyAccessible: true }),
    ],
    message: /deletionProtection|iamDatabaseAuthenticationEnabled|master password|publiclyAccessible/,
  },
  "secretsmanager-customer-key": {
    pass: () => [r("aws:secretsmanager/secret:Secret", { kmsKeyId: "k" })],
    fail: () => [r("aws:secretsmanager/secret:Secret", {})],
    message: /kmsKeyId/,
  },
  "secretsmanager-rotation": {
    pass: () => {
      const secret = r("aws:secretsmanager/secret:Secret", { kmsKeyId: "k" });
      return [secret, r("aws:secretsmanager/secretRotation:SecretRotation", {}, { dependsOn: [secret] })];
    },
    fail: () => [r("aws:secretsmanager/secret:Secret", { kmsKeyId: "k" })],
    message: /no rotation/,
  },
  "cloudtrail-hardening": {
    pass: () => [
      r("aws:cloudtrail/trail:Trail", {
        isMultiRegionTrail: true,
        kmsKeyId: "k",
        enableLogFileValidation: true,
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: "eventCategory", equals: ["Data"] },
              { field: "resources.type", equals: ["AWS::S3::Object"] },
            ],
          },
        ],
      }),
    ],
    fail: () => [r("aws:cloudtrail/trail:Trail", { isMultiRegionTrail: false })],
    message: /isMultiRegionTrail|kmsKeyId|S3 data events/,
  },
  "vpc-flow-log-all-traffic": {
    pass: () => [r("aws:ec2/flowLog:FlowLog", { trafficType: "ALL" })],
    fail: () => [r("aws:ec2/flowLog:FlowLog", { trafficType: "REJECT" })],
    message: /REJECT/,
  },
  "vpc-has-flow-logs": {
    pass: () => {
      const vpc = r("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" });
      return [vpc, r("aws:ec2/flowLog:FlowLog", { trafficType: "ALL" }, { dependsOn: [vpc] })];
    },
    fail: () => [r("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" })],
    message: /no flow log/,
  },
  "default-security-group-empty": {
    pass: () => [r("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", { vpcId: "v" })],
    fail: () => [
      r("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", {
        vpcId: "v",
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
      }),
    ],
    message: /has rules/,
  },
  "no-world-ingress": {
    pass: () => [
      r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "10.0.0.0/16", ipProtocol: "tcp" }),
      r("aws:ec2/securityGroup:SecurityGroup", {
        ingress: [{ cidrBlocks: ["10.0.0.0/8"], fromPort: 443, toPort: 443, protocol: "tcp" }],
      }),
    ],
    fail: () => [
      r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp" }),
      r("aws:ec2/securityGroup:SecurityGroup", {
        ingress: [{ ipv6CidrBlocks: ["::/0"], fromPort: 22, toPort: 22, protocol: "tcp" }],
      }),
    ],
    message: /open to the internet/,
  },
  "subnet-no-auto-public-ip": {
    pass: () => [
      r("aws:ec2/subnet:Subnet", { vpcId: "v", mapPublicIpOnLaunch: false, tags: { SubnetType: "Public" } }),
      r("aws:ec2/subnet:Subnet", { vpcId: "v" }),
    ],
    // Public subnets too: EC2.15 covers every subnet.
    fail: () => [r("aws:ec2/subnet:Subnet", { vpcId: "v", mapPublicIpOnLaunch: true, tags: { SubnetType: "Public" } })],
    message: /mapPublicIpOnLaunch is true/,
  },
  "private-subnet-egress-via-nat": {
    pass: () => [
      ...network(),
      ...network({ prefix: "dev-", zones: ["a", "b"], natIn: ["a"] }),
      ...network({ prefix: "isolated-", privateRoute: () => "none" }),
    ],
    fail: () => [
      ...network({ privateRoute: (zone) => (zone === "b" ? "internet" : zone === "c" ? "peering" : "nat") }),
      // An inline route on a private subnet's table.
      ...(() => {
        const subnet = r("aws:ec2/subnet:Subnet", { tags: { SubnetType: "Private" } });
        const table = r("aws:ec2/routeTable:RouteTable", {
          routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0123" }],
        });
        return [
          subnet,
          table,
          r("aws:ec2/routeTableAssociation:RouteTableAssociation", {}, { dependsOn: [subnet, table] }),
        ];
      })(),
    ],
    message:
      /route to 0\.0\.0\.0\/0 goes to an internet gateway from a route table of private subnets \(private-b\)[\s\S]*default route 0\.0\.0\.0\/0 of private subnets \(private-c\) does not go to a NAT gateway[\s\S]*internet gateway/,
  },
  "nat-gateway-per-az": {
    pass: () => [...network(), ...network({ prefix: "dev-", zones: ["a", "b"], natIn: ["a"] })],
    fail: () => [
      ...network({ natIn: ["a", "b"] }),
      ...network({ prefix: "inside-", zones: ["a"], natSubnet: "private" }),
      ...network({ prefix: "cross-", zones: ["a", "b"] }).map((resource) =>
        // cross-private-b's default route goes through the NAT gateway of zone a.
        resource.name === "cross-private-b" && resource.type === "aws:ec2/route:Route"
          ? {
              ...resource,
              dependencies: [
                resource.dependencies[0]!,
                "urn:pulumi:test::p::aws:ec2/natGateway:NatGateway::cross-nat-a",
              ],
            }
          : resource,
      ),
      ...(() => {
        const twice = network({ prefix: "twice-", zones: ["a"] });
        const subnet = twice.find(
          (resource) => resource.name === "twice-public-a" && resource.type === "aws:ec2/subnet:Subnet",
        )!;
        return [
          ...twice,
          r(
            "aws:ec2/natGateway:NatGateway",
            { subnetId: "s", allocationId: "eipalloc-2" },
            { name: "twice-nat-a2", dependsOn: [subnet] },
          ),
        ];
      })(),
    ],
    message:
      /^(?=[\s\S]*2 NAT gateways but none in eu-west-1c)(?=[\s\S]*NAT gateway sits in inside-private-a, which is not a public)(?=[\s\S]*cross-private-b in eu-west-1b routes through cross-nat-a in eu-west-1a)(?=[\s\S]*2 NAT gateways in eu-west-1a \(twice-nat-a, twice-nat-a2\))/,
  },
  "k8s-namespace-pod-security": {
    pass: () => [
      namespace,
      r("kubernetes:core/v1:Namespace", {
        metadata: {
          labels: { "pod-security.kubernetes.io/enforce": "baseline" },
          annotations: { "data-platform.io/pod-security-exception": "EBS CSI node plugin needs hostPath" },
        },
      }),
    ],
    fail: () => [
      r("kubernetes:core/v1:Namespace", { metadata: { labels: {} } }),
      r("kubernetes:core/v1:Namespace", {
        metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
      }),
    ],
    message: /no pod-security|without a/,
  },
  "k8s-namespace-default-deny": {
    pass: () => [
      namespace,
      r(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        { metadata: { namespace: "trino" }, spec: defaultDeny },
        { dependsOn: [namespace] },
      ),
    ],
    fail: () => [
      namespace,
      r(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        { metadata: { namespace: "trino" }, spec: { ...defaultDeny, ingress: [{}] } },
        { dependsOn: [namespace] },
      ),
    ],
    message: /no default-deny/,
  },
  "k8s-no-latest-images": {
    pass: () => [
      r("kubernetes:helm.sh/v4:Chart", { chart: "trino", values: { image: { tag: "480" } } }),
      r("kubernetes:apps/v1:Deployment", {
        spec: { template: { spec: { containers: [{ image: "repo/app:1.2.3" }] } } },
      }),
    ],
    fail: () => [
      r("kubernetes:helm.sh/v4:Chart", { chart: "trino", values: { image: { tag: "latest" } } }),
      r("kubernetes:apps/v1:Deployment", { spec: { template: { spec: { containers: [{ image: "repo/app" }] } } } }),
    ],
    message: /"latest"|not pinned/,
  },
  "helm-values-resources-security": {
    pass: () => [
      r("kubernetes:helm.sh/v4:Chart", {
        chart: "aws-load-balancer-controller",
        values: {
          resources: { requests: { cpu: "100m" }, limits: { memory: "256Mi" } },
          securityContext: { runAsNonRoot: true },
        },
      }),
    ],
    fail: () => [
      r("kubernetes:helm.sh/v4:Chart", {
        chart: "aws-load-balancer-controller",
        values: { resources: { requests: { cpu: "100m" } } },
      }),
    ],
    message: /resources.limits|runAsNonRoot|sets no limits/,
  },
  "cost-mwaa-caps": {
    pass: () => [r("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", maxWorkers: 5 })],
    fail: () => [r("aws:mwaa/environment:Environment", { environmentClass: "mw1.xlarge", maxWorkers: 25 })],
    message: /above the cap/,
  },
  "quota-mwaa-environments": {
    pass: () => Array.from({ length: 10 }, () => r("aws:mwaa/environment:Environment", {})),
    fail: () => Array.from({ length: 11 }, () => r("aws:mwaa/environment:Environment", {})),
    message: /11 MWAA environments exceed the quota of 10/,
  },
  "cost-emr-idle-termination": {
    pass: () => [r("aws:emr/cluster:Cluster", { autoTerminationPolicy: { idleTimeout: 1800 } })],
    fail: () => [
      r("aws:emr/cluster:Cluster", {}),
      r("aws:ssm/parameter:Parameter", { value: JSON.stringify({ ReleaseLabel: "emr-7.5.0" }) }),
    ],
    message: /autoTerminationPolicy|IdleTimeout/,
  },
  "cost-redshift-base-capacity": {
    pass: () => [r("aws:redshiftserverless/workgroup:Workgroup", { baseCapacity: 8 })],
    fail: () => [r("aws:redshiftserverless/workgroup:Workgroup", {})],
    message: /128 RPU \(the default\)/,
  },
  "cost-kinesis-on-demand": {
    pass: () => [r("aws:kinesis/stream:Stream", { streamModeDetails: { streamMode: "PROVISIONED" }, shardCount: 24 })],
    fail: () => [r("aws:kinesis/stream:Stream", { streamModeDetails: { streamMode: "ON_DEMAND" } })],
    message: /ON_DEMAND/,
  },
  "cost-s3-gateway-endpoint": {
    pass: () => {
      const vpc = r("aws:ec2/vpc:Vpc", {});
      return [
        vpc,
        r(
          "aws:ec2/vpcEndpoint:VpcEndpoint",
          { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" },
          { dependsOn: [vpc] },
        ),
      ];
    },
    fail: () => [r("aws:ec2/vpc:Vpc", {}), ...network({ s3: (zone) => zone !== "b" })],
    message:
      /VPC has no S3 gateway endpoint[\s\S]*route table of private subnets \(private-b\) has no S3 gateway endpoint/,
  },
  "cost-monthly-budget": {
    // mw1.small ($357.70) + an EKS control plane ($73) fit a $700 budget; a second environment does not.
    config: { "cost-monthly-budget": { monthlyBudgetUsd: 700, usage: { mwaaExtraWorkerHoursPerDay: 0 } } },
    pass: () => [
      r("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", minWorkers: 1 }),
      r("aws:eks/cluster:Cluster", {}),
    ],
    fail: () => [
      r("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", minWorkers: 1 }),
      r("aws:mwaa/environment:Environment", { environmentClass: "mw1.small", minWorkers: 1 }),
      r("aws:eks/cluster:Cluster", {}),
    ],
    message:
      /estimated \$788\/month is over the budget of \$700; top drivers: MWAA mw1\.small environment \$715, EKS control plane \$73/,
  },
  "cost-idle-node-group": {
    pass: () => [
      r("aws:eks/nodeGroup:NodeGroup", {
        instanceTypes: ["r7g.4xlarge"],
        scalingConfig: { desiredSize: 4, minSize: 2 },
        taints: [{ key: "data-platform.io/dedicated", value: "query", effect: "NO_SCHEDULE" }],
      }),
      r("kubernetes:helm.sh/v4:Chart", {
        chart: "oci://harbor.starburstdata.net/starburstdata/charts/starburst-enterprise",
      }),
      r("aws:eks/nodeGroup:NodeGroup", {
        instanceTypes: ["m7g.2xlarge"],
        scalingConfig: { desiredSize: 0, minSize: 0 },
        taints: [{ key: "data-platform.io/dedicated", value: "notebooks", effect: "NO_SCHEDULE" }],
      }),
      r("aws:eks/nodeGroup:NodeGroup", {
        instanceTypes: ["m7g.large"],
        scalingConfig: { desiredSize: 2, minSize: 2 },
        taints: [],
      }),
    ],
    fail: () => [
      r("aws:eks/nodeGroup:NodeGroup", {
        instanceTypes: ["r7g.4xlarge"],
        scalingConfig: { desiredSize: 4, minSize: 2 },
        taints: [{ key: "data-platform.io/dedicated", value: "query", effect: "NO_SCHEDULE" }],
      }),
      r("kubernetes:helm.sh/v4:Chart", { chart: "jupyterhub" }),
    ],
    message:
      /4 r7g\.4xlarge node\(s\) dedicated to "query", but the stage runs none of its charts \(trino, starburst-enterprise\)/,
  },
};

describe("policy pack rules", () => {
  it("has a passing and a failing case for every rule, and every rule names its source id", () => {
    expect(Object.keys(cases).sort()).toEqual(policies.map((policy) => policy.name).sort());
    for (const policy of policies) expect(policy.description, policy.name).toMatch(/^\[[^\]]+\]/);
  });

  for (const policy of policies) {
    const testCase = cases[policy.name];
    if (!testCase) continue;
    it(`${policy.name}: passes compliant resources`, async () => {
      const findings = await evaluatePolicies(testCase.pass(), { policies: [policy], config: testCase.config ?? {} });
      expect(findings).toEqual([]);
    });
    it(`${policy.name}: fails violating resources`, async () => {
      const findings = await evaluatePolicies(testCase.fail(), { policies: [policy], config: testCase.config ?? {} });
      expect(findings.length).toBeGreaterThan(0);
      for (const finding of findings) {
        expect(finding.policy).toBe(policy.name);
        expect(finding.urn).toMatch(/^urn:pulumi:/);
      }
      expect(findings.map((finding) => finding.message).join("\n")).toMatch(testCase.message);
    });
  }
});

describe("EMR templates in SSM parameters", () => {
  it("are read from insecureValue (the platform's choice: a template holds no secret) as well as value", async () => {
    const template = JSON.stringify({ ReleaseLabel: "emr-7.5.0" });
    const [fromInsecure, fromValue] = await Promise.all([
      evaluatePolicies([r("aws:ssm/parameter:Parameter", { insecureValue: template })], {
        policies: policies.filter((policy) => policy.name === "cost-emr-idle-termination"),
      }),
      evaluatePolicies([r("aws:ssm/parameter:Parameter", { value: template })], {
        policies: policies.filter((policy) => policy.name === "cost-emr-idle-termination"),
      }),
    ]);
    expect(fromInsecure.map((finding) => finding.message)).toEqual([
      "EMR template has no AutoTerminationPolicy.IdleTimeout",
    ]);
    expect(fromValue.map((finding) => finding.message)).toEqual([
      "EMR template has no AutoTerminationPolicy.IdleTimeout",
    ]);
  });

  it("are checked for the Docker runtime image from insecureValue too (where the platform writes them)", async () => {
    const template = JSON.stringify({
      ReleaseLabel: "emr-6.15.0",
      Configurations: [
        { Classification: "spark-defaults", Properties: { "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker" } },
      ],
    });
    const findings = await evaluatePolicies([r("aws:ssm/parameter:Parameter", { insecureValue: template })], {
      policies: policies.filter((policy) => policy.name === "emr-docker-runtime-image"),
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE is docker but spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE is not set",
    ]);
  });
});

describe("evaluatePolicies", () => {
  it("reports security rules as mandatory and cost rules as advisory", async () => {
    const findings = await evaluatePolicies([
      r("aws:kms/key:Key", {}),
      r("aws:kinesis/stream:Stream", {
        encryptionType: "KMS",
        kmsKeyId: "k",
        retentionPeriod: 168,
        streamModeDetails: { streamMode: "ON_DEMAND" },
      }),
    ]);
    expect(findings.map((finding) => [finding.policy, finding.level])).toEqual([
      ["kms-key-rotation", "mandatory"],
      ["cost-kinesis-on-demand", "advisory"],
    ]);
  });

  it("takes enforcement levels and parameters from policy config", async () => {
    const resources = [
      r("aws:kms/key:Key", {}),
      r("aws:mwaa/environment:Environment", {
        environmentClass: "mw1.large",
        maxWorkers: 5,
        webserverAccessMode: "PRIVATE_ONLY",
        loggingConfiguration: mwaaLogs,
        kmsKey: "k",
        sourceBucketArn: "b",
      }),
    ];
    const findings = await evaluatePolicies(resources, {
      config: {
        "kms-key-rotation": "disabled",
        "cost-mwaa-caps": { enforcementLevel: "mandatory", maxMwaaEnvironmentClass: "mw1.large" },
      },
    });
    expect(findings).toEqual([]);
    const strict = await evaluatePolicies(resources, {
      config: { "cost-mwaa-caps": { enforcementLevel: "mandatory", maxMwaaEnvironmentClass: "mw1.small" } },
    });
    expect(strict.find((finding) => finding.policy === "cost-mwaa-caps")).toMatchObject({
      level: "mandatory",
      message: "environmentClass mw1.large is above the cap mw1.small",
    });
  });

  it('applies the level under "all" to every rule a rule of its own does not override', async () => {
    const resources = [
      r("aws:kms/key:Key", {}),
      r("aws:kinesis/stream:Stream", {
        encryptionType: "KMS",
        kmsKeyId: "k",
        retentionPeriod: 168,
        streamModeDetails: { streamMode: "ON_DEMAND" },
      }),
    ];
    const findings = await evaluatePolicies(resources, {
      config: { all: "advisory", "cost-kinesis-on-demand": { enforcementLevel: "mandatory" } },
    });
    expect(findings.map((finding) => [finding.policy, finding.level])).toEqual([
      ["kms-key-rotation", "advisory"],
      ["cost-kinesis-on-demand", "mandatory"],
    ]);
  });
});

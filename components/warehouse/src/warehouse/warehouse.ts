import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyPolicyOf, protectedKey } from "@data-platform/aws-blocks";
import { physicalName } from "@data-platform/conventions";
import { databaseName, type LakeRef, type LakeGrant } from "@data-platform/data-lake";
import { serviceKeyPolicy, serviceTrust } from "../shared/policies";
import { resolveSpectrumDomains, validateWarehouseArgs, warehouseDefaults, type WarehouseArgs } from "./args";
import { createUserSql, externalSchemaSql, grantUsageSql, ownedSchemaSql } from "./sql";

export type { WarehouseContract } from "@data-platform/platform-contract";
import type { WarehouseContract } from "@data-platform/platform-contract";

/** Audit logs the namespace exports to CloudWatch Logs (Redshift.2). */
export const auditLogTypes = ["connectionlog", "userlog", "useractivitylog"] as const;

/**
 * The workgroup's full parameter set. Redshift returns every parameter, so declaring only
 * some makes the provider show a difference on every run; values are Redshift's defaults
 * except where noted.
 */
export const workgroupParameters: Readonly<Record<string, string>> = {
  auto_mv: "true",
  datestyle: "ISO, MDY",
  enable_case_sensitive_identifier: "false",
  // Needed for the useractivitylog export.
  enable_user_activity_logging: "true",
  max_query_execution_time: "14400",
  query_group: "default",
  // Redshift.2: plain-text connections are refused.
  require_ssl: "true",
  search_path: "$user, public",
  use_fips_ssl: "false",
};

/** Options shared by the Data API statements: each runs once per namespace (see the README). */
function runOnce(
  parent: pulumi.Resource,
  namespace: aws.redshiftserverless.Namespace,
  dependsOn: pulumi.Resource[] = [],
): pulumi.CustomResourceOptions {
  return {
    parent,
    dependsOn,
    // The provider forgets these once the Data API expires the statement (after 24 h): without
    // this, a refresh would re-run every statement, and CREATE USER is not idempotent.
    ignoreChanges: ["sql", "workgroupName", "secretArn"],
    // A new namespace is an empty database: run the statements again there.
    replaceWith: [namespace],
  };
}

/**
 * Redshift Serverless for Looker: a private, KMS-encrypted namespace and workgroup with
 * audit logs, SSL only, enhanced VPC routing, a low base capacity and a usage limit;
 * Spectrum external schemas over the lake's curated Glue databases (no copies), read
 * through a role that Lake Formation governs; and a Looker user whose generated password
 * lives in Secrets Manager.
 */
export class Warehouse extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly namespace: aws.redshiftserverless.Namespace;
  readonly workgroup: aws.redshiftserverless.Workgroup;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly usageLimit: aws.redshiftserverless.UsageLimit;
  /** The namespace's IAM role: Spectrum reads the lake with it. */
  readonly spectrumRole: aws.iam.Role;
  /** The lake grants of the Spectrum role (IAM policies and Lake Formation permissions). */
  readonly spectrumGrants: LakeGrant[];
  readonly lookerSecret: aws.secretsmanager.Secret;
  /** `CREATE EXTERNAL SCHEMA` statements by schema (= Glue database) name. */
  readonly externalSchemas: Record<string, aws.redshiftdata.Statement>;
  readonly databaseName: string;
  readonly lookerUserName: string;
  readonly lookerScratchSchema: string;
  readonly port: number;
  readonly baseCapacityRpu: number;
  readonly maxCapacityRpu: number;
  /** Host name of the workgroup endpoint. */
  readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad args fail before anything is registered.
    validateWarehouseArgs(name, args);
    super("data-platform:warehouse:Warehouse", name, {}, opts);
    const lake: LakeRef = args.lake;
    const protect = args.protect ?? true;
    const child = { parent: this };
    const stateful = { parent: this, protect, retainOnDelete: protect };
    const tags = { ...args.tags };
    const { accountId, partition, region } = lake.account;

    this.databaseName = args.databaseName ?? warehouseDefaults.databaseName;
    this.lookerUserName = args.lookerUserName ?? warehouseDefaults.lookerUserName;
    this.lookerScratchSchema = args.lookerScratchSchema ?? warehouseDefaults.lookerScratchSchema;
    this.port = args.port ?? warehouseDefaults.port;
    this.baseCapacityRpu = args.baseCapacityRpu ?? warehouseDefaults.baseCapacityRpu;
    this.maxCapacityRpu = args.maxCapacityRpu ?? warehouseDefaults.maxCapacityRpu;
    const namespaceName = physicalName("generic", args.prefix, args.stage, "warehouse");
    // Where Redshift Serverless exports audit logs: `/aws/redshift/<namespace>/<log_type>`, into an existing group of
    // that name if there is one ("Audit logging for Amazon Redshift Serverless",
    // https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html) - not `/aws/redshift/serverless/`.
    const logGroupPrefix = `/aws/redshift/${namespaceName}/`;

    this.key = protectedKey(this, `${name}-key`, {
      description: "Warehouse: Redshift Serverless data, its admin and Looker secrets, audit logs",
      alias: physicalName("kmsAlias", args.prefix, args.stage, "warehouse"),
      policy: keyPolicyOf({ partition, region, accountId, administratorArns: args.administratorArns }, (context) =>
        serviceKeyPolicy({
          ...context,
          services: ["redshift-serverless", "redshift", "redshift-data", "secretsmanager"],
          logGroupPrefix,
        }),
      ),
      tags,
      protect,
    });

    // Created before the namespace, so Redshift exports into them (encrypted, with a retention)
    // instead of creating its own groups that keep logs forever.
    const logGroups = auditLogTypes.map(
      (logType) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${logType}`,
          {
            name: `${logGroupPrefix}${logType}`,
            retentionInDays: args.auditLogRetentionDays ?? warehouseDefaults.auditLogRetentionDays,
            kmsKeyId: this.key.arn,
            tags,
          },
          // Audit logs are evidence: protected and retained like the other stateful resources.
          stateful,
        ),
    );

    this.spectrumRole = new aws.iam.Role(
      `${name}-spectrum`,
      {
        name: physicalName("iamRole", args.prefix, args.stage, "warehouse-spectrum"),
        description:
          "Redshift Serverless reads the lake's curated zones (Spectrum) with this role, governed by Lake Formation",
        assumeRolePolicy: JSON.stringify(serviceTrust(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"])),
        tags,
      },
      child,
    );
    const grantee = { name: `${name}-spectrum`, role: this.spectrumRole };
    const spectrumDomains = resolveSpectrumDomains(lake, args.spectrumDomains);
    // Other domains' data is read through Lake Formation only (named products, no bucket or key access).
    this.spectrumGrants = spectrumDomains.map((domain) =>
      lake.grantRead(grantee, { domain: domain.name, zones: ["analytics"], products: domain.products }),
    );
    const schemas = spectrumDomains.map((domain) => databaseName(domain.name, "analytics"));
    if (args.spectrumCentralAnalytics ?? true) {
      this.spectrumGrants.push(lake.grantRead(grantee, { zone: "analytics" }));
      schemas.push(databaseName("central", "analytics"));
    }
    schemas.sort();

    this.namespace = new aws.redshiftserverless.Namespace(
      name,
      {
        namespaceName,
        dbName: this.databaseName,
        adminUsername: args.adminUsername ?? warehouseDefaults.adminUsername,
        // Secrets Manager generates, stores and rotates the admin password; it never reaches this program.
        manageAdminPassword: true,
        adminPasswordSecretKmsKeyId: this.key.arn,
        kmsKeyId: this.key.arn,
        logExports: [...auditLogTypes],
        iamRoles: [this.spectrumRole.arn],
        defaultIamRoleArn: this.spectrumRole.arn,
        tags,
      },
      { ...stateful, dependsOn: logGroups },
    );

    const securityGroupName = physicalName("generic", args.prefix, args.stage, "warehouse");
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: securityGroupName,
        description: "Redshift Serverless workgroup: the named sources only",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...tags, Name: securityGroupName },
      },
      child,
    );
    for (const source of [...args.allowedSources].sort((a, b) => a.name.localeCompare(b.name))) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-ingress-${source.name}`,
        {
          securityGroupId: this.securityGroup.id,
          description: source.description ?? `${source.name} to Redshift`,
          ipProtocol: "tcp",
          fromPort: this.port,
          toPort: this.port,
          cidrIpv4: source.cidr,
          referencedSecurityGroupId: source.securityGroupId,
          tags: { ...tags, Name: `${securityGroupName}-${source.name}` },
        },
        child,
      );
    }
    // Enhanced VPC routing sends Spectrum's S3, Glue, Lake Formation and KMS calls through the
    // VPC: HTTPS to the endpoints and the S3 gateway (or the NAT gateway), nothing else.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress-https`,
      {
        securityGroupId: this.securityGroup.id,
        description: "HTTPS to AWS APIs and S3",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      child,
    );

    this.workgroup = new aws.redshiftserverless.Workgroup(
      `${name}-workgroup`,
      {
        workgroupName: namespaceName,
        namespaceName: this.namespace.namespaceName,
        baseCapacity: this.baseCapacityRpu,
        maxCapacity: this.maxCapacityRpu,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        subnetIds: args.privateSubnetIds,
        securityGroupIds: [this.securityGroup.id],
        port: this.port,
        configParameters: Object.entries(workgroupParameters).map(([parameterKey, parameterValue]) => ({
          parameterKey,
          parameterValue,
        })),
        tags,
      },
      child,
    );

    this.usageLimit = new aws.redshiftserverless.UsageLimit(
      `${name}-usage-limit`,
      {
        resourceArn: this.workgroup.arn,
        usageType: "serverless-compute",
        amount: args.usageLimitRpuHours ?? this.baseCapacityRpu * warehouseDefaults.usageLimitHoursAtBase,
        period: args.usageLimitPeriod ?? warehouseDefaults.usageLimitPeriod,
        breachAction: args.usageLimitBreachAction ?? warehouseDefaults.usageLimitBreachAction,
      },
      child,
    );

    // Statements run as the administrator, through the secret Redshift manages for it.
    const statementTarget = {
      workgroupName: this.workgroup.workgroupName,
      database: this.namespace.dbName,
      secretArn: this.namespace.adminPasswordSecretArn,
    };
    const grantResources = this.spectrumGrants.flatMap((grant) => [grant.policy, ...grant.permissions]);
    this.externalSchemas = {};
    for (const schema of schemas) {
      this.externalSchemas[schema] = new aws.redshiftdata.Statement(
        `${name}-schema-${schema}`,
        {
          ...statementTarget,
          statementName: `${name}-schema-${schema}`,
          sql: this.spectrumRole.arn.apply((roleArn) => externalSchemaSql(schema, schema, roleArn)),
        },
        runOnce(this, this.namespace, grantResources),
      );
    }

    // Secrets Manager generates the password (no extra provider). The invoke answers anew on
    // every run; only the first answer is used: the secret value is write-only and its later
    // values are ignored, and CREATE USER runs once. Pulumi keeps the SQL in state as a secret.
    const password = aws.secretsmanager.getRandomPasswordOutput(
      { passwordLength: 32, excludePunctuation: true, includeSpace: false, requireEachIncludedType: true },
      { parent: this },
    ).randomPassword;
    this.lookerSecret = new aws.secretsmanager.Secret(
      `${name}-looker-secret`,
      {
        name: `${args.prefix}/${args.stage}/warehouse/${this.lookerUserName}`,
        description: "Redshift user and password for Looker's connection to the warehouse",
        kmsKeyId: this.key.arn,
        recoveryWindowInDays: 30,
        tags,
      },
      stateful,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-looker-secret-value`,
      {
        secretId: this.lookerSecret.id,
        secretStringWo: pulumi.secret(
          password.apply((value) =>
            JSON.stringify({
              engine: "redshift",
              username: this.lookerUserName,
              password: value,
              dbname: this.databaseName,
              port: this.port,
            }),
          ),
        ),
        secretStringWoVersion: 1,
      },
      { parent: this, ignoreChanges: ["secretStringWo"] },
    );
    const lookerUser = new aws.redshiftdata.Statement(
      `${name}-looker-user`,
      {
        ...statementTarget,
        statementName: `${name}-looker-user`,
        sql: pulumi.secret(password.apply((value) => createUserSql(this.lookerUserName, value))),
      },
      runOnce(this, this.namespace),
    );
    new aws.redshiftdata.Statement(
      `${name}-looker-scratch`,
      {
        ...statementTarget,
        statementName: `${name}-looker-scratch`,
        sql: ownedSchemaSql(this.lookerScratchSchema, this.lookerUserName),
      },
      runOnce(this, this.namespace, [lookerUser]),
    );
    for (const schema of schemas) {
      new aws.redshiftdata.Statement(
        `${name}-looker-usage-${schema}`,
        {
          ...statementTarget,
          statementName: `${name}-looker-usage-${schema}`,
          sql: grantUsageSql(schema, this.lookerUserName),
        },
        runOnce(this, this.namespace, [lookerUser, this.externalSchemas[schema]!]),
      );
    }

    this.endpoint = pulumi
      .all([this.workgroup.endpoints, this.workgroup.workgroupName, accountId, region])
      .apply(
        ([endpoints, workgroupName, account, regionValue]) =>
          endpoints?.[0]?.address ?? `${workgroupName}.${account}.${regionValue}.redshift-serverless.amazonaws.com`,
      );

    this.registerOutputs({ contract: this.contract() });
  }

  /** Names of the external schemas, sorted. */
  externalSchemaNames(): string[] {
    return Object.keys(this.externalSchemas).sort();
  }

  /** What the warehouse contributes to the platform contract (no secret values: the secret's ARN only). */
  contract(): pulumi.Output<WarehouseContract> {
    return pulumi.output({
      endpoint: this.endpoint,
      port: this.port,
      database: this.databaseName,
      workgroupName: this.workgroup.workgroupName,
      namespaceName: this.namespace.namespaceName,
      looker: {
        userName: this.lookerUserName,
        secretArn: this.lookerSecret.arn,
        scratchSchema: this.lookerScratchSchema,
      },
      externalSchemas: this.externalSchemaNames(),
      spectrumRoleArn: this.spectrumRole.arn,
    });
  }
}

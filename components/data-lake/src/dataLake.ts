import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { protectedKey } from "@data-platform/aws-blocks";
import { lfTagKeys, physicalName, platformDefaults, productTagValue, tagKeys } from "@data-platform/conventions";
import type { LakeContract } from "@data-platform/platform-contract";
import {
  validateDataLakeArgs,
  centralZones,
  classifications,
  type CentralZone,
  type Classification,
  type DataLakeArgs,
  type DomainZone,
} from "./args";
import { LakeBucket } from "./bucket";
import { GranteePolicies } from "./grantPolicy";
import { createGrant, type LakeGrant, type LakeGrantee, type LakeScope } from "./grants";
import type { AccountFacts, LakeRef } from "./lakeRef";
import { keyPolicy, lakeFormationTrustPolicy, policyDocument, registrationStorageStatements } from "./policies";

/** One domain's storage: its key, a bucket and a Glue database per zone it uses. */
export interface LakeDomain {
  name: string;
  key: aws.kms.Key;
  buckets: Partial<Record<DomainZone, LakeBucket>>;
  databases: Partial<Record<DomainZone, aws.glue.CatalogDatabase>>;
  zones: DomainZone[];
  /** Data product (table) names by zone. */
  products: Partial<Record<DomainZone, string[]>>;
}

/** The lake's part of the platform contract (plain values once resolved). */
export type DataLakeContract = LakeContract;
export type { BucketRef } from "@data-platform/platform-contract";

/**
 * The warning for an account whose Lake Formation settings still give IAMAllowedPrincipals the default
 * permissions on new databases or tables (Lake Formation would not govern them), or undefined.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function iamAllowedPrincipalsDefaultsWarning(settings: {
  createDatabaseDefaultPermissions: { principal?: string; permissions?: string[] }[];
  createTableDefaultPermissions: { principal?: string; permissions?: string[] }[];
}): string | undefined {
  const lists = (["createDatabaseDefaultPermissions", "createTableDefaultPermissions"] as const).filter((list) =>
    settings[list].some((entry) => entry.principal === "IAM_ALLOWED_PRINCIPALS"),
  );
  if (lists.length === 0) return undefined;
  return (
    `Lake Formation settings give IAM_ALLOWED_PRINCIPALS default permissions (${lists.join(", ")}): new databases and tables would be governed by IAM only. ` +
    "Creating the lake's settings resource clears them; an update cannot (the provider omits empty lists, pulumi-aws #4366). " +
    'After this update, check `aws lakeformation get-data-lake-settings` and clear them as the README\'s "Lake Formation settings" step shows.'
  );
}

const classificationRank: Record<Classification, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };

/** The Glue database of a domain's zone (`orders_raw`) or a central zone (`central_raw`). */
export function databaseName(owner: string, zone: string): string {
  return physicalName("glueDatabase", owner, zone);
}

/**
 * The governed S3 data lake: central zones (landing, raw, analytics), artifacts
 * and access-log buckets, a bucket per domain and zone with a KMS key per domain,
 * Glue databases for Delta tables, and Lake Formation governing access.
 */
export class DataLake extends pulumi.ComponentResource implements LakeRef {
  /** The platform key: central zones, artifacts and the Glue Data Catalog. */
  readonly platformKey: aws.kms.Key;
  readonly accessLogBucket: LakeBucket;
  readonly artifactsBucket: LakeBucket;
  readonly zones: Record<CentralZone, LakeBucket>;
  readonly centralDatabases: Record<Exclude<CentralZone, "landing">, aws.glue.CatalogDatabase>;
  /** The user-defined role Lake Formation uses for every registered location. */
  readonly registrationRole: aws.iam.Role;
  readonly settings: aws.lakeformation.DataLakeSettings;
  /**
   * The LF-Tags. `product` (values `<domain>.<product>`, see `productTagValue`) exists once a registered domain
   * publishes a data product: readers outside the producing domain are granted through it.
   */
  readonly lfTags: {
    domain: aws.lakeformation.LfTag;
    zone: aws.lakeformation.LfTag;
    classification: aws.lakeformation.LfTag;
    product?: aws.lakeformation.LfTag;
  };
  readonly account: AccountFacts;
  /** Table format of every table registered in the catalog. */
  readonly tableFormat = "delta" as const;
  private readonly lakeName: string;
  private readonly domainStorage = new Map<string, LakeDomain>();
  private readonly granteePolicies: GranteePolicies;

  constructor(name: string, args: DataLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad args fail before anything is registered.
    validateDataLakeArgs(name, args);
    super("data-platform:lake:DataLake", name, {}, opts);
    this.lakeName = name;
    this.granteePolicies = new GranteePolicies(name, { parent: this });
    const protect = args.protect ?? true;
    const stateful = { parent: this, protect, retainOnDelete: protect };
    const child = { parent: this };
    const tags = args.tags ?? {};
    const retentionDefaults = {
      noncurrentVersionExpirationDays:
        args.noncurrentVersionExpirationDays ?? platformDefaults.lake.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays:
        args.abortIncompleteMultipartUploadDays ?? platformDefaults.lake.abortIncompleteMultipartUploadDays,
    };
    const tieringDays = args.intelligentTieringAfterDays ?? platformDefaults.lake.intelligentTieringAfterDays;
    const logDays = args.logExpirationDays ?? 365;

    const identity = aws.getCallerIdentityOutput({}, child);
    this.account = {
      accountId: identity.accountId,
      partition: aws.getPartitionOutput({}, child).partition,
      region: aws.getRegionOutput({}, child).region,
    };
    const { accountId, partition, region } = this.account;
    const bucketName = (...parts: string[]) =>
      accountId.apply((account) => physicalName("s3Bucket", args.prefix, args.stage, ...parts, account));
    const administrators = pulumi.output(args.administratorArns);

    // The registration role first: key policies name it as a key user.
    this.registrationRole = new aws.iam.Role(
      `${name}-lf-registration`,
      {
        name: physicalName("iamRole", args.prefix, args.stage, "lake-registration"),
        description: "Lake Formation uses this role to access the lake's registered locations.",
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(lakeFormationTrustPolicy(account))),
        tags,
      },
      child,
    );

    const newKey = (
      keyName: string,
      description: string,
      domain: string | undefined,
      keyTags: Record<string, string>,
    ) =>
      protectedKey(this, keyName, {
        description,
        alias: physicalName("kmsAlias", args.prefix, args.stage, ...(domain ? [domain] : []), "lake"),
        policy: pulumi
          .all([partition, region, accountId, administrators, this.registrationRole.arn])
          .apply(([partitionValue, regionValue, account, admins, registrationArn]) =>
            keyPolicy({
              partition: partitionValue,
              region: regionValue,
              accountId: account,
              administratorArns: admins,
              userArns: [registrationArn],
              domain,
            }),
          ),
        tags: keyTags,
        protect,
      });

    this.platformKey = newKey(
      `${name}-key`,
      "Data lake: central zones, artifacts and the Glue Data Catalog",
      undefined,
      tags,
    );

    const bucketBase = { ...retentionDefaults, protect };
    this.accessLogBucket = new LakeBucket(
      `${name}-access-logs`,
      {
        ...bucketBase,
        bucketName: bucketName("access-logs"),
        // S3 delivers server access logs only to buckets encrypted with SSE-S3.
        kmsKeyArn: undefined,
        retention: { kind: "logs", expirationDays: logDays },
        policy: pulumi.all([accountId, partition]).apply(([account, partitionValue]) => ({
          allowAccessLogDelivery: {
            accountId: account,
            sourceBucketArnPrefix: `arn:${partitionValue}:s3:::${args.prefix}-${args.stage}-`,
          },
        })),
        tags,
      },
      child,
    );
    const loggedBucket = { ...bucketBase, kmsKeyArn: this.platformKey.arn, accessLogBucket: this.accessLogBucket.name };
    this.artifactsBucket = new LakeBucket(
      `${name}-artifacts`,
      {
        ...loggedBucket,
        bucketName: bucketName("artifacts"),
        retention: { kind: "logs", expirationDays: logDays, logPrefix: "logs/" },
        tags,
      },
      child,
    );
    const zoneBucket = (zone: CentralZone) =>
      new LakeBucket(
        `${name}-${zone}`,
        {
          ...loggedBucket,
          bucketName: bucketName(zone),
          retention:
            zone === "landing"
              ? {
                  kind: "expiring",
                  expirationDays: args.landingExpirationDays ?? platformDefaults.lake.landingExpirationDays,
                }
              : { kind: "tiered", intelligentTieringAfterDays: tieringDays },
          tags,
        },
        child,
      );
    this.zones = { landing: zoneBucket("landing"), raw: zoneBucket("raw"), analytics: zoneBucket("analytics") };

    new aws.glue.DataCatalogEncryptionSettings(
      `${name}-catalog-encryption`,
      {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: this.platformKey.arn },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: this.platformKey.arn },
        },
      },
      child,
    );

    // Lake Formation governs: no IAMAllowedPrincipals defaults on new databases and tables. PutDataLakeSettings
    // replaces the whole object, so the read-only admins, trusted owners and parameters are carried from args.
    //
    // What the provider really sends (terraform-provider-aws internal/service/lakeformation/data_lake_settings.go,
    // which @pulumi/aws bridges): both default-permission lists are `Optional`+`Computed`, and Create/Update only
    // set them `if v, ok := d.GetOk(...)`, so `[]` is never sent as an empty list - the field is omitted. On the
    // resource's creation that is what we want: Lake Formation documents that omitting them "is equivalent to
    // passing empty lists" (https://docs.aws.amazon.com/lake-formation/latest/dg/change-settings.html). Afterwards,
    // `Computed` keeps whatever the API returned: once IAM_ALLOWED_PRINCIPALS is back (the console's "Use only IAM
    // access control", another tool), no diff shows and every update re-sends it (pulumi-aws #4366). No input
    // form clears it on update (an entry needs a principal, and the API accepts only ALL for
    // IAM_ALLOWED_PRINCIPALS), so the program reads the account's settings and warns (below), and the README's
    // post-deploy check gives the command that clears them.
    this.settings = new aws.lakeformation.DataLakeSettings(
      `${name}-settings`,
      {
        admins: args.administratorArns,
        readOnlyAdmins: args.lakeFormation?.readOnlyAdminArns ?? [],
        trustedResourceOwners: args.lakeFormation?.trustedResourceOwners ?? [],
        parameters: args.lakeFormation?.parameters ?? {},
        createDatabaseDefaultPermissions: [],
        createTableDefaultPermissions: [],
      },
      child,
    );
    const current = aws.lakeformation.getDataLakeSettingsOutput({}, child);
    pulumi
      .all([current.createDatabaseDefaultPermissions, current.createTableDefaultPermissions])
      .apply(([databases, tables]) => {
        const message = iamAllowedPrincipalsDefaultsWarning({
          createDatabaseDefaultPermissions: databases,
          createTableDefaultPermissions: tables,
        });
        if (message) void pulumi.log.warn(message, this);
      });
    const registered = [...new Set(args.registeredDomainNames ?? args.domains.map((domain) => domain.name))].sort();
    const lfTag = (key: string, values: string[]) =>
      new aws.lakeformation.LfTag(`${name}-tag-${key}`, { key, values }, { parent: this, dependsOn: [this.settings] });
    const productValues = [
      ...new Set(
        (
          args.registeredDataProducts ??
          args.domains.flatMap((domain) =>
            (domain.dataProducts ?? []).map((product) => ({ domain: domain.name, name: product.name })),
          )
        ).map((product) => productTagValue(product.domain, product.name)),
      ),
    ].sort();
    this.lfTags = {
      domain: lfTag(lfTagKeys.domain, ["central", ...registered]),
      zone: lfTag(lfTagKeys.zone, [...centralZones]),
      classification: lfTag(lfTagKeys.classification, [...classifications]),
      // An LF-Tag needs at least one value: no product, no tag (and nothing to grant on).
      ...(productValues.length > 0 ? { product: lfTag(lfTagKeys.product, productValues) } : {}),
    };
    const allTags = [this.lfTags.domain, this.lfTags.zone, this.lfTags.classification];

    // Every registered location's bucket, for the registration role's one storage policy (below).
    const registeredBuckets: pulumi.Output<string>[] = [];
    const registerLocation = (locationName: string, bucket: LakeBucket) => {
      registeredBuckets.push(bucket.arn);
      return new aws.lakeformation.Resource(
        locationName,
        {
          arn: bucket.arn,
          roleArn: this.registrationRole.arn,
          useServiceLinkedRole: false,
          hybridAccessEnabled: false,
        },
        { parent: this, dependsOn: [this.settings] },
      );
    };

    const database = (
      databaseResourceName: string,
      owner: string,
      zone: Exclude<CentralZone, "landing">,
      bucket: LakeBucket,
      classification: Classification,
      databaseTags: Record<string, string>,
    ) => {
      const db = new aws.glue.CatalogDatabase(
        databaseResourceName,
        {
          name: databaseName(owner, zone),
          description: `${owner} ${zone} zone (Delta tables)`,
          locationUri: pulumi.interpolate`s3://${bucket.name}/`,
          parameters: { "data-platform:table-format": "delta" },
          tags: databaseTags,
        },
        { ...stateful, dependsOn: [this.settings] },
      );
      new aws.lakeformation.ResourceLfTags(
        `${databaseResourceName}-lf-tags`,
        {
          database: { name: db.name },
          lfTags: [
            { key: this.lfTags.domain.key, value: owner },
            { key: this.lfTags.zone.key, value: zone },
            { key: this.lfTags.classification.key, value: classification },
          ],
        },
        { parent: this, dependsOn: allTags },
      );
      return db;
    };

    this.centralDatabases = {
      raw: database(`${name}-central-raw-db`, "central", "raw", this.zones.raw, "internal", tags),
      analytics: database(
        `${name}-central-analytics-db`,
        "central",
        "analytics",
        this.zones.analytics,
        "internal",
        tags,
      ),
    };
    registerLocation(`${name}-raw-location`, this.zones.raw);
    registerLocation(`${name}-analytics-location`, this.zones.analytics);

    for (const domain of [...args.domains].sort((a, b) => a.name.localeCompare(b.name))) {
      const domainTags = { ...tags, ...domain.tags, [tagKeys.domain]: domain.name };
      const prefix = `${name}-${domain.name}`;
      const key = newKey(`${prefix}-key`, `Data lake: domain ${domain.name}`, domain.name, domainTags);
      const storage: LakeDomain = {
        name: domain.name,
        key,
        buckets: {},
        databases: {},
        zones: [...domain.zones].sort(),
        products: {},
      };
      for (const zone of storage.zones) {
        const bucket = new LakeBucket(
          `${prefix}-${zone}`,
          {
            ...bucketBase,
            kmsKeyArn: key.arn,
            accessLogBucket: this.accessLogBucket.name,
            bucketName: bucketName(domain.name, zone),
            retention: { kind: "tiered", intelligentTieringAfterDays: tieringDays },
            policy: this.registrationRole.arn.apply((registrationArn) => ({
              isolateToDomain: domain.name,
              trustedPrincipalArns: [registrationArn],
            })),
            tags: domainTags,
          },
          child,
        );
        const products = (domain.dataProducts ?? []).filter((product) => product.zone === zone);
        const classification = products.reduce<Classification>(
          (highest, product) =>
            classificationRank[product.classification] > classificationRank[highest] ? product.classification : highest,
          "internal",
        );
        storage.buckets[zone] = bucket;
        storage.databases[zone] = database(
          `${prefix}-${zone}-db`,
          domain.name,
          zone,
          bucket,
          classification,
          domainTags,
        );
        storage.products[zone] = products.map((product) => product.name);
        registerLocation(`${prefix}-${zone}-location`, bucket);
      }
      this.domainStorage.set(domain.name, storage);
    }

    // One policy for every registered location, listing each bucket once: IAM allows 10,240 characters of
    // inline policy per role, which one policy per location (about 660 each) would pass at 7 domains.
    new aws.iam.RolePolicy(
      `${name}-lf-registration-storage`,
      {
        role: this.registrationRole.name,
        policy: pulumi
          .all([pulumi.all(registeredBuckets), region, accountId, partition])
          .apply(([bucketArns, regionValue, account, partitionValue]) =>
            JSON.stringify(
              policyDocument(
                registrationStorageStatements({
                  bucketArns,
                  region: regionValue,
                  accountId: account,
                  partition: partitionValue,
                }),
              ),
            ),
          ),
      },
      child,
    );

    this.registerOutputs({ contract: this.contract() });
  }

  /** Names of the enabled domains, sorted. */
  domainNames(): string[] {
    return [...this.domainStorage.keys()].sort();
  }

  /** A domain's key, buckets and databases; throws for a domain the lake does not have. */
  domain(name: string): LakeDomain {
    const storage = this.domainStorage.get(name);
    if (!storage)
      throw new Error(
        `DataLake "${this.lakeName}" has no domain "${name}"; domains: ${this.domainNames().join(", ") || "none"}`,
      );
    return storage;
  }

  /**
   * Lets `grantee` read `scope`: an IAM policy on its role (S3 and KMS through S3,
   * Glue, Lake Formation data access) and Lake Formation permissions. A role of
   * another domain gets Lake Formation permissions on the named data products only,
   * never direct access to the producer's bucket or key.
   */
  grantRead(grantee: LakeGrantee, scope: LakeScope): LakeGrant {
    return createGrant(this, this.lakeName, "read", grantee, scope, { parent: this }, this.granteePolicies);
  }

  /** Lets `grantee` write `scope` (its own domain's data, or a central zone). Never another domain's data. */
  grantWrite(grantee: LakeGrantee, scope: LakeScope): LakeGrant {
    return createGrant(this, this.lakeName, "write", grantee, scope, { parent: this }, this.granteePolicies);
  }

  /** What the lake contributes to the platform contract. */
  contract(): pulumi.Output<DataLakeContract> {
    const bucketRef = (bucket: LakeBucket) => ({ name: bucket.name, arn: bucket.arn });
    return pulumi.output({
      tableFormat: this.tableFormat,
      platformKeyArn: this.platformKey.arn,
      accessLogBucket: bucketRef(this.accessLogBucket),
      artifactsBucket: bucketRef(this.artifactsBucket),
      zones: {
        landing: { bucket: bucketRef(this.zones.landing) },
        raw: { bucket: bucketRef(this.zones.raw), database: this.centralDatabases.raw.name },
        analytics: { bucket: bucketRef(this.zones.analytics), database: this.centralDatabases.analytics.name },
      },
      domains: Object.fromEntries(
        this.domainNames().map((domainName) => {
          const storage = this.domain(domainName);
          return [
            domainName,
            {
              keyArn: storage.key.arn,
              zones: Object.fromEntries(
                storage.zones.map((zone) => [
                  zone,
                  { bucket: bucketRef(storage.buckets[zone]!), database: storage.databases[zone]!.name },
                ]),
              ),
            },
          ];
        }),
      ),
    }) as pulumi.Output<DataLakeContract>;
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Grant, Grantee } from "@data-platform/aws-blocks";
import { productTagValue } from "@data-platform/conventions";
import type { CentralZone, DomainZone } from "./args";
import type { DataLake } from "./dataLake";
import { consumerCatalogStatements, directReadStatements, type GranteePolicies } from "./grantPolicy";
import { catalogStatements, storageStatements, type AccessLevel, type PolicyStatement } from "./policies";

/** Who receives a lake grant: a `Grantee` (stable name, part of the grant's resource names, and its role), and: */
export interface LakeGrantee extends Grantee {
  /** The grantee's own domain; a producer gets direct access to its own storage. Undefined for platform roles. */
  domain?: string;
  /**
   * The grantee reads S3 itself instead of through Lake Formation's credential vending (open-source
   * Trino): a read grant then also allows the products' objects and the domain key's decrypt through S3.
   * The role must carry the tag `data-platform:lake-reader=true`, which domain keys and buckets admit for reads.
   */
  directRead?: boolean;
}

/** What a grant covers. */
export type LakeScope =
  /** A domain's zones (all it uses by default), optionally only some data products (tables). */
  | { domain: string; zones?: DomainZone[]; products?: string[] }
  /** A central zone or the artifacts bucket, optionally only a prefix (landing and artifacts have no database). */
  | { zone: CentralZone | "artifacts"; prefix?: string };

/** A lake grant: the `Grant` shape, with its Lake Formation permissions and the policy it adds to. */
export interface LakeGrant extends Grant<LakeScope> {
  readonly grantee: LakeGrantee;
  /** The grantee's one lake policy (`<lake>-<grantee>-grants`), shared by all its grants. */
  readonly policy: aws.iam.RolePolicy;
  readonly permissions: aws.lakeformation.Permissions[];
}

const lakeFormationPermissions: Record<AccessLevel, { database: string[]; tables: string[] }> = {
  read: { database: ["DESCRIBE"], tables: ["SELECT", "DESCRIBE"] },
  write: { database: ["DESCRIBE", "CREATE_TABLE"], tables: ["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER"] },
};

function scopeKey(scope: LakeScope): string {
  return "domain" in scope ? scope.domain : `central-${scope.zone}`;
}

/**
 * Adds one grant's statements to the grantee's merged IAM policy and creates its Lake Formation
 * permissions. Never grants ALL or grant options.
 */
export function createGrant(
  lake: DataLake,
  lakeName: string,
  level: AccessLevel,
  grantee: LakeGrantee,
  scope: LakeScope,
  opts: pulumi.CustomResourceOptions,
  policies: GranteePolicies,
): LakeGrant {
  const baseName = `${lakeName}-${grantee.name}-${level}-${scopeKey(scope)}`;
  const { accountId, partition, region } = lake.account;
  const permissions: aws.lakeformation.Permissions[] = [];

  const lfPermission = (
    suffix: string,
    args: Omit<aws.lakeformation.PermissionsArgs, "principal" | "permissionsWithGrantOptions">,
  ) => {
    const permission = new aws.lakeformation.Permissions(
      `${baseName}-${suffix}`,
      { ...args, principal: grantee.role.arn, permissionsWithGrantOptions: [] },
      opts,
    );
    permissions.push(permission);
    return permission;
  };

  // Statements are assembled from resolved ARNs; only inputs are computed here, never resources.
  let statements: pulumi.Output<PolicyStatement[]>;

  if ("zone" in scope) {
    const bucket = scope.zone === "artifacts" ? lake.artifactsBucket : lake.zones[scope.zone];
    const database =
      scope.zone === "landing" || scope.zone === "artifacts" ? undefined : lake.centralDatabases[scope.zone];
    statements = pulumi
      .all([bucket.arn, lake.platformKey.arn, accountId, partition, region, database?.name ?? pulumi.output("")])
      .apply(([bucketArn, keyArn, account, partitionValue, regionValue, databaseName]) => [
        ...storageStatements({ bucketArn, keyArn, region: regionValue, level, prefix: scope.prefix }),
        ...(databaseName
          ? catalogStatements({
              catalogKeyArn: keyArn,
              partition: partitionValue,
              region: regionValue,
              accountId: account,
              databases: [databaseName],
              level,
            })
          : []),
      ]);
    if (database) {
      lfPermission("database", {
        permissions: lakeFormationPermissions[level].database,
        database: { name: database.name },
      });
      lfPermission("tables", {
        permissions: lakeFormationPermissions[level].tables,
        table: { databaseName: database.name, wildcard: true },
      });
      if (level === "write")
        lfPermission("location", { permissions: ["DATA_LOCATION_ACCESS"], dataLocation: { arn: bucket.arn } });
    }
  } else {
    const storage = lake.domain(scope.domain);
    const zones = scope.zones ?? storage.zones;
    for (const zone of zones) {
      if (!storage.zones.includes(zone))
        throw new Error(
          `grant ${baseName}: domain "${scope.domain}" has no "${zone}" zone (zones: ${storage.zones.join(", ")})`,
        );
    }
    const producer = grantee.domain === scope.domain;
    if (!producer && level === "write") {
      throw new Error(
        `grant ${baseName}: only the "${scope.domain}" domain's own roles may write its data (grantee domain: ${grantee.domain ?? "none"})`,
      );
    }
    const products = scope.products;
    if (!producer) {
      if (!products || products.length === 0)
        throw new Error(
          `grant ${baseName}: a role outside the "${scope.domain}" domain reads named data products only; pass scope.products`,
        );
      for (const product of products) {
        if (!zones.some((zone) => storage.products[zone]?.includes(product))) {
          throw new Error(
            `grant ${baseName}: "${scope.domain}" publishes no data product "${product}" in zones ${zones.join(", ")}`,
          );
        }
      }
    }
    const databases = zones.map((zone) => storage.databases[zone]!);
    const bucketArns = zones.map((zone) => storage.buckets[zone]!.arn);
    statements = pulumi
      .all([
        pulumi.all(bucketArns),
        pulumi.all(databases.map((database) => database.name)),
        storage.key.arn,
        lake.platformKey.arn,
        accountId,
        partition,
        region,
      ])
      .apply(([buckets, databaseNames, keyArn, catalogKeyArn, account, partitionValue, regionValue]) => [
        // Only the producer touches the bucket and key; consumers read through Lake Formation, or - engines
        // without credential vending - read exactly the products' objects.
        ...(producer
          ? buckets.flatMap((bucketArn) => storageStatements({ bucketArn, keyArn, region: regionValue, level }))
          : []),
        ...(!producer && grantee.directRead
          ? directReadStatements({
              locations: zones.flatMap((zone, index) =>
                (products ?? [])
                  .filter((product) => storage.products[zone]?.includes(product))
                  .map((product) => ({ bucketArn: buckets[index]!, product })),
              ),
              partition: partitionValue,
              region: regionValue,
              accountId: account,
            })
          : []),
        ...(producer
          ? catalogStatements({
              catalogKeyArn,
              partition: partitionValue,
              region: regionValue,
              accountId: account,
              databases: databaseNames,
              level,
            })
          : consumerCatalogStatements({
              catalogKeyArn,
              partition: partitionValue,
              region: regionValue,
              accountId: account,
            })),
      ]);
    zones.forEach((zone, index) => {
      const database = databases[index]!;
      lfPermission(`${zone}-database`, {
        permissions: lakeFormationPermissions[level].database,
        database: { name: database.name },
      });
      if (producer) {
        lfPermission(`${zone}-tables`, {
          permissions: lakeFormationPermissions[level].tables,
          table: { databaseName: database.name, wildcard: true },
        });
        if (level === "write")
          lfPermission(`${zone}-location`, {
            permissions: ["DATA_LOCATION_ACCESS"],
            dataLocation: { arn: storage.buckets[zone]!.arn },
          });
      } else {
        // The products' tables are created later, by the producing domain's DataProduct: a grant naming a table
        // fails while it does not exist (EntityNotFoundException). An LF-Tag expression matches the table once it
        // carries its `product` tag (and inherits the database's `domain` tag), whenever it is created.
        const productTag = lake.lfTags.product;
        for (const product of (products ?? []).filter((name) => storage.products[zone]?.includes(name)).sort()) {
          if (!productTag)
            throw new Error(
              `grant ${baseName}: the lake has no "product" LF-Tag; is "${product}" in the domain's dataProducts?`,
            );
          lfPermission(`${zone}-${product}`, {
            permissions: lakeFormationPermissions.read.tables,
            lfTagPolicy: {
              resourceType: "TABLE",
              expressions: [
                { key: lake.lfTags.domain.key, values: [scope.domain] },
                { key: productTag.key, values: [productTagValue(scope.domain, product)] },
              ],
            },
          });
        }
      }
    });
  }

  const policy = policies.add(grantee.name, grantee.role, statements);
  return { grantee, scope, statements, resources: [...permissions, policy], policy, permissions };
}

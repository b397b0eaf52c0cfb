import type * as pulumi from "@pulumi/pulumi";
import type { CentralZone, DomainZone } from "./args";
import type { LakeGrant, LakeGrantee, LakeScope } from "./grants";

/** Account facts every policy needs, resolved once. */
export interface AccountFacts {
  accountId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
  region: pulumi.Output<string>;
}

/** A lake bucket as its consumers see it: its name and ARN. */
export interface LakeBucketRef {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
}

/** One domain's storage as its consumers see it: the key's ARN, bucket and database names per zone, its products. */
export interface LakeDomainRef {
  readonly name: string;
  readonly key: { readonly arn: pulumi.Output<string> };
  readonly buckets: Partial<Record<DomainZone, LakeBucketRef>>;
  readonly databases: Partial<Record<DomainZone, { readonly name: pulumi.Output<string> }>>;
  readonly zones: DomainZone[];
  /** Data product (table) names by zone. */
  readonly products: Partial<Record<DomainZone, string[]>>;
}

/**
 * What a consumer needs from the lake (CDK's `IBucket` idea): account facts, the platform key, the central
 * buckets, each domain's key, buckets and databases, and the grant functions. `DataLake` implements it;
 * components take a `LakeRef`, so a test can pass a small fake instead of building a whole lake.
 */
export interface LakeRef {
  readonly account: AccountFacts;
  /** The platform key: central zones, artifacts and the Glue Data Catalog. */
  readonly platformKey: { readonly arn: pulumi.Output<string> };
  readonly accessLogBucket: LakeBucketRef;
  readonly artifactsBucket: LakeBucketRef;
  readonly zones: Readonly<Record<CentralZone, LakeBucketRef>>;
  /** Names of the enabled domains, sorted. */
  domainNames(): string[];
  /** A domain's key, buckets and databases; throws for a domain the lake does not have. */
  domain(name: string): LakeDomainRef;
  /** Lets `grantee` read `scope` (see `DataLake.grantRead`). */
  grantRead(grantee: LakeGrantee, scope: LakeScope): LakeGrant;
  /** Lets `grantee` write `scope`: its own domain's data or a central zone (see `DataLake.grantWrite`). */
  grantWrite(grantee: LakeGrantee, scope: LakeScope): LakeGrant;
}

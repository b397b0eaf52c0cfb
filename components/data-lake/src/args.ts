import type * as pulumi from "@pulumi/pulumi";
import { classifications, type ArgsProblem, type Classification } from "@data-platform/conventions";

/** Zones a domain may store data in. */
export type DomainZone = "raw" | "analytics";
/** Central zones owned by the platform. */
export type CentralZone = "landing" | "raw" | "analytics";
export type { Classification };
export { classifications };

export const centralZones: readonly CentralZone[] = ["landing", "raw", "analytics"];

export interface DataLakeDomainArgs {
  /** Domain name (lowercase, hyphens): part of bucket, key and database names. */
  name: string;
  /** Zones the domain stores data in: one bucket and one Glue database each. */
  zones: DomainZone[];
  /** Data products (Delta tables) the domain publishes; their classification tags the databases. */
  dataProducts?: { name: string; zone: DomainZone; classification: Classification }[];
  /** Tags for the domain's resources (owner, cost centre). */
  tags?: Record<string, string>;
}

export interface DataLakeArgs {
  /** Short prefix of physical names (e.g. `dp`). */
  prefix: string;
  /** Stage name (e.g. `prod`): part of physical names. */
  stage: string;
  /**
   * IAM role ARNs administering the lake: Lake Formation admins and KMS key
   * administrators. Include the role that deploys the stack, or it cannot manage
   * Lake Formation permissions. At least one.
   */
  administratorArns: pulumi.Input<string>[];
  /**
   * The rest of the account's Lake Formation settings. `PutDataLakeSettings` replaces the whole settings object,
   * so whatever is not passed here is removed from the account: carry every value the account needs.
   */
  lakeFormation?: {
    /** Read-only Lake Formation administrators (IAM role ARNs). @default [] */
    readOnlyAdminArns?: pulumi.Input<string>[];
    /** Account IDs whose resources this account's principals may use (cross-account resource owners). @default [] */
    trustedResourceOwners?: string[];
    /** Settings parameters, e.g. `CROSS_ACCOUNT_VERSION` ("1"-"5") and `SET_CONTEXT` ("TRUE"/"FALSE"). @default {} */
    parameters?: Record<string, string>;
  };
  /** Enabled domains (order is irrelevant: names never derive from positions). */
  domains: DataLakeDomainArgs[];
  /**
   * Every registered domain name, enabled in this stage or not: the values of the
   * `domain` LF-Tag. Enabling a registered domain then changes no existing resource.
   * @default the enabled domains' names
   */
  registeredDomainNames?: string[];
  /**
   * Every registered domain's data products, enabled in this stage or not: the values (`<domain>.<product>`)
   * of the `product` LF-Tag that each product's table carries and that readers are granted on. Enabling a
   * domain or a product's producer then changes no existing resource. At most 1,000 (Lake Formation's limit of
   * values per LF-Tag).
   * @default the enabled domains' `dataProducts`
   */
  registeredDataProducts?: { domain: string; name: string }[];
  /** Landing files are deleted after this many days. @default 14 */
  landingExpirationDays?: number;
  /** Non-current object versions are deleted after this many days. @default 30 */
  noncurrentVersionExpirationDays?: number;
  /** Curated (raw, analytics, domain) data moves to Intelligent-Tiering after this many days. @default 0 */
  intelligentTieringAfterDays?: number;
  /** Incomplete multipart uploads are aborted after this many days. @default 7 */
  abortIncompleteMultipartUploadDays?: number;
  /** Server access logs and EMR/Spark logs in the artifacts bucket are deleted after this many days. @default 365 */
  logExpirationDays?: number;
  /**
   * Protect and retain stateful resources (buckets, keys, Glue databases): a
   * `pulumi destroy` or an accidental removal cannot delete data. Set in prod.
   * @default true
   */
  protect?: boolean;
  /** Tags for the platform-owned resources. Provider default tags apply too. */
  tags?: Record<string, string>;
}

/** Lake Formation: at most 1,000 values per LF-Tag (https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-creating-tags.html). */
export const maxLfTagValues = 1000;

const domainNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A problem with an argument: `path` names it (`domains.<name>.zones`), `message` says what is wrong. */
export type DataLakeArgsProblem = ArgsProblem;

/**
 * The lake's rules for its domains: valid, unique names, at least one zone, and every data product in a zone the
 * domain uses. Pure; paths are `domains.<name>` or `domains.<name>.zones`, so a caller can file each problem under
 * its own configuration key.
 */
export function dataLakeDomainProblems(domains: readonly DataLakeDomainArgs[]): DataLakeArgsProblem[] {
  const problems: DataLakeArgsProblem[] = [];
  const seen = new Set<string>();
  for (const domain of domains) {
    const at = `domains.${domain.name}`;
    if (!domainNamePattern.test(domain.name))
      problems.push({
        path: at,
        message: `domain "${domain.name}": names are lowercase letters and digits with single hyphens`,
      });
    if (domain.name === "central")
      problems.push({ path: at, message: 'domain "central": the name is reserved for the platform\'s own zones' });
    if (seen.has(domain.name)) problems.push({ path: at, message: `domain "${domain.name}" is listed twice` });
    seen.add(domain.name);
    if (domain.zones.length === 0)
      problems.push({ path: `${at}.zones`, message: `domain "${domain.name}": zones must not be empty` });
    for (const product of domain.dataProducts ?? []) {
      if (!domain.zones.includes(product.zone))
        problems.push({
          path: `${at}.zones`,
          message: `domain "${domain.name}": data product "${product.name}" is in zone "${product.zone}", which the domain does not use`,
        });
    }
  }
  return problems;
}

/** Validates args before anything is created; throws one error listing every problem. */
export function validateDataLakeArgs(name: string, args: DataLakeArgs): void {
  const problems: string[] = [];
  if (args.administratorArns.length === 0)
    problems.push("administratorArns must name at least one role (the deploying role)");
  problems.push(...dataLakeDomainProblems(args.domains).map((problem) => problem.message));
  for (const owner of args.lakeFormation?.trustedResourceOwners ?? [])
    if (!/^\d{12}$/.test(owner))
      problems.push(`lakeFormation.trustedResourceOwners: "${owner}" is not a 12-digit account ID`);
  const registered = args.registeredDomainNames;
  if (registered) {
    for (const domain of args.domains)
      if (!registered.includes(domain.name)) problems.push(`domain "${domain.name}" is not in registeredDomainNames`);
  }
  const products =
    args.registeredDataProducts ??
    args.domains.flatMap((domain) =>
      (domain.dataProducts ?? []).map((product) => ({ domain: domain.name, name: product.name })),
    );
  if (new Set(products.map((product) => `${product.domain}.${product.name}`)).size > maxLfTagValues) {
    problems.push(
      `${products.length} data products: the "product" LF-Tag holds at most ${maxLfTagValues} values (Lake Formation quota)`,
    );
  }
  if (args.registeredDataProducts) {
    for (const domain of args.domains) {
      for (const product of domain.dataProducts ?? []) {
        if (
          !args.registeredDataProducts.some(
            (registered) => registered.domain === domain.name && registered.name === product.name,
          )
        )
          problems.push(`domain "${domain.name}": data product "${product.name}" is not in registeredDataProducts`);
      }
    }
  }
  for (const [key, value] of Object.entries({
    landingExpirationDays: args.landingExpirationDays,
    noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
    abortIncompleteMultipartUploadDays: args.abortIncompleteMultipartUploadDays,
    logExpirationDays: args.logExpirationDays,
  })) {
    if (value !== undefined && (!Number.isInteger(value) || value <= 0))
      problems.push(`${key} must be a whole number of days above 0, got ${value}`);
  }
  if (
    args.intelligentTieringAfterDays !== undefined &&
    (!Number.isInteger(args.intelligentTieringAfterDays) || args.intelligentTieringAfterDays < 0)
  ) {
    problems.push(
      `intelligentTieringAfterDays must be a whole number of days, 0 or more, got ${args.intelligentTieringAfterDays}`,
    );
  }
  if (problems.length > 0)
    throw new Error(`DataLake "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

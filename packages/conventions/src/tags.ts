/** Tag keys the platform applies to everything it creates. */
export const tagKeys = {
  stage: "data-platform:stage",
  domain: "data-platform:domain",
  owner: "data-platform:owner",
  costCentre: "data-platform:cost-centre",
  managedBy: "managed-by",
  component: "data-platform:component",
} as const;

export interface PlatformTagArgs {
  stage: string;
  /** Team that owns the platform (or the domain). */
  owner: string;
  costCentre: string;
}

export interface DomainTagArgs {
  domain: string;
  owner: string;
  costCentre: string;
}

// AWS tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters.
function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, "-").slice(0, 256);
}

/** The stage-wide tags, applied as provider default tags so no resource misses them. */
export function platformTags(args: PlatformTagArgs): Record<string, string> {
  return {
    [tagKeys.stage]: tagValue(args.stage),
    [tagKeys.owner]: tagValue(args.owner),
    [tagKeys.costCentre]: tagValue(args.costCentre),
    [tagKeys.managedBy]: "pulumi",
  };
}

/**
 * Tags for a domain's resources: they override the platform's owner and cost
 * centre so cost reports attribute domain storage and compute to the domain.
 */
export function domainTags(args: DomainTagArgs): Record<string, string> {
  return {
    [tagKeys.domain]: tagValue(args.domain),
    [tagKeys.owner]: tagValue(args.owner),
    [tagKeys.costCentre]: tagValue(args.costCentre),
  };
}

/** `defaultTags` for an `aws.Provider`: every taggable AWS resource gets the platform tags. */
export function providerDefaultTags(args: PlatformTagArgs): { tags: Record<string, string> } {
  return { tags: platformTags(args) };
}

/**
 * Lake Formation LF-Tags the platform defines. `domain`, `zone` and `classification` tag the Glue databases
 * (tables inherit them); `product` tags each data product's table with `<domain>.<product>`, so a reader is
 * granted exactly the named products through an LF-Tag expression - which also covers a table the producing
 * domain creates after the grant (a grant naming the table would fail while the table does not exist).
 */
export const lfTagKeys = {
  domain: "domain",
  zone: "zone",
  classification: "classification",
  product: "product",
} as const;

/** LF-Tag values: 1-255 characters of letters, digits, spaces and `_ . : * / = + - @ %`. */
const lfTagValuePattern = /^[\p{L}\p{Z}\p{N}_.:*/=+\-@%]{1,255}$/u;

/** The `product` LF-Tag value of a domain's data product (`orders.daily_orders`). */
export function productTagValue(domain: string, product: string): string {
  const value = `${domain}.${product}`;
  if (!lfTagValuePattern.test(value))
    throw new Error(
      `productTagValue: "${value}" is not a valid LF-Tag value (1-255 characters of letters, digits, spaces and _ . : * / = + - @ %)`,
    );
  return value;
}

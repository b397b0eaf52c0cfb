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

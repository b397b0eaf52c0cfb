import { createHash } from "node:crypto";

/**
 * AWS name rules the platform's physical names must satisfy. Each entry is the
 * service's documented limit; `physicalName` keeps every generated name inside it.
 */
export const nameRules = {
  /** S3 bucket: 3-63 chars, lowercase letters, digits, hyphens; globally unique. */
  s3Bucket: { maxLength: 63, separator: "-", pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/ },
  /** IAM role / policy / instance profile: up to 64 chars, `[\w+=,.@-]`. */
  iamRole: { maxLength: 64, separator: "-", pattern: /^[A-Za-z0-9+=,.@_-]{1,64}$/ },
  /** MWAA environment: 1-80 chars, starts with a letter, `[A-Za-z0-9_-]`. */
  mwaaEnvironment: { maxLength: 80, separator: "-", pattern: /^[A-Za-z][A-Za-z0-9_-]{0,79}$/ },
  /** Glue database: lowercase, digits, underscores (what Athena/Trino accept), up to 255 chars. */
  glueDatabase: { maxLength: 255, separator: "_", pattern: /^[a-z][a-z0-9_]{0,254}$/ },
  /** KMS alias suffix (after `alias/`): up to 250 chars, `[A-Za-z0-9/_-]`. */
  kmsAlias: { maxLength: 250, separator: "-", pattern: /^[A-Za-z0-9/_-]{1,250}$/ },
  /** ECR repository: up to 256 chars, lowercase, `[a-z0-9._/-]`. */
  ecrRepository: { maxLength: 256, separator: "-", pattern: /^[a-z0-9][a-z0-9._/-]{0,255}$/ },
  /**
   * CloudWatch log group: up to 512 chars `[A-Za-z0-9_./#-]`. Platform log groups always start with `/`
   * (`Naming.name` adds it), and the slash counts: the part after it gets 511.
   */
  logGroup: { maxLength: 511, separator: "/", pattern: /^[A-Za-z0-9_./#-]{1,511}$/ },
  /** Generic resource name (security groups, clusters, streams...): 63 is safe for all of them. */
  generic: { maxLength: 63, separator: "-", pattern: /^[a-z0-9][a-z0-9-]{0,62}$/ },
} as const;

export type NameKind = keyof typeof nameRules;

const hashLength = 8;

/** A short, stable hash of a string (hex). */
export function shortHash(value: string, length = hashLength): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

function normalise(part: string, kind: NameKind): string {
  const lower =
    kind === "iamRole" || kind === "mwaaEnvironment" || kind === "kmsAlias" || kind === "logGroup"
      ? part
      : part.toLowerCase();
  if (kind === "glueDatabase")
    return lower
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_|_$/g, "");
  if (kind === "logGroup") return lower.replace(/[^A-Za-z0-9_.#-]+/g, "-");
  return lower
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Builds a deterministic physical name from semantic parts (never list positions).
 * When the joined name is longer than the service allows, it is cut and suffixed
 * with a hash of the full name, so two long names never collide and the same
 * inputs always give the same name.
 */
export function physicalName(kind: NameKind, ...parts: string[]): string {
  const rule = nameRules[kind];
  const cleaned = parts.map((part) => normalise(part, kind)).filter((part) => part.length > 0);
  if (cleaned.length === 0) throw new Error(`physicalName(${kind}): no usable name parts in ${JSON.stringify(parts)}`);
  const full = cleaned.join(rule.separator);
  let name = full;
  if (full.length > rule.maxLength) {
    const head = full.slice(0, rule.maxLength - hashLength - 1).replace(/[-_/.]+$/, "");
    name = `${head}${rule.separator === "/" ? "-" : rule.separator}${shortHash(full)}`;
  }
  if (!rule.pattern.test(name)) {
    throw new Error(
      `physicalName(${kind}): "${name}" does not satisfy ${rule.pattern} (from parts ${JSON.stringify(parts)})`,
    );
  }
  return name;
}

/** Names every resource of one stage: `<prefix>-<stage>-<...parts>`. */
export class Naming {
  constructor(
    readonly prefix: string,
    readonly stage: string,
  ) {}

  /** A physical name of the given kind for this stage. */
  name(kind: NameKind, ...parts: string[]): string {
    if (kind === "logGroup") return `/${physicalName(kind, this.prefix, this.stage, ...parts)}`;
    return physicalName(kind, this.prefix, this.stage, ...parts);
  }

  /** A stage-scoped child `Naming` for a domain: `<prefix>-<stage>-<domain>-...`. */
  forDomain(domain: string): DomainNaming {
    return new DomainNaming(this, domain);
  }
}

export class DomainNaming {
  constructor(
    readonly stageNaming: Naming,
    readonly domain: string,
  ) {}

  name(kind: NameKind, ...parts: string[]): string {
    return this.stageNaming.name(kind, this.domain, ...parts);
  }
}

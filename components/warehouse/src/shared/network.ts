import type * as pulumi from "@pulumi/pulumi";

/** A named network source admitted by a security group. Rules are keyed by `name`, never by position. */
export interface NetworkSource {
  /** Stable name (lowercase letters, digits, hyphens), part of the rule's resource name: `looker`, `query-mesh`. */
  name: string;
  /** An IPv4 range (never a /0). Exactly one of `cidr` and `securityGroupId`. */
  cidr?: string;
  /** A security group whose members are admitted (e.g. the query mesh's nodes). */
  securityGroupId?: pulumi.Input<string>;
  /** Shown on the rule. @default "<name>" */
  description?: string;
}

export const sourceNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const ipv4Cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why `cidr` is not an acceptable ingress range, or undefined when it is a private-enough IPv4 range. */
export function cidrProblem(cidr: string): string | undefined {
  const match = ipv4Cidr.exec(cidr);
  if (!match) return `"${cidr}" is not an IPv4 CIDR such as 10.40.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return `"${cidr}" is not an IPv4 CIDR such as 10.40.0.0/16`;
  // The world (0.0.0.0/0) and anything that covers a large share of it are never ingress sources.
  if (prefix < 8)
    return `"${cidr}" admits the internet (prefix /${prefix}); name the query mesh, Looker or VPC ranges instead`;
  return undefined;
}

/** Resource-name-safe form of a CIDR (`10.40.0.0/16` -> `10-40-0-0-16`). */
export function cidrKey(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

/** Problems of a list of named sources (every problem, one line each). */
export function sourceProblems(sources: readonly NetworkSource[], field = "allowedSources"): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const label = `${field} "${source.name}"`;
    if (!sourceNamePattern.test(source.name))
      problems.push(`${label}: names are lowercase letters and digits with single hyphens`);
    if (seen.has(source.name)) problems.push(`${label} is listed twice`);
    seen.add(source.name);
    const kinds = [source.cidr !== undefined, source.securityGroupId !== undefined].filter(Boolean).length;
    if (kinds !== 1) problems.push(`${label}: give exactly one of cidr and securityGroupId`);
    if (source.cidr !== undefined) {
      const problem = cidrProblem(source.cidr);
      if (problem) problems.push(`${label}: ${problem}`);
    }
  }
  return problems;
}

/** Problems of a list of plain CIDRs (Luigi's allowed ranges). */
export function cidrListProblems(cidrs: readonly string[], field: string): string[] {
  const problems: string[] = [];
  if (cidrs.length === 0) problems.push(`${field} must name at least one range (the VPC's CIDR)`);
  const seen = new Set<string>();
  for (const cidr of cidrs) {
    const problem = cidrProblem(cidr);
    if (problem) problems.push(`${field}: ${problem}`);
    if (seen.has(cidr)) problems.push(`${field}: "${cidr}" is listed twice`);
    seen.add(cidr);
  }
  return problems;
}

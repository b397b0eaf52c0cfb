import { tagKeys } from "@data-platform/conventions";
import type { PlanDocument, PlanResource } from "./document";

const domainTag = tagKeys.domain;
const stackType = "pulumi:pulumi:Stack";

/**
 * A short, readable type name: `aws:s3/bucket:Bucket` -> `s3.Bucket`,
 * `data-platform:lake:DataLake` -> `lake.DataLake`, `kubernetes:apps/v1:Deployment` -> `k8s.Deployment`,
 * `pulumi:providers:aws` -> `provider.aws`, `awsx:ec2:Vpc` -> `awsx.ec2.Vpc`.
 */
export function shortType(type: string): string {
  const [pkg = "", module = "", name = ""] = type.split(":");
  if (pkg === "pulumi" && module === "providers") return `provider.${name}`;
  if (pkg === "pulumi" && module === "pulumi") return name;
  const service = module.split("/")[0]!;
  if (pkg === "aws" || pkg === "data-platform") return `${service}.${name}`;
  if (pkg === "kubernetes") return service === "helm.sh" ? `helm.${name}` : `k8s.${name}`;
  return `${pkg}.${service}.${name}`;
}

/** Who owns each resource: its top-level component and its domain (by the parent chain). */
export interface Attribution {
  /** `<short type> <name>` of the stack's child the resource descends from, or `(stack)`. */
  component: (resource: PlanResource) => string;
  /** The domain the resource belongs to, or `(platform)`. */
  domain: (resource: PlanResource) => string;
  /** Every domain the plan knows (from domain tags). */
  domains: readonly string[];
}

export const platformLabel = "(platform)";
export const stackLabel = "(stack)";

/**
 * Attributes resources to components and domains by their parent chain, so resources without a
 * domain tag (bucket sub-resources, role policies, Lake Formation grants) count for the domain
 * whose component owns them:
 * - a component whose tagged descendants all carry one domain tag, and whose name contains that
 *   domain, belongs to it (a domain's workflow environment, a domain bucket);
 * - a child named `<parent name>-...` whose remaining name contains the domain as whole words
 *   (split on `-` and `_`) belongs to that domain (the naming rule components follow for per-domain
 *   children, e.g. `lake-orders-raw-db`, `warehouse-schema-orders_analytics`);
 * - otherwise the resource's own domain tag, otherwise the platform.
 * Tags only tell which domain names exist.
 */
export function attribute(document: Pick<PlanDocument, "resources">): Attribution {
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  const tagOf = (resource: PlanResource): string | undefined => {
    const tags = resource.inputs["tags"] as Record<string, unknown> | undefined;
    const value = tags && typeof tags === "object" ? tags[domainTag] : undefined;
    return typeof value === "string" ? value : undefined;
  };
  const domains = [
    ...new Set(document.resources.map(tagOf).filter((domain): domain is string => domain !== undefined)),
  ].sort();
  // Longest first, so `orders-eu` wins over `orders`.
  const byLength = [...domains].sort((a, b) => b.length - a.length);

  // The single domain tag of each component's descendants (undefined when none or mixed).
  const descendantDomains = new Map<string, Set<string>>();
  for (const resource of document.resources) {
    const tag = tagOf(resource);
    if (tag === undefined) continue;
    for (
      let parent = byUrn.get(resource.parent ?? "");
      parent && parent.type !== stackType;
      parent = byUrn.get(parent.parent ?? "")
    ) {
      const set = descendantDomains.get(parent.urn) ?? new Set<string>();
      set.add(tag);
      descendantDomains.set(parent.urn, set);
    }
  }
  const componentDomain = (resource: PlanResource): string | undefined => {
    if (resource.custom) return undefined;
    const set = descendantDomains.get(resource.urn);
    const only = set && set.size === 1 ? [...set][0]! : undefined;
    // The name must say so too: a shared component that happens to serve one domain stays the platform's.
    return only !== undefined && `-${resource.name}-`.includes(`-${only}-`) ? only : undefined;
  };
  const nameDomain = (resource: PlanResource): string | undefined => {
    const parent = byUrn.get(resource.parent ?? "");
    if (!parent || parent.type === stackType) return undefined;
    const prefix = `${parent.name}-`;
    if (!resource.name.startsWith(prefix)) return undefined;
    // `lake-orders-raw-db`, `lake-logistics-airflow-write-...`, `warehouse-schema-orders_analytics` (Glue names use `_`).
    const words = resource.name.slice(prefix.length).split(/[-_]/);
    return byLength.find((domain) => {
      const parts = domain.split("-");
      return words.some((_, start) => parts.every((part, offset) => words[start + offset] === part));
    });
  };

  const domainCache = new Map<string, string>();
  const domain = (resource: PlanResource): string => {
    const cached = domainCache.get(resource.urn);
    if (cached !== undefined) return cached;
    let found: string | undefined;
    for (
      let current: PlanResource | undefined = resource;
      current && current.type !== stackType && found === undefined;
      current = byUrn.get(current.parent ?? "")
    ) {
      found = componentDomain(current) ?? nameDomain(current);
    }
    const result = found ?? tagOf(resource) ?? platformLabel;
    domainCache.set(resource.urn, result);
    return result;
  };

  const component = (resource: PlanResource): string => {
    let top = resource;
    for (
      let parent = byUrn.get(resource.parent ?? "");
      parent && parent.type !== stackType;
      parent = byUrn.get(parent.parent ?? "")
    )
      top = parent;
    if (top === resource && resource.custom) return stackLabel;
    return `${shortType(top.type)} ${top.name}`;
  };

  return { component, domain, domains };
}

/** Resources grouped by a label, sorted by label. */
export function groupBy<T>(items: readonly T[], label: (item: T) => string): { label: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = label(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => ({ label: key, items: list }));
}

/** `3 s3.Bucket, 1 kms.Key`: counts by short type, most frequent first. */
export function countShortTypes(resources: readonly { type: string }[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources)
    counts.set(shortType(resource.type), (counts.get(shortType(resource.type)) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, count]) => `${count} ${type}`)
    .join(", ");
}

/** Cuts a line to a width, marking the cut. */
export function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 3)}...`;
}

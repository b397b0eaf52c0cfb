import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PodSecurityLevel } from "./args";
import { parseCidr } from "./cidr";

/**
 * The label the policy pack reads, and the annotation that says why a namespace is not `restricted`.
 * @internal Exported for its tests only; not part of the package's API.
 */
export const podSecurityEnforceLabel = "pod-security.kubernetes.io/enforce";
export const podSecurityExceptionAnnotation = "data-platform.io/pod-security-exception";

/** Where traffic may come from (ingress) or go to (egress). Set `cidr`, or `namespace` and/or `podLabels`. */
export interface NetworkPeer {
  /** Pods in this namespace (by name); with `podLabels`, only those pods. @default this namespace */
  namespace?: string;
  /** Pods with these labels. @default every pod of `namespace` */
  podLabels?: Record<string, string>;
  /** An IPv4 range (the VPC for load balancers, or AWS endpoints). Never a /0 for ingress. */
  cidr?: string;
  /**
   * IPv4 ranges known only at deploy time, such as an AWS-managed prefix list's (S3's public ranges, which the
   * gateway endpoint routes to): egress only. The rule fails the deployment if they resolve to none.
   */
  cidrs?: pulumi.Input<string[]>;
}

/** One explicit flow the namespace's pods may use, on top of the default deny. */
export interface NetworkAllowRule {
  direction: "ingress" | "egress";
  /** Pods of this namespace the rule applies to. @default every pod */
  podLabels?: Record<string, string>;
  /** The other end (at least one). */
  peers: NetworkPeer[];
  /** Ports (of this namespace's pods for ingress, of the peer for egress). @default every port */
  ports?: { port: number | string; protocol?: "TCP" | "UDP" }[];
}

export interface NamespaceArgs {
  /** The namespace's Kubernetes name. @default the helper's `name` */
  name?: string;
  /** Pod Security Standards level (enforce, audit and warn). @default "restricted" */
  podSecurity?: PodSecurityLevel;
  /** Why the namespace cannot be `restricted` (which chart needs what): required for any other level. */
  podSecurityReason?: string;
  /** Extra labels. @default {} */
  labels?: Record<string, string>;
  /** Explicit flows by name (each one NetworkPolicy `<name>-allow-<key>`). @default {} (only DNS egress) */
  allow?: Record<string, NetworkAllowRule>;
}

/** The namespace and its network policies. */
export interface PlatformNamespace {
  namespace: k8s.core.v1.Namespace;
  /** The Kubernetes name, known at construction (for IRSA trusts and chart values). */
  name: string;
  defaultDeny: k8s.networking.v1.NetworkPolicy;
  allowDns: k8s.networking.v1.NetworkPolicy;
  allows: Record<string, k8s.networking.v1.NetworkPolicy>;
}

const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const keyPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const reservedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** @internal Exported for its tests only; not part of the package's API. */
export function validateNamespaceArgs(name: string, args: NamespaceArgs): void {
  const problems: string[] = [];
  const namespace = args.name ?? name;
  if (!namespacePattern.test(namespace)) problems.push(`"${namespace}" is not a Kubernetes namespace name`);
  if (reservedNamespaces.includes(namespace))
    problems.push(`"${namespace}" is a system namespace; workloads get their own`);
  const level = args.podSecurity ?? "restricted";
  if (!["restricted", "baseline", "privileged"].includes(level))
    problems.push(`podSecurity must be restricted, baseline or privileged, got "${level}"`);
  if (level !== "restricted" && !args.podSecurityReason?.trim())
    problems.push(`podSecurity "${level}" needs a podSecurityReason saying why restricted does not work`);
  for (const [key, rule] of Object.entries(args.allow ?? {})) {
    const where = `allow.${key}`;
    if (!keyPattern.test(key)) problems.push(`${where}: rule names are lowercase letters, digits and hyphens`);
    if (rule.direction !== "ingress" && rule.direction !== "egress")
      problems.push(`${where}.direction must be ingress or egress`);
    if (rule.peers.length === 0) problems.push(`${where}.peers must name at least one peer`);
    for (const peer of rule.peers) {
      if (peer.cidrs !== undefined) {
        if (rule.direction !== "egress") problems.push(`${where}: deploy-time ranges (cidrs) are for egress only`);
        if (peer.cidr !== undefined || peer.namespace !== undefined || peer.podLabels !== undefined)
          problems.push(`${where}: a peer is either cidrs, a cidr or namespace/podLabels, not several`);
        if (Array.isArray(peer.cidrs)) {
          for (const text of peer.cidrs)
            if (typeof text === "string" && typeof parseCidr(text) === "string")
              problems.push(`${where}: ${parseCidr(text) as string}`);
        }
      } else if (peer.cidr !== undefined) {
        const cidr = parseCidr(peer.cidr);
        if (typeof cidr === "string") problems.push(`${where}: ${cidr}`);
        else if (rule.direction === "ingress" && cidr.prefixLength === 0)
          problems.push(`${where}: ingress from ${cidr.text} admits the internet`);
        if (peer.namespace !== undefined || peer.podLabels !== undefined)
          problems.push(`${where}: a peer is either a cidr or namespace/podLabels, not both`);
      } else if (peer.namespace === undefined && peer.podLabels === undefined) {
        problems.push(`${where}: a peer needs a cidr, a namespace or podLabels`);
      }
    }
  }
  if (problems.length > 0)
    throw new Error(`namespace "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

/**
 * Labels (Pod Security Standards on all three modes) and annotations of the namespace.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function namespaceMetadata(
  namespace: string,
  args: NamespaceArgs,
): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const level = args.podSecurity ?? "restricted";
  return {
    name: namespace,
    labels: {
      ...args.labels,
      [podSecurityEnforceLabel]: level,
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": level,
      "pod-security.kubernetes.io/warn": level,
    },
    annotations: level === "restricted" ? {} : { [podSecurityExceptionAnnotation]: args.podSecurityReason ?? "" },
  };
}

/**
 * Every pod, both directions, no rules: nothing flows unless another policy allows it.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function defaultDenySpec(): k8s.types.input.networking.v1.NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** Every pod may resolve names through CoreDNS in kube-system. */
export function dnsEgressSpec(): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ],
  };
}

function peerSpec(peer: NetworkPeer): k8s.types.input.networking.v1.NetworkPolicyPeer {
  if (peer.cidr !== undefined) return { ipBlock: { cidr: peer.cidr } };
  return {
    ...(peer.namespace !== undefined
      ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } }
      : {}),
    ...(peer.podLabels !== undefined ? { podSelector: { matchLabels: peer.podLabels } } : {}),
  };
}

/**
 * The peers of one flow; deploy-time ranges expand to one ipBlock each once known. An empty list would mean
 * "every destination" to Kubernetes, so ranges that resolve to none fail the deployment instead.
 */
function peersSpec(peers: NetworkPeer[]): pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyPeer[]> {
  if (!peers.some((peer) => peer.cidrs !== undefined)) return peers.map(peerSpec);
  return pulumi
    .all(peers.map((peer) => pulumi.output(peer.cidrs ?? [])))
    .apply((resolved) => resolvedPeers(peers, resolved));
}

/**
 * The peers once deploy-time ranges are known (`resolved[i]` for `peers[i]`). Pure.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function resolvedPeers(
  peers: NetworkPeer[],
  resolved: string[][],
): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
  return peers.flatMap((peer, index) => {
    if (peer.cidrs === undefined) return [peerSpec(peer)];
    const ranges = [...new Set(resolved[index] ?? [])].sort();
    if (ranges.length === 0)
      throw new Error(
        "a NetworkPolicy peer's deploy-time ranges resolved to none: an empty peer list would admit every destination",
      );
    return ranges.map((cidr) => ({ ipBlock: { cidr } }));
  });
}

/**
 * The NetworkPolicy spec of one explicit flow.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function allowRuleSpec(rule: NetworkAllowRule): k8s.types.input.networking.v1.NetworkPolicySpec {
  const peers = peersSpec(rule.peers);
  const ports = rule.ports?.map((port) => ({ port: port.port, protocol: port.protocol ?? "TCP" }));
  const flow = { ...(ports ? { ports } : {}) };
  return {
    podSelector: rule.podLabels ? { matchLabels: rule.podLabels } : {},
    policyTypes: [rule.direction === "ingress" ? "Ingress" : "Egress"],
    ...(rule.direction === "ingress" ? { ingress: [{ from: peers, ...flow }] } : { egress: [{ to: peers, ...flow }] }),
  };
}

/**
 * A namespace for an in-cluster component: Pod Security Standards labels, a default-deny NetworkPolicy,
 * DNS egress, and one NetworkPolicy per explicit flow. Policies depend on the namespace (they name it).
 */
export function createNamespace(
  name: string,
  args: NamespaceArgs,
  provider: k8s.Provider,
  opts: pulumi.CustomResourceOptions,
): PlatformNamespace {
  validateNamespaceArgs(name, args);
  const k8sName = args.name ?? name;
  const child = { ...opts, provider };
  const namespace = new k8s.core.v1.Namespace(name, { metadata: namespaceMetadata(k8sName, args) }, child);
  const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${suffix}`,
      { metadata: { name: suffix, namespace: namespace.metadata.name }, spec },
      child,
    );
  const defaultDeny = policy("default-deny", defaultDenySpec());
  const allowDns = policy("allow-dns-egress", dnsEgressSpec());
  const allows: Record<string, k8s.networking.v1.NetworkPolicy> = {};
  for (const [key, rule] of Object.entries(args.allow ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    allows[key] = policy(`allow-${key}`, allowRuleSpec(rule));
  return { namespace, name: k8sName, defaultDeny, allowDns, allows };
}

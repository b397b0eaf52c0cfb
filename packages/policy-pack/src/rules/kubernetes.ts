import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, get, parseJson, walk } from "../util";

export const namespaceType = "kubernetes:core/v1:Namespace";
export const networkPolicyType = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
export const chartType = "kubernetes:helm.sh/v4:Chart";
export const podSecurityLabel = "pod-security.kubernetes.io/enforce";
/** A namespace that cannot be `restricted` says why in this annotation. */
export const podSecurityExceptionAnnotation = "data-platform.io/pod-security-exception";

/**
 * Values a chart must set explicitly, by chart name: resource requests/limits
 * and a non-root security context where the chart has the keys.
 */
export const chartRequirements: Record<string, { path: string; expect?: unknown }[]> = {
  "aws-load-balancer-controller": [
    { path: "resources.requests" },
    { path: "resources.limits" },
    { path: "securityContext.runAsNonRoot", expect: true },
  ],
  karpenter: [{ path: "controller.resources.requests" }, { path: "controller.resources.limits" }],
  trino: [
    { path: "coordinator.resources.requests" },
    { path: "coordinator.resources.limits" },
    { path: "worker.resources.requests" },
    { path: "worker.resources.limits" },
  ],
  "starburst-enterprise": [{ path: "coordinator.resources" }, { path: "worker.resources" }],
  jupyterhub: [
    { path: "hub.resources.requests" },
    { path: "hub.resources.limits" },
    { path: "singleuser.cpu.limit" },
    { path: "singleuser.memory.limit" },
  ],
};

export const namespacePodSecurity: ResourceValidationPolicy = {
  name: "k8s-namespace-pod-security",
  description: `[PSS] Namespaces carry the ${podSecurityLabel} label: restricted, or another level with a reason in the ${podSecurityExceptionAnnotation} annotation.`,
  validateResource: (args, report) => {
    if (args.type !== namespaceType) return;
    const labels = (get(args.props, "metadata.labels") ?? {}) as Record<string, string>;
    const level = labels[podSecurityLabel];
    if (!level) return report(`namespace has no ${podSecurityLabel} label`);
    const reason = get(args.props, `metadata.annotations`) as Record<string, string> | undefined;
    if (level !== "restricted" && !reason?.[podSecurityExceptionAnnotation])
      report(`pod security level ${level} without a ${podSecurityExceptionAnnotation} annotation`);
  },
};

function isDefaultDeny(policy: PolicyResource): boolean {
  const spec = (policy.props["spec"] ?? {}) as Record<string, unknown>;
  const selector = (spec["podSelector"] ?? {}) as Record<string, unknown>;
  const selectsAll = Object.keys(selector).every((key) => Object.keys((selector[key] ?? {}) as object).length === 0);
  const types = asArray(spec["policyTypes"] as string[]);
  return (
    selectsAll &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    asArray(spec["ingress"] as unknown[]).length === 0 &&
    asArray(spec["egress"] as unknown[]).length === 0
  );
}

export const namespaceDefaultDeny: StackValidationPolicy = {
  name: "k8s-namespace-default-deny",
  description:
    "[EKS BPG network] Every namespace has a default-deny NetworkPolicy (all pods, ingress and egress, no rules) that depends on it.",
  validateStack: (args, report) => {
    for (const namespace of args.resources.filter((resource) => resource.type === namespaceType)) {
      const denied = args.resources.some(
        (resource) =>
          resource.type === networkPolicyType &&
          resource.dependencies.some((dependency) => dependency.urn === namespace.urn) &&
          isDefaultDeny(resource),
      );
      if (!denied) report("namespace has no default-deny NetworkPolicy", namespace.urn);
    }
  },
};

/** True for image references without a tag or with `latest`. */
export function floatingImage(image: string): boolean {
  if (image.includes("@sha256:")) return false;
  const lastSegment = image.split("/").pop() ?? image;
  return !lastSegment.includes(":") || lastSegment.endsWith(":latest");
}

export const noLatestImages: ResourceValidationPolicy = {
  name: "k8s-no-latest-images",
  description:
    "[EKS BPG pods] Images deployed to the cluster (chart values and manifests) are pinned: no `latest` or missing tags.",
  validateResource: (args, report) => {
    if (!args.type.startsWith("kubernetes:")) return;
    walk(args.type === chartType ? parseJson(args.props["values"]) : args.props, (value, path) => {
      const key = path[path.length - 1];
      if (key === "tag" && value === "latest") report(`${path.join(".")} is "latest"`);
      if (key === "image" && typeof value === "string" && floatingImage(value))
        report(`${path.join(".")} "${value}" is not pinned`);
    });
  },
};

export const chartResourcesAndSecurity: ResourceValidationPolicy = {
  name: "helm-values-resources-security",
  description:
    "[EKS BPG pods/PSS] Chart values set resource requests and limits and non-root security contexts where the chart supports them; any `resources` block has both.",
  validateResource: (args, report) => {
    if (args.type !== chartType) return;
    const values = (parseJson(args.props["values"]) ?? {}) as Record<string, unknown>;
    for (const requirement of chartRequirements[String(args.props["chart"]).split("/").pop() ?? ""] ?? []) {
      const value = get(values, requirement.path);
      if (value === undefined || (requirement.expect !== undefined && value !== requirement.expect)) {
        report(
          `values.${requirement.path} must be set${requirement.expect !== undefined ? ` to ${JSON.stringify(requirement.expect)}` : ""}`,
        );
      }
    }
    walk(values, (value, path) => {
      if (path[path.length - 1] !== "resources" || !value || typeof value !== "object" || Array.isArray(value)) return;
      const block = value as Record<string, unknown>;
      if (Object.keys(block).length > 0 && (!block["requests"] || !block["limits"]))
        report(`values.${path.join(".")} sets no ${block["requests"] ? "limits" : "requests"}`);
    });
  },
};

export const ec2NodeClassType = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

export const karpenterNodeClassHardening: ResourceValidationPolicy = {
  name: "karpenter-nodeclass-hardening",
  description:
    "[EC2.8/EBS] Karpenter EC2NodeClasses require IMDSv2 with a hop limit of 1, encrypt every volume with a customer key, and pin their AMI (no @latest).",
  validateResource: (args, report) => {
    if (args.type !== ec2NodeClassType) return;
    const spec = (args.props["spec"] ?? {}) as Record<string, unknown>;
    if (get(spec, "metadataOptions.httpTokens") !== "required") report("metadataOptions.httpTokens is not required");
    if (get(spec, "metadataOptions.httpPutResponseHopLimit") !== 1)
      report(
        `metadataOptions.httpPutResponseHopLimit is ${String(get(spec, "metadataOptions.httpPutResponseHopLimit") ?? "unset (Karpenter's default is 1, state it)")}, expected 1`,
      );
    const mappings = asArray(spec["blockDeviceMappings"] as Record<string, unknown>[]);
    if (mappings.length === 0)
      report("no blockDeviceMappings: the AMI's default root volume is not encrypted with a customer key");
    for (const mapping of mappings) {
      const device = String(mapping["deviceName"] ?? "(unnamed)");
      if (get(mapping, "ebs.encrypted") !== true) report(`volume ${device} is not encrypted`);
      if (!get(mapping, "ebs.kmsKeyID")) report(`volume ${device} has no customer key (kmsKeyID)`);
    }
    for (const term of asArray(spec["amiSelectorTerms"] as Record<string, unknown>[])) {
      if (typeof term["alias"] === "string" && term["alias"].endsWith("@latest"))
        report(`amiSelectorTerms alias ${term["alias"]} is not pinned: every AMI release would replace every node`);
    }
  },
};

export const kubernetesPolicies = [
  namespacePodSecurity,
  namespaceDefaultDeny,
  noLatestImages,
  chartResourcesAndSecurity,
  karpenterNodeClassHardening,
];

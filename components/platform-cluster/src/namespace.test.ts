import {
  evaluatePolicies,
  podSecurityExceptionAnnotation as packAnnotation,
  podSecurityLabel as packLabel,
} from "@data-platform/policy-pack";
import { describe, expect, it } from "vitest";
import { prodArgs } from "./__fixtures__/args";
import { build } from "./__fixtures__/harness";
import {
  allowRuleSpec,
  defaultDenySpec,
  resolvedPeers,
  namespaceMetadata,
  podSecurityEnforceLabel,
  podSecurityExceptionAnnotation,
  validateNamespaceArgs,
  type NamespaceArgs,
} from "./namespace";

const namespaceType = "kubernetes:core/v1:Namespace";
const policyType = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const queryNamespace: NamespaceArgs = {
  allow: {
    "from-notebooks": {
      direction: "ingress",
      podLabels: { app: "trino" },
      peers: [{ namespace: "notebooks" }],
      ports: [{ port: 8080 }],
    },
    "from-load-balancers": {
      direction: "ingress",
      podLabels: { app: "trino" },
      peers: [{ cidr: "10.42.0.0/16" }],
      ports: [{ port: 8080 }],
    },
    "to-aws": { direction: "egress", peers: [{ cidr: "0.0.0.0/0" }], ports: [{ port: 443 }] },
  },
};

describe("deploy-time ranges (an AWS-managed prefix list)", () => {
  it("become one ipBlock each, sorted and deduplicated, beside the rule's other peers", async () => {
    const { harness } = await build(prodArgs(), {
      use: (cluster) =>
        cluster.namespace("lake-reader", {
          allow: {
            "to-aws": {
              direction: "egress",
              peers: [{ cidr: "10.42.0.0/16" }, { cidrs: cluster.s3Cidrs }],
              ports: [{ port: 443 }],
            },
          },
        }),
    });
    const spec = harness.one(policyType, "lake-reader-allow-to-aws").inputs["spec"] as {
      egress: { to: { ipBlock: { cidr: string } }[] }[];
    };
    expect(spec.egress[0]!.to).toEqual([
      { ipBlock: { cidr: "10.42.0.0/16" } },
      ...["3.5.64.0/21", "3.5.72.0/23", "52.218.0.0/17", "52.92.0.0/17"].map((cidr) => ({ ipBlock: { cidr } })),
    ]);
    expect(harness.invokes.map((invoke) => invoke.inputs["name"])).toContain("com.amazonaws.eu-west-1.s3");
  });

  it("are refused for ingress and when malformed, and never become an empty peer list (which would admit every destination)", () => {
    expect(() =>
      validateNamespaceArgs("x", { allow: { in: { direction: "ingress", peers: [{ cidrs: ["10.0.0.0/8"] }] } } }),
    ).toThrow(/deploy-time ranges \(cidrs\) are for egress only/);
    expect(() =>
      validateNamespaceArgs("x", { allow: { out: { direction: "egress", peers: [{ cidrs: ["10.0.0.0/33"] }] } } }),
    ).toThrow(/allow\.out: /);
    expect(() => resolvedPeers([{ cidr: "10.42.0.0/16" }, { cidrs: [] }], [[], []])).toThrow(
      /resolved to none: an empty peer list would admit every destination/,
    );
    expect(
      resolvedPeers([{ namespace: "query" }, { cidrs: [] }], [[], ["52.92.0.0/17", "3.5.64.0/21", "52.92.0.0/17"]]),
    ).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "query" } } },
      { ipBlock: { cidr: "3.5.64.0/21" } },
      { ipBlock: { cidr: "52.92.0.0/17" } },
    ]);
  });
});

describe("namespace specs", () => {
  it("label restricted namespaces on all three Pod Security modes, the way the policy pack reads them", () => {
    expect(podSecurityEnforceLabel).toBe(packLabel);
    expect(podSecurityExceptionAnnotation).toBe(packAnnotation);
    expect(namespaceMetadata("query", {})).toEqual({
      name: "query",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
      annotations: {},
    });
    expect(
      namespaceMetadata("notebooks", {
        podSecurity: "baseline",
        podSecurityReason: "JupyterHub's user pods run a writable home",
      }).annotations,
    ).toEqual({
      [podSecurityExceptionAnnotation]: "JupyterHub's user pods run a writable home",
    });
  });

  it("deny everything by default and translate explicit flows into NetworkPolicy peers", () => {
    expect(defaultDenySpec()).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(allowRuleSpec(queryNamespace.allow!["from-notebooks"]!)).toEqual({
      podSelector: { matchLabels: { app: "trino" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "notebooks" } } }],
          ports: [{ port: 8080, protocol: "TCP" }],
        },
      ],
    });
    expect(
      allowRuleSpec({ direction: "egress", peers: [{ namespace: "query", podLabels: { app: "trino" } }] }),
    ).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "query" } },
              podSelector: { matchLabels: { app: "trino" } },
            },
          ],
        },
      ],
    });
  });

  it("fails when a namespace relaxes Pod Security without saying why", () => {
    expect(() => validateNamespaceArgs("notebooks", { podSecurity: "baseline" })).toThrow(
      /podSecurity "baseline" needs a podSecurityReason/,
    );
  });

  it("fails when a flow admits the internet, mixes peer kinds, names no peer or targets a system namespace", () => {
    const message = (() => {
      try {
        validateNamespaceArgs("kube-system", {
          allow: {
            open: { direction: "ingress", peers: [{ cidr: "0.0.0.0/0" }] },
            mixed: { direction: "egress", peers: [{ cidr: "10.0.0.0/8", namespace: "query" }] },
            empty: { direction: "egress", peers: [{}] },
          },
        });
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/"kube-system" is a system namespace/);
    expect(message).toMatch(/allow\.open: ingress from 0\.0\.0\.0\/0 admits the internet/);
    expect(message).toMatch(/allow\.mixed: a peer is either a cidr or namespace\/podLabels/);
    expect(message).toMatch(/allow\.empty: a peer needs a cidr, a namespace or podLabels/);
  });
});

describe("PlatformCluster.namespace", () => {
  it("creates the namespace, a default deny, DNS egress and each flow, all through the cluster's provider", async () => {
    const { harness, cluster } = await build(prodArgs(), {
      use: (platform) => platform.namespace("query", queryNamespace),
    });
    const namespace = harness.one(namespaceType, "query");
    const provider = harness.one("pulumi:providers:kubernetes", "platform-k8s");
    expect((namespace.inputs["metadata"] as { labels: Record<string, string> }).labels[podSecurityEnforceLabel]).toBe(
      "restricted",
    );
    const policies = harness.byType(policyType);
    expect(policies.map((policy) => policy.name).sort()).toEqual([
      "query-allow-dns-egress",
      "query-allow-from-load-balancers",
      "query-allow-from-notebooks",
      "query-allow-to-aws",
      "query-default-deny",
    ]);
    for (const registration of [namespace, ...policies]) {
      expect(registration.provider, registration.name).toBe(`${provider.urn}::${provider.id}`);
      expect(registration.parent).toBe(harness.one("data-platform:cluster:PlatformCluster", "platform").urn);
    }
    for (const policy of policies) {
      expect(policy.dependencies, policy.name).toContain(namespace.urn);
      expect((policy.inputs["metadata"] as { namespace: string }).namespace).toBe("query");
    }
    expect(harness.one(policyType, "query-default-deny").inputs["spec"]).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
    expect(harness.one(policyType, "query-allow-dns-egress").inputs["spec"]).toMatchObject({
      policyTypes: ["Egress"],
      egress: [
        {
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
      ],
    });
    expect(cluster.scheduling("query").nodeSelector).toEqual({ "data-platform.io/node-group": "query" });
  });

  it("passes the policy pack's namespace rules, restricted or with a stated exception", async () => {
    const { harness } = await build(prodArgs(), {
      use: (platform) => {
        platform.namespace("query", queryNamespace);
        platform.namespace("notebooks", {
          podSecurity: "baseline",
          podSecurityReason: "single-user servers need fsGroup changes the restricted level forbids",
        });
      },
    });
    expect(harness.byType(namespaceType)).toHaveLength(2);
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.policy.startsWith("k8s-"))).toEqual([]);
  });
});

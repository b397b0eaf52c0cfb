import { describe, expect, it } from "vitest";
import { chartCrds, validateCustomResource, type CustomResourceObject } from "./crds";

const nodePool = (): CustomResourceObject => ({
  apiVersion: "karpenter.sh/v1",
  kind: "NodePool",
  metadata: { name: "general" },
  spec: {
    template: {
      metadata: { labels: { "data-platform.io/node-group": "general" } },
      spec: {
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
        requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }],
        expireAfter: "720h",
      },
    },
    limits: { cpu: "100", memory: "400Gi" },
    disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
  },
});

const nodeClass = (): CustomResourceObject => ({
  apiVersion: "karpenter.k8s.aws/v1",
  kind: "EC2NodeClass",
  metadata: { name: "default" },
  spec: {
    role: "dp-prod-platform-karpenter-nodes",
    amiSelectorTerms: [{ alias: "al2023@v20260714" }],
    subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "dp-prod-platform" } }],
    securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "dp-prod-platform" } }],
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", rootVolume: true, ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true } },
    ],
  },
});

describe("validateCustomResource", () => {
  it("knows the CRDs copied beside the karpenter chart, and that other charts have none", () => {
    expect(chartCrds("karpenter").map((crd) => `${crd.apiVersion} ${crd.kind}`)).toEqual([
      "karpenter.k8s.aws/v1 EC2NodeClass",
      "karpenter.sh/v1 NodePool",
    ]);
    expect(validateCustomResource("trino", nodePool())).toEqual([
      "chart trino has no CRDs copied under charts/trino-1.42.2/crds",
    ]);
  });

  it("accepts good objects (x-kubernetes-* keywords tolerated)", () => {
    expect(validateCustomResource("karpenter", nodePool())).toEqual([]);
    expect(validateCustomResource("karpenter", nodeClass())).toEqual([]);
  });

  it("does not change the object it validates (defaults are applied to a copy)", () => {
    const object = nodeClass();
    const before = structuredClone(object);
    validateCustomResource("karpenter", object);
    expect(object).toEqual(before);
  });

  it("names a misspelled spec key, at any depth", () => {
    const pool = nodePool();
    (pool.spec as Record<string, unknown>)["disruptoin"] = {};
    expect(validateCustomResource("karpenter", pool)).toEqual(['/spec: unknown key "disruptoin"']);
    const nodeClassTypo = nodeClass();
    (nodeClassTypo.spec as { metadataOptions: Record<string, unknown> }).metadataOptions = { httpToken: "required" };
    expect(validateCustomResource("karpenter", nodeClassTypo)).toEqual([
      '/spec/metadataOptions: unknown key "httpToken"',
    ]);
  });

  it("names mistyped values, values outside an enum or a pattern, and a missing required key", () => {
    const spec = nodeClass().spec as Record<string, unknown>;
    const problems = validateCustomResource("karpenter", {
      ...nodeClass(),
      spec: {
        ...spec,
        metadataOptions: { httpTokens: "sometimes", httpPutResponseHopLimit: "1" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3" } }],
        subnetSelectorTerms: undefined,
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '/spec/metadataOptions/httpTokens: must be one of "required", "optional"',
        "/spec/metadataOptions/httpPutResponseHopLimit: must be integer",
        "/spec/blockDeviceMappings/0/ebs/volumeSize: must be string",
        "/spec: must have required property 'subnetSelectorTerms'",
      ]),
    );
    const pool = nodePool();
    (pool.spec as { disruption: Record<string, unknown> }).disruption = { consolidateAfter: "1 minute" };
    expect(validateCustomResource("karpenter", pool)).toEqual([
      '/spec/disruption/consolidateAfter: must match pattern "^(([0-9]+(s|m|h))+|Never)$"',
    ]);
    const noRequirements = nodePool();
    delete (noRequirements.spec as { template: { spec: Record<string, unknown> } }).template.spec["requirements"];
    expect(validateCustomResource("karpenter", noRequirements)).toEqual([
      "/spec/template/spec: must have required property 'requirements'",
    ]);
  });

  it("checks apiVersion, kind and the object name, and that cluster-scoped kinds have no namespace", () => {
    expect(validateCustomResource("karpenter", { ...nodePool(), apiVersion: "karpenter.sh/v1beta1" })[0]).toMatch(
      /no CRD of chart karpenter serves karpenter.sh\/v1beta1 NodePool; known: /,
    );
    expect(
      validateCustomResource("karpenter", {
        ...nodePool(),
        metadata: { name: "General_Pool", namespace: "kube-system" },
      }),
    ).toEqual([
      '/metadata/name: "General_Pool" is not a DNS-1123 subdomain',
      "/metadata/namespace: NodePool is cluster-scoped",
    ]);
  });

  it("cannot evaluate CEL (x-kubernetes-validations): an object only a CEL rule forbids passes here", () => {
    // EC2NodeClass: "must specify exactly one of ['role', 'instanceProfile']" is a CEL rule; the API server
    // refuses this object, ajv cannot see it. Callers must check such rules themselves.
    const both = nodeClass();
    (both.spec as Record<string, unknown>)["instanceProfile"] = "some-profile";
    expect(validateCustomResource("karpenter", both)).toEqual([]);
  });
});

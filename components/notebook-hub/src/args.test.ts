import { describe, expect, it } from "vitest";
import {
  defaultProfiles,
  formatNotebookHubProblem,
  isDevStage,
  notebookHubArgsProblems,
  notebookHubProblems,
  validateNotebookHubArgs,
  type NotebookHubArgs,
} from "./args";

// Pure validation: the cluster and lake are never touched by it.
const base: NotebookHubArgs = {
  prefix: "dp",
  stage: "prod",
  production: true,
  cluster: {} as NotebookHubArgs["cluster"],
  lake: {} as NotebookHubArgs["lake"],
  authenticator: {
    kind: "generic-oidc",
    clientId: "id",
    clientSecret: "s",
    authorizeUrl: "https://idp/a",
    tokenUrl: "https://idp/t",
    userdataUrl: "https://idp/u",
  },
  adminUsers: ["alice"],
  domains: [
    { name: "logistics", groups: ["logistics-analysts"], products: [{ domain: "orders", products: ["orders"] }] },
  ],
  hostname: "notebooks.example.com",
  tlsCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123",
};

describe("NotebookHub args", () => {
  it("accepts a production OIDC setup", () => {
    expect(notebookHubProblems(base)).toEqual([]);
  });

  it("fails when production uses the dummy authenticator, with a clear config error", () => {
    expect(() => validateNotebookHubArgs("notebooks", { ...base, authenticator: { kind: "dummy" } })).toThrow(
      /NotebookHub "notebooks": invalid args:\n- authenticator.kind "dummy" lets anyone log in and is never allowed in production/,
    );
  });

  it("fails when a non-dev stage uses the dummy authenticator, and accepts it on dev", () => {
    expect(
      notebookHubProblems({ ...base, stage: "staging", production: false, authenticator: { kind: "dummy" } }),
    ).toEqual(['authenticator.kind "dummy" is allowed only on dev stages (dev, dev-*), not on "staging"']);
    expect(
      notebookHubProblems({
        ...base,
        stage: "dev",
        production: false,
        authenticator: { kind: "dummy" },
        tlsCertificateArn: undefined as unknown as string,
      }),
    ).toEqual([]);
    expect([isDevStage("dev"), isDevStage("dev-alice"), isDevStage("devops"), isDevStage("prod")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("lists every problem in one error", () => {
    const problems = notebookHubProblems({
      ...base,
      authenticator: { kind: "github", allowedGroups: ["x"] },
      domains: [{ name: "logistics", groups: ["analysts"], products: [{ domain: "orders", products: [] }] }],
      profiles: {
        Small: {
          displayName: "s",
          cpuGuarantee: 2,
          cpuLimit: 1,
          memoryGuaranteeGiB: 1,
          memoryLimitGiB: 1,
          image: { name: "x", tag: "latest", collaboration: true },
        },
      },
      storage: { capacityGiB: 0 },
      cullTimeoutSeconds: 10,
      tlsCertificateArn: undefined as unknown as string,
      allowedSourceCidrs: ["0.0.0.0/0"],
    });
    expect(problems).toEqual([
      "authenticator.clientId is required for github",
      "authenticator.clientSecret (a Pulumi secret) is required for github",
      "authenticator.allowedGroups applies to generic-oidc only",
      'domains.logistics.groups: "analysts" must be "org:team" for github',
      "domains.logistics.products: the set of orders names no product",
      "profiles: exactly one profile must be the default",
      "profiles.Small: slugs are lowercase letters, digits and hyphens",
      "profiles.Small: cpuGuarantee exceeds cpuLimit",
      'profiles.Small.image.tag must be pinned (not empty or "latest")',
      "storage.capacityGiB must be an integer 1-16384, got 0",
      "cullTimeoutSeconds must be an integer >= 300, got 10",
      "tlsCertificateArn is required in production (OAuth callbacks and sessions over TLS)",
      'allowedSourceCidrs: "0.0.0.0/0" is wider than a /8: the hub is internal only',
    ]);
  });

  it("refuses an image without jupyter-collaboration while collaboration is on, and the chart's sample claiming it", () => {
    const sample = { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" };
    expect(notebookHubProblems({ ...base, singleuserImage: { ...sample, collaboration: false } })).toEqual([
      "singleuserImage.collaboration: real-time collaboration is on, but the image does not ship jupyter-collaboration; use the platform image (the default), an image that has it, or set realTimeCollaboration: false",
    ]);
    expect(notebookHubProblems({ ...base, singleuserImage: { ...sample, collaboration: true } })).toEqual([
      "singleuserImage.collaboration: quay.io/jupyterhub/k8s-singleuser-sample does not ship jupyter-collaboration (z2jh images/singleuser-sample); collaboration must be false",
    ]);
    expect(
      notebookHubProblems({
        ...base,
        realTimeCollaboration: false,
        singleuserImage: { ...sample, collaboration: false },
      }),
    ).toEqual([]);
    const profiles = {
      small: {
        ...defaultProfiles["small"]!,
        image: { name: "registry.example.com/spark", tag: "3.5.2", collaboration: false },
      },
    };
    expect(notebookHubProblems({ ...base, profiles })).toEqual([
      "profiles.small.image.collaboration: real-time collaboration is on, but the image does not ship jupyter-collaboration; use the platform image (the default), an image that has it, or set realTimeCollaboration: false",
    ]);
  });

  it("fails when generic OIDC lacks its endpoints or uses plain HTTP, or nobody could log in", () => {
    const problems = notebookHubProblems({
      ...base,
      adminUsers: [],
      domains: [],
      authenticator: { kind: "generic-oidc", clientId: "id", clientSecret: "s", authorizeUrl: "http://idp/a" },
    });
    expect(problems).toEqual([
      "authenticator.authorizeUrl must be https://",
      "authenticator.tokenUrl is required for generic-oidc",
      "authenticator.userdataUrl is required for generic-oidc",
      "nobody could log in: set allowedUsers, adminUsers, domain groups or allowedOrganizations/allowedGroups",
    ]);
  });
});

describe("notebookHubArgsProblems", () => {
  it("names each problem's argument path apart from its message", () => {
    const problems = notebookHubArgsProblems({
      ...base,
      authenticator: { kind: "github", clientSecret: "s" },
      hostname: "hub.example.com",
      domains: [{ name: "logistics", groups: ["analysts"], products: [] }],
    });
    expect(problems).toContainEqual({
      path: "authenticator.clientId",
      message: "authenticator.clientId is required for github",
    });
    expect(problems).toContainEqual({
      path: "domains.logistics.groups",
      message: '"analysts" must be "org:team" for github',
    });
    expect(problems.map(formatNotebookHubProblem)).toContain(
      'domains.logistics.groups: "analysts" must be "org:team" for github',
    );
  });
});

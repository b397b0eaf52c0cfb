import { validateChartValues } from "@data-platform/helm-charts";
import { chartRequirements } from "@data-platform/policy-pack";
import { describe, expect, it } from "vitest";
import { defaultProfiles, type AuthenticatorArgs } from "./args";
import {
  authenticatorConfig,
  collaborationTokenScopes,
  domainGroups,
  hubRoles,
  hubValues,
  loadBalancerAnnotations,
  loadBalancerServiceSpec,
  namespaceFlows,
  productGrants,
  profileList,
  type HubValuesInput,
} from "./values";

const oidc: AuthenticatorArgs = {
  kind: "generic-oidc",
  clientId: "notebooks",
  clientSecret: "never-in-values",
  authorizeUrl: "https://idp.example.com/authorize",
  tokenUrl: "https://idp.example.com/token",
  userdataUrl: "https://idp.example.com/userinfo",
};
const notebooks = {
  nodeSelector: { "data-platform.io/node-group": "notebooks" },
  tolerations: [
    {
      key: "data-platform.io/dedicated",
      operator: "Equal" as const,
      value: "notebooks",
      effect: "NoSchedule" as const,
    },
  ],
};
const system = { nodeSelector: { "data-platform.io/node-group": "system" }, tolerations: [] };

function input(overrides: Partial<HubValuesInput> = {}): HubValuesInput {
  return {
    authenticator: oidc,
    oauthCallbackUrl: "https://notebooks.example.com/hub/oauth_callback",
    allowedUsers: ["carol"],
    adminUsers: ["alice"],
    groups: ["orders-analysts"],
    clientSecretName: "jupyterhub-oauth-client",
    profiles: defaultProfiles,
    singleuserImage: {
      name: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dp-dev/notebooks/singleuser",
      tag: "sha-0123456789abcdef",
    },
    realTimeCollaboration: true,
    storage: { capacityGiB: 20, storageClass: "gp3" },
    cullTimeoutSeconds: 3600,
    queryEndpoint: "https://query.internal:8443",
    serviceAccountName: "notebook-user",
    userScheduling: notebooks,
    coreScheduling: system,
    ...overrides,
  };
}

function get(values: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined),
      values,
    );
}

describe("hubValues against the upstream z2jh 4.4.0 schema", () => {
  it.each(["generic-oidc", "github", "google", "dummy"] as const)(
    "validates, merged over the chart defaults, for %s",
    (kind) => {
      const authenticator: AuthenticatorArgs =
        kind === "generic-oidc" ? oidc : { kind, ...(kind === "dummy" ? {} : { clientId: "id", clientSecret: "x" }) };
      expect(
        validateChartValues(
          "jupyterhub",
          hubValues(input({ authenticator, groups: kind === "github" ? ["acme:analysts"] : [] })),
        ),
      ).toEqual([]);
    },
  );

  it("fails on a misspelled key and on a mistyped value", () => {
    const values = hubValues(input());
    const singleuser = values["singleuser"] as Record<string, unknown>;
    expect(validateChartValues("jupyterhub", { ...values, singleuser: { ...singleuser, cpu: { limt: 2 } } })).toContain(
      '/singleuser/cpu: unknown key "limt"',
    );
    expect(validateChartValues("jupyterhub", { ...values, cull: { enabled: true, timeout: "1h" } }).join("\n")).toMatch(
      /\/cull\/timeout/,
    );
    expect(validateChartValues("jupyterhub", { ...values, proxy: { service: { type: "Public" } } }).join("\n")).toMatch(
      /\/proxy\/service\/type/,
    );
  });

  it("sets every value the policy pack requires for jupyterhub, and pins the images it sets", () => {
    const values = hubValues(input());
    for (const requirement of chartRequirements["jupyterhub"] ?? [])
      expect(get(values, requirement.path), requirement.path).toBeDefined();
    for (const path of ["hub.image.tag", "proxy.chp.image.tag"]) expect(get(values, path)).toMatch(/^\d+\.\d+\.\d+$/);
    expect(get(values, "singleuser.image")).toEqual({
      name: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dp-dev/notebooks/singleuser",
      tag: "sha-0123456789abcdef",
    });
  });

  it("keeps the client secret out of the values: the hub reads it from the Kubernetes Secret", () => {
    const values = hubValues(input());
    expect(JSON.stringify(values)).not.toContain("never-in-values");
    expect(get(values, "hub.extraEnv")).toEqual({
      OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: "jupyterhub-oauth-client", key: "client-secret" } } },
    });
    expect(get(values, "hub.extraConfig")).toEqual({
      "00-oauth-client-secret":
        'import os\nc.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]\n',
    });
    expect(get(hubValues(input({ authenticator: { kind: "dummy" } })), "hub.extraEnv")).toBeUndefined();
  });

  it("culls idle servers, places servers on the notebooks node group and core pods on system nodes, with restricted contexts", () => {
    const values = hubValues(input({ cullTimeoutSeconds: 1800 }));
    expect(values["cull"]).toMatchObject({ enabled: true, timeout: 1800, every: 300, users: false });
    expect(get(values, "singleuser.nodeSelector")).toEqual(notebooks.nodeSelector);
    expect(get(values, "singleuser.extraTolerations")).toEqual(notebooks.tolerations);
    expect(get(values, "hub.nodeSelector")).toEqual(system.nodeSelector);
    expect(get(values, "proxy.chp.nodeSelector")).toEqual(system.nodeSelector);
    expect(get(values, "singleuser.cloudMetadata.blockWithIptables")).toBe(false);
    for (const path of [
      "hub.containerSecurityContext",
      "proxy.chp.containerSecurityContext",
      "hub.config.KubeSpawner.container_security_context",
    ]) {
      expect(get(values, path), path).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
    }
    expect(get(values, "hub.config.KubeSpawner.automount_service_account_token")).toBe(false);
    expect(get(values, "singleuser.serviceAccountName")).toBe("notebook-user");
    expect(get(values, "singleuser.storage")).toEqual({
      type: "dynamic",
      capacity: "20Gi",
      dynamic: { storageClass: "gp3" },
    });
    expect(get(values, "singleuser.extraEnv")).toEqual({ DATA_PLATFORM_QUERY_URL: "https://query.internal:8443" });
  });

  it("runs no image puller the Chart would wait for: CI pushes a new image tag only after the update", () => {
    expect(get(hubValues(input()), "prePuller")).toEqual({ hook: { enabled: false }, continuous: { enabled: false } });
  });

  it("turns on collaboration through the image and JupyterHub sharing, and can leave it off", () => {
    const values = hubValues(input());
    // jupyter-collaboration in the image is what enables RTC; the chart's default command starts it (no flags).
    expect(get(values, "singleuser.cmd")).toBeUndefined();
    expect(get(values, "hub.loadRoles.user.scopes")).toEqual([
      "self",
      "shares!user",
      "read:users:name",
      "read:groups:name",
    ]);
    expect(get(values, "hub.config.KubeSpawner.oauth_client_allowed_scopes")).toEqual([...collaborationTokenScopes]);
    const off = hubValues(input({ realTimeCollaboration: false }));
    expect(get(off, "hub.loadRoles.user")).toBeUndefined();
    expect(get(off, "hub.config.KubeSpawner.oauth_client_allowed_scopes")).toBeUndefined();
    expect(validateChartValues("jupyterhub", off)).toEqual([]);
  });

  it("makes the configured admins operators without access to analysts' servers (JupyterHub 5's admin role has it)", () => {
    const roles = hubRoles({ adminUsers: ["bob", "alice", "bob"], realTimeCollaboration: false });
    expect(roles).toEqual({ operators: expect.objectContaining({ name: "operators", users: ["alice", "bob"] }) });
    const scopes = roles["operators"]!["scopes"] as string[];
    expect(scopes).toEqual(expect.arrayContaining(["admin-ui", "admin:servers", "list:users"]));
    for (const forbidden of ["access:servers", "shares", "admin:users", "tokens", "inherit"])
      expect(scopes).not.toContain(forbidden);
    const values = hubValues(input());
    expect(JSON.stringify(get(values, "hub.config"))).not.toMatch(/admin_users|admin_access/);
  });

  it("exposes the proxy inside the cluster only and turns on the chart's network policies", () => {
    const values = hubValues(input());
    expect(get(values, "proxy.service")).toEqual({ type: "ClusterIP" });
    expect(get(values, "ingress.enabled")).toBe(false);
    for (const path of ["hub.networkPolicy", "proxy.chp.networkPolicy", "singleuser.networkPolicy"]) {
      expect(get(values, `${path}.enabled`), path).toBe(true);
      expect(get(values, `${path}.egressAllowRules.cloudMetadataServer`), path).toBe(false);
    }
    expect(get(values, "proxy.chp.networkPolicy.egressAllowRules")).toMatchObject({
      nonPrivateIPs: false,
      privateIPs: false,
    });
  });
});

describe("authenticator config", () => {
  it("configures generic OIDC with the domains' groups, admins and allowed users", () => {
    expect(
      authenticatorConfig({
        authenticator: { ...oidc, allowedGroups: ["platform"] },
        oauthCallbackUrl: "https://h/hub/oauth_callback",
        allowedUsers: ["carol"],
        adminUsers: ["alice"],
        groups: ["orders-analysts"],
      }),
    ).toEqual({
      JupyterHub: { authenticator_class: "generic-oauth" },
      GenericOAuthenticator: {
        allowed_users: ["alice", "carol"],
        client_id: "notebooks",
        oauth_callback_url: "https://h/hub/oauth_callback",
        authorize_url: "https://idp.example.com/authorize",
        token_url: "https://idp.example.com/token",
        userdata_url: "https://idp.example.com/userinfo",
        username_claim: "preferred_username",
        scope: ["openid", "profile", "email"],
        auth_state_groups_key: "oauth_user.groups",
        allowed_groups: ["orders-analysts", "platform"],
        manage_groups: true,
      },
    });
  });

  it("maps GitHub teams to allowed_organizations, and never sets allow_all", () => {
    const config = authenticatorConfig({
      authenticator: { kind: "github", clientId: "id", allowedOrganizations: ["acme"] },
      allowedUsers: [],
      adminUsers: ["alice"],
      groups: ["acme:orders"],
    });
    expect(config["JupyterHub"]).toEqual({ authenticator_class: "github" });
    expect(config["GitHubOAuthenticator"]).toMatchObject({
      allowed_organizations: ["acme", "acme:orders"],
      scope: ["read:org"],
    });
    expect(JSON.stringify(config)).not.toContain("allow_all");
  });
});

describe("profiles, grants and groups", () => {
  it("renders the default profiles as KubeSpawner overrides with guarantees and limits", () => {
    expect(
      profileList(defaultProfiles).map((profile) => [
        profile["slug"],
        profile["default"],
        profile["kubespawner_override"],
      ]),
    ).toEqual([
      ["small", true, { cpu_guarantee: 0.5, cpu_limit: 1, mem_guarantee: "2G", mem_limit: "4G" }],
      ["large", false, { cpu_guarantee: 2, cpu_limit: 4, mem_guarantee: "8G", mem_limit: "16G" }],
      [
        "spark",
        false,
        {
          cpu_guarantee: 4,
          cpu_limit: 8,
          mem_guarantee: "16G",
          mem_limit: "32G",
          environment: { SPARK_DRIVER_MEMORY: "24g" },
        },
      ],
    ]);
  });

  it("merges product sets per producing domain and deduplicates groups", () => {
    const domains = [
      { name: "logistics", groups: ["logistics-analysts"], products: [{ domain: "orders", products: ["orders"] }] },
      {
        name: "payments",
        groups: ["payments-analysts", "logistics-analysts"],
        products: [
          { domain: "orders", products: ["refunds", "orders"] },
          { domain: "logistics", products: ["shipments"] },
        ],
      },
    ];
    expect(productGrants(domains)).toEqual([
      { domain: "logistics", products: ["shipments"] },
      { domain: "orders", products: ["orders", "refunds"] },
    ]);
    expect(domainGroups(domains)).toEqual(["logistics-analysts", "payments-analysts"]);
  });
});

describe("exposure and flows", () => {
  it("annotates an internal NLB with ip targets, and TLS only with a certificate", () => {
    const certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123";
    const tls = loadBalancerAnnotations({
      releaseName: "jupyterhub",
      tlsCertificateArn: certificate,
      sourceCidrs: ["10.0.0.0/16"],
      tags: { team: "platform" },
    });
    expect(tls).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": certificate,
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
      "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": "team=platform",
    });
    expect(JSON.stringify(tls)).not.toContain("internet-facing");
    const plain = loadBalancerAnnotations({ releaseName: "jupyterhub", sourceCidrs: [], tags: {} });
    expect(Object.keys(plain).some((key) => key.includes("ssl"))).toBe(false);
    expect(
      loadBalancerServiceSpec({
        releaseName: "jupyterhub",
        tlsCertificateArn: certificate,
        sourceCidrs: ["10.0.0.0/16"],
        tags: {},
      }),
    ).toEqual({
      type: "LoadBalancer",
      selector: { app: "jupyterhub", release: "jupyterhub", component: "proxy" },
      ports: [{ name: "https", port: 443, targetPort: 8000, protocol: "TCP" }],
      loadBalancerSourceRanges: ["10.0.0.0/16"],
    });
  });

  it("lets the load balancer reach only the proxy's HTTP port, and pods reach the VPC only on 443", () => {
    const flows = namespaceFlows("10.40.0.0/16", ["52.218.0.0/17"]);
    // Notebook servers read the lake: S3 through the gateway endpoint answers on S3's public ranges.
    expect(flows["servers-to-s3"]).toEqual({
      direction: "egress",
      podLabels: { component: "singleuser-server" },
      peers: [{ cidrs: ["52.218.0.0/17"] }],
      ports: [{ port: 443 }],
    });
    expect(flows["proxy-from-load-balancer"]).toEqual({
      direction: "ingress",
      podLabels: { component: "proxy" },
      peers: [{ cidr: "10.40.0.0/16" }],
      ports: [{ port: 8000 }],
    });
    expect(flows["vpc-https-egress"]).toEqual({
      direction: "egress",
      peers: [{ cidr: "10.40.0.0/16" }],
      ports: [{ port: 443 }],
    });
    expect(Object.values(flows).every((flow) => flow.ports && flow.ports.length > 0)).toBe(true);
  });
});

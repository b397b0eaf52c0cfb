import type * as pulumi from "@pulumi/pulumi";
import type { NetworkAllowRule, Scheduling } from "@data-platform/platform-cluster";
import type { AuthenticatorArgs, AuthenticatorKind, NotebookDomainArgs, NotebookProfileArgs } from "./args";

/** JupyterHub `authenticator_class` entry point and the traitlets class configured, per kind. */
export const authenticatorClasses: Record<AuthenticatorKind, { entryPoint: string; configClass: string }> = {
  "generic-oidc": { entryPoint: "generic-oauth", configClass: "GenericOAuthenticator" },
  github: { entryPoint: "github", configClass: "GitHubOAuthenticator" },
  google: { entryPoint: "google", configClass: "GoogleOAuthenticator" },
  dummy: { entryPoint: "dummy", configClass: "DummyAuthenticator" },
};

/** The hub reads the client secret from this env var, filled from the Kubernetes Secret. */
export const clientSecretEnv = "OAUTH_CLIENT_SECRET";
/** Key of the client secret in the Kubernetes Secret. */
export const clientSecretKey = "client-secret";
/** Env var of every notebook server holding the query mesh's URL. */
export const queryEndpointEnv = "DATA_PLATFORM_QUERY_URL";

/** Pod labels the z2jh chart puts on its pods (`component`), used by the namespace's flows and the NLB Service. */
export const podLabels = {
  hub: { component: "hub" },
  proxy: { component: "proxy" },
  singleuser: { component: "singleuser-server" },
} as const;

/** Ports of the z2jh pods: hub API, proxy public (`http`) and API, single-user server. */
export const ports = { hub: 8081, proxyHttp: 8000, proxyApi: 8001, singleuser: 8888 } as const;

/** Restricted Pod Security Standard container context (what the hub and the user servers run with). */
export const restrictedContainerSecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Identity-provider groups allowed to log in: the domains' groups, deduplicated and sorted. */
export function domainGroups(domains: readonly NotebookDomainArgs[]): string[] {
  return [...new Set(domains.flatMap((domain) => domain.groups ?? []))].sort();
}

/** Product sets to grant, merged per producing domain (two consumers of `orders` make one grant). */
export function productGrants(domains: readonly NotebookDomainArgs[]): { domain: string; products: string[] }[] {
  const byDomain = new Map<string, Set<string>>();
  for (const set of domains.flatMap((domain) => domain.products)) {
    const products = byDomain.get(set.domain) ?? new Set<string>();
    set.products.forEach((product) => products.add(product));
    byDomain.set(set.domain, products);
  }
  return [...byDomain.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([domain, products]) => ({ domain, products: [...products].sort() }));
}

export interface AuthenticatorValuesInput {
  authenticator: AuthenticatorArgs;
  oauthCallbackUrl?: string;
  allowedUsers: string[];
  adminUsers: string[];
  groups: string[];
}

/** `hub.config` for the authenticator (never the client secret: that comes from the env var). */
export function authenticatorConfig(input: AuthenticatorValuesInput): Record<string, Record<string, unknown>> {
  const { authenticator: auth } = input;
  const { entryPoint, configClass } = authenticatorClasses[auth.kind];
  const sorted = (values: readonly string[]) => [...new Set(values)].sort();
  // Hub operators (adminUsers) are not JupyterHub admins: JupyterHub 5's admin role includes access:servers
  // and shares (admin_access no longer limits it), so they get the `operators` role instead (see hubRoles).
  const common = { allowed_users: sorted([...input.allowedUsers, ...input.adminUsers]) };
  const config: Record<string, Record<string, unknown>> = { JupyterHub: { authenticator_class: entryPoint } };
  if (auth.kind === "dummy") {
    config[configClass] = common;
    return config;
  }
  const oauth = { ...common, client_id: auth.clientId, oauth_callback_url: input.oauthCallbackUrl };
  if (auth.kind === "generic-oidc") {
    config[configClass] = {
      ...oauth,
      authorize_url: auth.authorizeUrl,
      token_url: auth.tokenUrl,
      userdata_url: auth.userdataUrl,
      username_claim: auth.usernameClaim ?? "preferred_username",
      scope: auth.scopes ?? ["openid", "profile", "email"],
      auth_state_groups_key: auth.groupsClaimPath ?? "oauth_user.groups",
      allowed_groups: sorted([...input.groups, ...(auth.allowedGroups ?? [])]),
      manage_groups: true,
    };
  } else if (auth.kind === "github") {
    config[configClass] = {
      ...oauth,
      allowed_organizations: sorted([...(auth.allowedOrganizations ?? []), ...input.groups]),
      scope: auth.scopes ?? ["read:org"],
    };
  } else {
    config[configClass] = { ...oauth, ...(auth.scopes ? { scope: auth.scopes } : {}) };
  }
  return config;
}

/** Python run by the hub: the client secret from the env var (filled from the Kubernetes Secret). */
export function clientSecretConfig(kind: AuthenticatorKind): string {
  return `import os\nc.${authenticatorClasses[kind].configClass}.client_secret = os.environ["${clientSecretEnv}"]\n`;
}

const memory = (gib: number) => `${gib}G`; // KubeSpawner's ByteSpecification: G = 1024^3 bytes

/** `singleuser.profileList`, in the order given (the spawn form's order), each a KubeSpawner override. */
export function profileList(profiles: Record<string, NotebookProfileArgs>): Record<string, unknown>[] {
  return Object.entries(profiles).map(([slug, profile]) => ({
    display_name: profile.displayName,
    slug,
    description: profile.description ?? `${profile.cpuLimit} CPU, ${profile.memoryLimitGiB} GiB memory`,
    default: profile.default === true,
    kubespawner_override: {
      cpu_guarantee: profile.cpuGuarantee,
      cpu_limit: profile.cpuLimit,
      mem_guarantee: memory(profile.memoryGuaranteeGiB),
      mem_limit: memory(profile.memoryLimitGiB),
      ...(profile.image ? { image: `${profile.image.name}:${profile.image.tag}` } : {}),
      ...(profile.env && Object.keys(profile.env).length > 0 ? { environment: profile.env } : {}),
    },
  }));
}

export interface HubValuesInput extends AuthenticatorValuesInput {
  /** Name of the Kubernetes Secret with the client secret (unused for dummy). */
  clientSecretName: string;
  profiles: Record<string, NotebookProfileArgs>;
  singleuserImage: { name: string; tag: string };
  /** JupyterLab real-time collaboration and JupyterHub server sharing (the images ship jupyter-collaboration). */
  realTimeCollaboration: boolean;
  storage: { capacityGiB: number; storageClass: string };
  cullTimeoutSeconds: number;
  queryEndpoint?: string;
  serviceAccountName: string;
  /** Where user servers run (the notebooks node group). */
  userScheduling: Scheduling;
  /** Where the hub and proxy run (the system node group). */
  coreScheduling: Scheduling;
}

/** Scopes of the servers' browser tokens with collaboration on (jupyterhub examples/user-sharing). */
export const collaborationTokenScopes = ["shares!server", "read:users:name", "read:groups:name"] as const;

/** What hub operators may do: the admin page, users and groups, start and stop servers. Never access:servers or shares. */
export const operatorScopes = [
  "admin-ui",
  "list:users",
  "read:users",
  "admin:servers",
  "read:hub",
  "list:groups",
  "read:groups",
] as const;

/**
 * `hub.loadRoles`: `operators` (the configured admin users, without access to analysts' servers) and, with
 * collaboration, the `user` role extended with JupyterHub 5 sharing of one's own servers.
 */
export function hubRoles(
  input: Pick<HubValuesInput, "adminUsers" | "realTimeCollaboration">,
): Record<string, Record<string, unknown>> {
  return {
    operators: {
      name: "operators",
      description: "Hub operators: admin page, users, start and stop servers; no access to analysts' servers",
      scopes: [...operatorScopes],
      users: [...new Set(input.adminUsers)].sort(),
    },
    ...(input.realTimeCollaboration
      ? {
          user: {
            name: "user",
            description: "Users may share their servers (real-time collaboration)",
            scopes: ["self", "shares!user", "read:users:name", "read:groups:name"],
          },
        }
      : {}),
  };
}

/** The z2jh 4.4 values: typed args in, plain values out (validated against the upstream schema in tests). */
export function hubValues(input: HubValuesInput): Record<string, unknown> {
  const kind = input.authenticator.kind;
  const profiles = Object.values(input.profiles);
  const fallback = profiles.find((profile) => profile.default) ?? profiles[0];
  if (!fallback) throw new Error("hubValues: no profile");
  const withSecret = kind !== "dummy";
  return {
    hub: {
      config: {
        ...authenticatorConfig(input),
        KubeSpawner: {
          // Restricted PSS for user servers (the chart only sets uid/fsGid/allowPrivilegeEscalation).
          container_security_context: restrictedContainerSecurityContext,
          pod_security_context: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          // IRSA's token is projected by the EKS webhook; no Kubernetes API token in user pods.
          automount_service_account_token: false,
          // The browser token of JupyterLab may manage shares of its own server (the Share dialog of
          // jupyter-collaboration); people a server is shared with cannot re-share it.
          ...(input.realTimeCollaboration ? { oauth_client_allowed_scopes: [...collaborationTokenScopes] } : {}),
        },
      },
      ...(withSecret
        ? {
            extraEnv: {
              [clientSecretEnv]: {
                valueFrom: { secretKeyRef: { name: input.clientSecretName, key: clientSecretKey } },
              },
            },
            extraConfig: { "00-oauth-client-secret": clientSecretConfig(kind) },
          }
        : {}),
      loadRoles: hubRoles(input),
      image: { name: "quay.io/jupyterhub/k8s-hub", tag: "4.4.0" },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      containerSecurityContext: { ...restrictedContainerSecurityContext, runAsUser: 1000, runAsGroup: 1000 },
      nodeSelector: input.coreScheduling.nodeSelector,
      tolerations: input.coreScheduling.tolerations,
      networkPolicy: {
        enabled: true,
        // The hub reaches the Kubernetes API (private endpoint) and the identity provider; never the node's IMDS.
        egressAllowRules: {
          cloudMetadataServer: false,
          dnsPortsCloudMetadataServer: false,
          dnsPortsKubeSystemNamespace: true,
          dnsPortsPrivateIPs: true,
          nonPrivateIPs: true,
          privateIPs: true,
        },
      },
    },
    proxy: {
      service: { type: "ClusterIP" },
      https: { enabled: false },
      chp: {
        image: { name: "quay.io/jupyterhub/configurable-http-proxy", tag: "5.2.0" },
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        containerSecurityContext: { ...restrictedContainerSecurityContext, runAsUser: 65534, runAsGroup: 65534 },
        nodeSelector: input.coreScheduling.nodeSelector,
        tolerations: input.coreScheduling.tolerations,
        // The proxy only talks to the hub and the user servers (the chart's own rules): nothing else.
        networkPolicy: {
          enabled: true,
          egressAllowRules: {
            cloudMetadataServer: false,
            dnsPortsCloudMetadataServer: false,
            dnsPortsKubeSystemNamespace: true,
            dnsPortsPrivateIPs: true,
            nonPrivateIPs: false,
            privateIPs: false,
          },
        },
      },
    },
    singleuser: {
      // RTC comes from jupyter-collaboration installed and enabled in the image (its build checks both);
      // the chart's default command (jupyterhub-singleuser) starts it.
      image: input.singleuserImage,
      defaultUrl: "/lab",
      serviceAccountName: input.serviceAccountName,
      nodeSelector: input.userScheduling.nodeSelector,
      extraTolerations: input.userScheduling.tolerations,
      // The iptables init container needs NET_ADMIN (not allowed by restricted PSS); IMDS is blocked by the
      // network policy below and by the nodes' hop limit of 1 instead.
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: {
        enabled: true,
        // Public ranges: S3 through the gateway endpoint and package indexes; private ranges only through the namespace's 443-to-VPC flow.
        egressAllowRules: {
          cloudMetadataServer: false,
          dnsPortsCloudMetadataServer: false,
          dnsPortsKubeSystemNamespace: true,
          dnsPortsPrivateIPs: true,
          nonPrivateIPs: true,
          privateIPs: false,
        },
      },
      extraEnv: input.queryEndpoint ? { [queryEndpointEnv]: input.queryEndpoint } : {},
      storage: {
        type: "dynamic",
        capacity: `${input.storage.capacityGiB}Gi`,
        dynamic: { storageClass: input.storage.storageClass },
      },
      cpu: { guarantee: fallback.cpuGuarantee, limit: fallback.cpuLimit },
      memory: { guarantee: memory(fallback.memoryGuaranteeGiB), limit: memory(fallback.memoryLimitGiB) },
      profileList: profileList(input.profiles),
    },
    // Packing user pods (user scheduler, placeholders) is for cluster autoscalers; the notebooks group is sized by config.
    scheduling: {
      userScheduler: { enabled: false },
      userPlaceholder: { enabled: false },
      podPriority: { enabled: false },
    },
    // Both pullers off. Helm hooks do not gate a Pulumi Chart; and the continuous puller is a DaemonSet the Chart
    // waits for, pulling the single-user image, which CI publishes only after `pulumi up` has created its
    // repository: a new image tag would block the update. A fresh node pulls the image at the first spawn instead.
    prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
    cull: {
      enabled: true,
      timeout: input.cullTimeoutSeconds,
      every: Math.min(600, Math.max(60, Math.floor(input.cullTimeoutSeconds / 6))),
      users: false,
      adminUsers: true,
    },
    ingress: { enabled: false },
  };
}

/**
 * Explicit flows of the notebooks namespace on top of its default deny. They duplicate the chart's own
 * policies on purpose: the hub keeps working if a chart upgrade renames them, and the namespace says what flows.
 */
export function namespaceFlows(vpcCidr: string, s3Cidrs: pulumi.Input<string[]>): Record<string, NetworkAllowRule> {
  const networkAccessHub = { "hub.jupyter.org/network-access-hub": "true" };
  return {
    // The internal NLB (ip targets, no client IP preservation) reaches the proxy from VPC addresses.
    "proxy-from-load-balancer": {
      direction: "ingress",
      podLabels: podLabels.proxy,
      peers: [{ cidr: vpcCidr }],
      ports: [{ port: ports.proxyHttp }],
    },
    "proxy-api-from-hub": {
      direction: "ingress",
      podLabels: podLabels.proxy,
      peers: [{ podLabels: podLabels.hub }],
      ports: [{ port: ports.proxyApi }],
    },
    "hub-from-proxy-and-servers": {
      direction: "ingress",
      podLabels: podLabels.hub,
      peers: [{ podLabels: networkAccessHub }],
      ports: [{ port: ports.hub }],
    },
    "servers-from-proxy-and-hub": {
      direction: "ingress",
      podLabels: podLabels.singleuser,
      peers: [{ podLabels: podLabels.proxy }, { podLabels: podLabels.hub }],
      ports: [{ port: ports.singleuser }],
    },
    "hub-to-proxy-and-servers": {
      direction: "egress",
      podLabels: podLabels.hub,
      peers: [{ podLabels: podLabels.proxy }, { podLabels: podLabels.singleuser }],
      ports: [{ port: ports.proxyApi }, { port: ports.singleuser }],
    },
    "proxy-to-hub-and-servers": {
      direction: "egress",
      podLabels: podLabels.proxy,
      peers: [{ podLabels: podLabels.hub }, { podLabels: podLabels.singleuser }],
      ports: [{ port: ports.hub }, { port: ports.singleuser }],
    },
    "servers-to-hub": {
      direction: "egress",
      podLabels: podLabels.singleuser,
      peers: [{ podLabels: podLabels.hub }],
      ports: [{ port: ports.hub }],
    },
    // Kubernetes API (private endpoint), AWS interface endpoints (STS, Glue, KMS) and the query mesh's internal endpoint.
    "vpc-https-egress": { direction: "egress", peers: [{ cidr: vpcCidr }], ports: [{ port: 443 }] },
    // Notebook servers read the lake: S3 through the gateway endpoint is S3's public ranges (the region's prefix list).
    "servers-to-s3": {
      direction: "egress",
      podLabels: podLabels.singleuser,
      peers: [{ cidrs: s3Cidrs }],
      ports: [{ port: 443 }],
    },
  };
}

export interface LoadBalancerInput {
  releaseName: string;
  tlsCertificateArn?: string;
  sourceCidrs: string[];
  tags: Record<string, string>;
}

/** Annotations of the internal NLB the AWS Load Balancer Controller creates for the proxy. */
export function loadBalancerAnnotations(input: LoadBalancerInput): Record<string, string> {
  const tags = Object.entries(input.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    ...(input.tlsCertificateArn
      ? {
          "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": input.tlsCertificateArn,
          "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
          "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }
      : {}),
    ...(tags ? { "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": tags } : {}),
  };
}

/** The Service behind the NLB: the chart's proxy pods, 443 (TLS at the NLB) or 80, to the proxy's HTTP port. */
export function loadBalancerServiceSpec(input: LoadBalancerInput): Record<string, unknown> {
  const tls = input.tlsCertificateArn !== undefined;
  return {
    type: "LoadBalancer",
    selector: { app: "jupyterhub", release: input.releaseName, ...podLabels.proxy },
    ports: [{ name: tls ? "https" : "http", port: tls ? 443 : 80, targetPort: ports.proxyHttp, protocol: "TCP" }],
    loadBalancerSourceRanges: [...input.sourceCidrs].sort(),
  };
}

import type { LakeRef } from "@data-platform/data-lake";
import type { ClusterRef } from "@data-platform/platform-cluster";
import type * as pulumi from "@pulumi/pulumi";
import { chartSampleImageName } from "./image";
import { formatArgsProblem, isDevStage, platformDefaults, type ArgsProblem } from "@data-platform/conventions";

/** JupyterHub authenticators the hub supports (oauthenticator entry points, and JupyterHub's dummy for dev). */
export type AuthenticatorKind = "generic-oidc" | "github" | "google" | "dummy";

export interface AuthenticatorArgs {
  kind: AuthenticatorKind;
  /** OAuth client id (required except for `dummy`). */
  clientId?: string;
  /**
   * OAuth client secret, a Pulumi secret (required except for `dummy`). It reaches the hub only through a
   * Kubernetes Secret read into the `OAUTH_CLIENT_SECRET` env var; it never appears in chart values.
   */
  clientSecret?: pulumi.Input<string>;
  /** @default `https://<hostname>/hub/oauth_callback` (required when `hostname` is not set) */
  oauthCallbackUrl?: string;
  /** Generic OIDC only (all three required for it). */
  authorizeUrl?: string;
  tokenUrl?: string;
  userdataUrl?: string;
  /** Generic OIDC: the userinfo claim holding the user name. @default "preferred_username" */
  usernameClaim?: string;
  /** Generic OIDC: the path in the auth state holding the user's groups. @default "oauth_user.groups" */
  groupsClaimPath?: string;
  /** OAuth scopes. @default ["openid", "profile", "email"] for generic OIDC, the authenticator's own otherwise */
  scopes?: string[];
  /** GitHub: organisations (or `org:team`) whose members may log in, on top of the domains' groups. @default [] */
  allowedOrganizations?: string[];
  /** Generic OIDC: IdP groups whose members may log in, on top of the domains' groups. @default [] */
  allowedGroups?: string[];
}

/** A pinned single-user image, and whether it ships `jupyter-collaboration` (the caller states it; it is checked against known images). */
export interface NotebookImage {
  name: string;
  tag: string;
  /** The image has `jupyter-collaboration` installed and enabled (required when `realTimeCollaboration` is on). */
  collaboration: boolean;
}

/** One consuming domain of the registry: who may log in for it, and what the notebooks may read. */
export interface NotebookDomainArgs {
  /** Domain name (registry key). */
  name: string;
  /**
   * Identity-provider groups of the domain's analysts. generic-oidc: `allowed_groups` (groups claim);
   * github: `org:team` entries of `allowed_organizations`; not supported for google (needs a Workspace admin
   * service account); ignored for dummy. @default [] (its analysts come through `allowedUsers`)
   */
  groups?: string[];
  /** Published data products the domain's analysts read: `{ domain, products }` per producing domain. */
  products: { domain: string; products: string[] }[];
}

/** One server profile users choose at spawn time. Memory in GiB, CPU in cores. */
export interface NotebookProfileArgs {
  displayName: string;
  description?: string;
  cpuGuarantee: number;
  cpuLimit: number;
  memoryGuaranteeGiB: number;
  memoryLimitGiB: number;
  /** An image other than the hub's single-user image (pinned tag). @default the hub's single-user image */
  image?: NotebookImage;
  /** Extra environment variables of this profile's servers. @default {} */
  env?: Record<string, string>;
  /** Pre-selected in the spawn form (exactly one profile). */
  default?: boolean;
}

export interface NotebookHubArgs {
  /** First part of physical names (`dp`). */
  prefix: string;
  /** Stage (`dev`, `staging`, `prod`). `dummy` authentication is accepted only on dev stages (see `isDevStage`). */
  stage: string;
  /** True for the production stage: the dummy authenticator is refused, TLS is required. */
  production: boolean;
  cluster: ClusterRef;
  lake: LakeRef;
  authenticator: AuthenticatorArgs;
  /** Users allowed to log in besides the domains' groups. @default [] */
  allowedUsers?: string[];
  /** Roles named as administrators (management, no data use) in the image key's policy, besides the account root. @default [] */
  keyAdministratorArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** JupyterHub admins (from config). */
  adminUsers: string[];
  /** Consuming domains: their groups may log in, their product sets are granted read to the notebooks. */
  domains: NotebookDomainArgs[];
  /** Server profiles by slug. @default small, large and spark (see `defaultProfiles`) */
  profiles?: Record<string, NotebookProfileArgs>;
  /** Per-user home volume. @default { capacityGiB: 20, storageClass: "gp3" } */
  storage?: { capacityGiB?: number; storageClass?: string };
  /** Idle servers are stopped after this many seconds. @default 3600 */
  cullTimeoutSeconds?: number;
  /** The query mesh's URL, injected as `DATA_PLATFORM_QUERY_URL` into every server. @default not injected */
  queryEndpoint?: pulumi.Input<string>;
  /** DNS name of the hub (a record pointing at the internal NLB is managed outside). @default the NLB's DNS name */
  hostname?: string;
  /** ACM certificate of `hostname`: the NLB terminates TLS on 443. Required when `production`. @default plain HTTP on 80 */
  tlsCertificateArn?: string;
  /** Ranges admitted to the NLB (VPN, on-premises). @default [the cluster's VPC CIDR] */
  allowedSourceCidrs?: string[];
  /**
   * JupyterLab real-time collaboration: users share their servers (JupyterHub 5 sharing) and edit notebooks
   * together. Needs `jupyter-collaboration` in every image the hub starts.
   * @default true
   */
  realTimeCollaboration?: boolean;
  /**
   * Single-user image. @default the platform image built from `components/notebook-hub/image` (JupyterLab 4.5.8,
   * jupyter-collaboration 4.4.2, data clients), in the ECR repository this component creates
   * (`<prefix>-<stage>/notebooks/singleuser`), tagged `notebookImageTag()`
   */
  singleuserImage?: NotebookImage;
  /** Kubernetes namespace. @default "notebooks" */
  namespace?: string;
  /** Protect the IAM role and the chart. @default true */
  protect?: boolean;
  /** Tags of the IAM role and the load balancer. @default {} */
  tags?: Record<string, string>;
}

/** Small for exploration, large for heavy pandas work, spark for local-mode Spark against the mesh and lake. */
export const defaultProfiles: Record<string, NotebookProfileArgs> = {
  small: {
    displayName: "Small (1 CPU, 4 GiB)",
    cpuGuarantee: 0.5,
    cpuLimit: 1,
    memoryGuaranteeGiB: 2,
    memoryLimitGiB: 4,
    default: true,
  },
  large: {
    displayName: "Large (4 CPU, 16 GiB)",
    cpuGuarantee: 2,
    cpuLimit: 4,
    memoryGuaranteeGiB: 8,
    memoryLimitGiB: 16,
  },
  spark: {
    displayName: "Spark (8 CPU, 32 GiB)",
    description: "Spark in local mode, for prototyping jobs against published data products",
    cpuGuarantee: 4,
    cpuLimit: 8,
    memoryGuaranteeGiB: 16,
    memoryLimitGiB: 32,
    env: { SPARK_DRIVER_MEMORY: "24g" },
  },
};

/** Stages where the dummy authenticator is acceptable: `dev` and `dev-*` (personal sandboxes); the rule is conventions'. */
export { isDevStage };

const profileSlug = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const groupOrUser = /^\S+$/;

/** A problem with an argument: `path` names it in `NotebookHubArgs` (`authenticator.clientId`, `domains.<name>.groups`; "" for the args as a whole). */
export type NotebookHubArgsProblem = ArgsProblem;

/** A problem as one line: the message, after its path unless the message already starts with it. */
export const formatNotebookHubProblem: (problem: NotebookHubArgsProblem) => string = formatArgsProblem;

/** Every problem of `args`, one line each (see `notebookHubArgsProblems` for the structured form). Pure. */
export function notebookHubProblems(args: NotebookHubArgs): string[] {
  return notebookHubArgsProblems(args).map(formatNotebookHubProblem);
}

/** Every problem with the args, in one list (empty when valid). Pure: no Pulumi needed. */
export function notebookHubArgsProblems(args: NotebookHubArgs): NotebookHubArgsProblem[] {
  const problems: NotebookHubArgsProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const auth = args.authenticator;
  const kinds: AuthenticatorKind[] = ["generic-oidc", "github", "google", "dummy"];
  if (!kinds.includes(auth.kind))
    add("authenticator.kind", `authenticator.kind must be one of ${kinds.join(", ")}, got "${String(auth.kind)}"`);
  if (auth.kind === "dummy") {
    if (args.production)
      add(
        "authenticator.kind",
        'authenticator.kind "dummy" lets anyone log in and is never allowed in production: configure generic-oidc, github or google',
      );
    else if (!isDevStage(args.stage))
      add(
        "authenticator.kind",
        `authenticator.kind "dummy" is allowed only on dev stages (dev, dev-*), not on "${args.stage}"`,
      );
  } else {
    if (!auth.clientId) add("authenticator.clientId", `authenticator.clientId is required for ${auth.kind}`);
    if (auth.clientSecret === undefined)
      add("authenticator.clientSecret", `authenticator.clientSecret (a Pulumi secret) is required for ${auth.kind}`);
    if (!auth.oauthCallbackUrl && !args.hostname)
      add("authenticator.oauthCallbackUrl", "authenticator.oauthCallbackUrl is required when hostname is not set");
    if (auth.oauthCallbackUrl && !auth.oauthCallbackUrl.startsWith("https://"))
      add("authenticator.oauthCallbackUrl", "authenticator.oauthCallbackUrl must be https://");
  }
  if (auth.kind === "generic-oidc") {
    for (const key of ["authorizeUrl", "tokenUrl", "userdataUrl"] as const) {
      const url = auth[key];
      if (!url) add(`authenticator.${key}`, `authenticator.${key} is required for generic-oidc`);
      else if (!url.startsWith("https://")) add(`authenticator.${key}`, `authenticator.${key} must be https://`);
    }
  }
  if (auth.kind !== "github" && (auth.allowedOrganizations ?? []).length > 0)
    add("authenticator.allowedOrganizations", "authenticator.allowedOrganizations applies to github only");
  if (auth.kind !== "generic-oidc" && (auth.allowedGroups ?? []).length > 0)
    add("authenticator.allowedGroups", "authenticator.allowedGroups applies to generic-oidc only");
  for (const domain of args.domains) {
    if ((domain.groups ?? []).length === 0) continue;
    if (auth.kind === "google")
      add(`domains.${domain.name}.groups`, `group mapping is not supported for google (use allowedUsers)`);
    if (auth.kind === "github")
      for (const group of domain.groups ?? [])
        if (!/^[^:\s]+:[^:\s]+$/.test(group))
          add(`domains.${domain.name}.groups`, `"${group}" must be "org:team" for github`);
  }

  const domainNames = args.domains.map((domain) => domain.name);
  for (const duplicate of new Set(domainNames.filter((name, index) => domainNames.indexOf(name) !== index)))
    add("domains", `"${duplicate}" is listed twice`);
  for (const domain of args.domains) {
    for (const set of domain.products)
      if (set.products.length === 0)
        add(`domains.${domain.name}.products`, `the set of ${set.domain} names no product`);
  }
  const people = [
    ...(args.allowedUsers ?? []),
    ...args.adminUsers,
    ...args.domains.flatMap((domain) => domain.groups ?? []),
    ...(auth.allowedOrganizations ?? []),
    ...(auth.allowedGroups ?? []),
  ];
  if (people.length === 0)
    add("", "nobody could log in: set allowedUsers, adminUsers, domain groups or allowedOrganizations/allowedGroups");
  for (const entry of people)
    if (!groupOrUser.test(entry)) add("", `"${entry}" is not a user, group or organisation name`);

  const rtc = args.realTimeCollaboration ?? platformDefaults.notebooks.realTimeCollaboration;
  const profiles = args.profiles ?? defaultProfiles;
  const slugs = Object.keys(profiles);
  if (slugs.length === 0) add("profiles", "profiles must define at least one profile");
  if (slugs.length > 0 && slugs.filter((slug) => profiles[slug]?.default).length !== 1)
    add("profiles", "exactly one profile must be the default");
  for (const [slug, profile] of Object.entries(profiles)) {
    const where = `profiles.${slug}`;
    if (!profileSlug.test(slug)) add(where, `slugs are lowercase letters, digits and hyphens`);
    for (const key of ["cpuGuarantee", "cpuLimit", "memoryGuaranteeGiB", "memoryLimitGiB"] as const) {
      if (!(profile[key] > 0)) add(`${where}.${key}`, `${where}.${key} must be positive`);
    }
    if (profile.cpuGuarantee > profile.cpuLimit) add(where, `cpuGuarantee exceeds cpuLimit`);
    if (profile.memoryGuaranteeGiB > profile.memoryLimitGiB) add(where, `memoryGuaranteeGiB exceeds memoryLimitGiB`);
    if (profile.image) problems.push(...imageProblems(`${where}.image`, profile.image, rtc));
  }
  if (args.singleuserImage) problems.push(...imageProblems("singleuserImage", args.singleuserImage, rtc));

  const capacity = args.storage?.capacityGiB ?? platformDefaults.notebooks.storageGiB;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 16384)
    add("storage.capacityGiB", `storage.capacityGiB must be an integer 1-16384, got ${capacity}`);
  const cull = args.cullTimeoutSeconds ?? platformDefaults.notebooks.cullTimeoutSeconds;
  if (!Number.isInteger(cull) || cull < 300)
    add("cullTimeoutSeconds", `cullTimeoutSeconds must be an integer >= 300, got ${cull}`);
  if (args.production && !args.tlsCertificateArn)
    add("tlsCertificateArn", "tlsCertificateArn is required in production (OAuth callbacks and sessions over TLS)");
  if (
    args.tlsCertificateArn &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(args.tlsCertificateArn)
  )
    add("tlsCertificateArn", `tlsCertificateArn "${args.tlsCertificateArn}" is not an ACM certificate ARN`);
  if (args.tlsCertificateArn && !args.hostname)
    add("tlsCertificateArn", "tlsCertificateArn needs the hostname it was issued for");
  for (const cidr of args.allowedSourceCidrs ?? []) {
    const match = /^(\d{1,3}\.){3}\d{1,3}\/(\d{1,2})$/.exec(cidr);
    if (!match) add("allowedSourceCidrs", `"${cidr}" is not an IPv4 CIDR`);
    else if (Number(match[2]) < 8) add("allowedSourceCidrs", `"${cidr}" is wider than a /8: the hub is internal only`);
  }
  if (args.hostname && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(args.hostname))
    add("hostname", `hostname "${args.hostname}" is not a DNS name`);
  return problems;
}

function pinnedTag(tag: string): boolean {
  return tag.trim() !== "" && tag !== "latest";
}

function imageProblems(where: string, image: NotebookImage, realTimeCollaboration: boolean): NotebookHubArgsProblem[] {
  const problems: NotebookHubArgsProblem[] = [];
  if (!pinnedTag(image.tag))
    problems.push({ path: `${where}.tag`, message: `${where}.tag must be pinned (not empty or "latest")` });
  if (image.name === chartSampleImageName && image.collaboration) {
    problems.push({
      path: `${where}.collaboration`,
      message: `${chartSampleImageName} does not ship jupyter-collaboration (z2jh images/singleuser-sample); collaboration must be false`,
    });
  }
  if (realTimeCollaboration && !image.collaboration) {
    problems.push({
      path: `${where}.collaboration`,
      message:
        "real-time collaboration is on, but the image does not ship jupyter-collaboration; use the platform image (the default), an image that has it, or set realTimeCollaboration: false",
    });
  }
  return problems;
}

/** Throws one error listing every problem, before anything is registered. */
export function validateNotebookHubArgs(name: string, args: NotebookHubArgs): void {
  const problems = notebookHubProblems(args);
  if (problems.length > 0)
    throw new Error(`NotebookHub "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

import type * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import type { ClusterRef } from "@data-platform/platform-cluster";
import { parseCidr } from "@data-platform/conventions";
import { validateAgainstSchemaFile } from "@data-platform/helm-charts";
import { parseProperties, rangerAccessControlProperties } from "./catalogs";

export type QueryEngine = "trino" | "starburst";
export type AccessControlMode = "privacera" | "ranger" | "file";

/** Kubernetes requests and limits of one pod. Memory limits are whole GiB (`16Gi`): the JVM heap is sized from them. */
export interface QueryResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

/** A domain whose data products the mesh exposes (its Glue databases are schemas of the `lake` catalog). */
export interface QueryMeshDomain {
  /** Domain name, as enabled in the lake. */
  name: string;
  /** Data products (tables) the engine may read; at least one. */
  products: string[];
}

/** Starburst Enterprise credentials: all Pulumi secrets, stored only in Kubernetes Secrets and the chart's repository options. */
export interface StarburstCredentials {
  /** The `starburstdata.license` file content. */
  licenseSecret: pulumi.Input<string>;
  /** Starburst registry (harbor.starburstdata.net) user, for the chart and the images. */
  registryUsername: pulumi.Input<string>;
  registryPassword: pulumi.Input<string>;
}

/** A user and password: Pulumi secrets, stored only in Kubernetes Secrets (never in chart values). */
export interface Credentials {
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
}

/**
 * Where the Privacera chart comes from and how it is configured: Privacera distributes its Kubernetes packaging to
 * customers (Privacera Manager renders it), so the chart, its values and its registry login come from the stage.
 */
export interface PrivaceraChartRef {
  /** Chart name, or a full `oci://` reference. */
  chart: string;
  /** Pinned chart version. */
  version: string;
  /** Helm repository URL or `oci://` registry prefix. */
  repository: string;
  /**
   * The chart's values, as Privacera Manager renders them. No schema is public, so only what can be checked is:
   * no credential in plain values (pass Secrets by name), no `latest` image tags. @default {}
   */
  values?: Record<string, unknown>;
  /** Login of a private chart repository (secrets, a secret input of the chart resource). @default none */
  registry?: Credentials;
}

/** The Ranger-compatible policy service the engine's access control plugin reads (Privacera's or an existing Ranger). */
export interface RangerEndpoint {
  /** `http(s)://host:port` of the policy REST service. */
  policyRestUrl: string;
  /** The Ranger service (policy repository) of this engine. */
  serviceName: string;
  /**
   * The plugin's user on the policy service (Starburst: `ranger.presto-plugin-username/password` with Privacera,
   * `ranger.username/password` with Ranger), put in a Kubernetes Secret the coordinator reads as environment
   * variables. Required for Starburst in production. @default none
   */
  credentials?: Credentials;
}

export interface QueryMeshArgs {
  prefix: string;
  stage: string;
  /** The platform cluster: provider, namespace/IRSA helpers, the tainted `query` node group. */
  cluster: ClusterRef;
  /** The lake: Glue catalog, Lake Formation grants. */
  lake: LakeRef;
  /** @default "trino" (open source; `starburst` needs `starburst` credentials) */
  engine?: QueryEngine;
  /** Required when `engine` is `starburst`. */
  starburst?: StarburstCredentials;
  /** Domains whose data products the mesh exposes, keyed by name. */
  domains: QueryMeshDomain[];
  /** Worker autoscaling bounds. @default { min: 2, max: 10 } */
  workers?: { min: number; max: number };
  /** @default requests 2 CPU / 8Gi, limits 4 CPU / 8Gi */
  coordinatorResources?: QueryResources;
  /** @default requests 4 CPU / 16Gi, limits 8 CPU / 16Gi */
  workerResources?: QueryResources;
  /** @default "file" (rules generated from `domains`; refused when `production`) */
  accessControl?: AccessControlMode;
  /** Required when `accessControl` is `privacera`: the Privacera chart to deploy. */
  privacera?: PrivaceraChartRef;
  /** Required when `accessControl` is `ranger` or `privacera`: the policy service the plugin reads. */
  ranger?: RangerEndpoint;
  /** Production stage: refuses `accessControl: "file"` and requires `tlsCertificateArn`. @default false */
  production?: boolean;
  /** The Looker service user. @default "looker" */
  lookerUserName?: string;
  /** ACM certificate of the internal NLB's TLS listener (443). @default none: a plain listener on 8080 (refused when `production`) */
  tlsCertificateArn?: pulumi.Input<string>;
  /**
   * Extra ranges the engine may reach on 443, besides the VPC: S3 through the gateway endpoint uses S3's public
   * ranges (the `com.amazonaws.<region>.s3` prefix list), which a NetworkPolicy cannot name. @default []
   */
  s3EgressCidrs?: string[];
  /**
   * Ranges admitted to the internal NLB (`loadBalancerSourceRanges`: VPN, on-premises, the notebooks' VPC). Without
   * it the controller would admit 0.0.0.0/0 on the load balancer. @default [the cluster's VPC CIDR]
   */
  allowedSourceCidrs?: string[];
  /** @default true (no stateful resources today; kept for the platform's uniform args) */
  protect?: boolean;
  /** Tags of the IAM role. @default {} */
  tags?: Record<string, string>;
}

export const defaultCoordinatorResources: QueryResources = { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } };
export const defaultWorkerResources: QueryResources = { requests: { cpu: "4", memory: "16Gi" }, limits: { cpu: "8", memory: "16Gi" } };
export const defaultWorkers = { min: 2, max: 10 };

/** Schema of the parsed access-control.properties (packages/helm-charts/charts/privacera, with its provenance). */
export const privaceraPropertiesSchema = "privacera/sep-access-control-properties.schema.json";

const domainPattern = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$|^[a-z][a-z0-9-]*$/;
const userPattern = /^[a-z][a-z0-9_.-]{0,62}$/;
const memoryPattern = /^[1-9][0-9]*Gi$/;

function resourceProblems(where: string, resources: QueryResources | undefined): string[] {
  if (!resources) return [];
  const problems: string[] = [];
  if (!memoryPattern.test(resources.limits.memory)) problems.push(`${where}.limits.memory must be whole GiB like "16Gi" (the JVM heap is sized from it), got "${resources.limits.memory}"`);
  if (!resources.requests.cpu || !resources.requests.memory) problems.push(`${where}.requests needs cpu and memory`);
  return problems;
}

/** Every problem with the args, one message each (empty when valid). Pure: no Pulumi calls. */
export function queryMeshArgsProblems(args: Omit<QueryMeshArgs, "cluster" | "lake">): string[] {
  const problems: string[] = [];
  const engine = args.engine ?? "trino";
  const accessControl = args.accessControl ?? "file";
  if (engine !== "trino" && engine !== "starburst") problems.push(`engine must be "trino" or "starburst", got "${String(engine)}"`);
  if (engine === "starburst" && !args.starburst) problems.push(`engine "starburst" needs starburst.licenseSecret, registryUsername and registryPassword`);
  if (!["privacera", "ranger", "file"].includes(accessControl)) problems.push(`accessControl must be "privacera", "ranger" or "file", got "${String(accessControl)}"`);
  if (args.production && accessControl === "file") problems.push(`accessControl "file" is for development only; production needs "privacera" or "ranger"`);
  if (args.production && args.tlsCertificateArn === undefined) problems.push(`production needs tlsCertificateArn: Looker connects over TLS`);
  if (accessControl === "privacera" && !args.privacera) problems.push(`accessControl "privacera" needs privacera (chart, version, repository)`);
  if (args.production && engine === "starburst" && (accessControl === "privacera" || accessControl === "ranger") && args.ranger && !args.ranger.credentials) {
    problems.push(`ranger.credentials (the plugin's user on the policy service) are required in production`);
  }
  if (args.privacera?.values) problems.push(...privaceraValuesProblems(args.privacera.values));
  if (args.privacera && accessControl !== "privacera") problems.push(`privacera is set but accessControl is "${accessControl}"`);
  if (args.privacera && (!args.privacera.chart || !args.privacera.version || !args.privacera.repository)) problems.push(`privacera needs chart, version and repository (a pinned version)`);
  if ((accessControl === "privacera" || accessControl === "ranger") && !args.ranger) problems.push(`accessControl "${accessControl}" needs ranger (policyRestUrl, serviceName)`);
  if (args.ranger) {
    if (!/^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(args.ranger.policyRestUrl)) problems.push(`ranger.policyRestUrl must be an http(s) URL, got "${args.ranger.policyRestUrl}"`);
    if (!args.ranger.serviceName.trim()) problems.push(`ranger.serviceName must not be empty`);
    if (accessControl === "privacera" || accessControl === "ranger") {
      const parsed = parseProperties(rangerAccessControlProperties(accessControl, args.ranger, engine === "starburst" && args.ranger.credentials !== undefined));
      for (const problem of validateAgainstSchemaFile(privaceraPropertiesSchema, parsed)) problems.push(`access-control.properties${problem}`);
    }
  }
  if (args.domains.length === 0) problems.push(`domains must name at least one domain`);
  const seen = new Set<string>();
  for (const domain of args.domains) {
    if (!domainPattern.test(domain.name)) problems.push(`domains: "${domain.name}" is not a domain name`);
    if (seen.has(domain.name)) problems.push(`domains: "${domain.name}" is listed twice`);
    seen.add(domain.name);
    if (domain.products.length === 0) problems.push(`domains.${domain.name}.products must name at least one data product`);
    if (new Set(domain.products).size !== domain.products.length) problems.push(`domains.${domain.name}.products lists a product twice`);
  }
  const workers = args.workers ?? defaultWorkers;
  if (!Number.isInteger(workers.min) || !Number.isInteger(workers.max) || workers.min < 1 || workers.max < workers.min) {
    problems.push(`workers must be integers with 1 <= min <= max, got ${workers.min}..${workers.max}`);
  }
  problems.push(...resourceProblems("coordinatorResources", args.coordinatorResources), ...resourceProblems("workerResources", args.workerResources));
  if (!userPattern.test(args.lookerUserName ?? "looker")) problems.push(`lookerUserName "${args.lookerUserName}" must be lowercase letters, digits, ".", "_" or "-"`);
  for (const cidr of args.s3EgressCidrs ?? []) {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") problems.push(`s3EgressCidrs: ${parsed}`);
  }
  for (const cidr of args.allowedSourceCidrs ?? []) {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") problems.push(`allowedSourceCidrs: ${parsed}`);
    else if (parsed.prefixLength < 8) problems.push(`allowedSourceCidrs: "${cidr}" is wider than a /8: the query endpoint is internal only`);
  }
  return problems;
}

const credentialKey = /(password|passwd|secret|token|credential|private[-_]?key|access[-_]?key)$/i;
/** Keys that name a Secret (or a key in it) rather than hold a credential. */
const referenceKey = /^existing|(secretName|secretRef|secretKey|Name|Ref)$/;

/**
 * What can be checked in Privacera's values without its (private) schema: no credential as a plain value (a key
 * named like a password, secret or token must hold a reference such as a Secret's name, written `secretName`/
 * `existingSecret`, not the credential) and no floating `latest` image tag. Pure.
 */
export function privaceraValuesProblems(values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${path}[${index}]`));
    if (!value || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (typeof child === "string" && credentialKey.test(key) && !referenceKey.test(key) && child !== "") problems.push(`privacera.values.${at} looks like a credential in plain values: create a Kubernetes Secret and pass its name`);
      if (key === "tag" && (child === "latest" || child === "")) problems.push(`privacera.values.${at} must pin an image tag, not "${String(child)}"`);
      if (key === "image" && typeof child === "string" && (!child.includes(":") || child.endsWith(":latest"))) problems.push(`privacera.values.${at} must pin an image tag ("${child}")`);
      walk(child, at);
    }
  };
  walk(values, "");
  return problems;
}

/** Throws one error listing every problem, before anything is registered. */
export function validateQueryMeshArgs(name: string, args: QueryMeshArgs): void {
  const problems = queryMeshArgsProblems(args);
  if (!args.cluster) problems.push("cluster is required");
  if (!args.lake) problems.push("lake is required");
  if (args.lake && typeof args.lake.domainNames === "function") {
    const enabled = args.lake.domainNames();
    for (const domain of args.domains) {
      if (!enabled.includes(domain.name)) {
        problems.push(`domains: "${domain.name}" is not enabled in the lake (enabled: ${enabled.join(", ") || "none"})`);
        continue;
      }
      const published = Object.values(args.lake.domain(domain.name).products).flat();
      for (const product of domain.products) {
        if (!published.includes(product)) problems.push(`domains.${domain.name}.products: "${product}" is not a data product of the domain (published: ${published.join(", ") || "none"})`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`QueryMesh "${name}": invalid args (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

import type * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import type { ClusterRef } from "@data-platform/platform-cluster";
import { parseCidr, platformDefaults, type ArgsProblem } from "@data-platform/conventions";
import { validateAgainstSchemaFile } from "@data-platform/helm-charts";
import { parseProperties, rangerAccessControlProperties, trinoRangerAccessControl } from "./catalogs";

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
  /**
   * Ports Privacera's pods may reach in the VPC besides 443: an external database for the policy service (RDS:
   * 3306/5432), a directory for user sync (636). @default [] (443 only)
   */
  vpcEgressPorts?: number[];
}

/** The Ranger-compatible policy service the engine's access control plugin reads (Privacera's or an existing Ranger). */
export interface RangerEndpoint {
  /** `http(s)://host:port` of the policy REST service. */
  policyRestUrl: string;
  /** The Ranger service (policy repository) of this engine. */
  serviceName: string;
  /**
   * The plugin's user on the policy service (Starburst: `ranger.presto-plugin-username/password` with Privacera,
   * `ranger.username/password` with Ranger, in a Kubernetes Secret the coordinator reads as environment variables;
   * Trino: `ranger.plugin.trino.policy.rest.client.username/password` in the plugin's files, a Secret the coordinator
   * mounts). Required in production. @default none
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
  /** Production stage: refuses `accessControl: "file"`, requires `tlsCertificateArn` and turns `internalTls` on by default. @default false */
  production?: boolean;
  /** The Looker service user. @default "looker" */
  lookerUserName?: string;
  /** ACM certificate of the internal NLB's TLS listener (443). @default none: a plain listener on 8080 (refused when `production`) */
  tlsCertificateArn?: pulumi.Input<string>;
  /**
   * TLS between the NLB and the coordinator: the coordinator serves HTTPS on 8443 with a certificate the program
   * generates (its private key only in Kubernetes Secret `query-coordinator-tls` and the state, as a secret), and the
   * NLB re-encrypts to it (`backend-protocol: ssl`); passwords are then accepted over HTTPS only. Needs
   * `tlsCertificateArn`. @default `production`
   */
  internalTls?: boolean;
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

export const defaultCoordinatorResources: QueryResources = {
  requests: { cpu: "2", memory: "8Gi" },
  limits: { cpu: "4", memory: "8Gi" },
};
export const defaultWorkerResources: QueryResources = {
  requests: { cpu: "4", memory: "16Gi" },
  limits: { cpu: "8", memory: "16Gi" },
};
export const defaultWorkers = { ...platformDefaults.queryMesh.workers };

/** Schema of Starburst's parsed access-control.properties (packages/helm-charts/charts/privacera, with its provenance). */
export const privaceraPropertiesSchema = "privacera/sep-access-control-properties.schema.json";
/** Schema of Trino's parsed access-control.properties for its Ranger plugin (packages/helm-charts/charts/trino-ranger). */
export const trinoRangerPropertiesSchema = "trino-ranger/access-control-properties.schema.json";

const domainPattern = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$|^[a-z][a-z0-9-]*$/;
const userPattern = /^[a-z][a-z0-9_.-]{0,62}$/;
const memoryPattern = /^[1-9][0-9]*Gi$/;
/** A problem at an argument path. The query mesh's messages name their argument already, so they are printed as they are. */
const at = (path: string, message: string): ArgsProblem => ({ path, message });

function resourceProblems(where: string, resources: QueryResources | undefined): ArgsProblem[] {
  if (!resources) return [];
  const problems: ArgsProblem[] = [];
  if (!memoryPattern.test(resources.limits.memory))
    problems.push(
      at(
        `${where}.limits.memory`,
        `${where}.limits.memory must be whole GiB like "16Gi" (the JVM heap is sized from it), got "${resources.limits.memory}"`,
      ),
    );
  if (!resources.requests.cpu || !resources.requests.memory)
    problems.push(at(`${where}.requests`, `${where}.requests needs cpu and memory`));
  return problems;
}

/** Every problem of `args`, one line each (see `queryMeshArgsProblems` for the structured form). Pure. */
export function queryMeshProblems(args: Omit<QueryMeshArgs, "cluster" | "lake">): string[] {
  return queryMeshArgsProblems(args).map((problem) => problem.message);
}

/** Every problem with the args (empty when valid), each at its argument's path (`accessControl`, `ranger.credentials`, `s3EgressCidrs[0]`). Pure: no Pulumi calls. */
export function queryMeshArgsProblems(args: Omit<QueryMeshArgs, "cluster" | "lake">): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const engine = args.engine ?? platformDefaults.queryMesh.engine;
  const accessControl = args.accessControl ?? platformDefaults.queryMesh.accessControl;
  if (engine !== "trino" && engine !== "starburst")
    problems.push(at("engine", `engine must be "trino" or "starburst", got "${String(engine)}"`));
  if (engine === "starburst" && !args.starburst)
    problems.push(
      at("starburst", `engine "starburst" needs starburst.licenseSecret, registryUsername and registryPassword`),
    );
  if (!["privacera", "ranger", "file"].includes(accessControl))
    problems.push(
      at("accessControl", `accessControl must be "privacera", "ranger" or "file", got "${String(accessControl)}"`),
    );
  if (args.production && accessControl === "file")
    problems.push(
      at("accessControl", `accessControl "file" is for development only; production needs "privacera" or "ranger"`),
    );
  if (args.production && args.tlsCertificateArn === undefined)
    problems.push(at("tlsCertificateArn", `production needs tlsCertificateArn: Looker connects over TLS`));
  // Production's default (internal TLS on) without a certificate is the tlsCertificateArn problem above, reported once.
  if (args.internalTls === true && args.tlsCertificateArn === undefined) {
    problems.push(
      at(
        "internalTls",
        `internalTls needs tlsCertificateArn: the NLB ends the client's TLS with the ACM certificate and opens a new TLS connection to the coordinator`,
      ),
    );
  }
  if (engine === "trino" && accessControl === "privacera") {
    problems.push(
      at(
        "accessControl",
        `accessControl "privacera" needs engine "starburst": Privacera's plugin for open-source Trino ships in Privacera's own Trino image, which this component does not deploy; with engine "trino" use accessControl "ranger" (Trino's Apache Ranger plugin, pointed at a Ranger-compatible policy service)`,
      ),
    );
  }

  if (accessControl === "privacera" && !args.privacera)
    problems.push(at("privacera", `accessControl "privacera" needs privacera (chart, version, repository)`));
  if (
    args.production &&
    (accessControl === "privacera" || accessControl === "ranger") &&
    args.ranger &&
    !args.ranger.credentials
  ) {
    problems.push(
      at(
        "ranger.credentials",
        `ranger.credentials (the plugin's user on the policy service) are required in production`,
      ),
    );
  }
  if (args.privacera?.values) problems.push(...privaceraValuesProblems(args.privacera.values));
  if (args.privacera && accessControl !== "privacera")
    problems.push(at("privacera", `privacera is set but accessControl is "${accessControl}"`));
  if (args.privacera && (!args.privacera.chart || !args.privacera.version || !args.privacera.repository))
    problems.push(at("privacera", `privacera needs chart, version and repository (a pinned version)`));
  (args.privacera?.vpcEgressPorts ?? []).forEach((port, index) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      problems.push(at(`privacera.vpcEgressPorts[${index}]`, `privacera.vpcEgressPorts: ${port} is not a TCP port`));
  });
  if ((accessControl === "privacera" || accessControl === "ranger") && !args.ranger)
    problems.push(at("ranger", `accessControl "${accessControl}" needs ranger (policyRestUrl, serviceName)`));
  if (args.ranger) {
    if (!/^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(args.ranger.policyRestUrl))
      problems.push(
        at("ranger.policyRestUrl", `ranger.policyRestUrl must be an http(s) URL, got "${args.ranger.policyRestUrl}"`),
      );
    if (!args.ranger.serviceName.trim())
      problems.push(at("ranger.serviceName", `ranger.serviceName must not be empty`));
    if (engine === "trino" && accessControl === "ranger") {
      const parsed = parseProperties(trinoRangerAccessControl(args.ranger, args.stage).properties);
      for (const problem of validateAgainstSchemaFile(trinoRangerPropertiesSchema, parsed))
        problems.push(at("ranger", `access-control.properties${problem}`));
    } else if (engine === "starburst" && (accessControl === "privacera" || accessControl === "ranger")) {
      const parsed = parseProperties(
        rangerAccessControlProperties(accessControl, args.ranger, args.ranger.credentials !== undefined),
      );
      for (const problem of validateAgainstSchemaFile(privaceraPropertiesSchema, parsed))
        problems.push(at("ranger", `access-control.properties${problem}`));
    }
  }
  if (args.domains.length === 0) problems.push(at("domains", `domains must name at least one domain`));
  const seen = new Set<string>();
  for (const domain of args.domains) {
    if (!domainPattern.test(domain.name))
      problems.push(at(`domains.${domain.name}`, `domains: "${domain.name}" is not a domain name`));
    if (seen.has(domain.name)) problems.push(at(`domains.${domain.name}`, `domains: "${domain.name}" is listed twice`));
    seen.add(domain.name);
    if (domain.products.length === 0)
      problems.push(
        at(`domains.${domain.name}.products`, `domains.${domain.name}.products must name at least one data product`),
      );
    if (new Set(domain.products).size !== domain.products.length)
      problems.push(at(`domains.${domain.name}.products`, `domains.${domain.name}.products lists a product twice`));
  }
  const workers = args.workers ?? defaultWorkers;
  if (
    !Number.isInteger(workers.min) ||
    !Number.isInteger(workers.max) ||
    workers.min < 1 ||
    workers.max < workers.min
  ) {
    problems.push(at("workers", `workers must be integers with 1 <= min <= max, got ${workers.min}..${workers.max}`));
  }
  problems.push(
    ...resourceProblems("coordinatorResources", args.coordinatorResources),
    ...resourceProblems("workerResources", args.workerResources),
  );
  if (!userPattern.test(args.lookerUserName ?? "looker"))
    problems.push(
      at(
        "lookerUserName",
        `lookerUserName "${args.lookerUserName}" must be lowercase letters, digits, ".", "_" or "-"`,
      ),
    );
  (args.s3EgressCidrs ?? []).forEach((cidr, index) => {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") problems.push(at(`s3EgressCidrs[${index}]`, `s3EgressCidrs: ${parsed}`));
  });
  (args.allowedSourceCidrs ?? []).forEach((cidr, index) => {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") problems.push(at(`allowedSourceCidrs[${index}]`, `allowedSourceCidrs: ${parsed}`));
    else if (parsed.prefixLength < 8)
      problems.push(
        at(
          `allowedSourceCidrs[${index}]`,
          `allowedSourceCidrs: "${cidr}" is wider than a /8: the query endpoint is internal only`,
        ),
      );
  });
  return problems;
}

const credentialKey = /(password|passwd|secret|token|credential|private[-_]?key|access[-_]?key)$/i;
/** Keys that name a Secret (or a key in it) rather than hold a credential. */
const referenceKey = /^existing|(secretName|secretRef|secretKey|Name|Ref)$/;

/** Kubernetes fields (wherever a chart passes them through) that Pod Security `restricted` refuses, with the value refused. */
const restrictedViolations: { key: string; refused: (value: unknown) => boolean; why: string }[] = [
  { key: "privileged", refused: (value) => value === true, why: "privileged containers" },
  { key: "allowPrivilegeEscalation", refused: (value) => value === true, why: "privilege escalation" },
  { key: "runAsNonRoot", refused: (value) => value === false, why: "root containers" },
  { key: "runAsUser", refused: (value) => value === 0, why: "running as root (uid 0)" },
  { key: "hostNetwork", refused: (value) => value === true, why: "host namespaces" },
  { key: "hostPID", refused: (value) => value === true, why: "host namespaces" },
  { key: "hostIPC", refused: (value) => value === true, why: "host namespaces" },
  { key: "hostPath", refused: (value) => value !== null && value !== undefined, why: "hostPath volumes" },
  {
    key: "add",
    refused: (value) => Array.isArray(value) && value.some((capability) => capability !== "NET_BIND_SERVICE"),
    why: "added capabilities other than NET_BIND_SERVICE",
  },
];

/**
 * What can be checked in Privacera's values without its (private) schema: no credential as a plain value (a key
 * named like a password, secret or token must hold a reference such as a Secret's name, written `secretName`/
 * `existingSecret`, not the credential), no floating `latest` image tag, and none of the pod settings that Pod
 * Security `restricted` (the `privacera` namespace's level) refuses at admission - caught here instead of as pods
 * that never start. Pure.
 */
export function privaceraValuesProblems(values: Record<string, unknown>): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${path}[${index}]`));
    if (!value || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      const problemAt = (message: string) => problems.push({ path: `privacera.values.${at}`, message });
      for (const rule of restrictedViolations) {
        if (key === rule.key && rule.refused(child) && (key !== "add" || /capabilities$/.test(path))) {
          problemAt(
            `privacera.values.${at}: the privacera namespace enforces Pod Security "restricted", which refuses ${rule.why}`,
          );
        }
      }
      if (typeof child === "string" && credentialKey.test(key) && !referenceKey.test(key) && child !== "")
        problemAt(
          `privacera.values.${at} looks like a credential in plain values: create a Kubernetes Secret and pass its name`,
        );
      if (key === "tag" && (child === "latest" || child === ""))
        problemAt(`privacera.values.${at} must pin an image tag, not "${String(child)}"`);
      if (key === "image" && typeof child === "string" && (!child.includes(":") || child.endsWith(":latest")))
        problemAt(`privacera.values.${at} must pin an image tag ("${child}")`);
      walk(child, at);
    }
  };
  walk(values, "");
  return problems;
}

/** Throws one error listing every problem, before anything is registered. */
export function validateQueryMeshArgs(name: string, args: QueryMeshArgs): void {
  const problems = queryMeshArgsProblems(args);
  if (!args.cluster) problems.push(at("cluster", "cluster is required"));
  if (!args.lake) problems.push(at("lake", "lake is required"));
  if (args.lake && typeof args.lake.domainNames === "function") {
    const enabled = args.lake.domainNames();
    for (const domain of args.domains) {
      if (!enabled.includes(domain.name)) {
        problems.push(
          at(
            `domains.${domain.name}`,
            `domains: "${domain.name}" is not enabled in the lake (enabled: ${enabled.join(", ") || "none"})`,
          ),
        );
        continue;
      }
      const published = Object.values(args.lake.domain(domain.name).products).flat();
      for (const product of domain.products) {
        if (!published.includes(product))
          problems.push(
            at(
              `domains.${domain.name}.products`,
              `domains.${domain.name}.products: "${product}" is not a data product of the domain (published: ${published.join(", ") || "none"})`,
            ),
          );
      }
    }
  }
  if (problems.length > 0)
    throw new Error(
      `QueryMesh "${name}": invalid args (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((problem) => `- ${problem.message}`).join("\n")}`,
    );
}

import type { QueryResources } from "./args";
import {
  catalogProperties,
  heapSizeFor,
  maxMemoryPerNodeFor,
  trinoRangerConfigDir,
  type CatalogArgs,
} from "./catalogs";

export type ChartValues = Record<string, unknown>;

/** The engine's HTTP port inside the cluster (coordinator <-> workers; the NLB's target port without internal TLS). */
export const enginePort = 8080;
/** The coordinator's HTTPS port (internal TLS: the NLB's target port). Trino's default `http-server.https.port`. */
export const coordinatorHttpsPort = 8443;
/** Key of the coordinator's PEM (private key and certificate) in its Secret. */
export const coordinatorTlsKey = "coordinator.pem";
/** Key of the shared-secret Kubernetes Secret, read as an environment variable. */
export const sharedSecretEnv = "SHARED_SECRET";
/** Key of the password file in its Secret (the Trino chart's `passwordAuthSecret` convention). */
export const passwordFileKey = "password.db";
/** Key of the license in its Secret (what SEP's `starburstPlatformLicense` expects). */
export const licenseKey = "starburstdata.license";

/** Names of the Kubernetes Secrets the values reference (never their content). */
export interface SecretNames {
  sharedSecret: string;
  passwordFile: string;
  /** Starburst only. */
  license?: string;
  /** Starburst only: `kubernetes.io/dockerconfigjson` for harbor.starburstdata.net. */
  registryPull?: string;
  /** The access control plugin's user and password (Ranger/Privacera), read by the coordinator as environment variables. */
  accessControl?: string;
  /** Internal TLS: the coordinator's PEM (`coordinator.pem`: private key and certificate), mounted on the coordinator only. */
  coordinatorTls?: string;
  /** Trino with Ranger: the plugin's configuration files (`ranger-trino-*.xml`), mounted on the coordinator only. */
  accessControlConfig?: string;
}

/**
 * Access control as chart values: file rules (JSON text) or an `access-control.properties` text (Trino's Ranger
 * plugin also reads its XML files, mounted from the Secret `secrets.accessControlConfig`).
 */
export type AccessControlValues = { mode: "file"; rulesJson: string } | { mode: "properties"; properties: string };

export interface EngineValuesArgs extends CatalogArgs {
  /** `node.environment` (the stage). */
  environment: string;
  workers: { min: number; max: number };
  coordinatorResources: QueryResources;
  workerResources: QueryResources;
  /** From `cluster.scheduling("query")`. */
  scheduling: { nodeSelector: Record<string, string>; tolerations: unknown[] };
  accessControl: AccessControlValues;
  secrets: SecretNames;
}

export const workerShutdownGracePeriodSeconds = 120;
/** Kubernetes must wait for the graceful shutdown twice over (drain, then the grace period). */
export const workerTerminationGracePeriodSeconds = 2 * workerShutdownGracePeriodSeconds + 60;

const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};
const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Properties every node needs: the shared secret comes from the environment (a Secret), never from values. */
const sharedSecretProperty = `internal-communication.shared-secret=\${ENV:${sharedSecretEnv}}`;
/**
 * Without internal TLS, TLS ends at the internal NLB and the engine speaks HTTP inside the VPC, so password
 * authentication must accept it. With internal TLS the NLB re-encrypts to the coordinator's HTTPS port and this
 * stays off (Trino's default): passwords are accepted over HTTPS only, HTTP carries internal (shared-secret) traffic.
 */
const passwordOverHttp = "http-server.authentication.allow-insecure-over-http=true";

/** Trino's configuration directory (the chart's `server.config.path`). */
const trinoEtc = "/etc/trino";
/** Where SEP reads its configuration files (etcFiles land here). */
const starburstEtc = "/etc/starburst";
const starburstAuthDir = `${starburstEtc}/auth`;

/** Where the coordinator's PEM is mounted (under the engine's configuration directory). */
export function coordinatorTlsPath(engine: "trino" | "starburst"): { dir: string; file: string } {
  const dir = `${engine === "trino" ? trinoEtc : starburstEtc}/tls`;
  return { dir, file: `${dir}/${coordinatorTlsKey}` };
}

/** The coordinator's HTTPS properties (Trino's names; SEP is Trino-based and reads the same ones): PEM keystore, no password. */
export function coordinatorHttpsProperties(engine: "trino" | "starburst"): string[] {
  return [
    "http-server.https.enabled=true",
    `http-server.https.port=${coordinatorHttpsPort}`,
    `http-server.https.keystore.path=${coordinatorTlsPath(engine).file}`,
  ];
}

/** Trino service account (IRSA trusts exactly this name). */
export const trinoServiceAccount = "trino";
/** Trino release name: the chart's pod labels (`app.kubernetes.io/instance`) carry it. */
export const trinoRelease = "trino";

/**
 * Values of the open-source Trino chart (trino/trino 1.42.2). Secrets only by reference: the shared secret
 * through `envFrom`, the password file through `auth.passwordAuthSecret`.
 */
export function trinoValues(args: EngineValuesArgs, serviceAccountAnnotations: Record<string, string>): ChartValues {
  const node = (resources: QueryResources) => ({
    resources,
    jvm: { maxHeapSize: heapSizeFor(resources.limits.memory) },
    config: { query: { maxMemoryPerNode: maxMemoryPerNodeFor(resources.limits.memory) } },
    nodeSelector: args.scheduling.nodeSelector,
    tolerations: args.scheduling.tolerations,
  });
  const tls = args.secrets.coordinatorTls;
  // Secrets only the coordinator mounts: its TLS key, the Ranger plugin's files (they may hold its password).
  const coordinatorSecretMounts = [
    ...(tls ? [{ name: "coordinator-tls", secretName: tls, path: coordinatorTlsPath("trino").dir }] : []),
    ...(args.secrets.accessControlConfig
      ? [{ name: "access-control-config", secretName: args.secrets.accessControlConfig, path: trinoRangerConfigDir }]
      : []),
  ];
  return {
    server: {
      workers: args.workers.min,
      node: { environment: args.environment },
      // The chart writes http-server.https.* into the coordinator's config.properties only.
      config: {
        authenticationType: "PASSWORD",
        ...(tls
          ? {
              https: {
                enabled: true,
                port: coordinatorHttpsPort,
                keystore: { path: coordinatorTlsPath("trino").file },
              },
            }
          : {}),
      },
      autoscaling: { enabled: true, maxReplicas: args.workers.max, targetCPUUtilizationPercentage: 70 },
    },
    serviceAccount: { create: true, name: trinoServiceAccount, annotations: serviceAccountAnnotations },
    securityContext: podSecurityContext,
    containerSecurityContext,
    service: { type: "ClusterIP", port: enginePort },
    // The chart's sample catalogs (tpch, tpcds) are removed: null deletes a default key in Helm.
    catalogs: { tpch: null, tpcds: null, ...catalogProperties(args) },
    accessControl:
      args.accessControl.mode === "file"
        ? {
            type: "configmap",
            refreshPeriod: "60s",
            configFile: "rules.json",
            rules: { "rules.json": args.accessControl.rulesJson },
          }
        : { type: "properties", properties: args.accessControl.properties },
    auth: { passwordAuthSecret: args.secrets.passwordFile },
    // Every node (coordinator and workers) reads these; internal communication is authenticated by the shared secret.
    additionalConfigProperties: tls ? [sharedSecretProperty] : [sharedSecretProperty, passwordOverHttp],
    envFrom: [{ secretRef: { name: args.secrets.sharedSecret } }],
    coordinator: {
      ...node(args.coordinatorResources),
      // The private key and the plugin's files reach the coordinator only (never the workers).
      ...(coordinatorSecretMounts.length > 0 ? { secretMounts: coordinatorSecretMounts } : {}),
    },
    worker: {
      ...node(args.workerResources),
      gracefulShutdown: { enabled: true, gracePeriodSeconds: workerShutdownGracePeriodSeconds },
      terminationGracePeriodSeconds: workerTerminationGracePeriodSeconds,
    },
  };
}

/**
 * Values of the Starburst Enterprise chart (479.14.0, keys from the SEP docs). The license by Secret name
 * (`starburstPlatformLicense`), images through an image pull Secret, the shared secret through `envFrom`,
 * the password file mounted from a Secret: no secret in values. Starburst's chart exposes no service
 * account key in the documented values, so pods run as the namespace's `default` service account, which
 * the component annotates for IRSA.
 */
export function starburstValues(args: EngineValuesArgs): ChartValues {
  const accessControlFiles =
    args.accessControl.mode === "file"
      ? {
          properties: {
            "access-control.properties": `access-control.name=file\nsecurity.config-file=${starburstEtc}/rules.json\nsecurity.refresh-period=60s\n`,
          },
          other: { "rules.json": args.accessControl.rulesJson },
        }
      : { properties: { "access-control.properties": args.accessControl.properties } };
  const envFrom = [{ secretRef: { name: args.secrets.sharedSecret } }];
  const tls = args.secrets.coordinatorTls;
  const placement = { nodeSelector: args.scheduling.nodeSelector, tolerations: args.scheduling.tolerations };
  return {
    starburstPlatformLicense: args.secrets.license ?? null,
    registryCredentials: { enabled: false },
    imagePullSecrets: args.secrets.registryPull ? [{ name: args.secrets.registryPull }] : [],
    environment: args.environment,
    expose: { type: "clusterIp" },
    securityContext: podSecurityContext,
    catalogs: catalogProperties(args),
    coordinator: {
      resources: args.coordinatorResources,
      ...placement,
      // Only the coordinator enforces access control: only it reads the plugin's credentials.
      envFrom: args.secrets.accessControl ? [...envFrom, { secretRef: { name: args.secrets.accessControl } }] : envFrom,
      additionalProperties: [
        sharedSecretProperty,
        "http-server.authentication.type=PASSWORD",
        ...(tls ? coordinatorHttpsProperties("starburst") : [passwordOverHttp]),
      ].join("\n"),
      etcFiles: {
        properties: {
          ...accessControlFiles.properties,
          "password-authenticator.properties": `password-authenticator.name=file\nfile.password-file=${starburstAuthDir}/${passwordFileKey}\n`,
        },
        ...("other" in accessControlFiles ? { other: accessControlFiles.other } : {}),
      },
      additionalVolumes: [
        { path: starburstAuthDir, volume: { secret: { secretName: args.secrets.passwordFile } } },
        // The private key reaches the coordinator only (never the workers).
        ...(tls ? [{ path: coordinatorTlsPath("starburst").dir, volume: { secret: { secretName: tls } } }] : []),
      ],
    },
    worker: {
      resources: args.workerResources,
      ...placement,
      envFrom,
      additionalProperties: sharedSecretProperty,
      replicas: args.workers.min,
      autoscaling: {
        enabled: true,
        minReplicas: args.workers.min,
        maxReplicas: args.workers.max,
        targetCPUUtilizationPercentage: 70,
      },
      starburstWorkerShutdownGracePeriodSeconds: workerShutdownGracePeriodSeconds,
      deploymentTerminationGracePeriodSeconds: workerTerminationGracePeriodSeconds,
    },
  };
}

/** Pod labels of the coordinator (the NLB Service's selector). */
export function coordinatorSelector(engine: "trino" | "starburst"): Record<string, string> {
  return engine === "trino"
    ? {
        "app.kubernetes.io/name": "trino",
        "app.kubernetes.io/instance": trinoRelease,
        "app.kubernetes.io/component": "coordinator",
      }
    : { app: "starburst-enterprise", role: "coordinator" };
}

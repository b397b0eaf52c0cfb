import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { platformDefaults } from "@data-platform/conventions";
import { databaseName, lakeReaderTagKey, type LakeGrant } from "@data-platform/data-lake";
import { charts } from "@data-platform/helm-charts";
import {
  chartSource,
  type NetworkAllowRule,
  type PlatformNamespace,
  type ServiceAccountRole,
} from "@data-platform/platform-cluster";
import {
  defaultCoordinatorResources,
  defaultWorkerResources,
  defaultWorkers,
  validateQueryMeshArgs,
  type AccessControlMode,
  type PrivaceraChartRef,
  type QueryEngine,
  type QueryMeshArgs,
} from "./args";
import {
  accessControlCredentialsEnv,
  fileAccessRules,
  lakeCatalog,
  passwordFileLine,
  policyServicePort,
  rangerAccessControlProperties,
  trinoRangerAccessControl,
  type ExposedDomain,
} from "./catalogs";
import {
  coordinatorHttpsPort,
  coordinatorSelector,
  coordinatorTlsKey,
  enginePort,
  licenseKey,
  passwordFileKey,
  sharedSecretEnv,
  starburstValues,
  trinoRelease,
  trinoServiceAccount,
  trinoValues,
  type AccessControlValues,
  type SecretNames,
} from "./values";

/** The Kubernetes namespace of the mesh. */
export const queryNamespace = "query";
/** The Privacera components' namespace (accessControl "privacera"). */
export const privaceraNamespace = "privacera";
/** Kubernetes Secret names (content never in chart values). */
export const secretNames = {
  sharedSecret: "query-shared-secret",
  passwordFile: "query-password-file",
  looker: "query-looker-credentials",
  license: "starburst-license",
  registryPull: "starburst-registry",
  accessControl: "query-access-control-credentials",
  coordinatorTls: "query-coordinator-tls",
  accessControlConfig: "query-access-control-config",
} as const;

/** Looker's connection details: the query mesh's part of the platform contract. */
export interface QueryMeshContract {
  engine: QueryEngine;
  namespace: string;
  /** The internal NLB's DNS name (resolves to private addresses). */
  endpoint: string;
  /** 443 with TLS (a certificate given), 8080 otherwise. */
  port: number;
  catalog: typeof lakeCatalog;
  /** The Looker service user; its password is the `password` key of `secretName` in `namespace`. */
  looker: { userName: string; secretName: string };
  /** The engine's IRSA role. */
  roleArn: string;
}

/** The exposed tables of each domain: products resolved to the Glue databases (zones) they live in. */
export function exposedDomains(args: Pick<QueryMeshArgs, "domains" | "lake">): ExposedDomain[] {
  return [...args.domains]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((domain) => {
      const storage = args.lake.domain(domain.name);
      const tables = storage.zones.flatMap((zone) =>
        [...domain.products]
          .sort()
          .filter((product) => storage.products[zone]?.includes(product))
          .map((product) => ({ schema: databaseName(domain.name, zone), table: product })),
      );
      return { name: domain.name, tables };
    });
}

/** The namespace's explicit flows, on top of default deny and DNS. Pure: tested without mocks. */
export function queryNetworkFlows(args: {
  engine: QueryEngine;
  vpcCidr: string;
  /** S3's ranges: listed in config, or the region's prefix list resolved at deploy time. */
  s3EgressCidrs: string[] | pulumi.Output<string[]>;
  accessControl: AccessControlMode;
  policyRestUrl?: string;
  /** Internal TLS: the NLB reaches the coordinator's HTTPS port instead of its HTTP port. @default false */
  internalTls?: boolean;
}): Record<string, NetworkAllowRule> {
  const s3Peers = Array.isArray(args.s3EgressCidrs)
    ? args.s3EgressCidrs.map((cidr) => ({ cidr }))
    : [{ cidrs: args.s3EgressCidrs }];
  const flows: Record<string, NetworkAllowRule> = {
    // The internal NLB (ip targets) reaches the coordinator from VPC addresses.
    "from-load-balancer": {
      direction: "ingress",
      podLabels: coordinatorSelector(args.engine),
      peers: [{ cidr: args.vpcCidr }],
      ports: [{ port: args.internalTls ? coordinatorHttpsPort : enginePort }],
    },
    "within-mesh": { direction: "ingress", peers: [{ namespace: queryNamespace }], ports: [{ port: enginePort }] },
    "to-mesh": { direction: "egress", peers: [{ namespace: queryNamespace }], ports: [{ port: enginePort }] },
    // Interface endpoints (STS, Glue, KMS, ...) in the VPC; S3's gateway endpoint uses S3's own ranges.
    "to-aws": { direction: "egress", peers: [{ cidr: args.vpcCidr }, ...s3Peers], ports: [{ port: 443 }] },
  };
  if (args.accessControl !== "file" && args.policyRestUrl) {
    flows["to-policy-service"] = {
      direction: "egress",
      peers:
        args.accessControl === "privacera"
          ? [{ namespace: privaceraNamespace }, { cidr: args.vpcCidr }]
          : [{ cidr: args.vpcCidr }],
      ports: [{ port: policyServicePort(args.policyRestUrl) }],
    };
  }
  return flows;
}

/**
 * Annotations of the internal NLB (AWS Load Balancer Controller). With internal TLS the target group speaks TLS
 * (`backend-protocol: ssl`): the NLB re-encrypts to the coordinator and, as for every TLS target group, does not
 * validate the target's certificate (so a generated one serves).
 */
export function loadBalancerAnnotations(
  tlsCertificateArn: pulumi.Input<string> | undefined,
  internalTls = false,
): Record<string, pulumi.Input<string>> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    ...(tlsCertificateArn !== undefined
      ? {
          "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": tlsCertificateArn,
          "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
          "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
          ...(internalTls ? { "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "ssl" } : {}),
        }
      : {}),
  };
}

/** DNS names of the coordinator's certificate: the NLB Service and the chart's coordinator Service in the namespace. */
export function coordinatorDnsNames(engine: QueryEngine): string[] {
  const services = ["query-nlb", engine === "trino" ? trinoRelease : "starburst"];
  return services.flatMap((service) => [
    `${service}.${queryNamespace}.svc`,
    `${service}.${queryNamespace}.svc.cluster.local`,
  ]);
}

/**
 * The coordinator's key and self-signed certificate (RSA 2048, a year, re-issued by the first `pulumi up` in its
 * last 30 days), generated by the TLS provider: the private key exists only in the state (a secret) and in the
 * Secret's PEM, never in values. Self-signed is enough: the NLB does not validate target certificates, and no
 * other client connects to the coordinator's HTTPS port.
 */
export function coordinatorCertificate(
  parent: pulumi.Resource,
  name: string,
  engine: QueryEngine,
): { pem: pulumi.Output<string>; certificate: tls.SelfSignedCert } {
  const child = { parent };
  const key = new tls.PrivateKey(`${name}-coordinator-tls-key`, { algorithm: "RSA", rsaBits: 2048 }, child);
  const certificate = new tls.SelfSignedCert(
    `${name}-coordinator-tls`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: `query-nlb.${queryNamespace}.svc`, organization: "data-platform query mesh" },
      dnsNames: coordinatorDnsNames(engine),
      validityPeriodHours: 365 * 24,
      earlyRenewalHours: 30 * 24,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    },
    child,
  );
  // One PEM file with the private key (PKCS#8) and the certificate: what Trino's http-server.https.keystore.path reads.
  const pem = pulumi.secret(
    pulumi
      .all([key.privateKeyPemPkcs8, certificate.certPem])
      .apply(([privateKey, cert]) => `${privateKey.trimEnd()}\n${cert.trimEnd()}\n`),
  );
  return { pem, certificate };
}

/**
 * The `privacera` namespace's flows, on top of default deny and DNS: the query engine reaches the policy service,
 * Privacera's own components reach each other (policy service, its database, audit store, user sync: whatever the
 * chart runs), and they reach the VPC on 443 (AWS endpoints) and on the ports the stage lists (an external database,
 * a directory for user sync). Pure.
 */
export function privaceraNetworkFlows(args: {
  vpcCidr: string;
  policyRestUrl: string;
  vpcEgressPorts?: number[];
}): Record<string, NetworkAllowRule> {
  return {
    "from-query": {
      direction: "ingress",
      peers: [{ namespace: queryNamespace }],
      ports: [{ port: policyServicePort(args.policyRestUrl) }],
    },
    "within-privacera": { direction: "ingress", peers: [{ namespace: privaceraNamespace }] },
    "to-privacera": { direction: "egress", peers: [{ namespace: privaceraNamespace }] },
    "to-aws": {
      direction: "egress",
      peers: [{ cidr: args.vpcCidr }],
      ports: [...new Set([443, ...(args.vpcEgressPorts ?? [])])].sort((a, b) => a - b).map((port) => ({ port })),
    },
  };
}

function privaceraSource(ref: PrivaceraChartRef): {
  chart: string;
  version: string;
  repositoryOpts?: { repo: string };
} {
  if (ref.chart.startsWith("oci://")) return { chart: ref.chart, version: ref.version };
  if (ref.repository.startsWith("oci://"))
    return { chart: `${ref.repository.replace(/\/+$/, "")}/${ref.chart}`, version: ref.version };
  return { chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repository } };
}

/**
 * The query mesh: Trino or Starburst Enterprise on the platform cluster's `query` node group, reading the
 * lake's Glue catalog (Delta Lake and Hive catalogs) through an IRSA role that holds only Lake Formation
 * read grants on the exposed data products, governed by file rules (dev), Ranger or Privacera, and reached by
 * Looker through an internal NLB with TLS.
 */
export class QueryMesh extends pulumi.ComponentResource {
  readonly engine: QueryEngine;
  readonly namespace: PlatformNamespace;
  readonly privaceraNamespace?: PlatformNamespace;
  readonly serviceAccountRole: ServiceAccountRole;
  /** Lake grants by scope (domain name, or `central-analytics`). */
  readonly grants: Record<string, LakeGrant>;
  /** Kubernetes Secrets by role (`sharedSecret`, `passwordFile`, `looker`, and `license`/`registryPull` for Starburst). */
  readonly secrets: Record<string, k8s.core.v1.Secret>;
  readonly chart: k8s.helm.v4.Chart;
  readonly privaceraChart?: k8s.helm.v4.Chart;
  readonly loadBalancer: k8s.core.v1.Service;
  /** The internal NLB's DNS name. */
  readonly endpoint: pulumi.Output<string>;
  readonly port: number;
  readonly lookerUserName: string;
  /** Whether the NLB reaches the coordinator over TLS (its HTTPS port). */
  readonly internalTls: boolean;
  /** The coordinator's generated certificate (internal TLS only). */
  readonly coordinatorCertificate?: tls.SelfSignedCert;

  constructor(name: string, args: QueryMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad args fail before anything is registered.
    validateQueryMeshArgs(name, args);
    super("data-platform:query:QueryMesh", name, {}, opts);
    const { cluster, lake } = args;
    const engine = (this.engine = args.engine ?? platformDefaults.queryMesh.engine);
    const accessControl = args.accessControl ?? platformDefaults.queryMesh.accessControl;
    this.lookerUserName = args.lookerUserName ?? "looker";
    this.port = args.tlsCertificateArn !== undefined ? 443 : enginePort;
    const internalTls = args.internalTls ?? args.production === true;
    this.internalTls = internalTls;
    const child = { parent: this };
    const k8sChild = { parent: this, provider: cluster.provider };

    this.namespace = cluster.namespace(
      `${name}-namespace`,
      {
        name: queryNamespace,
        podSecurity: "restricted",
        allow: queryNetworkFlows({
          engine,
          vpcCidr: cluster.vpcCidr,
          s3EgressCidrs: args.s3EgressCidrs ?? cluster.s3Cidrs,
          accessControl,
          policyRestUrl: args.ranger?.policyRestUrl,
          internalTls,
        }),
      },
      child,
    );
    const namespaceName = this.namespace.namespace.metadata.name;

    // Trino's chart creates its service account; Starburst's documented values have no such key, so its pods
    // run as the namespace's default account, which is annotated here.
    const serviceAccount = engine === "trino" ? trinoServiceAccount : "default";
    this.serviceAccountRole = cluster.serviceAccountRole(
      `${name}-${engine}`,
      {
        namespace: this.namespace.name,
        serviceAccount,
        description: `Query mesh (${engine}): reads the exposed data products`,
        // The engine reads S3 itself (no Lake Formation credential vending): domain keys and buckets admit tagged lake readers for reads.
        tags: { ...args.tags, [lakeReaderTagKey]: "true" },
      },
      child,
    );
    const role = this.serviceAccountRole.role;
    this.grants = {};
    for (const domain of [...args.domains].sort((a, b) => a.name.localeCompare(b.name))) {
      // Lake Formation permissions on the products, plus direct reads of exactly their objects (the engine reads S3 itself).
      this.grants[domain.name] = lake.grantRead(
        { name, role, directRead: true },
        { domain: domain.name, products: [...domain.products].sort() },
      );
    }
    this.grants["central-analytics"] = lake.grantRead({ name, role }, { zone: "analytics" });
    const grantPolicies = Object.values(this.grants).map((grant) => grant.policy);

    const defaultServiceAccount =
      engine === "starburst"
        ? new k8s.core.v1.ServiceAccountPatch(
            `${name}-default-service-account`,
            {
              metadata: { name: "default", namespace: namespaceName, annotations: this.serviceAccountRole.annotations },
            },
            k8sChild,
          )
        : undefined;

    // Generated once: a data source answers anew on every run, so the Secrets keep their first value
    // (rotate by replacing the Secrets).
    const generated = (length: number) =>
      pulumi.secret(
        aws.secretsmanager.getRandomPasswordOutput({ passwordLength: length, excludePunctuation: true }, child)
          .randomPassword,
      );
    const sharedSecret = generated(64);
    const lookerPassword = generated(40);
    const userName = this.lookerUserName;
    const secret = (
      role: string,
      secretName: string,
      stringData: Record<string, pulumi.Input<string>>,
      frozen: boolean,
      type?: string,
    ) =>
      new k8s.core.v1.Secret(
        `${name}-${role}`,
        { metadata: { name: secretName, namespace: namespaceName }, ...(type ? { type } : {}), stringData },
        { ...k8sChild, ...(frozen ? { ignoreChanges: ["stringData"] } : {}) },
      );
    this.secrets = {
      sharedSecret: secret("shared-secret", secretNames.sharedSecret, { [sharedSecretEnv]: sharedSecret }, true),
      passwordFile: secret(
        "password-file",
        secretNames.passwordFile,
        { [passwordFileKey]: lookerPassword.apply((password) => passwordFileLine(userName, password)) },
        true,
      ),
      looker: secret("looker-credentials", secretNames.looker, { username: userName, password: lookerPassword }, true),
    };
    const names: SecretNames = { sharedSecret: secretNames.sharedSecret, passwordFile: secretNames.passwordFile };
    if (engine === "starburst" && args.starburst) {
      const credentials = args.starburst;
      this.secrets["license"] = secret(
        "license",
        secretNames.license,
        { [licenseKey]: pulumi.secret(credentials.licenseSecret) },
        false,
      );
      const dockerConfig = pulumi.secret(
        pulumi.all([credentials.registryUsername, credentials.registryPassword]).apply(([user, password]) =>
          JSON.stringify({
            auths: {
              [registryHost]: {
                username: user,
                password,
                auth: Buffer.from(`${user}:${password}`).toString("base64"),
              },
            },
          }),
        ),
      );
      this.secrets["registryPull"] = secret(
        "registry",
        secretNames.registryPull,
        { ".dockerconfigjson": dockerConfig },
        false,
        "kubernetes.io/dockerconfigjson",
      );
      names.license = secretNames.license;
      names.registryPull = secretNames.registryPull;
    }
    if (internalTls) {
      const generatedTls = coordinatorCertificate(this, name, engine);
      this.coordinatorCertificate = generatedTls.certificate;
      this.secrets["coordinatorTls"] = secret(
        "coordinator-tls",
        secretNames.coordinatorTls,
        { [coordinatorTlsKey]: generatedTls.pem },
        false,
      );
      names.coordinatorTls = secretNames.coordinatorTls;
    }
    // Open-source Trino with Ranger: the plugin's files (policy service, audit, and its user and password when given)
    // in a Secret the coordinator mounts.
    if (engine === "trino" && accessControl === "ranger" && args.ranger) {
      const ranger = args.ranger;
      const credentials = ranger.credentials;
      const files = pulumi.secret(
        credentials
          ? pulumi
              .all([credentials.username, credentials.password])
              .apply(
                ([username, password]) => trinoRangerAccessControl(ranger, args.stage, { username, password }).files,
              )
          : pulumi.output(trinoRangerAccessControl(ranger, args.stage).files),
      );
      this.secrets["accessControlConfig"] = secret(
        "access-control-config",
        secretNames.accessControlConfig,
        files,
        false,
      );
      names.accessControlConfig = secretNames.accessControlConfig;
    }
    // The access control plugin's user on the policy service (Starburst): a Secret the coordinator reads as environment variables.
    const pluginCredentials = accessControl !== "file" && engine === "starburst" ? args.ranger?.credentials : undefined;
    if (pluginCredentials) {
      this.secrets["accessControl"] = secret(
        "access-control-credentials",
        secretNames.accessControl,
        {
          [accessControlCredentialsEnv.username]: pulumi.secret(pluginCredentials.username),
          [accessControlCredentialsEnv.password]: pulumi.secret(pluginCredentials.password),
        },
        false,
      );
      names.accessControl = secretNames.accessControl;
    }

    if (accessControl === "privacera" && args.privacera) {
      this.privaceraNamespace = cluster.namespace(
        `${name}-privacera-namespace`,
        {
          name: privaceraNamespace,
          podSecurity: "restricted",
          allow: privaceraNetworkFlows({
            vpcCidr: cluster.vpcCidr,
            policyRestUrl: args.ranger!.policyRestUrl,
            vpcEgressPorts: args.privacera.vpcEgressPorts,
          }),
        },
        child,
      );
      const registry = args.privacera.registry;
      this.privaceraChart = new k8s.helm.v4.Chart(
        `${name}-privacera`,
        {
          ...privaceraSource(args.privacera),
          ...(registry
            ? {
                repositoryOpts: {
                  ...(privaceraSource(args.privacera).repositoryOpts ?? {}),
                  username: pulumi.secret(registry.username),
                  password: pulumi.secret(registry.password),
                },
              }
            : {}),
          name: "privacera",
          namespace: privaceraNamespace,
          values: args.privacera.values ?? {},
        },
        {
          ...k8sChild,
          dependsOn: [...cluster.ready, this.privaceraNamespace.namespace, this.privaceraNamespace.defaultDeny],
        },
      );
    }

    const accessControlValues: AccessControlValues =
      accessControl === "file"
        ? {
            mode: "file",
            rulesJson: JSON.stringify(
              fileAccessRules(exposedDomains(args), [databaseName("central", "analytics")]),
              null,
              2,
            ),
          }
        : engine === "trino"
          ? // Open-source Trino: its own Ranger plugin (privacera is refused for trino); its files are in their Secret.
            { mode: "properties", properties: trinoRangerAccessControl(args.ranger!, args.stage).properties }
          : {
              mode: "properties",
              properties: rangerAccessControlProperties(accessControl, args.ranger!, pluginCredentials !== undefined),
            };
    const scheduling = cluster.scheduling("query");
    const values = pulumi
      .all([lake.account.region, lake.account.accountId, this.serviceAccountRole.annotations])
      .apply(([region, accountId, annotations]) => {
        const valuesArgs = {
          region,
          accountId,
          environment: args.stage,
          workers: args.workers ?? defaultWorkers,
          coordinatorResources: args.coordinatorResources ?? defaultCoordinatorResources,
          workerResources: args.workerResources ?? defaultWorkerResources,
          scheduling: { nodeSelector: scheduling.nodeSelector, tolerations: scheduling.tolerations as unknown[] },
          accessControl: accessControlValues,
          secrets: names,
        };
        return engine === "trino" ? trinoValues(valuesArgs, annotations) : starburstValues(valuesArgs);
      });
    const dependsOn: pulumi.Resource[] = [
      ...cluster.ready,
      this.namespace.namespace,
      this.namespace.defaultDeny,
      ...Object.values(this.secrets),
      ...grantPolicies,
      ...(defaultServiceAccount ? [defaultServiceAccount] : []),
      ...(this.privaceraChart ? [this.privaceraChart] : []),
    ];
    this.chart =
      engine === "trino"
        ? new k8s.helm.v4.Chart(
            name,
            { ...chartSource(charts.trino), name: trinoRelease, namespace: this.namespace.name, values },
            { ...k8sChild, dependsOn },
          )
        : new k8s.helm.v4.Chart(
            name,
            {
              ...chartSource(charts.starburstEnterprise),
              name: "starburst",
              namespace: this.namespace.name,
              // The registry login is a secret input of the chart resource, never a value.
              repositoryOpts: {
                username: args.starburst!.registryUsername,
                password: pulumi.secret(args.starburst!.registryPassword),
              },
              values,
            },
            { ...k8sChild, dependsOn },
          );

    this.loadBalancer = new k8s.core.v1.Service(
      `${name}-nlb`,
      {
        metadata: {
          name: "query-nlb",
          namespace: namespaceName,
          annotations: loadBalancerAnnotations(args.tlsCertificateArn, internalTls),
        },
        spec: {
          type: "LoadBalancer",
          selector: coordinatorSelector(engine),
          ports: [
            {
              name: this.port === 443 ? "https" : "http",
              port: this.port,
              targetPort: internalTls ? coordinatorHttpsPort : enginePort,
              protocol: "TCP",
            },
          ],
          // Only these ranges reach the load balancer (the controller opens it to 0.0.0.0/0 otherwise).
          loadBalancerSourceRanges: [...(args.allowedSourceCidrs ?? [cluster.vpcCidr])].sort(),
        },
      },
      { ...k8sChild, dependsOn: [...cluster.ready] },
    );
    this.endpoint = this.loadBalancer.status.apply((status) => status?.loadBalancer?.ingress?.[0]?.hostname ?? "");

    this.registerOutputs({ contract: this.contract() });
  }

  /** Looker's connection details (the platform contract's `queryMesh`). */
  contract(): pulumi.Output<QueryMeshContract> {
    return pulumi.output({
      engine: this.engine,
      namespace: this.namespace.name,
      endpoint: this.endpoint,
      port: this.port,
      catalog: lakeCatalog,
      looker: { userName: this.lookerUserName, secretName: secretNames.looker },
      roleArn: this.serviceAccountRole.role.arn,
    }) as pulumi.Output<QueryMeshContract>;
  }
}

/** Starburst's registry (charts and images). */
export const registryHost = "harbor.starburstdata.net";

import * as pulumi from "@pulumi/pulumi";
import { DataLake } from "@data-platform/data-lake";
import { validateChartValues } from "@data-platform/helm-charts";
import { PlatformCluster } from "@data-platform/platform-cluster";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness, type MockMode } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { QueryMeshArgs } from "./args";
import { parseHadoopConfigurationXml, parseProperties } from "./catalogs";
import { QueryMesh } from "./queryMesh";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
/** What the harness's getRandomPassword mock answers (sliced to the requested length). */
const generatedPassword = "Q7mXv2LpR9tKz4NwB8cYd3HsF6gJe1Ua";
const license = "SEP-LICENSE-0123456789abcdef";
const registryPassword = "harbor-password-fedcba9876";
const pluginPassword = "privacera-plugin-password-42";
const privaceraRegistryPassword = "privacera-registry-password-7";

function platform(stage = "dev") {
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage,
    administratorArns: [deployer],
    domains: [
      {
        name: "orders",
        zones: ["raw", "analytics"],
        dataProducts: [
          { name: "orders", zone: "analytics", classification: "confidential" },
          { name: "order_lines", zone: "analytics", classification: "internal" },
        ],
      },
      {
        name: "logistics",
        zones: ["raw"],
        dataProducts: [{ name: "shipments", zone: "raw", classification: "internal" }],
      },
    ],
  });
  const cluster = new PlatformCluster("platform", {
    prefix: "dp",
    stage,
    vpcCidr: "10.40.0.0/16",
    availabilityZoneCount: 2,
    natGateways: "single",
    kubernetesVersion: "1.33",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 },
      query: { instanceTypes: ["r7g.4xlarge"], minSize: 2, desiredSize: 2, maxSize: 10 },
    },
    protect: false,
  });
  return { lake, cluster };
}

const domains = [
  { name: "orders", products: ["orders"] },
  { name: "logistics", products: ["shipments"] },
];

async function mesh(
  mode: MockMode,
  overrides: Partial<QueryMeshArgs> = {},
): Promise<{ harness: Harness; mesh: QueryMesh }> {
  const harness = await setMocks({ mode, stack: "dev", accountId: account });
  const { lake, cluster } = platform();
  const created = new QueryMesh("query-mesh", {
    prefix: "dp",
    stage: "dev",
    cluster,
    lake,
    domains,
    protect: false,
    ...overrides,
  });
  await harness.settle();
  return { harness, mesh: created };
}

const chartType = "kubernetes:helm.sh/v4:Chart";

describe("QueryMesh (trino, file access control)", () => {
  it("deploys Trino whose values validate against the chart schema, with Glue catalogs and every domain visible", async () => {
    const { harness } = await mesh("resolved");
    const chart = harness.one(chartType, "query-mesh");
    expect(chart.inputs).toMatchObject({
      chart: "trino",
      version: "1.42.2",
      namespace: "query",
      repositoryOpts: { repo: "https://trinodb.github.io/charts/" },
    });
    expect(chart.provider).toContain("platform-k8s");
    const values = chart.inputs["values"] as Record<string, Record<string, unknown>>;
    expect(validateChartValues("trino", values)).toEqual([]);

    const catalogs = values["catalogs"] as Record<string, string | null>;
    const lakeCatalog = parseProperties(catalogs["lake"]!);
    expect(lakeCatalog).toMatchObject({
      "connector.name": "delta_lake",
      "hive.metastore": "glue",
      "hive.metastore.glue.region": "eu-west-1",
      "hive.metastore.glue.catalogid": account,
    });
    expect(catalogs["tpch"]).toBeNull();

    // Schemas are Glue databases: each enabled domain's exposed products are readable through `lake`.
    const rules = JSON.parse((values["accessControl"]!["rules"] as Record<string, string>)["rules.json"]!) as {
      tables: { catalog?: string; schema?: string; table?: string; privileges: string[] }[];
    };
    const readable = rules.tables
      .filter((rule) => rule.privileges.includes("SELECT") && rule.table)
      .map((rule) => `${rule.schema}.${rule.table}`);
    expect(readable).toEqual(["logistics_raw.shipments", "orders_analytics.orders"]);
    expect(rules.tables.every((rule) => !rule.catalog || new RegExp(`^${rule.catalog}$`).test("lake"))).toBe(true);
    for (const domain of domains) {
      expect(
        harness
          .byType("aws:lakeformation/permissions:Permissions")
          .some((permission) => permission.name.startsWith(`lake-query-mesh-read-${domain.name}-`)),
      ).toBe(true);
    }

    expect(values["serviceAccount"]).toEqual({
      create: true,
      name: "trino",
      annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${account}:role/dp-dev-query-mesh-trino` },
    });
    expect(values["coordinator"]).toMatchObject({ nodeSelector: { "data-platform.io/node-group": "query" } });
    expect(values["worker"]!["tolerations"]).toEqual([
      { key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" },
    ]);
  });

  it("keeps every secret out of plain inputs: generated passwords live only in Kubernetes Secrets", async () => {
    const { harness } = await mesh("resolved");
    for (const registration of harness.registrations) {
      expect(JSON.stringify(registration.inputs)).not.toContain(generatedPassword);
    }
    for (const name of ["query-mesh-shared-secret", "query-mesh-password-file", "query-mesh-looker-credentials"]) {
      const secret = harness.one("kubernetes:core/v1:Secret", name);
      expect(secret.inputs["stringData"]).toBe("[secret]");
      expect(secret.options.ignoreChanges).toEqual(["stringData"]);
      expect(secret.inputs["metadata"]).toMatchObject({ namespace: "query" });
    }
    const looker = harness.one("kubernetes:core/v1:Secret", "query-mesh-looker-credentials").revealedInputs[
      "stringData"
    ] as Record<string, string>;
    expect(looker).toEqual({ username: "looker", password: generatedPassword });
    const passwordFile = harness.one("kubernetes:core/v1:Secret", "query-mesh-password-file").revealedInputs[
      "stringData"
    ] as Record<string, string>;
    expect(passwordFile["password.db"]).toMatch(/^looker:10000:[0-9a-f]+:[0-9a-f]+\n$/);
    expect(
      harness.invokes.filter((invoke) => invoke.token === "aws:secretsmanager/getRandomPassword:getRandomPassword"),
    ).toHaveLength(2);
  });

  it("pins the IRSA trust to query/trino and the STS audience, with only Lake Formation read grants on the exposed products", async () => {
    const { harness } = await mesh("resolved");
    const role = harness.one("aws:iam/role:Role", "query-mesh-trino");
    expect((role.inputs["tags"] as Record<string, string>)["data-platform:lake-reader"]).toBe("true");
    const statement = JSON.parse(role.inputs["assumeRolePolicy"] as string).Statement[0];
    expect(Object.values(statement.Condition.StringEquals as Record<string, string>).sort()).toEqual([
      "sts.amazonaws.com",
      "system:serviceaccount:query:trino",
    ]);
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");

    const policies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => policy.inputs["role"] === "dp-dev-query-mesh-trino");
    // One merged lake policy for the engine, whatever the number of domains.
    expect(policies.map((policy) => policy.name).sort()).toEqual(["lake-query-mesh-grants"]);
    expect(
      harness
        .byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((attachment) => attachment.inputs["role"] === "dp-dev-query-mesh-trino"),
    ).toEqual([]);
    for (const name of ["lake-query-mesh-grants"]) {
      const document = JSON.parse(harness.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"] as string) as {
        Statement: { Action: string | string[]; Resource: string | string[] }[];
      };
      const actions = document.Statement.flatMap((entry) => [entry.Action].flat());
      // Reads only: the engine reads the products' objects itself; it never writes the lake.
      expect(actions).toContain("s3:GetObject");
      expect(
        actions.filter((action) => action.startsWith("s3:")).every((action) => /^s3:(Get|List)/.test(action)),
      ).toBe(true);
      // Domain buckets: the exposed products' objects only (the central analytics zone is the platform's own).
      const centralAnalytics = harness.one("aws:s3/bucket:Bucket", "lake-analytics").inputs["bucket"] as string;
      const objects = document.Statement.flatMap((entry) => [entry.Resource].flat()).filter(
        (resource) =>
          resource.startsWith("arn:aws:s3:::") &&
          resource.endsWith("/*") &&
          !resource.startsWith(`arn:aws:s3:::${centralAnalytics}/`),
      );
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.every((resource) => /\/(orders|shipments)\/\*$/.test(resource))).toBe(true);
      // Glue metadata read-only (Lake Formation decides which tables are visible): the central zone's tables for its
      // grant, and the account's tables, which Lake Formation narrows to the granted products.
      const tables = document.Statement.flatMap((entry) => [entry.Resource].flat()).filter((resource) =>
        resource.includes(":table/"),
      );
      expect(tables.map((resource) => resource.replace(/^.*:table\//, "")).sort()).toEqual([
        "*/*",
        "central_analytics/*",
      ]);
    }
    // The second orders product is not exposed.
    expect(
      harness
        .byType("aws:lakeformation/permissions:Permissions")
        .some((permission) => permission.name.includes("order_lines")),
    ).toBe(false);
  });

  it("creates a restricted default-deny namespace with the mesh's flows and an internal NLB; the chart's service stays ClusterIP", async () => {
    const { harness, mesh: created } = await mesh("resolved", {
      tlsCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    });
    const namespace = harness.one("kubernetes:core/v1:Namespace", "query-mesh-namespace");
    expect(namespace.inputs["metadata"]).toMatchObject({
      name: "query",
      labels: { "pod-security.kubernetes.io/enforce": "restricted" },
    });
    const policies = harness
      .byType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((policy) => policy.name)
      .filter((name) => name.startsWith("query-mesh-namespace-"));
    expect(policies.sort()).toEqual([
      "query-mesh-namespace-allow-dns-egress",
      "query-mesh-namespace-allow-from-load-balancer",
      "query-mesh-namespace-allow-to-aws",
      "query-mesh-namespace-allow-to-mesh",
      "query-mesh-namespace-allow-within-mesh",
      "query-mesh-namespace-default-deny",
    ]);
    // S3 through the gateway endpoint answers on S3's public ranges: by default the region's prefix list.
    const toAws = harness.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "query-mesh-namespace-allow-to-aws")
      .inputs["spec"] as { egress: { to: { ipBlock: { cidr: string } }[]; ports: unknown[] }[] };
    expect(toAws.egress[0]!.to.map((peer) => peer.ipBlock.cidr)).toEqual([
      "10.40.0.0/16",
      "3.5.64.0/21",
      "3.5.72.0/23",
      "52.218.0.0/17",
      "52.92.0.0/17",
    ]);
    expect(toAws.egress[0]!.ports).toEqual([{ port: 443, protocol: "TCP" }]);
    const service = harness.one("kubernetes:core/v1:Service", "query-mesh-nlb");
    expect(service.inputs["metadata"]).toMatchObject({
      namespace: "query",
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
      },
    });
    // Only the cluster's VPC by default: without source ranges the load balancer would admit 0.0.0.0/0.
    expect(service.inputs["spec"]).toMatchObject({
      type: "LoadBalancer",
      ports: [{ port: 443, targetPort: 8080 }],
      selector: { "app.kubernetes.io/component": "coordinator" },
      loadBalancerSourceRanges: ["10.40.0.0/16"],
    });
    expect((harness.one(chartType, "query-mesh").inputs["values"] as Record<string, unknown>)["service"]).toEqual({
      type: "ClusterIP",
      port: 8080,
    });

    const contract = await resolveOutput(created.contract());
    expect(contract).toMatchObject({
      engine: "trino",
      namespace: "query",
      port: 443,
      catalog: "lake",
      looker: { userName: "looker", secretName: "query-looker-credentials" },
      roleArn: `arn:aws:iam::${account}:role/dp-dev-query-mesh-trino`,
    });
  });

  it("reports no mandatory policy finding", async () => {
    const { harness } = await mesh("resolved");
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("registers the same URNs in preview and resolved runs", async () => {
    const preview = (await mesh("preview")).harness.registrations.map((registration) => registration.urn).sort();
    const resolved = (await mesh("resolved")).harness.registrations.map((registration) => registration.urn).sort();
    expect(preview).toEqual(resolved);
  });
});

describe("QueryMesh (starburst, privacera)", () => {
  const starburstArgs = (): Partial<QueryMeshArgs> => ({
    engine: "starburst",
    starburst: {
      licenseSecret: pulumi.secret(license),
      registryUsername: "robot$platform",
      registryPassword: pulumi.secret(registryPassword),
    },
    accessControl: "privacera",
    privacera: {
      chart: "privacera-manager",
      version: "9.1.0",
      repository: "oci://registry.example.com/privacera",
      values: { ranger: { image: { tag: "9.1.0" }, existingSecret: "privacera-ranger-admin" } },
      registry: { username: "privacera-robot", password: pulumi.secret(privaceraRegistryPassword) },
    },
    ranger: {
      policyRestUrl: "http://privacera-ranger.privacera.svc.cluster.local:6080",
      serviceName: "starburst_prod",
      credentials: { username: "starburst-plugin", password: pulumi.secret(pluginPassword) },
    },
    production: true,
    tlsCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
  });

  it("deploys Starburst from the registry with secret credentials, the license by Secret name, and Privacera access control", async () => {
    const { harness } = await mesh("resolved", starburstArgs());
    const chart = harness.one(chartType, "query-mesh");
    expect(chart.inputs).toMatchObject({
      chart: "oci://harbor.starburstdata.net/starburstdata/charts/starburst-enterprise",
      version: "479.14.0",
      namespace: "query",
    });
    expect(chart.inputs["repositoryOpts"]).toEqual({ username: "robot$platform", password: "[secret]" });
    const values = chart.inputs["values"] as Record<string, Record<string, unknown>>;
    expect(validateChartValues("starburstEnterprise", values)).toEqual([]);
    expect(values["starburstPlatformLicense"]).toBe("starburst-license");
    const etc = (values["coordinator"]!["etcFiles"] as Record<string, Record<string, string>>)["properties"]!;
    expect(parseProperties(etc["access-control.properties"]!)).toMatchObject({
      "access-control.name": "privacera-starburst",
      "ranger.service-name": "starburst_prod",
      "ranger.presto-plugin-username": "${ENV:ACCESS_CONTROL_USERNAME}",
      "ranger.presto-plugin-password": "${ENV:ACCESS_CONTROL_PASSWORD}",
    });
    // The plugin's credentials: a Secret the coordinator (only) reads as environment variables.
    expect(values["coordinator"]!["envFrom"]).toContainEqual({
      secretRef: { name: "query-access-control-credentials" },
    });
    expect(values["worker"]!["envFrom"]).not.toContainEqual({
      secretRef: { name: "query-access-control-credentials" },
    });
    const credentials = harness.one("kubernetes:core/v1:Secret", "query-mesh-access-control-credentials");
    expect(credentials.inputs).toMatchObject({
      metadata: { name: "query-access-control-credentials", namespace: "query" },
      stringData: "[secret]",
    });
    expect(credentials.revealedInputs["stringData"]).toEqual({
      ACCESS_CONTROL_USERNAME: "starburst-plugin",
      ACCESS_CONTROL_PASSWORD: pluginPassword,
    });

    for (const registration of harness.registrations) {
      const text = JSON.stringify(registration.inputs);
      for (const secret of [license, registryPassword, generatedPassword, pluginPassword, privaceraRegistryPassword])
        expect(text).not.toContain(secret);
    }
    expect(harness.one("kubernetes:core/v1:Secret", "query-mesh-license").inputs["stringData"]).toBe("[secret]");
    expect(harness.one("kubernetes:core/v1:Secret", "query-mesh-registry").inputs).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      stringData: "[secret]",
    });

    const privacera = harness.one(chartType, "query-mesh-privacera");
    expect(privacera.inputs).toMatchObject({
      chart: "oci://registry.example.com/privacera/privacera-manager",
      version: "9.1.0",
      namespace: "privacera",
    });
    expect(privacera.inputs["values"]).toEqual({
      ranger: { image: { tag: "9.1.0" }, existingSecret: "privacera-ranger-admin" },
    });
    expect(privacera.inputs["repositoryOpts"]).toEqual({ username: "[secret]", password: "[secret]" });
    expect(
      harness.one("kubernetes:core/v1:Namespace", "query-mesh-privacera-namespace").inputs["metadata"],
    ).toMatchObject({ name: "privacera", labels: { "pod-security.kubernetes.io/enforce": "restricted" } });
    // Privacera's own components reach each other inside their default-deny namespace.
    const within = harness.one(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "query-mesh-privacera-namespace-allow-within-privacera",
    ).inputs["spec"] as { ingress: { from: unknown[]; ports?: unknown[] }[] };
    expect(within.ingress[0]!.ports).toBeUndefined();
    expect(harness.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => policy.name)).toContain(
      "query-mesh-privacera-namespace-allow-to-privacera",
    );
    const trust = JSON.parse(
      harness.one("aws:iam/role:Role", "query-mesh-starburst").inputs["assumeRolePolicy"] as string,
    ).Statement[0].Condition.StringEquals as Record<string, string>;
    expect(Object.values(trust)).toContain("system:serviceaccount:query:default");
    expect(
      harness.one("kubernetes:core/v1:ServiceAccountPatch", "query-mesh-default-service-account").inputs["metadata"],
    ).toMatchObject({ name: "default", namespace: "query" });

    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("encrypts the NLB-to-coordinator hop in production: a generated certificate in a Secret, HTTPS on the coordinator, TLS target group", async () => {
    const { harness, mesh: created } = await mesh("resolved", starburstArgs());
    expect(created.internalTls).toBe(true);
    const tlsSecret = harness.one("kubernetes:core/v1:Secret", "query-mesh-coordinator-tls");
    expect(tlsSecret.inputs).toMatchObject({
      metadata: { name: "query-coordinator-tls", namespace: "query" },
      stringData: "[secret]",
    });
    const pem = (tlsSecret.revealedInputs["stringData"] as Record<string, string>)["coordinator.pem"]!;
    // Trino's PEM keystore: the private key and its certificate in one file.
    expect(pem).toMatch(/-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    const certificate = harness.one("tls:index/selfSignedCert:SelfSignedCert", "query-mesh-coordinator-tls");
    expect(certificate.inputs).toMatchObject({
      dnsNames: [
        "query-nlb.query.svc",
        "query-nlb.query.svc.cluster.local",
        "starburst.query.svc",
        "starburst.query.svc.cluster.local",
      ],
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    expect(certificate.inputs["privateKeyPem"]).toBe("[secret]");
    expect(harness.one("tls:index/privateKey:PrivateKey", "query-mesh-coordinator-tls-key").inputs).toMatchObject({
      algorithm: "RSA",
      rsaBits: 2048,
    });
    // The key never appears outside the Secret and the TLS provider's state.
    const keyBody = pem.split("-----BEGIN CERTIFICATE-----")[0]!;
    for (const registration of harness.registrations)
      expect(JSON.stringify(registration.inputs)).not.toContain(keyBody.trim().split("\n")[1]!);

    const values = harness.one(chartType, "query-mesh").inputs["values"] as Record<string, Record<string, unknown>>;
    expect(validateChartValues("starburstEnterprise", values)).toEqual([]);
    expect(parseProperties(values["coordinator"]!["additionalProperties"] as string)).toMatchObject({
      "http-server.https.enabled": "true",
      "http-server.https.port": "8443",
      "internal-communication.shared-secret": "${ENV:SHARED_SECRET}",
    });
    const service = harness.one("kubernetes:core/v1:Service", "query-mesh-nlb");
    expect(
      (service.inputs["metadata"] as { annotations: Record<string, string> }).annotations[
        "service.beta.kubernetes.io/aws-load-balancer-backend-protocol"
      ],
    ).toBe("ssl");
    expect(service.inputs["spec"]).toMatchObject({ ports: [{ port: 443, targetPort: 8443 }] });
    const fromLoadBalancer = harness.one(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "query-mesh-namespace-allow-from-load-balancer",
    ).inputs["spec"] as { ingress: { ports: unknown[] }[] };
    expect(fromLoadBalancer.ingress[0]!.ports).toEqual([{ port: 8443, protocol: "TCP" }]);
    // The chart waits for the certificate's Secret like for the others.
    expect(harness.one(chartType, "query-mesh").dependencies).toContain(tlsSecret.urn);
  });
});

describe("QueryMesh (trino, Apache Ranger)", () => {
  const trinoPluginPassword = "trino-plugin-password-11";

  it("configures Trino's own Ranger plugin: its properties in values, its files (with the plugin's password) only in a Secret the coordinator mounts", async () => {
    const { harness, mesh: created } = await mesh("resolved", {
      accessControl: "ranger",
      ranger: {
        policyRestUrl: "https://ranger.security.svc.cluster.local:6182",
        serviceName: "trino_dev",
        credentials: { username: "trino-plugin", password: pulumi.secret(trinoPluginPassword) },
      },
    });
    const values = harness.one(chartType, "query-mesh").inputs["values"] as Record<string, Record<string, unknown>>;
    expect(validateChartValues("trino", values)).toEqual([]);
    expect(parseProperties(values["accessControl"]!["properties"] as string)).toEqual({
      "access-control.name": "ranger",
      "ranger.service.name": "trino_dev",
      "ranger.plugin.config.resource":
        "/etc/trino/ranger/ranger-trino-security.xml,/etc/trino/ranger/ranger-trino-audit.xml",
    });
    expect(values["coordinator"]!["secretMounts"]).toEqual([
      { name: "access-control-config", secretName: "query-access-control-config", path: "/etc/trino/ranger" },
    ]);
    const config = harness.one("kubernetes:core/v1:Secret", "query-mesh-access-control-config");
    expect(config.inputs).toMatchObject({
      metadata: { name: "query-access-control-config", namespace: "query" },
      stringData: "[secret]",
    });
    const files = config.revealedInputs["stringData"] as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(["ranger-trino-audit.xml", "ranger-trino-security.xml"]);
    expect(parseHadoopConfigurationXml(files["ranger-trino-security.xml"]!)).toMatchObject({
      "ranger.plugin.trino.policy.rest.url": "https://ranger.security.svc.cluster.local:6182",
      "ranger.plugin.trino.policy.rest.client.username": "trino-plugin",
      "ranger.plugin.trino.policy.rest.client.password": trinoPluginPassword,
    });
    for (const registration of harness.registrations)
      expect(JSON.stringify(registration.inputs)).not.toContain(trinoPluginPassword);
    // Starburst's environment-variable Secret is not used with Trino.
    expect(harness.byType("kubernetes:core/v1:Secret").map((secret) => secret.name)).not.toContain(
      "query-mesh-access-control-credentials",
    );
    // Not production: no internal TLS unless asked for.
    expect(created.internalTls).toBe(false);
    expect(harness.byType("kubernetes:core/v1:Secret").map((secret) => secret.name)).not.toContain(
      "query-mesh-coordinator-tls",
    );
    expect(harness.one("kubernetes:core/v1:Service", "query-mesh-nlb").inputs["spec"]).toMatchObject({
      ports: [{ targetPort: 8080 }],
    });
  });

  it("with internal TLS, mounts the certificate and the plugin's files on the coordinator and serves HTTPS from the chart's keys", async () => {
    const { harness } = await mesh("resolved", {
      accessControl: "ranger",
      ranger: { policyRestUrl: "https://ranger.security.svc.cluster.local:6182", serviceName: "trino_dev" },
      internalTls: true,
      tlsCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    });
    const values = harness.one(chartType, "query-mesh").inputs["values"] as Record<string, Record<string, unknown>>;
    expect(validateChartValues("trino", values)).toEqual([]);
    expect((values["server"]!["config"] as Record<string, unknown>)["https"]).toEqual({
      enabled: true,
      port: 8443,
      keystore: { path: "/etc/trino/tls/coordinator.pem" },
    });
    expect(
      (values["coordinator"]!["secretMounts"] as { secretName: string }[]).map((mount) => mount.secretName),
    ).toEqual(["query-coordinator-tls", "query-access-control-config"]);
    expect(harness.one("kubernetes:core/v1:Service", "query-mesh-nlb").inputs["spec"]).toMatchObject({
      ports: [{ port: 443, targetPort: 8443 }],
    });
  });
});

describe("QueryMesh validation", () => {
  it("fails when production uses file access control, before registering anything", async () => {
    const harness = await setMocks({ stack: "prod", accountId: account });
    const { lake, cluster } = platform("prod");
    await harness.settle();
    const before = harness.registrations.length;
    expect(
      () =>
        new QueryMesh("query-mesh", {
          prefix: "dp",
          stage: "prod",
          cluster,
          lake,
          domains,
          production: true,
          tlsCertificateArn: "arn:cert",
        }),
    ).toThrow(/accessControl "file" is for development only/);
    await harness.settle();
    expect(harness.registrations.length).toBe(before);
  });

  it("fails when a domain is not enabled in the lake or a product is not published", async () => {
    await setMocks();
    const { lake, cluster } = platform();
    expect(
      () =>
        new QueryMesh("query-mesh", {
          prefix: "dp",
          stage: "dev",
          cluster,
          lake,
          domains: [
            { name: "payments", products: ["payments"] },
            { name: "orders", products: ["refunds"] },
          ],
        }),
    ).toThrow(/"payments" is not enabled in the lake[\s\S]*"refunds" is not a data product/);
  });
});

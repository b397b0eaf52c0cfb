import { validateAgainstSchemaFile, validateChartValues } from "@data-platform/helm-charts";
import { describe, expect, it } from "vitest";
import {
  defaultCoordinatorResources,
  defaultWorkerResources,
  privaceraPropertiesSchema,
  privaceraValuesProblems,
  queryMeshArgsProblems,
  queryMeshProblems,
  trinoRangerPropertiesSchema,
  type QueryMeshArgs,
} from "./args";
import {
  catalogProperties,
  fileAccessRules,
  heapSizeFor,
  parseHadoopConfigurationXml,
  parseProperties,
  passwordFileLine,
  rangerAccessControlProperties,
  trinoRangerConfigDir,
  trinoRangerAccessControl,
} from "./catalogs";
import { coordinatorDnsNames, loadBalancerAnnotations, privaceraNetworkFlows, queryNetworkFlows } from "./queryMesh";
import { starburstValues, trinoValues, type EngineValuesArgs } from "./values";

const scheduling = {
  nodeSelector: { "data-platform.io/node-group": "query" },
  tolerations: [{ key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" }],
};
const rules = JSON.stringify(
  fileAccessRules(
    [{ name: "orders", tables: [{ schema: "orders_analytics", table: "orders" }] }],
    ["central_analytics"],
  ),
);
const valuesArgs = (overrides: Partial<EngineValuesArgs> = {}): EngineValuesArgs => ({
  region: "eu-west-1",
  accountId: "123456789012",
  environment: "dev",
  workers: { min: 2, max: 10 },
  coordinatorResources: defaultCoordinatorResources,
  workerResources: defaultWorkerResources,
  scheduling,
  accessControl: { mode: "file", rulesJson: rules },
  secrets: {
    sharedSecret: "query-shared-secret",
    passwordFile: "query-password-file",
    license: "starburst-license",
    registryPull: "starburst-registry",
  },
  ...overrides,
});
const ranger = {
  policyRestUrl: "https://privacera-ranger.privacera.svc.cluster.local:6182",
  serviceName: "starburst_dev",
};

type Values = Record<string, Record<string, unknown>>;

describe("trinoValues", () => {
  it("validate against the Trino 1.42.2 schema after merging over the chart defaults", () => {
    expect(
      validateChartValues(
        "trino",
        trinoValues(valuesArgs(), { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x" }),
      ),
    ).toEqual([]);
    const ranged = trinoValues(
      valuesArgs({
        accessControl: { mode: "properties", properties: trinoRangerAccessControl(ranger, "dev").properties },
        secrets: { ...valuesArgs().secrets, accessControlConfig: "query-access-control-config" },
      }),
      {},
    );
    expect(validateChartValues("trino", ranged)).toEqual([]);
    const tls = trinoValues(
      valuesArgs({ secrets: { ...valuesArgs().secrets, coordinatorTls: "query-coordinator-tls" } }),
      {},
    );
    expect(validateChartValues("trino", tls)).toEqual([]);
  });

  it("fails validation when a key is misspelled", () => {
    const values = trinoValues(valuesArgs(), {}) as Values;
    const misspelled = { ...values, worker: { ...values["worker"], gracefullShutdown: { enabled: true } } };
    expect(validateChartValues("trino", misspelled)).toContain('/worker: unknown key "gracefullShutdown"');
    expect(validateChartValues("trino", { ...values, serviceAcount: {} })).toContain('/: unknown key "serviceAcount"');
  });

  it("puts coordinator and workers on the query node group with requests, limits, autoscaling and graceful shutdown", () => {
    const values = trinoValues(valuesArgs({ workers: { min: 3, max: 12 } }), {}) as Values;
    for (const role of ["coordinator", "worker"]) {
      expect(values[role]).toMatchObject({
        nodeSelector: scheduling.nodeSelector,
        tolerations: scheduling.tolerations,
      });
      expect((values[role]!["resources"] as Record<string, unknown>)["requests"]).toBeDefined();
      expect((values[role]!["resources"] as Record<string, unknown>)["limits"]).toBeDefined();
    }
    expect(values["server"]).toMatchObject({ workers: 3, autoscaling: { enabled: true, maxReplicas: 12 } });
    expect(values["worker"]!["gracefulShutdown"]).toEqual({ enabled: true, gracePeriodSeconds: 120 });
    expect(values["worker"]!["terminationGracePeriodSeconds"]).toBeGreaterThanOrEqual(240);
    expect(values["worker"]!["jvm"]).toEqual({ maxHeapSize: "12G" });
    expect(values["securityContext"]).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it("references secrets by name only: the shared secret from the environment, the password file from a Secret", () => {
    const values = trinoValues(valuesArgs(), {}) as Record<string, unknown>;
    expect(values["envFrom"]).toEqual([{ secretRef: { name: "query-shared-secret" } }]);
    expect(values["additionalConfigProperties"]).toContain("internal-communication.shared-secret=${ENV:SHARED_SECRET}");
    expect(values["auth"]).toEqual({ passwordAuthSecret: "query-password-file" });
  });
});

describe("internal TLS", () => {
  const tlsSecrets = { ...valuesArgs().secrets, coordinatorTls: "query-coordinator-tls" };

  it("Trino: the chart's https keys on the coordinator with a PEM from the Secret, mounted on the coordinator only, and no password over HTTP", () => {
    const values = trinoValues(valuesArgs({ secrets: tlsSecrets }), {}) as Values;
    expect(values["server"]!["config"]).toEqual({
      authenticationType: "PASSWORD",
      https: { enabled: true, port: 8443, keystore: { path: "/etc/trino/tls/coordinator.pem" } },
    });
    expect(values["coordinator"]!["secretMounts"]).toEqual([
      { name: "coordinator-tls", secretName: "query-coordinator-tls", path: "/etc/trino/tls" },
    ]);
    expect(values["worker"]!["secretMounts"]).toBeUndefined();
    // Internal communication (HTTP 8080) stays authenticated by the shared secret; passwords only over HTTPS.
    expect(values["additionalConfigProperties"]).toEqual(["internal-communication.shared-secret=${ENV:SHARED_SECRET}"]);
  });

  it("Trino without internal TLS keeps the plain-HTTP listener the NLB ends TLS in front of", () => {
    const values = trinoValues(valuesArgs(), {}) as Values;
    expect(values["server"]!["config"]).toEqual({ authenticationType: "PASSWORD" });
    expect(values["coordinator"]!["secretMounts"]).toBeUndefined();
    expect(values["additionalConfigProperties"]).toContain("http-server.authentication.allow-insecure-over-http=true");
  });

  it("Starburst: http-server.https.* in the coordinator's properties, the PEM mounted on the coordinator only, the shared secret on every node", () => {
    const values = starburstValues(valuesArgs({ secrets: tlsSecrets })) as Values;
    expect(validateChartValues("starburstEnterprise", values)).toEqual([]);
    const coordinator = parseProperties(values["coordinator"]!["additionalProperties"] as string);
    expect(coordinator).toMatchObject({
      "http-server.https.enabled": "true",
      "http-server.https.port": "8443",
      "http-server.https.keystore.path": "/etc/starburst/tls/coordinator.pem",
      "internal-communication.shared-secret": "${ENV:SHARED_SECRET}",
      "http-server.authentication.type": "PASSWORD",
    });
    expect(coordinator["http-server.authentication.allow-insecure-over-http"]).toBeUndefined();
    expect(values["coordinator"]!["additionalVolumes"]).toContainEqual({
      path: "/etc/starburst/tls",
      volume: { secret: { secretName: "query-coordinator-tls" } },
    });
    expect(JSON.stringify(values["worker"])).not.toContain("query-coordinator-tls");
    expect(parseProperties(values["worker"]!["additionalProperties"] as string)).toEqual({
      "internal-communication.shared-secret": "${ENV:SHARED_SECRET}",
    });
    // Without it: plain HTTP behind the NLB, as before.
    const plain = parseProperties(
      (starburstValues(valuesArgs()) as Values)["coordinator"]!["additionalProperties"] as string,
    );
    expect(plain["http-server.https.enabled"]).toBeUndefined();
    expect(plain["http-server.authentication.allow-insecure-over-http"]).toBe("true");
  });

  it("the NLB speaks TLS to its targets and reaches the coordinator's HTTPS port only", () => {
    expect(loadBalancerAnnotations("arn:cert", true)).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:cert",
      "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "ssl",
    });
    expect(
      loadBalancerAnnotations("arn:cert")["service.beta.kubernetes.io/aws-load-balancer-backend-protocol"],
    ).toBeUndefined();
    const flows = queryNetworkFlows({
      engine: "starburst",
      vpcCidr: "10.40.0.0/16",
      s3EgressCidrs: [],
      accessControl: "file",
      internalTls: true,
    });
    expect(flows["from-load-balancer"]).toMatchObject({ peers: [{ cidr: "10.40.0.0/16" }], ports: [{ port: 8443 }] });
    expect(flows["within-mesh"]).toMatchObject({ ports: [{ port: 8080 }] });
    expect(coordinatorDnsNames("trino")).toEqual([
      "query-nlb.query.svc",
      "query-nlb.query.svc.cluster.local",
      "trino.query.svc",
      "trino.query.svc.cluster.local",
    ]);
  });

  it("is on by default in production and needs the NLB's certificate", () => {
    const base: Omit<QueryMeshArgs, "cluster" | "lake"> = {
      prefix: "dp",
      stage: "prod",
      domains: [{ name: "orders", products: ["orders"] }],
      accessControl: "ranger",
      ranger,
    };
    const missing =
      "internalTls needs tlsCertificateArn: the NLB ends the client's TLS with the ACM certificate and opens a new TLS connection to the coordinator";
    // Production's default without a certificate is one problem, at tlsCertificateArn (the key a stage leaves out).
    expect(
      queryMeshArgsProblems({
        ...base,
        production: true,
        ranger: { ...ranger, credentials: { username: "u", password: "p" } },
      }),
    ).toEqual([{ path: "tlsCertificateArn", message: "production needs tlsCertificateArn: Looker connects over TLS" }]);
    expect(queryMeshProblems({ ...base, internalTls: true })).toEqual([missing]);
    expect(
      queryMeshProblems({
        ...base,
        production: true,
        internalTls: false,
        tlsCertificateArn: "arn:cert",
        ranger: { ...ranger, credentials: { username: "u", password: "p" } },
      }),
    ).toEqual([]);
    expect(queryMeshProblems({ ...base })).toEqual([]);
  });
});

describe("starburstValues", () => {
  it("validate against the Starburst minimal schema", () => {
    expect(validateChartValues("starburstEnterprise", starburstValues(valuesArgs()))).toEqual([]);
    const properties = rangerAccessControlProperties("privacera", ranger);
    expect(
      validateChartValues(
        "starburstEnterprise",
        starburstValues(valuesArgs({ accessControl: { mode: "properties", properties } })),
      ),
    ).toEqual([]);
  });

  it("fails validation when a key is misspelled", () => {
    const values = starburstValues(valuesArgs()) as Values;
    expect(
      validateChartValues("starburstEnterprise", { ...values, worker: { ...values["worker"], autoscalling: {} } }),
    ).toContain('/worker: unknown key "autoscalling"');
  });

  it("names the license Secret and the pull Secret, never their content, and disables inline registry credentials", () => {
    const values = starburstValues(valuesArgs()) as Values;
    expect(values["starburstPlatformLicense"]).toBe("starburst-license");
    expect(values["imagePullSecrets"]).toEqual([{ name: "starburst-registry" }]);
    expect(values["registryCredentials"]).toEqual({ enabled: false });
    expect(values["worker"]).toMatchObject({
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10 },
      starburstWorkerShutdownGracePeriodSeconds: 120,
    });
  });
});

describe("catalogs", () => {
  it("use the Glue Data Catalog of the account and region, with S3 through the pod's role", () => {
    const catalogs = catalogProperties({ region: "eu-west-1", accountId: "123456789012" });
    expect(Object.keys(catalogs).sort()).toEqual(["hive", "lake"]);
    const lake = parseProperties(catalogs["lake"]!);
    expect(lake).toMatchObject({
      "connector.name": "delta_lake",
      "hive.metastore": "glue",
      "hive.metastore.glue.region": "eu-west-1",
      "hive.metastore.glue.catalogid": "123456789012",
      "fs.native-s3.enabled": "true",
      "s3.region": "eu-west-1",
    });
    expect(parseProperties(catalogs["hive"]!)).toMatchObject({
      "connector.name": "hive",
      "hive.metastore": "glue",
      "hive.metastore.glue.region": "eu-west-1",
    });
    // No key material and no schema filter: every Glue database is a schema of the catalog.
    expect(Object.keys(lake).some((key) => /access-key|secret-key|schema|database/.test(key))).toBe(false);
  });
});

describe("access control", () => {
  it("file rules make each exposed table readable and deny everything else", () => {
    const parsed = fileAccessRules(
      [
        { name: "logistics", tables: [{ schema: "logistics_raw", table: "shipments" }] },
        { name: "orders", tables: [{ schema: "orders_analytics", table: "orders" }] },
      ],
      ["central_analytics"],
    ) as {
      tables: { schema?: string; table?: string; privileges: string[] }[];
      catalogs: { catalog?: string; allow: string }[];
    };
    expect(parsed.tables.filter((rule) => rule.table).map((rule) => `${rule.schema}.${rule.table}`)).toEqual([
      "logistics_raw.shipments",
      "orders_analytics.orders",
    ]);
    expect(parsed.tables.at(-1)).toEqual({ privileges: [] });
    expect(parsed.catalogs.at(-1)).toEqual({ allow: "none" });
  });

  it("reads the plugin's user and password from the environment (a Secret), with each plugin's documented keys", () => {
    const privacera = parseProperties(rangerAccessControlProperties("privacera", ranger, true));
    expect(privacera).toMatchObject({
      "ranger.presto-plugin-username": "${ENV:ACCESS_CONTROL_USERNAME}",
      "ranger.presto-plugin-password": "${ENV:ACCESS_CONTROL_PASSWORD}",
    });
    const sepRanger = parseProperties(rangerAccessControlProperties("ranger", ranger, true));
    expect(sepRanger).toMatchObject({
      "ranger.authentication-type": "BASIC",
      "ranger.username": "${ENV:ACCESS_CONTROL_USERNAME}",
      "ranger.password": "${ENV:ACCESS_CONTROL_PASSWORD}",
    });
    for (const parsed of [privacera, sepRanger])
      expect(validateAgainstSchemaFile(privaceraPropertiesSchema, parsed)).toEqual([]);
    const values = starburstValues(
      valuesArgs({
        accessControl: { mode: "properties", properties: rangerAccessControlProperties("privacera", ranger, true) },
        secrets: { ...valuesArgs().secrets, accessControl: "query-access-control-credentials" },
      }),
    );
    expect(validateChartValues("starburstEnterprise", values)).toEqual([]);
    expect((values["coordinator"] as Record<string, unknown>)["envFrom"]).toContainEqual({
      secretRef: { name: "query-access-control-credentials" },
    });
  });

  it("Ranger and Privacera properties validate against the Privacera schema", () => {
    for (const mode of ["ranger", "privacera"] as const) {
      const parsed = parseProperties(rangerAccessControlProperties(mode, ranger));
      expect(validateAgainstSchemaFile(privaceraPropertiesSchema, parsed)).toEqual([]);
      expect(parsed["ranger.service-name"]).toBe("starburst_dev");
    }
    expect(
      validateAgainstSchemaFile(privaceraPropertiesSchema, {
        ...parseProperties(rangerAccessControlProperties("ranger", ranger)),
        "ranger.polcy-url": 1,
      }),
    ).not.toEqual([]);
  });
});

describe("Trino with Apache Ranger", () => {
  it("writes Trino's own Ranger properties, not Starburst's, naming the plugin files by their mounted paths", () => {
    const { properties, files } = trinoRangerAccessControl(ranger, "prod");
    const parsed = parseProperties(properties);
    expect(parsed).toEqual({
      "access-control.name": "ranger",
      "ranger.service.name": "starburst_dev",
      "ranger.plugin.config.resource":
        "/etc/trino/ranger/ranger-trino-security.xml,/etc/trino/ranger/ranger-trino-audit.xml",
    });
    expect(validateAgainstSchemaFile(trinoRangerPropertiesSchema, parsed)).toEqual([]);
    // Starburst's keys (what the component wrote for Trino before) are not Trino's: the schema refuses them.
    expect(
      validateAgainstSchemaFile(
        trinoRangerPropertiesSchema,
        parseProperties(rangerAccessControlProperties("ranger", ranger)),
      ),
    ).not.toEqual([]);
    for (const path of parsed["ranger.plugin.config.resource"]!.split(","))
      expect(Object.keys(files)).toContain(path.replace(`${trinoRangerConfigDir}/`, ""));
    expect(parseHadoopConfigurationXml(files["ranger-trino-security.xml"]!)).toMatchObject({
      "ranger.plugin.trino.policy.rest.url": ranger.policyRestUrl,
      "ranger.plugin.trino.service.name": "starburst_dev",
      "ranger.plugin.trino.access.cluster.name": "prod",
    });
    expect(parseHadoopConfigurationXml(files["ranger-trino-audit.xml"]!)).toMatchObject({
      "xasecure.audit.is.enabled": "true",
      "xasecure.audit.destination.log4j": "true",
    });
    // Without credentials the plugin sends no user; with them, Ranger's REST client authenticates with HTTP Basic.
    expect(files["ranger-trino-security.xml"]).not.toContain("policy.rest.client.username");
    const authenticated = parseHadoopConfigurationXml(
      trinoRangerAccessControl(ranger, "prod", { username: "trino-plugin", password: "p<&w" }).files[
        "ranger-trino-security.xml"
      ]!,
    );
    expect(authenticated).toMatchObject({
      "ranger.plugin.trino.policy.rest.client.username": "trino-plugin",
      "ranger.plugin.trino.policy.rest.client.password": "p<&w",
    });
  });

  it("escapes XML and mounts the plugin's files from their Secret on the coordinator only", () => {
    const { files } = trinoRangerAccessControl(
      { policyRestUrl: "https://ranger:6182/?a=1&b=2", serviceName: "trino<prod>" },
      "prod",
    );
    expect(files["ranger-trino-security.xml"]).toContain("https://ranger:6182/?a=1&amp;b=2");
    expect(parseHadoopConfigurationXml(files["ranger-trino-security.xml"]!)["ranger.plugin.trino.service.name"]).toBe(
      "trino<prod>",
    );
    const properties = trinoRangerAccessControl(ranger, "prod").properties;
    const values = trinoValues(
      valuesArgs({
        accessControl: { mode: "properties", properties },
        secrets: { ...valuesArgs().secrets, accessControlConfig: "query-access-control-config" },
      }),
      {},
    ) as Values;
    expect(values["accessControl"]).toEqual({ type: "properties", properties });
    expect(values["coordinator"]!["secretMounts"]).toEqual([
      { name: "access-control-config", secretName: "query-access-control-config", path: "/etc/trino/ranger" },
    ]);
    expect(values["worker"]!["secretMounts"]).toBeUndefined();
    expect(values["secretMounts"]).toBeUndefined();
  });

  it("refuses Privacera with open-source Trino, accepts Trino with Ranger, and needs the plugin's user in production", () => {
    const base: Omit<QueryMeshArgs, "cluster" | "lake"> = {
      prefix: "dp",
      stage: "prod",
      domains: [{ name: "orders", products: ["orders"] }],
      engine: "trino",
    };
    expect(queryMeshProblems({ ...base, accessControl: "ranger", ranger })).toEqual([]);
    expect(
      queryMeshProblems({
        ...base,
        accessControl: "privacera",
        ranger,
        privacera: { chart: "c", version: "1", repository: "oci://r" },
      }),
    ).toEqual([expect.stringMatching(/^accessControl "privacera" needs engine "starburst"/)]);
    const production = { ...base, production: true, tlsCertificateArn: "arn:cert", accessControl: "ranger" as const };
    expect(queryMeshProblems({ ...production, ranger })).toEqual([
      "ranger.credentials (the plugin's user on the policy service) are required in production",
    ]);
    expect(
      queryMeshProblems({ ...production, ranger: { ...ranger, credentials: { username: "u", password: "p" } } }),
    ).toEqual([]);
  });
});

describe("args", () => {
  const base: Omit<QueryMeshArgs, "cluster" | "lake"> = {
    prefix: "dp",
    stage: "prod",
    domains: [{ name: "orders", products: ["orders"] }],
  };

  it("fails when production Starburst has no plugin credentials for its policy service", () => {
    const production = {
      ...base,
      production: true,
      engine: "starburst" as const,
      starburst: { licenseSecret: "l", registryUsername: "u", registryPassword: "p" },
      tlsCertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
    };
    expect(queryMeshProblems({ ...production, accessControl: "ranger", ranger })).toContain(
      "ranger.credentials (the plugin's user on the policy service) are required in production",
    );
    expect(
      queryMeshProblems({
        ...production,
        accessControl: "ranger",
        ranger: { ...ranger, credentials: { username: "u", password: "p" } },
      }),
    ).toEqual([]);
  });

  it("checks what can be checked in Privacera's private chart values: no plain credentials, pinned images", () => {
    expect(
      privaceraValuesProblems({ ranger: { image: { repository: "r", tag: "9.1.0" }, existingSecret: "admin" } }),
    ).toEqual([]);
    expect(
      privaceraValuesProblems({
        ranger: { adminPassword: "hunter2", image: { tag: "latest" } },
        sidecars: [{ image: "busybox" }],
      }),
    ).toEqual([
      {
        path: "privacera.values.ranger.adminPassword",
        message:
          "privacera.values.ranger.adminPassword looks like a credential in plain values: create a Kubernetes Secret and pass its name",
      },
      {
        path: "privacera.values.ranger.image.tag",
        message: 'privacera.values.ranger.image.tag must pin an image tag, not "latest"',
      },
      {
        path: "privacera.values.sidecars[0].image",
        message: 'privacera.values.sidecars[0].image must pin an image tag ("busybox")',
      },
    ]);
  });

  it("refuses Privacera values that Pod Security restricted would refuse at admission", () => {
    expect(
      privaceraValuesProblems({
        solr: {
          securityContext: { runAsUser: 0, runAsNonRoot: false, capabilities: { add: ["SYS_ADMIN"] } },
          hostNetwork: true,
        },
        ranger: {
          containerSecurityContext: {
            privileged: true,
            allowPrivilegeEscalation: true,
            capabilities: { add: ["NET_BIND_SERVICE"] },
          },
        },
        volumes: [{ name: "logs", hostPath: { path: "/var/log" } }],
        mariadb: { securityContext: { runAsUser: 1001, runAsNonRoot: true }, add: ["not-a-capability-list"] },
      }).map((problem) => problem.message),
    ).toEqual([
      'privacera.values.solr.securityContext.runAsUser: the privacera namespace enforces Pod Security "restricted", which refuses running as root (uid 0)',
      'privacera.values.solr.securityContext.runAsNonRoot: the privacera namespace enforces Pod Security "restricted", which refuses root containers',
      'privacera.values.solr.securityContext.capabilities.add: the privacera namespace enforces Pod Security "restricted", which refuses added capabilities other than NET_BIND_SERVICE',
      'privacera.values.solr.hostNetwork: the privacera namespace enforces Pod Security "restricted", which refuses host namespaces',
      'privacera.values.ranger.containerSecurityContext.privileged: the privacera namespace enforces Pod Security "restricted", which refuses privileged containers',
      'privacera.values.ranger.containerSecurityContext.allowPrivilegeEscalation: the privacera namespace enforces Pod Security "restricted", which refuses privilege escalation',
      'privacera.values.volumes[0].hostPath: the privacera namespace enforces Pod Security "restricted", which refuses hostPath volumes',
    ]);
  });

  it("fails when production uses file access control or has no TLS certificate", () => {
    const problems = queryMeshProblems({ ...base, production: true });
    expect(problems).toContain(
      `accessControl "file" is for development only; production needs "privacera" or "ranger"`,
    );
    expect(problems).toContain("production needs tlsCertificateArn: Looker connects over TLS");
    expect(
      queryMeshProblems({
        ...base,
        production: true,
        accessControl: "ranger",
        ranger: { ...ranger, credentials: { username: "u", password: "p" } },
        tlsCertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
      }),
    ).toEqual([]);
  });

  it("admits only real, internal ranges to the load balancer and the S3 egress", () => {
    expect(
      queryMeshProblems({
        ...base,
        allowedSourceCidrs: ["10.0.0.0/8", "0.0.0.0/0", "10.0.0.5/24"],
        s3EgressCidrs: ["999.1.1.1/40"],
      }),
    ).toEqual([
      expect.stringMatching(/^s3EgressCidrs: /),
      'allowedSourceCidrs: "0.0.0.0/0" is wider than a /8: the query endpoint is internal only',
      expect.stringMatching(/^allowedSourceCidrs: .*host bits set/),
    ]);
  });

  it("lists every problem at once", () => {
    const problems = queryMeshProblems({
      ...base,
      engine: "starburst",
      accessControl: "privacera",
      workers: { min: 5, max: 2 },
      domains: [
        { name: "orders", products: [] },
        { name: "orders", products: ["orders"] },
      ],
      workerResources: { requests: { cpu: "4", memory: "16Gi" }, limits: { memory: "16G" } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`"starburst" needs`) as unknown as string,
        expect.stringContaining("needs privacera") as unknown as string,
        expect.stringContaining("needs ranger") as unknown as string,
        expect.stringContaining("workers must be") as unknown as string,
        expect.stringContaining("listed twice") as unknown as string,
        expect.stringContaining("at least one data product") as unknown as string,
        expect.stringContaining("whole GiB") as unknown as string,
      ]),
    );
  });

  it("reports each problem at its argument's path, for a caller to file under its own key", () => {
    const problems = queryMeshArgsProblems({
      ...base,
      production: true,
      engine: "starburst",
      accessControl: "file",
      workers: { min: 5, max: 2 },
      domains: [{ name: "orders", products: [] }],
      coordinatorResources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8G" } },
      allowedSourceCidrs: ["10.0.0.0/8", "0.0.0.0/0"],
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      "starburst",
      "accessControl",
      "tlsCertificateArn",
      "domains.orders.products",
      "workers",
      "coordinatorResources.limits.memory",
      "allowedSourceCidrs[1]",
    ]);
    expect(problems.map((problem) => problem.message)).toEqual(
      queryMeshProblems({
        ...base,
        production: true,
        engine: "starburst",
        accessControl: "file",
        workers: { min: 5, max: 2 },
        domains: [{ name: "orders", products: [] }],
        coordinatorResources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8G" } },
        allowedSourceCidrs: ["10.0.0.0/8", "0.0.0.0/0"],
      }),
    );
  });

  it("fails when the policy service URL is not http(s)", () => {
    expect(
      queryMeshProblems({
        ...base,
        accessControl: "ranger",
        ranger: { policyRestUrl: "ftp://x", serviceName: "s" },
      }).join("\n"),
    ).toMatch(/policyRestUrl must be an http\(s\) URL/);
  });
});

describe("network and load balancer", () => {
  it("admits only the VPC to the coordinator, the mesh to itself, and egress 443 to the VPC", () => {
    const flows = queryNetworkFlows({
      engine: "trino",
      vpcCidr: "10.40.0.0/16",
      s3EgressCidrs: ["52.218.0.0/17"],
      accessControl: "file",
    });
    expect(Object.keys(flows).sort()).toEqual(["from-load-balancer", "to-aws", "to-mesh", "within-mesh"]);
    expect(flows["from-load-balancer"]).toMatchObject({
      direction: "ingress",
      peers: [{ cidr: "10.40.0.0/16" }],
      ports: [{ port: 8080 }],
    });
    expect(flows["to-aws"]).toEqual({
      direction: "egress",
      peers: [{ cidr: "10.40.0.0/16" }, { cidr: "52.218.0.0/17" }],
      ports: [{ port: 443 }],
    });
    const ranged = queryNetworkFlows({
      engine: "trino",
      vpcCidr: "10.40.0.0/16",
      s3EgressCidrs: [],
      accessControl: "privacera",
      policyRestUrl: ranger.policyRestUrl,
    });
    expect(ranged["to-policy-service"]).toMatchObject({
      ports: [{ port: 6182 }],
      peers: [{ namespace: "privacera" }, { cidr: "10.40.0.0/16" }],
    });
  });

  it("lets Privacera's components reach each other and the VPC on 443 and the stage's extra ports", () => {
    const flows = privaceraNetworkFlows({
      vpcCidr: "10.40.0.0/16",
      policyRestUrl: ranger.policyRestUrl,
      vpcEgressPorts: [5432, 443, 636],
    });
    expect(flows).toEqual({
      "from-query": { direction: "ingress", peers: [{ namespace: "query" }], ports: [{ port: 6182 }] },
      "within-privacera": { direction: "ingress", peers: [{ namespace: "privacera" }] },
      "to-privacera": { direction: "egress", peers: [{ namespace: "privacera" }] },
      "to-aws": {
        direction: "egress",
        peers: [{ cidr: "10.40.0.0/16" }],
        ports: [{ port: 443 }, { port: 636 }, { port: 5432 }],
      },
    });
    expect(
      privaceraNetworkFlows({ vpcCidr: "10.40.0.0/16", policyRestUrl: ranger.policyRestUrl })["to-aws"]!.ports,
    ).toEqual([{ port: 443 }]);
    const base: Omit<QueryMeshArgs, "cluster" | "lake"> = {
      prefix: "dp",
      stage: "dev",
      domains: [{ name: "orders", products: ["orders"] }],
      engine: "starburst",
      starburst: { licenseSecret: "l", registryUsername: "u", registryPassword: "p" },
    };
    expect(
      queryMeshProblems({
        ...base,
        accessControl: "privacera",
        ranger,
        privacera: { chart: "c", version: "1", repository: "oci://r", vpcEgressPorts: [0, 3306] },
      }),
    ).toEqual(["privacera.vpcEgressPorts: 0 is not a TCP port"]);
  });

  it("annotates an internal NLB with ip targets, and TLS only with a certificate", () => {
    expect(loadBalancerAnnotations(undefined)).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    });
    expect(loadBalancerAnnotations("arn:cert")).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:cert",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
    });
  });
});

describe("helpers", () => {
  it("size the heap from the memory limit and render a stable PBKDF2 password line", () => {
    expect(heapSizeFor("16Gi")).toBe("12G");
    expect(heapSizeFor("1Gi")).toBe("1G");
    const line = passwordFileLine("looker", "secret-password");
    expect(line).toMatch(/^looker:10000:[0-9a-f]{32}:[0-9a-f]{128}\n$/);
    expect(passwordFileLine("looker", "secret-password")).toBe(line);
    expect(line).not.toContain("secret-password");
  });
});

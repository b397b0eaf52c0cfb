import { validateAgainstSchemaFile, validateChartValues } from "@data-platform/helm-charts";
import { describe, expect, it } from "vitest";
import { defaultCoordinatorResources, defaultWorkerResources, privaceraPropertiesSchema, privaceraValuesProblems, queryMeshArgsProblems, queryMeshProblems, type QueryMeshArgs } from "./args";
import { catalogProperties, fileAccessRules, heapSizeFor, parseProperties, passwordFileLine, rangerAccessControlProperties } from "./catalogs";
import { loadBalancerAnnotations, queryNetworkFlows } from "./queryMesh";
import { starburstValues, trinoValues, type EngineValuesArgs } from "./values";

const scheduling = {
  nodeSelector: { "data-platform.io/node-group": "query" },
  tolerations: [{ key: "data-platform.io/dedicated", operator: "Equal", value: "query", effect: "NoSchedule" }],
};
const rules = JSON.stringify(fileAccessRules([{ name: "orders", tables: [{ schema: "orders_analytics", table: "orders" }] }], ["central_analytics"]));
const valuesArgs = (overrides: Partial<EngineValuesArgs> = {}): EngineValuesArgs => ({
  region: "eu-west-1",
  accountId: "123456789012",
  environment: "dev",
  workers: { min: 2, max: 10 },
  coordinatorResources: defaultCoordinatorResources,
  workerResources: defaultWorkerResources,
  scheduling,
  accessControl: { mode: "file", rulesJson: rules },
  secrets: { sharedSecret: "query-shared-secret", passwordFile: "query-password-file", license: "starburst-license", registryPull: "starburst-registry" },
  ...overrides,
});
const ranger = { policyRestUrl: "https://privacera-ranger.privacera.svc.cluster.local:6182", serviceName: "starburst_dev" };

type Values = Record<string, Record<string, unknown>>;

describe("trinoValues", () => {
  it("validate against the Trino 1.42.2 schema after merging over the chart defaults", () => {
    expect(validateChartValues("trino", trinoValues(valuesArgs(), { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x" }))).toEqual([]);
    const ranged = trinoValues(valuesArgs({ accessControl: { mode: "properties", properties: rangerAccessControlProperties("ranger", ranger) } }), {});
    expect(validateChartValues("trino", ranged)).toEqual([]);
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
      expect(values[role]).toMatchObject({ nodeSelector: scheduling.nodeSelector, tolerations: scheduling.tolerations });
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

describe("starburstValues", () => {
  it("validate against the Starburst minimal schema", () => {
    expect(validateChartValues("starburstEnterprise", starburstValues(valuesArgs()))).toEqual([]);
    const properties = rangerAccessControlProperties("privacera", ranger);
    expect(validateChartValues("starburstEnterprise", starburstValues(valuesArgs({ accessControl: { mode: "properties", properties } })))).toEqual([]);
  });

  it("fails validation when a key is misspelled", () => {
    const values = starburstValues(valuesArgs()) as Values;
    expect(validateChartValues("starburstEnterprise", { ...values, worker: { ...values["worker"], autoscalling: {} } })).toContain('/worker: unknown key "autoscalling"');
  });

  it("names the license Secret and the pull Secret, never their content, and disables inline registry credentials", () => {
    const values = starburstValues(valuesArgs()) as Values;
    expect(values["starburstPlatformLicense"]).toBe("starburst-license");
    expect(values["imagePullSecrets"]).toEqual([{ name: "starburst-registry" }]);
    expect(values["registryCredentials"]).toEqual({ enabled: false });
    expect(values["worker"]).toMatchObject({ autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10 }, starburstWorkerShutdownGracePeriodSeconds: 120 });
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
    expect(parseProperties(catalogs["hive"]!)).toMatchObject({ "connector.name": "hive", "hive.metastore": "glue", "hive.metastore.glue.region": "eu-west-1" });
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
    ) as { tables: { schema?: string; table?: string; privileges: string[] }[]; catalogs: { catalog?: string; allow: string }[] };
    expect(parsed.tables.filter((rule) => rule.table).map((rule) => `${rule.schema}.${rule.table}`)).toEqual(["logistics_raw.shipments", "orders_analytics.orders"]);
    expect(parsed.tables.at(-1)).toEqual({ privileges: [] });
    expect(parsed.catalogs.at(-1)).toEqual({ allow: "none" });
  });

  it("reads the plugin's user and password from the environment (a Secret), with each plugin's documented keys", () => {
    const privacera = parseProperties(rangerAccessControlProperties("privacera", ranger, true));
    expect(privacera).toMatchObject({ "ranger.presto-plugin-username": "${ENV:ACCESS_CONTROL_USERNAME}", "ranger.presto-plugin-password": "${ENV:ACCESS_CONTROL_PASSWORD}" });
    const sepRanger = parseProperties(rangerAccessControlProperties("ranger", ranger, true));
    expect(sepRanger).toMatchObject({ "ranger.authentication-type": "BASIC", "ranger.username": "${ENV:ACCESS_CONTROL_USERNAME}", "ranger.password": "${ENV:ACCESS_CONTROL_PASSWORD}" });
    for (const parsed of [privacera, sepRanger]) expect(validateAgainstSchemaFile(privaceraPropertiesSchema, parsed)).toEqual([]);
    const values = starburstValues(valuesArgs({ accessControl: { mode: "properties", properties: rangerAccessControlProperties("privacera", ranger, true) }, secrets: { ...valuesArgs().secrets, accessControl: "query-access-control-credentials" } }));
    expect(validateChartValues("starburstEnterprise", values)).toEqual([]);
    expect((values["coordinator"] as Record<string, unknown>)["envFrom"]).toContainEqual({ secretRef: { name: "query-access-control-credentials" } });
  });

  it("Ranger and Privacera properties validate against the Privacera schema", () => {
    for (const mode of ["ranger", "privacera"] as const) {
      const parsed = parseProperties(rangerAccessControlProperties(mode, ranger));
      expect(validateAgainstSchemaFile(privaceraPropertiesSchema, parsed)).toEqual([]);
      expect(parsed["ranger.service-name"]).toBe("starburst_dev");
    }
    expect(validateAgainstSchemaFile(privaceraPropertiesSchema, { ...parseProperties(rangerAccessControlProperties("ranger", ranger)), "ranger.polcy-url": 1 })).not.toEqual([]);
  });
});

describe("args", () => {
  const base: Omit<QueryMeshArgs, "cluster" | "lake"> = { prefix: "dp", stage: "prod", domains: [{ name: "orders", products: ["orders"] }] };

  it("fails when production Starburst has no plugin credentials for its policy service", () => {
    const production = { ...base, production: true, engine: "starburst" as const, starburst: { licenseSecret: "l", registryUsername: "u", registryPassword: "p" }, tlsCertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" };
    expect(queryMeshProblems({ ...production, accessControl: "ranger", ranger })).toContain("ranger.credentials (the plugin's user on the policy service) are required in production");
    expect(queryMeshProblems({ ...production, accessControl: "ranger", ranger: { ...ranger, credentials: { username: "u", password: "p" } } })).toEqual([]);
  });

  it("checks what can be checked in Privacera's private chart values: no plain credentials, pinned images", () => {
    expect(privaceraValuesProblems({ ranger: { image: { repository: "r", tag: "9.1.0" }, existingSecret: "admin" } })).toEqual([]);
    expect(privaceraValuesProblems({ ranger: { adminPassword: "hunter2", image: { tag: "latest" } }, sidecars: [{ image: "busybox" }] })).toEqual([
      { path: "privacera.values.ranger.adminPassword", message: "privacera.values.ranger.adminPassword looks like a credential in plain values: create a Kubernetes Secret and pass its name" },
      { path: "privacera.values.ranger.image.tag", message: 'privacera.values.ranger.image.tag must pin an image tag, not "latest"' },
      { path: "privacera.values.sidecars[0].image", message: 'privacera.values.sidecars[0].image must pin an image tag ("busybox")' },
    ]);
  });

  it("fails when production uses file access control or has no TLS certificate", () => {
    const problems = queryMeshProblems({ ...base, production: true });
    expect(problems).toContain(`accessControl "file" is for development only; production needs "privacera" or "ranger"`);
    expect(problems).toContain("production needs tlsCertificateArn: Looker connects over TLS");
    expect(queryMeshProblems({ ...base, production: true, accessControl: "ranger", ranger, tlsCertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" })).toEqual([]);
  });

  it("admits only real, internal ranges to the load balancer and the S3 egress", () => {
    expect(queryMeshProblems({ ...base, allowedSourceCidrs: ["10.0.0.0/8", "0.0.0.0/0", "10.0.0.5/24"], s3EgressCidrs: ["999.1.1.1/40"] })).toEqual([
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
      domains: [{ name: "orders", products: [] }, { name: "orders", products: ["orders"] }],
      workerResources: { requests: { cpu: "4", memory: "16Gi" }, limits: { memory: "16G" } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`"starburst" needs`) as unknown as string,
        expect.stringContaining('needs privacera') as unknown as string,
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
    expect(problems.map((problem) => problem.message)).toEqual(queryMeshProblems({ ...base, production: true, engine: "starburst", accessControl: "file", workers: { min: 5, max: 2 }, domains: [{ name: "orders", products: [] }], coordinatorResources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8G" } }, allowedSourceCidrs: ["10.0.0.0/8", "0.0.0.0/0"] }));
  });

  it("fails when the policy service URL is not http(s)", () => {
    expect(queryMeshProblems({ ...base, accessControl: "ranger", ranger: { policyRestUrl: "ftp://x", serviceName: "s" } }).join("\n")).toMatch(/policyRestUrl must be an http\(s\) URL/);
  });
});

describe("network and load balancer", () => {
  it("admits only the VPC to the coordinator, the mesh to itself, and egress 443 to the VPC", () => {
    const flows = queryNetworkFlows({ engine: "trino", vpcCidr: "10.40.0.0/16", s3EgressCidrs: ["52.218.0.0/17"], accessControl: "file" });
    expect(Object.keys(flows).sort()).toEqual(["from-load-balancer", "to-aws", "to-mesh", "within-mesh"]);
    expect(flows["from-load-balancer"]).toMatchObject({ direction: "ingress", peers: [{ cidr: "10.40.0.0/16" }], ports: [{ port: 8080 }] });
    expect(flows["to-aws"]).toEqual({ direction: "egress", peers: [{ cidr: "10.40.0.0/16" }, { cidr: "52.218.0.0/17" }], ports: [{ port: 443 }] });
    const ranged = queryNetworkFlows({ engine: "trino", vpcCidr: "10.40.0.0/16", s3EgressCidrs: [], accessControl: "privacera", policyRestUrl: ranger.policyRestUrl });
    expect(ranged["to-policy-service"]).toMatchObject({ ports: [{ port: 6182 }], peers: [{ namespace: "privacera" }, { cidr: "10.40.0.0/16" }] });
  });

  it("annotates an internal NLB with ip targets, and TLS only with a certificate", () => {
    expect(loadBalancerAnnotations(undefined)).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    });
    expect(loadBalancerAnnotations("arn:cert")).toMatchObject({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:cert", "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443" });
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

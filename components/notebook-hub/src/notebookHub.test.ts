import { validateChartValues } from "@data-platform/helm-charts";
import { DataLake } from "@data-platform/data-lake";
import { PlatformCluster } from "@data-platform/platform-cluster";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { setMocks, type Harness } from "@data-platform/testing";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { NotebookHubArgs } from "./args";
import { notebookImageTag } from "./image";
import { NotebookHub } from "./notebookHub";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const certificate = `arn:aws:acm:eu-west-1:${account}:certificate/abc-123`;
const clientSecret = "oauth-client-secret-value";
const chartType = "kubernetes:helm.sh/v4:Chart";

async function build(overrides: Partial<NotebookHubArgs> = {}, mode: "resolved" | "preview" = "resolved") {
  const harness = await setMocks({ mode, stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    registeredDomainNames: ["logistics", "orders", "payments"],
    domains: [
      {
        name: "orders",
        zones: ["raw", "analytics"],
        dataProducts: [
          { name: "orders", zone: "analytics", classification: "confidential" },
          { name: "refunds", zone: "analytics", classification: "internal" },
        ],
      },
      {
        name: "logistics",
        zones: ["raw", "analytics"],
        dataProducts: [{ name: "shipments", zone: "analytics", classification: "internal" }],
      },
    ],
    protect: false,
  });
  const cluster = new PlatformCluster("platform", {
    prefix: "dp",
    stage: "prod",
    vpcCidr: "10.40.0.0/16",
    availabilityZoneCount: 2,
    natGateways: "single",
    kubernetesVersion: "1.33",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 },
      notebooks: { instanceTypes: ["m7g.2xlarge"], minSize: 1, desiredSize: 1, maxSize: 4 },
    },
    protect: false,
  });
  const hub = new NotebookHub("notebooks", {
    prefix: "dp",
    stage: "prod",
    production: true,
    cluster,
    lake,
    authenticator: {
      kind: "generic-oidc",
      clientId: "notebooks",
      clientSecret: pulumi.secret(clientSecret),
      authorizeUrl: "https://idp.example.com/authorize",
      tokenUrl: "https://idp.example.com/token",
      userdataUrl: "https://idp.example.com/userinfo",
    },
    adminUsers: ["alice"],
    domains: [
      { name: "logistics", groups: ["logistics-analysts"], products: [{ domain: "orders", products: ["orders"] }] },
      { name: "orders", groups: ["orders-analysts"], products: [{ domain: "logistics", products: ["shipments"] }] },
    ],
    queryEndpoint: pulumi.output("https://query.internal.example.com"),
    hostname: "notebooks.example.com",
    tlsCertificateArn: certificate,
    tags: { team: "platform" },
    ...overrides,
  });
  await harness.settle();
  return { harness, hub };
}

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
};
const statementsOf = (harness: Harness, name: string) =>
  (
    JSON.parse(harness.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"] as string) as {
      Statement: Statement[];
    }
  ).Statement;
const list = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const chartValues = (harness: Harness) =>
  harness.one(chartType, "notebooks").inputs["values"] as Record<string, unknown>;

describe("NotebookHub", () => {
  it("deploys the pinned z2jh chart with values that validate against the upstream schema, merged over its defaults", async () => {
    const { harness } = await build();
    const chart = harness.one(chartType, "notebooks");
    expect(chart.inputs).toMatchObject({
      chart: "jupyterhub",
      version: "4.4.0",
      repositoryOpts: { repo: "https://hub.jupyter.org/helm-chart/" },
      name: "jupyterhub",
      namespace: "notebooks",
    });
    expect(chart.provider).toContain("platform-k8s");
    expect(chart.parent).toBe(harness.one("data-platform:notebooks:NotebookHub", "notebooks").urn);
    expect(validateChartValues("jupyterhub", chartValues(harness))).toEqual([]);
    expect(chart.dependencies).toEqual(
      expect.arrayContaining([
        harness.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "notebooks-default-deny").urn,
        harness.one("kubernetes:core/v1:Secret", "notebooks-oauth-client").urn,
      ]),
    );
  });

  it("configures the OIDC authenticator with the domains' groups, and keeps the client secret out of every plain input", async () => {
    const { harness } = await build();
    const values = chartValues(harness) as {
      hub: { config: Record<string, Record<string, unknown>>; extraEnv: unknown };
    };
    expect(values.hub.config["JupyterHub"]).toEqual({ authenticator_class: "generic-oauth" });
    expect(values.hub.config["GenericOAuthenticator"]).toMatchObject({
      client_id: "notebooks",
      oauth_callback_url: "https://notebooks.example.com/hub/oauth_callback",
      allowed_groups: ["logistics-analysts", "orders-analysts"],
      allowed_users: ["alice"],
      manage_groups: true,
    });
    expect(values.hub.extraEnv).toEqual({
      OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: "jupyterhub-oauth-client", key: "client-secret" } } },
    });
    const secret = harness.one("kubernetes:core/v1:Secret", "notebooks-oauth-client");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "jupyterhub-oauth-client", namespace: "notebooks" },
      stringData: "[secret]",
    });
    expect(JSON.stringify(harness.registrations.map((registration) => registration.inputs))).not.toContain(
      clientSecret,
    );
  });

  it("culls idle servers and runs the profiles on the notebooks node group with per-user gp3 storage", async () => {
    const { harness } = await build({ cullTimeoutSeconds: 7200, storage: { capacityGiB: 50 } });
    const values = chartValues(harness) as { cull: unknown; singleuser: Record<string, unknown> };
    expect(values.cull).toMatchObject({ enabled: true, timeout: 7200 });
    expect(values.singleuser["nodeSelector"]).toEqual({ "data-platform.io/node-group": "notebooks" });
    expect(values.singleuser["extraTolerations"]).toEqual([
      { key: "data-platform.io/dedicated", operator: "Equal", value: "notebooks", effect: "NoSchedule" },
    ]);
    expect(values.singleuser["storage"]).toEqual({
      type: "dynamic",
      capacity: "50Gi",
      dynamic: { storageClass: "gp3" },
    });
    expect((values.singleuser["profileList"] as { slug: string }[]).map((profile) => profile.slug)).toEqual([
      "small",
      "large",
      "spark",
    ]);
    expect(values.singleuser["extraEnv"]).toEqual({ DATA_PLATFORM_QUERY_URL: "https://query.internal.example.com" });
  });

  it("runs servers under a service account whose IRSA role is pinned to it and reads only the named products", async () => {
    const { harness, hub } = await build();
    expect(harness.one("kubernetes:core/v1:ServiceAccount", "notebooks-users").inputs).toMatchObject({
      metadata: {
        name: "notebook-user",
        namespace: "notebooks",
        annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${account}:role/dp-prod-notebooks-users` },
      },
      automountServiceAccountToken: false,
    });
    expect((chartValues(harness)["singleuser"] as Record<string, unknown>)["serviceAccountName"]).toBe("notebook-user");

    const role = harness.one("aws:iam/role:Role", "notebooks-users");
    expect(role.inputs["name"]).toBe("dp-prod-notebooks-users");
    const trust = JSON.parse(role.inputs["assumeRolePolicy"] as string) as { Statement: Statement[] };
    expect(trust.Statement).toHaveLength(1);
    expect(Object.values(trust.Statement[0]!.Condition?.["StringEquals"] ?? {}).sort()).toEqual([
      "sts.amazonaws.com",
      "system:serviceaccount:notebooks:notebook-user",
    ]);
    expect(trust.Statement[0]!.Condition?.["StringLike"]).toBeUndefined();

    // Every allow on the role is a read; writes are denied outright.
    const policies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => policy.inputs["role"] === "dp-prod-notebooks-users");
    expect(policies.map((policy) => policy.name).sort()).toEqual([
      "lake-notebooks-grants",
      "notebooks-users-deny-lake-writes",
    ]);
    const allowed = policies
      .flatMap((policy) => statementsOf(harness, policy.name))
      .filter((statement) => statement.Effect === "Allow")
      .flatMap((statement) => list(statement.Action));
    expect(
      allowed.filter((action) =>
        /Put|Delete|Create|Update|Grant|Revoke|Encrypt|GenerateDataKey|BatchWrite|\*$/.test(action.split(":")[1] ?? ""),
      ),
    ).toEqual([]);
    expect(statementsOf(harness, "notebooks-users-deny-lake-writes")[0]).toMatchObject({
      Effect: "Deny",
      Resource: "*",
    });

    // Another domain's data: Glue metadata read-only (Lake Formation decides what is visible) and, as notebook Spark
    // has no credential vending, exactly the named products' objects - reads only - through S3 with the account's keys.
    const lakeResources = statementsOf(harness, "lake-notebooks-grants").flatMap((statement) =>
      list(statement.Resource),
    );
    expect(lakeResources).toContain(`arn:aws:glue:eu-west-1:${account}:table/*/*`);
    const bucketOf = (name: string) => harness.one("aws:s3/bucket:Bucket", name).inputs["bucket"] as string;
    const analytics = bucketOf("lake-analytics");
    expect(lakeResources.filter((resource) => resource.startsWith("arn:aws:s3:")).sort()).toEqual(
      [
        `arn:aws:s3:::${analytics}`,
        `arn:aws:s3:::${analytics}/*`,
        `arn:aws:s3:::${bucketOf("lake-orders-analytics")}`,
        `arn:aws:s3:::${bucketOf("lake-orders-analytics")}/orders/*`,
        `arn:aws:s3:::${bucketOf("lake-logistics-analytics")}`,
        `arn:aws:s3:::${bucketOf("lake-logistics-analytics")}/shipments/*`,
      ].sort(),
    );
    expect(
      (harness.one("aws:iam/role:Role", "notebooks-users").inputs["tags"] as Record<string, string>)[
        "data-platform:lake-reader"
      ],
    ).toBe("true");
    // KMS: decrypt only (the catalog through Glue, data through S3); never encrypt.
    const kms = statementsOf(harness, "lake-notebooks-grants").filter((statement) =>
      list(statement.Resource).some((resource) => resource.startsWith("arn:aws:kms:")),
    );
    expect(
      kms
        .flatMap((statement) => list(statement.Action))
        .every((action) => ["kms:Decrypt", "kms:DescribeKey"].includes(action)),
    ).toBe(true);
    for (const statement of kms)
      expect(["glue.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"]).toContain(
        (statement.Condition?.["StringEquals"] as Record<string, string> | undefined)?.["kms:ViaService"],
      );
    const permissions = harness
      .byType("aws:lakeformation/permissions:Permissions")
      .filter((permission) => permission.name.startsWith("lake-notebooks-"));
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(
        (permission.inputs["permissions"] as string[]).every((level) => ["SELECT", "DESCRIBE"].includes(level)),
        permission.name,
      ).toBe(true);
      expect(permission.inputs["permissionsWithGrantOptions"] ?? []).toEqual([]);
    }
    expect(
      harness.one("aws:lakeformation/permissions:Permissions", "lake-notebooks-read-orders-analytics-orders").inputs,
    ).toMatchObject({
      lfTagPolicy: {
        resourceType: "TABLE",
        expressions: [
          { key: "domain", values: ["orders"] },
          { key: "product", values: ["orders.orders"] },
        ],
      },
    });
    expect(await new Promise((resolve) => hub.contract().apply(resolve))).toEqual({
      url: "https://notebooks.example.com/",
      namespace: "notebooks",
      serviceAccountRoleArn: `arn:aws:iam::${account}:role/dp-prod-notebooks-users`,
      singleuserImage: `${account}.dkr.ecr.eu-west-1.amazonaws.com/dp-prod/notebooks/singleuser:${notebookImageTag()}`,
    });
  });

  it("starts the platform image from its own immutable, scanned, customer-key ECR repository, under the content-hash tag", async () => {
    const { harness } = await build();
    const repository = harness.one("aws:ecr/repository:Repository", "notebooks-image");
    const key = harness.one("aws:kms/key:Key", "notebooks-image-key");
    expect(repository.inputs).toMatchObject({
      name: "dp-prod/notebooks/singleuser",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: `arn:aws:kms:eu-west-1:${account}:key/${key.id}` }],
    });
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    // Administered by the account root (management only); the account's IAM policies govern use; nobody outside the account is admitted; no kms:*.
    const keyStatements = JSON.parse(key.inputs["policy"] as string).Statement as {
      Sid: string;
      Principal: { AWS: string | string[] };
      Action: string[];
    }[];
    expect(keyStatements.map((statement) => [statement.Sid, statement.Principal])).toEqual([
      ["KeyAdministration", { AWS: [`arn:aws:iam::${account}:root`] }],
      ["KeyAdministrationGrantsForAwsResources", { AWS: [`arn:aws:iam::${account}:root`] }],
      ["KeyUseGovernedByIam", { AWS: `arn:aws:iam::${account}:root` }],
    ]);
    expect(keyStatements.flatMap((statement) => statement.Action)).not.toContain("kms:*");
    expect(harness.one("aws:kms/alias:Alias", "notebooks-image-key-alias").inputs["name"]).toBe(
      "alias/dp-prod-notebooks-images",
    );
    for (const stateful of [repository, key])
      expect(stateful.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(repository.inputs["forceDelete"]).toBe(false);
    const lifecycle = JSON.parse(
      harness.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "notebooks-image").inputs["policy"] as string,
    ) as { rules: { selection: Record<string, unknown> }[] };
    expect(lifecycle.rules.map((rule) => rule.selection)).toEqual([
      { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      { tagStatus: "tagged", tagPrefixList: ["sha-"], countType: "imageCountMoreThan", countNumber: 60 },
    ]);
    const disposable = (await build({ protect: false })).harness.one(
      "aws:ecr/repository:Repository",
      "notebooks-image",
    );
    expect(disposable.inputs["forceDelete"]).toBe(true);
    expect(harness.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "notebooks-image").dependencies).toContain(
      repository.urn,
    );
    const values = chartValues(harness) as { singleuser: { image: unknown } };
    expect(values.singleuser.image).toEqual({
      name: `${account}.dkr.ecr.eu-west-1.amazonaws.com/dp-prod/notebooks/singleuser`,
      tag: notebookImageTag(),
    });
    expect(notebookImageTag()).toMatch(/^sha-[0-9a-f]{16}$/);
  });

  it("uses a caller's image as given, and creates no repository then", async () => {
    const { harness } = await build({
      singleuserImage: { name: "registry.example.com/notebook", tag: "2026.11.1", collaboration: true },
    });
    expect(harness.byType("aws:ecr/repository:Repository")).toEqual([]);
    expect((chartValues(harness) as { singleuser: { image: unknown } }).singleuser.image).toEqual({
      name: "registry.example.com/notebook",
      tag: "2026.11.1",
    });
  });

  it("is reachable only through an internal NLB with TLS in front of a ClusterIP proxy, in a restricted default-deny namespace", async () => {
    const { harness } = await build();
    expect((chartValues(harness)["proxy"] as Record<string, unknown>)["service"]).toEqual({ type: "ClusterIP" });
    const service = harness.one("kubernetes:core/v1:Service", "notebooks-load-balancer");
    const annotations = (service.inputs["metadata"] as { annotations: Record<string, string> }).annotations;
    expect(annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": certificate,
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
    });
    expect(JSON.stringify(harness.registrations.map((registration) => registration.inputs))).not.toContain(
      "internet-facing",
    );
    expect(service.inputs["spec"]).toMatchObject({
      type: "LoadBalancer",
      ports: [{ port: 443, targetPort: 8000 }],
      loadBalancerSourceRanges: ["10.40.0.0/16"],
    });
    // Only the NLB service is a LoadBalancer.
    expect(
      harness
        .byType("kubernetes:core/v1:Service")
        .filter((candidate) => (candidate.inputs["spec"] as { type?: string })?.type === "LoadBalancer")
        .map((candidate) => candidate.name),
    ).toEqual(["notebooks-load-balancer"]);

    const namespace = harness.one("kubernetes:core/v1:Namespace", "notebooks");
    expect(
      (namespace.inputs["metadata"] as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
    ).toBe("restricted");
    const flows = harness
      .byType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((policy) => policy.name)
      .filter((policyName) => policyName.startsWith("notebooks-"));
    expect(flows).toEqual(
      expect.arrayContaining([
        "notebooks-default-deny",
        "notebooks-allow-dns-egress",
        "notebooks-allow-proxy-from-load-balancer",
        "notebooks-allow-vpc-https-egress",
        "notebooks-allow-servers-to-s3",
      ]),
    );
    // Notebook servers reach S3 (the region's prefix list) on 443 through the namespace's own policy.
    const s3 = harness.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "notebooks-allow-servers-to-s3").inputs[
      "spec"
    ] as { egress: { to: { ipBlock: { cidr: string } }[] }[] };
    expect(s3.egress[0]!.to.map((peer) => peer.ipBlock.cidr).sort()).toEqual([
      "3.5.64.0/21",
      "3.5.72.0/23",
      "52.218.0.0/17",
      "52.92.0.0/17",
    ]);
  });

  it("has zero mandatory policy findings", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
  });

  it("registers the same URNs in a preview as in a resolved run", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build({}, "preview")).harness.registrations.map((registration) => registration.urn).sort();
    expect(preview).toEqual(resolved);
  });

  it("fails when production asks for the dummy authenticator, before registering anything", async () => {
    await expect(build({ authenticator: { kind: "dummy" } })).rejects.toThrow(
      /authenticator.kind "dummy" lets anyone log in and is never allowed in production/,
    );
  });
});

import { DataLake, type DataLakeArgs, type PolicyDocument, type PolicyStatement } from "@data-platform/data-lake";
import { evaluatePolicies } from "@data-platform/policy-pack";
import { resolveOutput, setMocks, type Harness, type HarnessOptions, type Registration } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import type { WarehouseArgs } from "./args";
import { Warehouse } from "./warehouse";

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];
const lookerPassword = "Q7mXv2LpR9tKz4NwB8cYd3HsF6gJe1Ua";
const passwordToken = "aws:secretsmanager/getRandomPassword:getRandomPassword";

/** The plan needs this invoke mocked by default; until then each test passes it. */
const invokes: HarnessOptions["invokes"] = {
  [passwordToken]: (inputs) => ({
    id: "eu-west-1",
    randomPassword: lookerPassword,
    passwordLength: inputs["passwordLength"] ?? 32,
  }),
};

/** What Redshift reports once the resources exist (resolved mode only). */
const state: HarnessOptions["state"] = {
  "aws:redshiftserverless/namespace:Namespace": ({ inputs }) => ({
    adminPasswordSecretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:redshift!${String(inputs["namespaceName"])}-admin-AbC123`,
  }),
  "aws:redshiftserverless/workgroup:Workgroup": ({ inputs }) => ({
    endpoints: [
      {
        address: `${String(inputs["workgroupName"])}.${account}.eu-west-1.redshift-serverless.amazonaws.com`,
        port: 5439,
        vpcEndpoints: [],
      },
    ],
  }),
};

const lakeDomains: DataLakeArgs["domains"] = [
  {
    name: "orders",
    zones: ["raw", "analytics"],
    dataProducts: [
      { name: "orders", zone: "analytics", classification: "confidential" },
      { name: "order_events", zone: "raw", classification: "internal" },
    ],
  },
  {
    name: "logistics",
    zones: ["raw"],
    dataProducts: [{ name: "courier_locations", zone: "raw", classification: "restricted" }],
  },
  {
    name: "payments",
    zones: ["analytics"],
    dataProducts: [
      { name: "payments_daily", zone: "analytics", classification: "confidential" },
      { name: "refunds", zone: "analytics", classification: "confidential" },
    ],
  },
];

interface BuildOptions {
  mode?: "resolved" | "preview";
  domains?: DataLakeArgs["domains"];
  lakeProtect?: boolean;
}

async function build(overrides: Partial<WarehouseArgs> = {}, options: BuildOptions = {}) {
  const harness = await setMocks({
    mode: options.mode ?? "resolved",
    stack: "prod",
    accountId: account,
    invokes,
    state,
  });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    registeredDomainNames: ["logistics", "orders", "payments"],
    registeredDataProducts: lakeDomains.flatMap((domain) =>
      (domain.dataProducts ?? []).map((product) => ({ domain: domain.name, name: product.name })),
    ),
    domains: options.domains ?? lakeDomains,
    protect: options.lakeProtect ?? true,
  });
  const warehouse = new Warehouse("warehouse", {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    administratorArns: [deployer],
    allowedSources: [
      { name: "query-mesh", securityGroupId: "sg-0querymesh" },
      { name: "looker", cidr: "10.60.8.0/24", description: "Looker's VPN range" },
    ],
    ...overrides,
  });
  await harness.settle();
  return { harness, lake, warehouse };
}

const parse = (registration: Registration, key = "policy") =>
  JSON.parse(registration.inputs[key] as string) as PolicyDocument;
const keyArn = (harness: Harness, name: string) =>
  `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", name).id}`;
const bucketName = (harness: Harness, name: string) =>
  harness.one("aws:s3/bucket:Bucket", name).inputs["bucket"] as string;
const statementSql = (harness: Harness, name: string) =>
  harness.one("aws:redshiftdata/statement:Statement", name).revealedInputs["sql"];

describe("Warehouse security posture", () => {
  it("is private, SSL-only, routed through the VPC and encrypted with its own rotating key", async () => {
    const { harness } = await build();
    const key = keyArn(harness, "warehouse-key");
    const namespace = harness.one("aws:redshiftserverless/namespace:Namespace", "warehouse");
    expect(namespace.inputs).toMatchObject({
      namespaceName: "dp-prod-warehouse",
      dbName: "analytics",
      // The provider marks the admin user name secret.
      adminUsername: "[secret]",
      manageAdminPassword: true,
      kmsKeyId: key,
      adminPasswordSecretKmsKeyId: key,
    });
    expect(namespace.revealedInputs["adminUsername"]).toBe("warehouse_admin");
    // The admin password is generated and kept by Secrets Manager: this program never holds it.
    expect(namespace.inputs["adminUserPassword"]).toBeUndefined();
    expect(namespace.inputs["adminUserPasswordWo"]).toBeUndefined();

    const workgroup = harness.one("aws:redshiftserverless/workgroup:Workgroup", "warehouse-workgroup");
    expect(workgroup.inputs).toMatchObject({
      workgroupName: "dp-prod-warehouse",
      namespaceName: "dp-prod-warehouse",
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      subnetIds: subnets,
      port: 5439,
    });
    const securityGroup = harness.one("aws:ec2/securityGroup:SecurityGroup", "warehouse-sg");
    expect(workgroup.inputs["securityGroupIds"]).toEqual([securityGroup.id]);
    const parameters = Object.fromEntries(
      (workgroup.inputs["configParameters"] as { parameterKey: string; parameterValue: string }[]).map((parameter) => [
        parameter.parameterKey,
        parameter.parameterValue,
      ]),
    );
    expect(parameters).toMatchObject({
      require_ssl: "true",
      enable_user_activity_logging: "true",
      use_fips_ssl: "false",
    });
    // The full set, or the provider reports a difference on every run.
    expect(Object.keys(parameters).sort()).toEqual(
      [
        "auto_mv",
        "datestyle",
        "enable_case_sensitive_identifier",
        "enable_user_activity_logging",
        "max_query_execution_time",
        "query_group",
        "require_ssl",
        "search_path",
        "use_fips_ssl",
      ].sort(),
    );

    const keyRegistration = harness.one("aws:kms/key:Key", "warehouse-key");
    expect(keyRegistration.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const statements = parse(keyRegistration).Statement;
    expect(statements.find((statement) => statement.Sid === "KeyAdministration")).toMatchObject({
      Principal: { AWS: [`arn:aws:iam::${account}:root`, deployer] },
    });
    expect(statements.find((statement) => statement.Sid === "KeyAdministration")!.Action).not.toContain("kms:Decrypt");
    expect(statements.find((statement) => statement.Sid === "KeyUseThroughServices")!.Condition).toEqual({
      StringEquals: {
        "kms:ViaService": [
          "redshift-serverless.eu-west-1.amazonaws.com",
          "redshift.eu-west-1.amazonaws.com",
          "redshift-data.eu-west-1.amazonaws.com",
          "secretsmanager.eu-west-1.amazonaws.com",
        ],
        "kms:CallerAccount": account,
      },
    });
    expect(statements.every((statement) => statement.Principal !== "*")).toBe(true);
    expect(harness.one("aws:kms/alias:Alias", "warehouse-key-alias").inputs["name"]).toBe("alias/dp-prod-warehouse");
  });

  it("exports connection, user and user-activity logs into encrypted log groups it creates first", async () => {
    const { harness } = await build();
    const namespace = harness.one("aws:redshiftserverless/namespace:Namespace", "warehouse");
    expect(namespace.inputs["logExports"]).toEqual(["connectionlog", "userlog", "useractivitylog"]);
    for (const logType of ["connectionlog", "userlog", "useractivitylog"]) {
      const group = harness.one("aws:cloudwatch/logGroup:LogGroup", `warehouse-${logType}`);
      // The name Redshift Serverless exports to: /aws/redshift/<namespace>/<log type> (serverless-audit-logging.html).
      expect(group.inputs).toEqual({
        name: `/aws/redshift/dp-prod-warehouse/${logType}`,
        retentionInDays: 365,
        kmsKeyId: keyArn(harness, "warehouse-key"),
        tags: {},
      });
      expect(group.inputs["name"]).toBe(`/aws/redshift/${namespace.inputs["namespaceName"] as string}/${logType}`);
      expect(namespace.dependencies).toContain(group.urn);
    }
    const logStatement = parse(harness.one("aws:kms/key:Key", "warehouse-key")).Statement.find(
      (statement) => statement.Sid === "KeyUseByCloudWatchLogs",
    );
    expect(logStatement?.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${account}:log-group:/aws/redshift/dp-prod-warehouse/*`,
      },
    });
  });

  it("admits only the named sources, on the warehouse port, and sends only HTTPS out", async () => {
    const { harness } = await build();
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "warehouse-sg");
    expect(group.inputs).toMatchObject({ vpcId: "vpc-0123", revokeRulesOnDelete: true });
    expect(group.inputs["ingress"] ?? []).toEqual([]);
    const ingress = harness.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((rule) => rule.name).sort()).toEqual([
      "warehouse-ingress-looker",
      "warehouse-ingress-query-mesh",
    ]);
    expect(
      harness.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "warehouse-ingress-looker").inputs,
    ).toMatchObject({
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: 5439,
      toPort: 5439,
      cidrIpv4: "10.60.8.0/24",
      description: "Looker's VPN range",
    });
    const mesh = harness.one(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "warehouse-ingress-query-mesh",
    ).inputs;
    expect(mesh).toMatchObject({ referencedSecurityGroupId: "sg-0querymesh", fromPort: 5439, toPort: 5439 });
    expect(mesh["cidrIpv4"]).toBeUndefined();
    expect(
      harness
        .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        .map((rule) => [rule.name, rule.inputs["fromPort"], rule.inputs["toPort"]]),
    ).toEqual([["warehouse-egress-https", 443, 443]]);
  });

  it("fails on a source open to the internet, naming it, before registering anything", async () => {
    const harness = await setMocks({ invokes });
    const lake = new DataLake("lake", { prefix: "dp", stage: "dev", administratorArns: [deployer], domains: [] });
    const args: WarehouseArgs = {
      prefix: "dp",
      stage: "dev",
      lake,
      vpcId: "vpc-1",
      privateSubnetIds: subnets,
      administratorArns: [deployer],
      allowedSources: [{ name: "anyone", cidr: "0.0.0.0/0" }],
    };
    expect(() => new Warehouse("warehouse", args)).toThrow(/allowedSources "anyone": "0.0.0.0\/0" admits the internet/);
    expect(
      () => new Warehouse("warehouse", { ...args, allowedSources: [], privateSubnetIds: subnets.slice(0, 2) }),
    ).toThrow(/at least three subnets/);
    await harness.settle();
    expect(harness.byType("data-platform:warehouse:Warehouse")).toEqual([]);
    expect(harness.byType("aws:redshiftserverless/namespace:Namespace")).toEqual([]);
  });

  it("protects and retains the namespace, key, Looker secret and audit log groups when asked, and not otherwise", async () => {
    const protectedRun = await build();
    expect(protectedRun.harness.byType("aws:cloudwatch/logGroup:LogGroup").length).toBeGreaterThan(0);
    for (const group of protectedRun.harness.byType("aws:cloudwatch/logGroup:LogGroup"))
      expect(group.options, group.name).toMatchObject({ protect: true, retainOnDelete: true });
    for (const [type, name] of [
      ["aws:redshiftserverless/namespace:Namespace", "warehouse"],
      ["aws:kms/key:Key", "warehouse-key"],
      ["aws:secretsmanager/secret:Secret", "warehouse-looker-secret"],
    ] as const) {
      expect(protectedRun.harness.one(type, name).options).toMatchObject({ protect: true, retainOnDelete: true });
    }
    const disposable = await build({ protect: false }, { lakeProtect: false });
    expect(disposable.harness.one("aws:redshiftserverless/namespace:Namespace", "warehouse").options).toMatchObject({
      protect: false,
      retainOnDelete: false,
    });
  });
});

describe("Warehouse cost", () => {
  it("starts at 8 RPUs, caps at 64 and limits monthly compute by default", async () => {
    const { harness, warehouse } = await build();
    const workgroup = harness.one("aws:redshiftserverless/workgroup:Workgroup", "warehouse-workgroup");
    expect(workgroup.inputs).toMatchObject({ baseCapacity: 8, maxCapacity: 64 });
    expect(harness.one("aws:redshiftserverless/usageLimit:UsageLimit", "warehouse-usage-limit").inputs).toEqual({
      resourceArn: `arn:aws:redshift-serverless:eu-west-1:${account}:workgroup/${workgroup.id}`,
      usageType: "serverless-compute",
      amount: 1920,
      period: "monthly",
      breachAction: "emit-metric",
    });
    expect([warehouse.baseCapacityRpu, warehouse.maxCapacityRpu]).toEqual([8, 64]);
  });

  it("takes the stage's capacity and limit", async () => {
    const { harness } = await build({
      baseCapacityRpu: 32,
      maxCapacityRpu: 128,
      usageLimitRpuHours: 5000,
      usageLimitPeriod: "weekly",
      usageLimitBreachAction: "deactivate",
    });
    expect(harness.one("aws:redshiftserverless/workgroup:Workgroup", "warehouse-workgroup").inputs).toMatchObject({
      baseCapacity: 32,
      maxCapacity: 128,
    });
    expect(harness.one("aws:redshiftserverless/usageLimit:UsageLimit", "warehouse-usage-limit").inputs).toMatchObject({
      amount: 5000,
      period: "weekly",
      breachAction: "deactivate",
    });
  });
});

describe("Warehouse Spectrum", () => {
  const readOnlyActions =
    /^(s3:(GetObject|GetObjectVersion|ListBucket|GetBucketLocation)|kms:(Decrypt|DescribeKey)|glue:(Get\w+|BatchGetPartition)|lakeformation:GetDataAccess)$/;

  it("uses a role only Redshift can assume, associated with the namespace", async () => {
    const { harness } = await build();
    const role = harness.one("aws:iam/role:Role", "warehouse-spectrum");
    expect(role.inputs["name"]).toBe("dp-prod-warehouse-spectrum");
    expect(parse(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
        Action: "sts:AssumeRole",
      },
    ]);
    const roleArn = `arn:aws:iam::${account}:role/dp-prod-warehouse-spectrum`;
    expect(harness.one("aws:redshiftserverless/namespace:Namespace", "warehouse").inputs).toMatchObject({
      iamRoles: [roleArn],
      defaultIamRoleArn: roleArn,
    });
  });

  it("reads only curated data, read-only: named analytics products through Lake Formation and the central analytics zone", async () => {
    const { harness } = await build();
    const roleName = harness.one("aws:iam/role:Role", "warehouse-spectrum").inputs["name"];
    const policies = harness
      .byType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => policy.inputs["role"] === roleName);
    // logistics publishes no analytics product, so it gets nothing.
    // One lake policy for the role, whatever number of grants it holds.
    expect(policies.map((policy) => policy.name).sort()).toEqual(["lake-warehouse-spectrum-grants"]);
    const statements: PolicyStatement[] = policies.flatMap((policy) => parse(policy).Statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !readOnlyActions.test(action))).toEqual([]);
    expect(statements.every((statement) => statement.Effect === "Allow")).toBe(true);

    const resources = statements.flatMap((statement) => [statement.Resource ?? []].flat());
    const analytics = bucketName(harness, "lake-analytics");
    expect(resources.filter((resource) => resource.startsWith("arn:aws:s3")).sort()).toEqual([
      `arn:aws:s3:::${analytics}`,
      `arn:aws:s3:::${analytics}/*`,
    ]);
    // Domain buckets and keys are never named: Lake Formation vends credentials for them.
    for (const bucket of [
      "lake-orders-analytics",
      "lake-orders-raw",
      "lake-payments-analytics",
      "lake-raw",
      "lake-landing",
      "lake-artifacts",
    ])
      expect(JSON.stringify(statements)).not.toContain(bucketName(harness, bucket));
    expect(
      resources
        .filter((resource) => resource.startsWith("arn:aws:kms"))
        .every((resource) => resource === keyArn(harness, "lake-key")),
    ).toBe(true);
    for (const domainKey of ["lake-orders-key", "lake-payments-key", "lake-logistics-key"])
      expect(resources).not.toContain(keyArn(harness, domainKey));
    for (const statement of statements.filter((candidate) =>
      [candidate.Resource].flat().some((resource) => String(resource).startsWith("arn:aws:kms")),
    )) {
      expect(["s3.eu-west-1.amazonaws.com", "glue.eu-west-1.amazonaws.com"]).toContain(
        statement.Condition?.["StringEquals"]?.["kms:ViaService"],
      );
    }
    // Glue metadata is read-only account-wide (Lake Formation decides what is visible: the named products below and the
    // central zone); every table of the central analytics zone for its own grant.
    const tables = resources.filter((resource) => resource.includes(":table/")).sort();
    expect(tables).toEqual(
      [`*/*`, `central_analytics/*`].map((table) => `arn:aws:glue:eu-west-1:${account}:table/${table}`),
    );

    const permissions = harness
      .byType("aws:lakeformation/permissions:Permissions")
      .filter((permission) => permission.name.startsWith("lake-warehouse-spectrum"));
    expect(permissions.map((permission) => permission.name).sort()).toEqual([
      "lake-warehouse-spectrum-read-central-analytics-database",
      "lake-warehouse-spectrum-read-central-analytics-tables",
      "lake-warehouse-spectrum-read-orders-analytics-database",
      "lake-warehouse-spectrum-read-orders-analytics-orders",
      "lake-warehouse-spectrum-read-payments-analytics-database",
      "lake-warehouse-spectrum-read-payments-analytics-payments_daily",
      "lake-warehouse-spectrum-read-payments-analytics-refunds",
    ]);
    for (const permission of permissions) {
      expect(
        (permission.inputs["permissions"] as string[]).every((name) => ["SELECT", "DESCRIBE"].includes(name)),
        permission.name,
      ).toBe(true);
      expect(permission.inputs["permissionsWithGrantOptions"]).toEqual([]);
    }
  });

  it("creates one external schema per granted Glue database, named after it, once the grants exist", async () => {
    const { harness, warehouse } = await build();
    expect(warehouse.externalSchemaNames()).toEqual(["central_analytics", "orders_analytics", "payments_analytics"]);
    const roleArn = `arn:aws:iam::${account}:role/dp-prod-warehouse-spectrum`;
    const schema = harness.one("aws:redshiftdata/statement:Statement", "warehouse-schema-orders_analytics");
    expect(schema.inputs).toMatchObject({
      workgroupName: "dp-prod-warehouse",
      database: "analytics",
      secretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:redshift!dp-prod-warehouse-admin-AbC123`,
      sql: `CREATE EXTERNAL SCHEMA IF NOT EXISTS "orders_analytics" FROM DATA CATALOG DATABASE 'orders_analytics' IAM_ROLE '${roleArn}'`,
    });
    const grantUrns = harness.registrations
      .filter((registration) => registration.name.startsWith("lake-warehouse-spectrum-read-orders"))
      .map((registration) => registration.urn);
    expect(grantUrns.length).toBeGreaterThan(1);
    for (const urn of grantUrns) expect(schema.dependencies).toContain(urn);
    expect(schema.options.ignoreChanges).toEqual(["sql", "workgroupName", "secretArn"]);
    expect(statementSql(harness, "warehouse-schema-central_analytics")).toContain(
      `DATA CATALOG DATABASE 'central_analytics'`,
    );
  });

  it("reads only the domains and products named, and the central zone only when asked", async () => {
    const { harness, warehouse } = await build({
      spectrumDomains: [{ name: "payments", products: ["refunds"] }],
      spectrumCentralAnalytics: false,
    });
    expect(warehouse.externalSchemaNames()).toEqual(["payments_analytics"]);
    const spectrumPermissions = harness
      .byType("aws:lakeformation/permissions:Permissions")
      .filter((permission) => permission.name.startsWith("lake-warehouse-spectrum"));
    expect(spectrumPermissions.map((permission) => permission.name).sort()).toEqual([
      "lake-warehouse-spectrum-read-payments-analytics-database",
      "lake-warehouse-spectrum-read-payments-analytics-refunds",
    ]);
    expect(
      harness
        .byType("aws:redshiftdata/statement:Statement")
        .map((statement) => statement.name)
        .sort(),
    ).toEqual([
      "warehouse-looker-scratch",
      "warehouse-looker-usage-payments_analytics",
      "warehouse-looker-user",
      "warehouse-schema-payments_analytics",
    ]);
  });
});

describe("Warehouse Looker access", () => {
  it("generates the password with Secrets Manager, stores it under the warehouse key and never shows it", async () => {
    const { harness } = await build();
    expect(harness.invokes.filter((invoke) => invoke.token === passwordToken)).toEqual([
      {
        token: passwordToken,
        inputs: { passwordLength: 32, excludePunctuation: true, includeSpace: false, requireEachIncludedType: true },
      },
    ]);
    const secret = harness.one("aws:secretsmanager/secret:Secret", "warehouse-looker-secret");
    expect(secret.inputs).toMatchObject({
      name: "dp/prod/warehouse/looker",
      kmsKeyId: keyArn(harness, "warehouse-key"),
      recoveryWindowInDays: 30,
    });

    const version = harness.one("aws:secretsmanager/secretVersion:SecretVersion", "warehouse-looker-secret-value");
    expect(version.inputs).toMatchObject({ secretId: secret.id, secretStringWo: "[secret]", secretStringWoVersion: 1 });
    expect(JSON.parse(version.revealedInputs["secretStringWo"] as string)).toEqual({
      engine: "redshift",
      username: "looker",
      password: lookerPassword,
      dbname: "analytics",
      port: 5439,
    });
    // Later runs generate new values; only the first one is ever written.
    expect(version.options.ignoreChanges).toEqual(["secretStringWo"]);

    const user = harness.one("aws:redshiftdata/statement:Statement", "warehouse-looker-user");
    expect(user.inputs["sql"]).toBe("[secret]");
    expect(user.revealedInputs["sql"]).toBe(`CREATE USER "looker" PASSWORD '${lookerPassword}'`);
    expect(user.options.ignoreChanges).toEqual(["sql", "workgroupName", "secretArn"]);

    // Nowhere in clear in what the engine (and the plan) records.
    expect(JSON.stringify(harness.registrations.map((registration) => registration.inputs))).not.toContain(
      lookerPassword,
    );
  });

  it("lets Looker use every external schema and own a scratch schema, after the user exists", async () => {
    const { harness } = await build();
    const user = harness.one("aws:redshiftdata/statement:Statement", "warehouse-looker-user");
    for (const schema of ["central_analytics", "orders_analytics", "payments_analytics"]) {
      const grant = harness.one("aws:redshiftdata/statement:Statement", `warehouse-looker-usage-${schema}`);
      expect(grant.inputs["sql"]).toBe(`GRANT USAGE ON SCHEMA "${schema}" TO "looker"`);
      expect(grant.dependencies).toEqual(
        expect.arrayContaining([
          user.urn,
          harness.one("aws:redshiftdata/statement:Statement", `warehouse-schema-${schema}`).urn,
        ]),
      );
    }
    const scratch = harness.one("aws:redshiftdata/statement:Statement", "warehouse-looker-scratch");
    expect(scratch.inputs["sql"]).toBe('CREATE SCHEMA IF NOT EXISTS "looker_scratch" AUTHORIZATION "looker"');
    expect(scratch.dependencies).toContain(user.urn);
  });

  it("publishes the connection details, not the password, in its contract", async () => {
    const { warehouse } = await build();
    const contract = await resolveOutput(warehouse.contract());
    expect(contract).toEqual({
      endpoint: `dp-prod-warehouse.${account}.eu-west-1.redshift-serverless.amazonaws.com`,
      port: 5439,
      database: "analytics",
      workgroupName: "dp-prod-warehouse",
      namespaceName: "dp-prod-warehouse",
      looker: {
        userName: "looker",
        secretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret/dp/prod/warehouse/looker`,
        scratchSchema: "looker_scratch",
      },
      externalSchemas: ["central_analytics", "orders_analytics", "payments_analytics"],
      spectrumRoleArn: `arn:aws:iam::${account}:role/dp-prod-warehouse-spectrum`,
    });
    expect(JSON.stringify(contract)).not.toContain(lookerPassword);
  });
});

describe("Warehouse plan", () => {
  it("passes the policy pack with no mandatory finding, and no cost finding at the default capacity", async () => {
    const { harness } = await build();
    const findings = await evaluatePolicies(
      harness.registrations.map((registration) => ({ ...registration, inputs: registration.revealedInputs })),
    );
    expect(findings.filter((finding) => finding.level === "mandatory")).toEqual([]);
    expect(findings.filter((finding) => finding.policy === "cost-redshift-base-capacity")).toEqual([]);
  });

  it("registers the same resources in preview and resolved mode (nothing created inside apply)", async () => {
    const resolved = (await build()).harness.registrations.map((registration) => registration.urn).sort();
    const preview = (await build({}, { mode: "preview" })).harness.registrations
      .map((registration) => registration.urn)
      .sort();
    expect(preview).toEqual(resolved);
  });

  it("adding a domain to the lake adds its schema and grants without changing any existing resource", async () => {
    const before = (await build({}, { domains: lakeDomains.filter((domain) => domain.name !== "payments") })).harness
      .registrations;
    const after = new Map(
      (await build()).harness.registrations.map((registration) => [registration.urn, registration]),
    );
    // The lake registration role's one storage policy lists every location: it gains the new domain's in place.
    for (const registration of before) {
      expect(after.has(registration.urn), registration.urn).toBe(true);
      if (registration.urn.endsWith("::lake-lf-registration-storage")) continue;
      expect(after.get(registration.urn)?.inputs, registration.urn).toEqual(registration.inputs);
    }
    const added = [...after.keys()].filter((urn) => !before.some((registration) => registration.urn === urn));
    expect(
      added
        .filter((urn) => urn.includes("redshiftdata"))
        .map((urn) => urn.split("::").pop())
        .sort(),
    ).toEqual(["warehouse-looker-usage-payments_analytics", "warehouse-schema-payments_analytics"]);
  });

  it("creates no EC2 instance: the legacy Luigi scheduler is a separate, opt-in component", async () => {
    const { harness } = await build();
    expect(harness.byType("aws:ec2/instance:Instance")).toEqual([]);
    expect(harness.byType("data-platform:warehouse:LegacyLuigiScheduler")).toEqual([]);
  });
});

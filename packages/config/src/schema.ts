import { z } from "zod";
import {
  classifications,
  defaultAirflowVersion,
  defaultMwaaEnvironmentClass,
  isLogRetentionDays,
  logRetentionDays,
  mwaaAirflowVersions,
  mwaaEnvironmentClasses,
  platformDefaults as defaults,
} from "@data-platform/conventions";
import { parseCidr } from "./cidr";

/**
 * The schemas of the two kinds of input: the stage config (`Pulumi.<stage>.yaml`,
 * keys under `data-platform:`) and the domain registry (`domains/<domain>.yaml`).
 * Every object is strict: an unknown key is an error, not silently ignored.
 */

const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
});

/**
 * Domain names become parts of S3 bucket, IAM role, MWAA, Glue and ECR names.
 * 2-20 lowercase letters/digits with single hyphens keeps the longest derived
 * name (`<prefix>-<stage>-<domain>-<zone>-<account>` for buckets) inside 63 characters.
 */
export const domainNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    "must be lowercase letters and digits separated by single hyphens, starting with a letter (S3/IAM/MWAA name rules)",
  )
  .min(2, "must be at least 2 characters")
  .max(20, "must be at most 20 characters (it is part of S3 bucket names, 63 characters at most)");

const productNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,62}$/,
    "must be a lowercase Glue/Trino identifier: letters, digits, underscores, 1-63 characters, starting with a letter",
  );

const positiveInt = z.number().int("must be a whole number").positive("must be greater than 0");

export const lakeZones = ["raw", "analytics"] as const;
export { mwaaEnvironmentClasses, mwaaAirflowVersions, defaultAirflowVersion, logRetentionDays };
const airflowVersion = z.enum(mwaaAirflowVersions, {
  error: `must be an Airflow version MWAA supports: ${mwaaAirflowVersions.join(", ")}`,
});

/** An ECR image tag, pinned (never `latest`). */
const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag (letters, digits, _ . -, up to 128 characters)")
  .refine((tag) => tag !== "latest", "must be pinned, not latest");

const workflowNeeds = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Create a DomainWorkflowEnv (MWAA) for the domain."),
    environmentClass: z
      .enum(mwaaEnvironmentClasses)
      .default(defaultMwaaEnvironmentClass)
      .describe("MWAA environment class; small by default."),
    minWorkers: positiveInt.max(25).default(defaults.workflow.minWorkers),
    maxWorkers: positiveInt
      .max(25)
      .default(defaults.workflow.maxWorkers)
      .describe("25 is MWAA's default per-environment limit."),
    airflowVersion: airflowVersion.default(defaultAirflowVersion).describe("An Airflow version MWAA supports."),
  })
  .refine((value) => value.minWorkers <= value.maxWorkers, {
    message: "minWorkers must not exceed maxWorkers",
    path: ["minWorkers"],
  });

const sparkNeeds = z.strictObject({
  enabled: z.boolean().default(true).describe("Give the domain a Spark job role and an ephemeral cluster template."),
  maxCoreVcpus: positiveInt
    .min(16, "must be at least 16 (a cluster starts with 16 core vCPUs)")
    .max(2048)
    .default(defaults.spark.maxCoreVcpus)
    .describe("Upper bound of the cluster's managed scaling, in vCPUs."),
  idleTimeoutMinutes: positiveInt
    .min(1)
    .max(60 * 24 * 7)
    .default(defaults.spark.idleTimeoutMinutes)
    .describe("Idle auto-termination after this many minutes."),
  longLivedCluster: z
    .boolean()
    .default(false)
    .describe("Also run one long-lived, idle-terminating EMR cluster (handy in dev)."),
  serverless: z.boolean().default(false).describe("Also create an EMR Serverless application for the domain."),
  emrOnEks: z
    .boolean()
    .default(false)
    .describe("Also run Spark on the platform's EKS cluster (EMR on EKS virtual cluster)."),
  imageTag: imageTag
    .default(defaults.spark.imageTag)
    .describe(
      "Tag of the domain's spark image (its ECR repository <prefix>-<stage>/<domain>/spark) that YARN runs jobs in, unless a job sets its own.",
    ),
});

const toggle = (description: string) => z.strictObject({ enabled: z.boolean().default(false).describe(description) });

export const domainNeedsSchema = z.strictObject({
  zones: z
    .array(z.enum(lakeZones))
    .min(1, "a domain uses at least one lake zone")
    .default(["raw", "analytics"])
    .describe("Lake zones the domain stores data in; one bucket and Glue database per zone."),
  workflow: workflowNeeds.prefault({}),
  spark: sparkNeeds.prefault({}),
  fargate: toggle("An ECS Fargate runner for non-Spark jobs.").prefault({}),
  notebooks: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Analysts of the domain may use the notebook hub."),
      groups: z
        .array(z.string().min(1))
        .default([])
        .describe("Identity-provider groups (or GitHub org:team) of the domain's analysts."),
    })
    .prefault({}),
});

export const dataProductSchema = z.strictObject({
  name: productNameSchema,
  description: z.string().min(1, "must not be empty"),
  zone: z.enum(lakeZones),
  format: z.literal("delta").default("delta").describe("Table format; Delta tables registered in Glue."),
  classification: z.enum(classifications).default("internal"),
  consumers: z
    .array(domainNameSchema)
    .default([])
    .describe(
      "Domains whose Spark and Airflow roles read this product (Lake Formation grants plus the IAM they need); the query engine and the notebooks read every product.",
    ),
});

/** One file in the domain registry: `stacks/platform/domains/<name>.yaml`. */
export const domainFileSchema = z.strictObject({
  $schema: z.string().optional().describe("Editor hint: path of this JSON Schema."),
  name: domainNameSchema,
  description: z.string().min(1, "must not be empty"),
  owners: z.strictObject({
    team: z.string().min(1, "must not be empty"),
    email: z.email("must be an e-mail address"),
    slack: z
      .string()
      .regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #orders-data")
      .optional(),
  }),
  costCentre: z.string().regex(/^[A-Za-z0-9_.:/=+@-]{1,64}$/, "must be 1-64 characters allowed in an AWS tag value"),
  dataProducts: z.array(dataProductSchema).default([]),
  needs: domainNeedsSchema.prefault({}),
});

/** Per-stage overrides of a domain's needs, set under `data-platform:domains.<name>`. */
export const domainOverrideSchema = z.strictObject({
  needs: z
    .strictObject({
      zones: z.array(z.enum(lakeZones)).min(1).optional(),
      workflow: z
        .strictObject({
          enabled: z.boolean().optional(),
          environmentClass: z.enum(mwaaEnvironmentClasses).optional(),
          minWorkers: positiveInt.max(25).optional(),
          maxWorkers: positiveInt.max(25).optional(),
          airflowVersion: airflowVersion.optional(),
        })
        .optional(),
      spark: z
        .strictObject({
          enabled: z.boolean().optional(),
          maxCoreVcpus: positiveInt.max(2048).optional(),
          idleTimeoutMinutes: positiveInt.max(60 * 24 * 7).optional(),
          longLivedCluster: z.boolean().optional(),
          serverless: z.boolean().optional(),
          emrOnEks: z.boolean().optional(),
          imageTag: imageTag.optional(),
        })
        .optional(),
      fargate: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      notebooks: z
        .strictObject({ enabled: z.boolean().optional(), groups: z.array(z.string().min(1)).optional() })
        .optional(),
    })
    .optional(),
});

export const interfaceEndpointServices = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "logs",
  "kms",
  "glue",
  "ssm",
  "secretsmanager",
  "kinesis-streams",
  "elasticmapreduce",
  "monitoring",
  "ec2",
  "sqs",
  "lakeformation",
  "athena",
  "airflow.api",
  "airflow.env",
  "airflow.ops",
  "redshift-data",
  "eks",
] as const;

/** CloudWatch Logs accepts only these retention periods. */

// The shape only: minSize <= desiredSize <= maxSize and the system group's minimum are PlatformCluster's rules
// (platformClusterArgsProblems), checked by the platform program's preflight.
const nodeGroupSchema = z.strictObject({
  instanceTypes: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as r7g.2xlarge"))
    .min(1),
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default(defaults.cluster.nodeGroupCapacityType),
  minSize: z.number().int().nonnegative("must be 0 or more"),
  desiredSize: z.number().int().nonnegative("must be 0 or more"),
  maxSize: positiveInt,
  diskSizeGiB: positiveInt.max(16384).default(defaults.cluster.nodeGroupDiskSizeGiB),
});

const duration = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, "must be a duration such as 90s, 30m, 720h, or Never");

const karpenterNodePoolSchema = z.strictObject({
  instanceFamilies: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/, "must be an EC2 instance family such as m7g"))
    .min(1)
    .optional(),
  architectures: z
    .array(z.enum(["arm64", "amd64"]))
    .min(1)
    .optional()
    .describe("Default: arm64 and amd64."),
  capacityTypes: z
    .array(z.enum(["spot", "on-demand"]))
    .min(1)
    .optional()
    .describe("Default: spot, then on-demand."),
  cpuLimit: positiveInt.describe("vCPUs of all the pool's nodes together."),
  memoryLimitGiB: positiveInt.describe("Memory of all the pool's nodes together, GiB."),
  consolidateAfter: duration.optional().describe("Default: 1m."),
  expireAfter: duration.optional().describe("Default: 720h."),
  taint: z.boolean().optional().describe("Taint data-platform.io/dedicated=<pool>:NoSchedule. Default: false."),
  diskSizeGiB: positiveInt.min(20).max(16384).optional().describe("Default: 50."),
});

/** What every import source has besides its domain and kind, whatever its kind. */
const importSourceCommon = {
  imageTag: imageTag
    .optional()
    .describe("Tag of the domain's spark image the import runs in; default: the domain's needs.spark.imageTag."),
  secretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "must be a Secrets Manager secret ARN"),
  databaseSecurityGroupId: z
    .string()
    .regex(/^sg-[0-9a-f]+$/, "must be a security group id")
    .optional(),
  schedule: z.string().min(1),
  tables: z.record(
    z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lowercase Glue identifier"),
    z.strictObject({
      sourceTable: z.string().optional(),
      mode: z.enum(["full", "incremental"]),
      keyColumns: z.array(z.string()).optional(),
      watermarkColumn: z.string().optional(),
    }),
  ),
};
const databasePort = positiveInt.max(65535, "must be a port, 1 to 65535");

/**
 * An operational database to import: `kind` selects the keys that apply (an aurora source has an endpoint and a
 * database, a jdbc source a JDBC URL and a port), so a missing key is named with its kind and a key of the other
 * kind is an error, never silently ignored.
 */
export const importSourceSchema = z.discriminatedUnion("kind", [
  z
    .strictObject({
      domain: domainNameSchema,
      kind: z.literal("aurora").describe("An existing Aurora cluster."),
      engine: z.enum(["postgresql", "mysql"]).optional().describe("Default: postgresql."),
      clusterIdentifier: z.string().optional(),
      endpoint: z
        .string()
        .min(1, "must not be empty")
        .describe("The endpoint to read from; prefer the reader endpoint (*.cluster-ro-*.rds.amazonaws.com)."),
      database: z.string().min(1, "must not be empty").describe("Database name."),
      port: databasePort.optional().describe("Default: 5432 (postgresql) or 3306 (mysql)."),
      ...importSourceCommon,
    })
    .describe("An aurora source."),
  z
    .strictObject({
      domain: domainNameSchema,
      kind: z.literal("jdbc").describe("Any other database with a JDBC driver."),
      jdbcUrl: z
        .string()
        .regex(/^jdbc:/, "must start with jdbc:")
        .describe("The JDBC URL, without credentials (they come from the secret)."),
      port: databasePort.describe("The port the URL connects to (for the security group rules)."),
      ...importSourceCommon,
    })
    .describe("A jdbc source."),
]);

/** Descriptions of secret values start with this (the stack file's JSON Schema also accepts `secure:` there). */
export const secretDescriptionPrefix = "Secret:";
/** A value that comes from a Pulumi secret (`pulumi config set --secret --path 'data-platform:<key path>' <value>`). */
const secretString = (meaning: string) =>
  z.string().min(1).describe(`${secretDescriptionPrefix} ${meaning} Set with \`pulumi config set --secret --path\`.`);
/** A user and password from Pulumi secrets. */
const credentialsSchema = z.strictObject({
  username: secretString("The user."),
  password: secretString("The password."),
});

const kubernetesCpu = z
  .string()
  .regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, 'must be a Kubernetes CPU quantity such as "4" or "3500m"');
const kubernetesMemory = z
  .string()
  .regex(/^[0-9]+(Mi|Gi)$/, 'must be a Kubernetes memory quantity in Mi or Gi such as "16Gi"');
/** Requests and limits of the query engine's pods (limits.memory in whole Gi: the JVM heap is sized from it). */
const queryResourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: kubernetesCpu, memory: kubernetesMemory }),
  limits: z.strictObject({
    cpu: kubernetesCpu.optional(),
    memory: z.string().regex(/^[1-9][0-9]*Gi$/, 'must be whole Gi such as "16Gi"'),
  }),
});

/** The stage config: every key under `data-platform:` in `Pulumi.<stage>.yaml`. */
export const stageConfigSchema = z.strictObject({
  prefix: z
    .string()
    .regex(
      /^[a-z][a-z0-9]{1,7}$/,
      "must be 2-8 lowercase letters or digits, starting with a letter (prefix of every physical name)",
    )
    .default("dp")
    .describe("Short prefix of every physical name."),
  owner: z.string().min(1, "must not be empty").describe("Team that runs the platform (tag value)."),
  costCentre: z.string().regex(/^[A-Za-z0-9_.:/=+@-]{1,64}$/, "must be 1-64 characters allowed in an AWS tag value"),
  protect: z
    .boolean()
    .default(true)
    .describe(
      "Protect stateful resources (buckets, keys, catalogs, registries, warehouses) from deletion. Off only in disposable stages.",
    ),
  network: z.strictObject({
    vpcCidr: cidr.describe("The VPC's IPv4 range (/16 to /20)."),
    availabilityZones: z.number().int().min(2, "must be 2 or 3").max(3, "must be 2 or 3"),
    natGateways: z.enum(["single", "onePerAz"]).describe("single: one NAT gateway (dev); onePerAz: one per AZ (prod)."),
    reservedCidrs: z.array(cidr).default([]).describe("Peered or on-premises ranges the VPC must not overlap."),
    interfaceEndpoints: z
      .array(z.enum(interfaceEndpointServices))
      .default(defaults.cluster.interfaceEndpoints as (typeof interfaceEndpointServices)[number][]),
    flowLogRetentionDays: z
      .number()
      .refine(isLogRetentionDays, `must be one of ${logRetentionDays.join(", ")}`)
      .default(defaults.cluster.flowLogRetentionDays),
  }),
  cluster: z
    .strictObject({
      kubernetesVersion: z
        .string()
        .regex(/^1\.(3[0-9])$/, "must be a supported EKS version such as 1.35")
        .describe(
          "EKS Kubernetes version; must be in EKS standard support on the day of the run (calendar in eks-versions.ts).",
        ),
      publicAccessCidrs: z.array(cidr).default([]).describe("Empty: private API endpoint only."),
      apiAccessCidrs: z
        .array(cidr)
        .default([])
        .describe(
          "Peered ranges (CI runners, VPN) admitted to the private API endpoint on 443; inside the VPC or a reserved range.",
        ),
      adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"))
        .min(
          1,
          "must list at least one role, including the deploy role that runs `pulumi up`: the cluster creator gets no implicit access",
        )
        .describe("Cluster admins (access entries). Must include the stage's deploy role."),
      readOnlyRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"))
        .default([]),
      nodeGroups: z.record(
        z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "node group names are lowercase, up to 31 characters"),
        nodeGroupSchema,
      ),
      karpenter: z
        .strictObject({
          enabled: z.boolean().default(false),
          nodePools: z
            .record(
              z
                .string()
                .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "pool names are lowercase letters, digits and hyphens"),
              karpenterNodePoolSchema,
            )
            .optional()
            .describe("Default: one untainted pool `general` (64 vCPUs, 256 GiB)."),
          amiAlias: z
            .string()
            .regex(/^al2023@v\d{8}$/, "must be a pinned AL2023 alias such as al2023@v20260714")
            .optional(),
        })
        .prefault({})
        .describe("Karpenter with its node pools (off by default)."),
    })
    .describe("The stage's EKS cluster (query mesh, notebooks, EMR on EKS); it comes with the private network."),
  spark: z
    .strictObject({
      releaseLabel: z
        .string()
        .regex(/^emr-\d+\.\d+\.\d+$/, "must be an EMR release label such as emr-6.15.0")
        .default(defaults.spark.releaseLabel),
      serverlessReleaseLabel: z
        .string()
        .regex(/^emr-\d+\.\d+\.\d+$/, "must be an EMR release label such as emr-7.5.0")
        .default(defaults.spark.serverlessReleaseLabel),
      tlsCertificatesS3Uri: z
        .string()
        .regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.zip$/, "must be an s3:// URI of a .zip of PEM certificates")
        .optional()
        .describe(
          "PEM certificates for EMR in-transit encryption; default: the artifacts bucket's emr/tls/certificates.zip.",
        ),
      emrContainersServiceLinkedRole: z
        .enum(["create", "existing"])
        .default("create")
        .describe(
          "With EMR on EKS: create EMR on EKS's service-linked role (a fresh account has none), or use the account's existing one.",
        ),
    })
    .prefault({}),
  queryMesh: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Trino or Starburst on the cluster, over the Glue lake."),
      engine: z.enum(["trino", "starburst"]).default(defaults.queryMesh.engine),
      accessControl: z
        .enum(["file", "ranger", "privacera"])
        .default(defaults.queryMesh.accessControl)
        .describe("file: rules from the domain registry (never in prod)."),
      workers: z.strictObject({ min: positiveInt, max: positiveInt }).default(defaults.queryMesh.workers),
      tlsCertificateArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/, "must be an ACM certificate ARN")
        .optional(),
      internalTls: z
        .boolean()
        .optional()
        .describe(
          "TLS from the load balancer to the coordinator (HTTPS on 8443, generated certificate); default: on outside dev stages. Needs tlsCertificateArn.",
        ),
      ranger: z
        .strictObject({
          policyRestUrl: z.string().url(),
          serviceName: z.string().min(1),
          credentials: credentialsSchema
            .optional()
            .describe(
              "The plugin's user on the policy service (required outside dev). Set with `pulumi config set --secret --path`.",
            ),
        })
        .optional(),
      privacera: z
        .strictObject({
          chart: z.string().min(1),
          version: z.string().min(1),
          repository: z.string().min(1),
          values: z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              "The Privacera chart's values (as Privacera Manager renders them); credentials only by Secret name.",
            ),
          registry: credentialsSchema.optional().describe("Login of the private chart repository (secrets)."),
          vpcEgressPorts: z
            .array(z.number().int().min(1).max(65535))
            .optional()
            .describe(
              "Ports Privacera's pods may reach in the VPC besides 443 (an external database, a directory for user sync).",
            ),
        })
        .optional(),
      coordinatorResources: queryResourcesSchema
        .optional()
        .describe("Default: requests 2 CPU / 8Gi, limits 4 CPU / 8Gi."),
      workerResources: queryResourcesSchema.optional().describe("Default: requests 4 CPU / 16Gi, limits 8 CPU / 16Gi."),
      starburst: z
        .strictObject({
          licenseSecret: secretString("The starburstdata.license content."),
          registryUsername: z.string().min(1),
          registryPassword: secretString("The harbor.starburstdata.net password."),
        })
        .optional()
        .describe("Required with engine starburst: license and harbor.starburstdata.net credentials (secrets)."),
      s3EgressCidrs: z
        .array(cidr)
        .min(1, "must list at least one range, or leave it out to use the region's S3 prefix list")
        .optional()
        .describe(
          "S3's address ranges for the pods' egress policy; default: the region's S3 prefix list (com.amazonaws.<region>.s3).",
        ),
    })
    .prefault({}),
  workflow: z
    .strictObject({
      operatorCidrs: z
        .array(cidr.refine((value) => !value.endsWith("/0"), "must not be a /0: the Airflow web server is private"))
        .default([])
        .describe(
          "Operator networks (VPN, peered office ranges) admitted to the MWAA web server and REST API on 443; the VPC's own clients need none.",
        ),
    })
    .prefault({})
    .describe("Settings of every domain's MWAA environment."),
  notebooks: z
    .strictObject({
      enabled: z.boolean().default(false).describe("JupyterHub on the cluster for analysts."),
      authenticator: z
        .strictObject({
          kind: z.enum(["generic-oidc", "github", "google", "dummy"]),
          clientId: z.string().optional(),
          clientSecret: secretString("The OIDC client secret.").optional(),
          oauthCallbackUrl: z.string().url().optional(),
          authorizeUrl: z.string().url().optional(),
          tokenUrl: z.string().url().optional(),
          userdataUrl: z.string().url().optional(),
          allowedOrganizations: z.array(z.string()).optional(),
          allowedGroups: z.array(z.string()).optional(),
        })
        .default({ kind: "dummy" }),
      adminUsers: z.array(z.string().min(1)).default([]),
      allowedUsers: z.array(z.string().min(1)).optional(),
      storageGiB: positiveInt.max(1024).default(defaults.notebooks.storageGiB),
      cullTimeoutSeconds: positiveInt.default(defaults.notebooks.cullTimeoutSeconds),
      hostname: z.string().optional(),
      tlsCertificateArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/, "must be an ACM certificate ARN")
        .optional(),
      realTimeCollaboration: z
        .boolean()
        .default(defaults.notebooks.realTimeCollaboration)
        .describe("JupyterLab real-time collaboration and server sharing."),
      profiles: z
        .record(
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "profile slugs are lowercase letters, digits and hyphens"),
          z.strictObject({
            displayName: z.string().min(1),
            description: z.string().optional(),
            cpuGuarantee: z.number().positive(),
            cpuLimit: z.number().positive(),
            memoryGuaranteeGiB: z.number().positive(),
            memoryLimitGiB: z.number().positive(),
            image: z
              .strictObject({
                name: z.string().min(1),
                tag: z
                  .string()
                  .min(1)
                  .refine((tag) => tag !== "latest", "must be pinned, not latest"),
                collaboration: z.boolean(),
              })
              .optional(),
            env: z
              .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "environment variable names are upper case"), z.string())
              .optional(),
            default: z.boolean().optional(),
          }),
        )
        .optional()
        .describe("Spawn-form profiles; default: small, large and spark (see the NotebookHub README)."),
      singleuserImage: z
        .strictObject({
          name: z.string().min(1),
          tag: z
            .string()
            .min(1)
            .refine((tag) => tag !== "latest", "must be pinned, not latest"),
          collaboration: z.boolean().describe("The image ships jupyter-collaboration."),
        })
        .optional()
        .describe(
          "Default: the platform image built from components/notebook-hub/image, in the stage's ECR repository.",
        ),
    })
    .prefault({}),
  warehouse: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Redshift Serverless for Looker (needs three AZs)."),
      baseCapacityRpu: positiveInt
        .max(512)
        .default(defaults.warehouse.baseCapacityRpu)
        .describe("Low by default: the service's 128 RPU default is a costly trap."),
      maxCapacityRpu: positiveInt.max(1024).default(defaults.warehouse.maxCapacityRpu),
      usageLimitRpuHours: positiveInt.optional(),
      usageLimitPeriod: z.enum(["daily", "weekly", "monthly"]).default(defaults.warehouse.usageLimitPeriod),
      usageLimitBreachAction: z
        .enum(["log", "emit-metric", "deactivate"])
        .default(defaults.warehouse.usageLimitBreachAction),
      auditLogRetentionDays: z
        .number()
        .refine(isLogRetentionDays, `must be one of ${logRetentionDays.join(", ")}`)
        .default(defaults.warehouse.auditLogRetentionDays),
      allowedSources: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a short lowercase name"),
            cidr: cidr.refine((value) => !value.endsWith("/0"), "must not be a /0"),
          }),
        )
        .default([])
        .describe("Named networks allowed to reach the warehouse (Looker); the query mesh is always allowed."),
    })
    .prefault({}),
  luigi: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Deprecated migration path: the legacy Luigi central scheduler."),
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*g[a-z]*\.[a-z0-9]+$/, "must be a Graviton instance type such as t4g.small")
        .default(defaults.luigi.instanceType),
      luigiVersion: z
        .string()
        .regex(/^\d+\.\d+\.\d+$/)
        .default(defaults.luigi.luigiVersion),
      launchDomains: z
        .array(domainNameSchema)
        .default([])
        .describe("Domains whose EMR templates Luigi may still launch."),
    })
    .prefault({}),
  ingestion: z
    .strictObject({
      schemaCompatibility: z
        .enum(["NONE", "DISABLED", "BACKWARD", "BACKWARD_ALL", "FORWARD", "FORWARD_ALL", "FULL", "FULL_ALL"])
        .default(defaults.streaming.schemaCompatibility),
      flink: z.strictObject({
        artifactKey: z
          .string()
          .regex(
            /^code\/[A-Za-z0-9._\/-]+\.(jar|zip)$/,
            "must be a key under code/ in the artifacts bucket, ending .jar or .zip",
          ),
        runtime: z
          .enum(["FLINK-1_15", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20", "FLINK-2_2"] as const)
          .default(defaults.streaming.flinkRuntime),
        stateKey: z
          .enum(["customer-managed", "aws-owned"])
          .default(defaults.streaming.stateKey)
          .describe(
            "From FLINK-1_20: the state's key; aws-owned only for the update that upgrades an existing application's runtime.",
          ),
        checkpointIntervalSeconds: positiveInt.default(defaults.streaming.checkpointIntervalSeconds),
      }),
      sources: z.record(
        z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "must be a short lowercase name"),
        z.strictObject({
          domain: domainNameSchema.optional().describe("The domain whose raw zone collects the events."),
          recordsPerSecond: positiveInt,
          bytesPerSecond: positiveInt,
          peakFactor: z.number().min(1, "must be at least 1").default(defaults.streaming.peakFactor),
          capacityMode: z.enum(["PROVISIONED", "ON_DEMAND"]).default(defaults.streaming.capacityMode),
          retentionHours: z
            .number()
            .int()
            .min(168, "must be at least 168 (7 days)")
            .max(8760)
            .default(defaults.streaming.retentionHours),
          events: z.record(
            z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, "must be an event type name"),
            z.strictObject({
              schema: z.record(z.string(), z.unknown()).describe("The Avro schema (a record)."),
              compatibility: z
                .enum(["NONE", "DISABLED", "BACKWARD", "BACKWARD_ALL", "FORWARD", "FORWARD_ALL", "FULL", "FULL_ALL"])
                .optional(),
            }),
          ),
        }),
      ),
    })
    .optional(),
  importer: z
    .strictObject({
      sources: z
        .record(z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "must be a short lowercase name"), importSourceSchema)
        .describe(
          "Operational databases to import, by name; each is an aurora or a jdbc source (kind), with the keys of its kind.",
        ),
    })
    .optional(),
  lake: z
    .strictObject({
      adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"))
        .default([])
        .describe("Lake Formation and KMS key administrators besides the role that deploys the stack."),
      readOnlyAdminArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"))
        .default([])
        .describe(
          "Lake Formation read-only administrators. The settings are replaced whole: list every one the account needs.",
        ),
      trustedResourceOwners: z
        .array(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID"))
        .default([])
        .describe(
          "Lake Formation trusted resource owners (account IDs). The settings are replaced whole: list every one the account needs.",
        ),
      lakeFormationParameters: z
        .strictObject({
          CROSS_ACCOUNT_VERSION: z
            .enum(["1", "2", "3", "4", "5"])
            .describe("Lake Formation cross-account sharing version."),
          SET_CONTEXT: z.enum(["TRUE", "FALSE"]).optional(),
        })
        .default({ CROSS_ACCOUNT_VERSION: "4", SET_CONTEXT: "TRUE" })
        .describe("Lake Formation settings parameters. The settings are replaced whole: carry the account's values."),
      landingExpirationDays: positiveInt
        .max(3650)
        .default(defaults.lake.landingExpirationDays)
        .describe("Landing files are deleted after this many days."),
      noncurrentVersionExpirationDays: positiveInt.max(3650).default(defaults.lake.noncurrentVersionExpirationDays),
      intelligentTieringAfterDays: z
        .number()
        .int()
        .nonnegative()
        .max(3650)
        .default(defaults.lake.intelligentTieringAfterDays)
        .describe("Curated data moves to Intelligent-Tiering after this many days."),
      abortIncompleteMultipartUploadDays: positiveInt
        .max(365)
        .default(defaults.lake.abortIncompleteMultipartUploadDays),
    })
    .prefault({}),
  domains: z
    .record(z.string(), domainOverrideSchema.nullable())
    .default({})
    .describe(
      "Registered domains enabled in this stage, keyed by name, each with optional overrides ({} or null for none).",
    ),
});

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfigValues = z.output<typeof stageConfigSchema>;
export type DomainFile = z.output<typeof domainFileSchema>;
export type DomainNeeds = z.output<typeof domainNeedsSchema>;
export type DomainOverride = z.output<typeof domainOverrideSchema>;
export type DataProduct = z.output<typeof dataProductSchema>;
export type LakeZone = (typeof lakeZones)[number];
export type ImportSourceConfig = z.output<typeof importSourceSchema>;
export type NodeGroupConfig = z.output<typeof nodeGroupSchema>;

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  allocatable,
  ConfigError,
  cpuQuantity,
  instanceCapacity,
  isDevStage,
  loadPlatformConfig,
  memoryQuantityGiB,
  nodesNeeded,
  type ConfigIssue,
  type PlatformConfig,
} from "@data-platform/config";
import { domainTags, providerDefaultTags } from "@data-platform/conventions";
import { DataLake, dataLakeDomainProblems, lakeReaderTagKey, type DataLakeDomainArgs } from "@data-platform/data-lake";
import { DomainWorkflowEnv } from "@data-platform/domain-workflow-env";
import { EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import { DatabaseImporter, type DatabaseSourceArgs } from "@data-platform/database-importer";
import {
  defaultProfiles,
  NotebookHub,
  notebookHubArgsProblems,
  type NotebookHubArgs,
} from "@data-platform/notebook-hub";
import {
  PlatformCluster,
  platformClusterArgsProblems,
  type PlatformClusterArgs,
} from "@data-platform/platform-cluster";
import {
  defaultCoordinatorResources,
  defaultWorkerResources,
  QueryMesh,
  queryMeshArgsProblems,
  type QueryMeshArgs,
  type QueryResources,
} from "@data-platform/query-mesh";
import { avroSchemaProblems, StreamingIngestion } from "@data-platform/streaming-ingestion";
import { legacyLuigiSchedulerIfEnabled, Warehouse } from "@data-platform/warehouse";
import {
  contractVersion,
  type DomainContract,
  type IngestionContract,
  type PlatformContract,
} from "@data-platform/platform-contract";
import { argIssue } from "./configKeys";

/** The directory holding this stack's files (`domains/`, `Pulumi.<stage>.yaml`), compiled or not. */
export const programDir = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/**
 * The platform program for one stage. Config is read and validated first: an
 * invalid stage config or domain file stops here, before any resource exists.
 */
/** The stack outputs: the platform contract, checked against its type here. */
export type PlatformOutputs = { [K in keyof PlatformContract]: pulumi.Input<PlatformContract[K]> };

export async function platform(config: PlatformConfig = loadPlatformConfig({ programDir })): Promise<PlatformOutputs> {
  // What the components would refuse, before the first resource.
  preflight(config);
  // Every AWS resource of the stage is created through this provider, so the
  // stage, owner and cost-centre tags are on everything that can carry tags.
  const provider = new aws.Provider("platform", {
    region: config.region,
    defaultTags: providerDefaultTags({ stage: config.stage, owner: config.owner, costCentre: config.costCentre }),
  });
  const withProvider: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  // The role running `pulumi up` administers Lake Formation, or it could not grant anything.
  const caller = aws.getCallerIdentityOutput({}, { provider });
  const deployerRoleArn = aws.iam.getSessionContextOutput({ arn: caller.arn }, { provider }).issuerArn;

  const lake = new DataLake(
    "lake",
    {
      prefix: config.prefix,
      stage: config.stage,
      administratorArns: [deployerRoleArn, ...config.lake.adminRoleArns],
      registeredDomainNames: config.registry.map((domain) => domain.name),
      lakeFormation: {
        readOnlyAdminArns: config.lake.readOnlyAdminArns,
        trustedResourceOwners: config.lake.trustedResourceOwners,
        parameters: {
          CROSS_ACCOUNT_VERSION: config.lake.lakeFormationParameters.CROSS_ACCOUNT_VERSION,
          ...(config.lake.lakeFormationParameters.SET_CONTEXT
            ? { SET_CONTEXT: config.lake.lakeFormationParameters.SET_CONTEXT }
            : {}),
        },
      },
      registeredDataProducts: config.registry.flatMap((domain) =>
        domain.dataProducts.map((product) => ({ domain: domain.name, name: product.name })),
      ),
      domains: lakeDomains(config),
      landingExpirationDays: config.lake.landingExpirationDays,
      noncurrentVersionExpirationDays: config.lake.noncurrentVersionExpirationDays,
      intelligentTieringAfterDays: config.lake.intelligentTieringAfterDays,
      abortIncompleteMultipartUploadDays: config.lake.abortIncompleteMultipartUploadDays,
      protect: config.protect,
    },
    withProvider,
  );

  // The private network and the stage's one EKS cluster (query mesh, notebooks, EMR on EKS).
  const cluster = new PlatformCluster(
    "platform",
    { ...platformClusterArgs(config), keyAdministratorArns: [deployerRoleArn, ...config.lake.adminRoleArns] },
    withProvider,
  );

  const tagsOf = (domain: PlatformConfig["domains"][number]) =>
    domainTags({ domain: domain.name, owner: domain.owners.team, costCentre: domain.costCentre });
  const sparkDomains = config.domains.filter((domain) => domain.needs.spark.enabled);
  const sharedProducts = consumerGrants(config);
  // A consumer's Spark reads the products' objects itself (EMR has no Lake Formation credential vending): its roles
  // carry the lake-reader tag that producer keys and buckets admit for reads.
  const readsProducts = new Set(sharedProducts.map((grant) => grant.consumer));
  const spark = new EphemeralSparkCluster(
    "spark",
    {
      prefix: config.prefix,
      stage: config.stage,
      lake,
      vpcId: cluster.vpcId,
      privateSubnetIds: cluster.privateSubnetIds,
      eks: cluster,
      administratorArns: [deployerRoleArn, ...config.lake.adminRoleArns],
      releaseLabel: config.spark.releaseLabel,
      serverlessReleaseLabel: config.spark.serverlessReleaseLabel,
      tlsCertificatesS3Uri: config.spark.tlsCertificatesS3Uri,
      emrContainersServiceLinkedRole: config.spark.emrContainersServiceLinkedRole,
      domains: sparkDomains.map((domain) => ({
        name: domain.name,
        maxVcpus: domain.needs.spark.maxCoreVcpus,
        idleTimeoutMinutes: domain.needs.spark.idleTimeoutMinutes,
        longLivedCluster: domain.needs.spark.longLivedCluster,
        serverless: domain.needs.spark.serverless,
        emrOnEks: domain.needs.spark.emrOnEks,
        imageTag: domain.needs.spark.imageTag,
        tags: { ...tagsOf(domain), ...(readsProducts.has(domain.name) ? { [lakeReaderTagKey]: "true" } : {}) },
      })),
      protect: config.protect,
    },
    withProvider,
  );

  const dagLibrary = dagLibraryArchive();
  const workflows = new Map(
    config.domains
      .filter((domain) => domain.needs.workflow.enabled)
      .map((domain) => [
        domain.name,
        new DomainWorkflowEnv(
          `workflow-${domain.name}`,
          {
            prefix: config.prefix,
            stage: config.stage,
            domain: domain.name,
            lake,
            spark: domain.needs.spark.enabled ? spark : undefined,
            vpcId: cluster.vpcId,
            privateSubnetIds: cluster.privateSubnetIds,
            airflowVersion: domain.needs.workflow.airflowVersion,
            webserverAccessCidrs: config.workflow.operatorCidrs,
            environmentClass: domain.needs.workflow.environmentClass,
            minWorkers: domain.needs.workflow.minWorkers,
            maxWorkers: domain.needs.workflow.maxWorkers,
            fargate: domain.needs.fargate.enabled,
            platformLibrary: dagLibrary,
            protect: config.protect,
            tags: tagsOf(domain),
          },
          withProvider,
        ),
      ]),
  );

  const administrators = [deployerRoleArn, ...config.lake.adminRoleArns];

  // Data products shared with consumer domains (the registry's `dataProducts[].consumers`, the one list of a
  // product's consumers): every role of the consumer that reads data (the contract's `readerRoleArns`) gets Lake
  // Formation read on the products through their LF-Tags and the IAM to use it; the Spark roles, which read S3
  // themselves, also get the products' objects and decryption through S3. Grantee names are the roles' own lake
  // grantee names, so each role keeps one merged lake policy.
  for (const grant of sharedProducts) {
    const scope = { domain: grant.producer, products: grant.products };
    const read = (name: string, role: aws.iam.Role, directRead: boolean) =>
      lake.grantRead(
        { name: `${grant.consumer}-${name}`, role, domain: grant.consumer, ...(directRead ? { directRead } : {}) },
        scope,
      );
    const workflow = workflows.get(grant.consumer);
    if (workflow) read("airflow", workflow.executionRole, false);
    if (workflow?.fargate) read("ecs-task", workflow.fargate.taskRole, false);
    if (sparkDomains.some((domain) => domain.name === grant.consumer)) {
      const sparkDomain = spark.domain(grant.consumer);
      read("spark", sparkDomain.instanceRole, true);
      if (sparkDomain.serverless) read("serverless", sparkDomain.serverless.runtimeRole, true);
      if (sparkDomain.emrOnEks) read("eks", sparkDomain.emrOnEks.jobExecutionRole, true);
    }
  }

  // Rivers: microservice events through Kinesis and Managed Flink into the landing zone.
  const ingestion = config.ingestion;
  const rivers =
    ingestion && Object.keys(ingestion.sources).length > 0
      ? new StreamingIngestion(
          "rivers",
          {
            prefix: config.prefix,
            stage: config.stage,
            lake,
            administratorArns: administrators,
            vpcId: cluster.vpcId,
            privateSubnetIds: cluster.privateSubnetIds,
            // AWS APIs through the VPC's interface endpoints when they are all there, else through NAT.
            httpsEgressCidrBlocks: ["kinesis-streams", "glue", "sts", "logs"].every((service) =>
              (config.network.interfaceEndpoints as string[]).includes(service),
            )
              ? [config.network.vpcCidr]
              : ["0.0.0.0/0"],
            s3PrefixListId: cluster.s3GatewayEndpoint.prefixListId,
            sources: Object.entries(ingestion.sources).map(([name, source]) => ({
              name,
              domain: source.domain,
              recordsPerSecond: source.recordsPerSecond,
              bytesPerSecond: source.bytesPerSecond,
              peakFactor: source.peakFactor,
              capacityMode: source.capacityMode,
              retentionHours: source.retentionHours,
              events: Object.entries(source.events).map(([event, definition]) => ({
                name: event,
                schema: JSON.stringify(definition.schema),
                compatibility: definition.compatibility,
              })),
            })),
            schemaCompatibility: ingestion.schemaCompatibility,
            flink: {
              artifactKey: ingestion.flink.artifactKey,
              runtime: ingestion.flink.runtime,
              stateKey: ingestion.flink.stateKey,
              checkpointIntervalSeconds: ingestion.flink.checkpointIntervalSeconds,
            },
            protect: config.protect,
          },
          withProvider,
        )
      : undefined;

  // The Importer: operational databases and landed events into the domains' raw Delta tables.
  const importerSources = Object.entries(config.importer?.sources ?? {});
  const collections = Object.entries(ingestion?.sources ?? {}).flatMap(([name, source]) =>
    source.domain === undefined ? [] : [{ source: name, domain: source.domain, events: Object.keys(source.events) }],
  );
  const importer =
    importerSources.length > 0 || collections.length > 0
      ? new DatabaseImporter(
          "importer",
          {
            prefix: config.prefix,
            stage: config.stage,
            lake,
            spark,
            vpcId: cluster.vpcId,
            sources: importerSources.map(([name, source]): DatabaseSourceArgs => {
              const common = {
                name,
                domain: source.domain,
                secretArn: source.secretArn,
                imageTag: source.imageTag,
                databaseSecurityGroupId: source.databaseSecurityGroupId,
                schedule: source.schedule,
                tables: Object.entries(source.tables).map(([table, definition]) => ({ name: table, ...definition })),
              };
              return source.kind === "aurora"
                ? {
                    ...common,
                    kind: "aurora",
                    engine: source.engine,
                    clusterIdentifier: source.clusterIdentifier,
                    endpoint: source.endpoint,
                    port: source.port,
                    database: source.database,
                  }
                : { ...common, kind: "jdbc", jdbcUrl: source.jdbcUrl, port: source.port };
            }),
            eventCollections: collections,
            landingLayout: rivers?.landingLayout,
          },
          withProvider,
        )
      : undefined;
  for (const domain of importer?.domains() ?? []) {
    const workflow = workflows.get(domain);
    if (workflow) importer!.grantReadJobs({ name: `${domain}-airflow`, role: workflow.executionRole }, { domain });
  }

  // The warehouse for Looker, reachable from the query mesh (the cluster) and the named networks only.
  const warehouse = config.warehouse.enabled
    ? new Warehouse(
        "warehouse",
        {
          prefix: config.prefix,
          stage: config.stage,
          lake,
          vpcId: cluster.vpcId,
          privateSubnetIds: cluster.privateSubnetIds,
          administratorArns: administrators,
          allowedSources: [
            { name: "query-mesh", securityGroupId: cluster.clusterSecurityGroupId },
            ...config.warehouse.allowedSources,
          ],
          baseCapacityRpu: config.warehouse.baseCapacityRpu,
          maxCapacityRpu: config.warehouse.maxCapacityRpu,
          usageLimitRpuHours: config.warehouse.usageLimitRpuHours,
          usageLimitPeriod: config.warehouse.usageLimitPeriod,
          usageLimitBreachAction: config.warehouse.usageLimitBreachAction,
          auditLogRetentionDays: config.warehouse.auditLogRetentionDays,
          protect: config.protect,
        },
        withProvider,
      )
    : undefined;

  // Deprecated: the legacy Luigi scheduler, only while teams migrate to their DomainWorkflowEnv.
  const luigi = legacyLuigiSchedulerIfEnabled(
    "luigi",
    {
      enabled: config.luigi.enabled,
      prefix: config.prefix,
      stage: config.stage,
      lake,
      vpcId: cluster.vpcId,
      subnetId: cluster.privateSubnetIds.apply((ids) => ids[0]!),
      allowedCidrs: [config.network.vpcCidr],
      administratorArns: administrators,
      instanceType: config.luigi.instanceType,
      luigiVersion: config.luigi.luigiVersion,
      protect: config.protect,
    },
    withProvider,
  );
  if (luigi)
    for (const domain of config.luigi.launchDomains) spark.grantLaunch({ name: "luigi", role: luigi.role }, { domain });

  // The query mesh over every domain's published data products, and the notebooks beside it.
  const queryMesh = config.queryMesh.enabled
    ? new QueryMesh("query-mesh", { ...queryMeshArgs(config), cluster, lake }, withProvider)
    : undefined;
  const notebooks = config.notebooks.enabled
    ? new NotebookHub(
        "notebooks",
        {
          ...notebookHubArgs(config),
          cluster,
          lake,
          keyAdministratorArns: administrators,
          ...(queryMesh ? { queryEndpoint: queryMesh.endpoint } : {}),
        },
        withProvider,
      )
    : undefined;

  const lakeContract = lake.contract();
  const templates = spark.templateNames();
  const domains = pulumi
    .output({
      lake: lakeContract,
      workflows: pulumi.output(
        Object.fromEntries([...workflows].map(([name, workflow]) => [name, workflow.contract()])),
      ),
      templates: pulumi.output(templates),
      readers: pulumi.output(
        Object.fromEntries(
          config.domains.map((domain) => [
            domain.name,
            readerRoleArns(domain.name, workflows.get(domain.name), domain.needs.spark.enabled ? spark : undefined),
          ]),
        ),
      ),
    })
    .apply(({ lake: storage, workflows: workflowContracts, templates: templateNames, readers }) =>
      Object.fromEntries(
        config.domains.map((domain): [string, DomainContract] => [
          domain.name,
          {
            name: domain.name,
            owner: domain.owners.team,
            contact: domain.owners.email,
            costCentre: domain.costCentre,
            zones: domain.needs.zones,
            storage: storage.domains[domain.name] ?? null,
            workflow: workflowContracts[domain.name] ?? null,
            sparkTemplateParameter: templateNames[domain.name] ?? null,
            dataProducts: domain.dataProducts.map((product) => ({
              name: product.name,
              description: product.description,
              zone: product.zone,
              classification: product.classification,
              consumers: product.consumers,
            })),
            readerRoleArns: readers[domain.name] ?? {},
          },
        ]),
      ),
    );

  return {
    contractVersion,
    stage: config.stage,
    region: config.region,
    network: pulumi.output({ vpcId: cluster.vpcId, privateSubnetIds: cluster.privateSubnetIds }),
    lake: lakeContract,
    spark: pulumi.output({ templates, capacities: spark.capacities() }),
    warehouse: warehouse?.contract() ?? null,
    legacyLuigi: luigi?.contract() ?? null,
    ingestion: pulumi.output({
      streaming: rivers?.contract() ?? null,
      importer: importer?.contract() ?? null,
    }) as pulumi.Output<IngestionContract>,
    queryMesh: queryMesh?.contract() ?? null,
    notebooks: notebooks?.contract() ?? null,
    domains,
  };
}

/** The platform's DAG library (`@data-platform/dag-lib`): its Python modules as `data_platform/`, for every MWAA's plugins.zip. */
export function dagLibraryArchive(): pulumi.asset.AssetArchive {
  const packageJson = createRequire(path.join(programDir, "package.json")).resolve(
    "@data-platform/dag-lib/package.json",
  );
  const moduleDir = path.join(path.dirname(packageJson), "data_platform");
  const modules = fs
    .readdirSync(moduleDir)
    .filter((file) => file.endsWith(".py"))
    .sort();
  return new pulumi.asset.AssetArchive(
    Object.fromEntries(
      modules.map((file) => [`data_platform/${file}`, new pulumi.asset.FileAsset(path.join(moduleDir, file))]),
    ),
  );
}

/** The roles of a domain that read data, by purpose (platform contract `readerRoleArns`): the platform grants each of them the products the domain consumes. */
function readerRoleArns(
  domain: string,
  workflow: DomainWorkflowEnv | undefined,
  spark: EphemeralSparkCluster | undefined,
): Record<string, pulumi.Output<string>> {
  const roles: Record<string, pulumi.Output<string>> = {};
  if (workflow) roles["airflow"] = workflow.executionRole.arn;
  if (workflow?.fargate) roles["ecs-task"] = workflow.fargate.taskRole.arn;
  const sparkDomain = spark?.domain(domain);
  if (sparkDomain) roles["spark"] = sparkDomain.instanceRole.arn;
  if (sparkDomain?.serverless) roles["spark-serverless"] = sparkDomain.serverless.runtimeRole.arn;
  if (sparkDomain?.emrOnEks) roles["spark-eks"] = sparkDomain.emrOnEks.jobExecutionRole.arn;
  return roles;
}

/** A consumer domain's read of a producer's data products, for the products shared with it and enabled in the stage. */
export interface ConsumerGrant {
  consumer: string;
  producer: string;
  products: string[];
}

/** Who reads which products, from the registry's `dataProducts[].consumers`, for the domains enabled in the stage. Pure. */
export function consumerGrants(config: PlatformConfig): ConsumerGrant[] {
  const enabled = new Set(config.domains.map((domain) => domain.name));
  const grants = new Map<string, ConsumerGrant>();
  for (const producer of config.domains) {
    for (const product of producer.dataProducts) {
      for (const consumer of product.consumers.filter((name) => enabled.has(name) && name !== producer.name)) {
        const key = `${consumer}/${producer.name}`;
        const grant = grants.get(key) ?? { consumer, producer: producer.name, products: [] };
        grant.products = [...grant.products, product.name].sort();
        grants.set(key, grant);
      }
    }
  }
  return [...grants.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, grant]) => grant);
}

/** PlatformCluster's args from the stage config (pure: the preflight validates them before any resource). */
export function platformClusterArgs(config: PlatformConfig): PlatformClusterArgs {
  return {
    prefix: config.prefix,
    stage: config.stage,
    vpcCidr: config.network.vpcCidr,
    availabilityZoneCount: config.network.availabilityZones,
    natGateways: config.network.natGateways,
    reservedCidrs: config.network.reservedCidrs,
    interfaceEndpoints: config.network.interfaceEndpoints,
    flowLogRetentionDays: config.network.flowLogRetentionDays,
    kubernetesVersion: config.cluster.kubernetesVersion,
    publicAccessCidrs: config.cluster.publicAccessCidrs,
    apiAccessCidrs: config.cluster.apiAccessCidrs,
    adminRoleArns: config.cluster.adminRoleArns,
    readOnlyRoleArns: config.cluster.readOnlyRoleArns,
    nodeGroups: config.cluster.nodeGroups,
    // Provider default tags never reach what Karpenter and the load balancer controller create.
    controllerTags: providerDefaultTags({ stage: config.stage, owner: config.owner, costCentre: config.costCentre })
      .tags,
    karpenter: config.cluster.karpenter.enabled && {
      ...(config.cluster.karpenter.nodePools ? { nodePools: config.cluster.karpenter.nodePools } : {}),
      ...(config.cluster.karpenter.amiAlias ? { amiAlias: config.cluster.karpenter.amiAlias } : {}),
    },
    protect: config.protect,
  };
}

/** QueryMesh's args from the stage config, without the cluster and lake objects. */
export function queryMeshArgs(config: PlatformConfig): Omit<QueryMeshArgs, "cluster" | "lake"> {
  const published = config.domains.filter((domain) => domain.dataProducts.length > 0);
  return {
    prefix: config.prefix,
    stage: config.stage,
    engine: config.queryMesh.engine,
    domains: published.map((domain) => ({
      name: domain.name,
      products: domain.dataProducts.map((product) => product.name),
    })),
    workers: config.queryMesh.workers,
    ...(config.queryMesh.coordinatorResources ? { coordinatorResources: config.queryMesh.coordinatorResources } : {}),
    ...(config.queryMesh.workerResources ? { workerResources: config.queryMesh.workerResources } : {}),
    accessControl: config.queryMesh.accessControl,
    ...(config.queryMesh.ranger
      ? {
          ranger: {
            policyRestUrl: config.queryMesh.ranger.policyRestUrl,
            serviceName: config.queryMesh.ranger.serviceName,
            ...(config.queryMesh.ranger.credentials
              ? {
                  credentials: {
                    username: pulumi.secret(config.queryMesh.ranger.credentials.username),
                    password: pulumi.secret(config.queryMesh.ranger.credentials.password),
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(config.queryMesh.privacera
      ? {
          privacera: {
            chart: config.queryMesh.privacera.chart,
            version: config.queryMesh.privacera.version,
            repository: config.queryMesh.privacera.repository,
            values: config.queryMesh.privacera.values ?? {},
            ...(config.queryMesh.privacera.vpcEgressPorts
              ? { vpcEgressPorts: config.queryMesh.privacera.vpcEgressPorts }
              : {}),
            ...(config.queryMesh.privacera.registry
              ? {
                  registry: {
                    username: pulumi.secret(config.queryMesh.privacera.registry.username),
                    password: pulumi.secret(config.queryMesh.privacera.registry.password),
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(config.queryMesh.starburst
      ? {
          starburst: {
            licenseSecret: pulumi.secret(config.queryMesh.starburst.licenseSecret),
            registryUsername: config.queryMesh.starburst.registryUsername,
            registryPassword: pulumi.secret(config.queryMesh.starburst.registryPassword),
          },
        }
      : {}),
    // Every stage but dev ones runs production settings: Ranger/Privacera, TLS, plugin credentials.
    production: !isDevStage(config.stage),
    tlsCertificateArn: config.queryMesh.tlsCertificateArn,
    ...(config.queryMesh.internalTls !== undefined ? { internalTls: config.queryMesh.internalTls } : {}),
    s3EgressCidrs: config.queryMesh.s3EgressCidrs,
    protect: config.protect,
  };
}

/** NotebookHub's args from the stage config, without the cluster, lake and query endpoint. */
export function notebookHubArgs(config: PlatformConfig): Omit<NotebookHubArgs, "cluster" | "lake" | "queryEndpoint"> {
  const published = config.domains.filter((domain) => domain.dataProducts.length > 0);
  return {
    prefix: config.prefix,
    stage: config.stage,
    production: !isDevStage(config.stage),
    authenticator: {
      ...config.notebooks.authenticator,
      clientSecret:
        config.notebooks.authenticator.clientSecret === undefined
          ? undefined
          : pulumi.secret(config.notebooks.authenticator.clientSecret),
    },
    adminUsers: config.notebooks.adminUsers,
    allowedUsers: config.notebooks.allowedUsers,
    domains: config.domains
      .filter((domain) => domain.needs.notebooks.enabled)
      .map((domain) => ({
        name: domain.name,
        groups: domain.needs.notebooks.groups,
        products: published.map((owner) => ({
          domain: owner.name,
          products: owner.dataProducts.map((product) => product.name),
        })),
      })),
    storage: { capacityGiB: config.notebooks.storageGiB },
    cullTimeoutSeconds: config.notebooks.cullTimeoutSeconds,
    hostname: config.notebooks.hostname,
    tlsCertificateArn: config.notebooks.tlsCertificateArn,
    realTimeCollaboration: config.notebooks.realTimeCollaboration,
    ...(config.notebooks.profiles ? { profiles: config.notebooks.profiles } : {}),
    ...(config.notebooks.singleuserImage ? { singleuserImage: config.notebooks.singleuserImage } : {}),
    protect: config.protect,
  };
}

/** The lake's domains: each enabled domain's zones (after the stage's overrides) and data products. */
export function lakeDomains(config: PlatformConfig): DataLakeDomainArgs[] {
  return config.domains.map((domain) => ({
    name: domain.name,
    zones: domain.needs.zones,
    dataProducts: domain.dataProducts.map((product) => ({
      name: product.name,
      zone: product.zone,
      classification: product.classification,
    })),
    tags: domainTags({ domain: domain.name, owner: domain.owners.team, costCentre: domain.costCentre }),
  }));
}

/**
 * Whether the `query` node group can run the engine: the coordinator's and a worker's requests (and memory limits,
 * which size the JVM heap) fit one node of each instance type, and `maxSize` nodes hold the coordinator and
 * `workers.max` workers. Instance types outside the families the sizing table knows are not checked. Pure.
 */
export function queryNodeGroupProblems(config: PlatformConfig): NodeGroupProblem[] {
  const group = config.cluster.nodeGroups["query"];
  if (!group) return [];
  const coordinator: QueryResources = config.queryMesh.coordinatorResources ?? defaultCoordinatorResources;
  const worker: QueryResources = config.queryMesh.workerResources ?? defaultWorkerResources;
  const problems: NodeGroupProblem[] = [];
  group.instanceTypes.forEach((instanceType, index) => {
    const at = (key: string, message: string) => problems.push({ key: `cluster.nodeGroups.query.${key}`, message });
    const capacity = instanceCapacity(instanceType);
    if (!capacity) return;
    const node = allocatable(capacity);
    const describe = `${instanceType} (${capacity.vcpu} vCPU, ${capacity.memoryGiB} GiB; about ${node.vcpu.toFixed(2)} vCPU and ${node.memoryGiB.toFixed(1)} GiB for pods)`;
    const pods = [
      { name: "the coordinator", resources: coordinator, count: 1 },
      { name: "a worker", resources: worker, count: config.queryMesh.workers.max },
    ];
    for (const pod of pods) {
      if (memoryQuantityGiB(pod.resources.limits.memory) > node.memoryGiB)
        at(
          `instanceTypes[${index}]`,
          `${pod.name}'s memory limit ${pod.resources.limits.memory} does not fit a ${describe} node: lower it or use larger instances`,
        );
    }
    const needed = nodesNeeded(
      pods.map((pod) => ({
        name: pod.name,
        cpu: cpuQuantity(pod.resources.requests.cpu),
        memoryGiB: memoryQuantityGiB(pod.resources.requests.memory),
        count: pod.count,
      })),
      node,
    );
    if (typeof needed === "object")
      at(
        `instanceTypes[${index}]`,
        `${needed.unschedulable}'s requests do not fit a ${describe} node: it would never be scheduled`,
      );
    else if (needed > group.maxSize)
      at(
        "maxSize",
        `the coordinator and ${config.queryMesh.workers.max} workers need ${needed} ${instanceType} nodes, but maxSize is ${group.maxSize}: raise maxSize or lower queryMesh.workers.max`,
      );
  });
  return problems;
}

/** A node group that cannot run what the stage puts on it, at the stage config key to change (`cluster.nodeGroups...`). */
export interface NodeGroupProblem {
  key: string;
  message: string;
}

/**
 * Whether every notebook profile's guarantees (its requests; limits may burst) fit one node of each instance type of
 * the `notebooks` node group: a profile that fits no node leaves its users' servers pending. Pure.
 */
export function notebookNodeGroupProblems(config: PlatformConfig): NodeGroupProblem[] {
  const group = config.cluster.nodeGroups["notebooks"];
  if (!group) return [];
  const problems: NodeGroupProblem[] = [];
  group.instanceTypes.forEach((instanceType, index) => {
    const capacity = instanceCapacity(instanceType);
    if (!capacity) return;
    const node = allocatable(capacity);
    for (const [slug, profile] of Object.entries(config.notebooks.profiles ?? defaultProfiles)) {
      if (profile.cpuGuarantee > node.vcpu || profile.memoryGuaranteeGiB > node.memoryGiB) {
        problems.push({
          key: `cluster.nodeGroups.notebooks.instanceTypes[${index}]`,
          message: `notebook profile "${slug}" guarantees ${profile.cpuGuarantee} CPU and ${profile.memoryGuaranteeGiB} GiB, more than a ${instanceType} node leaves to pods (about ${node.vcpu.toFixed(2)} vCPU, ${node.memoryGiB.toFixed(1)} GiB): its servers would never start`,
        });
      }
    }
  });
  return problems;
}

/**
 * Which node groups the stage's services need, a rule of this stage's composition (no component knows both the
 * cluster and the services on it): the query mesh and the notebooks each run on their own dedicated group, and a
 * group for a service the stage does not run is paid for and idle. Pure.
 */
export function nodeGroupCompositionIssues(config: PlatformConfig): ConfigIssue[] {
  const file = config.sources.configFile;
  const groups = config.cluster.nodeGroups;
  const issues: ConfigIssue[] = [];
  const services = [
    {
      group: "query",
      enabled: config.queryMesh.enabled,
      service: "the query mesh",
      key: "queryMesh",
      runs: "its pods run there",
    },
    {
      group: "notebooks",
      enabled: config.notebooks.enabled,
      service: "notebooks",
      key: "notebooks",
      runs: "the servers run there",
    },
  ];
  for (const { group, enabled, service, key, runs } of services) {
    const verb = service === "notebooks" ? "are" : "is";
    if (enabled && !groups[group])
      issues.push({
        file,
        path: "data-platform:cluster.nodeGroups",
        message: `${service} ${verb} enabled: add a "${group}" node group (${runs})`,
      });
    if (!enabled && groups[group])
      issues.push({
        file,
        path: `data-platform:cluster.nodeGroups.${group}`,
        message: `${service} ${verb} not enabled in this stage: remove the node group (nothing would run there) or enable data-platform:${key}`,
      });
  }
  return issues;
}

/**
 * What the cluster and the in-cluster services would refuse at construction, checked before any resource is
 * registered: each component's own rules (its pure `*ArgsProblems` helper, the one the constructor throws) on the
 * args this program builds, and the rules of the stage's composition. Every problem is filed under the config key
 * its argument came from (`argIssue`, the table in configKeys.ts), so a bad value stops the program with one error
 * naming the file, the line and the key, and never half-runs it.
 */
export function preflight(config: PlatformConfig): void {
  const file = config.sources.configFile;
  const issues: ConfigIssue[] = [
    ...nodeGroupCompositionIssues(config),
    ...dataLakeDomainProblems(lakeDomains(config)).map((problem) => argIssue(config, "lake", problem)),
    ...platformClusterArgsProblems(platformClusterArgs(config)).map((problem) => argIssue(config, "cluster", problem)),
    ...(config.queryMesh.enabled ? queryMeshArgsProblems(queryMeshArgs(config)) : []).map((problem) =>
      argIssue(config, "queryMesh", problem),
    ),
    ...(config.queryMesh.enabled ? queryNodeGroupProblems(config) : []).map(({ key, message }) => ({
      file,
      path: `data-platform:${key}`,
      message,
    })),
    ...(config.notebooks.enabled ? notebookNodeGroupProblems(config) : []).map(({ key, message }) => ({
      file,
      path: `data-platform:${key}`,
      message,
    })),
    // The cluster and lake are never read by the notebook hub's validation.
    ...(config.notebooks.enabled ? notebookHubArgsProblems(notebookHubArgs(config) as NotebookHubArgs) : []).map(
      (problem) => argIssue(config, "notebooks", problem),
    ),
  ];
  // Event schemas are the ingestion config most often wrong; the Glue Schema Registry would refuse them mid-update.
  for (const [source, definition] of Object.entries(config.ingestion?.sources ?? {})) {
    for (const [event, { schema }] of Object.entries(definition.events)) {
      for (const problem of avroSchemaProblems(JSON.stringify(schema))) {
        issues.push({
          file,
          path: `data-platform:ingestion.sources.${source}.events.${event}.schema`,
          message: `the Avro schema ${problem}`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

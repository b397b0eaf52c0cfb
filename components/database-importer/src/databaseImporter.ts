import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { jsonParameter, rolePolicyGrant, type Grantee, type PolicyGrant } from "@data-platform/aws-blocks";
import { physicalName } from "@data-platform/conventions";
import { domainTagKey, type LakeRef } from "@data-platform/data-lake";
import { emrManagedTag } from "@data-platform/ephemeral-spark-cluster";
import {
  defaultLandingLayout,
  eventTableName,
  validateImporterArgs,
  type DatabaseImporterArgs,
  type DatabaseSourceArgs,
  type EventCollectionArgs,
} from "./args";
import { databaseImportJob, defaultEventSchedule, eventCollectionJob, portFor } from "./jobs";
import { jobParameterName } from "./names";
import { domainImportPolicy, parameterArn, readJobsPolicy } from "./policies";

/** What `grantReadJobs` covers: one domain's job definitions. */
export interface ImportJobsScope {
  domain: string;
}

/** `grantReadJobs`'s result: the `Grant` shape with its one inline policy. */
export type ImportJobsGrant = PolicyGrant<ImportJobsScope>;

/** One database source's resources. */
export interface DatabaseImport {
  name: string;
  domain: string;
  kind: "aurora" | "jdbc";
  schedule: string;
  /** Target Delta tables in the domain's raw database. */
  tables: string[];
  /** The importer security group, added to the import cluster's core and task nodes; it may reach the database port only. */
  securityGroup: aws.ec2.SecurityGroup;
  /** The ingress rule on the database's security group, when the source named one. */
  databaseIngress?: aws.vpc.SecurityGroupIngressRule;
  /** The job definition (JSON) in SSM. */
  job: aws.ssm.Parameter;
  jobParameterName: string;
}

/** One event collection's resources. */
export interface EventCollection {
  source: string;
  domain: string;
  schedule: string;
  job: aws.ssm.Parameter;
  jobParameterName: string;
  /** Delta table by event type. */
  tables: Record<string, string>;
}

/** What the component contributes to the platform contract (plain values once resolved). */
export interface ImporterContract {
  databases: Record<
    string,
    {
      domain: string;
      kind: "aurora" | "jdbc";
      schedule: string;
      jobParameter: string;
      securityGroupId: string;
      targetDatabase: string;
      tables: string[];
    }
  >;
  events: Record<
    string,
    { domain: string; schedule: string; jobParameter: string; targetDatabase: string; tables: Record<string, string> }
  >;
  /** Job definition parameters by domain: what each domain's orchestrator runs. */
  jobParametersByDomain: Record<string, string[]>;
}

/**
 * Operational databases (Aurora, other JDBC sources) and landed Rivers events into
 * the owning domain's raw Delta tables. The component creates no cluster: per source
 * it prepares the network path, the secret access and a job definition that the
 * domain's orchestrator runs on the domain's ephemeral Spark cluster.
 */
export class DatabaseImporter extends pulumi.ComponentResource {
  private readonly componentName: string;
  private readonly lake: LakeRef;
  private readonly databaseImports = new Map<string, DatabaseImport>();
  private readonly eventCollections = new Map<string, EventCollection>();
  private readonly sourceArgs = new Map<string, DatabaseSourceArgs>();

  constructor(name: string, args: DatabaseImporterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateImporterArgs(name, args);
    super("data-platform:ingestion:DatabaseImporter", name, {}, opts);
    this.componentName = name;
    this.lake = args.lake;
    const { accountId, partition, region } = args.lake.account;
    const parameterName = (...parts: string[]) => jobParameterName(args.prefix, args.stage, ...parts);
    const mainClass = args.mainClass ?? "io.dataplatform.importer.Main";
    const artifactName = args.artifactName ?? "importer.jar";
    const artifactUri = (domain: string) =>
      pulumi.interpolate`s3://${args.lake.artifactsBucket.name}/code/${domain}/${artifactName}`;

    for (const source of [...args.sources].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      this.sourceArgs.set(source.name, source);
      this.databaseImports.set(
        source.name,
        this.createDatabaseImport(name, args, source, {
          jobParameterName: parameterName(source.name),
          mainClass,
          artifactUri: artifactUri(source.domain),
        }),
      );
    }
    for (const collection of [...(args.eventCollections ?? [])].sort((a, b) => (a.source < b.source ? -1 : 1))) {
      this.eventCollections.set(
        collection.source,
        this.createEventCollection(name, args, collection, {
          jobParameterName: parameterName("events", collection.source),
          mainClass,
          artifactUri: artifactUri(collection.domain),
        }),
      );
    }

    // One managed policy per domain, attached to its Spark instance role: the role's inline policies
    // (the lake's grants) keep their own 10,240-character budget.
    for (const domain of this.domains()) {
      const sources = [...this.databaseImports.values()]
        .filter((source) => source.domain === domain)
        .map((source) => this.sourceArgs.get(source.name)!);
      const collections = [...this.eventCollections.values()].filter((collection) => collection.domain === domain);
      const policy = new aws.iam.Policy(
        `${name}-${domain}-access`,
        {
          name: physicalName("iamRole", args.prefix, args.stage, name, domain),
          description: `Imports of ${domain}: its job definitions, its sources' secrets, the landing prefixes it collects`,
          tags: { ...args.tags, [domainTagKey]: domain },
          policy: pulumi
            .output({
              partition,
              region,
              accountId,
              keys: sources.map((source) => source.secretKmsKeyArn ?? ""),
              landingBucketArn: args.lake.zones.landing.arn,
              landingKeyArn: args.lake.platformKey.arn,
            })
            .apply((resolved) =>
              JSON.stringify(
                domainImportPolicy({
                  region: resolved.region,
                  jobParameterArns: this.jobParameterNames(domain).map((parameter) =>
                    parameterArn(resolved.partition, resolved.region, resolved.accountId, parameter),
                  ),
                  secrets: sources.map((source, index) => ({
                    arn: source.secretArn,
                    keyArn: resolved.keys[index] || undefined,
                  })),
                  landing: {
                    bucketArn: resolved.landingBucketArn,
                    keyArn: resolved.landingKeyArn,
                    prefixes: collections.map((collection) => `events/${collection.source}/`),
                  },
                }),
              ),
            ),
        },
        { parent: this },
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-${domain}-access`,
        { role: args.spark.domain(domain).instanceRole.name, policyArn: policy.arn },
        { parent: this },
      );
    }

    this.registerOutputs({ contract: this.contract() });
  }

  private createDatabaseImport(
    name: string,
    args: DatabaseImporterArgs,
    source: DatabaseSourceArgs,
    settings: { jobParameterName: string; mainClass: string; artifactUri: pulumi.Output<string> },
  ): DatabaseImport {
    const child = { parent: this };
    const prefix = `${name}-${source.name}`;
    // The EMR service role (v2 policy) uses only security groups with the EMR-managed tag.
    const tags = {
      ...args.tags,
      ...source.tags,
      [domainTagKey]: source.domain,
      "data-platform:import-source": source.name,
      ...emrManagedTag,
    };
    const port = portFor(source);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${prefix}-sg`,
      {
        name: physicalName("generic", args.prefix, args.stage, name, source.name),
        description: `Importer of ${source.name} (${source.domain}): reaches the database port only`,
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...tags, Name: physicalName("generic", args.prefix, args.stage, name, source.name) },
      },
      child,
    );
    let databaseIngress: aws.vpc.SecurityGroupIngressRule | undefined;
    if (source.databaseSecurityGroupId !== undefined) {
      new aws.vpc.SecurityGroupEgressRule(
        `${prefix}-to-database`,
        {
          securityGroupId: securityGroup.id,
          description: `${source.name} database port`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: source.databaseSecurityGroupId,
          tags,
        },
        child,
      );
      // A rule on the database owner's group: deleting the source deletes this rule only.
      databaseIngress = new aws.vpc.SecurityGroupIngressRule(
        `${prefix}-database-ingress`,
        {
          securityGroupId: source.databaseSecurityGroupId,
          description: `Importer of ${source.name} (${source.domain} Spark)`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: securityGroup.id,
          tags,
        },
        child,
      );
    }
    // Named after the CIDR, never a list position.
    for (const cidr of source.cidrBlocks ?? []) {
      new aws.vpc.SecurityGroupEgressRule(
        `${prefix}-to-${cidr.replace(/[./]/g, "-")}`,
        {
          securityGroupId: securityGroup.id,
          description: `${source.name} database port`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          tags,
        },
        child,
      );
    }

    const storage = args.lake.domain(source.domain);
    const job = jsonParameter(
      `${prefix}-job`,
      {
        name: settings.jobParameterName,
        description: `Import job of ${source.name} into ${source.domain}'s raw zone (run on the domain's ephemeral Spark)`,
        document: pulumi
          .output({
            database: storage.databases.raw!.name,
            bucket: storage.buckets.raw!.name,
            templateParameter: args.spark.domain(source.domain).template.name,
            artifactUri: settings.artifactUri,
            securityGroupId: securityGroup.id,
            image: source.imageTag
              ? pulumi.interpolate`${args.spark.domain(source.domain).imageRepository}:${source.imageTag}`
              : args.spark.domain(source.domain).dockerImage,
          })
          .apply((resolved) =>
            databaseImportJob(source, {
              ...resolved,
              mainClass: settings.mainClass,
              jobParameter: settings.jobParameterName,
              clusterName: physicalName("generic", args.prefix, args.stage, source.domain, "import", source.name),
            }),
          ),
        tags,
      },
      child,
    );
    return {
      name: source.name,
      domain: source.domain,
      kind: source.kind,
      schedule: source.schedule,
      tables: source.tables.map((table) => table.name).sort(),
      securityGroup,
      databaseIngress,
      job,
      jobParameterName: settings.jobParameterName,
    };
  }

  private createEventCollection(
    name: string,
    args: DatabaseImporterArgs,
    collection: EventCollectionArgs,
    settings: { jobParameterName: string; mainClass: string; artifactUri: pulumi.Output<string> },
  ): EventCollection {
    const storage = args.lake.domain(collection.domain);
    const tags = { ...args.tags, [domainTagKey]: collection.domain, "data-platform:event-source": collection.source };
    const job = jsonParameter(
      `${name}-events-${collection.source}-job`,
      {
        name: settings.jobParameterName,
        description: `Collects ${collection.source}'s landed events into ${collection.domain}'s raw zone`,
        document: pulumi
          .output({
            database: storage.databases.raw!.name,
            bucket: storage.buckets.raw!.name,
            landingBucket: args.lake.zones.landing.name,
            templateParameter: args.spark.domain(collection.domain).template.name,
            artifactUri: settings.artifactUri,
            image: args.spark.domain(collection.domain).dockerImage,
          })
          .apply((resolved) =>
            eventCollectionJob(collection, {
              ...resolved,
              layout: args.landingLayout ?? defaultLandingLayout,
              mainClass: settings.mainClass,
              jobParameter: settings.jobParameterName,
              clusterName: physicalName(
                "generic",
                args.prefix,
                args.stage,
                collection.domain,
                "collect",
                collection.source,
              ),
            }),
          ),
        tags,
      },
      { parent: this },
    );
    const tables = Object.fromEntries(
      [...collection.events].sort().map((event) => [event, eventTableName(collection.source, event)]),
    );
    return {
      source: collection.source,
      domain: collection.domain,
      schedule: collection.schedule ?? defaultEventSchedule,
      job,
      jobParameterName: settings.jobParameterName,
      tables,
    };
  }

  /** Domains with at least one import, sorted. */
  domains(): string[] {
    return [
      ...new Set([
        ...[...this.databaseImports.values()].map((source) => source.domain),
        ...[...this.eventCollections.values()].map((collection) => collection.domain),
      ]),
    ].sort();
  }

  /** One database source's resources; throws for a source this component does not have. */
  source(name: string): DatabaseImport {
    const found = this.databaseImports.get(name);
    if (!found)
      throw new Error(
        `DatabaseImporter "${this.componentName}" has no source "${name}"; sources: ${[...this.databaseImports.keys()].join(", ") || "none"}`,
      );
    return found;
  }

  /** One event collection's resources; throws for a source this component does not collect. */
  collection(source: string): EventCollection {
    const found = this.eventCollections.get(source);
    if (!found)
      throw new Error(
        `DatabaseImporter "${this.componentName}" collects no events of "${source}"; collections: ${[...this.eventCollections.keys()].join(", ") || "none"}`,
      );
    return found;
  }

  /** SSM parameter names of a domain's job definitions, sorted. */
  jobParameterNames(domain: string): string[] {
    return [
      ...[...this.databaseImports.values()]
        .filter((source) => source.domain === domain)
        .map((source) => source.jobParameterName),
      ...[...this.eventCollections.values()]
        .filter((collection) => collection.domain === domain)
        .map((collection) => collection.jobParameterName),
    ].sort();
  }

  /**
   * Lets a domain's orchestrator (its Airflow execution role) read the domain's job
   * definitions. Launching the cluster is `EphemeralSparkCluster.grantLaunch`.
   * One inline policy `<importer>-<grantee>-read-jobs-<domain>` on the grantee's role.
   */
  grantReadJobs(grantee: Grantee, scope: ImportJobsScope): ImportJobsGrant {
    const domain = scope.domain;
    const parameters = this.jobParameterNames(domain);
    if (parameters.length === 0)
      throw new Error(
        `DatabaseImporter "${this.componentName}" has no imports for domain "${domain}"; domains: ${this.domains().join(", ") || "none"}`,
      );
    const { accountId, partition, region } = this.lake.account;
    const statements = pulumi
      .all([partition, region, accountId])
      .apply(
        ([partitionValue, regionValue, account]) =>
          readJobsPolicy(parameters.map((parameter) => parameterArn(partitionValue, regionValue, account, parameter)))
            .Statement,
      );
    return rolePolicyGrant(
      this,
      `${this.componentName}-${grantee.name}-read-jobs-${domain}`,
      grantee,
      scope,
      statements,
    );
  }

  /** What the component contributes to the platform contract (`ingestion.importer`). */
  contract(): pulumi.Output<ImporterContract> {
    const databases = Object.fromEntries(
      [...this.databaseImports.values()].map((source) => [
        source.name,
        {
          domain: source.domain,
          kind: source.kind,
          schedule: source.schedule,
          jobParameter: source.jobParameterName,
          securityGroupId: source.securityGroup.id,
          targetDatabase: this.lake.domain(source.domain).databases.raw!.name,
          tables: source.tables,
        },
      ]),
    );
    const events = Object.fromEntries(
      [...this.eventCollections.values()].map((collection) => [
        collection.source,
        {
          domain: collection.domain,
          schedule: collection.schedule,
          jobParameter: collection.jobParameterName,
          targetDatabase: this.lake.domain(collection.domain).databases.raw!.name,
          tables: collection.tables,
        },
      ]),
    );
    return pulumi.output({
      databases,
      events,
      jobParametersByDomain: Object.fromEntries(
        this.domains().map((domain) => [domain, this.jobParameterNames(domain)]),
      ),
    }) as pulumi.Output<ImporterContract>;
  }
}

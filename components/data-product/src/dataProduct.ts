import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lfTagKeys, productTagValue, tagKeys, type Classification } from "@data-platform/conventions";

export type { Classification };

export interface DataProductConsumer {
  /** The consuming domain (part of resource names). */
  domain: string;
  /** Roles of that domain that read the product, by purpose (e.g. `{ airflow, spark }`, ARNs from the platform contract). */
  roles: Record<string, pulumi.Input<string>>;
}

export interface DataProductArgs {
  /** The producing domain. */
  domain: string;
  /** Table name: a lowercase Glue identifier. */
  name: string;
  description: string;
  /** Glue database of the zone the product lives in (from the platform contract). */
  databaseName: pulumi.Input<string>;
  /** Bucket of that zone; the table lives under `s3://<bucket>/<name>/`. */
  bucketName: pulumi.Input<string>;
  /** LF-Tag `classification` of the table. @default "internal" */
  classification?: Classification;
  /** Domains allowed to read the product (SELECT, DESCRIBE); nobody else gets it. @default none */
  consumers?: DataProductConsumer[];
}

const identifier = /^[a-z][a-z0-9_]{0,62}$/;
const domainName = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function validateDataProductArgs(name: string, args: DataProductArgs): void {
  const problems: string[] = [];
  if (!identifier.test(args.name)) problems.push(`name "${args.name}" is not a lowercase Glue identifier`);
  const consumers = args.consumers ?? [];
  const seen = new Set<string>();
  for (const consumer of consumers) {
    if (!domainName.test(consumer.domain)) problems.push(`consumer "${consumer.domain}" is not a domain name`);
    if (consumer.domain === args.domain) problems.push(`consumer "${consumer.domain}" is the producing domain itself`);
    if (seen.has(consumer.domain)) problems.push(`consumer "${consumer.domain}" is listed twice`);
    if (Object.keys(consumer.roles).length === 0) problems.push(`consumer "${consumer.domain}" names no roles`);
    for (const purpose of Object.keys(consumer.roles))
      if (!domainName.test(purpose))
        problems.push(
          `consumer "${consumer.domain}": role key "${purpose}" must be lowercase letters, digits and hyphens`,
        );
    seen.add(consumer.domain);
  }
  if (problems.length > 0)
    throw new Error(`DataProduct "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

/**
 * A domain's output port: the Delta table registered in Glue at its location,
 * tagged for Lake Formation (`classification`, and `product` = `<domain>.<name>`, a value the
 * platform's `product` LF-Tag defines only for products in the domain registry), readable by the
 * named consumer domains and by the platform readers granted the product's tag.
 */
export class DataProduct extends pulumi.ComponentResource {
  readonly table: aws.glue.CatalogTable;
  readonly location: pulumi.Output<string>;
  readonly grants: aws.lakeformation.Permissions[];

  constructor(name: string, args: DataProductArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataProductArgs(name, args);
    super("data-platform:product:DataProduct", name, {}, opts);
    this.location = pulumi.interpolate`s3://${args.bucketName}/${args.name}/`;
    this.table = new aws.glue.CatalogTable(
      name,
      {
        databaseName: args.databaseName,
        name: args.name,
        description: args.description,
        tableType: "EXTERNAL_TABLE",
        // How Spark, Trino/Starburst and Redshift Spectrum recognise a Delta table in Glue.
        parameters: {
          "spark.sql.sources.provider": "delta",
          classification: "delta",
          EXTERNAL: "TRUE",
          [tagKeys.domain]: args.domain,
        },
        storageDescriptor: { location: this.location },
      },
      { parent: this },
    );
    new aws.lakeformation.ResourceLfTags(
      `${name}-lf-tags`,
      {
        table: { databaseName: args.databaseName, name: this.table.name },
        // `product` is what the platform's readers (warehouse, query mesh, notebooks) are granted on: the table
        // becomes readable to them once tagged, without the platform naming a table that did not exist yet.
        lfTags: [
          { key: lfTagKeys.classification, value: args.classification ?? "internal" },
          { key: lfTagKeys.product, value: productTagValue(args.domain, args.name) },
        ],
      },
      { parent: this },
    );
    this.grants = [...(args.consumers ?? [])]
      .sort((a, b) => (a.domain < b.domain ? -1 : 1))
      .flatMap((consumer) =>
        Object.entries(consumer.roles).map(
          ([purpose, roleArn]) =>
            new aws.lakeformation.Permissions(
              `${name}-${consumer.domain}-${purpose}`,
              {
                principal: roleArn,
                permissions: ["SELECT", "DESCRIBE"],
                permissionsWithGrantOptions: [],
                table: { databaseName: args.databaseName, name: this.table.name },
              },
              { parent: this },
            ),
        ),
      );
    this.registerOutputs({ location: this.location, table: this.table.name });
  }
}

import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { loadPlatformConfig, type PlatformConfig } from "@data-platform/config";
import { domainTags, providerDefaultTags } from "@data-platform/conventions";
import { DataLake } from "@data-platform/data-lake";
import { contractVersion, type DomainContract, type PlatformContract } from "@data-platform/platform-contract";

/** The directory holding this stack's files (`domains/`, `Pulumi.<stage>.yaml`), compiled or not. */
export const programDir = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/**
 * The platform program for one stage. Config is read and validated first: an
 * invalid stage config or domain file stops here, before any resource exists.
 */
/** The stack outputs: the platform contract, checked against its type here. */
export type PlatformOutputs = { [K in keyof PlatformContract]: pulumi.Input<PlatformContract[K]> };

export async function platform(config: PlatformConfig = loadPlatformConfig({ programDir })): Promise<PlatformOutputs> {
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
      domains: config.domains.map((domain) => ({
        name: domain.name,
        zones: domain.needs.zones,
        dataProducts: domain.dataProducts.map((product) => ({ name: product.name, zone: product.zone, classification: product.classification })),
        tags: domainTags({ domain: domain.name, owner: domain.owners.team, costCentre: domain.costCentre }),
      })),
      landingExpirationDays: config.lake.landingExpirationDays,
      noncurrentVersionExpirationDays: config.lake.noncurrentVersionExpirationDays,
      intelligentTieringAfterDays: config.lake.intelligentTieringAfterDays,
      abortIncompleteMultipartUploadDays: config.lake.abortIncompleteMultipartUploadDays,
      protect: config.protect,
    },
    withProvider,
  );

  const lakeContract = lake.contract();
  const domains = lakeContract.apply((contract) =>
    Object.fromEntries(
      config.domains.map((domain): [string, DomainContract] => [
        domain.name,
        {
          name: domain.name,
          owner: domain.owners.team,
          contact: domain.owners.email,
          costCentre: domain.costCentre,
          zones: domain.needs.zones,
          storage: contract.domains[domain.name] ?? null,
          workflow: null,
          sparkTemplateParameter: null,
        },
      ]),
    ),
  );

  return {
    contractVersion,
    stage: config.stage,
    region: config.region,
    network: null,
    lake: lakeContract,
    spark: null,
    domains,
  };
}

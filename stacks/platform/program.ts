import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { loadPlatformConfig, type PlatformConfig } from "@data-platform/config";
import { providerDefaultTags } from "@data-platform/conventions";

/** The directory holding this stack's files (`domains/`, `Pulumi.<stage>.yaml`), compiled or not. */
export const programDir = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/**
 * The platform program for one stage. Config is read and validated first: an
 * invalid stage config or domain file stops here, before any resource exists.
 */
export async function platform(config: PlatformConfig = loadPlatformConfig({ programDir })): Promise<Record<string, unknown>> {
  // Every AWS resource of the stage is created through this provider, so the
  // stage, owner and cost-centre tags are on everything that can carry tags.
  const provider = new aws.Provider("platform", {
    region: config.region,
    defaultTags: providerDefaultTags({ stage: config.stage, owner: config.owner, costCentre: config.costCentre }),
  });

  return {
    stage: config.stage,
    region: config.region,
    awsProvider: provider.urn,
    domains: Object.fromEntries(
      config.domains.map((domain) => [domain.name, { owner: domain.owners.team, contact: domain.owners.email, costCentre: domain.costCentre, zones: domain.needs.zones }]),
    ),
  };
}

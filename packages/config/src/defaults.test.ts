import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolvePlatformConfig } from "./load";
import { domainFileSchema, domainNeedsSchema, stageConfigSchema } from "./schema";

const stackDir = path.resolve(__dirname, "../../../stacks/platform");

/** Encrypted values read as the engine would hand them decrypted (any string), as the offline plan does. */
const decrypted = (value: unknown): unknown =>
  value && typeof value === "object" && !Array.isArray(value)
    ? "secure" in value
      ? "[secret]"
      : Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decrypted(child)]))
    : Array.isArray(value)
      ? value.map(decrypted)
      : value;

function stageValues(stage: string): Record<string, unknown> {
  const document = decrypted(parse(fs.readFileSync(path.join(stackDir, `Pulumi.${stage}.yaml`), "utf8"))) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(document.config)
      .filter(([key]) => key.startsWith("data-platform:"))
      .map(([key, value]) => [key.slice("data-platform:".length), value]),
  );
}

/** The least a stage file must say: every other key takes its default. */
const minimalStage = {
  owner: "data-platform-team",
  costCentre: "CC-0100",
  network: { vpcCidr: "10.40.0.0/16", availabilityZones: 2, natGateways: "single" },
  cluster: {
    kubernetesVersion: "1.35",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: {},
  },
};
/** The least a domain file must say. */
const minimalDomain = {
  name: "orders",
  description: "Orders.",
  owners: { team: "orders-data", email: "orders-data@example.com" },
  costCentre: "CC-1010",
};

/**
 * The parsed configuration of the repository's stages and of minimal inputs (where every default applies), as
 * recorded in __fixtures__/parsed-configs.json. Stating a default once (zod's prefault) instead of re-listing it in
 * an object default must leave every parsed value as it was: a changed default shows here first.
 */
function parsedConfigs(): Record<string, unknown> {
  const stages = Object.fromEntries(
    ["dev", "staging", "prod"].map((stage) => {
      const config = resolvePlatformConfig({
        stack: stage,
        values: stageValues(stage),
        configFile: path.join(stackDir, `Pulumi.${stage}.yaml`),
        domainsDir: path.join(stackDir, "domains"),
        now: new Date("2026-12-05T12:00:00Z"),
      });
      // Where the files were read from depends on the working directory; every other value is compared.
      const { sources: _sources, ...rest } = config;
      return [stage, { ...rest, domains: rest.domains.map(({ file: _file, ...domain }) => domain) }];
    }),
  );
  return {
    ...stages,
    minimalStage: stageConfigSchema.parse(minimalStage),
    minimalDomain: domainFileSchema.parse(minimalDomain),
    emptyNeeds: domainNeedsSchema.parse({}),
  };
}

describe("defaults", () => {
  it("parse the dev, staging and prod stages and minimal inputs to the recorded configuration", async () => {
    await expect(`${JSON.stringify(parsedConfigs(), null, 2)}\n`).toMatchFileSnapshot(
      "__fixtures__/parsed-configs.json",
    );
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { eksVersionProblem } from "./eks-versions";
import { closest, ConfigError, didYouMean, issuesFromZod, type ConfigIssue } from "./errors";
import { sourcePositions } from "./positions";
import { displayPath } from "./stack-file";
import {
  domainFileSchema,
  domainNeedsSchema,
  stageConfigSchema,
  type DomainFile,
  type DomainNeeds,
  type StageConfigValues,
} from "./schema";

/** The config namespace of the platform project (`data-platform:<key>`). */
export const configNamespace = "data-platform";
export const defaultRegion = "eu-west-1";

/** A registered domain as enabled in one stage: the domain file with the stage's overrides applied. */
export interface EnabledDomain extends DomainFile {
  needs: DomainNeeds;
  /** The domain file it came from (for messages). */
  file: string;
}

/** The validated, typed configuration of one stage: the only thing components are built from. */
export interface PlatformConfig extends Omit<StageConfigValues, "domains"> {
  stage: string;
  region: string;
  /** Enabled domains, sorted by name (never by position in a file). */
  domains: EnabledDomain[];
  /** Every registered domain, enabled here or not, sorted by name. */
  registry: DomainFile[];
  sources: { configFile: string; domainsDir: string };
}

export interface RegistryResult {
  domains: DomainFile[];
  issues: ConfigIssue[];
  /**
   * Domains whose file failed (by file name), and `"*"` when the directory is missing or empty: checks that refer to
   * them are skipped, so one broken file is reported once, not again as "not registered" or "not enabled".
   */
  failed: Set<string>;
}

/** Reads and validates every `<name>.yaml` in the registry directory. */
export function readDomainRegistry(domainsDir: string): RegistryResult {
  const issues: ConfigIssue[] = [];
  const failed = new Set<string>();
  const dirLabel = displayPath(domainsDir);
  if (!fs.existsSync(domainsDir) || !fs.statSync(domainsDir).isDirectory()) {
    return {
      domains: [],
      issues: [{ file: dirLabel, path: "", message: "domain registry directory does not exist" }],
      failed: new Set(["*"]),
    };
  }
  const files = fs
    .readdirSync(domainsDir)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort();
  if (files.length === 0) {
    return {
      domains: [],
      issues: [{ file: dirLabel, path: "", message: `no domain files in ${dirLabel} (one <domain>.yaml per domain)` }],
      failed: new Set(["*"]),
    };
  }
  const domains: DomainFile[] = [];
  const seen = new Map<string, string>();
  for (const entry of files) {
    const fullPath = path.join(domainsDir, entry);
    const label = displayPath(fullPath);
    const stem = entry.replace(/\.ya?ml$/, "");
    const source = sourcePositions(fs.readFileSync(fullPath, "utf8"), label);
    if (source.issues.length > 0) {
      issues.push(...source.issues);
      failed.add(stem);
      continue;
    }
    const raw: unknown = source.value;
    const parsed = domainFileSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      issues.push(...issuesFromZod(parsed.error, domainFileSchema, label, "", raw ?? {}));
      failed.add(stem);
      continue;
    }
    const domain = parsed.data;
    if (stem !== domain.name) {
      issues.push({ file: label, path: "name", message: `"${domain.name}" must match the file name ("${stem}")` });
      failed.add(stem);
    }
    const earlier = seen.get(domain.name);
    if (earlier) {
      issues.push({
        file: label,
        path: "name",
        message: `duplicate domain "${domain.name}", already registered by ${earlier}`,
      });
      continue;
    }
    const productNames = new Set<string>();
    domain.dataProducts.forEach((product, index) => {
      if (productNames.has(product.name)) {
        issues.push({
          file: label,
          path: `dataProducts[${index}].name`,
          message: `duplicate data product "${product.name}"`,
        });
      }
      productNames.add(product.name);
      if (!domain.needs.zones.includes(product.zone)) {
        issues.push({
          file: label,
          path: `dataProducts[${index}].zone`,
          message: `zone "${product.zone}" is not in needs.zones (${domain.needs.zones.join(", ")})`,
        });
      }
    });
    seen.set(domain.name, label);
    domains.push(domain);
  }
  // Consumers are registered domains other than the producer (enabled or not in a given stage).
  const registered = new Set(domains.map((domain) => domain.name));
  for (const domain of domains) {
    const label = seen.get(domain.name)!;
    domain.dataProducts.forEach((product, index) => {
      product.consumers.forEach((consumer, position) => {
        const at = `dataProducts[${index}].consumers[${position}]`;
        if (consumer === domain.name)
          issues.push({
            file: label,
            path: at,
            message: `"${consumer}" is the producing domain itself: it reads its own data already`,
          });
        // A consumer whose own file failed is reported there once, never again here.
        else if (!registered.has(consumer) && !failed.has(consumer)) {
          issues.push({
            file: label,
            path: at,
            message: `"${consumer}" is not a registered domain${didYouMean(consumer, registered)} (registered: ${[...registered].sort().join(", ")})`,
          });
        }
      });
    });
  }
  domains.sort((a, b) => a.name.localeCompare(b.name));
  return { domains, issues, failed };
}

function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined || override === null) return base;
  if (
    typeof base !== "object" ||
    base === null ||
    Array.isArray(base) ||
    typeof override !== "object" ||
    Array.isArray(override)
  ) {
    return override as T;
  }
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override as Record<string, unknown>)) {
    result[key] = value === undefined ? result[key] : deepMerge(result[key], value);
  }
  return result as T;
}

export interface StageConfigSource {
  /** Stack (= stage) name. */
  stack: string;
  /** Values of the `data-platform:` namespace, keys without the namespace, already typed. */
  values: Record<string, unknown>;
  region?: string;
  /** The stage config file, for messages. */
  configFile: string;
  domainsDir: string;
  /** The date support calendars are checked against (the EKS version's standard support). @default now */
  now?: Date;
}

/**
 * Validates the stage config against the domain registry and returns the typed
 * platform config. Throws one ConfigError listing every problem, so a program
 * stops before registering any resource.
 */
export function resolvePlatformConfig(source: StageConfigSource): PlatformConfig {
  const configLabel = displayPath(source.configFile);
  const issues: ConfigIssue[] = [];
  const registry = readDomainRegistry(source.domainsDir);
  issues.push(...registry.issues);

  if (!/^[a-z][a-z0-9-]{1,15}$/.test(source.stack)) {
    issues.push({
      file: configLabel,
      path: "",
      message: `stack name "${source.stack}" must be 2-16 lowercase letters, digits or hyphens (it is part of physical names)`,
    });
  }
  const region = source.region ?? defaultRegion;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    issues.push({
      file: configLabel,
      path: "aws:region",
      message: `"${region}" is not an AWS region name such as eu-west-1`,
    });
  }

  const registered = new Map(registry.domains.map((domain) => [domain.name, domain]));
  // A domain whose file failed (or every domain, when the registry is missing or empty) was reported already.
  // A misspelt domain in the stage (`logistcs`) is taken as the failed attempt to enable the one it resembles.
  const misspelt = new Set<string>();
  const stageDomains = source.values["domains"];
  if (stageDomains && typeof stageDomains === "object" && !Array.isArray(stageDomains)) {
    for (const name of Object.keys(stageDomains)) {
      const intended = registered.has(name) ? undefined : closest(name, registered.keys());
      if (intended !== undefined && !Object.hasOwn(stageDomains, intended)) misspelt.add(intended);
    }
  }
  const failedDomain = (name: string) => registry.failed.has("*") || registry.failed.has(name) || misspelt.has(name);
  const unregistered = (name: string): ConfigIssue => {
    const known = [...registered.keys()];
    return {
      file: configLabel,
      path: `${configNamespace}:domains.${name}`,
      message: `domain "${name}" is not registered in ${displayPath(source.domainsDir)}${didYouMean(name, known)}${known.length ? `; registered domains: ${known.join(", ")}` : ""}`,
    };
  };

  const parsed = stageConfigSchema.safeParse(source.values);
  if (!parsed.success) {
    issues.push(...issuesFromZod(parsed.error, stageConfigSchema, configLabel, `${configNamespace}:`, source.values));
    // Still report unregistered domains, so one run lists every problem.
    const rawDomains = source.values["domains"];
    if (rawDomains && typeof rawDomains === "object" && !Array.isArray(rawDomains)) {
      for (const name of Object.keys(rawDomains).sort())
        if (!registered.has(name) && !failedDomain(name)) issues.push(unregistered(name));
    }
    throw new ConfigError(issues);
  }
  const stage = parsed.data;

  issues.push(...checkNetwork(stage, configLabel));

  const domains: EnabledDomain[] = [];
  for (const [name, override] of Object.entries(stage.domains).sort(([a], [b]) => a.localeCompare(b))) {
    const domain = registered.get(name);
    if (!domain) {
      if (!failedDomain(name)) issues.push(unregistered(name));
      continue;
    }
    const mergedNeeds = domainNeedsSchema.safeParse(deepMerge(domain.needs, override?.needs));
    if (!mergedNeeds.success) {
      issues.push(
        ...issuesFromZod(mergedNeeds.error, domainNeedsSchema, configLabel, `${configNamespace}:domains.${name}.needs`),
      );
      continue;
    }
    // Whether the merged zones still hold the domain's products is the lake's rule (DataLake), checked by the
    // stage's preflight and filed under this domain's needs.zones.
    domains.push({
      ...domain,
      needs: mergedNeeds.data,
      file: displayPath(path.join(source.domainsDir, `${name}.yaml`)),
    });
  }

  const enabled = new Map(domains.map((domain) => [domain.name, domain]));
  if (stage.warehouse.enabled && stage.network.availabilityZones !== 3) {
    issues.push({
      file: configLabel,
      path: `${configNamespace}:warehouse.enabled`,
      message:
        "Redshift Serverless needs subnets in three AZs: set network.availabilityZones to 3 or disable the warehouse",
    });
  }
  for (const [source, definition] of Object.entries(stage.ingestion?.sources ?? {})) {
    if (definition.domain && !enabled.has(definition.domain) && !failedDomain(definition.domain)) {
      issues.push({
        file: configLabel,
        path: `${configNamespace}:ingestion.sources.${source}.domain`,
        message: `domain "${definition.domain}" is not enabled in this stage${didYouMean(definition.domain, enabled.keys())}`,
      });
    }
  }
  for (const [source, definition] of Object.entries(stage.importer?.sources ?? {})) {
    const domain = enabled.get(definition.domain);
    const key = `${configNamespace}:importer.sources.${source}`;
    if (!domain) {
      if (!failedDomain(definition.domain))
        issues.push({
          file: configLabel,
          path: `${key}.domain`,
          message: `domain "${definition.domain}" is not enabled in this stage${didYouMean(definition.domain, enabled.keys())}`,
        });
    } else if (!domain.needs.spark.enabled || !domain.needs.zones.includes("raw"))
      issues.push({
        file: configLabel,
        path: `${key}.domain`,
        message: `domain "${definition.domain}" needs Spark and the raw zone to import into`,
      });
  }
  // The cluster's, the query mesh's and the notebook hub's own rules (node groups, API ranges, Karpenter pools,
  // notebook images, file access control and the dummy login outside dev stages) belong to those components, and which node groups the stage's services need to the stage's
  // composition: the platform program's preflight checks both on the args it builds from this config.
  const versionProblem = eksVersionProblem(stage.cluster.kubernetesVersion, source.now ?? new Date());
  if (versionProblem)
    issues.push({ file: configLabel, path: `${configNamespace}:cluster.kubernetesVersion`, message: versionProblem });
  for (const domain of stage.luigi.launchDomains) {
    if (!enabled.get(domain)?.needs.spark.enabled && !failedDomain(domain))
      issues.push({
        file: configLabel,
        path: `${configNamespace}:luigi.launchDomains`,
        message: `domain "${domain}" has no Spark in this stage`,
      });
  }

  if (issues.length > 0) throw new ConfigError(issues);
  const { domains: _overrides, ...rest } = stage;
  return {
    ...rest,
    stage: source.stack,
    region,
    domains,
    registry: registry.domains,
    sources: { configFile: configLabel, domainsDir: displayPath(source.domainsDir) },
  };
}

/** Dev stages (`dev`, `dev-<name>`) may use development settings; the rule is conventions' (re-exported for config's users). */
export { isDevStage } from "@data-platform/conventions";

function checkNetwork(stage: StageConfigValues, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const vpc = parseCidr(stage.network.vpcCidr) as Cidr;
  if (vpc.prefixLength < 16 || vpc.prefixLength > 20) {
    issues.push({
      file,
      path: `${configNamespace}:network.vpcCidr`,
      message: `"${vpc.text}" must be between /16 and /20 (room for private and public subnets in every AZ)`,
    });
  }
  const reserved = stage.network.reservedCidrs.map((text) => parseCidr(text) as Cidr);
  reserved.forEach((range, index) => {
    if (cidrsOverlap(vpc, range)) {
      issues.push({
        file,
        path: `${configNamespace}:network.reservedCidrs[${index}]`,
        message: `"${range.text}" overlaps the VPC range ${vpc.text}`,
      });
    }
    reserved.slice(0, index).forEach((other) => {
      if (cidrsOverlap(other, range)) {
        issues.push({
          file,
          path: `${configNamespace}:network.reservedCidrs[${index}]`,
          message: `"${range.text}" overlaps "${other.text}"`,
        });
      }
    });
  });
  const endpoints = stage.network.interfaceEndpoints;
  endpoints.forEach((service, index) => {
    if (endpoints.indexOf(service) !== index) {
      issues.push({
        file,
        path: `${configNamespace}:network.interfaceEndpoints[${index}]`,
        message: `duplicate endpoint "${service}"`,
      });
    }
  });
  return issues;
}

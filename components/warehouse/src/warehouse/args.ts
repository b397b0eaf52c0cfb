import * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import { sourceProblems, type NetworkSource } from "../shared/network";
import { sqlIdentifierPattern } from "./sql";
import { isLogRetentionDays, logRetentionDays, platformDefaults } from "@data-platform/conventions";

/** A domain whose analytics data products Looker reads through Spectrum. */
export interface SpectrumDomainArgs {
  /** Lake domain name; it must use the analytics zone. */
  name: string;
  /**
   * Analytics data products (tables) the warehouse may read, granted through Lake Formation.
   * @default every analytics data product the domain publishes
   */
  products?: string[];
}

export type UsageLimitPeriod = "daily" | "weekly" | "monthly";
export type UsageLimitBreachAction = "log" | "emit-metric" | "deactivate";

export interface WarehouseArgs {
  /** Short prefix of physical names (`dp`). */
  prefix: string;
  /** Stage (`prod`): part of physical names. */
  stage: string;
  /** The lake: Spectrum reads its curated zones through its grants (Lake Formation, S3 and KMS included). */
  lake: LakeRef;
  /** VPC of the workgroup's security group. */
  vpcId: pulumi.Input<string>;
  /**
   * Private subnets of the workgroup: at least three, in three Availability Zones (a Redshift
   * Serverless requirement, except in us-west-1).
   */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Who may connect to the warehouse's port: the query mesh, Looker's egress range or
   * security group... Each rule is named after its source; a /0 (the internet) is refused.
   * The Data API (used by this component's own statements) needs no rule.
   */
  allowedSources: NetworkSource[];
  /** Roles administering the warehouse key (management only, no data use). At least one. */
  administratorArns: pulumi.Input<string>[];
  /**
   * Base capacity in RPUs: 4, or a multiple of 8 from 8 to 1024. Redshift's own default is
   * 128 RPUs (~$48/hour while active), a costly trap for a Looker workload.
   * @default 8
   */
  baseCapacityRpu?: number;
  /** Ceiling the workgroup scales up to, in RPUs (a multiple of 8, at least the base, at most 5632). @default 64 */
  maxCapacityRpu?: number;
  /**
   * Compute usage limit, in RPU-hours per `usageLimitPeriod`.
   * @default 240 hours at base capacity (1,920 RPU-hours, ~$720 a month, at 8 RPUs)
   */
  usageLimitRpuHours?: number;
  /** @default "monthly" */
  usageLimitPeriod?: UsageLimitPeriod;
  /**
   * What happens when the limit is reached: `log` (system table only), `emit-metric` (a
   * CloudWatch metric to alarm on) or `deactivate` (queries stop until the period ends).
   * @default "emit-metric"
   */
  usageLimitBreachAction?: UsageLimitBreachAction;
  /** First database of the namespace, where Looker connects and the external schemas live. @default "analytics" */
  databaseName?: string;
  /** Administrator user; its password is generated and kept by Secrets Manager (`manageAdminPassword`). @default "warehouse_admin" */
  adminUsername?: string;
  /** The reporting user Looker connects as. @default "looker" */
  lookerUserName?: string;
  /** Schema Looker owns for persistent derived tables. @default "looker_scratch" */
  lookerScratchSchema?: string;
  /** Port of the workgroup (5431-5455 or 8191-8215). @default 5439 */
  port?: number;
  /**
   * Domains whose analytics data products get an external schema (named after the Glue
   * database, `<domain>_analytics`) and Lake Formation SELECT for the Spectrum role.
   * @default every lake domain that publishes analytics data products, all of them
   */
  spectrumDomains?: SpectrumDomainArgs[];
  /** Also read the central analytics zone (`central_analytics`, every table). @default true */
  spectrumCentralAnalytics?: boolean;
  /** Retention of the audit log groups, in days (a CloudWatch Logs retention value). @default 365 */
  auditLogRetentionDays?: number;
  /**
   * Protect and retain the stateful resources (the namespace with its data, the key, the
   * Looker secret): neither `pulumi destroy` nor a removed stage deletes them. Set in prod.
   * @default true
   */
  protect?: boolean;
  /** Tags of everything the component creates (provider default tags apply too). */
  tags?: Record<string, string>;
}

export const warehouseDefaults = {
  // baseCapacityRpu, maxCapacityRpu, usageLimitPeriod, usageLimitBreachAction, auditLogRetentionDays: shared with the stage config.
  ...platformDefaults.warehouse,
  usageLimitHoursAtBase: 240,
  databaseName: "analytics",
  adminUsername: "warehouse_admin",
  lookerUserName: "looker",
  lookerScratchSchema: "looker_scratch",
  port: 5439,
} as const;

export { logRetentionDays };

const periods: readonly UsageLimitPeriod[] = ["daily", "weekly", "monthly"];
const breachActions: readonly UsageLimitBreachAction[] = ["log", "emit-metric", "deactivate"];
/** Names Redshift reserves or that would shadow built-in schemas. */
const reservedNames = new Set(["public", "dev", "padb_harvest", "rdsdb", "information_schema", "pg_catalog"]);

/** @internal Exported for its tests only; not part of the package's API. */
export function isValidBaseCapacity(rpu: number): boolean {
  return rpu === 4 || (Number.isInteger(rpu) && rpu >= 8 && rpu <= 1024 && rpu % 8 === 0);
}

/** The Spectrum domains and products after defaults: every lake domain with analytics products, sorted by name. */
export function resolveSpectrumDomains(
  lake: LakeRef,
  requested: SpectrumDomainArgs[] | undefined,
): { name: string; products: string[] }[] {
  const domains: SpectrumDomainArgs[] = requested ?? lake.domainNames().map((name) => ({ name }));
  return domains
    .filter((domain) => lake.domainNames().includes(domain.name))
    .map((domain) => ({
      name: domain.name,
      products: [...(domain.products ?? lake.domain(domain.name).products.analytics ?? [])].sort(),
    }))
    .filter((domain) => requested !== undefined || domain.products.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Validates args before anything is registered; throws one error listing every problem. */
export function validateWarehouseArgs(name: string, args: WarehouseArgs): void {
  const problems: string[] = [];
  if (args.administratorArns.length === 0)
    problems.push("administratorArns must name at least one role (the deploying role)");
  problems.push(...sourceProblems(args.allowedSources));

  const base = args.baseCapacityRpu ?? warehouseDefaults.baseCapacityRpu;
  const max = args.maxCapacityRpu ?? warehouseDefaults.maxCapacityRpu;
  if (!isValidBaseCapacity(base))
    problems.push(`baseCapacityRpu must be 4 or a multiple of 8 from 8 to 1024, got ${base}`);
  if (!Number.isInteger(max) || max % 8 !== 0 || max > 5632)
    problems.push(`maxCapacityRpu must be a multiple of 8 up to 5632, got ${max}`);
  else if (max < base) problems.push(`maxCapacityRpu (${max}) must be at least baseCapacityRpu (${base})`);
  if (
    args.usageLimitRpuHours !== undefined &&
    (!Number.isInteger(args.usageLimitRpuHours) || args.usageLimitRpuHours <= 0)
  ) {
    problems.push(`usageLimitRpuHours must be a whole number above 0, got ${args.usageLimitRpuHours}`);
  }
  if (args.usageLimitPeriod !== undefined && !periods.includes(args.usageLimitPeriod))
    problems.push(`usageLimitPeriod must be one of ${periods.join(", ")}, got "${args.usageLimitPeriod}"`);
  if (args.usageLimitBreachAction !== undefined && !breachActions.includes(args.usageLimitBreachAction)) {
    problems.push(
      `usageLimitBreachAction must be one of ${breachActions.join(", ")}, got "${args.usageLimitBreachAction}"`,
    );
  }

  const identifiers = {
    databaseName: args.databaseName ?? warehouseDefaults.databaseName,
    adminUsername: args.adminUsername ?? warehouseDefaults.adminUsername,
    lookerUserName: args.lookerUserName ?? warehouseDefaults.lookerUserName,
    lookerScratchSchema: args.lookerScratchSchema ?? warehouseDefaults.lookerScratchSchema,
  };
  for (const [key, value] of Object.entries(identifiers)) {
    if (!sqlIdentifierPattern.test(value) || !/^[a-z]/.test(value))
      problems.push(
        `${key} "${value}" must start with a lowercase letter and hold lowercase letters, digits and underscores (at most 63)`,
      );
    else if (reservedNames.has(value)) problems.push(`${key} "${value}" is reserved by Redshift`);
  }
  if (identifiers.lookerUserName === identifiers.adminUsername)
    problems.push(`lookerUserName and adminUsername must differ (both "${identifiers.adminUsername}")`);

  const port = args.port ?? warehouseDefaults.port;
  if (!Number.isInteger(port) || !((port >= 5431 && port <= 5455) || (port >= 8191 && port <= 8215)))
    problems.push(`port must be 5431-5455 or 8191-8215, got ${port}`);

  const retention = args.auditLogRetentionDays ?? warehouseDefaults.auditLogRetentionDays;
  if (!isLogRetentionDays(retention))
    problems.push(
      `auditLogRetentionDays must be a CloudWatch Logs retention value (${logRetentionDays.join(", ")}), got ${retention}`,
    );

  // A plain list can be checked now; an Output is checked by Redshift at deployment.
  const subnets = args.privateSubnetIds;
  if (Array.isArray(subnets) && !pulumi.Output.isInstance(subnets)) {
    if (subnets.length < 3)
      problems.push(
        `privateSubnetIds must hold at least three subnets in three Availability Zones, got ${subnets.length}`,
      );
    const plain = subnets.filter((subnet): subnet is string => typeof subnet === "string");
    if (new Set(plain).size !== plain.length) problems.push("privateSubnetIds lists a subnet twice");
  }

  const known = args.lake.domainNames();
  const seen = new Set<string>();
  for (const domain of args.spectrumDomains ?? []) {
    const label = `spectrumDomains "${domain.name}"`;
    if (seen.has(domain.name)) problems.push(`${label} is listed twice`);
    seen.add(domain.name);
    if (!known.includes(domain.name)) {
      problems.push(`${label} is not a lake domain (lake domains: ${known.join(", ") || "none"})`);
      continue;
    }
    const storage = args.lake.domain(domain.name);
    const published = storage.products.analytics ?? [];
    if (!storage.zones.includes("analytics")) problems.push(`${label}: the domain has no analytics zone`);
    else if ((domain.products ?? published).length === 0)
      problems.push(`${label}: the domain publishes no analytics data products; name products or leave the domain out`);
    for (const product of domain.products ?? []) {
      if (!published.includes(product))
        problems.push(
          `${label}: no analytics data product "${product}" (published: ${published.join(", ") || "none"})`,
        );
    }
  }
  if (problems.length > 0)
    throw new Error(`Warehouse "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
}

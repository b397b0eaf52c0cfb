import type * as pulumi from "@pulumi/pulumi";
import type { LakeRef } from "@data-platform/data-lake";
import type { EphemeralSparkCluster } from "@data-platform/ephemeral-spark-cluster";
import {
  mwaaAirflowVersions,
  mwaaEnvironmentClasses,
  parseCidr,
  platformDefaults,
  type MwaaEnvironmentClass,
} from "@data-platform/conventions";

/** MWAA's environment classes and Airflow versions: the shared lists (re-exported under this package's names). */
export const environmentClasses = mwaaEnvironmentClasses;
export type EnvironmentClass = MwaaEnvironmentClass;
export const airflowVersions = mwaaAirflowVersions;
export type AirflowLogLevel = "CRITICAL" | "ERROR" | "WARNING" | "INFO" | "DEBUG";

export interface DomainWorkflowEnvArgs {
  prefix: string;
  stage: string;
  /** The domain this environment belongs to; the lake must have it. */
  domain: string;
  lake: LakeRef;
  /** The stage's Spark; when the domain has Spark there, Airflow may launch its clusters. @default no Spark */
  spark?: EphemeralSparkCluster;
  vpcId: pulumi.Input<string>;
  /** Private subnets; MWAA uses the first two (in two AZs), Fargate tasks all of them. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Airflow version, one of `airflowVersions`. @default "2.10.3" */
  airflowVersion?: string;
  /**
   * Operator networks (VPN, peered offices) admitted to the private web server and REST API on 443. The
   * environment's own components reach it through the self-referencing rule. @default [] (no one outside)
   */
  webserverAccessCidrs?: string[];
  /** MWAA environment class. @default "mw1.small" */
  environmentClass?: EnvironmentClass;
  /** @default 1 */
  minWorkers?: number;
  /** @default 5 (MWAA allows 25 by default) */
  maxWorkers?: number;
  /** Level of all five Airflow log types. @default "INFO" */
  logLevel?: AirflowLogLevel;
  /**
   * The platform's DAG library (`packages/dag-lib`, Python package `data_platform`) as an archive: uploaded to the
   * DAG bucket as `plugins.zip` and installed in the environment (its version pinned, so a new library updates
   * the environment). Not together with `pluginsZip`. @default none
   */
  platformLibrary?: pulumi.asset.Archive;
  /** Use `plugins.zip` / `requirements.txt` / `startup.sh` from the DAG bucket (the files must be uploaded first). @default false each */
  pluginsZip?: boolean;
  requirementsTxt?: boolean;
  startupScript?: boolean;
  /** ECR repositories created under `<prefix>-<stage>/<domain>/`. @default ["spark", "jobs"] */
  images?: string[];
  /** An ECS Fargate runner for non-Spark jobs. @default false */
  fargate?: boolean;
  /** Retention of the ECS log group. @default 90 */
  logRetentionDays?: number;
  /** Protect and retain the DAG bucket and the repositories. @default true */
  protect?: boolean;
  /** Tags (owner, cost centre); the domain tag is added. */
  tags?: Record<string, string>;
}

const imageName = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

export function validateWorkflowArgs(name: string, args: DomainWorkflowEnvArgs): void {
  const problems: string[] = [];
  if (!args.lake.domainNames().includes(args.domain))
    problems.push(
      `domain "${args.domain}" is not in the lake (lake domains: ${args.lake.domainNames().join(", ") || "none"})`,
    );
  const min = args.minWorkers ?? platformDefaults.workflow.minWorkers;
  const max = args.maxWorkers ?? platformDefaults.workflow.maxWorkers;
  if (!Number.isInteger(min) || min < 1) problems.push(`minWorkers must be a whole number of at least 1, got ${min}`);
  if (!Number.isInteger(max) || max < min || max > 25)
    problems.push(`maxWorkers must be between minWorkers and 25, got ${max}`);
  if (args.airflowVersion !== undefined && !(airflowVersions as readonly string[]).includes(args.airflowVersion)) {
    problems.push(`airflowVersion "${args.airflowVersion}" is not one MWAA supports (${airflowVersions.join(", ")})`);
  }
  for (const cidr of args.webserverAccessCidrs ?? []) {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") problems.push(`webserverAccessCidrs: ${parsed}`);
    else if (parsed.prefixLength === 0)
      problems.push(`webserverAccessCidrs: "${cidr}" admits the internet; the web server is private`);
  }
  if (args.environmentClass !== undefined && !environmentClasses.includes(args.environmentClass))
    problems.push(`environmentClass "${args.environmentClass}" is not an MWAA class`);
  const images = args.images ?? ["spark", "jobs"];
  for (const image of images)
    if (!imageName.test(image)) problems.push(`image "${image}" is not a valid ECR repository name part`);
  if (new Set(images).size !== images.length) problems.push("images are listed twice");
  if (args.fargate && !images.includes("jobs")) problems.push('fargate needs the "jobs" image repository');
  if (args.platformLibrary && args.pluginsZip)
    problems.push("platformLibrary and pluginsZip both set plugins.zip: choose one");
  if (problems.length > 0)
    throw new Error(
      `DomainWorkflowEnv "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

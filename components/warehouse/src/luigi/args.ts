import type * as pulumi from "@pulumi/pulumi";
import { platformDefaults } from "@data-platform/conventions";
import type { LakeRef } from "@data-platform/data-lake";
import { cidrListProblems } from "../shared/network";

export interface LegacyLuigiSchedulerArgs {
  /** Short prefix of physical names (`dp`). */
  prefix: string;
  /** Stage (`dev`): part of physical names. */
  stage: string;
  /** The lake: the instance role reads `code/<artifactsPrefix>/` and writes `logs/<artifactsPrefix>/` in its artifacts bucket. */
  lake: LakeRef;
  /** VPC of the instance's security group. */
  vpcId: pulumi.Input<string>;
  /** The private subnet the instance runs in (no public IP is ever assigned). */
  subnetId: pulumi.Input<string>;
  /** Ranges admitted to Luigi's port (the web UI and the workers' RPC): the VPC's CIDR. Never a /0. */
  allowedCidrs: string[];
  /** Roles administering the volume key (management only, no data use). At least one. */
  administratorArns: pulumi.Input<string>[];
  /** Graviton instance type (the default image is arm64). @default "t4g.small" */
  instanceType?: string;
  /** Exact Luigi release installed from PyPI. @default "3.8.1" */
  luigiVersion?: string;
  /** Port luigid listens on. @default 8082 */
  port?: number;
  /** Size of the encrypted root volume, in GiB. @default 20 */
  rootVolumeSizeGiB?: number;
  /**
   * Image: an AMI id or `resolve:ssm:<parameter>`, resolved by EC2 at launch (no lookup at
   * deployment, so a new AMI does not replace the instance until the template changes).
   * @default "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
   */
  imageId?: string;
  /** Prefix of the teams' Luigi code (`code/<prefix>/`) and logs (`logs/<prefix>/`) in the artifacts bucket. @default "luigi" */
  artifactsPrefix?: string;
  /** Protect and retain the volume key. @default true */
  protect?: boolean;
  tags?: Record<string, string>;
}

export const luigiDefaults = {
  // instanceType, luigiVersion: shared with the stage config.
  ...platformDefaults.luigi,
  port: 8082,
  rootVolumeSizeGiB: 20,
  imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
  artifactsPrefix: "luigi",
} as const;

/**
 * Graviton families carry a `g` after the generation (`t4g`, `m7g`, `c7gn`).
 * @internal Exported for its tests only; not part of the package's API.
 */
export const gravitonInstanceType = /^[a-z]+\d+g[a-z]*\.[a-z0-9]+$/;

export function validateLuigiArgs(name: string, args: LegacyLuigiSchedulerArgs): void {
  const problems: string[] = [];
  if (args.administratorArns.length === 0)
    problems.push("administratorArns must name at least one role (the deploying role)");
  problems.push(...cidrListProblems(args.allowedCidrs, "allowedCidrs"));
  const instanceType = args.instanceType ?? luigiDefaults.instanceType;
  if (args.imageId === undefined && !gravitonInstanceType.test(instanceType))
    problems.push(`instanceType "${instanceType}" is not a Graviton (arm64) type, which the default image needs`);
  const version = args.luigiVersion ?? luigiDefaults.luigiVersion;
  if (!/^\d+\.\d+\.\d+$/.test(version))
    problems.push(`luigiVersion "${version}" is not an exact release such as 3.8.1`);
  const port = args.port ?? luigiDefaults.port;
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    problems.push(`port must be an unprivileged TCP port (1024-65535), got ${port}`);
  const size = args.rootVolumeSizeGiB ?? luigiDefaults.rootVolumeSizeGiB;
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    problems.push(`rootVolumeSizeGiB must be a whole number from 8 to 1024, got ${size}`);
  if (args.imageId !== undefined && !/^(ami-[0-9a-f]{8,17}|resolve:ssm:\/.+)$/.test(args.imageId))
    problems.push(`imageId "${args.imageId}" is neither an AMI id nor resolve:ssm:<parameter>`);
  const prefix = args.artifactsPrefix ?? luigiDefaults.artifactsPrefix;
  if (!/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/.test(prefix))
    problems.push(`artifactsPrefix "${prefix}" must be lowercase path segments such as luigi or legacy/luigi`);
  if (problems.length > 0)
    throw new Error(
      `LegacyLuigiScheduler "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

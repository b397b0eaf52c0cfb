/** What a job's container needs; everything else is the platform's hardening. */
export interface JobContainerArgs {
  /** Container name (the job's name). */
  name: string;
  /** `<repository url>:<tag>`; tags are immutable, so a job names a pinned tag. */
  image: string;
  /** The owning domain, passed to the container as DATA_PLATFORM_DOMAIN. */
  domain: string;
  /** The runner's log group and its region. */
  logGroupName: string;
  region: string;
  /** CloudWatch stream prefix. @default the container name */
  streamPrefix?: string;
  /** @default the image's command */
  command?: string[];
}

/**
 * The one hardened Fargate container definition (ECS.4/5/8/9 of the policy pack): non-root user, read-only
 * root file system, not privileged, an init process reaping children, logs to the runner's log group,
 * secrets only through `secrets`. The platform's template task definition and every domain job use it.
 */
export function hardenedContainerDefinition(args: JobContainerArgs): Record<string, unknown> {
  return {
    name: args.name,
    image: args.image,
    essential: true,
    user: "1000:1000",
    privileged: false,
    readonlyRootFilesystem: true,
    linuxParameters: { initProcessEnabled: true },
    ...(args.command && args.command.length > 0 ? { command: args.command } : {}),
    environment: [{ name: "DATA_PLATFORM_DOMAIN", value: args.domain }],
    secrets: [],
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": args.logGroupName,
        "awslogs-region": args.region,
        "awslogs-stream-prefix": args.streamPrefix ?? args.name,
      },
    },
  };
}

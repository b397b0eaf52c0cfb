import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { classifications } from "@data-platform/conventions";
import { ConfigError, issuesFromZod, type ConfigIssue } from "./errors";
import { domainNameSchema, lakeZones } from "./schema";
import { displayPath } from "./stack-file";

/** The config namespace of a domain team's project (`data-domain:<key>`). */
export const domainStackNamespace = "data-domain";

const productName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lowercase Glue identifier");

/**
 * Fargate's task sizes (AWS: "Task CPU and memory", Amazon ECS Developer Guide, and the
 * RegisterTaskDefinition `memory` reference): CPU units -> the memory (MiB) allowed with it.
 * 8 and 16 vCPU need Linux platform version 1.4.0 or later (LATEST is).
 */
export const fargateTaskSizes: Readonly<Record<string, { min: number; max: number; step: number; also?: number[] }>> = {
  "256": { min: 1024, max: 2048, step: 1024, also: [512] },
  "512": { min: 1024, max: 4096, step: 1024 },
  "1024": { min: 2048, max: 8192, step: 1024 },
  "2048": { min: 4096, max: 16384, step: 1024 },
  "4096": { min: 8192, max: 30720, step: 1024 },
  "8192": { min: 16384, max: 61440, step: 4096 },
  "16384": { min: 32768, max: 122880, step: 8192 },
};

/** Why Fargate would refuse `memory` MiB with `cpu` units, or undefined when the pair is valid. */
export function fargateSizeProblem(cpu: string, memory: string): string | undefined {
  const size = fargateTaskSizes[cpu];
  if (!size) return `cpu must be one of ${Object.keys(fargateTaskSizes).join(", ")} (CPU units)`;
  const mib = Number(memory);
  const valid = size.also?.includes(mib) || (mib >= size.min && mib <= size.max && (mib - size.min) % size.step === 0);
  if (valid) return undefined;
  const allowed = [
    ...(size.also ?? []),
    ...Array.from({ length: (size.max - size.min) / size.step + 1 }, (_, index) => size.min + index * size.step),
  ];
  const listed = allowed.length <= 8 ? allowed.join(", ") : `${size.min} to ${size.max} in steps of ${size.step}`;
  return `Fargate does not run cpu ${cpu} with memory ${memory} MiB; with cpu ${cpu} memory must be ${listed}`;
}

/** A domain team's stack config: `Pulumi.<domain>-<stage>.yaml` of the data-domain project. */
export const domainStackSchema = z.strictObject({
  domain: domainNameSchema.describe(
    "The domain (its registry entry stacks/platform/domains/<domain>.yaml); enabled in the platform stage.",
  ),
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, "must be a stage name such as dev")
    .optional()
    .describe(
      "The platform stage this stack deploys to; the platform stack must be of this stage. @default the part of the stack name after `<domain>-`.",
    ),
  platformStack: z
    .string()
    .regex(
      /^([A-Za-z0-9_.-]+\/)?([A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.-]+$/,
      "must be a stack name such as acme/data-platform/dev",
    )
    .describe("The platform stack of the same stage, read through a StackReference."),
  dagsDir: z
    .string()
    .default("dags")
    .describe("Directory (relative to the stack file) whose .py files are deployed to the DAG bucket's dags/."),
  products: z
    .record(
      productName,
      z.strictObject({
        description: z
          .string()
          .min(1, "must not be empty")
          .optional()
          .describe("@default the registry entry's description."),
        zone: z
          .enum(lakeZones)
          .optional()
          .describe("Must equal the registry entry's zone. @default the registry entry's zone."),
        classification: z
          .enum(classifications)
          .optional()
          .describe("Must equal the registry entry's classification. @default the registry entry's classification."),
        consumers: z
          .array(domainNameSchema)
          .optional()
          .describe(
            "Optional: the registry entry's dataProducts[].consumers (the one list of a product's consumers, granted by the platform) enabled in the stage; when given it must equal them. Against a platform that exports no consumers, the domains this stack grants itself (every role of theirs that reads data gets SELECT and DESCRIBE). @default the registry's.",
          ),
      }),
    )
    .default({})
    .describe("Data products the domain publishes, by name; each must be in the registry entry's dataProducts."),
  jobs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and hyphens"),
      z.strictObject({
        repository: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be one of the domain's image repositories, such as jobs"),
        tag: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag")
          .refine((tag) => tag !== "latest", "must be pinned: repositories are immutable and `latest` is not allowed"),
        cpu: z
          .enum(["256", "512", "1024", "2048", "4096", "8192", "16384"])
          .default("512")
          .describe("Task CPU units (1024 = 1 vCPU)."),
        memory: z
          .string()
          .regex(/^\d+$/, "must be MiB as a string, such as 1024")
          .default("1024")
          .describe("Task memory in MiB; must be a Fargate size for the cpu."),
        command: z.array(z.string()).default([]),
      }),
    )
    .default({})
    .describe("Non-Spark jobs: one Fargate task definition each, on the domain's runner (needs.fargate.enabled)."),
});

export type DomainStackConfig = z.output<typeof domainStackSchema> & { stack: string; file: string };

/** One config error of a domain stack, keyed under `data-domain:`. */
export function domainStackIssue(file: string, key: string, message: string): ConfigIssue {
  return { file, path: `${domainStackNamespace}:${key}`, message };
}

/** The problems of a parsed domain stack config that need no platform: self-consumers, Fargate sizes. */
export function domainStackConfigProblems(config: z.output<typeof domainStackSchema>, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [product, definition] of Object.entries(config.products)) {
    const consumers = definition.consumers ?? [];
    if (consumers.includes(config.domain))
      issues.push(
        domainStackIssue(file, `products.${product}.consumers`, `"${config.domain}" is the producing domain itself`),
      );
    const seen = new Set<string>();
    for (const consumer of consumers) {
      if (seen.has(consumer))
        issues.push(domainStackIssue(file, `products.${product}.consumers`, `"${consumer}" is listed twice`));
      seen.add(consumer);
    }
  }
  for (const [job, definition] of Object.entries(config.jobs)) {
    const problem = fargateSizeProblem(definition.cpu, definition.memory);
    if (problem) issues.push(domainStackIssue(file, `jobs.${job}.memory`, problem));
  }
  return issues;
}

/** Reads and validates the domain stack's config; throws a ConfigError naming the file and keys. */
export function loadDomainStackConfig(options: { configFile?: string } = {}): DomainStackConfig {
  const stack = pulumi.getStack();
  const file = displayPath(options.configFile ?? process.env["DATA_PLATFORM_CONFIG_FILE"] ?? `Pulumi.${stack}.yaml`);
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${domainStackNamespace}:`)) continue;
    const name = key.slice(domainStackNamespace.length + 1);
    try {
      values[name] = ["domain", "stage", "platformStack", "dagsDir"].includes(name) ? raw : JSON.parse(raw);
    } catch {
      values[name] = raw;
    }
  }
  const parsed = domainStackSchema.safeParse(values);
  if (!parsed.success)
    throw new ConfigError(
      issuesFromZod(parsed.error, domainStackSchema, file, `${domainStackNamespace}:`, values),
      "Invalid domain configuration",
    );
  const issues = domainStackConfigProblems(parsed.data, file);
  if (issues.length > 0) throw new ConfigError(issues, "Invalid domain configuration");
  return { ...parsed.data, stack, file };
}

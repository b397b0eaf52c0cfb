import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, issuesFromZod } from "./errors";
import { domainNameSchema } from "./schema";
import { displayPath } from "./stack-file";

/** The config namespace of a domain team's project (`data-domain:<key>`). */
export const domainStackNamespace = "data-domain";

const productName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lowercase Glue identifier");

/** A domain team's stack config: `Pulumi.<domain>-<stage>.yaml` of the data-domain project. */
export const domainStackSchema = z.strictObject({
  domain: domainNameSchema,
  platformStack: z
    .string()
    .regex(/^([A-Za-z0-9_.-]+\/)?([A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.-]+$/, "must be a stack name such as acme/data-platform/dev")
    .describe("The platform stack of the same stage, read through a StackReference."),
  dagsDir: z.string().default("dags").describe("Directory (relative to the program) whose files are deployed to the DAG bucket's dags/."),
  products: z
    .record(
      productName,
      z.strictObject({
        description: z.string().min(1, "must not be empty"),
        zone: z.enum(["raw", "analytics"]),
        classification: z.enum(["public", "internal", "confidential", "restricted"]).default("internal"),
        consumers: z.array(domainNameSchema).default([]).describe("Domains allowed to read the product."),
      }),
    )
    .default({}),
  jobs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and hyphens"),
      z.strictObject({
        repository: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "must be one of the domain's image repositories, such as jobs"),
        tag: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag")
          .refine((tag) => tag !== "latest", "must be pinned: repositories are immutable and `latest` is not allowed"),
        cpu: z.enum(["256", "512", "1024", "2048", "4096"]).default("512"),
        memory: z.string().regex(/^\d+$/, "must be MiB as a string, such as 1024").default("1024"),
        command: z.array(z.string()).default([]),
      }),
    )
    .default({}),
});

export type DomainStackConfig = z.output<typeof domainStackSchema> & { stack: string; file: string };

/** Reads and validates the domain stack's config; throws a ConfigError naming the file and keys. */
export function loadDomainStackConfig(options: { configFile?: string } = {}): DomainStackConfig {
  const stack = pulumi.getStack();
  const file = displayPath(options.configFile ?? process.env["DATA_PLATFORM_CONFIG_FILE"] ?? `Pulumi.${stack}.yaml`);
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${domainStackNamespace}:`)) continue;
    const name = key.slice(domainStackNamespace.length + 1);
    try {
      values[name] = ["domain", "platformStack", "dagsDir"].includes(name) ? raw : JSON.parse(raw);
    } catch {
      values[name] = raw;
    }
  }
  const parsed = domainStackSchema.safeParse(values);
  if (!parsed.success) throw new ConfigError(issuesFromZod(parsed.error, domainStackSchema, file, `${domainStackNamespace}:`, values), "Invalid domain configuration");
  const issues = Object.entries(parsed.data.products).flatMap(([product, definition]) =>
    definition.consumers.includes(parsed.data.domain) ? [{ file, path: `${domainStackNamespace}:products.${product}.consumers`, message: `"${parsed.data.domain}" is the producing domain itself` }] : [],
  );
  if (issues.length > 0) throw new ConfigError(issues, "Invalid domain configuration");
  return { ...parsed.data, stack, file };
}

import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { configNamespace, resolvePlatformConfig, type PlatformConfig } from "./load";
import { stageConfigSchema } from "./schema";

/** Environment variables that point the loader at other files (used by the offline plan). */
export const configEnv = {
  configFile: "DATA_PLATFORM_CONFIG_FILE",
  domainsDir: "DATA_PLATFORM_DOMAINS_DIR",
  /** The platform plan JSON answering StackReferences offline; messages about platform outputs name it. */
  platformPlan: "DATA_PLATFORM_PLATFORM_PLAN",
} as const;

// Top-level Pulumi config values arrive as strings; objects and arrays as JSON text.
// Keys the schema types as strings are kept verbatim so "1234" stays a cost centre.
function topLevelStringKeys(): Set<string> {
  const keys = new Set<string>();
  for (const [key, schema] of Object.entries(stageConfigSchema.shape)) {
    let def = (schema as unknown as { _zod: { def: { type: string; innerType?: unknown } } })._zod.def;
    while (def.innerType) def = (def.innerType as { _zod: { def: { type: string; innerType?: unknown } } })._zod.def;
    if (def.type === "string") keys.add(key);
  }
  return keys;
}

/** Converts the engine's flat config map into typed values of the `data-platform:` namespace. */
export function namespaceValues(all: Record<string, string>, namespace = configNamespace): Record<string, unknown> {
  const stringKeys = topLevelStringKeys();
  const values: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(`${namespace}:`)) continue;
    const key = fullKey.slice(namespace.length + 1);
    if (stringKeys.has(key)) {
      values[key] = raw;
      continue;
    }
    try {
      values[key] = JSON.parse(raw);
    } catch {
      values[key] = raw;
    }
  }
  return values;
}

export interface LoadOptions {
  /** Directory of the stack program; the registry defaults to `<programDir>/domains`. */
  programDir: string;
}

/**
 * Reads the running stack's config and the domain registry once, at the stack edge.
 * `DATA_PLATFORM_CONFIG_FILE` and `DATA_PLATFORM_DOMAINS_DIR` override the file
 * names (the offline plan sets them for `--config-file` and `--domains-dir`).
 */
export function loadPlatformConfig(options: LoadOptions): PlatformConfig {
  const stack = pulumi.getStack();
  const all = pulumi.runtime.allConfig();
  return resolvePlatformConfig({
    stack,
    values: namespaceValues(all),
    region: all["aws:region"],
    configFile: process.env[configEnv.configFile] ?? path.join(options.programDir, `Pulumi.${stack}.yaml`),
    domainsDir: process.env[configEnv.domainsDir] ?? path.join(options.programDir, "domains"),
  });
}

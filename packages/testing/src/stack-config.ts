import * as fs from "node:fs";
import { parse } from "yaml";

export interface EngineConfig {
  /** `namespace:key` -> value as the engine passes it (objects as JSON text). */
  config: Record<string, string>;
  secretKeys: string[];
}

/**
 * Reads a `Pulumi.<stack>.yaml` file into the flat map the Pulumi engine hands
 * a program. Encrypted values (`secure:`) cannot be decrypted offline: they are
 * passed as the secret "[secret]", also inside structured values (`pulumi config
 * set --secret --path`), where the whole key becomes secret as the engine makes it.
 * `defaults` (the project's `config:` values) apply where the stack file is silent.
 * With `project`, keys without a namespace are in the project's namespace, as the Pulumi CLI reads them.
 */
export function readStackConfigFile(
  file: string,
  defaults: Record<string, unknown> = {},
  project?: string,
): EngineConfig {
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  if (typeof document !== "object" || Array.isArray(document))
    throw new Error(`${file}: expected a mapping with a "config" key`);
  const own = Object.entries(document.config ?? {}).map(
    ([key, value]) => [project && !key.includes(":") ? `${project}:${key}` : key, value] as const,
  );
  const entries = { ...defaults, ...Object.fromEntries(own) };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(entries)) {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      config[key] = "[secret]";
      secretKeys.push(key);
    } else if (
      value &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      "value" in value &&
      Object.keys(value).length === 1
    ) {
      config[key] = stringify((value as { value: unknown }).value);
    } else {
      const replaced = replaceSecure(value);
      config[key] = stringify(replaced.value);
      if (replaced.secret) secretKeys.push(key);
    }
  }
  return { config, secretKeys };
}

const isSecure = (value: unknown): boolean =>
  !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;

/** A structured value with every nested `{ secure: ... }` replaced by "[secret]". */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: "[secret]", secret: true };
  if (Array.isArray(value)) {
    const items = value.map(replaceSecure);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([key, child]) => [key, replaceSecure(child)] as const);
    return {
      value: Object.fromEntries(entries.map(([key, child]) => [key, child.value])),
      secret: entries.some(([, child]) => child.secret),
    };
  }
  return { value, secret: false };
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

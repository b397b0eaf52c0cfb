import * as crypto from "node:crypto";
import type { AccessControlMode, RangerEndpoint } from "./args";

/** The catalog Looker and analysts use: Delta Lake over the Glue Data Catalog. */
export const lakeCatalog = "lake";
/** Hive connector over the same Glue catalog (non-Delta tables, e.g. raw Parquet/CSV). */
export const hiveCatalog = "hive";

/** A table the mesh exposes: Glue database (= schema of the `lake` catalog) and table. */
export interface ExposedTable {
  schema: string;
  table: string;
}

/** A domain as the mesh sees it: the Glue databases (schemas) its exposed products live in. */
export interface ExposedDomain {
  name: string;
  tables: ExposedTable[];
}

export interface CatalogArgs {
  region: string;
  accountId: string;
}

function properties(entries: Record<string, string>): string {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")}\n`;
}

const glue = (args: CatalogArgs) => ({
  "hive.metastore": "glue",
  "hive.metastore.glue.region": args.region,
  "hive.metastore.glue.catalogid": args.accountId,
  // S3 through the pod's IRSA role (the default credential chain): no keys anywhere.
  "fs.native-s3.enabled": "true",
  "s3.region": args.region,
});

/**
 * Catalog name -> properties file. One Delta Lake catalog (`lake`) covers the whole Glue Data Catalog:
 * every Glue database (`<domain>_<zone>`, `central_<zone>`) is a schema of it, so every enabled domain is
 * visible without a catalog per domain; what a user may read is decided by access control and Lake
 * Formation, not by catalog layout. `hive` reads the non-Delta tables of the same databases.
 */
export function catalogProperties(args: CatalogArgs): Record<string, string> {
  return {
    [lakeCatalog]: properties({ "connector.name": "delta_lake", ...glue(args), "delta.register-table-procedure.enabled": "false" }),
    [hiveCatalog]: properties({ "connector.name": "hive", ...glue(args) }),
  };
}

/** Parses a Java properties text (key=value lines, `#` comments) into a map. */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const separator = line.search(/[=:]/);
    if (separator < 0) result[line] = "";
    else result[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return result;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * File-based system access control rules (Trino/SEP `file` access control): the exposed tables are
 * readable by every authenticated user, every other table is denied (first matching rule wins).
 * Development only: production uses Ranger/Privacera policies.
 */
export function fileAccessRules(domains: ExposedDomain[], centralSchemas: string[]): Record<string, unknown> {
  const tables = domains.flatMap((domain) => domain.tables).sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`));
  const schemas = [...new Set([...tables.map((table) => table.schema), ...centralSchemas])].sort();
  return {
    catalogs: [
      { catalog: `(${lakeCatalog}|${hiveCatalog})`, allow: "read-only" },
      { catalog: "system", allow: "read-only" },
      { allow: "none" },
    ],
    schemas: [{ catalog: `(${lakeCatalog}|${hiveCatalog})`, schema: `(${schemas.map(escapeRegex).join("|")})`, owner: false }],
    tables: [
      ...tables.map((table) => ({ catalog: `(${lakeCatalog}|${hiveCatalog})`, schema: escapeRegex(table.schema), table: escapeRegex(table.table), privileges: ["SELECT"] })),
      ...centralSchemas.map((schema) => ({ catalog: `(${lakeCatalog}|${hiveCatalog})`, schema: escapeRegex(schema), privileges: ["SELECT"] })),
      { privileges: [] },
    ],
    // The chart's graceful worker shutdown calls the state endpoint as `admin`.
    system_information: [{ user: "admin", allow: ["read", "write"] }],
  };
}

/** Environment variables (from the access control credentials Secret) the plugin's user and password come from. */
export const accessControlCredentialsEnv = { username: "ACCESS_CONTROL_USERNAME", password: "ACCESS_CONTROL_PASSWORD" } as const;

/**
 * `access-control.properties` for the Ranger-compatible plugin (Privacera or an existing Ranger), with the keys of
 * Privacera's "Starburst System Plugin Configuration" (`privacera-starburst`, `ranger.presto-plugin-username/password`)
 * and Starburst's global Ranger access control (`ranger.username/password`, BASIC authentication). With credentials,
 * the user and password are environment references (`${ENV:...}`) to a Kubernetes Secret, never values.
 */
export function rangerAccessControlProperties(mode: Exclude<AccessControlMode, "file">, ranger: Pick<RangerEndpoint, "policyRestUrl" | "serviceName">, withCredentials = false): string {
  const user = `\${ENV:${accessControlCredentialsEnv.username}}`;
  const password = `\${ENV:${accessControlCredentialsEnv.password}}`;
  const credentials: Record<string, string> = !withCredentials
    ? {}
    : mode === "privacera"
      ? { "ranger.presto-plugin-username": user, "ranger.presto-plugin-password": password }
      : { "ranger.authentication-type": "BASIC", "ranger.username": user, "ranger.password": password };
  return properties({
    "access-control.name": mode === "privacera" ? "privacera-starburst" : "ranger",
    "ranger.policy-rest-url": ranger.policyRestUrl,
    "ranger.service-name": ranger.serviceName,
    "ranger.policy-refresh-interval": "60s",
    ...credentials,
  });
}

/** The port of the policy service (for the egress rule). */
export function policyServicePort(policyRestUrl: string): number {
  const url = new URL(policyRestUrl);
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** JVM max heap for a memory limit (`16Gi` -> `12G`): 75%, the rest for off-heap and the OS. */
export function heapSizeFor(memoryLimit: string): string {
  const gib = Number(memoryLimit.replace(/Gi$/, ""));
  return `${Math.max(1, Math.floor(gib * 0.75))}G`;
}

/** Per-node query memory: 30% of the heap, in GB. */
export function maxMemoryPerNodeFor(memoryLimit: string): string {
  const heap = Number(heapSizeFor(memoryLimit).replace(/G$/, ""));
  return `${Math.max(1, Math.floor(heap * 0.3))}GB`;
}

export const pbkdf2Iterations = 10_000;

/**
 * A Trino password file line in the PBKDF2 format (`user:iterations:salt:hash`, HmacSHA256, hex), built
 * with Node's crypto (no dependency). The salt is derived from the user and password so the same
 * password renders the same file (no diff on every run).
 */
export function passwordFileLine(userName: string, password: string): string {
  const salt = crypto.createHash("sha256").update(`query-mesh:${userName}:${password}`).digest().subarray(0, 16);
  const hash = crypto.pbkdf2Sync(password, salt, pbkdf2Iterations, 64, "sha256");
  return `${userName}:${pbkdf2Iterations}:${salt.toString("hex")}:${hash.toString("hex")}\n`;
}

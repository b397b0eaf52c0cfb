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
    [lakeCatalog]: properties({
      "connector.name": "delta_lake",
      ...glue(args),
      "delta.register-table-procedure.enabled": "false",
    }),
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
  const tables = domains
    .flatMap((domain) => domain.tables)
    .sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`));
  const schemas = [...new Set([...tables.map((table) => table.schema), ...centralSchemas])].sort();
  return {
    catalogs: [
      { catalog: `(${lakeCatalog}|${hiveCatalog})`, allow: "read-only" },
      { catalog: "system", allow: "read-only" },
      { allow: "none" },
    ],
    schemas: [
      { catalog: `(${lakeCatalog}|${hiveCatalog})`, schema: `(${schemas.map(escapeRegex).join("|")})`, owner: false },
    ],
    tables: [
      ...tables.map((table) => ({
        catalog: `(${lakeCatalog}|${hiveCatalog})`,
        schema: escapeRegex(table.schema),
        table: escapeRegex(table.table),
        privileges: ["SELECT"],
      })),
      ...centralSchemas.map((schema) => ({
        catalog: `(${lakeCatalog}|${hiveCatalog})`,
        schema: escapeRegex(schema),
        privileges: ["SELECT"],
      })),
      { privileges: [] },
    ],
    // The chart's graceful worker shutdown calls the state endpoint as `admin`.
    system_information: [{ user: "admin", allow: ["read", "write"] }],
  };
}

/** Environment variables (from the access control credentials Secret) the plugin's user and password come from. */
export const accessControlCredentialsEnv = {
  username: "ACCESS_CONTROL_USERNAME",
  password: "ACCESS_CONTROL_PASSWORD",
} as const;

/**
 * Starburst Enterprise's `access-control.properties` for the Ranger-compatible plugin (Privacera or an existing Ranger), with the keys of
 * Privacera's "Starburst System Plugin Configuration" (`privacera-starburst`, `ranger.presto-plugin-username/password`)
 * and Starburst's global Ranger access control (`ranger.username/password`, BASIC authentication). With credentials,
 * the user and password are environment references (`${ENV:...}`) to a Kubernetes Secret, never values.
 */
export function rangerAccessControlProperties(
  mode: Exclude<AccessControlMode, "file">,
  ranger: Pick<RangerEndpoint, "policyRestUrl" | "serviceName">,
  withCredentials = false,
): string {
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

/** Where Trino's Ranger plugin files are mounted on the coordinator (from a Kubernetes Secret: they may hold the plugin's password). */
export const trinoRangerConfigDir = "/etc/trino/ranger";
/** Trino's Ranger plugin files (names from Trino's "Ranger access control" documentation). */
export const trinoRangerFiles = { security: "ranger-trino-security.xml", audit: "ranger-trino-audit.xml" } as const;
/** How often Trino's Ranger plugin polls the policy service for changes. */
export const trinoRangerPollIntervalMs = 60_000;

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A Hadoop-style configuration file (`<configuration><property><name/><value/></property>...`), as Ranger's plugins read it. */
export function hadoopConfigurationXml(entries: Record<string, string>): string {
  const properties = Object.entries(entries).map(
    ([name, value]) =>
      `  <property>\n    <name>${escapeXml(name)}</name>\n    <value>${escapeXml(value)}</value>\n  </property>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n${properties.join("\n")}\n</configuration>\n`;
}

/** Parses what `hadoopConfigurationXml` writes back into name -> value (for checks and tests). */
export function parseHadoopConfigurationXml(xml: string): Record<string, string> {
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&gt;/g, ">")
      .replace(/&lt;/g, "<")
      .replace(/&amp;/g, "&");
  const result: Record<string, string> = {};
  for (const match of xml.matchAll(/<property>\s*<name>([^<]*)<\/name>\s*<value>([^<]*)<\/value>\s*<\/property>/g))
    result[unescape(match[1]!)] = unescape(match[2]!);
  return result;
}

/**
 * Open-source Trino's own Apache Ranger access control (the `ranger` plugin, shipped in the Trino server tarball and
 * the `trinodb/trino` image since Trino 466, where it was first named `apache-ranger`; Trino 480, the chart's version,
 * reads the names below): `access-control.properties` names the plugin, the Ranger service and the plugin's
 * configuration files by absolute path, and the policy service's URL lives in `ranger-trino-security.xml`, not in
 * the properties. Audits go through the plugin's log4j destination (the coordinator's log). With credentials, the
 * plugin authenticates to the policy service with HTTP Basic (Ranger's REST client reads
 * `ranger.plugin.trino.policy.rest.client.username/password`): the files then hold a password and are only ever
 * stored in a Kubernetes Secret.
 */
export function trinoRangerAccessControl(
  ranger: Pick<RangerEndpoint, "policyRestUrl" | "serviceName">,
  clusterName: string,
  credentials?: { username: string; password: string },
): { properties: string; files: Record<string, string> } {
  return {
    properties: properties({
      "access-control.name": "ranger",
      "ranger.service.name": ranger.serviceName,
      "ranger.plugin.config.resource": [trinoRangerFiles.security, trinoRangerFiles.audit]
        .map((file) => `${trinoRangerConfigDir}/${file}`)
        .join(","),
    }),
    files: {
      [trinoRangerFiles.security]: hadoopConfigurationXml({
        "ranger.plugin.trino.service.name": ranger.serviceName,
        "ranger.plugin.trino.policy.source.impl": "org.apache.ranger.admin.client.RangerAdminRESTClient",
        "ranger.plugin.trino.policy.rest.url": ranger.policyRestUrl,
        "ranger.plugin.trino.policy.pollIntervalMs": String(trinoRangerPollIntervalMs),
        "ranger.plugin.trino.policy.rest.client.connection.timeoutMs": "30000",
        "ranger.plugin.trino.policy.rest.client.read.timeoutMs": "30000",
        "ranger.plugin.trino.access.cluster.name": clusterName,
        ...(credentials
          ? {
              "ranger.plugin.trino.policy.rest.client.username": credentials.username,
              "ranger.plugin.trino.policy.rest.client.password": credentials.password,
            }
          : {}),
      }),
      [trinoRangerFiles.audit]: hadoopConfigurationXml({
        "xasecure.audit.is.enabled": "true",
        "xasecure.audit.destination.log4j": "true",
        "xasecure.audit.destination.log4j.logger": "ranger.audit",
      }),
    },
  };
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

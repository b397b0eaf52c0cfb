import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { charts, type ChartId } from "./charts";

const chartsDir = path.resolve(__dirname, "..", "charts");

type Schema = Record<string, unknown>;

/** A custom resource as it is applied: `apiVersion` is `<group>/<version>`. */
export interface CustomResourceObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: unknown;
  [key: string]: unknown;
}

/** One served version of a CRD copied beside a chart (`charts/<dataDir>/crds/*.yaml`). */
export interface CrdVersion {
  /** `<group>/<version>`, as a resource's `apiVersion`. */
  apiVersion: string;
  kind: string;
  scope: "Cluster" | "Namespaced";
  /** The CRD file, relative to `charts/`. */
  file: string;
}

interface LoadedVersion extends CrdVersion {
  schema: Schema;
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group: string;
    scope: "Cluster" | "Namespaced";
    names: { kind: string };
    versions: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

const loaded = new Map<ChartId, LoadedVersion[]>();

function load(id: ChartId): LoadedVersion[] {
  let versions = loaded.get(id);
  if (versions) return versions;
  const dir = path.join(chartsDir, charts[id].dataDir, "crds");
  versions = [];
  if (fs.existsSync(dir)) {
    for (const file of fs
      .readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      for (const document of parseAllDocuments(text)) {
        const crd = document.toJS() as CrdDocument | null;
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
        for (const version of crd.spec.versions) {
          const schema = version.schema?.openAPIV3Schema;
          if (version.served === false || !schema) continue;
          versions.push({
            apiVersion: `${crd.spec.group}/${version.name}`,
            kind: crd.spec.names.kind,
            scope: crd.spec.scope,
            file: path.posix.join(charts[id].dataDir, "crds", file),
            schema,
          });
        }
      }
    }
  }
  loaded.set(id, versions);
  return versions;
}

/** The served CRD versions copied beside a chart (empty when the chart has no `crds/` folder here). */
export function chartCrds(id: ChartId): CrdVersion[] {
  return load(id).map(({ apiVersion, kind, scope, file }) => ({ apiVersion, kind, scope, file }));
}

function isMap(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The openAPIV3Schema as the API server applies it, in JSON Schema terms ajv evaluates:
 * - structural schemas prune unknown fields, and `kubectl apply` / server-side apply with the
 *   default strict field validation reject them: every object that lists `properties` and neither
 *   `additionalProperties` nor `x-kubernetes-preserve-unknown-fields: true` gets
 *   `additionalProperties: false` (that is what catches a misspelled key);
 * - `x-kubernetes-int-or-string` without its own `anyOf` becomes integer-or-string;
 * - `nullable: true` admits null.
 * Every other `x-kubernetes-*` keyword (list/map types, embedded resources, and the CEL rules of
 * `x-kubernetes-validations`) has no JSON Schema meaning and is left for ajv to ignore (strict: false).
 */
function structural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural);
  if (!isMap(schema)) return schema;
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isMap(value))
      result[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, structural(child)]));
    else if (key === "default" || key === "enum" || key === "required" || key === "example") result[key] = value;
    else result[key] = structural(value);
  }
  if (
    isMap(result["properties"]) &&
    result["additionalProperties"] === undefined &&
    result["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    result["additionalProperties"] = false;
  }
  if (result["x-kubernetes-int-or-string"] === true && result["type"] === undefined && result["anyOf"] === undefined) {
    result["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (result["nullable"] === true && typeof result["type"] === "string") result["type"] = [result["type"], "null"];
  return result;
}

// RFC 3339 date-time, as Kubernetes metav1.Time serialises it.
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function compile(schema: Schema): ValidateFunction {
  // strict: false - the x-kubernetes-* keywords are not JSON Schema, and upstream CRDs carry keywords
  // that do not apply to their type (e.g. `pattern` on an array), which strict mode rejects.
  // useDefaults: the API server defaults fields before it validates (on a copy: the caller's object is not touched).
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat("date-time", dateTime);
  return ajv.compile(structural(schema) as Schema);
}

const validators = new Map<string, ValidateFunction>();

function describe(error: ErrorObject): string {
  const where = error.instancePath || "/";
  if (error.keyword === "additionalProperties")
    return `${where}: unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  if (error.keyword === "enum")
    return `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

// DNS-1123 subdomain: the name rule of custom resources.
const objectName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Validates a custom resource (apiVersion/kind/metadata/spec) against the openAPIV3Schema of the
 * matching CRD version copied beside the chart (`charts/<dataDir>/crds/`), with the API server's
 * structural-schema semantics (unknown fields rejected, defaults applied first). Returns one message
 * per problem.
 *
 * Not evaluated: the CEL rules of `x-kubernetes-validations` (ajv has no CEL interpreter), so an
 * object that passes here can still be refused by the API server for a rule such as "must specify
 * exactly one of role or instanceProfile". Callers check the rules they rely on themselves.
 */
export function validateCustomResource(id: ChartId, resource: CustomResourceObject): string[] {
  const versions = load(id);
  if (versions.length === 0) return [`chart ${id} has no CRDs copied under charts/${charts[id].dataDir}/crds`];
  const match = versions.find(
    (version) => version.apiVersion === resource.apiVersion && version.kind === resource.kind,
  );
  if (!match) {
    const known = versions.map((version) => `${version.apiVersion} ${version.kind}`).join(", ");
    return [`/: no CRD of chart ${id} serves ${String(resource.apiVersion)} ${String(resource.kind)}; known: ${known}`];
  }
  const problems: string[] = [];
  const name = resource.metadata?.name;
  if (typeof name !== "string" || name.length > 253 || !objectName.test(name))
    problems.push(`/metadata/name: ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  if (match.scope === "Cluster" && resource.metadata?.namespace !== undefined)
    problems.push(`/metadata/namespace: ${match.kind} is cluster-scoped`);
  const key = `${id}:${match.apiVersion}:${match.kind}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = compile(match.schema);
    validators.set(key, validate);
  }
  if (!validate(structuredClone(resource))) problems.push(...(validate.errors ?? []).map(describe));
  return problems;
}

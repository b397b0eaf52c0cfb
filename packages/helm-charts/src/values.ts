import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { charts, type ChartId } from "./charts";

const chartsDir = path.resolve(__dirname, "..", "charts");

type Values = Record<string, unknown>;

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges user values over chart defaults the way Helm does: maps merge
 * recursively, lists and scalars replace, and `null` deletes the key.
 */
export function helmMerge(defaults: Values, override: Values): Values {
  const result: Values = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete result[key];
    else if (isMap(value) && isMap(result[key])) result[key] = helmMerge(result[key] as Values, value);
    else result[key] = value;
  }
  return result;
}

/** The chart's default values.yaml (empty for charts whose defaults are not public). */
export function chartDefaults(id: ChartId): Values {
  const pin = charts[id];
  if (!pin.hasDefaults) return {};
  return (parse(fs.readFileSync(path.join(chartsDir, pin.dataDir, "values.yaml"), "utf8")) ?? {}) as Values;
}

const validators = new Map<ChartId, ValidateFunction>();

function validator(id: ChartId): ValidateFunction {
  let validate = validators.get(id);
  if (!validate) {
    const pin = charts[id];
    const schema = JSON.parse(fs.readFileSync(path.join(chartsDir, pin.dataDir, pin.schemaFile), "utf8")) as object;
    // strict: false - the upstream z2jh schema does not compile in ajv's strict mode.
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    validators.set(id, validate);
  }
  return validate;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || "/";
  if (error.keyword === "additionalProperties")
    return `${where}: unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * Validates values as Helm would see them - deep-merged over the chart's
 * defaults - against the chart's schema. Returns one message per problem.
 */
export function validateChartValues(id: ChartId, values: Values): string[] {
  const validate = validator(id);
  const merged = helmMerge(chartDefaults(id), values);
  if (validate(merged)) return [];
  return (validate.errors ?? []).map(describe);
}

/** A values file of a schema that is not a chart's own (e.g. Privacera's access-control properties). */
export function validateAgainstSchemaFile(relativeSchemaPath: string, value: unknown): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(chartsDir, relativeSchemaPath), "utf8")) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schemas' `format: uri` (ajv checks no format by itself and would warn on every compile).
  ajv.addFormat("uri", (text: string) => URL.canParse(text));
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

import { z } from "zod";
import { domainStackNamespace, domainStackSchema } from "./domain-stack";
import { domainFileSchema, stageConfigSchema } from "./schema";

/**
 * JSON Schemas for editor completion of the YAML inputs, generated from the zod
 * schemas (`npm run generate -w @data-platform/config` writes them to `schema/`).
 */
export function jsonSchemas(): Record<string, unknown> {
  const stage = z.toJSONSchema(stageConfigSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  const namespaced = Object.fromEntries(Object.entries(stage.properties).map(([key, value]) => [`data-platform:${key}`, value]));
  const domainStack = z.toJSONSchema(domainStackSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, unknown>; required?: string[] };
  return {
    "domain.schema.json": {
      ...z.toJSONSchema(domainFileSchema, { io: "input", unrepresentable: "any" }),
      title: "Data platform domain registry entry (stacks/platform/domains/<name>.yaml)",
    },
    "stage-config.schema.json": {
      ...z.toJSONSchema(stageConfigSchema, { io: "input", unrepresentable: "any" }),
      title: "Data platform stage config: the values under `data-platform:` in Pulumi.<stage>.yaml",
    },
    "stack-file.schema.json": {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Pulumi.<stage>.yaml of the data-platform project",
      type: "object",
      properties: {
        config: {
          type: "object",
          properties: { "aws:region": { type: "string", default: "eu-west-1" }, ...namespaced },
          required: (stage.required ?? []).map((key) => `data-platform:${key}`),
        },
      },
    },
    "domain-stack-file.schema.json": {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Pulumi.<domain>-<stage>.yaml of the data-domain project (stacks/domain)",
      type: "object",
      properties: {
        config: {
          type: "object",
          properties: {
            "aws:region": { type: "string", default: "eu-west-1" },
            ...Object.fromEntries(Object.entries(domainStack.properties).map(([key, value]) => [`${domainStackNamespace}:${key}`, value])),
          },
          required: (domainStack.required ?? []).map((key) => `${domainStackNamespace}:${key}`),
        },
      },
    },
  };
}

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "./json-schema";

describe("generated JSON Schemas", () => {
  it("are committed and up to date (npm run generate -w @data-platform/config)", () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      const committed = fs.readFileSync(path.join(__dirname, "..", "schema", file), "utf8");
      expect(committed, `${file} is stale`).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });

  it("accept an encrypted value (secure:) wherever the stack file holds a secret, and only there", () => {
    const config = (
      jsonSchemas()["stack-file.schema.json"] as { properties: { config: { properties: Record<string, any> } } }
    ).properties.config.properties;
    const starburst = config["data-platform:queryMesh"].properties.starburst.properties;
    const encrypted = {
      type: "object",
      properties: { secure: { type: "string" } },
      required: ["secure"],
      additionalProperties: false,
    };
    expect(starburst.licenseSecret.anyOf).toContainEqual(encrypted);
    expect(starburst.registryPassword.anyOf).toContainEqual(encrypted);
    expect(
      config["data-platform:queryMesh"].properties.ranger.properties.credentials.properties.password.anyOf,
    ).toContainEqual(encrypted);
    expect(config["data-platform:notebooks"].properties.authenticator.properties.clientSecret.anyOf).toContainEqual(
      encrypted,
    );
    expect(starburst.registryUsername.anyOf).toBeUndefined();
  });

  it("state each default once: an object's default never repeats a default of its own fields, which still show", () => {
    const repeated: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${at}[${index}]`));
      if (!node || typeof node !== "object") return;
      const { default: stated, properties } = node as {
        default?: unknown;
        properties?: Record<string, { default?: unknown }>;
      };
      if (stated && typeof stated === "object" && !Array.isArray(stated) && properties) {
        for (const key of Object.keys(stated))
          if (properties[key]?.default !== undefined) repeated.push(`${at}.${key}`);
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${at}.${key}`);
    };
    const schemas = jsonSchemas();
    for (const file of ["stage-config.schema.json", "domain.schema.json"]) visit(schemas[file], file);
    expect(repeated).toEqual([]);
    // The fields' defaults are what an editor shows, also under an object that defaults to {}.
    const stage = schemas["stage-config.schema.json"] as {
      properties: Record<string, { default?: unknown; properties: Record<string, { default?: unknown }> }>;
    };
    expect(stage.properties["warehouse"]!.default).toEqual({});
    expect(stage.properties["warehouse"]!.properties["baseCapacityRpu"]!.default).toBe(8);
    expect(stage.properties["lake"]!.properties["landingExpirationDays"]!.default).toBe(14);
    const domain = schemas["domain.schema.json"] as {
      properties: {
        needs: { default?: unknown; properties: Record<string, { properties: Record<string, { default?: unknown }> }> };
      };
    };
    expect(domain.properties.needs.default).toEqual({});
    expect(domain.properties.needs.properties["workflow"]!.properties["maxWorkers"]!.default).toBe(5);
  });

  it("are referenced from every domain file", () => {
    const domainsDir = path.resolve(__dirname, "../../../stacks/platform/domains");
    for (const file of fs.readdirSync(domainsDir)) {
      expect(fs.readFileSync(path.join(domainsDir, file), "utf8"), file).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/packages\/config\/schema\/domain\.schema\.json/,
      );
    }
  });

  it("forbid unknown keys in domain files, as the loader does", () => {
    const domain = jsonSchemas()["domain.schema.json"] as { additionalProperties: boolean; required: string[] };
    expect(domain.additionalProperties).toBe(false);
    expect(domain.required).toEqual(expect.arrayContaining(["name", "owners", "costCentre"]));
  });
});

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
    const config = (jsonSchemas()["stack-file.schema.json"] as { properties: { config: { properties: Record<string, any> } } }).properties.config.properties;
    const starburst = config["data-platform:queryMesh"].properties.starburst.properties;
    const encrypted = { type: "object", properties: { secure: { type: "string" } }, required: ["secure"], additionalProperties: false };
    expect(starburst.licenseSecret.anyOf).toContainEqual(encrypted);
    expect(starburst.registryPassword.anyOf).toContainEqual(encrypted);
    expect(config["data-platform:queryMesh"].properties.ranger.properties.credentials.properties.password.anyOf).toContainEqual(encrypted);
    expect(config["data-platform:notebooks"].properties.authenticator.properties.clientSecret.anyOf).toContainEqual(encrypted);
    expect(starburst.registryUsername.anyOf).toBeUndefined();
  });

  it("are referenced from every domain file", () => {
    const domainsDir = path.resolve(__dirname, "../../../stacks/platform/domains");
    for (const file of fs.readdirSync(domainsDir)) {
      expect(fs.readFileSync(path.join(domainsDir, file), "utf8"), file).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/packages\/config\/schema\/domain\.schema\.json/);
    }
  });

  it("forbid unknown keys in domain files, as the loader does", () => {
    const domain = jsonSchemas()["domain.schema.json"] as { additionalProperties: boolean; required: string[] };
    expect(domain.additionalProperties).toBe(false);
    expect(domain.required).toEqual(expect.arrayContaining(["name", "owners", "costCentre"]));
  });
});

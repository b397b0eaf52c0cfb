import * as fs from "node:fs";
import * as path from "node:path";
import { jsonSchemas } from "../src/json-schema";

const outDir = path.join(__dirname, "..", "schema");
fs.mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(jsonSchemas())) {
  fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path.join("packages/config/schema", file)}`);
}

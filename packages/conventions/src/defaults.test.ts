import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { platformDefaults } from "./defaults";

const repoRoot = path.resolve(__dirname, "../../..");

/** The TypeScript sources (not tests) of the components and of the stage config's schema. */
function sources(): { file: string; text: string }[] {
  const files: string[] = [path.join(repoRoot, "packages/config/src/schema.ts")];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // Test fixtures are inputs of tests, not a component's defaults.
      if (entry.isDirectory()) {
        if (entry.name !== "__fixtures__" && entry.name !== "__tests__") walk(full);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(full);
    }
  };
  for (const component of fs.readdirSync(path.join(repoRoot, "components"))) {
    const src = path.join(repoRoot, "components", component, "src");
    if (fs.existsSync(src)) walk(src);
  }
  // A method chain the formatter broke over lines (`z\n  .number()\n  .default(50)`) is read as one line again.
  return files.map((file) => ({
    file: path.relative(repoRoot, file),
    text: fs.readFileSync(file, "utf8").replace(/\n\s*(?=\.[A-Za-z])/g, ""),
  }));
}

/** Argument and config names that take each shared default, where they differ from its name in platformDefaults. */
const aliases: Record<string, string[]> = {
  nodeGroupCapacityType: ["capacityType"],
  nodeGroupDiskSizeGiB: ["diskSizeGiB"],
  maxCoreVcpus: ["maxVcpus"],
  storageGiB: ["capacityGiB"],
  flinkRuntime: ["runtime"],
};

/** Same name and value, other notion: these are not the shared default and may change on their own. */
const otherNotions = new Set([
  // The DAG bucket's own lifecycle, which no stage setting changes.
  "components/domain-workflow-env/src/domainWorkflowEnv.ts: noncurrentVersionExpirationDays",
  "components/domain-workflow-env/src/domainWorkflowEnv.ts: abortIncompleteMultipartUploadDays",
  // Karpenter's node class volume (the config leaves a pool's disk to the component).
  "components/platform-cluster/src/karpenterNodePools.ts: diskSizeGiB",
]);

describe("platformDefaults", () => {
  it("are the only statement of their values: no component or config schema writes one of them again as a literal", () => {
    const leaves = Object.values(platformDefaults).flatMap((group) =>
      Object.entries(group).filter(([, value]) => typeof value !== "object"),
    ) as [string, string | number | boolean][];
    const found: string[] = [];
    for (const { file, text } of sources()) {
      for (const [key, value] of leaves) {
        const literal = JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        for (const name of [key, ...(aliases[key] ?? [])]) {
          // `args.<name> ?? <value>` in a component, `<name>: ....default(<value>)` in the config schema.
          const patterns = [
            new RegExp(`\\b${name}\\s*\\?\\?\\s*${literal}(?![\\w.])`),
            new RegExp(`\\b${name}:[^\\n]*\\.default\\(${literal}\\)`),
            new RegExp(`^\\s*${name}: ${literal},`, "m"),
          ];
          if (patterns.some((pattern) => pattern.test(text)) && !otherNotions.has(`${file}: ${name}`))
            found.push(`${file}: ${name} = ${JSON.stringify(value)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

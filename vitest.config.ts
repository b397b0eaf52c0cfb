import * as path from "node:path";
import { mergeConfig, type UserConfig } from "vite";
import { defineConfig } from "vitest/config";

/**
 * Workspace packages resolve to their TypeScript sources in tests through the
 * `@data-platform/source` export condition, so tests never need a build first.
 */
// No "module" condition: packages such as @opentelemetry/api (under @pulumi/pulumi)
// would otherwise resolve to ESM builds that Node cannot load.
const sourceConditions = ["@data-platform/source", "node", "require", "default"];

const shared: UserConfig = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@data-platform/source"] } },
};

/** When set (by `.ci/run`), every project also writes a JSON report there, for the totals line. */
const reportDir = process.env["DATA_PLATFORM_TEST_REPORT_DIR"];

/** The config each project's own `vitest.config.mts` uses (`nx test <project>`). */
export function projectConfig(name: string, overrides: UserConfig = {}): UserConfig {
  return mergeConfig(
    mergeConfig(shared, {
      test: {
        name,
        include: ["**/*.test.ts"],
        exclude: ["**/node_modules/**", "**/dist/**"],
        environment: "node",
        // Programs loaded by the offline plan resolve workspace packages to sources too.
        execArgv: ["--conditions=@data-platform/source"],
        testTimeout: 60_000,
        reporters: reportDir
          ? ["default", ["json", { outputFile: path.join(reportDir, `${name}.json`) }]]
          : ["default"],
        hookTimeout: 60_000,
      },
    }),
    overrides,
  );
}

/** Running `vitest` at the root runs every project. */
export default defineConfig(
  mergeConfig(shared, {
    test: {
      projects: ["packages/*/vitest.config.mts", "components/*/vitest.config.mts", "stacks/*/vitest.config.mts"],
    },
  }),
);

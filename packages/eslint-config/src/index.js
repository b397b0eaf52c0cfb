import prettierRecommended from "eslint-plugin-prettier/recommended";
import tseslint from "typescript-eslint";
import { moduleBoundariesRule } from "./boundaries.js";
import { declaredDependenciesRule } from "./dependencies.js";

/** Test and tooling files: never part of a project's published build. */
export const devFiles = [
  "**/*.test.ts",
  "**/__tests__/**",
  "**/__fixtures__/**",
  "**/vitest.config.*",
  "**/eslint.config.*",
  "**/scripts/**",
];

/** The workspace's ESLint flat config; every project's eslint.config.mjs re-exports it. */
export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/schema/**"] },
  ...tseslint.configs.recommended,
  {
    plugins: {
      "data-platform": {
        rules: { "module-boundaries": moduleBoundariesRule, "declared-dependencies": declaredDependenciesRule },
      },
    },
    rules: {
      "data-platform/module-boundaries": "error",
      "data-platform/declared-dependencies": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
  {
    files: ["**/*.test.ts"],
    // Tests build deliberately malformed inputs, which are untyped by nature.
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Tests, their fixtures and build tooling run in the workspace only: they may use devDependencies.
    files: devFiles,
    rules: { "data-platform/declared-dependencies": ["error", { allowDevDependencies: true }] },
  },
  // Formatting is prettier's (root .prettierrc.json: 120 columns); lint fails on an unformatted file, and
  // `npm run format` rewrites them. Last, so that it turns off the stylistic rules prettier owns.
  prettierRecommended,
);

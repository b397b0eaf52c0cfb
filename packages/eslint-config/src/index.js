import tseslint from "typescript-eslint";
import { moduleBoundariesRule } from "./boundaries.js";

/** The workspace's ESLint flat config; every project's eslint.config.mjs re-exports it. */
export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/schema/**"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "data-platform": { rules: { "module-boundaries": moduleBoundariesRule } } },
    rules: {
      "data-platform/module-boundaries": "error",
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
);

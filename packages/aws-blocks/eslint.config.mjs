export { default } from "@data-platform/eslint-config";

export * from "./document";
export * from "./plan";
export * from "./report";
export * from "./project";
export { parseArgs, usage, type CliArgs } from "./args";
export { main, exitCodes } from "./cli";

export * from "./schema";
export * from "./errors";
export { readSourcePositions, sourcePositions, splitKeyPath, type SourcePositions } from "./positions";
export * from "./cidr";
export * from "./load";
export * from "./pulumi";
export { jsonSchemas } from "./json-schema";
export * from "./domain-stack";
export * from "./stack-file";

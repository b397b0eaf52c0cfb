export * from "./schema";
export * from "./errors";
export * from "./cidr";
export * from "./load";
export * from "./pulumi";
export { jsonSchemas } from "./json-schema";
export * from "./domain-stack";
export * from "./eks-versions";
export * from "./sizing";

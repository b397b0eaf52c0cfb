export * from "./args";
export * from "./domainWorkflowEnv";
export * from "./policies";
export * from "./containerDefinition";

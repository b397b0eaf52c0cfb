export * from "./harness";
export * from "./run";
export * from "./serialize";
export * from "./synthetic";
export * from "./invokes";
export * from "./remote";
export * from "./stack-config";

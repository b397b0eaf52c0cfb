export * from "./workflow";
export * from "./repository";
export * from "./actions";
export * from "./shell";
export * from "./checks";
export * from "./plan-comment";
export * from "./github";
export * from "./affected";
export { parseFlags, combineCommand, postCommand, affectedCommand, type Io } from "./cli";

export * from "./contract";
export * from "./reference";

export * from "./prices";
export * from "./usage";
export * from "./estimate";

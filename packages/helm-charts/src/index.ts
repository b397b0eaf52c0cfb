export * from "./charts";
export * from "./values";

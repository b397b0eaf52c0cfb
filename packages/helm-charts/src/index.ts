export * from "./charts";
export * from "./values";
export * from "./crds";

export * from "./args";
export * from "./layout";
export * from "./policies";
export * from "./sizing";
export * from "./streamingIngestion";

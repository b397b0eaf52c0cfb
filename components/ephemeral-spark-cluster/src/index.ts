export * from "./args";
export * from "./ephemeralSparkCluster";
export * from "./policies";
export * from "./template";

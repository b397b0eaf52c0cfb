export * from "./args";
export * from "./ephemeralSparkCluster";
export * from "./policies";
export * from "./template";
export * from "./emr-on-eks";

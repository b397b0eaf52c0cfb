export * from "./policies";
export * from "./kmsKey";

export * from "./policies";
export * from "./kmsKey";
export * from "./trust";
export * from "./parameter";
export * from "./grants";
export * from "./instance";

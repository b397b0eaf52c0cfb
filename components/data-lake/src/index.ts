export * from "./args";
export * from "./bucket";
export * from "./dataLake";
export * from "./grants";
export * from "./policies";

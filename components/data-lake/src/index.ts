export * from "./args";
export * from "./bucket";
export * from "./dataLake";
export * from "./grantPolicy";
export * from "./grants";
export * from "./lakeRef";
export * from "./policies";

export * from "./args";
export * from "./databaseImporter";
export * from "./jobs";
export * from "./names";
export * from "./policies";

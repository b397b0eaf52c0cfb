export * from "./args";
export * from "./catalogs";
export * from "./values";
export * from "./queryMesh";

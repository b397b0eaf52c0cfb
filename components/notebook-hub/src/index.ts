export * from "./args";
export * from "./values";
export * from "./notebookHub";
export * from "./image";

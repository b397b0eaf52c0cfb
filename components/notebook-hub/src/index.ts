export * from "./args";
export * from "./values";
export * from "./notebookHub";

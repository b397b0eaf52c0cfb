export * from "./dataProduct";

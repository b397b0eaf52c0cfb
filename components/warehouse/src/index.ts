export * from "./shared/network";
export * from "./shared/policies";
export * from "./warehouse/args";
export * from "./warehouse/sql";
export * from "./warehouse/warehouse";
export * from "./luigi/args";
export * from "./luigi/userData";
export * from "./luigi/legacyLuigiScheduler";

export * from "./names";
export * from "./tags";
export * from "./arns";
export * from "./cidr";
export * from "./vocabulary";
export * from "./defaults";
export * from "./problems";
export * from "./stages";

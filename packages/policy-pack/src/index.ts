export * from "./policies";
export * from "./evaluate";
export { chartRequirements, podSecurityExceptionAnnotation, podSecurityLabel } from "./rules/kubernetes";
export type { CostConfig } from "./rules/cost";
export * from "./cost-model";
export {
  asArray,
  parseDocument,
  statements as documentStatements,
  type Document as PolicyDocument,
  type Statement as PolicyStatement,
} from "./util";

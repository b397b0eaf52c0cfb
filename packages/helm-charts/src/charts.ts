/**
 * The charts the platform deploys, pinned. `dataDir` holds the chart's default
 * values.yaml and values schema (copied from the chart's repository; provenance
 * and licences in charts/PROVENANCE.md and beside each chart).
 */
export interface ChartPin {
  /** Chart name in its repository. */
  chart: string;
  version: string;
  /** Helm repository URL, or an `oci://` reference. */
  repository: string;
  /** Folder under `charts/` with values.yaml and the schema. */
  dataDir: string;
  /** Schema file in `dataDir`. */
  schemaFile: string;
  /** False for charts whose defaults are not public (licensed charts). */
  hasDefaults: boolean;
}

export const charts = {
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    repository: "https://aws.github.io/eks-charts",
    dataDir: "aws-load-balancer-controller-3.5.0",
    schemaFile: "values.schema.derived.json",
    hasDefaults: true,
  },
  karpenter: {
    chart: "karpenter",
    version: "1.14.1",
    repository: "oci://public.ecr.aws/karpenter",
    dataDir: "karpenter-1.14.1",
    schemaFile: "values.schema.derived.json",
    hasDefaults: true,
  },
  jupyterhub: {
    chart: "jupyterhub",
    version: "4.4.0",
    repository: "https://hub.jupyter.org/helm-chart/",
    dataDir: "jupyterhub-4.4.0",
    schemaFile: "values.schema.json",
    hasDefaults: true,
  },
  trino: {
    chart: "trino",
    version: "1.42.2",
    repository: "https://trinodb.github.io/charts/",
    dataDir: "trino-1.42.2",
    schemaFile: "values.schema.derived.json",
    hasDefaults: true,
  },
  starburstEnterprise: {
    chart: "starburst-enterprise",
    version: "479.14.0",
    repository: "oci://harbor.starburstdata.net/starburstdata/charts",
    dataDir: "starburst-enterprise-479.14.0",
    schemaFile: "values.schema.minimal.json",
    hasDefaults: false,
  },
  sparkOperator: {
    chart: "spark-operator",
    version: "2.5.2",
    repository: "https://kubeflow.github.io/spark-operator",
    dataDir: "spark-operator-2.5.2",
    schemaFile: "values.schema.derived.json",
    hasDefaults: true,
  },
} as const satisfies Record<string, ChartPin>;

export type ChartId = keyof typeof charts;

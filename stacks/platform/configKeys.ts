import { formatPath, splitKeyPath, type ConfigIssue, type PlatformConfig } from "@data-platform/config";
import { formatArgsProblem, type ArgsProblem } from "@data-platform/conventions";

/** The components whose args the stage builds from its configuration, by the config key of each. */
export type ConfiguredComponent = "cluster" | "lake" | "queryMesh" | "notebooks";

/**
 * Where one argument of a component comes from: `arg` is a path in the component's args and `key` the config key
 * it is read from. `*` stands for one name (a domain, in both); whatever follows the argument in a problem's path
 * follows the key (`nodeGroups` -> `cluster.nodeGroups`, so `nodeGroups.query.maxSize` ->
 * `cluster.nodeGroups.query.maxSize`, `apiAccessCidrs[0]` -> `cluster.apiAccessCidrs[0]`). `from` says which
 * file: the stage file (`data-platform:<key>`) or the registry file of the domain `*` names (`<key>`), whose
 * needs the stage may override under `data-platform:domains.<name>.needs`. A key of "" is the stage file as a whole
 * (the stage's name, for example).
 */
export interface ArgKey {
  component: ConfiguredComponent;
  arg: string;
  from: "stage" | "domain";
  key: string;
}

const stage = (component: ConfiguredComponent, arg: string, key: string): ArgKey => ({
  component,
  arg,
  from: "stage",
  key,
});
const domainFile = (component: ConfiguredComponent, arg: string, key: string): ArgKey => ({
  component,
  arg,
  from: "domain",
  key,
});
/** Arguments named like their key under the component's own config key (`queryMesh.workers` <- `workers`). */
const same = (component: ConfiguredComponent, root: string, args: readonly string[]): ArgKey[] =>
  args.map((arg) => stage(component, arg, `${root}.${arg}`));
/** What every component takes from the stage as a whole. */
const common = (component: ConfiguredComponent): ArgKey[] => [
  stage(component, "prefix", "prefix"),
  stage(component, "stage", ""),
  stage(component, "protect", "protect"),
  stage(component, "production", ""),
];

/**
 * The one table of argument paths to configuration keys: how `platformClusterArgs`, `lakeDomains`, `queryMeshArgs`
 * and `notebookHubArgs` (program.ts) build each component's args. A problem a component reports at an argument is
 * filed under the key the argument came from, with that key's line and column.
 */
export const argKeys: readonly ArgKey[] = [
  ...common("cluster"),
  stage("cluster", "vpcCidr", "network.vpcCidr"),
  stage("cluster", "availabilityZoneCount", "network.availabilityZones"),
  ...same("cluster", "network", ["natGateways", "reservedCidrs", "interfaceEndpoints", "flowLogRetentionDays"]),
  ...same("cluster", "cluster", [
    "kubernetesVersion",
    "publicAccessCidrs",
    "apiAccessCidrs",
    "adminRoleArns",
    "readOnlyRoleArns",
    "nodeGroups",
    "karpenter",
  ]),

  // A domain's zones come from its registry file (checked there against its products) merged with the stage's
  // override: only the override can leave a product outside them.
  stage("lake", "domains.*.zones", "domains.*.needs.zones"),
  stage("lake", "domains.*", "domains.*"),

  ...common("queryMesh"),
  ...same("queryMesh", "queryMesh", [
    "engine",
    "workers",
    "coordinatorResources",
    "workerResources",
    "accessControl",
    "ranger",
    "privacera",
    "starburst",
    "tlsCertificateArn",
    "internalTls",
    "s3EgressCidrs",
  ]),
  // The mesh exposes every enabled domain's data products (the registry's `dataProducts`).
  domainFile("queryMesh", "domains.*", "dataProducts"),
  domainFile("queryMesh", "domains.*.products", "dataProducts"),

  ...common("notebooks"),
  ...same("notebooks", "notebooks", [
    "authenticator",
    "adminUsers",
    "allowedUsers",
    "cullTimeoutSeconds",
    "hostname",
    "tlsCertificateArn",
    "realTimeCollaboration",
    "profiles",
    "singleuserImage",
  ]),
  stage("notebooks", "storage.capacityGiB", "notebooks.storageGiB"),
  domainFile("notebooks", "domains.*.groups", "needs.notebooks.groups"),
  domainFile("notebooks", "domains.*", "needs.notebooks"),
];

/** The key a problem is filed under when no row of `argKeys` names its argument: the component's own config key. */
const componentKeys: Readonly<Record<ConfiguredComponent, string>> = {
  cluster: "cluster",
  lake: "domains",
  queryMesh: "queryMesh",
  notebooks: "notebooks",
};

type Key = string | number;

/** The row naming the longest prefix of `path`, with the name `*` stood for and the rest of the path. */
function lookup(
  component: ConfiguredComponent,
  path: readonly Key[],
): { row: ArgKey; name?: string; rest: Key[] } | undefined {
  let best: { row: ArgKey; name?: string; rest: Key[]; length: number } | undefined;
  for (const row of argKeys) {
    if (row.component !== component) continue;
    const pattern = row.arg.split(".");
    if (pattern.length > path.length || (best && best.length >= pattern.length)) continue;
    let name: string | undefined;
    const matches = pattern.every((segment, index) => {
      if (segment !== "*") return path[index] === segment;
      name = String(path[index]);
      return typeof path[index] === "string";
    });
    if (matches)
      best = { row, ...(name !== undefined ? { name } : {}), rest: path.slice(pattern.length), length: pattern.length };
  }
  return best;
}

/** The message without the argument path it starts with (the issue names the config key instead). */
function withoutArgPath(problem: ArgsProblem): string {
  for (const separator of [": ", " "]) {
    if (problem.path !== "" && problem.message.startsWith(`${problem.path}${separator}`))
      return problem.message.slice(problem.path.length + separator.length);
  }
  return problem.message;
}

/**
 * A component's problem as a configuration issue: filed under the config key its argument came from (`argKeys`),
 * in the stage file or the registry file of the domain concerned. A problem at an argument no row names is filed
 * under the component's config key, its message prefixed with the argument path.
 */
export function argIssue(config: PlatformConfig, component: ConfiguredComponent, problem: ArgsProblem): ConfigIssue {
  const stageFile = config.sources.configFile;
  const found = problem.path === "" ? undefined : lookup(component, splitKeyPath(problem.path));
  if (!found)
    return { file: stageFile, path: `data-platform:${componentKeys[component]}`, message: formatArgsProblem(problem) };
  const message = withoutArgPath(problem);
  const key = formatPath([
    ...(found.row.key === "" ? [] : splitKeyPath(found.row.key.replace("*", found.name ?? "*"))),
    ...found.rest,
  ]);
  if (found.row.from === "domain") {
    const domain = config.domains.find((candidate) => candidate.name === found.name);
    const overridable = key.startsWith("needs.");
    if (domain)
      return {
        file: domain.file,
        path: key,
        message: overridable
          ? `${message} (or the stage's data-platform:domains.${domain.name}.needs override)`
          : message,
      };
    return { file: stageFile, path: `data-platform:domains.${found.name ?? ""}`, message };
  }
  return { file: stageFile, path: key === "" ? "" : `data-platform:${key}`, message };
}

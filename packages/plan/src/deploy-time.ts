import { fit, shortType } from "./attribution";
import type { PlanDocument, PlanResource } from "./document";

/** Typical creation time of a resource type, in minutes, and where the figure comes from. */
export interface CreationTime {
  minutes: number;
  source: string;
}

const sizing = "design SIZING.md";
const estimate = "estimate, not measured (typical API completion; replace with measured deploy times)";

/**
 * Creation times by type; anything else takes `defaultCreationTime`. The network's other parts (the VPC, subnets,
 * route tables, routes and associations, the internet gateway, Elastic IPs, the default security group, the
 * flow log) are single API calls with a short wait and take the default. There is no `awsx:ec2:Vpc` entry: the
 * deploy time is computed for the plan being made, never for a base plan, and the program no longer creates
 * that component (base plans of stages created with awsx still diff against it: see replace-rules.ts).
 */
export const creationTimes: Readonly<Record<string, CreationTime>> = {
  "aws:mwaa/environment:Environment": { minutes: 30, source: `${sizing}: MWAA creation takes 20-40 minutes` },
  "aws:eks/cluster:Cluster": { minutes: 15, source: `${sizing}: EKS control plane creation ~10-20 minutes` },
  "aws:redshiftserverless/workgroup:Workgroup": {
    minutes: 12,
    source: `${sizing}: Redshift Serverless workgroup ~10-15 minutes`,
  },
  "aws:redshiftserverless/namespace:Namespace": { minutes: 2, source: estimate },
  "aws:eks/nodeGroup:NodeGroup": { minutes: 5, source: estimate },
  "aws:eks/addon:Addon": { minutes: 2, source: estimate },
  "aws:ec2/natGateway:NatGateway": {
    minutes: 2,
    source: `${estimate}; the provider waits up to 10 minutes for it to become available (vpc_nat_gateway.go create timeout)`,
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    minutes: 2,
    source: `${estimate}; the provider waits up to 10 minutes for it to become available (vpc_endpoint.go create timeout)`,
  },
  "kubernetes:helm.sh/v4:Chart": { minutes: 3, source: `${estimate}; waits for its workloads` },
  "aws:kinesisanalyticsv2/application:Application": { minutes: 5, source: estimate },
  "aws:kinesis/stream:Stream": { minutes: 1, source: estimate },
  "aws:emr/cluster:Cluster": { minutes: 5, source: `${sizing}: EMR cluster start 4-5 minutes` },
  "aws:emrserverless/application:Application": { minutes: 1, source: estimate },
  "aws:secretsmanager/secretVersion:SecretVersion": { minutes: 0.2, source: estimate },
  "aws:redshiftdata/statement:Statement": { minutes: 0.5, source: estimate },
  "aws:iam/role:Role": { minutes: 0.2, source: `${estimate}; includes IAM propagation` },
  "aws:kms/key:Key": { minutes: 0.3, source: estimate },
};

export const defaultCreationTime: CreationTime = { minutes: 0.1, source: `${estimate}: a single API call` };

export interface PathStep {
  urn: string;
  type: string;
  name: string;
  minutes: number;
  /** Minutes from the start of the deploy when the step finishes. */
  finishesAt: number;
}

/** The plan document's `deployTime` section. */
export interface DeployTime {
  /** Minutes of the longest dependency chain (resources in a chain are created one after another). */
  criticalPathMinutes: number;
  criticalPath: PathStep[];
  /** Sum of every resource's creation time (a fully sequential deploy). */
  sequentialMinutes: number;
}

/** Values that identify a resource when other resources reference it (ids, names, bucket names). */
function identities(resource: PlanResource): string[] {
  const values = [
    resource.id,
    resource.inputs["name"],
    resource.inputs["bucket"],
    resource.inputs["workgroupName"],
    resource.inputs["namespaceName"],
    resource.inputs["clusterName"] && resource.type === "aws:eks/cluster:Cluster"
      ? resource.inputs["clusterName"]
      : undefined,
  ];
  return values.filter((value): value is string => typeof value === "string" && value.length >= 6);
}

// Labels, not references: a tag or description naming another resource creates no dependency.
const notReferences = new Set(["tags", "description", "labels"]);

function strings(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) if (!notReferences.has(key)) strings(item, out);
  return out;
}

/**
 * The dependency graph of a first deploy: the dependencies the engine records for each resource,
 * plus references found in its inputs (another resource's id, name or ARN ending in its name),
 * which the engine also waits for when the value comes from that resource's outputs.
 */
export function dependencyGraph(document: Pick<PlanDocument, "resources">): Map<string, Set<string>> {
  const resources = document.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack");
  const byIdentity = new Map<string, string | null>();
  for (const resource of resources) {
    for (const identity of identities(resource))
      byIdentity.set(
        identity,
        byIdentity.has(identity) && byIdentity.get(identity) !== resource.urn ? null : resource.urn,
      );
  }
  const known = new Set(resources.map((resource) => resource.urn));
  const graph = new Map<string, Set<string>>();
  for (const resource of resources) {
    const edges = new Set(resource.dependencies.filter((urn) => known.has(urn) && urn !== resource.urn));
    for (const value of strings(resource.inputs, [])) {
      const candidates = [value, value.split("/").pop()!, value.split(":").pop()!];
      for (const candidate of candidates) {
        const owner = byIdentity.get(candidate);
        if (owner && owner !== resource.urn) edges.add(owner);
      }
    }
    graph.set(resource.urn, edges);
  }
  return graph;
}

/** The first deploy's critical path: the longest chain of creation times through the dependency graph. */
export function estimateDeployTime(
  document: Pick<PlanDocument, "resources">,
  times: Readonly<Record<string, CreationTime>> = creationTimes,
): DeployTime {
  const byUrn = new Map(document.resources.map((resource) => [resource.urn, resource]));
  const graph = dependencyGraph(document);
  const duration = (resource: PlanResource) =>
    resource.custom || resource.remote ? (times[resource.type] ?? defaultCreationTime).minutes : 0;
  const finish = new Map<string, number>();
  const previous = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (urn: string): number => {
    const done = finish.get(urn);
    if (done !== undefined) return done;
    if (visiting.has(urn)) return 0; // a cycle would be an engine error; do not loop
    visiting.add(urn);
    let start = 0;
    let before: string | undefined;
    for (const dependency of graph.get(urn) ?? []) {
      const at = visit(dependency);
      if (at > start) {
        start = at;
        before = dependency;
      }
    }
    visiting.delete(urn);
    const end = start + duration(byUrn.get(urn)!);
    finish.set(urn, end);
    previous.set(urn, before);
    return end;
  };
  let last: string | undefined;
  let longest = 0;
  for (const urn of graph.keys()) {
    const end = visit(urn);
    if (end > longest) {
      longest = end;
      last = urn;
    }
  }
  const path: PathStep[] = [];
  for (let urn = last; urn; urn = previous.get(urn)) {
    const resource = byUrn.get(urn)!;
    const minutes = duration(resource);
    if (minutes > 0)
      path.unshift({
        urn,
        type: resource.type,
        name: resource.name,
        minutes,
        finishesAt: Math.round(finish.get(urn)! * 10) / 10,
      });
  }
  const sequential = [...graph.keys()].reduce((sum, urn) => sum + duration(byUrn.get(urn)!), 0);
  return {
    criticalPathMinutes: Math.round(longest * 10) / 10,
    criticalPath: path,
    sequentialMinutes: Math.round(sequential),
  };
}

/** The critical path for the terminal, slowest steps visible. */
export function deployTimeText(deployTime: DeployTime, width = 100): string[] {
  const lines = [
    `First deploy: about ${Math.round(deployTime.criticalPathMinutes)} minutes on the critical path (${deployTime.sequentialMinutes} minutes if sequential):`,
  ];
  for (const step of deployTime.criticalPath) {
    lines.push(
      fit(
        `  ${`${step.finishesAt.toFixed(1)} min`.padStart(9)}  +${step.minutes.toString().padEnd(4)} ${shortType(step.type)} ${step.name}`,
        width,
      ),
    );
  }
  return lines;
}

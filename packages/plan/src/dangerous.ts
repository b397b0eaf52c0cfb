import { cidrContains, parseCidr } from "@data-platform/conventions";
import {
  asArray,
  documentStatements,
  parseDocument,
  type PolicyStatement as Statement,
} from "@data-platform/policy-pack";
import type { ResourceChange } from "./diff";
import type { PlanResource } from "./document";

export type DangerKind =
  "replace-stateful" | "delete-stateful" | "protection-removed" | "policy-widened" | "security-group-opened";

export interface Danger {
  kind: DangerKind;
  urn: string;
  type: string;
  message: string;
}

interface Pair {
  before: PlanResource | undefined;
  after: PlanResource | undefined;
  change: ResourceChange;
}

interface Context {
  /** A production stage: removing protection is dangerous. */
  production: boolean;
  /** Ids of every resource in the base plan (to tell existing security groups from new ones). */
  baseIds: ReadonlySet<string>;
}

/** Inputs holding an IAM / resource policy document, by type. */
export const policyInputs: Readonly<Record<string, readonly string[]>> = {
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:kms/keyPolicy:KeyPolicy": ["policy"],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
  "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
  "aws:kinesis/resourcePolicy:ResourcePolicy": ["policy"],
};

/** A policy's statements, read as the policy pack's rules read them (JSON text or an object; opaque values have none). */
function statements(document: unknown): Statement[] {
  return documentStatements(parseDocument(document));
}

function principals(statement: Statement): string[] {
  const value = statement.Principal;
  if (value === undefined) return [""];
  if (typeof value === "string") return [value];
  return Object.entries(value as Record<string, string | string[]>).flatMap(([kind, ids]) =>
    asArray(ids).map((id) => `${kind}:${id}`),
  );
}

interface Grants {
  actions: Set<string>;
  principals: Set<string>;
  resources: Set<string>;
  /** Whole statements that use Not* elements, as JSON. */
  inverted: Set<string>;
  denies: Set<string>;
}

function grants(document: unknown): Grants {
  const result: Grants = {
    actions: new Set(),
    principals: new Set(),
    resources: new Set(),
    inverted: new Set(),
    denies: new Set(),
  };
  for (const statement of statements(document)) {
    if (statement.Effect === "Deny") {
      result.denies.add(JSON.stringify({ ...statement, Sid: undefined }));
      continue;
    }
    if (
      statement.NotAction !== undefined ||
      statement.NotResource !== undefined ||
      statement.NotPrincipal !== undefined
    ) {
      result.inverted.add(JSON.stringify({ ...statement, Sid: undefined }));
      continue;
    }
    for (const action of asArray(statement.Action)) result.actions.add(action.toLowerCase());
    for (const principal of principals(statement)) result.principals.add(principal);
    for (const resource of asArray(statement.Resource)) result.resources.add(resource);
  }
  return result;
}

/**
 * A wildcard over whole services, accounts or resource names (`*`, `arn:aws:s3:::*`, `arn:aws:kms:*:*:key/*`
 * has one in the region), not over a named resource's contents (`arn:aws:s3:::bucket/*`).
 */
export function broadWildcard(resource: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  if (parts.slice(0, 5).some((part) => part.includes("*"))) return true;
  const name = parts.slice(5).join(":");
  return name.split("/")[0]!.includes("*");
}

const covered = (pattern: string, value: string) =>
  pattern === value || (pattern.endsWith("*") && value.startsWith(pattern.slice(0, -1)));

/**
 * How a policy document got wider: an action or principal it did not grant before, a new broad
 * wildcard resource (see `broadWildcard`), a new `Not*` statement, or a removed Deny. More specific resources for actions already
 * granted (a new domain's bucket in a shared role's policy) are scope, shown in the update's details.
 */
export function policyWidening(before: unknown, after: unknown): string[] {
  const old = grants(before);
  const now = grants(after);
  const reasons: string[] = [];
  const newActions = [...now.actions].filter((action) => ![...old.actions].some((granted) => covered(granted, action)));
  if (newActions.length > 0)
    reasons.push(
      `new actions ${newActions.slice(0, 5).join(", ")}${newActions.length > 5 ? ` (+${newActions.length - 5})` : ""}`,
    );
  const newPrincipals = [...now.principals].filter((principal) => !old.principals.has(principal));
  if (newPrincipals.length > 0)
    reasons.push(
      `new principals ${newPrincipals.slice(0, 3).join(", ")}${newPrincipals.length > 3 ? ` (+${newPrincipals.length - 3})` : ""}`,
    );
  const newWildcards = [...now.resources].filter(
    (resource) => broadWildcard(resource) && ![...old.resources].some((granted) => covered(granted, resource)),
  );
  if (newWildcards.length > 0) reasons.push(`new wildcard resources ${newWildcards.slice(0, 3).join(", ")}`);
  if ([...now.inverted].some((statement) => !old.inverted.has(statement)))
    reasons.push("a new NotAction/NotResource/NotPrincipal statement");
  const removedDenies = [...old.denies].filter((statement) => !now.denies.has(statement));
  if (removedDenies.length > 0) reasons.push(`${removedDenies.length} Deny statement(s) removed or changed`);
  return reasons;
}

const ingressTypes = new Set([
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:ec2/securityGroup:SecurityGroup",
]);

interface Ingress {
  group: string;
  protocol: string;
  from: number;
  to: number;
  source: string;
}

/** The ingress grants a resource makes (rule resources, or a group's inline ingress blocks). */
export function ingressOf(resource: PlanResource): Ingress[] {
  const inputs = resource.inputs;
  const port = (value: unknown, fallback: number) => (typeof value === "number" ? value : fallback);
  const protocol = (value: unknown) => (value === undefined || value === "all" ? "-1" : String(value));
  const range = (from: unknown, to: unknown, proto: string): [number, number] =>
    proto === "-1" ? [0, 65535] : [port(from, 0), port(to, 65535)];
  if (resource.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
    const proto = protocol(inputs["ipProtocol"]);
    const [from, to] = range(inputs["fromPort"], inputs["toPort"], proto);
    const source =
      inputs["cidrIpv4"] ?? inputs["cidrIpv6"] ?? inputs["prefixListId"] ?? inputs["referencedSecurityGroupId"];
    return [{ group: String(inputs["securityGroupId"]), protocol: proto, from, to, source: String(source) }];
  }
  if (resource.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
    if (inputs["type"] !== "ingress") return [];
    const proto = protocol(inputs["protocol"]);
    const [from, to] = range(inputs["fromPort"], inputs["toPort"], proto);
    const sources = [
      ...((inputs["cidrBlocks"] as string[] | undefined) ?? []),
      ...((inputs["ipv6CidrBlocks"] as string[] | undefined) ?? []),
    ];
    if (inputs["sourceSecurityGroupId"] !== undefined) sources.push(String(inputs["sourceSecurityGroupId"]));
    if (inputs["self"] === true) sources.push("self");
    return sources.map((source) => ({ group: String(inputs["securityGroupId"]), protocol: proto, from, to, source }));
  }
  if (resource.type === "aws:ec2/securityGroup:SecurityGroup") {
    const blocks = (inputs["ingress"] as Record<string, unknown>[] | undefined) ?? [];
    return blocks.flatMap((block) => {
      const proto = protocol(block["protocol"]);
      const [from, to] = range(block["fromPort"], block["toPort"], proto);
      const sources = [
        ...((block["cidrBlocks"] as string[] | undefined) ?? []),
        ...((block["ipv6CidrBlocks"] as string[] | undefined) ?? []),
        ...((block["securityGroups"] as string[] | undefined) ?? []),
      ];
      return sources.map((source) => ({ group: resource.id ?? resource.urn, protocol: proto, from, to, source }));
    });
  }
  return [];
}

function sourceCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return typeof a !== "string" && typeof b !== "string" && cidrContains(a, b);
}

const world = new Set(["0.0.0.0/0", "::/0"]);

/** Ingress the change adds that the base did not allow (same group, a port range and source it covered). */
export function openedIngress(before: Ingress[], after: Ingress[]): Ingress[] {
  return after.filter(
    (grant) =>
      !before.some(
        (old) =>
          old.group === grant.group &&
          (old.protocol === "-1" || old.protocol === grant.protocol) &&
          old.from <= grant.from &&
          old.to >= grant.to &&
          sourceCovers(old.source, grant.source),
      ),
  );
}

/** The dangerous changes in a diff, for the top of the review. */
export function findDangers(pairs: readonly Pair[], context: Context): Danger[] {
  const dangers: Danger[] = [];
  const note = (change: ResourceChange, kind: DangerKind, message: string) =>
    dangers.push({ kind, urn: change.urn, type: change.type, message });
  for (const { before, after, change } of pairs) {
    if (change.stateful && change.kind === "replace")
      note(
        change,
        "replace-stateful",
        `replaced: ${change.replaceBecause.join(", ")} changed, ${change.replaceEffect ?? "and the new one starts empty"}`,
      );
    if (change.stateful && change.kind === "remove")
      note(
        change,
        "delete-stateful",
        before?.options.protect ? "deleted (protected: the deletion will fail until protection is removed)" : "deleted",
      );
    if (context.production && before?.options.protect && after && !after.options.protect)
      note(change, "protection-removed", "protect: true -> false");
    if (before && after) {
      for (const input of policyInputs[after.type] ?? []) {
        const reasons = policyWidening(before.inputs[input], after.inputs[input]);
        if (reasons.length > 0) note(change, "policy-widened", `${input} widened: ${reasons.join("; ")}`);
      }
    }
    if (after && ingressTypes.has(after.type) && change.kind !== "remove") {
      const opened = openedIngress(before ? ingressOf(before) : [], ingressOf(after));
      // A new group's rules open nothing that existed; new rules on existing groups, or public sources, do.
      const relevant = opened.filter(
        (grant) => world.has(grant.source) || before !== undefined || context.baseIds.has(grant.group),
      );
      if (relevant.length > 0) {
        const text = relevant
          .slice(0, 3)
          .map(
            (grant) =>
              `${grant.source} -> ${grant.protocol === "-1" ? "all traffic" : `${grant.protocol} ${grant.from === grant.to ? grant.from : `${grant.from}-${grant.to}`}`}`,
          );
        note(
          change,
          "security-group-opened",
          `ingress opened: ${text.join(", ")}${relevant.length > 3 ? ` (+${relevant.length - 3})` : ""}`,
        );
      }
    }
  }
  const order: Record<DangerKind, number> = {
    "delete-stateful": 0,
    "replace-stateful": 1,
    "protection-removed": 2,
    "security-group-opened": 3,
    "policy-widened": 4,
  };
  return dangers.sort((a, b) => order[a.kind] - order[b.kind] || a.urn.localeCompare(b.urn));
}

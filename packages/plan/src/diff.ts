import { attribute, platformLabel } from "./attribution";
import { findDangers, type Danger } from "./dangerous";
import type { PlanDocument, PlanResource } from "./document";
import { conditionalReplace, pathMatches, replaceRuleFor, statefulTypes } from "./replace-rules";

export type ChangeKind = "add" | "remove" | "update" | "replace";

export interface InputChange {
  /** `a.b[0].c`; inside a JSON-string input (a policy), `policy:Statement[0].Action`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface OptionChange {
  option: "protect" | "retainOnDelete" | "aliases" | "ignoreChanges" | "deleteBeforeReplace";
  before: unknown;
  after: unknown;
}

export interface ResourceChange {
  kind: ChangeKind;
  urn: string;
  /** The base URN when the resource moved there through an alias. */
  previousUrn?: string;
  type: string;
  name: string;
  component: string;
  domain: string;
  stateful: boolean;
  inputs: InputChange[];
  options: OptionChange[];
  /** The changed input paths that force replacement (for `replace`). */
  replaceBecause: string[];
  /** For `replace`: what the replacement does beyond recreating the resource (the type's replace rule says). */
  replaceEffect?: string;
}

/** What a plan changes against an earlier plan of the same stack. */
export interface PlanDiff {
  base: { stack: string; project: string; resources: number };
  counts: Record<ChangeKind, number> & { unchanged: number };
  dangerous: Danger[];
  changes: ResourceChange[];
  /** The base plan's cost, for the cost change (null when the base plan has no cost section). */
  baseCost: { total: number; byDomain: Record<string, number> } | null;
}

const optionKeys = ["protect", "retainOnDelete", "aliases", "ignoreChanges", "deleteBeforeReplace"] as const;

/** Input values flattened to leaf paths; JSON strings holding objects are opened (`policy:Statement[0]`). */
export function flattenInputs(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === "string" && prefix !== "" && /^\s*[[{]/.test(value)) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (
        parsed !== null &&
        typeof parsed === "object" &&
        (Array.isArray(parsed)
          ? parsed.some((item) => item !== null && typeof item === "object")
          : Object.keys(parsed).length > 0)
      ) {
        flattenJson(parsed, `${prefix}:`, out);
        return out;
      }
    } catch {
      // not JSON: a plain string
    }
  }
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) out.set(prefix, value);
    else value.forEach((item, index) => flattenInputs(item, `${prefix}[${index}]`, out));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix !== "") out.set(prefix, value);
    for (const [key, item] of entries) flattenInputs(item, prefix === "" ? key : `${prefix}.${key}`, out);
    return out;
  }
  if (prefix !== "") out.set(prefix, value);
  return out;
}

function flattenJson(value: unknown, prefix: string, out: Map<string, unknown>): void {
  const key = (name: string) => (prefix.endsWith(":") ? `${prefix}${name}` : `${prefix}.${name}`);
  const leaf = prefix.endsWith(":") ? prefix.slice(0, -1) : prefix;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) out.set(leaf, value);
    else value.forEach((item, index) => flattenJson(item, `${prefix}[${index}]`, out));
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) flattenJson(item, key(name), out);
    return;
  }
  out.set(leaf, value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The input changes between two versions of a resource, by leaf path. */
export function inputChanges(before: Record<string, unknown>, after: Record<string, unknown>): InputChange[] {
  const old = flattenInputs(before);
  const now = flattenInputs(after);
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: InputChange[] = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (!same(a, b)) changes.push({ path, before: a, after: b });
  }
  return changes;
}

function optionChanges(before: PlanResource["options"], after: PlanResource["options"]): OptionChange[] {
  return optionKeys
    .filter((key) => !same(before[key], after[key]))
    .map((option) => ({ option, before: before[option], after: after[option] }));
}

/** The URNs a resource's aliases stand for, in a document of `stack`/`project`. */
export function aliasUrns(resource: PlanResource, stack: string, project: string): string[] {
  const urns: string[] = [];
  for (const alias of resource.options.aliases ?? []) {
    if (typeof alias === "string") {
      urns.push(alias);
      continue;
    }
    if (alias === null || typeof alias !== "object") continue;
    const record = alias as Record<string, unknown>;
    if (typeof record["urn"] === "string") {
      urns.push(record["urn"]);
      continue;
    }
    const spec = (record["spec"] ?? record) as Record<string, unknown>;
    const text = (key: string) =>
      typeof spec[key] === "string" && spec[key] !== "" ? (spec[key] as string) : undefined;
    const name = text("name") ?? resource.name;
    const type = text("type") ?? resource.type;
    const parent =
      spec["noParent"] === true ? undefined : (text("parenturn") ?? text("parentUrn") ?? resource.parent ?? undefined);
    const parentType = parent?.split("::")[2];
    const qualified = parentType && !parentType.endsWith("pulumi:pulumi:Stack") ? `${parentType}$${type}` : type;
    urns.push(`urn:pulumi:${text("stack") ?? stack}::${text("project") ?? project}::${qualified}::${name}`);
  }
  return urns;
}

export interface DiffOptions {
  /** Stacks where removing protection is dangerous. @default ["prod"] */
  productionStacks?: readonly string[];
}

/** Compares a plan against an earlier plan of the same stack (the base branch's), by URN. */
export function diffPlans(base: PlanDocument, head: PlanDocument, options: DiffOptions = {}): PlanDiff {
  const skip = (resource: PlanResource) => resource.type === "pulumi:pulumi:Stack";
  const baseByUrn = new Map(
    base.resources.filter((resource) => !skip(resource)).map((resource) => [resource.urn, resource]),
  );
  const headResources = head.resources.filter((resource) => !skip(resource));
  const headUrns = new Set(headResources.map((resource) => resource.urn));
  const headAttribution = attribute(head);
  const baseAttribution = attribute(base);

  const changes: ResourceChange[] = [];
  const pairs: { before: PlanResource | undefined; after: PlanResource | undefined; change: ResourceChange }[] = [];
  const matched = new Set<string>();
  let unchanged = 0;

  for (const after of headResources) {
    let before = baseByUrn.get(after.urn);
    let previousUrn: string | undefined;
    if (!before) {
      previousUrn = aliasUrns(after, head.stack, head.project).find((urn) => baseByUrn.has(urn) && !headUrns.has(urn));
      before = previousUrn ? baseByUrn.get(previousUrn) : undefined;
    }
    const common = {
      urn: after.urn,
      type: after.type,
      name: after.name,
      component: headAttribution.component(after),
      domain: headAttribution.domain(after),
      stateful: statefulTypes.has(after.type),
    };
    if (!before) {
      const change: ResourceChange = { kind: "add", ...common, inputs: [], options: [], replaceBecause: [] };
      changes.push(change);
      pairs.push({ before: undefined, after, change });
      continue;
    }
    matched.add(before.urn);
    const inputs = inputChanges(before.inputs, after.inputs);
    const options = optionChanges(before.options, after.options).filter(
      (option) => !(previousUrn && option.option === "aliases"),
    );
    if (inputs.length === 0 && options.length === 0 && !previousUrn) {
      unchanged++;
      continue;
    }
    const rule = replaceRuleFor(after.type);
    const replaceBecause = [
      ...new Set([
        ...inputs
          .filter((input) => rule?.properties.some((property) => pathMatches(input.path, property)))
          .map((input) => input.path),
        ...conditionalReplace(after.type, before.inputs, after.inputs),
      ]),
    ];
    const replaced = replaceBecause.length > 0;
    const change: ResourceChange = {
      kind: replaced ? "replace" : "update",
      ...common,
      ...(previousUrn ? { previousUrn } : {}),
      inputs,
      options,
      replaceBecause,
      ...(replaced && rule?.effect ? { replaceEffect: rule.effect } : {}),
    };
    changes.push(change);
    pairs.push({ before, after, change });
  }
  for (const before of baseByUrn.values()) {
    if (matched.has(before.urn)) continue;
    const change: ResourceChange = {
      kind: "remove",
      urn: before.urn,
      type: before.type,
      name: before.name,
      component: baseAttribution.component(before),
      domain: baseAttribution.domain(before),
      stateful: statefulTypes.has(before.type),
      inputs: [],
      options: [],
      replaceBecause: [],
    };
    changes.push(change);
    pairs.push({ before, after: undefined, change });
  }

  const counts = { add: 0, remove: 0, update: 0, replace: 0, unchanged };
  for (const change of changes) counts[change.kind]++;
  const kindOrder: Record<ChangeKind, number> = { replace: 0, remove: 1, update: 2, add: 3 };
  changes.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.urn.localeCompare(b.urn));
  const production = (options.productionStacks ?? ["prod"]).includes(head.stack);
  const dangerous = findDangers(pairs, {
    production,
    baseIds: new Set(base.resources.map((resource) => resource.id).filter((id): id is string => id !== null)),
  });
  const baseCost = base.cost ? { total: base.cost.total, byDomain: base.cost.byDomain } : null;
  return {
    base: { stack: base.stack, project: base.project, resources: base.resources.length },
    counts,
    dangerous,
    changes,
    baseCost,
  };
}

/** The domain label used for shared resources. */
export { platformLabel };

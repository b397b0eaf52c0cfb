import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { catalogStatements, policyDocument, type PolicyStatement } from "./policies";

/** IAM's limit on the total size of a role's inline policies, in characters without whitespace. */
export const inlinePolicyBudget = 10_240;

const sortedList = (value: string | string[] | undefined): string[] => [...new Set([value ?? []].flat())].sort();
const single = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);

/** JSON with object keys sorted: the identity of a condition block. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

interface Normalized {
  Effect: PolicyStatement["Effect"];
  actions: string[];
  resources: string[];
  condition?: PolicyStatement["Condition"];
}

/** `StringLike: { s3:prefix: [...] }` and nothing else: listing conditions whose values can be unioned. */
function listPrefixes(condition: PolicyStatement["Condition"]): string[] | undefined {
  if (!condition || Object.keys(condition).length !== 1 || !condition["StringLike"]) return undefined;
  const like = condition["StringLike"];
  if (Object.keys(like).length !== 1 || like["s3:prefix"] === undefined) return undefined;
  return sortedList(like["s3:prefix"] as string | string[]);
}

function groupBy(
  statements: Normalized[],
  key: (statement: Normalized) => string,
  merge: (group: Normalized[]) => Normalized,
): Normalized[] {
  const groups = new Map<string, Normalized[]>();
  for (const statement of statements) {
    const id = key(statement);
    groups.set(id, [...(groups.get(id) ?? []), statement]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => merge(group));
}

/**
 * The statements of many grants as few statements with the same meaning, for one policy per grantee:
 * statements that differ only in resources become one (resources unioned), then statements that differ only in
 * actions become one (actions unioned). Listing statements of one bucket that differ only in their `s3:prefix`
 * values become one listing that bucket with the union of the prefixes (the union of what each allowed). The
 * result does not depend on the order of the input. Pure.
 */
export function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
  let normalized: Normalized[] = statements.map((statement) => ({
    Effect: statement.Effect,
    actions: sortedList(statement.Action),
    resources: sortedList(statement.Resource),
    ...(statement.Condition ? { condition: statement.Condition } : {}),
  }));
  if (normalized.some((statement) => statement.resources.length === 0))
    throw new Error("mergeStatements: every grant statement names its resources");
  // One bucket's listings with different prefixes: one listing with every prefix.
  normalized = groupBy(
    normalized,
    (statement) => {
      const prefixes = listPrefixes(statement.condition);
      return prefixes
        ? `list|${statement.Effect}|${statement.actions.join(",")}|${statement.resources.join(",")}`
        : `other|${canonical(statement)}`;
    },
    (group) => {
      const prefixes = listPrefixes(group[0]!.condition);
      if (!prefixes) return group[0]!;
      const union = sortedList(group.flatMap((statement) => listPrefixes(statement.condition)!));
      return { ...group[0]!, condition: { StringLike: { "s3:prefix": union } } };
    },
  );
  const conditionOf = (statement: Normalized) => (statement.condition ? canonical(statement.condition) : "");
  // Same effect, actions and condition: one statement over every resource.
  normalized = groupBy(
    normalized,
    (statement) => `${statement.Effect}|${statement.actions.join(",")}|${conditionOf(statement)}`,
    (group) => ({ ...group[0]!, resources: sortedList(group.flatMap((statement) => statement.resources)) }),
  );
  // Same effect, resources and condition: one statement with every action.
  normalized = groupBy(
    normalized,
    (statement) => `${statement.Effect}|${statement.resources.join(",")}|${conditionOf(statement)}`,
    (group) => ({ ...group[0]!, actions: sortedList(group.flatMap((statement) => statement.actions)) }),
  );
  return normalized.map((statement) => ({
    Effect: statement.Effect,
    Action: single(statement.actions),
    Resource: single(statement.resources),
    ...(statement.condition ? { Condition: statement.condition } : {}),
  }));
}

/** The size IAM counts for a policy document: its JSON without whitespace. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).length;
}

interface GranteeEntry {
  role: aws.iam.Role;
  statements: pulumi.Output<PolicyStatement[]>[];
  policy: aws.iam.RolePolicy;
  sealed: boolean;
}

/**
 * One IAM role policy per grantee, holding every grant's statements merged: a role that reads many domains keeps
 * one policy far inside IAM's 10,240-character inline budget instead of one policy per grant. The policy is
 * registered with the first grant; its document is assembled once the program has made its grants (the grants of a
 * program are made while its components are constructed, before the engine needs the document).
 */
export class GranteePolicies {
  private readonly entries = new Map<string, GranteeEntry>();

  constructor(
    private readonly lakeName: string,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  /** Adds a grant's statements to the grantee's policy; returns that policy. */
  add(granteeName: string, role: aws.iam.Role, statements: pulumi.Output<PolicyStatement[]>): aws.iam.RolePolicy {
    let entry = this.entries.get(granteeName);
    if (entry && entry.role !== role)
      throw new Error(
        `grant to "${granteeName}": that grantee name is already used by another role; grantee names are unique per role`,
      );
    if (entry?.sealed) {
      throw new Error(
        `grant to "${granteeName}" after its policy was assembled: make every grant of a role while the program constructs its components`,
      );
    }
    if (!entry) {
      const created: GranteeEntry = {
        role,
        statements: [],
        sealed: false,
        policy: undefined as unknown as aws.iam.RolePolicy,
      };
      // Read the grant list after the program's synchronous construction (a macrotask later), then seal it.
      const collected = new Promise<pulumi.Output<PolicyStatement[][]>>((resolve) => {
        setImmediate(() => {
          created.sealed = true;
          resolve(pulumi.all(created.statements));
        });
      });
      created.policy = new aws.iam.RolePolicy(
        `${this.lakeName}-${granteeName}-grants`,
        {
          role: role.name,
          policy: pulumi
            .output(collected)
            .apply((lists: PolicyStatement[][]) => JSON.stringify(policyDocument(mergeStatements(lists.flat())))),
        },
        this.opts,
      );
      this.entries.set(granteeName, created);
      entry = created;
    }
    entry.statements.push(statements);
    return entry.policy;
  }
}

/** One product's objects in a producer's bucket, as a consumer without credential vending reads them. */
export interface ProductLocation {
  bucketArn: string;
  /** The product's name: its table lives under `<bucket>/<product>/`. */
  product: string;
}

/**
 * What a consumer that reads S3 itself (no Lake Formation credential vending: the query engine, Spark on EMR) needs
 * for some products: exactly their objects; listing their buckets under their prefixes; decrypting through S3 with
 * the account's keys. Reads only. Objects are the boundary: listing shows key names under a granted product's prefix
 * in any granted bucket, and a key decrypts only objects the role may get. Naming every producer key and one listing
 * per bucket would pass IAM's inline budget at about 15 domains.
 */
export function directReadStatements(input: {
  locations: ProductLocation[];
  partition: string;
  region: string;
  accountId: string;
}): PolicyStatement[] {
  if (input.locations.length === 0) return [];
  const prefixes = [...new Set(input.locations.map((location) => location.product))].sort();
  return [
    {
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: [...new Set(input.locations.map((location) => location.bucketArn))].sort(),
      Condition: { StringLike: { "s3:prefix": prefixes.flatMap((prefix) => [prefix, `${prefix}/*`]) } },
    },
    {
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: input.locations.map((location) => `${location.bucketArn}/${location.product}/*`).sort(),
    },
    {
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: `arn:${input.partition}:kms:${input.region}:${input.accountId}:key/*`,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com`, "kms:CallerAccount": input.accountId },
      },
    },
  ];
}

/**
 * A consumer's catalog reads: Glue's read actions on the account's catalog, databases and tables, and Lake Formation
 * data access. Lake Formation decides what the consumer sees (the lake removes the IAMAllowedPrincipals defaults, so a
 * database or table without a grant stays invisible), as in Lake Formation's permission model; naming every shared
 * table would pass IAM's inline budget at about 25 domains. The Data Catalog's key decrypts through Glue only.
 */
export function consumerCatalogStatements(input: {
  catalogKeyArn: string;
  partition: string;
  region: string;
  accountId: string;
}): PolicyStatement[] {
  // Every database and table of the account's catalog (`database/*`, `table/*/*`), read only.
  return catalogStatements({ ...input, databases: ["*"], level: "read" });
}

/**
 * A small evaluator of AWS IAM policies for tests: does a role's request pass its identity policies and the
 * resource's policy (an S3 bucket policy or a KMS key policy), within one account? It follows the documented
 * evaluation logic ("Policy evaluation logic", IAM User Guide): an explicit deny in any policy wins; for S3 an allow in
 * the identity policies or in the bucket policy suffices; for KMS the key policy must allow, either naming the
 * principal or delegating to the account (`:root`), and then an identity policy must allow too. Wildcards `*` and `?`
 * in actions and resources, `NotAction`/`NotResource`, and the condition operators the platform uses (String*, Arn*,
 * Bool, with `IfExists`) are supported; any other operator throws, so a test never passes on a condition it could not
 * read. Pure.
 */

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Statement: Statement[];
}

export interface Request {
  /** The role's ARN (`arn:aws:iam::<account>:role/<name>`). */
  principalArn: string;
  /** The role's tags (`aws:PrincipalTag/<key>`). */
  principalTags: Record<string, string>;
  action: string;
  resource: string;
  /** Other condition keys (`aws:SecureTransport`, `kms:ViaService`, `s3:prefix`, ...). */
  context?: Record<string, string | boolean>;
}

export type Decision = "allowed" | "explicit deny" | "implicit deny";

const list = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, caseInsensitive ? "i" : "").test(value);
}

function accountOf(arn: string): string {
  return arn.split(":")[4] ?? "";
}

function contextValue(request: Request, key: string): string | undefined {
  const lower = key.toLowerCase();
  if (lower === "aws:principalarn") return request.principalArn;
  if (lower === "aws:principalaccount") return accountOf(request.principalArn);
  if (lower.startsWith("aws:principaltag/")) {
    const tag = Object.keys(request.principalTags).find(
      (candidate) => candidate.toLowerCase() === lower.slice("aws:principaltag/".length),
    );
    return tag === undefined ? undefined : request.principalTags[tag];
  }
  const entry = Object.entries(request.context ?? {}).find(([candidate]) => candidate.toLowerCase() === lower);
  return entry === undefined ? undefined : String(entry[1]);
}

function conditionHolds(operator: string, key: string, expected: string[], request: Request): boolean {
  const ifExists = operator.endsWith("IfExists");
  const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
  const actual = contextValue(request, key);
  const negated = /^(StringNot|ArnNot)/.test(base);
  if (actual === undefined) return ifExists || negated;
  const matches = (() => {
    switch (base) {
      case "StringEquals":
      case "StringNotEquals":
        return expected.includes(actual);
      case "StringEqualsIgnoreCase":
        return expected.some((value) => value.toLowerCase() === actual.toLowerCase());
      case "StringLike":
      case "StringNotLike":
      case "ArnLike":
      case "ArnNotLike":
      case "ArnEquals":
      case "ArnNotEquals":
        return expected.some((value) => wildcard(value, actual, false));
      case "Bool":
        return expected.includes(actual);
      default:
        throw new Error(`iam evaluation: condition operator "${operator}" is not supported`);
    }
  })();
  return negated ? !matches : matches;
}

function principalMatches(principal: Statement["Principal"], request: Request): "self" | "account" | false {
  if (principal === undefined) return false;
  if (principal === "*") return "self";
  const aws = list(principal["AWS"]);
  if (aws.includes("*") || aws.includes(request.principalArn)) return "self";
  if (
    aws.includes(`arn:aws:iam::${accountOf(request.principalArn)}:root`) ||
    aws.includes(accountOf(request.principalArn))
  )
    return "account";
  return false;
}

function statementApplies(statement: Statement, request: Request): boolean {
  const actionMatch = (patterns: string[]) => patterns.some((pattern) => wildcard(pattern, request.action, true));
  const resourceMatch = (patterns: string[]) => patterns.some((pattern) => wildcard(pattern, request.resource, false));
  if (statement.Action !== undefined && !actionMatch(list(statement.Action))) return false;
  if (statement.NotAction !== undefined && actionMatch(list(statement.NotAction))) return false;
  if (statement.Resource !== undefined && !resourceMatch(list(statement.Resource))) return false;
  if (statement.NotResource !== undefined && resourceMatch(list(statement.NotResource))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys))
      if (!conditionHolds(operator, key, list(values), request)) return false;
  }
  return true;
}

/** The decision for `request` under the role's identity policies and the resource's policy, in one account. */
export function evaluate(
  request: Request,
  identity: PolicyDocument[],
  resource?: { kind: "s3" | "kms"; policy: PolicyDocument },
): Decision {
  const identityStatements = identity
    .flatMap((document) => document.Statement)
    .filter((statement) => statementApplies(statement, request));
  const resourceStatements = (resource?.policy.Statement ?? []).filter(
    (statement) => principalMatches(statement.Principal, request) && statementApplies(statement, request),
  );
  if ([...identityStatements, ...resourceStatements].some((statement) => statement.Effect === "Deny"))
    return "explicit deny";
  const identityAllows = identityStatements.some((statement) => statement.Effect === "Allow");
  const resourceAllows = (how: "self" | "account") =>
    resourceStatements.some(
      (statement) => statement.Effect === "Allow" && principalMatches(statement.Principal, request) === how,
    );
  if (resource?.kind === "kms")
    return resourceAllows("self") || (resourceAllows("account") && identityAllows) ? "allowed" : "implicit deny";
  return identityAllows || resourceAllows("self") ? "allowed" : "implicit deny";
}

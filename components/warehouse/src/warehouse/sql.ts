/**
 * The SQL the warehouse runs through the Redshift Data API, built from validated
 * identifiers only. Every statement but the user's creation is idempotent, because the
 * provider re-runs a statement after a refresh once the Data API has forgotten it (24 h).
 */

/** Lowercase SQL identifiers the component accepts (databases, schemas, users). */
export const sqlIdentifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a validated identifier; throws on anything else (no SQL is ever built from free text).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function quoteIdentifier(identifier: string): string {
  if (!sqlIdentifierPattern.test(identifier)) throw new Error(`"${identifier}" is not a lowercase SQL identifier`);
  return `"${identifier}"`;
}

/** An external schema over a Glue database, read through the Spectrum role (and Lake Formation). */
export function externalSchemaSql(schema: string, glueDatabase: string, roleArn: string): string {
  if (!sqlIdentifierPattern.test(glueDatabase)) throw new Error(`"${glueDatabase}" is not a Glue database name`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn))
    throw new Error(`"${roleArn}" is not an IAM role ARN`);
  return `CREATE EXTERNAL SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)} FROM DATA CATALOG DATABASE '${glueDatabase}' IAM_ROLE '${roleArn}'`;
}

/**
 * Redshift's password rules: 8-64 printable ASCII characters without ' " \ / @ or space, with upper, lower and digit.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8 || password.length > 64) return "a Redshift password has 8 to 64 characters";
  if (!/^[\x21-\x7e]+$/.test(password) || /['"\\/@]/.test(password))
    return "a Redshift password has no quote, backslash, slash, @ or space";
  if (!/[A-Z]/.test(password) || !/[a-z]/.test(password) || !/\d/.test(password))
    return "a Redshift password has an uppercase letter, a lowercase letter and a digit";
  return undefined;
}

/** Creates the reporting user. Not idempotent (Redshift has no CREATE USER IF NOT EXISTS): run once. */
export function createUserSql(user: string, password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw new Error(`password for "${user}" rejected: ${problem}`);
  return `CREATE USER ${quoteIdentifier(user)} PASSWORD '${password}'`;
}

/** Lets a user read an external schema (Lake Formation still decides which tables it sees). */
export function grantUsageSql(schema: string, user: string): string {
  return `GRANT USAGE ON SCHEMA ${quoteIdentifier(schema)} TO ${quoteIdentifier(user)}`;
}

/** A schema the user owns, for Looker's persistent derived tables. */
export function ownedSchemaSql(schema: string, user: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)} AUTHORIZATION ${quoteIdentifier(user)}`;
}

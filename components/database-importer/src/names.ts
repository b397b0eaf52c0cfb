/** Physical names the importer's parts share (pure, so validation can use them before anything exists). */

/** SSM parameter of a job definition: `/<prefix>/<stage>/importer/<source>/job`, or `.../importer/events/<source>/job`. */
export function jobParameterName(prefix: string, stage: string, ...parts: string[]): string {
  return `/${prefix}/${stage}/importer/${parts.join("/")}/job`;
}

/** Managed policies hold at most 6,144 characters (whitespace excluded). */
export const managedPolicyCharacterLimit = 6_144;

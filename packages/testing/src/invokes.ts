import type { SyntheticContext } from "./synthetic";

export type InvokeMock = (inputs: Record<string, unknown>) => Record<string, unknown>;

/**
 * Invokes every platform program may call, answered with facts of the synthetic
 * account. Anything else fails loudly (see UnmockedInvokeError).
 */
export function defaultInvokes(ctx: SyntheticContext): Record<string, InvokeMock> {
  const zoneSuffixes = ["a", "b", "c", "d"];
  return {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId: ctx.accountId,
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/platform-deployer`,
      id: ctx.accountId,
      userId: "AROAEXAMPLEDEPLOYER:pulumi",
    }),
    // The deploying session resolves to the role it assumed (used to make the deployer a Lake Formation admin).
    "aws:iam/getSessionContext:getSessionContext": (inputs) => ({
      arn: String(inputs["arn"] ?? ""),
      id: String(inputs["arn"] ?? ""),
      issuerArn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/platform-deployer`,
      issuerId: "AROAEXAMPLEDEPLOYER",
      issuerName: "platform-deployer",
      sessionName: "pulumi",
    }),
    // Secrets Manager's password generator (the warehouse's Looker password); fixed, so plans are stable.
    "aws:secretsmanager/getRandomPassword:getRandomPassword": (inputs) => ({
      id: ctx.region,
      randomPassword: "Q7mXv2LpR9tKz4NwB8cYd3HsF6gJe1Ua".slice(0, Number(inputs["passwordLength"] ?? 32)),
      passwordLength: Number(inputs["passwordLength"] ?? 32),
    }),
    "aws:index/getRegion:getRegion": () => ({
      id: ctx.region,
      name: ctx.region,
      region: ctx.region,
      endpoint: `ec2.${ctx.region}.amazonaws.com`,
      description: ctx.region,
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: ctx.partition,
      partition: ctx.partition,
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    // AWS-managed prefix lists (S3's, for the pods' egress policies): synthetic public ranges, one list per service.
    "aws:ec2/getPrefixList:getPrefixList": (inputs) => {
      const name = String(inputs["name"] ?? `com.amazonaws.${ctx.region}.s3`);
      const ranges: Record<string, string[]> = {
        [`com.amazonaws.${ctx.region}.s3`]: ["3.5.64.0/21", "3.5.72.0/23", "52.92.0.0/17", "52.218.0.0/17"],
      };
      const cidrBlocks = ranges[name];
      if (!cidrBlocks) throw new Error(`no AWS-managed prefix list named "${name}" in the synthetic account`);
      return { id: "pl-6da54004", prefixListId: "pl-6da54004", name, region: ctx.region, cidrBlocks };
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
      id: ctx.region,
      region: ctx.region,
      names: zoneSuffixes.map((suffix) => `${ctx.region}${suffix}`),
      zoneIds: zoneSuffixes.map((_, index) => `euw1-az${index + 1}`),
      groupNames: [ctx.region],
      state: "available",
    }),
    // The account's Lake Formation settings before the update: already governed by Lake Formation (no
    // IAMAllowedPrincipals defaults). Tests of the warning on an ungoverned account override it.
    "aws:lakeformation/getDataLakeSettings:getDataLakeSettings": () => ({
      id: ctx.accountId,
      catalogId: ctx.accountId,
      admins: [`arn:${ctx.partition}:iam::${ctx.accountId}:role/platform-deployer`],
      readOnlyAdmins: [],
      createDatabaseDefaultPermissions: [],
      createTableDefaultPermissions: [],
      trustedResourceOwners: [],
      parameters: { CROSS_ACCOUNT_VERSION: "4", SET_CONTEXT: "TRUE" },
      allowExternalDataFiltering: false,
      allowFullTableExternalDataAccess: false,
      authorizedSessionTagValueLists: [],
      externalDataFilteringAllowLists: [],
    }),
  };
}

import { describe, expect, it } from "vitest";
import { accountIamKeyStatement, cloudWatchLogsKeyStatement, keyAdministrationActions, keyAdministrationStatement, keyPolicyDocument } from "./policies";

const account = { partition: "aws", accountId: "123456789012" };
const root = "arn:aws:iam::123456789012:root";
const deployer = "arn:aws:iam::123456789012:role/deploy";

describe("keyAdministrationStatement", () => {
  it("names the account root first and each administrator once, for management actions only", () => {
    const statement = keyAdministrationStatement([deployer, root], account);
    expect(statement).toEqual({ Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: [root, deployer] }, Action: keyAdministrationActions, Resource: "*" });
    const actions = statement.Action as string[];
    for (const dataUse of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"]) expect(actions).not.toContain(dataUse);
  });
});

describe("keyPolicyDocument", () => {
  const use = { Sid: "KeyUse", Effect: "Allow" as const, Principal: { AWS: root }, Action: "kms:Decrypt", Resource: "*" };

  it("puts the administration statement first, then the key's own statements in order", () => {
    const policy = keyPolicyDocument({ ...account, administratorArns: [deployer] }, [use]);
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual(["KeyAdministration", "KeyUse"]);
    expect(policy.Statement[0]).toEqual(keyAdministrationStatement([deployer], account));
  });

  it("delegates to the account's IAM policies when asked (KMS's default key policy)", () => {
    const policy = keyPolicyDocument({ ...account, delegateToAccountIam: true }, []);
    expect(policy.Statement).toEqual([accountIamKeyStatement(account)]);
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: root }, Action: "kms:*" });
  });

  it("serializes to plain JSON (the brand is a type only)", () => {
    const policy = keyPolicyDocument({ ...account, administratorArns: [] }, []);
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
    expect(Object.keys(policy).sort()).toEqual(["Statement", "Version"]);
  });
});

describe("cloudWatchLogsKeyStatement", () => {
  const scope = { ...account, region: "eu-west-1" };
  it("matches one log group exactly, or a name pattern with ArnLike", () => {
    expect(cloudWatchLogsKeyStatement(scope, "/dp/prod/rivers/flink").Condition).toEqual({ ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/dp/prod/rivers/flink" } });
    expect(cloudWatchLogsKeyStatement(scope, "/aws/redshift/dp-prod-warehouse/*").Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/redshift/dp-prod-warehouse/*" } });
    expect(cloudWatchLogsKeyStatement(scope, "*")).toMatchObject({ Sid: "KeyUseByCloudWatchLogs", Principal: { Service: "logs.eu-west-1.amazonaws.com" }, Resource: "*" });
  });
});

import { describe, expect, it } from "vitest";
import {
  accountIamKeyUseStatement,
  policyDocument,
  cloudWatchLogsKeyStatement,
  keyAdministrationActions,
  keyAdministrationStatement,
  keyPolicyDocument,
  keyStatement,
  keyUseActions,
} from "./policies";

const account = { partition: "aws", accountId: "123456789012" };
const root = "arn:aws:iam::123456789012:root";
const deployer = "arn:aws:iam::123456789012:role/deploy";

describe("keyAdministrationStatement", () => {
  it("names the account root first and each administrator once, for management actions only", () => {
    const statement = keyAdministrationStatement([deployer, root], account);
    expect(statement).toEqual({
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [root, deployer] },
      Action: keyAdministrationActions,
      Resource: "*",
    });
    const actions = statement.Action as string[];
    for (const dataUse of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"])
      expect(actions).not.toContain(dataUse);
  });
});

describe("keyPolicyDocument", () => {
  const use = {
    Sid: "KeyUse",
    Effect: "Allow" as const,
    Principal: { AWS: root },
    Action: "kms:Decrypt",
    Resource: "*",
  };

  it("puts the administration statement first, then the key's own statements in order", () => {
    const policy = keyPolicyDocument({ ...account, administratorArns: [deployer] }, [use]);
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual([
      "KeyAdministration",
      "KeyAdministrationGrantsForAwsResources",
      "KeyUse",
    ]);
    expect(policy.Statement[0]).toEqual(keyAdministrationStatement([deployer], account));
  });

  it("gives administrators no data use: no action of theirs matches kms:CreateGrant or a use action, and their grants are for AWS resources only", () => {
    const policy = keyPolicyDocument({ ...account, administratorArns: [deployer] }, []);
    const [administration, grants] = policy.Statement;
    const matches = (pattern: string, action: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);
    const useActions = ["kms:CreateGrant", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey"];
    for (const action of useActions) {
      expect((administration!.Action as string[]).filter((pattern) => matches(pattern, action))).toEqual([]);
    }
    expect(grants).toEqual({
      Sid: "KeyAdministrationGrantsForAwsResources",
      Effect: "Allow",
      Principal: { AWS: [root, deployer] },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  it("never leaves a key with kms:* for anyone: the administration statement is always first, even for IAM-governed use", () => {
    const policy = keyPolicyDocument({ ...account, administratorArns: [] }, [accountIamKeyUseStatement(account)]);
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual([
      "KeyAdministration",
      "KeyAdministrationGrantsForAwsResources",
      "KeyUseGovernedByIam",
    ]);
    expect(policy.Statement[0]!.Principal).toEqual({ AWS: [root] });
    for (const statement of policy.Statement) expect(statement.Action).not.toContain("kms:*");
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
    expect(cloudWatchLogsKeyStatement(scope, "/dp/prod/rivers/flink").Condition).toEqual({
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/dp/prod/rivers/flink",
      },
    });
    expect(cloudWatchLogsKeyStatement(scope, "/aws/redshift/dp-prod-warehouse/*").Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/redshift/dp-prod-warehouse/*",
      },
    });
    expect(cloudWatchLogsKeyStatement(scope, "*")).toMatchObject({
      Sid: "KeyUseByCloudWatchLogs",
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Resource: "*",
    });
  });
});

describe("accountIamKeyUseStatement", () => {
  it("lets the account's IAM policies govern data use and grants, never management", () => {
    const statement = accountIamKeyUseStatement(account);
    expect(statement).toEqual({
      Sid: "KeyUseGovernedByIam",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: keyUseActions,
      Resource: "*",
    });
    for (const action of keyUseActions) expect(keyAdministrationActions).not.toContain(action);
    for (const management of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Put*", "kms:Delete*", "kms:*"])
      expect(statement.Action).not.toContain(management);
  });
});

describe("keyStatement", () => {
  it("applies to the key itself, with the condition only when given, keys in IAM's usual order", () => {
    const plain = keyStatement("Describe", { AWS: deployer }, "kms:DescribeKey");
    expect(plain).toEqual({
      Sid: "Describe",
      Effect: "Allow",
      Principal: { AWS: deployer },
      Action: "kms:DescribeKey",
      Resource: "*",
    });
    expect(Object.keys(plain)).not.toContain("Condition");
    const conditioned = keyStatement("ViaKinesis", { Service: "kinesis.amazonaws.com" }, ["kms:GenerateDataKey"], {
      StringEquals: { "kms:ViaService": "kinesis.eu-west-1.amazonaws.com" },
    });
    expect(Object.keys(conditioned)).toEqual(["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]);
  });
});

describe("policyDocument", () => {
  it("puts the Id between Version and Statement when given, and leaves it out otherwise", () => {
    const statement = {
      Effect: "Allow" as const,
      Action: "sqs:SendMessage",
      Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
    };
    expect(JSON.stringify(policyDocument([statement], "QueuePolicy"))).toBe(
      JSON.stringify({ Version: "2012-10-17", Id: "QueuePolicy", Statement: [statement] }),
    );
    expect(Object.keys(policyDocument([statement]))).toEqual(["Version", "Statement"]);
  });
});

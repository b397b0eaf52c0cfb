import { describe, expect, it } from "vitest";
import { serviceTrustPolicy, sourceConditionExceptions } from "./trust";

describe("serviceTrustPolicy", () => {
  it("pins the source account by default, keeping the principal's shape", () => {
    expect(serviceTrustPolicy(["airflow.amazonaws.com", "airflow-env.amazonaws.com"], { sourceAccount: "123456789012" })).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
    });
    expect(serviceTrustPolicy("kinesisanalytics.amazonaws.com", { sourceAccount: "123456789012" }).Statement[0]!.Principal).toEqual({ Service: "kinesisanalytics.amazonaws.com" });
  });

  it("adds the source ARN (ArnLike) where given, and other actions", () => {
    const policy = serviceTrustPolicy("ecs-tasks.amazonaws.com", { sourceAccount: "123456789012", sourceArn: "arn:aws:ecs:eu-west-1:123456789012:*", actions: ["sts:AssumeRole", "sts:TagSession"] });
    expect(policy.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:*" } },
    });
  });

  it("goes without source conditions only for the documented exceptions", () => {
    expect(serviceTrustPolicy("ec2.amazonaws.com", "no-source-conditions").Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(serviceTrustPolicy(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"], "no-source-conditions").Statement[0]!.Condition).toBeUndefined();
    expect(() => serviceTrustPolicy(["ec2.amazonaws.com", "eks.amazonaws.com"], "no-source-conditions")).toThrow(/eks\.amazonaws\.com must be trusted with aws:SourceAccount/);
    for (const reason of Object.values(sourceConditionExceptions)) expect(reason.length).toBeGreaterThan(20);
  });
});

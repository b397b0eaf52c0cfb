import { describe, expect, it } from "vitest";
import { serviceTrustPolicy, sourceConditionExceptions, webIdentityTrustPolicy } from "./trust";

describe("serviceTrustPolicy", () => {
  it("pins the source account by default, keeping the principal's shape", () => {
    expect(
      serviceTrustPolicy(["airflow.amazonaws.com", "airflow-env.amazonaws.com"], { sourceAccount: "123456789012" }),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
    expect(
      serviceTrustPolicy("kinesisanalytics.amazonaws.com", { sourceAccount: "123456789012" }).Statement[0]!.Principal,
    ).toEqual({ Service: "kinesisanalytics.amazonaws.com" });
  });

  it("adds the source ARN (ArnLike) where given, and other actions", () => {
    const policy = serviceTrustPolicy("ecs-tasks.amazonaws.com", {
      sourceAccount: "123456789012",
      sourceArn: "arn:aws:ecs:eu-west-1:123456789012:*",
      actions: ["sts:AssumeRole", "sts:TagSession"],
    });
    expect(policy.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:*" },
      },
    });
  });

  it("goes without source conditions only for the documented exceptions", () => {
    expect(serviceTrustPolicy("ec2.amazonaws.com", "no-source-conditions").Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(
      serviceTrustPolicy(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"], "no-source-conditions")
        .Statement[0]!.Condition,
    ).toBeUndefined();
    expect(() => serviceTrustPolicy(["ec2.amazonaws.com", "eks.amazonaws.com"], "no-source-conditions")).toThrow(
      /eks\.amazonaws\.com must be trusted with aws:SourceAccount/,
    );
    for (const reason of Object.values(sourceConditionExceptions)) expect(reason.length).toBeGreaterThan(20);
  });
});

describe("webIdentityTrustPolicy", () => {
  const provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
  it("admits one service account exactly (StringEquals on sub and aud), the issuer without https://", () => {
    const policy = webIdentityTrustPolicy({
      sid: "One",
      oidcProviderArn: provider,
      oidcIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      subject: "system:serviceaccount:query:trino",
    });
    expect(policy.Statement).toEqual([
      {
        Sid: "One",
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:query:trino",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("matches a subject pattern with StringLike only when asked, the audience still exact, and no Sid unless given", () => {
    const statement = webIdentityTrustPolicy({
      oidcProviderArn: provider,
      oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      subject: "system:serviceaccount:spark:emr-*",
      subjectMatch: "like",
    }).Statement[0]!;
    expect(Object.keys(statement)).not.toContain("Sid");
    expect(statement.Condition).toEqual({
      StringLike: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:spark:emr-*" },
      StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
    });
  });
});

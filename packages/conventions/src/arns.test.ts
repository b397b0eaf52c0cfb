import { describe, expect, it } from "vitest";
import { glueDatabaseArn, glueTableArn, iamRoleArn, kmsKeyArn, parseArn, s3BucketArn, s3ObjectsArn } from "./arns";

describe("ARN helpers", () => {
  it("build the ARNs IAM policies need", () => {
    expect(s3BucketArn("dp-prod-orders-raw")).toBe("arn:aws:s3:::dp-prod-orders-raw");
    expect(s3ObjectsArn("dp-prod-orders-raw")).toBe("arn:aws:s3:::dp-prod-orders-raw/*");
    expect(s3ObjectsArn("dp-prod-landing", "/events/orders/")).toBe("arn:aws:s3:::dp-prod-landing/events/orders/*");
    expect(iamRoleArn("123456789012", "dp-prod-orders-spark")).toBe(
      "arn:aws:iam::123456789012:role/dp-prod-orders-spark",
    );
    expect(glueDatabaseArn("eu-west-1", "123456789012", "orders_raw")).toBe(
      "arn:aws:glue:eu-west-1:123456789012:database/orders_raw",
    );
    expect(glueTableArn("eu-west-1", "123456789012", "orders_raw")).toBe(
      "arn:aws:glue:eu-west-1:123456789012:table/orders_raw/*",
    );
    expect(kmsKeyArn("eu-west-1", "123456789012", "k-1", "aws-cn")).toBe(
      "arn:aws-cn:kms:eu-west-1:123456789012:key/k-1",
    );
  });

  it("parse ARNs back and reject anything else", () => {
    expect(parseArn("arn:aws:iam::123456789012:role/x")).toEqual({
      partition: "aws",
      service: "iam",
      region: "",
      account: "123456789012",
      resource: "role/x",
    });
    expect(() => parseArn("role/x")).toThrow(/not an ARN/);
  });
});

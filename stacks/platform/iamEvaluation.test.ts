import { describe, expect, it } from "vitest";
import { evaluate, type PolicyDocument, type Request } from "./iamEvaluation";

const role = "arn:aws:iam::111111111111:role/reader";
const request = (overrides: Partial<Request> = {}): Request => ({
  principalArn: role,
  principalTags: { team: "a" },
  action: "s3:GetObject",
  resource: "arn:aws:s3:::bucket/data/x",
  context: { "aws:SecureTransport": true },
  ...overrides,
});
const allowGet: PolicyDocument = {
  Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::bucket/data/*" }],
};

describe("evaluate", () => {
  it("allows what an identity policy allows (wildcards in actions, case-insensitive, and resources)", () => {
    expect(evaluate(request({ action: "S3:GetObjectVersion" }), [allowGet])).toBe("allowed");
    expect(evaluate(request({ resource: "arn:aws:s3:::bucket/other/x" }), [allowGet])).toBe("implicit deny");
    expect(evaluate(request({ action: "s3:PutObject" }), [allowGet])).toBe("implicit deny");
  });

  it("lets an explicit deny in the bucket policy win, with negated operators true when the key is absent", () => {
    const bucket: PolicyDocument = {
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "arn:aws:s3:::bucket/*",
          Condition: { StringNotEquals: { "aws:PrincipalTag/team": "b" } },
        },
      ],
    };
    expect(evaluate(request(), [allowGet], { kind: "s3", policy: bucket })).toBe("explicit deny");
    expect(evaluate(request({ principalTags: { team: "b" } }), [allowGet], { kind: "s3", policy: bucket })).toBe(
      "allowed",
    );
    expect(evaluate(request({ principalTags: {} }), [allowGet], { kind: "s3", policy: bucket })).toBe("explicit deny");
  });

  it("requires a KMS key policy to allow: by name, or by delegating to the account plus an identity allow", () => {
    const key = "arn:aws:kms:eu-west-1:111111111111:key/k";
    const decrypt = request({
      action: "kms:Decrypt",
      resource: key,
      context: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
    });
    const identity: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: key }] };
    const delegating: PolicyDocument = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: "kms:*",
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ],
    };
    expect(evaluate(decrypt, [identity], { kind: "kms", policy: delegating })).toBe("allowed");
    expect(evaluate(decrypt, [], { kind: "kms", policy: delegating })).toBe("implicit deny");
    expect(
      evaluate({ ...decrypt, context: { "kms:ViaService": "glue.eu-west-1.amazonaws.com" } }, [identity], {
        kind: "kms",
        policy: delegating,
      }),
    ).toBe("implicit deny");
    expect(evaluate(decrypt, [identity], { kind: "kms", policy: { Statement: [] } })).toBe("implicit deny");
    expect(
      evaluate(decrypt, [], {
        kind: "kms",
        policy: { Statement: [{ Effect: "Allow", Principal: { AWS: role }, Action: "kms:Decrypt", Resource: "*" }] },
      }),
    ).toBe("allowed");
  });

  it("matches s3:prefix with StringLike and reads NotAction", () => {
    const listing: PolicyDocument = {
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::bucket",
          Condition: { StringLike: { "s3:prefix": ["data/*", "data"] } },
        },
      ],
    };
    expect(
      evaluate(
        request({ action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", context: { "s3:prefix": "data/2026" } }),
        [listing],
      ),
    ).toBe("allowed");
    expect(
      evaluate(
        request({ action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", context: { "s3:prefix": "secret/" } }),
        [listing],
      ),
    ).toBe("implicit deny");
    const denyAllButGets: PolicyDocument = { Statement: [{ Effect: "Deny", NotAction: "s3:Get*", Resource: "*" }] };
    expect(evaluate(request({ action: "s3:PutObject" }), [allowGet, denyAllButGets])).toBe("explicit deny");
  });

  it("fails on a condition operator it cannot read instead of guessing", () => {
    const odd: PolicyDocument = {
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { NumericLessThan: { "s3:max-keys": "10" } },
        },
      ],
    };
    expect(() => evaluate(request({ context: { "s3:max-keys": "5" } }), [odd])).toThrow(/not supported/);
  });
});

import * as pulumi from "@pulumi/pulumi";
import { setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { jsonParameter, parameterValueLimitBytes, serializeParameterDocument } from "./parameter";

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:blocks:Holder", name, {});
  }
}

describe("jsonParameter", () => {
  it("writes the resolved document as plain JSON (readable in plans), a String parameter in the Intelligent-Tiering tier", async () => {
    const harness = await setMocks({ stack: "dev" });
    const holder = new Holder("spark");
    const bucket = pulumi.output("dp-dev-raw");
    jsonParameter(
      "spark-template",
      {
        name: "/dp/dev/spark/orders/run-job-flow",
        description: "RunJobFlow request",
        document: { bucket, steps: [{ name: "a" }] },
        tags: { team: "data" },
      },
      { parent: holder },
    );
    await harness.settle();

    const parameter = harness.one("aws:ssm/parameter:Parameter", "spark-template");
    expect(parameter.parent).toBe(harness.one("test:blocks:Holder", "spark").urn);
    expect(parameter.inputs).toEqual({
      name: "/dp/dev/spark/orders/run-job-flow",
      description: "RunJobFlow request",
      type: "String",
      tier: "Intelligent-Tiering",
      insecureValue: JSON.stringify({ bucket: "dp-dev-raw", steps: [{ name: "a" }] }),
      tags: { team: "data" },
    });
  });
});

describe("serializeParameterDocument", () => {
  it("accepts a document of exactly the advanced tier's 8 KB and refuses one byte more, naming the parameter", () => {
    const padding = (length: number) => ({ text: "x".repeat(length - JSON.stringify({ text: "" }).length) });
    expect(Buffer.byteLength(serializeParameterDocument("fits", padding(parameterValueLimitBytes)))).toBe(8192);
    expect(() => serializeParameterDocument("orders-job", padding(parameterValueLimitBytes + 1))).toThrow(
      /^orders-job: the parameter's document is 8193 bytes; SSM parameters hold at most 8192/,
    );
  });

  it("counts bytes, not characters (a multi-byte name near the limit)", () => {
    const text = "é".repeat(4100); // 8,211 bytes of JSON in UTF-8, but 4,111 characters
    expect(() => serializeParameterDocument("names", { text })).toThrow(/8192/);
  });

  it("refuses a value JSON cannot serialize", () => {
    expect(() => serializeParameterDocument("nothing", undefined)).toThrow(
      /nothing: the parameter's document is not JSON/,
    );
  });
});

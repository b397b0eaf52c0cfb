import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { isSecret, resolveOutput, setMocks, UnmockedInvokeError } from "./harness";
import { runProgram } from "./run";

class Box extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:box:Box", name, {}, opts);
    const key = new aws.kms.Key(`${name}-key`, { enableKeyRotation: true }, { parent: this });
    this.bucket = new aws.s3.Bucket(
      name,
      { bucket: `${name}-data`, tags: { secretish: pulumi.secret("s3cr3t") } },
      {
        parent: this,
        protect: true,
        retainOnDelete: true,
        ignoreChanges: ["tags"],
        aliases: [{ name: `${name}-old` }],
        deleteBeforeReplace: true,
        dependsOn: [key],
      },
    );
    this.registerOutputs({ bucket: this.bucket.bucket });
  }
}

describe("setMocks (resolved)", () => {
  it("captures type, name, URN, parent, dependencies, inputs and options of every registration", async () => {
    const harness = await setMocks({ stack: "dev" });
    const box = new Box("lake");
    await harness.settle();

    const component = harness.one("test:box:Box", "lake");
    expect(component.urn).toBe("urn:pulumi:dev::data-platform::test:box:Box::lake");
    expect(component.custom).toBe(false);

    const bucket = harness.one("aws:s3/bucket:Bucket", "lake");
    expect(bucket.urn).toBe("urn:pulumi:dev::data-platform::test:box:Box$aws:s3/bucket:Bucket::lake");
    expect(bucket.parent).toBe(component.urn);
    expect(bucket.id).toBe("lake-data");
    expect(bucket.dependencies).toEqual([harness.one("aws:kms/key:Key", "lake-key").urn]);
    expect(bucket.inputs).toMatchObject({ bucket: "lake-data", tags: { secretish: "[secret]" } });
    expect(bucket.options).toMatchObject({
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["tags"],
      deleteBeforeReplace: true,
    });
    expect(JSON.stringify(bucket.options.aliases)).toContain("lake-old");
    expect(
      harness
        .children(component)
        .map((child) => child.name)
        .sort(),
    ).toEqual(["lake", "lake-key"]);
    expect(harness.descendants(component)).toHaveLength(2);
    expect(harness.countsByType()).toEqual({ "aws:kms/key:Key": 1, "aws:s3/bucket:Bucket": 1, "test:box:Box": 1 });

    expect(await resolveOutput(box.bucket.arn)).toBe("arn:aws:s3:::lake-data");
    const key = harness.one("aws:kms/key:Key", "lake-key");
    expect(key.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("answers the account's invokes and fails on an unmocked one, naming the token", async () => {
    const harness = await setMocks({ accountId: "210987654321" });
    const identity = await aws.getCallerIdentity();
    expect(identity.accountId).toBe("210987654321");
    await expect(aws.ec2.getVpc({ default: true })).rejects.toThrow(/unmocked invoke "aws:ec2\/getVpc:getVpc"/);
    expect(harness.invokes.map((invoke) => invoke.token)).toEqual([
      "aws:index/getCallerIdentity:getCallerIdentity",
      "aws:ec2/getVpc:getVpc",
    ]);
    expect(new UnmockedInvokeError("x:y:z").message).toMatch(/"x:y:z"/);
  });

  it("keeps secrets secret", async () => {
    await setMocks();
    const role = new aws.iam.Role("r", { assumeRolePolicy: pulumi.secret("{}") });
    expect(await isSecret(role.assumeRolePolicy)).toBe(true);
  });
});

describe("setMocks (preview)", () => {
  it("leaves ids and computed outputs unknown, as a first preview does", async () => {
    const harness = await setMocks({ mode: "preview" });
    const bucket = new aws.s3.Bucket("raw", { bucket: "raw-data" });
    await harness.settle();
    expect(await resolveOutput(bucket.id)).toBeUndefined();
    expect(await resolveOutput(bucket.arn)).toBeUndefined();
    expect(await resolveOutput(bucket.bucket)).toBe("raw-data");
    expect(harness.one("aws:s3/bucket:Bucket", "raw").id).toBeNull();
  });
});

describe("runProgram", () => {
  it("runs a program inside a root stack, returns its outputs and keeps the stack out of child URNs", async () => {
    const run = await runProgram(
      () => () => {
        const bucket = new aws.s3.Bucket("logs", { bucket: "logs-bucket" });
        return { bucketName: bucket.bucket, token: pulumi.secret("t"), stage: pulumi.getStack() };
      },
      { stack: "prod" },
    );
    expect(run.outputs).toEqual({ bucketName: "logs-bucket", stage: "prod", token: "[secret]" });
    const stack = run.harness.one("pulumi:pulumi:Stack", "data-platform-prod");
    const bucket = run.harness.one("aws:s3/bucket:Bucket", "logs");
    expect(bucket.parent).toBe(stack.urn);
    expect(bucket.urn).toBe("urn:pulumi:prod::data-platform::aws:s3/bucket:Bucket::logs");
  });

  it("rethrows a program error after the run settles", async () => {
    await expect(
      runProgram(() => () => {
        throw new Error("bad config");
      }),
    ).rejects.toThrow("bad config");
  });

  it("resolves StackReferences from the given outputs", async () => {
    const run = await runProgram(
      () => () => {
        const platform = new pulumi.StackReference("acme/data-platform/dev");
        return { vpc: platform.getOutput("vpcId") };
      },
      { stackReferences: { "acme/data-platform/dev": { vpcId: "vpc-123" } } },
    );
    expect(run.outputs).toEqual({ vpc: "vpc-123" });
  });

  it("records a StackReference it cannot answer instead of failing the read (which would crash the process)", async () => {
    const run = await runProgram(
      () => () => {
        const platform = new pulumi.StackReference("acme/data-platform/qa");
        return { vpc: platform.getOutput("vpcId") };
      },
      { stackReferences: { "acme/data-platform/dev": { vpcId: "vpc-123" } } },
    );
    expect(run.harness.unansweredStackReferences).toEqual(["acme/data-platform/qa"]);
    expect(run.outputs).toEqual({ vpc: undefined });
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { keyPolicyOf, protectedKey } from "./kmsKey";
import { keyPolicyDocument } from "./policies";

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:blocks:Holder", name, {});
  }
}

const policy = keyPolicyDocument(
  { partition: "aws", accountId: "123456789012", administratorArns: ["arn:aws:iam::123456789012:role/deploy"] },
  [],
);

describe("protectedKey", () => {
  it("builds a rotating key with a 30-day deletion window, its policy as JSON, protected and retained, and its alias", async () => {
    const harness = await setMocks({ stack: "prod" });
    const holder = new Holder("lake");
    protectedKey(holder, "lake-key", {
      description: "lake data",
      alias: "dp-prod-lake",
      policy: pulumi.output(policy),
      tags: { team: "data" },
      protect: true,
    });
    await harness.settle();

    const key = harness.one("aws:kms/key:Key", "lake-key");
    expect(key.parent).toBe(harness.one("test:blocks:Holder", "lake").urn);
    expect(key.inputs).toEqual({
      description: "lake data",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(policy),
      tags: { team: "data" },
    });
    expect(key.options).toMatchObject({ protect: true, retainOnDelete: true });
    const alias = harness.one("aws:kms/alias:Alias", "lake-key-alias");
    expect(alias.parent).toBe(key.parent);
    expect(alias.inputs).toMatchObject({ name: "alias/dp-prod-lake" });
    expect(alias.options).toMatchObject({ protect: false });
  });

  it("leaves the key unprotected when asked (dev stages), with the deletion window given", async () => {
    const harness = await setMocks({ stack: "dev" });
    protectedKey(new Holder("spark"), "spark-key", {
      description: "disks",
      alias: "dp-dev-emr-disks",
      policy,
      protect: false,
      deletionWindowInDays: 7,
    });
    await harness.settle();
    const key = harness.one("aws:kms/key:Key", "spark-key");
    expect(key.inputs).toMatchObject({ deletionWindowInDays: 7, enableKeyRotation: true });
    expect(key.options).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("rejects a deletion window KMS does not accept before registering anything", async () => {
    const harness = await setMocks({ stack: "dev" });
    const holder = new Holder("bad");
    expect(() =>
      protectedKey(holder, "bad-key", {
        description: "x",
        alias: "x",
        policy,
        protect: true,
        deletionWindowInDays: 45,
      }),
    ).toThrow(/bad-key: deletionWindowInDays .* 7 to 30/);
    await harness.settle();
    expect(harness.byType("aws:kms/key:Key")).toHaveLength(0);
  });
});

/** Every TypeScript source of the workspace's components, packages and stacks, tests left out. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "dist"].includes(entry.name) ? [] : sources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("the workspace's keys", () => {
  it("are all built by protectedKey: no other source creates an aws.kms.Key", () => {
    const root = path.resolve(__dirname, "../../..");
    const builders = ["components", "packages", "stacks"]
      .flatMap((top) => sources(path.join(root, top)))
      .filter((file) => /new\s+aws\.kms\.Key\s*\(/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(root, file));
    expect(builders).toEqual([path.join("packages", "aws-blocks", "src", "kmsKey.ts")]);
  });
});

describe("keyPolicyOf", () => {
  it("builds the policy from the resolved account facts and administrators", async () => {
    await setMocks({ stack: "dev" });
    const seen: unknown[] = [];
    const policy = keyPolicyOf(
      {
        partition: pulumi.output("aws"),
        region: "eu-west-1",
        accountId: pulumi.output("123456789012"),
        administratorArns: [pulumi.output("arn:aws:iam::123456789012:role/deploy")],
      },
      (context) => {
        seen.push(context);
        return keyPolicyDocument(context, []);
      },
    );
    const resolved = await new Promise((resolve) => policy.apply(resolve));
    expect(seen).toEqual([
      {
        partition: "aws",
        region: "eu-west-1",
        accountId: "123456789012",
        administratorArns: ["arn:aws:iam::123456789012:role/deploy"],
      },
    ]);
    expect(resolved).toEqual(keyPolicyDocument(seen[0] as Parameters<typeof keyPolicyDocument>[0], []));
  });
});

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveOutput, setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { rolePolicyGrant } from "./grants";
import type { PolicyStatement } from "./policies";

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:blocks:Holder", name, {});
  }
}

const read: PolicyStatement = {
  Sid: "ReadJobs",
  Effect: "Allow",
  Action: "ssm:GetParameter",
  Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/dp/prod/job",
};

describe("rolePolicyGrant", () => {
  it("puts the statements in one inline policy on the grantee's role, parented to the component, and says what it granted", async () => {
    const harness = await setMocks({ stack: "prod" });
    const holder = new Holder("importer");
    const grantee = {
      name: "orders-airflow",
      role: new aws.iam.Role("orders-airflow", { name: "dp-prod-orders-airflow", assumeRolePolicy: "{}" }),
    };
    const grant = rolePolicyGrant(
      holder,
      "importer-orders-airflow-read-jobs-orders",
      grantee,
      { domain: "orders" },
      pulumi.output([read]),
    );
    await harness.settle();

    const policy = harness.one("aws:iam/rolePolicy:RolePolicy", "importer-orders-airflow-read-jobs-orders");
    expect(policy.parent).toBe(harness.one("test:blocks:Holder", "importer").urn);
    expect(policy.inputs).toEqual({
      role: "dp-prod-orders-airflow",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [read] }),
    });
    expect(grant.grantee).toBe(grantee);
    expect(grant.scope).toEqual({ domain: "orders" });
    expect(grant.resources).toEqual([grant.policy]);
    expect(await resolveOutput(grant.policy.urn)).toBe(policy.urn);
    expect(await resolveOutput(grant.statements)).toEqual([read]);
  });

  it("refuses a grantee without a name before registering anything", async () => {
    const harness = await setMocks({ stack: "dev" });
    const role = new aws.iam.Role("nameless", { assumeRolePolicy: "{}" });
    expect(() =>
      rolePolicyGrant(new Holder("spark"), "spark--launch-orders", { name: "", role }, { domain: "orders" }, [read]),
    ).toThrow(/spark--launch-orders: the grantee needs a name/);
    await harness.settle();
    expect(harness.byType("aws:iam/rolePolicy:RolePolicy")).toHaveLength(0);
  });
});

import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { resolveOutput, setMocks } from "./harness";
import { remoteComponentState } from "./remote";

describe("remote component mocks", () => {
  it("give a Helm v4 chart an empty resource list that dependsOn accepts", async () => {
    const harness = await setMocks();
    const chart = new k8s.helm.v4.Chart("trino", {
      chart: "trino",
      version: "1.42.2",
      repositoryOpts: { repo: "https://trinodb.github.io/charts" },
    });
    const role = new aws.iam.Role("after-chart", { assumeRolePolicy: "{}" }, { dependsOn: chart.resources });
    expect(await resolveOutput(chart.resources)).toEqual([]);
    await resolveOutput(role.arn);
    await harness.settle();
    expect(harness.one("kubernetes:helm.sh/v4:Chart", "trino")).toMatchObject({
      remote: true,
      inputs: { chart: "trino", version: "1.42.2" },
    });
  });

  it("leave every remote output unknown in preview mode", async () => {
    await setMocks({ mode: "preview" });
    const chart = new k8s.helm.v4.Chart("trino", { chart: "trino", version: "1.42.2" });
    expect(await resolveOutput(chart.resources)).toBeUndefined();
  });

  it("know only the remote components the platform uses", () => {
    expect(remoteComponentState("kubernetes:helm.sh/v4:Chart")).toEqual({ resources: [] });
    expect(remoteComponentState("awsx:ec2:Vpc")).toBeUndefined();
    expect(remoteComponentState("eks:index:Cluster")).toBeUndefined();
  });
});

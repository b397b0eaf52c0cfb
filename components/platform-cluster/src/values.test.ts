import { chartDefaults, charts, helmMerge, validateChartValues } from "@data-platform/helm-charts";
import { chartRequirements } from "@data-platform/policy-pack";
import { describe, expect, it } from "vitest";
import { loadBalancerControllerPolicy } from "./loadBalancerControllerPolicy";
import { karpenterControllerPolicy } from "./policies";
import { chartSource, karpenterValues, loadBalancerControllerValues } from "./values";

const lbcValues = loadBalancerControllerValues({
  clusterName: "dp-prod-platform",
  region: "eu-west-1",
  vpcId: "vpc-0123456789abcdef0",
  roleArn: "arn:aws:iam::123456789012:role/dp-prod-platform-load-balancer-controller",
  nodeSelector: { "data-platform.io/node-group": "system" },
  defaultTags: { "data-platform:cluster": "dp-prod-platform" },
});
const karpenter = karpenterValues({
  clusterName: "dp-prod-platform",
  interruptionQueueName: "dp-prod-platform-karpenter",
  roleArn: "arn:aws:iam::123456789012:role/dp-prod-platform-karpenter",
  nodeSelector: { "data-platform.io/node-group": "system" },
});

function get(values: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined),
      values,
    );
}

describe("chart values", () => {
  it("validate against the aws-load-balancer-controller 3.5.0 schema, merged over the chart defaults", () => {
    expect(charts.awsLoadBalancerController.version).toBe("3.5.0");
    expect(validateChartValues("awsLoadBalancerController", lbcValues)).toEqual([]);
  });

  it("validate against the karpenter 1.14.1 schema, merged over the chart defaults", () => {
    expect(charts.karpenter.version).toBe("1.14.1");
    expect(validateChartValues("karpenter", karpenter)).toEqual([]);
  });

  it("are checked for real: a misspelled key fails the same validation", () => {
    expect(
      validateChartValues("awsLoadBalancerController", { ...lbcValues, serviceAccount: { creat: true } }),
    ).toContain('/serviceAccount: unknown key "creat"');
    expect(validateChartValues("karpenter", { ...karpenter, settings: { clusterNam: "x" } })).toContain(
      '/settings: unknown key "clusterNam"',
    );
  });

  it("set what the policy pack requires of each chart (requests, limits, non-root)", () => {
    for (const [chart, values] of [
      ["aws-load-balancer-controller", lbcValues],
      ["karpenter", karpenter],
    ] as const) {
      for (const requirement of chartRequirements[chart]!) {
        const value = get(values, requirement.path);
        expect(value, `${chart} ${requirement.path}`).toBeDefined();
        if (requirement.expect !== undefined) expect(value).toBe(requirement.expect);
      }
    }
  });

  it("give the controllers IRSA, explicit region and VPC (IMDS is out of reach), and system nodes", () => {
    const merged = helmMerge(chartDefaults("awsLoadBalancerController"), lbcValues);
    expect(merged).toMatchObject({
      clusterName: "dp-prod-platform",
      region: "eu-west-1",
      vpcId: "vpc-0123456789abcdef0",
      serviceAccount: {
        create: true,
        name: "aws-load-balancer-controller",
        annotations: {
          "eks.amazonaws.com/role-arn": expect.stringMatching(/:role\/dp-prod-platform-load-balancer-controller$/),
        },
      },
      securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      nodeSelector: { "data-platform.io/node-group": "system" },
    });
    // The chart's own image pin stays (no floating tag introduced by our values).
    expect(get(merged, "image.tag")).toBe("v3.5.0");
    const karpenterMerged = helmMerge(chartDefaults("karpenter"), karpenter);
    expect(karpenterMerged).toMatchObject({
      settings: { clusterName: "dp-prod-platform", interruptionQueue: "dp-prod-platform-karpenter" },
      nodeSelector: { "kubernetes.io/os": "linux", "data-platform.io/node-group": "system" },
    });
  });

  it("install OCI charts by reference and the others from their repository", () => {
    expect(chartSource(charts.karpenter)).toEqual({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: "1.14.1",
    });
    expect(chartSource(charts.awsLoadBalancerController)).toEqual({
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
    });
  });
});

describe("controller IAM policies", () => {
  it("keep the upstream load balancer controller policy, in the stage's partition, without wildcard admin", () => {
    const policy = loadBalancerControllerPolicy("aws-cn");
    expect(policy.Statement).toHaveLength(16);
    const text = JSON.stringify(policy);
    expect(text).not.toContain("arn:aws:");
    expect(text).toContain("arn:aws-cn:elasticloadbalancing:*:*:targetgroup/*/*");
    const actions = policy.Statement.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => /^[a-z0-9-]+:\*$/.test(action) || action === "*")).toEqual([]);
  });

  it("scope Karpenter to this cluster's tagged resources, its node role and its queue", () => {
    const policy = karpenterControllerPolicy({
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      clusterName: "dp-prod-platform",
      nodeRoleArn: "arn:aws:iam::123456789012:role/dp-prod-platform-karpenter-nodes",
      queueArn: "arn:aws:sqs:eu-west-1:123456789012:dp-prod-platform-karpenter",
    });
    const bySid = Object.fromEntries(policy.Statement.map((statement) => [statement.Sid, statement]));
    expect(bySid["AllowPassingInstanceRole"]).toMatchObject({
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::123456789012:role/dp-prod-platform-karpenter-nodes",
    });
    expect(bySid["AllowScopedDeletion"]?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/dp-prod-platform": "owned" },
      StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
    });
    expect(bySid["AllowInterruptionQueueActions"]?.Resource).toBe(
      "arn:aws:sqs:eu-west-1:123456789012:dp-prod-platform-karpenter",
    );
    expect(bySid["AllowAPIServerEndpointDiscovery"]?.Resource).toBe(
      "arn:aws:eks:eu-west-1:123456789012:cluster/dp-prod-platform",
    );
  });
});

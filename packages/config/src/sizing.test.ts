import { describe, expect, it } from "vitest";
import { allocatable, cpuQuantity, instanceCapacity, memoryQuantityGiB, nodesNeeded } from "./sizing";

describe("sizing", () => {
  it("knows the m, r and c families' sizes from their names, and nothing else", () => {
    expect(instanceCapacity("r7g.4xlarge")).toEqual({ vcpu: 16, memoryGiB: 128 });
    expect(instanceCapacity("m7g.large")).toEqual({ vcpu: 2, memoryGiB: 8 });
    expect(instanceCapacity("c6gd.xlarge")).toEqual({ vcpu: 4, memoryGiB: 8 });
    expect(instanceCapacity("m7g.medium")).toEqual({ vcpu: 1, memoryGiB: 4 });
    expect(instanceCapacity("t4g.small")).toBeUndefined();
    expect(instanceCapacity("x2gd.xlarge")).toBeUndefined();
  });

  it("leaves pods less than the node has (kubelet reservations and DaemonSets)", () => {
    const node = allocatable({ vcpu: 16, memoryGiB: 128 });
    expect(node.vcpu).toBeCloseTo(16 - 0.06 - 0.01 - 0.01 - 0.03 - 0.25, 5);
    expect(node.memoryGiB).toBeCloseTo(128 - 1565 / 1024 - 0.5, 5);
  });

  it("reads Kubernetes quantities", () => {
    expect(cpuQuantity("3500m")).toBe(3.5);
    expect(cpuQuantity("4")).toBe(4);
    expect(memoryQuantityGiB("512Mi")).toBe(0.5);
    expect(memoryQuantityGiB("16Gi")).toBe(16);
  });

  it("counts the nodes pods need, first fit, and names a pod that fits no node", () => {
    const node = { vcpu: 4, memoryGiB: 30 };
    expect(nodesNeeded([{ name: "worker", cpu: 2, memoryGiB: 12, count: 5 }], node)).toBe(3);
    expect(
      nodesNeeded(
        [
          { name: "coordinator", cpu: 1, memoryGiB: 6, count: 1 },
          { name: "worker", cpu: 1.5, memoryGiB: 12, count: 3 },
        ],
        node,
      ),
    ).toBe(2);
    expect(nodesNeeded([{ name: "worker", cpu: 8, memoryGiB: 12, count: 1 }], node)).toEqual({
      unschedulable: "worker",
    });
  });
});

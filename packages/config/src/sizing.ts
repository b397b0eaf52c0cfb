/**
 * Capacity facts of EC2 instance types and what EKS leaves to pods, for checking that a node group can run the
 * pods a stage puts there. Pure.
 *
 * Sizes follow the EC2 naming that AWS documents for the general purpose (m), memory optimized (r) and compute
 * optimized (c) families of generation 5 and later ("Amazon EC2 instance types", Instance Types guide): `medium` is
 * 1 vCPU, `large` 2, `xlarge` 4, `<n>xlarge` 4n; memory is 4 GiB (m), 8 GiB (r) or 2 GiB (c) per vCPU. Other
 * families are not checked.
 */
export interface InstanceCapacity {
  vcpu: number;
  memoryGiB: number;
}

const gibPerVcpu: Record<string, number> = { m: 4, r: 8, c: 2 };

/** vCPUs and memory of an instance type, or undefined when the type is outside the families this knows. */
export function instanceCapacity(instanceType: string): InstanceCapacity | undefined {
  const match = /^([mrc])([5-8])([a-z]*)\.(medium|large|xlarge|([0-9]+)xlarge)$/.exec(instanceType);
  if (!match) return undefined;
  const size = match[4]!;
  const vcpu = size === "medium" ? 1 : size === "large" ? 2 : size === "xlarge" ? 4 : 4 * Number(match[5]);
  return { vcpu, memoryGiB: vcpu * gibPerVcpu[match[1]!]! };
}

/**
 * What pods can request on a node, estimated from the EKS AMI's kubelet reservations (kube-reserved CPU: 6% of the
 * first core, 1% of the second, 0.5% of the next two, 0.25% of the rest; memory: 255 MiB + 11 MiB per pod, taken
 * at 110 pods; hard eviction at 100 MiB) and the platform's DaemonSets (VPC CNI, kube-proxy, EBS CSI node; about
 * 0.25 vCPU and 0.5 GiB).
 */
export function allocatable(capacity: InstanceCapacity): InstanceCapacity {
  const cores = capacity.vcpu;
  const reservedCpu =
    0.06 * Math.min(cores, 1) +
    0.01 * Math.min(Math.max(cores - 1, 0), 1) +
    0.005 * Math.min(Math.max(cores - 2, 0), 2) +
    0.0025 * Math.max(cores - 4, 0);
  const reservedMemoryGiB = (255 + 11 * 110 + 100) / 1024;
  return { vcpu: cores - reservedCpu - 0.25, memoryGiB: capacity.memoryGiB - reservedMemoryGiB - 0.5 };
}

/** A Kubernetes CPU quantity ("4", "3500m") in vCPUs. */
export function cpuQuantity(text: string): number {
  return text.endsWith("m") ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

/** A Kubernetes memory quantity in Mi or Gi, in GiB. */
export function memoryQuantityGiB(text: string): number {
  return text.endsWith("Mi") ? Number(text.slice(0, -2)) / 1024 : Number(text.replace(/Gi$/, ""));
}

export interface PodRequest {
  name: string;
  cpu: number;
  memoryGiB: number;
  count: number;
}

/**
 * How many nodes of one capacity the pods need (first fit, largest first), or the name of a pod that fits no node.
 */
export function nodesNeeded(pods: PodRequest[], node: InstanceCapacity): number | { unschedulable: string } {
  const queue = pods
    .flatMap((pod) => Array.from({ length: pod.count }, () => pod))
    .sort((a, b) => b.memoryGiB - a.memoryGiB || b.cpu - a.cpu);
  const nodes: InstanceCapacity[] = [];
  for (const pod of queue) {
    if (pod.cpu > node.vcpu || pod.memoryGiB > node.memoryGiB) return { unschedulable: pod.name };
    const free = nodes.find((candidate) => candidate.vcpu >= pod.cpu && candidate.memoryGiB >= pod.memoryGiB);
    if (free) {
      free.vcpu -= pod.cpu;
      free.memoryGiB -= pod.memoryGiB;
    } else nodes.push({ vcpu: node.vcpu - pod.cpu, memoryGiB: node.memoryGiB - pod.memoryGiB });
  }
  return nodes.length;
}

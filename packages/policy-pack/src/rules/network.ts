import * as aws from "@pulumi/aws";
import { validateResourceOfType, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { asArray, typeOf } from "../util";

const vpcTypes = new Set([typeOf(aws.ec2.Vpc), "awsx:ec2:Vpc"]);
const worldIpv4 = "0.0.0.0/0";
const worldIpv6 = "::/0";

function dependsOn(resource: PolicyResource, target: PolicyResource): boolean {
  return resource.dependencies.some((dependency) => dependency.urn === target.urn);
}

export const flowLogAllTraffic: ResourceValidationPolicy = {
  name: "vpc-flow-log-all-traffic",
  description: "[EC2.6] Flow logs record all traffic.",
  validateResource: validateResourceOfType(aws.ec2.FlowLog, (flowLog, _args, report) => {
    if (flowLog.trafficType !== "ALL") report(`trafficType is ${flowLog.trafficType ?? "unset"}, expected ALL`);
  }),
};

export const everyVpcHasFlowLogs: StackValidationPolicy = {
  name: "vpc-has-flow-logs",
  description: "[EC2.6] Every VPC (aws or awsx) has a flow log that depends on it.",
  validateStack: (args, report) => {
    for (const vpc of args.resources.filter((resource) => vpcTypes.has(resource.type))) {
      const logged = args.resources.some((resource) => resource.type === typeOf(aws.ec2.FlowLog) && dependsOn(resource, vpc));
      if (!logged) report("VPC has no flow log", vpc.urn);
    }
  },
};

export const defaultSecurityGroupEmpty: ResourceValidationPolicy = {
  name: "default-security-group-empty",
  description: "[EC2.2] The default security group has no rules.",
  validateResource: validateResourceOfType(aws.ec2.DefaultSecurityGroup, (group, _args, report) => {
    if (asArray(group.ingress).length > 0 || asArray(group.egress).length > 0) report("the default security group has rules");
  }),
};

export const noWorldIngress: ResourceValidationPolicy = {
  name: "no-world-ingress",
  description: "[EC2.13/EC2.14/EC2.18/EC2.19] No security group admits 0.0.0.0/0 or ::/0.",
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, report) => {
      for (const rule of asArray(group.ingress)) {
        if (asArray(rule.cidrBlocks).includes(worldIpv4) || asArray(rule.ipv6CidrBlocks).includes(worldIpv6)) report(`ingress ${rule.fromPort}-${rule.toPort} is open to the internet`);
      }
    }),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, report) => {
      if (rule.cidrIpv4 === worldIpv4 || rule.cidrIpv6 === worldIpv6) report("ingress rule is open to the internet");
    }),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, report) => {
      if (rule.type === "ingress" && (asArray(rule.cidrBlocks).includes(worldIpv4) || asArray(rule.ipv6CidrBlocks).includes(worldIpv6))) report("ingress rule is open to the internet");
    }),
  ],
};

export const subnetNoPublicIp: ResourceValidationPolicy = {
  name: "subnet-no-auto-public-ip",
  description: "[EC2.15] Private subnets do not assign public IPs automatically (public subnets, tagged SubnetType=Public by awsx, hold only NAT gateways and load balancers).",
  validateResource: validateResourceOfType(aws.ec2.Subnet, (subnet, _args, report) => {
    const tags = (subnet.tags ?? {}) as Record<string, string>;
    if (subnet.mapPublicIpOnLaunch === true && tags["SubnetType"] !== "Public") report("mapPublicIpOnLaunch is true on a subnet that is not a public (SubnetType=Public) subnet");
  }),
};

export const networkPolicies = [flowLogAllTraffic, everyVpcHasFlowLogs, defaultSecurityGroupEmpty, noWorldIngress, subnetNoPublicIp];

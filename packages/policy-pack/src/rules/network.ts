import * as aws from "@pulumi/aws";
import {
  validateResourceOfType,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { asArray, isOpaque, typeOf } from "../util";

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
  description: "[EC2.6] Every VPC has a flow log that depends on it.",
  validateStack: (args, report) => {
    for (const vpc of args.resources.filter((resource) => resource.type === typeOf(aws.ec2.Vpc))) {
      const logged = args.resources.some(
        (resource) => resource.type === typeOf(aws.ec2.FlowLog) && dependsOn(resource, vpc),
      );
      if (!logged) report("VPC has no flow log", vpc.urn);
    }
  },
};

export const defaultSecurityGroupEmpty: ResourceValidationPolicy = {
  name: "default-security-group-empty",
  description: "[EC2.2] The default security group has no rules.",
  validateResource: validateResourceOfType(aws.ec2.DefaultSecurityGroup, (group, _args, report) => {
    if (asArray(group.ingress).length > 0 || asArray(group.egress).length > 0)
      report("the default security group has rules");
  }),
};

export const noWorldIngress: ResourceValidationPolicy = {
  name: "no-world-ingress",
  description: "[EC2.13/EC2.14/EC2.18/EC2.19] No security group admits 0.0.0.0/0 or ::/0.",
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, report) => {
      for (const rule of asArray(group.ingress)) {
        if (asArray(rule.cidrBlocks).includes(worldIpv4) || asArray(rule.ipv6CidrBlocks).includes(worldIpv6))
          report(`ingress ${rule.fromPort}-${rule.toPort} is open to the internet`);
      }
    }),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, report) => {
      if (rule.cidrIpv4 === worldIpv4 || rule.cidrIpv6 === worldIpv6) report("ingress rule is open to the internet");
    }),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, report) => {
      if (
        rule.type === "ingress" &&
        (asArray(rule.cidrBlocks).includes(worldIpv4) || asArray(rule.ipv6CidrBlocks).includes(worldIpv6))
      )
        report("ingress rule is open to the internet");
    }),
  ],
};

export const subnetNoPublicIp: ResourceValidationPolicy = {
  name: "subnet-no-auto-public-ip",
  description:
    "[EC2.15] No subnet assigns public IPs automatically, public ones included: NAT gateways use Elastic IPs and internet-facing load balancers get their addresses from ELB.",
  validateResource: validateResourceOfType(aws.ec2.Subnet, (subnet, _args, report) => {
    if (subnet.mapPublicIpOnLaunch === true)
      report("mapPublicIpOnLaunch is true: instances launched here get a public IP");
  }),
};

/** Route tables with the subnets associated with them and their routes, linked through dependencies. */
interface RoutedTable {
  subnets: PolicyResource[];
  /** `aws.ec2.Route` resources and the table's inline `routes`, as props. */
  routes: { resource: PolicyResource; props: Record<string, unknown> }[];
}

const isType = (resource: PolicyResource, resourceClass: abstract new (...args: never[]) => unknown) =>
  resource.type === typeOf(resourceClass);
const dependencyOfType = (resource: PolicyResource, resourceClass: abstract new (...args: never[]) => unknown) =>
  resource.dependencies.find((dependency) => isType(dependency, resourceClass));

/** A subnet is public when tagged `SubnetType=Public` (the platform's tier tag); every other subnet is private. */
function isPublicSubnet(subnet: PolicyResource): boolean {
  return ((subnet.props["tags"] ?? {}) as Record<string, unknown>)["SubnetType"] === "Public";
}

function routedTables(resources: readonly PolicyResource[]): RoutedTable[] {
  return resources
    .filter((resource) => isType(resource, aws.ec2.RouteTable))
    .map((table) => ({
      subnets: resources
        .filter((resource) => isType(resource, aws.ec2.RouteTableAssociation) && dependsOn(resource, table))
        .map((association) => dependencyOfType(association, aws.ec2.Subnet))
        .filter((subnet): subnet is PolicyResource => subnet !== undefined),
      routes: [
        ...resources
          .filter((resource) => isType(resource, aws.ec2.Route) && dependsOn(resource, table))
          .map((resource) => ({ resource, props: resource.props })),
        ...asArray(table.props["routes"] as Record<string, unknown>[] | undefined).map((props) => ({
          resource: table,
          props,
        })),
      ],
    }));
}

/** Where a route sends traffic: a NAT gateway, an internet gateway, or something else. */
function routeTarget(route: {
  resource: PolicyResource;
  props: Record<string, unknown>;
}): "nat" | "internet" | "other" {
  const { props, resource } = route;
  const gatewayId = props["gatewayId"];
  if (
    (typeof gatewayId === "string" && gatewayId.startsWith("igw-")) ||
    (gatewayId !== undefined && dependencyOfType(resource, aws.ec2.InternetGateway) !== undefined)
  )
    return "internet";
  if (props["natGatewayId"] !== undefined) return "nat";
  return "other";
}

const destinationOf = (props: Record<string, unknown>): unknown =>
  props["destinationCidrBlock"] ?? props["cidrBlock"] ?? props["destinationIpv6CidrBlock"] ?? props["ipv6CidrBlock"];

export const privateSubnetEgressViaNat: StackValidationPolicy = {
  name: "private-subnet-egress-via-nat",
  description:
    "[EC2 private subnets] Route tables of private subnets (not tagged SubnetType=Public) never route to an internet gateway, and send 0.0.0.0/0 only to a NAT gateway, so nothing in them is reachable from the internet.",
  validateStack: (args, report) => {
    for (const { subnets, routes } of routedTables(args.resources)) {
      const privateSubnets = subnets.filter((subnet) => !isPublicSubnet(subnet));
      if (privateSubnets.length === 0) continue;
      const names = privateSubnets.map((subnet) => subnet.name).join(", ");
      for (const route of routes) {
        const target = routeTarget(route);
        const destination = destinationOf(route.props);
        if (target === "internet")
          report(
            `route to ${String(destination)} goes to an internet gateway from a route table of private subnets (${names})`,
            route.resource.urn,
          );
        else if (destination === worldIpv4 && target !== "nat")
          report(
            `default route 0.0.0.0/0 of private subnets (${names}) does not go to a NAT gateway`,
            route.resource.urn,
          );
      }
    }
  },
};

const availabilityZoneOf = (subnet: PolicyResource | undefined): string | undefined => {
  const zone = subnet?.props["availabilityZone"];
  return typeof zone === "string" && !isOpaque(zone) ? zone : undefined;
};

/** The VPC a subnet belongs to: the VPC resource it depends on, else its `vpcId`. */
const vpcOf = (subnet: PolicyResource | undefined): string => {
  const vpc = subnet && dependencyOfType(subnet, aws.ec2.Vpc);
  return vpc?.urn ?? String(subnet?.props["vpcId"] ?? "");
};

export const natGatewayPerZone: StackValidationPolicy = {
  name: "nat-gateway-per-az",
  description:
    "[NAT] NAT gateways sit in public subnets, at most one per AZ of a VPC; a VPC has one NAT gateway or one in every AZ with private subnets (the single and onePerAz strategies); a private subnet's default route uses the NAT gateway of its own AZ when that AZ has one (no cross-AZ dependency or transfer charge).",
  validateStack: (args, report) => {
    const gateways = args.resources.filter(
      (resource) => isType(resource, aws.ec2.NatGateway) && resource.props["connectivityType"] !== "private",
    );
    const zoneOfGateway = new Map<string, string | undefined>();
    /** Per VPC: NAT gateways by AZ. */
    const perVpc = new Map<string, Map<string, PolicyResource[]>>();
    const inVpc = (vpc: string) => perVpc.get(vpc) ?? perVpc.set(vpc, new Map()).get(vpc)!;
    for (const gateway of gateways) {
      const subnet = dependencyOfType(gateway, aws.ec2.Subnet);
      if (subnet && !isPublicSubnet(subnet))
        report(`NAT gateway sits in ${subnet.name}, which is not a public (SubnetType=Public) subnet`, gateway.urn);
      const zone = availabilityZoneOf(subnet);
      zoneOfGateway.set(gateway.urn, zone);
      const zones = inVpc(vpcOf(subnet));
      if (zone !== undefined) zones.set(zone, [...(zones.get(zone) ?? []), gateway]);
    }
    for (const zones of perVpc.values()) {
      for (const [zone, inZone] of zones)
        if (inZone.length > 1)
          report(
            `${inZone.length} NAT gateways in ${zone} (${inZone.map((gateway) => gateway.name).join(", ")}); one per AZ is enough`,
            inZone[1]!.urn,
          );
    }

    const privateSubnets = args.resources.filter(
      (resource) => isType(resource, aws.ec2.Subnet) && !isPublicSubnet(resource),
    );
    for (const [vpc, zones] of perVpc) {
      const count = [...zones.values()].reduce((total, inZone) => total + inZone.length, 0);
      const missing = [...new Set(privateSubnets.filter((subnet) => vpcOf(subnet) === vpc).map(availabilityZoneOf))]
        .filter((zone): zone is string => zone !== undefined && !zones.has(zone))
        .sort();
      if (count > 1 && missing.length > 0)
        report(
          `${count} NAT gateways but none in ${missing.join(", ")}: use one gateway (single) or one in every AZ with private subnets (onePerAz)`,
          [...zones.values()][0]![0]!.urn,
        );
    }

    for (const { subnets, routes } of routedTables(args.resources)) {
      for (const subnet of subnets.filter((candidate) => !isPublicSubnet(candidate))) {
        const zone = availabilityZoneOf(subnet);
        if (zone === undefined || !perVpc.get(vpcOf(subnet))?.has(zone)) continue;
        for (const route of routes) {
          const gateway = dependencyOfType(route.resource, aws.ec2.NatGateway);
          if (gateway === undefined) continue;
          const gatewayZone = zoneOfGateway.get(gateway.urn);
          if (gatewayZone !== undefined && gatewayZone !== zone)
            report(
              `${subnet.name} in ${zone} routes through ${gateway.name} in ${gatewayZone}, though ${zone} has its own NAT gateway`,
              route.resource.urn,
            );
        }
      }
    }
  },
};

export const networkPolicies = [
  flowLogAllTraffic,
  everyVpcHasFlowLogs,
  defaultSecurityGroupEmpty,
  noWorldIngress,
  subnetNoPublicIp,
  privateSubnetEgressViaNat,
  natGatewayPerZone,
];

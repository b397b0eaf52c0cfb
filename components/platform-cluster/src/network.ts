import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@data-platform/conventions";
import type { NatGatewayStrategy } from "./args";
import { parseCidr } from "./cidr";
import { flowLogDeliveryPolicy, flowLogTrustPolicy, type AccountScope } from "./policies";

/** Netmasks of the subnets in each AZ. */
export interface SubnetLayout {
  /** Each AZ gets an equal block of the VPC (a power of two, so 3 AZs use 3 of 4 quarters). */
  availabilityZoneMask: number;
  /** Half of the AZ block: pods take VPC addresses (VPC CNI), so workloads get the room. */
  privateMask: number;
  /** A sixteenth of the AZ block, at most a /24: NAT gateways and load balancers only. */
  publicMask: number;
}

/** Subnet sizes for a VPC range and AZ count; what is left of each AZ block stays free for later subnets. */
export function subnetLayout(vpcCidr: string, availabilityZoneCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === "string") throw new Error(vpc);
  const availabilityZoneMask = vpc.prefixLength + Math.ceil(Math.log2(availabilityZoneCount));
  return { availabilityZoneMask, privateMask: availabilityZoneMask + 1, publicMask: Math.max(availabilityZoneMask + 4, 24) };
}

/** Resource-name key of an endpoint service (`ecr.api` -> `ecr-api`): names follow services, never list positions. */
export function endpointKey(service: string): string {
  return service.replace(/\./g, "-");
}

/** Route tables of the private subnets, from awsx's associations (sorted, each once). */
export function privateRouteTableIds(associations: readonly (readonly [string, string | undefined])[], privateSubnetIds: readonly string[]): string[] {
  const privateSubnets = new Set(privateSubnetIds);
  return [...new Set(associations.filter(([, subnetId]) => subnetId !== undefined && privateSubnets.has(subnetId)).map(([routeTableId]) => routeTableId))].sort();
}

/** Tags that let the load balancer controller (and EMR's managed policies) find the subnets. */
export const privateSubnetTags: Readonly<Record<string, string>> = {
  "kubernetes.io/role/internal-elb": "1",
  "for-use-with-amazon-emr-managed-policies": "true",
};
export const publicSubnetTags: Readonly<Record<string, string>> = { "kubernetes.io/role/elb": "1" };

export interface NetworkInputs {
  naming: Naming;
  vpcCidr: string;
  availabilityZoneCount: number;
  natGateways: NatGatewayStrategy;
  interfaceEndpoints: readonly string[];
  flowLogRetentionDays: number;
  /** Extra tags of the private subnets (Karpenter discovery). */
  privateSubnetExtraTags: Record<string, string>;
  logsKeyArn: pulumi.Input<string>;
  account: pulumi.Output<AccountScope>;
  region: pulumi.Output<string>;
  tags: Record<string, string>;
  protect: boolean;
  /** Providers for the awsx component: remote components do not inherit their parent's providers. */
  remoteProviders?: Record<string, pulumi.ProviderResource>;
}

export interface Network {
  vpc: awsx.ec2.Vpc;
  vpcId: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
  publicSubnetIds: pulumi.Output<string[]>;
  privateRouteTableIds: pulumi.Output<string[]>;
  defaultSecurityGroup: aws.ec2.DefaultSecurityGroup;
  endpointSecurityGroup: aws.ec2.SecurityGroup;
  s3GatewayEndpoint: aws.ec2.VpcEndpoint;
  interfaceEndpoints: Record<string, aws.ec2.VpcEndpoint>;
  flowLogGroup: aws.cloudwatch.LogGroup;
  flowLogRole: aws.iam.Role;
  flowLog: aws.ec2.FlowLog;
}

/**
 * The private network: an awsx VPC (private subnets for workloads, public ones for NAT and load
 * balancers), the default security group emptied, an S3 gateway endpoint on every private route table,
 * interface endpoints with private DNS, and flow logs of all traffic to an encrypted log group.
 */
export function createNetwork(parent: pulumi.Resource, name: string, inputs: NetworkInputs): Network {
  const child = { parent };
  const stateful = { parent, protect: inputs.protect, retainOnDelete: inputs.protect };
  const { tags } = inputs;
  const layout = subnetLayout(inputs.vpcCidr, inputs.availabilityZoneCount);

  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: inputs.vpcCidr,
      numberOfAvailabilityZones: inputs.availabilityZoneCount,
      natGateways: { strategy: inputs.natGateways === "single" ? awsx.ec2.NatGatewayStrategy.Single : awsx.ec2.NatGatewayStrategy.OnePerAz },
      subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
      // awsx sets mapPublicIpOnLaunch only on Public subnets: workloads in Private ones never get public IPs.
      subnetSpecs: [
        { type: awsx.ec2.SubnetType.Private, name: "private", cidrMask: layout.privateMask, tags: { ...privateSubnetTags, ...inputs.privateSubnetExtraTags } },
        { type: awsx.ec2.SubnetType.Public, name: "public", cidrMask: layout.publicMask, tags: { ...publicSubnetTags } },
      ],
      // Private DNS of the interface endpoints needs both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { ...tags, Name: inputs.naming.name("generic", name) },
    },
    { parent, providers: inputs.remoteProviders },
  );
  const vpcId = vpc.vpcId;

  // Adopting the default security group strips its rules: nothing can use it by accident.
  const defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(
    `${name}-default-sg`,
    { vpcId, ingress: [], egress: [], tags: { ...tags, Name: inputs.naming.name("generic", name, "default-unused") } },
    child,
  );

  const endpointSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-endpoints`,
    {
      vpcId,
      description: "Interface VPC endpoints: HTTPS from the VPC only",
      revokeRulesOnDelete: true,
      tags: { ...tags, Name: inputs.naming.name("generic", name, "endpoints") },
    },
    child,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-endpoints-https-from-vpc`,
    { securityGroupId: endpointSecurityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: inputs.vpcCidr, description: "HTTPS from the VPC", tags },
    child,
  );

  const associations = vpc.routeTableAssociations.apply((all) => pulumi.all(all.map((association) => pulumi.all([association.routeTableId, association.subnetId]))));
  const privateRouteTables = pulumi.all([associations, vpc.privateSubnetIds]).apply(([pairs, privateIds]) => privateRouteTableIds(pairs, privateIds));

  // Lake traffic (2 TB/day) must not pay NAT processing: S3 goes through the free gateway endpoint.
  const s3GatewayEndpoint = new aws.ec2.VpcEndpoint(
    `${name}-s3`,
    {
      vpcId,
      serviceName: pulumi.interpolate`com.amazonaws.${inputs.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables,
      tags: { ...tags, Name: inputs.naming.name("generic", name, "s3") },
    },
    child,
  );

  const interfaceEndpoints: Record<string, aws.ec2.VpcEndpoint> = {};
  for (const service of [...inputs.interfaceEndpoints].sort()) {
    interfaceEndpoints[service] = new aws.ec2.VpcEndpoint(
      `${name}-endpoint-${endpointKey(service)}`,
      {
        vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${inputs.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: vpc.privateSubnetIds,
        securityGroupIds: [endpointSecurityGroup.id],
        tags: { ...tags, Name: inputs.naming.name("generic", name, endpointKey(service)) },
      },
      child,
    );
  }

  const flowLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    { name: inputs.naming.name("logGroup", name, "vpc-flow-logs"), retentionInDays: inputs.flowLogRetentionDays, kmsKeyId: inputs.logsKeyArn, tags },
    stateful,
  );
  const flowLogRole = new aws.iam.Role(
    `${name}-flow-logs`,
    {
      name: inputs.naming.name("iamRole", name, "flow-logs"),
      description: "VPC flow log delivery to its CloudWatch log group",
      assumeRolePolicy: inputs.account.apply((scope) => JSON.stringify(flowLogTrustPolicy(scope))),
      tags,
    },
    child,
  );
  new aws.iam.RolePolicy(
    `${name}-flow-logs`,
    { role: flowLogRole.name, policy: pulumi.all([inputs.account, flowLogGroup.arn]).apply(([scope, arn]) => JSON.stringify(flowLogDeliveryPolicy(scope, arn))) },
    child,
  );
  const flowLog = new aws.ec2.FlowLog(
    `${name}-flow-log`,
    {
      vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      tags: { ...tags, Name: inputs.naming.name("generic", name, "flow-log") },
    },
    child,
  );

  return {
    vpc,
    vpcId,
    privateSubnetIds: vpc.privateSubnetIds,
    publicSubnetIds: vpc.publicSubnetIds,
    privateRouteTableIds: privateRouteTables,
    defaultSecurityGroup,
    endpointSecurityGroup,
    s3GatewayEndpoint,
    interfaceEndpoints,
    flowLogGroup,
    flowLogRole,
    flowLog,
  };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@data-platform/conventions";
import type { NatGatewayStrategy } from "./args";
import { formatAddress, parseCidr } from "./cidr";
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

/**
 * Subnet sizes for a VPC range and AZ count; what is left of each AZ block stays free for later subnets.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function subnetLayout(vpcCidr: string, availabilityZoneCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === "string") throw new Error(vpc);
  const availabilityZoneMask = vpc.prefixLength + Math.ceil(Math.log2(availabilityZoneCount));
  return {
    availabilityZoneMask,
    privateMask: availabilityZoneMask + 1,
    publicMask: Math.max(availabilityZoneMask + 4, 24),
  };
}

/** The two subnets of one AZ. */
export interface ZoneSubnets {
  /** AZ suffix (`a`): part of every resource name of the zone. */
  zone: string;
  /** First half of the AZ block. */
  privateCidr: string;
  /** Right after the private subnet: the same address awsx's `Auto` strategy gave the public subnet. */
  publicCidr: string;
}

/**
 * The subnets of every AZ, in the order given: AZ `i` takes the `i`-th block of the VPC, its private subnet the
 * block's first half and its public subnet the range right after it (the layout awsx 3.9's `Auto` strategy
 * produced for the same masks, so existing VPCs keep their subnets).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function zoneSubnets(vpcCidr: string, zones: readonly string[]): ZoneSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === "string") throw new Error(vpc);
  const layout = subnetLayout(vpcCidr, zones.length);
  const size = (mask: number) => 2 ** (32 - mask);
  return zones.map((zone, index) => {
    const block = vpc.network + index * size(layout.availabilityZoneMask);
    return {
      zone,
      privateCidr: `${formatAddress(block)}/${layout.privateMask}`,
      publicCidr: `${formatAddress(block + size(layout.privateMask))}/${layout.publicMask}`,
    };
  });
}

/** The AZ suffixes the network uses when none are given: the region's first ones (`a`, `b`, `c`). */
export function defaultZones(availabilityZoneCount: number): string[] {
  return Array.from({ length: availabilityZoneCount }, (_, index) => String.fromCharCode(97 + index));
}

/**
 * The zones that get a NAT gateway: every zone, or only the first with `single`.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function natZones(strategy: NatGatewayStrategy, zones: readonly string[]): string[] {
  return strategy === "single" ? zones.slice(0, 1) : [...zones];
}

/**
 * The NAT gateway a private subnet's default route uses: its own zone's, else (single) the one gateway.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function natZoneFor(zone: string, natZoneList: readonly string[]): string {
  if (natZoneList.includes(zone)) return zone;
  const first = natZoneList[0];
  if (first === undefined) throw new Error("no NAT gateway zone");
  return first;
}

/**
 * The AZ name of a zone suffix in a region; throws naming the component when the region does not offer it.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function availabilityZoneName(
  component: string,
  region: string,
  zone: string,
  offered: readonly string[],
): string {
  const az = `${region}${zone}`;
  if (!offered.includes(az))
    throw new Error(
      `PlatformCluster "${component}": availability zone ${az} is not available in ${region} (available: ${offered.join(", ")})`,
    );
  return az;
}

/**
 * Resource-name key of an endpoint service (`ecr.api` -> `ecr-api`): names follow services, never list positions.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function endpointKey(service: string): string {
  return service.replace(/\./g, "-");
}

/** Tags that let the load balancer controller (and EMR's managed policies) find the subnets. */
export const privateSubnetTags: Readonly<Record<string, string>> = {
  "kubernetes.io/role/internal-elb": "1",
  "for-use-with-amazon-emr-managed-policies": "true",
};
export const publicSubnetTags: Readonly<Record<string, string>> = { "kubernetes.io/role/elb": "1" };

/** What every part of the platform cluster is built with: names, the account, tags and protection. */
export interface ClusterPartScope {
  naming: Naming;
  account: pulumi.Output<AccountScope>;
  tags: Record<string, string>;
  protect: boolean;
}

export interface NetworkInputs extends ClusterPartScope {
  vpcCidr: string;
  /** AZ suffixes (`a`, `b`, `c`), in layout order. */
  zones: readonly string[];
  natGateways: NatGatewayStrategy;
  interfaceEndpoints: readonly string[];
  flowLogRetentionDays: number;
  /** Extra tags of the private subnets (Karpenter discovery). */
  privateSubnetExtraTags: Record<string, string>;
  logsKeyArn: pulumi.Input<string>;
  region: pulumi.Output<string>;
}

/** One tier (private or public) of one AZ: its subnet, route table, association and default route. */
export interface ZoneTier {
  subnet: aws.ec2.Subnet;
  routeTable: aws.ec2.RouteTable;
  association: aws.ec2.RouteTableAssociation;
  defaultRoute: aws.ec2.Route;
}

export interface Network {
  vpc: aws.ec2.Vpc;
  vpcId: pulumi.Output<string>;
  internetGateway: aws.ec2.InternetGateway;
  /** By AZ suffix. */
  privateZones: Record<string, ZoneTier>;
  /** By AZ suffix. */
  publicZones: Record<string, ZoneTier>;
  /** NAT gateways by the AZ suffix they sit in (one, or one per AZ). */
  natGateways: Record<string, aws.ec2.NatGateway>;
  /** Their Elastic IPs, by AZ suffix (the stage's fixed egress addresses). */
  natAddresses: Record<string, aws.ec2.Eip>;
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
 * The private network, built from plain `aws.ec2` resources so plans, tests and the policy pack see every part:
 * a VPC with DNS support and hostnames, per AZ a private subnet (workloads) and a public one (NAT gateways and
 * load balancers only), neither assigning public IPs, each with its own route table: public ones route to the
 * internet gateway, private ones to the NAT gateway of their AZ (or the one gateway with `single`). The default
 * security group emptied, an S3 gateway endpoint on every private route table, interface endpoints with private
 * DNS, and flow logs of all traffic to an encrypted log group. Every name follows the AZ suffix and tier
 * (`<name>-private-a`), never a list position.
 */
export function createNetwork(parent: pulumi.Resource, name: string, inputs: NetworkInputs): Network {
  const child = { parent };
  const stateful = { parent, protect: inputs.protect, retainOnDelete: inputs.protect };
  const { tags, naming } = inputs;

  // Private DNS of the interface endpoints needs both DNS attributes.
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: inputs.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { ...tags, Name: naming.name("generic", name) },
    },
    child,
  );
  const vpcId = vpc.id;
  const internetGateway = new aws.ec2.InternetGateway(
    `${name}-igw`,
    { vpcId, tags: { ...tags, Name: naming.name("generic", name, "igw") } },
    child,
  );

  // Each zone must be offered in the region (in the region's list of available AZs); the subnets read their AZ
  // from this check, so a zone the region does not have fails the preview naming it, before any subnet exists.
  const offered = aws.getAvailabilityZonesOutput({ state: "available" }, child);
  const zoneName = (zone: string): pulumi.Output<string> =>
    pulumi
      .all([inputs.region, offered.names])
      .apply(([region, names]) => availabilityZoneName(name, region, zone, names));

  const tier = (
    zone: string,
    kind: "private" | "public",
    cidrBlock: string,
    az: pulumi.Output<string>,
    subnetTags: Record<string, string>,
  ): Omit<ZoneTier, "defaultRoute"> => {
    const key = `${name}-${kind}-${zone}`;
    const label = {
      SubnetType: kind === "public" ? "Public" : "Private",
      Name: naming.name("generic", name, kind, zone),
    };
    // No subnet assigns public IPs (EC2.15): NAT gateways use Elastic IPs and internet-facing load balancers get
    // their addresses from ELB, whatever the subnet says.
    const subnet = new aws.ec2.Subnet(
      key,
      {
        vpcId,
        availabilityZone: az,
        cidrBlock,
        mapPublicIpOnLaunch: false,
        tags: { ...tags, ...subnetTags, ...label },
      },
      child,
    );
    const routeTable = new aws.ec2.RouteTable(key, { vpcId, tags: { ...tags, ...label } }, child);
    const association = new aws.ec2.RouteTableAssociation(
      key,
      { subnetId: subnet.id, routeTableId: routeTable.id },
      child,
    );
    return { subnet, routeTable, association };
  };

  const natZoneList = natZones(inputs.natGateways, inputs.zones);
  const privateZones: Record<string, ZoneTier> = {};
  const publicZones: Record<string, ZoneTier> = {};
  const natGateways: Record<string, aws.ec2.NatGateway> = {};
  const natAddresses: Record<string, aws.ec2.Eip> = {};
  const layout = zoneSubnets(inputs.vpcCidr, inputs.zones);
  for (const { zone, publicCidr } of layout) {
    const az = zoneName(zone);
    const publicTier = tier(zone, "public", publicCidr, az, { ...publicSubnetTags });
    publicZones[zone] = {
      ...publicTier,
      defaultRoute: new aws.ec2.Route(
        `${name}-public-${zone}`,
        { routeTableId: publicTier.routeTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id },
        child,
      ),
    };
    if (natZoneList.includes(zone)) {
      // Fixed egress addresses that partners may allow-list: protected with the stage.
      const address = new aws.ec2.Eip(
        `${name}-nat-${zone}`,
        { domain: "vpc", tags: { ...tags, Name: naming.name("generic", name, "nat", zone) } },
        { parent, protect: inputs.protect },
      );
      natAddresses[zone] = address;
      natGateways[zone] = new aws.ec2.NatGateway(
        `${name}-nat-${zone}`,
        {
          subnetId: publicTier.subnet.id,
          allocationId: address.allocationId,
          connectivityType: "public",
          tags: { ...tags, Name: naming.name("generic", name, "nat", zone) },
        },
        // A public NAT gateway needs the internet gateway attached first.
        { parent, dependsOn: [internetGateway] },
      );
    }
  }
  for (const { zone, privateCidr } of layout) {
    const privateTier = tier(zone, "private", privateCidr, zoneName(zone), {
      ...privateSubnetTags,
      ...inputs.privateSubnetExtraTags,
    });
    const nat = natGateways[natZoneFor(zone, natZoneList)]!;
    privateZones[zone] = {
      ...privateTier,
      defaultRoute: new aws.ec2.Route(
        `${name}-private-${zone}`,
        { routeTableId: privateTier.routeTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
        child,
      ),
    };
  }
  const idsOf = (zones: Record<string, ZoneTier>, pick: (tier: ZoneTier) => pulumi.Output<string>) =>
    pulumi.all(inputs.zones.map((zone) => pick(zones[zone]!)));
  const privateSubnetIds = idsOf(privateZones, (zone) => zone.subnet.id);
  const publicSubnetIds = idsOf(publicZones, (zone) => zone.subnet.id);
  const privateRouteTables = idsOf(privateZones, (zone) => zone.routeTable.id);

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
    {
      securityGroupId: endpointSecurityGroup.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: inputs.vpcCidr,
      description: "HTTPS from the VPC",
      tags,
    },
    child,
  );

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
        subnetIds: privateSubnetIds,
        securityGroupIds: [endpointSecurityGroup.id],
        tags: { ...tags, Name: inputs.naming.name("generic", name, endpointKey(service)) },
      },
      child,
    );
  }

  const flowLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    {
      name: inputs.naming.name("logGroup", name, "vpc-flow-logs"),
      retentionInDays: inputs.flowLogRetentionDays,
      kmsKeyId: inputs.logsKeyArn,
      tags,
    },
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
    {
      role: flowLogRole.name,
      policy: pulumi
        .all([inputs.account, flowLogGroup.arn])
        .apply(([scope, arn]) => JSON.stringify(flowLogDeliveryPolicy(scope, arn))),
    },
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
    internetGateway,
    privateZones,
    publicZones,
    natGateways,
    natAddresses,
    privateSubnetIds,
    publicSubnetIds,
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

/**
 * Which input changes force the provider to replace a resource, per type: the properties the
 * Terraform AWS provider's schema marks `ForceNew` (SDKv2) or `RequiresReplace` (plugin framework),
 * which pulumi-aws bridges unchanged. Paths use the Pulumi input names (camelCase; single nested
 * blocks are objects). Each entry names the provider source file the list was read from; the
 * `conditional` notes are replacements the provider decides in a CustomizeDiff / ModifyPlan, which
 * the plan evaluates where it can (see `conditionalReplace`).
 *
 * Read from github.com/hashicorp/terraform-provider-aws (main branch, checked 2026-12). The network's files
 * (internal/service/ec2/vpc_*.go, ec2_eip.go, ec2_launch_template.go) were read in their aws-sdk-go-v2 versions;
 * pulumi-aws 7.x input names checked against node_modules/@pulumi/aws/ec2/*.d.ts. `aws.ec2.Tag` has no rule: its
 * source was not available to read.
 */
export interface ReplaceRule {
  type: string;
  properties: readonly string[];
  source: string;
  conditional?: string;
  /** What a replacement does beyond recreating the resource (cut traffic, a new address), shown with it. */
  effect?: string;
}

const provider = "terraform-provider-aws internal/service";

export const replaceRules: readonly ReplaceRule[] = [
  {
    type: "aws:s3/bucket:Bucket",
    properties: ["bucket", "bucketPrefix", "objectLockEnabled"],
    source: `${provider}/s3/bucket.go (schema: bucket, bucket_prefix, object_lock_enabled ForceNew)`,
  },
  {
    type: "aws:kms/key:Key",
    properties: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
    source: `${provider}/kms/key.go (schema: custom_key_store_id, customer_master_key_spec, key_usage, multi_region, xks_key_id ForceNew)`,
  },
  {
    type: "aws:glue/catalogDatabase:CatalogDatabase",
    properties: ["catalogId", "name", "targetDatabase"],
    source: `${provider}/glue/catalog_database.go (schema: catalog_id, name, target_database ForceNew)`,
  },
  {
    type: "aws:mwaa/environment:Environment",
    properties: ["name", "kmsKey", "networkConfiguration.subnetIds", "endpointManagement"],
    source: `${provider}/mwaa/environment.go (schema: name, kms_key, network_configuration.subnet_ids, endpoint_management ForceNew)`,
    conditional: "airflowVersion: a major version upgrade (1.x -> 2.x) replaces (CustomizeDiff ForceNewIf)",
  },
  {
    type: "aws:eks/cluster:Cluster",
    properties: [
      "name",
      "roleArn",
      "bootstrapSelfManagedAddons",
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr",
      "outpostConfig.controlPlaneInstanceType",
      "outpostConfig.controlPlanePlacement.groupName",
      "remoteNetworkConfig",
    ],
    source: `${provider}/eks/cluster.go (schema ForceNew: name, role_arn, bootstrap_self_managed_addons, access_config.bootstrap_cluster_creator_admin_permissions, kubernetes_network_config.ip_family/service_ipv4_cidr, outpost_config.*, remote_network_config)`,
    conditional:
      "encryptionConfig: removing it replaces (CustomizeDiff ForceNewIfChange; envelope encryption cannot be disabled)",
  },
  {
    type: "aws:eks/nodeGroup:NodeGroup",
    properties: [
      "amiType",
      "capacityType",
      "clusterName",
      "diskSize",
      "instanceTypes",
      "launchTemplate.id",
      "launchTemplate.name",
      "nodeGroupName",
      "nodeGroupNamePrefix",
      "nodeRoleArn",
      "remoteAccess",
      "subnetIds",
    ],
    source: `${provider}/eks/node_group.go (schema ForceNew: ami_type, capacity_type, cluster_name, disk_size, instance_types, launch_template.id/name, node_group_name(_prefix), node_role_arn, remote_access, subnet_ids)`,
  },
  {
    type: "aws:redshiftserverless/namespace:Namespace",
    properties: ["namespaceName", "dbName"],
    source: `${provider}/redshiftserverless/namespace.go (framework: namespace_name, db_name RequiresReplace)`,
  },
  {
    type: "aws:redshiftserverless/workgroup:Workgroup",
    properties: ["namespaceName", "workgroupName"],
    source: `${provider}/redshiftserverless/workgroup.go (schema: namespace_name, workgroup_name ForceNew)`,
  },
  {
    type: "aws:kinesis/stream:Stream",
    properties: ["name"],
    source: `${provider}/kinesis/stream.go (schema: name ForceNew; shard_count, retention, encryption and mode update in place)`,
  },
  {
    type: "aws:emr/securityConfiguration:SecurityConfiguration",
    properties: ["name", "namePrefix", "configuration"],
    source: `${provider}/emr/security_configuration.go (no update function: name, name_prefix, configuration ForceNew)`,
  },
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    properties: ["description", "name", "namePrefix", "vpcId"],
    source: `${provider}/ec2/vpc_security_group.go (schema: description, name, name_prefix, vpc_id ForceNew)`,
  },
  {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    properties: ["securityGroupId"],
    source: `${provider}/ec2/vpc_security_group_ingress_rule.go (framework: security_group_id RequiresReplace)`,
    conditional:
      "changing the source kind (cidrIpv4 / cidrIpv6 / prefixListId / referencedSecurityGroupId) replaces (ModifyPlan)",
  },
  {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    properties: ["securityGroupId"],
    source: `${provider}/ec2/vpc_security_group_ingress_rule.go (the egress rule shares the ingress rule's schema and ModifyPlan)`,
    conditional:
      "changing the destination kind (cidrIpv4 / cidrIpv6 / prefixListId / referencedSecurityGroupId) replaces (ModifyPlan)",
  },
  {
    type: "aws:ec2/vpc:Vpc",
    properties: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    source: `${provider}/ec2/vpc_.go (schema: cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length ForceNew)`,
    effect:
      "a new network: everything placed in it (subnets, endpoints, security groups, the cluster, MWAA, Redshift) is recreated",
  },
  {
    type: "aws:ec2/subnet:Subnet",
    properties: [
      "availabilityZone",
      "availabilityZoneId",
      "cidrBlock",
      "ipv4IpamPoolId",
      "ipv4NetmaskLength",
      "ipv6IpamPoolId",
      "ipv6Native",
      "ipv6NetmaskLength",
      "outpostArn",
      "vpcId",
    ],
    source: `${provider}/ec2/vpc_subnet.go (schema: availability_zone, availability_zone_id, cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length, ipv6_ipam_pool_id, ipv6_native, ipv6_netmask_length, outpost_arn, vpc_id ForceNew)`,
    effect:
      "everything with a network interface in it (nodes, endpoints, MWAA, load balancers, NAT gateways) loses its addresses and is recreated",
  },
  // Kept for base plans of stages created with awsx: two such plans still diff by the component's own inputs
  // (against the aws.ec2 layout the component is a removal, listed by the stateful types below).
  {
    type: "awsx:ec2:Vpc",
    properties: ["cidrBlock"],
    source: `the awsx component passes cidrBlock to its aws.ec2.Vpc; ${provider}/ec2/vpc_.go (cidr_block ForceNew)`,
  },
  {
    type: "aws:ec2/natGateway:NatGateway",
    properties: ["allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId"],
    source: `${provider}/ec2/vpc_nat_gateway.go (schema: allocation_id, availability_mode, connectivity_type, private_ip, subnet_id, vpc_id ForceNew; secondary addresses update in place)`,
    conditional:
      "a private gateway's secondaryPrivateIpAddressCount change replaces; a regional gateway switching availabilityZoneAddresses between none (automatic) and listed (manual) replaces (CustomizeDiff ForceNew)",
    effect:
      "egress from the private subnets routed through it stops until their default routes point at the new gateway, and open connections drop; with a new Elastic IP (allocationId) the stage's egress address changes, so partners' allow-lists must follow",
  },
  {
    type: "aws:ec2/eip:Eip",
    properties: ["address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"],
    source: `${provider}/ec2/ec2_eip.go (schema: address, domain, ipam_pool_id, network_border_group, public_ipv4_pool ForceNew; instance and network_interface associations update in place)`,
    effect:
      "a different public address: the NAT gateway using it (allocationId) is replaced too and the stage's egress address changes, so partners' allow-lists must follow",
  },
  {
    type: "aws:ec2/internetGateway:InternetGateway",
    properties: [],
    source: `${provider}/ec2/vpc_internet_gateway.go (no ForceNew argument: a vpc_id change detaches and attaches in place)`,
  },
  {
    type: "aws:ec2/routeTable:RouteTable",
    properties: ["vpcId"],
    source: `${provider}/ec2/vpc_route_table.go (schema: vpc_id ForceNew; inline routes and propagating_vgws update in place)`,
    effect:
      "its subnets' associations move to the new table, which may have only the local route until its routes are created",
  },
  {
    type: "aws:ec2/route:Route",
    properties: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
    source: `${provider}/ec2/vpc_route.go (schema: route_table_id, destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id ForceNew; the target (gatewayId, natGatewayId, ...) updates in place with ReplaceRoute)`,
  },
  {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    properties: ["gatewayId", "subnetId"],
    source: `${provider}/ec2/vpc_route_table_association.go (schema: gateway_id, subnet_id ForceNew; route_table_id updates in place with ReplaceRouteTableAssociation)`,
    effect: "the subnet falls back to the VPC's main route table until the new association exists",
  },
  {
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    properties: [
      "dnsOptions.privateDnsPreference",
      "dnsOptions.privateDnsSpecifiedDomains",
      "resourceConfigurationArn",
      "serviceName",
      "serviceNetworkArn",
      "serviceRegion",
      "vpcEndpointType",
      "vpcId",
    ],
    source: `${provider}/ec2/vpc_endpoint.go (schema: dns_options.private_dns_preference, dns_options.private_dns_specified_domains, resource_configuration_arn, service_name, service_network_arn, service_region, vpc_endpoint_type, vpc_id ForceNew; subnets, security groups, route tables and policy update in place)`,
    conditional:
      "privateDnsEnabled: changing it on an endpoint that is not of type Interface replaces (CustomizeDiff ForceNew; the type defaults to Gateway)",
    effect:
      "a new endpoint with new network interfaces: the service is unreachable through the VPC while one replaces the other (pods reach AWS APIs only through the interface endpoints, S3 traffic takes the gateway endpoint)",
  },
  {
    type: "aws:ec2/flowLog:FlowLog",
    properties: [
      "deliverCrossAccountRole",
      "destinationOptions",
      "eniId",
      "iamRoleArn",
      "logDestination",
      "logDestinationType",
      "logFormat",
      "maxAggregationInterval",
      "regionalNatGatewayId",
      "subnetId",
      "trafficType",
      "transitGatewayAttachmentId",
      "transitGatewayId",
      "vpcId",
    ],
    source: `${provider}/ec2/vpc_flow_log.go (schema: every argument but tags ForceNew, the update is tags only; tagFieldSpecifications is newer than the file read and not listed)`,
    effect:
      "no flow records while the old flow log is swapped for the new one; the log group keeps the earlier records",
  },
  {
    type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    properties: ["vpcId"],
    source: `${provider}/ec2/vpc_default_security_group.go (schema: vpc_id ForceNew; ingress and egress update in place)`,
  },
  {
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    properties: ["name", "namePrefix"],
    source: `${provider}/ec2/ec2_launch_template.go (schema: name, name_prefix ForceNew; every other argument creates a new template version in place)`,
    effect: "a new template id: node groups that use it by id (launchTemplate.id) are replaced too",
  },
  {
    type: "aws:iam/role:Role",
    properties: ["name", "namePrefix", "path"],
    source: `${provider}/iam/role.go (schema: name, name_prefix, path ForceNew; policies and trust update in place)`,
  },
  {
    type: "aws:ecr/repository:Repository",
    properties: ["name", "encryptionConfigurations"],
    source: `${provider}/ecr/repository.go (schema: name, encryption_configuration (+ encryption_type, kms_key) ForceNew)`,
  },
];

const byType = new Map(replaceRules.map((rule) => [rule.type, rule]));

export function replaceRuleFor(type: string): ReplaceRule | undefined {
  return byType.get(type);
}

/** Whether a changed input path falls under a replace-forcing property (`a.b` covers `a.b`, `a.b.c`, `a.b[0]`). */
export function pathMatches(changed: string, property: string): boolean {
  if (changed === property) return true;
  if (!changed.startsWith(property)) return false;
  const next = changed[property.length];
  return next === "." || next === "[" || next === ":";
}

const sourceKeys = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"] as const;

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function majorVersion(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const major = Number(value.split(".")[0]);
  return Number.isFinite(major) ? major : undefined;
}

/** The replace-forcing changes the provider decides from old and new values, beyond the property list. */
export function conditionalReplace(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  switch (type) {
    case "aws:mwaa/environment:Environment": {
      const from = majorVersion(before["airflowVersion"]);
      const to = majorVersion(after["airflowVersion"]);
      return from !== undefined && to !== undefined && from < to ? ["airflowVersion"] : [];
    }
    case "aws:eks/cluster:Cluster":
      return before["encryptionConfig"] !== undefined && after["encryptionConfig"] === undefined
        ? ["encryptionConfig"]
        : [];
    case "aws:ec2/natGateway:NatGateway": {
      const changed: string[] = [];
      const count = "secondaryPrivateIpAddressCount";
      if (
        after["connectivityType"] === "private" &&
        after[count] !== undefined &&
        !sameValue(before[count], after[count])
      )
        changed.push(count);
      const listed = (inputs: Record<string, unknown>) =>
        Array.isArray(inputs["availabilityZoneAddresses"]) && inputs["availabilityZoneAddresses"].length > 0;
      if (after["availabilityMode"] === "regional" && listed(before) !== listed(after))
        changed.push("availabilityZoneAddresses");
      return changed;
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      const type = after["vpcEndpointType"] ?? "Gateway";
      return type !== "Interface" && !sameValue(before["privateDnsEnabled"], after["privateDnsEnabled"])
        ? ["privateDnsEnabled"]
        : [];
    }
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
      const kind = (inputs: Record<string, unknown>) => sourceKeys.find((key) => inputs[key] !== undefined);
      const from = kind(before);
      const to = kind(after);
      return from !== to ? [from, to].filter((key): key is (typeof sourceKeys)[number] => key !== undefined) : [];
    }
    default:
      return [];
  }
}

/**
 * Stateful types: replacing or deleting one loses data (objects, keys and everything they encrypt,
 * catalog metadata, stream records, images, secrets, logs, Airflow's metadata database, the
 * Kubernetes cluster's state) or cuts every consumer off.
 */
export const statefulTypes: ReadonlySet<string> = new Set([
  "aws:s3/bucket:Bucket",
  "aws:kms/key:Key",
  "aws:glue/catalogDatabase:CatalogDatabase",
  "aws:glue/catalogTable:CatalogTable",
  "aws:glue/registry:Registry",
  "aws:glue/schema:Schema",
  "aws:mwaa/environment:Environment",
  "aws:eks/cluster:Cluster",
  "aws:redshiftserverless/namespace:Namespace",
  "aws:kinesis/stream:Stream",
  "aws:ecr/repository:Repository",
  "aws:secretsmanager/secret:Secret",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:efs/fileSystem:FileSystem",
  // Not data, but replacing or deleting them cuts traffic: the network recreates everything attached to it, a
  // subnet everything placed in it; the NAT gateways and their Elastic IPs carry the stage's egress (its fixed
  // addresses), the internet gateway all of it, the endpoints the pods' only way to AWS APIs.
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  // Stages created with awsx: against the aws.ec2 layout their component is a removal.
  "awsx:ec2:Vpc",
]);

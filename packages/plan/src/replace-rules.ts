/**
 * Which input changes force the provider to replace a resource, per type: the properties the
 * Terraform AWS provider's schema marks `ForceNew` (SDKv2) or `RequiresReplace` (plugin framework),
 * which pulumi-aws bridges unchanged. Paths use the Pulumi input names (camelCase; single nested
 * blocks are objects). Each entry names the provider source file the list was read from; the
 * `conditional` notes are replacements the provider decides in a CustomizeDiff / ModifyPlan, which
 * the plan evaluates where it can (see `conditionalReplace`).
 *
 * Read from github.com/hashicorp/terraform-provider-aws (main branch, checked 2026-12).
 */
export interface ReplaceRule {
  type: string;
  properties: readonly string[];
  source: string;
  conditional?: string;
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
    conditional: "encryptionConfig: removing it replaces (CustomizeDiff ForceNewIfChange; envelope encryption cannot be disabled)",
  },
  {
    type: "aws:eks/nodeGroup:NodeGroup",
    properties: ["amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds"],
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
    conditional: "changing the source kind (cidrIpv4 / cidrIpv6 / prefixListId / referencedSecurityGroupId) replaces (ModifyPlan)",
  },
  {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    properties: ["securityGroupId"],
    source: `${provider}/ec2/vpc_security_group_ingress_rule.go (the egress rule shares the ingress rule's schema and ModifyPlan)`,
    conditional: "changing the destination kind (cidrIpv4 / cidrIpv6 / prefixListId / referencedSecurityGroupId) replaces (ModifyPlan)",
  },
  {
    type: "aws:ec2/vpc:Vpc",
    properties: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    source: `${provider}/ec2/vpc_.go (schema: cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length ForceNew)`,
  },
  {
    type: "aws:ec2/subnet:Subnet",
    properties: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn", "vpcId"],
    source: `${provider}/ec2/vpc_subnet.go (schema: availability_zone, availability_zone_id, cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length, ipv6_ipam_pool_id, ipv6_native, ipv6_netmask_length, outpost_arn, vpc_id ForceNew)`,
  },
  {
    type: "awsx:ec2:Vpc",
    properties: ["cidrBlock"],
    source: `the awsx component passes cidrBlock to its aws.ec2.Vpc; ${provider}/ec2/vpc_.go (cidr_block ForceNew)`,
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

function majorVersion(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const major = Number(value.split(".")[0]);
  return Number.isFinite(major) ? major : undefined;
}

/** The replace-forcing changes the provider decides from old and new values, beyond the property list. */
export function conditionalReplace(type: string, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  switch (type) {
    case "aws:mwaa/environment:Environment": {
      const from = majorVersion(before["airflowVersion"]);
      const to = majorVersion(after["airflowVersion"]);
      return from !== undefined && to !== undefined && from < to ? ["airflowVersion"] : [];
    }
    case "aws:eks/cluster:Cluster":
      return before["encryptionConfig"] !== undefined && after["encryptionConfig"] === undefined ? ["encryptionConfig"] : [];
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
  // Not data, but replacing the network recreates everything attached to it.
  "aws:ec2/vpc:Vpc",
  "awsx:ec2:Vpc",
]);

import { createHash } from "node:crypto";

export interface SyntheticContext {
  region: string;
  accountId: string;
  partition: string;
}

export function stableHex(seed: string, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round++)
    out += createHash("sha256").update(`${round}:${seed}`).digest("hex");
  return out.slice(0, length);
}

/** A UUID-shaped id derived from a seed (KMS key ids and the like). */
export function stableUuid(seed: string): string {
  const hex = stableHex(seed, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// "aws:s3/bucketV2:BucketV2" -> { provider: "aws", module: "s3", resource: "BucketV2" }
function parseType(type: string): { provider: string; module: string; resource: string } {
  const [provider = "", modulePath = "", resource = ""] = type.split(":");
  return { provider, module: modulePath.split("/")[0] ?? "", resource };
}

// Resources whose physical name input is not `name`.
const physicalNameInput: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:iam/role:Role": "name",
};

// Resources whose id is not their name.
const idPrefix: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc-",
  "aws:ec2/subnet:Subnet": "subnet-",
  "aws:ec2/securityGroup:SecurityGroup": "sg-",
  "aws:ec2/routeTable:RouteTable": "rtb-",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
  "aws:ec2/flowLog:FlowLog": "fl-",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
  "aws:ec2/instance:Instance": "i-",
  "aws:ec2/natGateway:NatGateway": "nat-",
  "aws:ec2/internetGateway:InternetGateway": "igw-",
  "aws:ec2/eip:Eip": "eipalloc-",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
};

const arnService: Record<string, string> = {
  kinesisanalyticsv2: "kinesisanalytics",
  cloudwatch: "logs",
  emr: "elasticmapreduce",
  mwaa: "airflow",
  redshiftserverless: "redshift-serverless",
  lakeformation: "lakeformation",
};

const globalServices = new Set(["iam", "s3", "cloudfront", "route53"]);

/**
 * What EKS computes for a cluster: endpoint, OIDC issuer (both from one 32-character id), CA data. Shared by
 * `aws:eks/cluster:Cluster` and the `eks:index:Cluster` remote component mock.
 */
export function eksClusterIdentity(
  clusterName: string,
  ctx: SyntheticContext,
): { endpoint: string; oidcIssuerUrl: string; certificateData: string } {
  const dnsSuffix = ctx.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const clusterHex = stableHex(`eks:${ctx.accountId}:${ctx.region}:${clusterName}`, 32).toUpperCase();
  return {
    endpoint: `https://${clusterHex}.gr7.${ctx.region}.eks.${dnsSuffix}`,
    oidcIssuerUrl: `https://oidc.eks.${ctx.region}.${dnsSuffix}/id/${clusterHex}`,
    certificateData: Buffer.from(
      `-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgII${stableHex(`ca:${clusterName}`, 48)}\n-----END CERTIFICATE-----\n`,
    ).toString("base64"),
  };
}

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}

/**
 * The state a *resolved* mock returns for a custom resource: its inputs plus a
 * realistic id, ARN and physical name, deterministic in the resource's name.
 */
export function resolvedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  ctx: SyntheticContext,
): { id: string; state: Record<string, unknown> } {
  const { provider, module, resource } = parseType(type);
  const state: Record<string, unknown> = { ...inputs };
  if (provider === "tls") {
    // What the TLS provider computes: synthetic PEM blocks (not real keys), deterministic in the resource's name.
    const pem = (label: string) =>
      `-----BEGIN ${label}-----\n${Buffer.from(stableHex(`${type}:${name}:${label}`, 48)).toString("base64")}\n-----END ${label}-----\n`;
    if (type === "tls:index/privateKey:PrivateKey")
      Object.assign(state, {
        privateKeyPem: pem("RSA PRIVATE KEY"),
        privateKeyPemPkcs8: pem("PRIVATE KEY"),
        publicKeyPem: pem("PUBLIC KEY"),
      });
    if (type === "tls:index/selfSignedCert:SelfSignedCert" || type === "tls:index/locallySignedCert:LocallySignedCert")
      state["certPem"] = pem("CERTIFICATE");
    if (type === "tls:index/certRequest:CertRequest") state["certRequestPem"] = pem("CERTIFICATE REQUEST");
  }
  if (provider !== "aws") {
    return { id: `${name}-${stableHex(type + name, 8)}`, state };
  }
  const nameKey = physicalNameInput[type] ?? "name";
  const autoName = `${name}-${stableHex(type + name, 7)}`;
  const physical =
    typeof inputs[nameKey] === "string"
      ? (inputs[nameKey] as string)
      : typeof inputs["namePrefix"] === "string"
        ? `${inputs["namePrefix"] as string}${stableHex(name, 8)}`
        : autoName;
  if (state[nameKey] === undefined && type !== "aws:index/provider:Provider") state[nameKey] = physical;

  let id = physical;
  if (idPrefix[type]) id = `${idPrefix[type]}${stableHex(type + name, 17)}`;
  else if (module === "kms" && resource === "Key") id = stableUuid(type + name);

  const service = arnService[module] ?? module;
  const region = globalServices.has(service) ? "" : ctx.region;
  const account = service === "s3" ? "" : ctx.accountId;
  const resourcePart =
    service === "s3"
      ? physical
      : module === "kms" && resource === "Key"
        ? `key/${id}`
        : `${lowerFirst(resource)}/${id}`;
  if (state["arn"] === undefined) state["arn"] = `arn:${ctx.partition}:${service}:${region}:${account}:${resourcePart}`;
  if (module === "kms" && resource === "Key") state["keyId"] = id;
  if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2") {
    state["bucketDomainName"] = `${physical}.s3.amazonaws.com`;
    state["bucketRegionalDomainName"] = `${physical}.s3.${ctx.region}.amazonaws.com`;
    state["region"] = inputs["region"] ?? ctx.region;
  }
  if (type === "aws:iam/role:Role") state["uniqueId"] = `AROA${stableHex(name, 17).toUpperCase()}`;
  if (type === "aws:ecr/repository:Repository") {
    state["repositoryUrl"] = `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${physical}`;
    state["registryId"] = ctx.accountId;
  }
  if (type === "aws:eks/cluster:Cluster") {
    // Outputs EKS computes: endpoint, CA, OIDC issuer, the EKS-created cluster security group, status.
    const identity = eksClusterIdentity(physical, ctx);
    const vpcConfig = (
      typeof inputs["vpcConfig"] === "object" && inputs["vpcConfig"] !== null ? inputs["vpcConfig"] : {}
    ) as Record<string, unknown>;
    state["arn"] = `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:cluster/${physical}`;
    state["endpoint"] = identity.endpoint;
    state["certificateAuthority"] = { data: identity.certificateData };
    state["identities"] = [{ oidcs: [{ issuer: identity.oidcIssuerUrl }] }];
    state["vpcConfig"] = {
      ...vpcConfig,
      clusterSecurityGroupId: `sg-${stableHex(`eks-cluster-sg:${physical}`, 17)}`,
      vpcId: `vpc-${stableHex(`eks-vpc:${physical}`, 17)}`,
    };
    state["platformVersion"] = "eks.1";
    state["status"] = "ACTIVE";
  }
  if (type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" && typeof inputs["url"] === "string") {
    state["arn"] =
      `arn:${ctx.partition}:iam::${ctx.accountId}:oidc-provider/${inputs["url"].replace(/^https:\/\//, "")}`;
    id = state["arn"] as string;
  }
  if (type === "aws:ec2/eip:Eip") {
    // An Elastic IP's id is its allocation id; the address comes from Amazon's pool (documentation range here).
    state["allocationId"] = id;
    state["publicIp"] = `198.51.100.${(Number.parseInt(stableHex(`eip:${name}`, 2), 16) % 254) + 1}`;
  }
  if (type === "aws:mwaa/environment:Environment")
    state["webserverUrl"] = `${stableHex(name, 32)}.${ctx.region}.airflow.amazonaws.com`;
  return { id, state };
}

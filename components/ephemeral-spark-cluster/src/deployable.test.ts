import type { RunJobFlowCommandInput } from "@aws-sdk/client-emr";
import { DataLake } from "@data-platform/data-lake";
import { PlatformCluster } from "@data-platform/platform-cluster";
import { setMocks, type Harness } from "@data-platform/testing";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import type { EphemeralSparkClusterArgs, SparkDomainArgs } from "./args";
import { EphemeralSparkCluster } from "./ephemeralSparkCluster";
import { deterministicZip, nodeDnsName } from "./tls";

// What a cluster needs from AWS to launch and work for real (issue 21): the disk key, TLS, Docker images, networks.

const account = "123456789012";
const deployer = `arn:aws:iam::${account}:role/platform-deployer`;
const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[] };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

async function build(
  domains: SparkDomainArgs[] = [{ name: "orders" }, { name: "logistics" }],
  extra: Partial<EphemeralSparkClusterArgs> = {},
  mode: "resolved" | "preview" = "resolved",
) {
  const harness = await setMocks({ mode, stack: "prod", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "prod",
    administratorArns: [deployer],
    domains: [
      { name: "orders", zones: ["raw", "analytics"] },
      { name: "logistics", zones: ["raw"] },
    ],
  });
  const spark = new EphemeralSparkCluster("spark", {
    prefix: "dp",
    stage: "prod",
    lake,
    vpcId: "vpc-0123",
    privateSubnetIds: subnets,
    administratorArns: [deployer],
    domains,
    ...extra,
  });
  await harness.settle();
  return { harness, lake, spark };
}

const statements = (harness: Harness, type: string, name: string, property = "policy") =>
  JSON.parse(harness.one(type, name).revealedInputs[property] as string).Statement as Statement[];
const actions = (statement: Statement) => [statement.Action].flat();
const principals = (statement: Statement) => [statement.Principal?.AWS ?? []].flat();

describe("EMR disk key (local disks and EBS)", () => {
  it("makes the EMR service role a key user with grants for AWS resources only, as EMR documents for EBS encryption", async () => {
    const { harness } = await build();
    const serviceRoleArn = `arn:aws:iam::${account}:role/${harness.one("aws:iam/role:Role", "spark-service-role").inputs["name"]}`;
    const keyPolicy = statements(harness, "aws:kms/key:Key", "spark-disk-key");
    const forServiceRole = keyPolicy.filter((statement) => principals(statement).includes(serviceRoleArn));
    const allowed = forServiceRole.flatMap(actions);
    // EBS encrypts a new volume with GenerateDataKeyWithoutPlaintext and attaches it through a grant.
    for (const action of [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
      "kms:CreateGrant",
    ])
      expect(allowed).toContain(action);
    const grants = forServiceRole.find((statement) => actions(statement).includes("kms:CreateGrant"))!;
    expect(grants.Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": true } });
    // The key is created after the role it names (KMS refuses a policy naming a principal that does not exist).
    expect(harness.one("aws:kms/key:Key", "spark-disk-key").dependencies).toContain(
      harness.one("aws:iam/role:Role", "spark-service-role").urn,
    );
  });

  it("gives the instance roles the documented key-user permissions, GenerateDataKeyWithoutPlaintext included", async () => {
    const { harness } = await build();
    const policy = statements(harness, "aws:iam/rolePolicy:RolePolicy", "spark-orders-ec2-disk-key");
    const allowed = policy.flatMap(actions);
    for (const action of [
      "kms:Decrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
      "kms:DescribeKey",
      "kms:CreateGrant",
    ])
      expect(allowed).toContain(action);
    expect(policy.find((statement) => actions(statement).includes("kms:CreateGrant"))!.Condition).toEqual({
      Bool: { "kms:GrantIsForAWSResource": true },
    });
    // The key policy's delegation to IAM lets through what the role's policy allows.
    const delegation = statements(harness, "aws:kms/key:Key", "spark-disk-key").find(
      (statement) => statement.Sid === "KeyUseByAccountRolesWithIamPermission",
    )!;
    expect(actions(delegation)).toEqual(
      expect.arrayContaining(["kms:GenerateDataKey*", "kms:CreateGrant", "kms:ReEncrypt*"]),
    );
  });
});

describe("YARN Docker runtime", () => {
  const dockerProperties = (configurations: NonNullable<RunJobFlowCommandInput["Configurations"]>) =>
    configurations.find((configuration) => configuration.Classification === "spark-defaults")!.Properties!;

  it("runs the driver and executors in the domain's own image by default (Hadoop refuses a Docker container without one)", async () => {
    const { harness, spark } = await build([
      { name: "orders", longLivedCluster: true },
      { name: "logistics", imageTag: "2026.12.01" },
    ]);
    const registry = `${account}.dkr.ecr.eu-west-1.amazonaws.com`;
    const template = (domain: string) =>
      JSON.parse(
        harness.one("aws:ssm/parameter:Parameter", `spark-${domain}-template`).revealedInputs[
          "insecureValue"
        ] as string,
      ) as RunJobFlowCommandInput;
    expect(dockerProperties(template("orders").Configurations!)).toMatchObject({
      "spark.executorEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
      "spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": `${registry}/dp-prod/orders/spark:bootstrap`,
      "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_TYPE": "docker",
      "spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE": `${registry}/dp-prod/orders/spark:bootstrap`,
    });
    expect(
      dockerProperties(template("logistics").Configurations!)["spark.executorEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE"],
    ).toBe(`${registry}/dp-prod/logistics/spark:2026.12.01`);
    // The long-lived cluster too; and the image is one the instance role may pull (its ECR policy's repositories).
    const cluster = JSON.parse(
      harness.one("aws:emr/cluster:Cluster", "spark-orders-cluster").inputs["configurationsJson"] as string,
    );
    expect(dockerProperties(cluster)["spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE"]).toBe(
      `${registry}/dp-prod/orders/spark:bootstrap`,
    );
    const pull = statements(harness, "aws:iam/rolePolicy:RolePolicy", "spark-orders-ec2-ecr")[1]!;
    expect(
      `arn:aws:ecr:eu-west-1:${account}:repository/dp-prod/orders/spark`.startsWith(
        String(pull.Resource).replace(/\*$/, ""),
      ),
    ).toBe(true);
    await new Promise<void>((resolve) =>
      spark
        .domain("orders")
        .dockerImage.apply((image) => resolve(expect(image).toBe(`${registry}/dp-prod/orders/spark:bootstrap`))),
    );
  });

  it("refuses an unpinned or malformed image tag", async () => {
    const harness = await setMocks({ mode: "resolved", stack: "prod", accountId: account });
    const lake = new DataLake("lake", {
      prefix: "dp",
      stage: "prod",
      administratorArns: [deployer],
      domains: [{ name: "orders", zones: ["raw"] }],
    });
    const args = {
      prefix: "dp",
      stage: "prod",
      lake,
      vpcId: "vpc-1",
      privateSubnetIds: subnets,
      administratorArns: [deployer],
    };
    expect(
      () => new EphemeralSparkCluster("spark", { ...args, domains: [{ name: "orders", imageTag: "latest" }] }),
    ).toThrow(/imageTag "latest" is not a pinned ECR image tag/);
    expect(
      () => new EphemeralSparkCluster("spark", { ...args, domains: [{ name: "orders", imageTag: "a b" }] }),
    ).toThrow(/imageTag "a b"/);
    await harness.settle();
  });
});

async function withEks(extra: Partial<EphemeralSparkClusterArgs> = {}) {
  const harness = await setMocks({ stack: "dev", accountId: account });
  const lake = new DataLake("lake", {
    prefix: "dp",
    stage: "dev",
    administratorArns: [deployer],
    domains: [{ name: "orders", zones: ["raw"] }],
  });
  const eks = new PlatformCluster("platform", {
    prefix: "dp",
    stage: "dev",
    vpcCidr: "10.40.0.0/16",
    availabilityZoneCount: 2,
    natGateways: "single",
    kubernetesVersion: "1.33",
    adminRoleArns: ["arn:aws:iam::111111111111:role/platform-deploy-dev"],
    nodeGroups: { system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3 } },
    protect: false,
  });
  new EphemeralSparkCluster("spark", {
    prefix: "dp",
    stage: "dev",
    lake,
    eks,
    vpcId: eks.vpcId,
    privateSubnetIds: eks.privateSubnetIds,
    administratorArns: [deployer],
    domains: [{ name: "orders", emrOnEks: true }],
    ...extra,
  });
  await harness.settle();
  return harness;
}

describe("EMR on EKS in a fresh account", () => {
  it("creates EMR on EKS's service-linked role before the access entry that names it (EMR would create it only with the first virtual cluster, which waits for the entry)", async () => {
    const harness = await withEks();
    const role = harness.one("aws:iam/serviceLinkedRole:ServiceLinkedRole", "spark-emr-containers-service-linked-role");
    expect(role.inputs["awsServiceName"]).toBe("emr-containers.amazonaws.com");
    expect(role.options.retainOnDelete).toBe(true);
    const entry = harness.one("aws:eks/accessEntry:AccessEntry", "spark-emr-containers-access");
    expect(entry.dependencies).toContain(role.urn);
    expect(entry.inputs["principalArn"]).toBe(`arn:aws:iam::${account}:role/AWSServiceRoleForAmazonEMRContainers`);
  });

  it("uses the account's existing role when told so", async () => {
    const harness = await withEks({ emrContainersServiceLinkedRole: "existing" });
    expect(harness.byType("aws:iam/serviceLinkedRole:ServiceLinkedRole")).toEqual([]);
    expect(harness.byType("aws:eks/accessEntry:AccessEntry").map((entry) => entry.name)).toContain(
      "spark-emr-containers-access",
    );
  });
});

describe("EMR Serverless network", () => {
  it("gives the application its own security group with HTTPS egress, not the EMR-managed core group (empty until an EC2 cluster writes its rules)", async () => {
    const { harness } = await build([{ name: "orders", serverless: true }, { name: "logistics" }]);
    const application = harness.one("aws:emrserverless/application:Application", "spark-orders-serverless");
    const group = harness.one("aws:ec2/securityGroup:SecurityGroup", "spark-orders-serverless-sg");
    const core = harness.one("aws:ec2/securityGroup:SecurityGroup", "spark-core-sg");
    expect((application.inputs["networkConfiguration"] as { securityGroupIds: string[] }).securityGroupIds).toEqual([
      group.id,
    ]);
    expect(
      (application.inputs["networkConfiguration"] as { securityGroupIds: string[] }).securityGroupIds,
    ).not.toContain(core.id);
    expect(group.inputs["egress"]).toContainEqual(
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }),
    );
    expect(
      (group.inputs["ingress"] as { self?: boolean; cidrBlocks?: string[] }[]).every(
        (rule) => rule.self === true && rule.cidrBlocks === undefined,
      ),
    ).toBe(true);
    expect(group.inputs["vpcId"]).toBe("vpc-0123");
  });
});

describe("EMR on EKS network policy", () => {
  it("lets Spark pods reach S3 (the region's prefix list, where the gateway endpoint answers) and the VPC's endpoints on 443", async () => {
    const harness = await withEks();
    const spec = harness.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "spark-orders-eks-allow-aws-apis").inputs[
      "spec"
    ] as { egress: { to: { ipBlock: { cidr: string } }[]; ports: unknown[] }[] };
    expect(spec.egress[0]!.to.map((peer) => peer.ipBlock.cidr)).toEqual([
      "10.40.0.0/16",
      "3.5.64.0/21",
      "3.5.72.0/23",
      "52.218.0.0/17",
      "52.92.0.0/17",
    ]);
    expect(spec.egress[0]!.ports).toEqual([{ port: 443, protocol: "TCP" }]);
  });
});

/** The entries of a zip of stored files, read from its local headers, each checked against zlib's CRC-32. */
function unzipStored(zip: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    expect(zip.readUInt16LE(offset + 8)).toBe(0);
    const size = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString("utf8");
    const data = zip.subarray(offset + 30 + nameLength, offset + 30 + nameLength + size);
    expect(zip.readUInt32LE(offset + 14), name).toBe(zlib.crc32(data));
    files[name] = data.toString("utf8");
    offset += 30 + nameLength + size;
  }
  expect(zip.readUInt32LE(offset)).toBe(0x02014b50);
  expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
  expect(zip.readUInt16LE(zip.length - 12)).toBe(Object.keys(files).length);
  return files;
}

describe("EMR in-transit TLS", () => {
  it("generates a CA and a node certificate for the VPC's DNS names and uploads the zip EMR expects, its content secret", async () => {
    const { harness } = await build();
    const object = harness.one("aws:s3/bucketObjectv2:BucketObjectv2", "spark-tls-certificates");
    expect(object.inputs).toMatchObject({
      bucket: `dp-prod-artifacts-${account}`,
      key: "emr/tls/certificates.zip",
      contentType: "application/zip",
    });
    // The zip holds the nodes' private key: secret in the plan and the state.
    expect(object.inputs["contentBase64"]).toBe("[secret]");
    const files = unzipStored(Buffer.from(object.revealedInputs["contentBase64"] as string, "base64"));
    expect(Object.keys(files)).toEqual(["certificateChain.pem", "privateKey.pem", "trustedCertificates.pem"]);
    expect(harness.one("tls:index/certRequest:CertRequest", "spark-tls-node-request").inputs["dnsNames"]).toEqual([
      "*.eu-west-1.compute.internal",
    ]);
    expect(harness.one("tls:index/selfSignedCert:SelfSignedCert", "spark-tls-ca").inputs).toMatchObject({
      isCaCertificate: true,
      allowedUses: expect.arrayContaining(["cert_signing"]),
    });
    expect(harness.one("tls:index/locallySignedCert:LocallySignedCert", "spark-tls-node").inputs).toMatchObject({
      validityPeriodHours: 8760,
      earlyRenewalHours: 720,
      allowedUses: expect.arrayContaining(["server_auth", "client_auth"]),
    });
    // The CA's certificate is trusted and ends the chain; the CA's private key is never shipped.
    expect(files["trustedCertificates.pem"]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(files["certificateChain.pem"]!.endsWith(files["trustedCertificates.pem"]!)).toBe(true);
    expect(files["privateKey.pem"]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(Object.values(files).join("")).not.toContain("RSA PRIVATE KEY");
    // No cluster can use a security configuration before the zip exists.
    expect(harness.one("aws:emr/securityConfiguration:SecurityConfiguration", "spark-orders").dependencies).toContain(
      object.urn,
    );
  });

  it("lets each domain's instance role read exactly the zip, decrypting only through S3", async () => {
    const { harness } = await build();
    const policy = statements(harness, "aws:iam/rolePolicy:RolePolicy", "spark-orders-ec2-tls");
    expect(policy[0]).toMatchObject({
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `arn:aws:s3:::dp-prod-artifacts-${account}/emr/tls/certificates.zip`,
    });
    const lakeKey = `arn:aws:kms:eu-west-1:${account}:key/${harness.one("aws:kms/key:Key", "lake-key").id}`;
    expect(policy[1]).toMatchObject({
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: lakeKey,
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
    expect(policy).toHaveLength(2);
  });

  it("uses the operator's own zip when one is named: nothing generated, the roles read that object", async () => {
    const { harness } = await build(undefined, { tlsCertificatesS3Uri: "s3://corp-pki-eu/emr/dp-prod.zip" });
    expect(harness.registrations.filter((registration) => registration.type.startsWith("tls:"))).toEqual([]);
    expect(
      harness
        .byType("aws:s3/bucketObjectv2:BucketObjectv2")
        .filter((object) => object.inputs["key"] === "emr/tls/certificates.zip"),
    ).toEqual([]);
    expect(statements(harness, "aws:iam/rolePolicy:RolePolicy", "spark-logistics-ec2-tls")).toEqual([
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: "arn:aws:s3:::corp-pki-eu/emr/dp-prod.zip",
      },
    ]);
  });

  it("zips deterministically and names the nodes as the VPC's DNS does", () => {
    const files = { "b.pem": "second\n", "a.pem": "first\n" };
    expect(deterministicZip(files).equals(deterministicZip({ "a.pem": "first\n", "b.pem": "second\n" }))).toBe(true);
    expect(unzipStored(deterministicZip(files))).toEqual({ "a.pem": "first\n", "b.pem": "second\n" });
    expect(nodeDnsName("us-east-1")).toBe("*.ec2.internal");
    expect(nodeDnsName("eu-west-1")).toBe("*.eu-west-1.compute.internal");
  });
});

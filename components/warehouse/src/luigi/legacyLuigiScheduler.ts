import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hardenedMetadataOptions, keyPolicyOf, protectedKey } from "@data-platform/aws-blocks";
import { physicalName } from "@data-platform/conventions";
import type { LakeRef, LakeGrant } from "@data-platform/data-lake";
import { cidrKey } from "../shared/network";
import { serviceKeyPolicy, serviceTrust } from "../shared/policies";
import { luigiDefaults, validateLuigiArgs, type LegacyLuigiSchedulerArgs } from "./args";
import { luigiUserData } from "./userData";

export type { LegacyLuigiContract } from "@data-platform/platform-contract";
import type { LegacyLuigiContract } from "@data-platform/platform-contract";

export const luigiDeprecation =
  "LegacyLuigiScheduler is deprecated: it exists only while teams migrate their Luigi pipelines to their domain's MWAA environment (DomainWorkflowEnv); see the @data-platform/warehouse README.";

/**
 * The company's earlier ETL ran under a Luigi central scheduler on EC2. This keeps one,
 * hardened, for teams still migrating: a Graviton instance in a private subnet, reachable
 * only inside the VPC on Luigi's port, administered through SSM Session Manager (no SSH, no
 * key pair), IMDSv2 only, its root volume encrypted with its own KMS key, Luigi installed
 * and run by systemd from user data.
 *
 * @deprecated Migrate the pipelines to the domain's MWAA environment (`DomainWorkflowEnv`);
 * see the package README. Off by default (`legacyLuigiSchedulerIfEnabled`).
 */
export class LegacyLuigiScheduler extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  /**
   * The instance role: the lake's artifacts grants and SSM. The stack adds the EMR launch grant
   * (`spark.grantLaunch({ name: "luigi", role: luigi.role }, { domain })`) for each domain still on Luigi.
   */
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
  readonly artifactsGrants: LakeGrant[];
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly instance: aws.ec2.Instance;
  readonly port: number;
  /** `http://<private ip>:<port>`. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: LegacyLuigiSchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
    validateLuigiArgs(name, args);
    super("data-platform:warehouse:LegacyLuigiScheduler", name, {}, opts);
    pulumi.log.warn(luigiDeprecation, this);
    const lake: LakeRef = args.lake;
    const protect = args.protect ?? true;
    const child = { parent: this };
    const tags = { ...args.tags, "data-platform:deprecated": "migrate-to-mwaa" };
    const { accountId, partition, region } = lake.account;
    const physical = physicalName("generic", args.prefix, args.stage, "luigi");
    this.port = args.port ?? luigiDefaults.port;

    this.key = protectedKey(this, `${name}-key`, {
      description: "Legacy Luigi scheduler: root volume",
      alias: physicalName("kmsAlias", args.prefix, args.stage, "luigi"),
      policy: keyPolicyOf({ partition, region, accountId, administratorArns: args.administratorArns }, (context) =>
        serviceKeyPolicy({ ...context, services: ["ec2"] }),
      ),
      tags,
      protect,
    });

    const roleName = physicalName("iamRole", args.prefix, args.stage, "luigi");
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleName,
        description: "Legacy Luigi scheduler instance (deprecated)",
        assumeRolePolicy: JSON.stringify(serviceTrust(["ec2.amazonaws.com"])),
        tags,
      },
      child,
    );
    // Session Manager instead of SSH: no key pair, no open port 22.
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm`,
      {
        role: this.role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      },
      child,
    );
    this.instanceProfile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { name: roleName, role: this.role.name, tags },
      child,
    );
    const artifacts = args.artifactsPrefix ?? luigiDefaults.artifactsPrefix;
    const grantee = { name, role: this.role };
    this.artifactsGrants = [
      lake.grantRead(grantee, { zone: "artifacts", prefix: `code/${artifacts}` }),
      lake.grantWrite(grantee, { zone: "artifacts", prefix: `logs/${artifacts}` }),
    ];

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: physical,
        description: "Legacy Luigi scheduler: Luigi's port from inside the VPC only",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...tags, Name: physical },
      },
      child,
    );
    for (const cidr of [...args.allowedCidrs].sort()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-ingress-${cidrKey(cidr)}`,
        {
          securityGroupId: this.securityGroup.id,
          description: `Luigi (web UI and workers) from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: this.port,
          toPort: this.port,
          cidrIpv4: cidr,
          tags,
        },
        child,
      );
    }
    // SSM, S3, EMR and PyPI (at boot) are HTTPS, through the endpoints or the NAT gateway.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress-https`,
      {
        securityGroupId: this.securityGroup.id,
        description: "HTTPS to AWS APIs, S3 and PyPI",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      child,
    );

    const userData = luigiUserData({ luigiVersion: args.luigiVersion ?? luigiDefaults.luigiVersion, port: this.port });
    this.launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-template`,
      {
        name: physical,
        description: "Legacy Luigi scheduler (deprecated)",
        imageId: args.imageId ?? luigiDefaults.imageId,
        instanceType: args.instanceType ?? luigiDefaults.instanceType,
        iamInstanceProfile: { arn: this.instanceProfile.arn },
        vpcSecurityGroupIds: [this.securityGroup.id],
        // EC2.8: IMDSv2 only, and no hop past the instance (containers cannot reach the role).
        metadataOptions: hardenedMetadataOptions,
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              encrypted: "true",
              kmsKeyId: this.key.arn,
              volumeType: "gp3",
              volumeSize: args.rootVolumeSizeGiB ?? luigiDefaults.rootVolumeSizeGiB,
              deleteOnTermination: "true",
            },
          },
        ],
        userData: Buffer.from(userData, "utf8").toString("base64"),
        updateDefaultVersion: true,
        tagSpecifications: [
          { resourceType: "instance", tags: { ...tags, Name: physical } },
          { resourceType: "volume", tags: { ...tags, Name: physical } },
        ],
        tags,
      },
      child,
    );

    // A new template version (user data, image, type) replaces the instance: it is disposable,
    // and Luigi's only state is the scheduler's in-flight task graph.
    this.instance = new aws.ec2.Instance(
      name,
      {
        launchTemplate: {
          id: this.launchTemplate.id,
          version: this.launchTemplate.latestVersion.apply((version) => `${version}`),
        },
        subnetId: args.subnetId,
        associatePublicIpAddress: false,
        tags: { ...tags, Name: physical },
      },
      child,
    );
    this.url = pulumi.interpolate`http://${this.instance.privateIp}:${this.port}`;
    this.registerOutputs({ contract: this.contract() });
  }

  contract(): pulumi.Output<LegacyLuigiContract> {
    return pulumi.output({
      url: this.url,
      privateIp: this.instance.privateIp,
      port: this.port,
      instanceId: this.instance.id,
      roleArn: this.role.arn,
      deprecated: true as const,
      migrateTo: "DomainWorkflowEnv" as const,
    });
  }
}

/**
 * The legacy scheduler when `enabled` (a plain boolean, off by default), otherwise nothing:
 * no instance, role, key or component is registered.
 */
export function legacyLuigiSchedulerIfEnabled(
  name: string,
  args: LegacyLuigiSchedulerArgs & { enabled?: boolean },
  opts?: pulumi.ComponentResourceOptions,
): LegacyLuigiScheduler | undefined {
  if (args.enabled !== true) return undefined;
  const { enabled: _enabled, ...schedulerArgs } = args;
  return new LegacyLuigiScheduler(name, schedulerArgs, opts);
}

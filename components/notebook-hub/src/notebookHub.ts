import { policyDocument } from "@data-platform/aws-blocks";
import { charts } from "@data-platform/helm-charts";
import { lakeReaderTagKey, type LakeGrant } from "@data-platform/data-lake";
import {
  chartSource,
  createKey,
  type PlatformNamespace,
  type ServiceAccountRole,
} from "@data-platform/platform-cluster";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { physicalName, platformDefaults } from "@data-platform/conventions";
import { defaultProfiles, validateNotebookHubArgs, type NotebookHubArgs } from "./args";
import { notebookImageRepositoryName, notebookImageTag } from "./image";
import {
  clientSecretKey,
  domainGroups,
  hubValues,
  loadBalancerAnnotations,
  loadBalancerServiceSpec,
  namespaceFlows,
  productGrants,
} from "./values";

/** What the hub contributes to the platform contract (plain once resolved). */
export interface NotebookHubContract {
  /** Where analysts open the hub (`https://<hostname>/`, or the internal NLB's DNS name). */
  url: string;
  namespace: string;
  /** The IAM role of every notebook server (read-only on the granted data products). */
  serviceAccountRoleArn: string;
  /** The single-user image (`name:tag`) the hub starts. */
  singleuserImage: string;
}

/**
 * Untagged images (attestations, replaced pushes) go after 14 days; of the `sha-` tagged images the last 60 stay:
 * 20 versions, each pushed as three tagged images together (`<tag>-amd64`, `<tag>-arm64`, the multi-arch `<tag>`),
 * so only sets long out of use are expired.
 */
export const imageLifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: "Expire untagged images after 14 days",
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: "Keep the 20 most recent versions (3 tagged images each)",
      selection: { tagStatus: "tagged", tagPrefixList: ["sha-"], countType: "imageCountMoreThan", countNumber: 60 },
      action: { type: "expire" },
    },
  ],
};

/** Kubernetes service account of the single-user servers (the IRSA trust names it). */
export const userServiceAccountName = "notebook-user";
/** Helm release name: the chart's pods carry `release=<this>`. */
export const releaseName = "jupyterhub";

/** Explicit deny on lake writes and grants, whatever else is ever attached to the role. */
export function denyLakeWritesPolicy(): string {
  return JSON.stringify(
    policyDocument([
      {
        Sid: "NotebooksNeverWriteTheLake",
        Effect: "Deny",
        Action: [
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutBucket*",
          "s3:DeleteBucket*",
          "glue:Create*",
          "glue:Update*",
          "glue:Delete*",
          "glue:BatchCreate*",
          "glue:BatchUpdate*",
          "glue:BatchDelete*",
          "lakeformation:Grant*",
          "lakeformation:Revoke*",
          "lakeformation:PutDataLakeSettings",
          "kms:Encrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
        ],
        Resource: "*",
      },
    ]),
  );
}

/**
 * JupyterHub (zero-to-jupyterhub 4.4.0) on the platform cluster for analysts: OAuth/OIDC login with the client
 * secret in a Kubernetes Secret, profiles on the `notebooks` node group, per-user gp3 storage, idle culling,
 * real-time collaboration, single-user servers under an IRSA role that reads the domains' published data
 * products only, and an internal NLB (TLS) in front of a ClusterIP proxy.
 */
export class NotebookHub extends pulumi.ComponentResource {
  readonly namespace: PlatformNamespace;
  /** The single-user servers' IAM role (IRSA) and its service account. */
  readonly userRole: ServiceAccountRole;
  readonly userServiceAccount: k8s.core.v1.ServiceAccount;
  /** Read grants on the product sets (by producing domain) and the central analytics zone (`central-analytics`). */
  readonly grants: Record<string, LakeGrant>;
  /** The OAuth client secret (absent for `dummy`). */
  readonly clientSecret?: k8s.core.v1.Secret;
  readonly chart: k8s.helm.v4.Chart;
  /** The Service the AWS Load Balancer Controller turns into an internal NLB. */
  readonly loadBalancer: k8s.core.v1.Service;
  readonly url: pulumi.Output<string>;
  /** ECR repository of the platform image and its key (absent when `singleuserImage` is given). */
  readonly imageRepository?: aws.ecr.Repository;
  readonly imageKey?: aws.kms.Key;
  /** The single-user image the hub starts (`name` is an Output for the platform image). */
  readonly singleuserImage: { name: pulumi.Output<string>; tag: string };

  constructor(name: string, args: NotebookHubArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad args fail before anything is registered.
    validateNotebookHubArgs(name, args);
    super("data-platform:notebooks:NotebookHub", name, {}, opts);
    const { cluster, lake } = args;
    const protect = args.protect ?? true;
    const tags = args.tags ?? {};
    const child = { parent: this };
    const k8sChild = { parent: this, provider: cluster.provider };

    this.namespace = cluster.namespace(
      name,
      { name: args.namespace ?? "notebooks", allow: namespaceFlows(cluster.vpcCidr, cluster.s3Cidrs) },
      child,
    );
    const namespace = this.namespace.name;

    this.userRole = cluster.serviceAccountRole(
      `${name}-users`,
      {
        namespace,
        serviceAccount: userServiceAccountName,
        policies: { "deny-lake-writes": denyLakeWritesPolicy() },
        description: "JupyterHub single-user servers: read the granted data products, never write the lake",
        // Notebook Spark reads the products' objects itself (no Lake Formation credential vending in open-source
        // Spark): producer keys and buckets admit tagged lake readers, for reads only.
        tags: { ...tags, [lakeReaderTagKey]: "true" },
      },
      { parent: this, protect },
    );
    this.userServiceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-users`,
      {
        metadata: { name: userServiceAccountName, namespace, annotations: this.userRole.annotations },
        automountServiceAccountToken: false,
      },
      { ...k8sChild, dependsOn: [this.namespace.namespace] },
    );

    const grantee = { name, role: this.userRole.role, directRead: true };
    this.grants = {};
    for (const set of productGrants(args.domains))
      this.grants[set.domain] = lake.grantRead(grantee, { domain: set.domain, products: set.products });
    this.grants["central-analytics"] = lake.grantRead(grantee, { zone: "analytics" });

    const kind = args.authenticator.kind;
    const clientSecretName = `${releaseName}-oauth-client`;
    if (kind !== "dummy" && args.authenticator.clientSecret !== undefined) {
      this.clientSecret = new k8s.core.v1.Secret(
        `${name}-oauth-client`,
        {
          metadata: { name: clientSecretName, namespace },
          type: "Opaque",
          stringData: { [clientSecretKey]: pulumi.secret(args.authenticator.clientSecret) },
        },
        { ...k8sChild, dependsOn: [this.namespace.namespace] },
      );
    }

    // The platform image (components/notebook-hub/image) lives in this stage's ECR repository; CI pushes it
    // under the content-hash tag the hub refers to (bin/publish-image.sh).
    if (args.singleuserImage) {
      this.singleuserImage = { name: pulumi.output(args.singleuserImage.name), tag: args.singleuserImage.tag };
    } else {
      const stateful = { parent: this, protect, retainOnDelete: protect };
      // The account's IAM policies govern use (named administrators manage it); ECR encrypts and decrypts through its own grants.
      const account = pulumi
        .all([lake.account.accountId, lake.account.partition, lake.account.region])
        .apply(([accountId, partition, region]) => ({ accountId, partition, region }));
      this.imageKey = createKey(this, `${name}-image-key`, {
        description: `Notebook single-user images of ${args.prefix}-${args.stage}`,
        alias: physicalName("kmsAlias", args.prefix, args.stage, name, "images"),
        usage: "images",
        account,
        administratorArns: args.keyAdministratorArns,
        tags,
        protect,
      });
      this.imageRepository = new aws.ecr.Repository(
        `${name}-image`,
        {
          name: notebookImageRepositoryName(args.prefix, args.stage),
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: this.imageKey.arn }],
          // Disposable stages can be destroyed with their images; protected ones keep them.
          forceDelete: !protect,
          tags,
        },
        stateful,
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-image`,
        { repository: this.imageRepository.name, policy: JSON.stringify(imageLifecyclePolicy) },
        child,
      );
      this.singleuserImage = { name: this.imageRepository.repositoryUrl, tag: notebookImageTag() };
    }

    const baseUrl = args.hostname ? `https://${args.hostname}/` : undefined;
    const valuesInput = {
      authenticator: args.authenticator,
      oauthCallbackUrl: args.authenticator.oauthCallbackUrl ?? (baseUrl ? `${baseUrl}hub/oauth_callback` : undefined),
      allowedUsers: args.allowedUsers ?? [],
      adminUsers: args.adminUsers,
      groups: domainGroups(args.domains),
      clientSecretName,
      profiles: args.profiles ?? defaultProfiles,
      realTimeCollaboration: args.realTimeCollaboration ?? platformDefaults.notebooks.realTimeCollaboration,
      storage: {
        capacityGiB: args.storage?.capacityGiB ?? platformDefaults.notebooks.storageGiB,
        storageClass: args.storage?.storageClass ?? "gp3",
      },
      cullTimeoutSeconds: args.cullTimeoutSeconds ?? platformDefaults.notebooks.cullTimeoutSeconds,
      serviceAccountName: userServiceAccountName,
      userScheduling: cluster.scheduling("notebooks"),
      coreScheduling: cluster.scheduling("system"),
    };
    const grantPolicies = Object.values(this.grants).flatMap((grant) => [grant.policy, ...grant.permissions]);
    this.chart = new k8s.helm.v4.Chart(
      name,
      {
        ...chartSource(charts.jupyterhub),
        name: releaseName,
        namespace,
        values: pulumi.all([args.queryEndpoint, this.singleuserImage.name]).apply(([queryEndpoint, imageName]) =>
          hubValues({
            ...valuesInput,
            singleuserImage: { name: imageName, tag: this.singleuserImage.tag },
            ...(queryEndpoint ? { queryEndpoint } : {}),
          }),
        ),
      },
      {
        ...k8sChild,
        protect,
        dependsOn: [
          ...cluster.ready,
          this.namespace.namespace,
          this.namespace.defaultDeny,
          this.namespace.allowDns,
          ...Object.values(this.namespace.allows),
          this.userServiceAccount,
          ...(this.clientSecret ? [this.clientSecret] : []),
          ...grantPolicies,
        ],
      },
    );

    const loadBalancerInput = {
      releaseName,
      ...(args.tlsCertificateArn ? { tlsCertificateArn: args.tlsCertificateArn } : {}),
      sourceCidrs: args.allowedSourceCidrs ?? [cluster.vpcCidr],
      tags,
    };
    this.loadBalancer = new k8s.core.v1.Service(
      `${name}-load-balancer`,
      {
        metadata: {
          name: `${releaseName}-internal`,
          namespace,
          annotations: loadBalancerAnnotations(loadBalancerInput),
        },
        spec: loadBalancerServiceSpec(loadBalancerInput) as k8s.types.input.core.v1.ServiceSpec,
      },
      { ...k8sChild, dependsOn: [...cluster.ready, this.namespace.namespace] },
    );
    const scheme = args.tlsCertificateArn ? "https" : "http";
    this.url = baseUrl
      ? pulumi.output(baseUrl)
      : this.loadBalancer.status.apply((status) => {
          const host = status?.loadBalancer?.ingress?.[0]?.hostname;
          return host ? `${scheme}://${host}/` : "";
        });

    this.registerOutputs({ contract: this.contract() });
  }

  /** What the hub contributes to the platform contract. */
  contract(): pulumi.Output<NotebookHubContract> {
    return pulumi.output({
      url: this.url,
      namespace: this.namespace.name,
      serviceAccountRoleArn: this.userRole.role.arn,
      singleuserImage: pulumi.interpolate`${this.singleuserImage.name}:${this.singleuserImage.tag}`,
    }) as pulumi.Output<NotebookHubContract>;
  }
}

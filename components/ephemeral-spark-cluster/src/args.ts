import type * as pulumi from "@pulumi/pulumi";
import { platformDefaults } from "@data-platform/conventions";
import type { LakeRef } from "@data-platform/data-lake";
import type { ClusterRef } from "@data-platform/platform-cluster";
import type { FleetInstanceTypes } from "./template";

export interface SparkDomainArgs {
  /** Domain name; the lake must have it. */
  name: string;
  /** Managed-scaling ceiling of a cluster, in vCPUs (at least the 16-vCPU starting core). @default 64 */
  maxVcpus?: number;
  /** A cluster with no work terminates after this many minutes. @default 30 */
  idleTimeoutMinutes?: number;
  /** Read the central raw zone (the platform's tabulated raw data). @default true */
  readCentralRaw?: boolean;
  /** Also run one long-lived (but idle-terminating) `aws.emr.Cluster` built from the template (handy in dev). @default false */
  longLivedCluster?: boolean;
  /** Also create an EMR Serverless application (Graviton, auto start/stop) with its own runtime role. @default false */
  serverless?: boolean;
  /** Also run Spark on the platform's EKS cluster: a virtual cluster in namespace `spark-<domain>` with its own job role. Needs `eks`. @default false */
  emrOnEks?: boolean;
  /**
   * Tag of the domain's image in its `spark` ECR repository (`<prefix>-<stage>/<domain>/spark`, created with the
   * domain's workflow environment) that YARN runs the Spark driver and executors in, unless a job sets its own
   * (`spark.executorEnv.` / `spark.yarn.appMasterEnv.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE`). Push it before the
   * first job. @default "bootstrap"
   */
  imageTag?: string;
  /** Tags of the domain's resources and clusters (owner, cost centre). */
  tags?: Record<string, string>;
}

/** An ECR image tag (pinned: never `latest`). */
export const imageTagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface EphemeralSparkClusterArgs {
  prefix: string;
  stage: string;
  /** The lake whose domain storage the job roles get (through its grants). */
  lake: LakeRef;
  vpcId: pulumi.Input<string>;
  /** The platform's EKS cluster, for domains with `emrOnEks`. @default none */
  eks?: ClusterRef;
  /** Private subnets the clusters launch in (tagged `for-use-with-amazon-emr-managed-policies=true`). */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Roles administering the disk key. */
  administratorArns: pulumi.Input<string>[];
  domains: SparkDomainArgs[];
  /** EMR release of the EC2 clusters (Docker on YARN is documented for 6.x). @default "emr-6.15.0" */
  releaseLabel?: string;
  /** EMR Serverless release. @default "emr-7.5.0" */
  serverlessReleaseLabel?: string;
  /**
   * S3 URI of the operator's own zip of PEM certificates for in-transit encryption (`privateKey.pem`,
   * `certificateChain.pem`, `trustedCertificates.pem`); the instance roles may read exactly that object (a bucket
   * with its own key must admit them). @default a private CA and node certificate generated at deployment and
   * uploaded to `s3://<artifacts bucket>/emr/tls/certificates.zip`
   */
  tlsCertificatesS3Uri?: pulumi.Input<string>;
  /** Instance types of the fleets. @default Graviton families (see `defaultInstanceTypes`) */
  instanceTypes?: FleetInstanceTypes;
  /**
   * EMR on EKS's service-linked role: `create` it (a fresh account has none until the first virtual cluster, which
   * needs the access entry naming it) or use the `existing` one. @default "create"
   */
  emrContainersServiceLinkedRole?: "create" | "existing";
  /** Protect the disk key. @default true */
  protect?: boolean;
  tags?: Record<string, string>;
}

/** vCPUs a cluster starts with: two 8-vCPU core nodes. */
export const startingCoreVcpus = 16;

export function validateSparkArgs(name: string, args: EphemeralSparkClusterArgs): void {
  const problems: string[] = [];
  const known = new Set(args.lake.domainNames());
  const seen = new Set<string>();
  for (const domain of args.domains) {
    if (!known.has(domain.name))
      problems.push(`domain "${domain.name}" is not in the lake (lake domains: ${[...known].join(", ") || "none"})`);
    if (seen.has(domain.name)) problems.push(`domain "${domain.name}" is listed twice`);
    seen.add(domain.name);
    const maxVcpus = domain.maxVcpus ?? platformDefaults.spark.maxCoreVcpus;
    if (!Number.isInteger(maxVcpus) || maxVcpus < startingCoreVcpus)
      problems.push(
        `domain "${domain.name}": maxVcpus must be a whole number of at least ${startingCoreVcpus}, got ${maxVcpus}`,
      );
    if (domain.emrOnEks && !args.eks) problems.push(`domain "${domain.name}": emrOnEks needs the eks cluster`);
    const tag = domain.imageTag ?? platformDefaults.spark.imageTag;
    if (!imageTagPattern.test(tag) || tag === "latest")
      problems.push(`domain "${domain.name}": imageTag "${tag}" is not a pinned ECR image tag`);
    const idle = domain.idleTimeoutMinutes ?? platformDefaults.spark.idleTimeoutMinutes;
    // EMR accepts idle timeouts from 60 seconds to 7 days.
    if (!Number.isInteger(idle) || idle < 1 || idle > 7 * 24 * 60)
      problems.push(`domain "${domain.name}": idleTimeoutMinutes must be 1 to 10080, got ${idle}`);
  }
  if (args.administratorArns.length === 0) problems.push("administratorArns must name at least one role");
  if (args.releaseLabel !== undefined && !/^emr-\d+\.\d+\.\d+$/.test(args.releaseLabel))
    problems.push(`releaseLabel "${args.releaseLabel}" is not an EMR release label such as emr-6.15.0`);
  if (problems.length > 0)
    throw new Error(
      `EphemeralSparkCluster "${name}": invalid args:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
}

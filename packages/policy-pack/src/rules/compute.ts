import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { asArray, get, parseJson, typeOf } from "../util";

const eksLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const eksComponentType = "eks:index:Cluster";

/** The EMR RunJobFlow templates stored in SSM (JSON with a ReleaseLabel). */
function jobFlowTemplate(value: unknown): Record<string, unknown> | undefined {
  const parsed = parseJson(value);
  return parsed && typeof parsed === "object" && "ReleaseLabel" in parsed
    ? (parsed as Record<string, unknown>)
    : undefined;
}

export const emrBlockPublicAccess: ResourceValidationPolicy = {
  name: "emr-block-public-access",
  description: "[EMR.2] EMR block public access is on, with no permitted port ranges.",
  validateResource: validateResourceOfType(aws.emr.BlockPublicAccessConfiguration, (config, _args, report) => {
    if (config.blockPublicSecurityGroupRules !== true) report("blockPublicSecurityGroupRules is not true");
    if (asArray(config.permittedPublicSecurityGroupRuleRanges).length > 0)
      report("permittedPublicSecurityGroupRuleRanges opens ports to the internet");
  }),
};

export const emrSecurityConfigurationEncryption: ResourceValidationPolicy = {
  name: "emr-security-configuration-encryption",
  description: "[EMR.3/EMR.4] EMR security configurations encrypt at rest (S3, local disks with EBS) and in transit.",
  validateResource: validateResourceOfType(aws.emr.SecurityConfiguration, (config, _args, report) => {
    const encryption = get(parseJson(config.configuration), "EncryptionConfiguration") as
      Record<string, unknown> | undefined;
    if (!encryption) return report("no EncryptionConfiguration");
    if (encryption["EnableAtRestEncryption"] !== true) report("EnableAtRestEncryption is not true");
    if (encryption["EnableInTransitEncryption"] !== true) report("EnableInTransitEncryption is not true");
    if (!get(encryption, "AtRestEncryptionConfiguration.S3EncryptionConfiguration")) report("no S3 encryption at rest");
    if (!get(encryption, "AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration"))
      report("no local disk encryption");
    else if (
      get(encryption, "AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EnableEbsEncryption") !== true
    )
      report("EBS volumes are not encrypted (EnableEbsEncryption)");
  }),
};

export const emrClusterHardening: ResourceValidationPolicy = {
  name: "emr-cluster-hardening",
  description: "[EMR.1/EMR.4] EMR clusters use a security configuration, terminate themselves and keep logs.",
  validateResource: validateResourceOfType(aws.emr.Cluster, (cluster, _args, report) => {
    if (!cluster.securityConfiguration) report("no securityConfiguration");
    if (!cluster.logUri) report("no logUri");
    if (!cluster.autoTerminationPolicy && cluster.keepJobFlowAliveWhenNoSteps !== false)
      report("neither autoTerminationPolicy nor keepJobFlowAliveWhenNoSteps: false");
  }),
};

export const emrTemplatesUseSecurityConfiguration: StackValidationPolicy = {
  name: "emr-templates-use-security-configuration",
  description:
    "[EMR.1/EMR.3/EMR.4] Every EMR cluster template (RunJobFlow JSON in SSM) names a security configuration of this stack it depends on, terminates itself and keeps logs.",
  validateStack: (args, report) => {
    for (const parameter of args.resources.filter((resource) => resource.type === typeOf(aws.ssm.Parameter))) {
      const template = jobFlowTemplate(parameter.props["insecureValue"] ?? parameter.props["value"]);
      if (!template) continue;
      const configurations = parameter.dependencies.filter(
        (dependency) => dependency.type === typeOf(aws.emr.SecurityConfiguration),
      );
      if (!configurations.some((configuration) => configuration.props["name"] === template["SecurityConfiguration"])) {
        report(
          `template names security configuration ${String(template["SecurityConfiguration"] ?? "(none)")}, which is not one it depends on`,
          parameter.urn,
        );
      }
      if (!template["LogUri"]) report("template has no LogUri", parameter.urn);
      if (!template["AutoTerminationPolicy"] && get(template, "Instances.KeepJobFlowAliveWhenNoSteps") !== false)
        report("template neither auto-terminates nor ends with its steps", parameter.urn);
    }
  },
};

/** What `spark-defaults` leaves unset: a YARN role forced onto the Docker runtime without an image to run. */
export function dockerRuntimeWithoutImage(configurations: unknown): string[] {
  const sparkDefaults = asArray(configurations).find(
    (configuration) => get(configuration, "Classification") === "spark-defaults",
  );
  const properties = (get(sparkDefaults, "Properties") ?? {}) as Record<string, unknown>;
  return ["spark.executorEnv", "spark.yarn.appMasterEnv"].filter(
    (role) =>
      properties[`${role}.YARN_CONTAINER_RUNTIME_TYPE`] === "docker" &&
      !String(properties[`${role}.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE`] ?? "").trim(),
  );
}

export const emrDockerRuntimeImage: StackValidationPolicy = {
  name: "emr-docker-runtime-image",
  description:
    "[EMR Docker] An EMR cluster or template that runs Spark's executors or application master on YARN's Docker runtime names their image (YARN_CONTAINER_RUNTIME_DOCKER_IMAGE): Hadoop refuses a Docker container without one.",
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      const configurations =
        resource.type === typeOf(aws.ssm.Parameter)
          ? get(jobFlowTemplate(resource.props["insecureValue"] ?? resource.props["value"]), "Configurations")
          : resource.type === typeOf(aws.emr.Cluster)
            ? parseJson(resource.props["configurationsJson"])
            : undefined;
      if (configurations === undefined) continue;
      for (const role of dockerRuntimeWithoutImage(configurations))
        report(
          `${role}.YARN_CONTAINER_RUNTIME_TYPE is docker but ${role}.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE is not set`,
          resource.urn,
        );
    }
  },
};

export const eksPrivateEndpoint: ResourceValidationPolicy = {
  name: "eks-private-endpoint",
  description: "[EKS.1] The EKS API endpoint is private, or public only to listed CIDRs that are never 0.0.0.0/0.",
  validateResource: (args, report) => {
    let publicAccess: unknown;
    let cidrs: string[];
    if (args.type === typeOf(aws.eks.Cluster)) {
      publicAccess = get(args.props, "vpcConfig.endpointPublicAccess");
      cidrs = asArray(get(args.props, "vpcConfig.publicAccessCidrs") as string[]);
    } else if (args.type === eksComponentType) {
      publicAccess = args.props["endpointPublicAccess"];
      cidrs = asArray(args.props["publicAccessCidrs"] as string[]);
    } else return;
    // Both the provider and the eks component default to a public endpoint.
    if (publicAccess === false) return;
    if (cidrs.length === 0) report("the API endpoint is public to the internet (no publicAccessCidrs)");
    for (const cidr of cidrs) if (cidr.endsWith("/0")) report(`publicAccessCidrs includes ${cidr}`);
  },
};

export const eksControlPlaneLogging: ResourceValidationPolicy = {
  name: "eks-control-plane-logging",
  description: "[EKS.8] All five control-plane log types are on.",
  validateResource: (args, report) => {
    if (args.type !== typeOf(aws.eks.Cluster) && args.type !== eksComponentType) return;
    const enabled = asArray(args.props["enabledClusterLogTypes"] as string[]);
    const missing = eksLogTypes.filter((type) => !enabled.includes(type));
    if (missing.length > 0) report(`control-plane log types off: ${missing.join(", ")}`);
  },
};

export const eksSecretsEncryption: ResourceValidationPolicy = {
  name: "eks-secrets-encryption-and-version",
  description:
    "[EKS.3/EKS.2] Kubernetes secrets are encrypted with a customer key; the version is pinned and supported.",
  validateResource: (args, report) => {
    const minimum = Number(args.getConfig<{ minimumKubernetesMinor?: number }>().minimumKubernetesMinor ?? 31);
    let keyArn: unknown;
    if (args.type === typeOf(aws.eks.Cluster)) {
      const config = args.props["encryptionConfig"] as
        { provider?: { keyArn?: string }; resources?: string[] } | undefined;
      keyArn = asArray(config?.resources).includes("secrets") ? config?.provider?.keyArn : undefined;
    } else if (args.type === eksComponentType) {
      keyArn = args.props["encryptionConfigKeyArn"];
    } else return;
    if (!keyArn) report("secrets are not encrypted with a customer KMS key");
    const version = args.props["version"];
    if (typeof version !== "string") report("the Kubernetes version is not pinned");
    else if (Number(version.split(".")[1]) < minimum)
      report(`Kubernetes ${version} is older than the supported minimum 1.${minimum}`);
  },
};

export const eksAccessEntries: ResourceValidationPolicy = {
  name: "eks-access-entries",
  description: "[EKS BPG] Access entries API only; the cluster creator is not made admin implicitly.",
  validateResource: (args, report) => {
    if (args.type === typeOf(aws.eks.Cluster)) {
      if (get(args.props, "accessConfig.authenticationMode") !== "API")
        report("accessConfig.authenticationMode is not API");
      if (get(args.props, "accessConfig.bootstrapClusterCreatorAdminPermissions") !== false)
        report("bootstrapClusterCreatorAdminPermissions is not false");
    } else if (args.type === eksComponentType) {
      if (args.props["authenticationMode"] !== "API") report("authenticationMode is not API");
    }
  },
};

/** Managed policies a node role may carry: join the cluster, pull images (the CNI's policy belongs on its IRSA role). */
const nodeRolePolicies = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonSSMManagedInstanceCore",
];

export const eksNodeRoleMinimal: StackValidationPolicy = {
  name: "eks-node-role-minimal",
  description:
    "[EKS BPG IRSA] Node roles (managed node groups, EC2_LINUX access entries) carry no application permissions: only the node managed policies, no inline policies.",
  validateStack: (args, report) => {
    const roleName = (arn: unknown) =>
      typeof arn === "string" && arn.includes(":role/") ? arn.slice(arn.lastIndexOf("/") + 1) : undefined;
    const nodeRoles = new Set<string>();
    for (const resource of args.resources) {
      if (resource.type === typeOf(aws.eks.NodeGroup)) nodeRoles.add(roleName(resource.props["nodeRoleArn"]) ?? "");
      if (resource.type === typeOf(aws.eks.AccessEntry) && resource.props["type"] === "EC2_LINUX")
        nodeRoles.add(roleName(resource.props["principalArn"]) ?? "");
    }
    nodeRoles.delete("");
    for (const resource of args.resources) {
      const role = resource.props["role"];
      if (typeof role !== "string" || !nodeRoles.has(role)) continue;
      if (resource.type === typeOf(aws.iam.RolePolicy))
        report(`node role ${role} has an inline policy: application permissions belong on IRSA roles`, resource.urn);
      if (resource.type === typeOf(aws.iam.RolePolicyAttachment)) {
        const policyArn = String(resource.props["policyArn"] ?? "");
        // AWS managed policies only (`arn:<partition>:iam::aws:policy/...`): a customer policy may borrow the name.
        if (
          !nodeRolePolicies.some(
            (name) => /^arn:aws[a-z-]*:iam::aws:policy\//.test(policyArn) && policyArn.endsWith(`:policy/${name}`),
          )
        )
          report(`node role ${role} has ${policyArn} attached: only ${nodeRolePolicies.join(", ")}`, resource.urn);
      }
    }
  },
};

export const launchTemplateImdsv2: ResourceValidationPolicy = {
  name: "launch-template-imdsv2",
  description: "[EC2.8] Launch templates require IMDSv2 with a hop limit of 1.",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
    if (template.metadataOptions?.httpTokens !== "required") report("metadataOptions.httpTokens is not required");
    if (template.metadataOptions?.httpPutResponseHopLimit !== 1)
      report(
        `metadataOptions.httpPutResponseHopLimit is ${template.metadataOptions?.httpPutResponseHopLimit ?? "unset"}, expected 1`,
      );
  }),
};

export const ecrRepositoryHardening: ResourceValidationPolicy = {
  name: "ecr-repository-hardening",
  description: "[ECR.1/ECR.2/ECR.3] Repositories scan on push, have immutable tags and are encrypted with KMS.",
  validateResource: validateResourceOfType(aws.ecr.Repository, (repository, _args, report) => {
    if (repository.imageScanningConfiguration?.scanOnPush !== true) report("scanOnPush is not true");
    if (repository.imageTagMutability !== "IMMUTABLE")
      report(`imageTagMutability is ${repository.imageTagMutability ?? "MUTABLE (default)"}`);
    if (!asArray(repository.encryptionConfigurations).some((config) => config.encryptionType === "KMS"))
      report("not encrypted with KMS");
  }),
};

export const ecrLifecyclePolicy: StackValidationPolicy = {
  name: "ecr-lifecycle-policy",
  description: "[ECR.3] Every repository has a lifecycle policy.",
  validateStack: (args, report) => {
    for (const repository of args.resources.filter((resource) => resource.type === typeOf(aws.ecr.Repository))) {
      const linked = args.resources.some(
        (resource) =>
          resource.type === typeOf(aws.ecr.LifecyclePolicy) &&
          resource.dependencies.some((dependency) => dependency.urn === repository.urn),
      );
      if (!linked) report("repository has no lifecycle policy", repository.urn);
    }
  },
};

const secretLikeName = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

export const ecsTaskDefinitionHardening: ResourceValidationPolicy = {
  name: "ecs-task-definition-hardening",
  description:
    "[ECS.1/ECS.3/ECS.4/ECS.5/ECS.8/ECS.9] Containers are not privileged, run as non-root with a read-only root filesystem, no host PID, secrets via `secrets`, logs configured.",
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, _args, report) => {
    if (task.pidMode === "host") report("pidMode is host");
    const containers = parseJson(task.containerDefinitions);
    if (!Array.isArray(containers)) return;
    for (const container of containers as Record<string, unknown>[]) {
      const name = String(container["name"] ?? "(unnamed)");
      if (container["privileged"] === true) report(`container ${name} is privileged`);
      if (container["readonlyRootFilesystem"] !== true) report(`container ${name} has a writable root filesystem`);
      const user = container["user"];
      if (user === undefined || user === "root" || user === "0" || String(user).startsWith("0:"))
        report(`container ${name} runs as root`);
      if (!container["logConfiguration"]) report(`container ${name} has no logConfiguration`);
      for (const variable of asArray(container["environment"] as { name?: string }[])) {
        if (variable.name && secretLikeName.test(variable.name))
          report(`container ${name} passes ${variable.name} in plain environment; use secrets`);
      }
    }
  }),
};

export const ecsServiceNoPublicIp: ResourceValidationPolicy = {
  name: "ecs-service-no-public-ip",
  description: "[ECS.2] Services do not assign public IPs.",
  validateResource: validateResourceOfType(aws.ecs.Service, (service, _args, report) => {
    if (service.networkConfiguration?.assignPublicIp === true) report("assignPublicIp is true");
  }),
};

export const ecsContainerInsights: ResourceValidationPolicy = {
  name: "ecs-cluster-container-insights",
  description: "[ECS.12] Clusters have Container Insights on.",
  validateResource: validateResourceOfType(aws.ecs.Cluster, (cluster, _args, report) => {
    const setting = asArray(cluster.settings).find((candidate) => candidate.name === "containerInsights");
    if (!setting || (setting.value !== "enabled" && setting.value !== "enhanced"))
      report("containerInsights is not enabled");
  }),
};

export const computePolicies = [
  emrBlockPublicAccess,
  emrSecurityConfigurationEncryption,
  emrClusterHardening,
  emrTemplatesUseSecurityConfiguration,
  emrDockerRuntimeImage,
  eksPrivateEndpoint,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksAccessEntries,
  eksNodeRoleMinimal,
  launchTemplateImdsv2,
  ecrRepositoryHardening,
  ecrLifecyclePolicy,
  ecsTaskDefinitionHardening,
  ecsServiceNoPublicIp,
  ecsContainerInsights,
];

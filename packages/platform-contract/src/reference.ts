import * as pulumi from "@pulumi/pulumi";
import { ConfigError, configEnv, didYouMean, displayPath } from "@data-platform/config";
import { contractVersion, type DomainContract, type PlatformContract, type WorkflowContract } from "./contract";

/**
 * Where the platform's outputs come from, for messages: the platform plan JSON when the offline plan answers the
 * StackReference from one (keys under `outputs`), else the platform stack itself.
 */
export function platformOutputsSource(stackName: string): { file: string; keyPrefix: string } {
  const plan = process.env[configEnv.platformPlan];
  return plan
    ? { file: displayPath(plan), keyPrefix: "outputs." }
    : { file: `platform stack ${stackName}`, keyPrefix: "" };
}

/**
 * The platform's outputs lack what the program needs: an input problem (the ConfigError of the config package),
 * naming the platform stack (or the platform plan file) and the output's key path.
 */
export class PlatformContractError extends ConfigError {
  constructor(message: string, where: { stackName?: string; key?: string } = {}) {
    const source = platformOutputsSource(where.stackName ?? "(unknown)");
    super(
      [{ file: source.file, path: where.key ? `${source.keyPrefix}${where.key}` : "", message }],
      "Invalid platform reference",
    );
    this.name = "PlatformContractError";
  }
}

/** Every top-level output of the contract. */
export const contractKeys = [
  "contractVersion",
  "stage",
  "region",
  "network",
  "lake",
  "spark",
  "warehouse",
  "legacyLuigi",
  "ingestion",
  "queryMesh",
  "notebooks",
  "domains",
] as const satisfies readonly (keyof PlatformContract)[];

/** Checks a platform stack's outputs against this contract version; throws a clear error otherwise. */
export function checkContract(stackName: string, outputs: Record<string, unknown>): PlatformContract {
  const version = outputs["contractVersion"];
  const where = { stackName, key: "contractVersion" };
  if (version === undefined)
    throw new PlatformContractError(
      `platform stack "${stackName}" exports no contractVersion: it is not a data-platform stack, or predates the contract`,
      where,
    );
  if (version !== contractVersion)
    throw new PlatformContractError(
      `platform stack "${stackName}" speaks contract version ${String(version)}; this program needs version ${contractVersion}`,
      where,
    );
  return outputs as unknown as PlatformContract;
}

/** Typed getters over one domain of the platform. */
export class DomainReference {
  constructor(
    readonly name: string,
    private readonly contract: pulumi.Output<DomainContract>,
    private readonly stackName?: string,
  ) {}

  private where(part: string): { stackName?: string; key: string } {
    return { stackName: this.stackName, key: `domains.${this.name}.${part}` };
  }

  /** The domain's lake storage (key and, per zone, bucket and Glue database). */
  get storage(): pulumi.Output<NonNullable<DomainContract["storage"]>> {
    return this.contract.apply((domain) =>
      required(domain.storage, `domain "${this.name}" has no lake storage in this stage`, this.where("storage")),
    );
  }

  /** The domain's Airflow, DAG bucket, registries and ECS runner. */
  get workflow(): pulumi.Output<WorkflowContract> {
    return this.contract.apply((domain) =>
      required(
        domain.workflow,
        `domain "${this.name}" has no workflow environment in this stage (needs.workflow.enabled)`,
        this.where("workflow"),
      ),
    );
  }

  get dagBucket(): pulumi.Output<string> {
    return this.workflow.apply((workflow) => workflow.dagBucket.name);
  }

  get mwaaEnvironmentName(): pulumi.Output<string> {
    return this.workflow.apply((workflow) => workflow.mwaa.name);
  }

  /** ECS runner details; fails when the domain has no Fargate runner. */
  get ecs(): pulumi.Output<NonNullable<WorkflowContract["ecs"]>> {
    return this.workflow.apply((workflow) =>
      required(
        workflow.ecs,
        `domain "${this.name}" has no Fargate runner in this stage (needs.fargate.enabled)`,
        this.where("workflow.ecs"),
      ),
    );
  }

  /** The Glue database of a zone of the domain. */
  database(zone: "raw" | "analytics"): pulumi.Output<string> {
    return this.storage.apply(
      (storage) =>
        required(
          storage.zones[zone],
          `domain "${this.name}" does not use the ${zone} zone`,
          this.where(`storage.zones.${zone}`),
        ).database,
    );
  }
}

/** A part of the contract that must be there, or a PlatformContractError saying why it is not (and where). */
export function required<T>(
  value: T | null | undefined,
  message: string,
  where: { stackName?: string; key?: string } = {},
): T {
  if (value === null || value === undefined) throw new PlatformContractError(message, where);
  return value;
}

/**
 * A domain team's view of the platform: a `pulumi.StackReference` to the
 * platform stack of a stage, with typed getters and clear errors.
 */
export class PlatformReference {
  readonly stackName: string;
  private readonly reference: pulumi.StackReference;
  private checked?: pulumi.Output<PlatformContract>;

  constructor(name: string, args: { stackName: string }, opts?: pulumi.CustomResourceOptions) {
    this.stackName = args.stackName;
    this.reference = new pulumi.StackReference(name, { name: args.stackName }, opts);
  }

  /** The contract as an output, checked on first use (an unused check never rejects unobserved). */
  get contract(): pulumi.Output<PlatformContract> {
    this.checked ??= this.reference.outputs.apply((outputs) => checkContract(this.stackName, outputs));
    return this.checked;
  }

  /**
   * The whole contract as plain values, read from the stack's outputs (stack references are read during
   * previews too): a program can check its configuration against it before registering any resource.
   */
  async read(): Promise<PlatformContract> {
    const details = await Promise.all(contractKeys.map((key) => this.reference.getOutputDetails(key)));
    const outputs: Record<string, unknown> = {};
    contractKeys.forEach((key, index) => {
      const detail = details[index]!;
      const value = detail.value ?? detail.secretValue;
      if (value !== undefined) outputs[key] = value;
    });
    const contract = checkContract(this.stackName, outputs);
    const domains: unknown = contract.domains;
    if (domains === null || typeof domains !== "object" || Array.isArray(domains)) {
      throw new PlatformContractError(`platform stack "${this.stackName}" exports no domains`, {
        stackName: this.stackName,
        key: "domains",
      });
    }
    return contract;
  }

  /** One domain; fails (at deployment) when the platform stage does not enable it. */
  domain(name: string): DomainReference {
    return new DomainReference(
      name,
      this.contract.apply((contract) => selectDomain(contract, this.stackName, name)),
      this.stackName,
    );
  }
}

/** One domain of a platform contract, or an error naming the stack and its domains. */
export function selectDomain(
  contract: Pick<PlatformContract, "domains">,
  stackName: string,
  name: string,
): DomainContract {
  const domain = contract.domains[name];
  const known = Object.keys(contract.domains).sort();
  if (!domain)
    throw new PlatformContractError(
      `platform stack "${stackName}" has no domain "${name}"${didYouMean(name, known)}; its domains: ${known.join(", ") || "none"}`,
      { stackName, key: `domains.${name}` },
    );
  return domain;
}

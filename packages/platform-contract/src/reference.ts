import * as pulumi from "@pulumi/pulumi";
import { contractVersion, type DomainContract, type PlatformContract, type WorkflowContract } from "./contract";

export class PlatformContractError extends Error {
  constructor(message: string) {
    super(message);
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
  if (version === undefined) throw new PlatformContractError(`platform stack "${stackName}" exports no contractVersion: it is not a data-platform stack, or predates the contract`);
  if (version !== contractVersion) throw new PlatformContractError(`platform stack "${stackName}" speaks contract version ${String(version)}; this program needs version ${contractVersion}`);
  return outputs as unknown as PlatformContract;
}

/** Typed getters over one domain of the platform. */
export class DomainReference {
  constructor(
    readonly name: string,
    private readonly contract: pulumi.Output<DomainContract>,
  ) {}

  /** The domain's lake storage (key and, per zone, bucket and Glue database). */
  get storage(): pulumi.Output<NonNullable<DomainContract["storage"]>> {
    return this.contract.apply((domain) => required(domain.storage, `domain "${this.name}" has no lake storage in this stage`));
  }

  /** The domain's Airflow, DAG bucket, registries and ECS runner. */
  get workflow(): pulumi.Output<WorkflowContract> {
    return this.contract.apply((domain) => required(domain.workflow, `domain "${this.name}" has no workflow environment in this stage (needs.workflow.enabled)`));
  }

  get dagBucket(): pulumi.Output<string> {
    return this.workflow.apply((workflow) => workflow.dagBucket.name);
  }

  get mwaaEnvironmentName(): pulumi.Output<string> {
    return this.workflow.apply((workflow) => workflow.mwaa.name);
  }

  /** ECS runner details; fails when the domain has no Fargate runner. */
  get ecs(): pulumi.Output<NonNullable<WorkflowContract["ecs"]>> {
    return this.workflow.apply((workflow) => required(workflow.ecs, `domain "${this.name}" has no Fargate runner in this stage (needs.fargate.enabled)`));
  }

  /** The Glue database of a zone of the domain. */
  database(zone: "raw" | "analytics"): pulumi.Output<string> {
    return this.storage.apply((storage) => required(storage.zones[zone], `domain "${this.name}" does not use the ${zone} zone`).database);
  }
}

/** A part of the contract that must be there, or a PlatformContractError saying why it is not. */
export function required<T>(value: T | null | undefined, message: string): T {
  if (value === null || value === undefined) throw new PlatformContractError(message);
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
    return checkContract(this.stackName, outputs);
  }

  /** One domain; fails (at deployment) when the platform stage does not enable it. */
  domain(name: string): DomainReference {
    return new DomainReference(
      name,
      this.contract.apply((contract) => selectDomain(contract, this.stackName, name)),
    );
  }
}

/** One domain of a platform contract, or an error naming the stack and its domains. */
export function selectDomain(contract: PlatformContract, stackName: string, name: string): DomainContract {
  const domain = contract.domains[name];
  if (!domain) throw new PlatformContractError(`platform stack "${stackName}" has no domain "${name}"; its domains: ${Object.keys(contract.domains).sort().join(", ") || "none"}`);
  return domain;
}

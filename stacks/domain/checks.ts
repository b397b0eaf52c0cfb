import {
  ConfigError,
  didYouMean,
  domainStackIssue,
  type ConfigIssue,
  type DomainStackConfig,
} from "@data-platform/config";
import type { DomainContract, PlatformContract, RegisteredDataProduct } from "@data-platform/platform-contract";

/**
 * The one way this program reports bad configuration: a ConfigError (the plan exits 2 with one line per
 * problem naming the file and key; `pulumi` stops before any resource).
 */
export function domainConfigError(issues: readonly ConfigIssue[]): ConfigError {
  return new ConfigError(issues, "Invalid domain configuration");
}

/** The stage a domain stack deploys to: `data-domain:stage`, else the stack name's `<domain>-<stage>` suffix. */
export function stageOf(config: Pick<DomainStackConfig, "stage" | "stack" | "domain">): string | undefined {
  if (config.stage) return config.stage;
  return config.stack.startsWith(`${config.domain}-`) && config.stack.length > config.domain.length + 1
    ? config.stack.slice(config.domain.length + 1)
    : undefined;
}

/** A product as deployed: the stack file's entry completed from the domain's registry entry. */
export interface ResolvedProduct extends Omit<RegisteredDataProduct, "consumers"> {
  /** The domains enabled in the stage that read the product. */
  consumers: string[];
  /**
   * Who grants the consumers: the platform (the registry's `consumers`, the one list), or - against a platform that
   * exports no consumers - this stack's `DataProduct`, from the stack file's list.
   */
  grantedBy: "platform" | "product";
}

/** The registry's consumers of a product that the stage enables, sorted; undefined from a platform that exports none. */
export function registeredConsumers(
  contract: PlatformContract,
  registered: RegisteredDataProduct,
): string[] | undefined {
  return registered.consumers?.filter((consumer) => contract.domains[consumer] !== undefined).sort();
}

/** The stack file's products, each completed from the registry entry (call after `domainStackProblems` found none). */
export function resolveProducts(config: DomainStackConfig, contract: PlatformContract): ResolvedProduct[] {
  const domain = contract.domains[config.domain]!;
  return Object.entries(config.products).map(([name, product]) => {
    const registered = domain.dataProducts.find((candidate) => candidate.name === name)!;
    const fromRegistry = registeredConsumers(contract, registered);
    return {
      name,
      description: product.description ?? registered.description,
      zone: product.zone ?? registered.zone,
      classification: product.classification ?? registered.classification,
      consumers: fromRegistry ?? product.consumers ?? [],
      grantedBy: fromRegistry ? "platform" : "product",
    };
  });
}

/** The roles of a consuming domain that read data; platforms before `readerRoleArns` named only Airflow. */
export function readerRoles(consumer: DomainContract): Record<string, string> {
  if (consumer.readerRoleArns && Object.keys(consumer.readerRoleArns).length > 0) return consumer.readerRoleArns;
  return consumer.workflow ? { airflow: consumer.workflow.mwaa.executionRoleArn } : {};
}

/**
 * Everything in the domain stack's config that the platform stage would refuse, checked against the
 * platform's contract before any resource: the stage, the domain, DAGs without Airflow, jobs without a
 * Fargate runner or with an unknown repository, products missing from the registry entry or differing
 * from it (consumers included: the registry is the one list), consumers not enabled in the stage.
 */
export function domainStackProblems(
  config: DomainStackConfig,
  contract: PlatformContract,
  dagFiles: readonly string[],
): ConfigIssue[] {
  const issue = (key: string, message: string) => domainStackIssue(config.file, key, message);
  const stage = stageOf(config);
  if (!stage)
    return [
      issue(
        "stage",
        `cannot tell this stack's stage: name the stack <domain>-<stage> (it is "${config.stack}") or set data-domain:stage`,
      ),
    ];
  if (contract.stage !== stage) {
    return [
      issue(
        "platformStack",
        `platform stack "${config.platformStack}" is stage "${contract.stage}"; this stack (${config.stack}) deploys to stage "${stage}": reference that stage's platform stack`,
      ),
    ];
  }
  const enabled = Object.keys(contract.domains).sort();
  const domain = contract.domains[config.domain];
  if (!domain) {
    return [
      issue(
        "domain",
        `domain "${config.domain}" is not enabled in platform stage "${stage}"${didYouMean(config.domain, enabled)} (enabled: ${enabled.join(", ") || "none"}); enable it under data-platform:domains in the platform's Pulumi.${stage}.yaml`,
      ),
    ];
  }
  const registry = `stacks/platform/domains/${config.domain}.yaml`;
  const issues: ConfigIssue[] = [];
  const workflow = domain.workflow;
  if (dagFiles.length > 0 && !workflow) {
    issues.push(
      issue(
        "dagsDir",
        `${dagFiles.length} DAG file(s) but domain "${config.domain}" has no Airflow in stage "${stage}" (needs.workflow.enabled in ${registry})`,
      ),
    );
  }

  const jobs = Object.entries(config.jobs);
  if (jobs.length > 0 && !workflow?.ecs) {
    issues.push(
      issue(
        "jobs",
        `domain "${config.domain}" has no Fargate runner in stage "${stage}": set needs.fargate.enabled in ${registry} (or the stage's override), or remove the jobs`,
      ),
    );
  } else if (workflow) {
    const repositories = Object.keys(workflow.ecrRepositoryUrls).sort();
    for (const [job, definition] of jobs) {
      if (!workflow.ecrRepositoryUrls[definition.repository])
        issues.push(
          issue(
            `jobs.${job}.repository`,
            `the domain has no "${definition.repository}" image repository${didYouMean(definition.repository, repositories)}; it has ${repositories.join(", ") || "none"}`,
          ),
        );
    }
  }

  const products = Object.entries(config.products);
  if (products.length > 0 && !Array.isArray(domain.dataProducts)) {
    issues.push(
      issue(
        "products",
        `platform stack "${config.platformStack}" does not export the domain's registered data products (a platform older than this program): update the platform first`,
      ),
    );
    return issues;
  }
  for (const [name, product] of products) {
    const registered = domain.dataProducts.find((candidate) => candidate.name === name);
    if (!registered) {
      const known = domain.dataProducts.map((candidate) => candidate.name).sort();
      issues.push(
        issue(
          `products.${name}`,
          `"${name}" is not in the domain's registry entry${didYouMean(name, known)} (${registry} dataProducts: ${known.join(", ") || "none"}); register it there first`,
        ),
      );
      continue;
    }
    if (product.zone && product.zone !== registered.zone)
      issues.push(issue(`products.${name}.zone`, `must be "${registered.zone}", the zone ${registry} registers it in`));
    if (product.classification && product.classification !== registered.classification) {
      issues.push(
        issue(
          `products.${name}.classification`,
          `must be "${registered.classification}", as ${registry} classifies it`,
        ),
      );
    }
    if (!domain.storage?.zones[registered.zone])
      issues.push(
        issue(
          `products.${name}`,
          `domain "${config.domain}" has no ${registered.zone} zone in stage "${stage}" (needs.zones in ${registry})`,
        ),
      );
    const fromRegistry = registeredConsumers(contract, registered);
    if (fromRegistry) {
      // The registry is the one list of a product's consumers; the platform grants them. The key may only repeat it.
      if (product.consumers && [...product.consumers].sort().join(",") !== fromRegistry.join(",")) {
        const strangers = product.consumers.filter((consumer) => !fromRegistry.includes(consumer));
        const named = strangers
          .map((consumer) => `"${consumer}"${didYouMean(consumer, fromRegistry.length > 0 ? fromRegistry : enabled)}`)
          .join(", ");
        issues.push(
          issue(
            `products.${name}.consumers`,
            `must be [${fromRegistry.join(", ")}], the consumers ${registry} lists for "${name}" that stage "${stage}" enables${strangers.length > 0 ? ` (not among them: ${named})` : ""}: change dataProducts[].consumers there (the platform grants them), or leave this key out`,
          ),
        );
      }
      continue;
    }
    // A platform that exports no consumers: this stack grants the listed ones itself.
    (product.consumers ?? []).forEach((consumer, index) => {
      const consuming = contract.domains[consumer];
      if (!consuming)
        issues.push(
          issue(
            `products.${name}.consumers[${index}]`,
            `"${consumer}" is not a domain enabled in platform stage "${stage}"${didYouMean(consumer, enabled)} (enabled: ${enabled.join(", ")})`,
          ),
        );
      else if (Object.keys(readerRoles(consuming)).length === 0)
        issues.push(
          issue(
            `products.${name}.consumers[${index}]`,
            `"${consumer}" has no role that reads data in stage "${stage}" (no Airflow, Spark or Fargate)`,
          ),
        );
    });
  }
  return issues;
}

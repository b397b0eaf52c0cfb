import { ConfigError, didYouMean, domainStackNamespace, type ConfigIssue, type DomainStackConfig } from "@data-platform/config";
import { platformOutputsSource, type PlatformContract } from "@data-platform/platform-contract";

/**
 * What this program reads from the platform, checked on the platform's outputs before any resource is registered:
 * the domain and every consumer are enabled there with a workflow environment, the Fargate runner and the image
 * repositories the jobs name exist, and the products' zones are the domain's. A mistake in the domain's own stack
 * file points at its key there; what the platform lacks points at the platform's output.
 */
export function checkPlatformNeeds(contract: Pick<PlatformContract, "domains">, config: DomainStackConfig): void {
  const platform = platformOutputsSource(config.platformStack);
  const known = Object.keys(contract.domains).sort();
  const issues: ConfigIssue[] = [];
  const mine = (key: string, message: string) => issues.push({ file: config.file, path: `${domainStackNamespace}:${key}`, message });
  const theirs = (key: string, message: string) => issues.push({ file: platform.file, path: `${platform.keyPrefix}${key}`, message });
  const absent = (name: string) => `platform stack "${config.platformStack}" has no domain "${name}"${didYouMean(name, known)}; its domains: ${known.join(", ") || "none"}`;

  const domain = contract.domains[config.domain];
  if (!domain) {
    mine("domain", absent(config.domain));
  } else if (!domain.workflow) {
    theirs(`domains.${config.domain}.workflow`, `domain "${config.domain}" has no workflow environment in this stage (needs.workflow.enabled): the DAGs and jobs deploy to it`);
  } else {
    const workflow = domain.workflow;
    for (const [job, definition] of Object.entries(config.jobs)) {
      if (!workflow.ecs) {
        theirs(`domains.${config.domain}.workflow.ecs`, `domain "${config.domain}" has no Fargate runner in this stage (needs.fargate.enabled), which job "${job}" runs on`);
        break;
      }
      const repositories = Object.keys(workflow.ecrRepositoryUrls).sort();
      if (!repositories.includes(definition.repository)) {
        mine(`jobs.${job}.repository`, `the domain has no "${definition.repository}" repository${didYouMean(definition.repository, repositories)}; its repositories: ${repositories.join(", ") || "none"}`);
      }
    }
  }
  for (const [product, definition] of Object.entries(config.products)) {
    if (domain && !domain.storage?.zones[definition.zone]) {
      mine(`products.${product}.zone`, `the domain does not use the ${definition.zone} zone in this stage; its zones: ${Object.keys(domain.storage?.zones ?? {}).sort().join(", ") || "none"}`);
    }
    definition.consumers.forEach((consumer, index) => {
      const consuming = contract.domains[consumer];
      if (!consuming) mine(`products.${product}.consumers[${index}]`, absent(consumer));
      else if (!consuming.workflow) theirs(`domains.${consumer}.workflow`, `consumer domain "${consumer}" has no workflow environment in this stage, whose role would be granted access`);
    });
  }
  if (issues.length > 0) throw new ConfigError(issues, "Invalid platform reference");
}

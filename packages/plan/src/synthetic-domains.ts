import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";

/**
 * Writes a registry of `count` synthetic domains and a copy of a stage config
 * enabling all of them (for the benchmark and scale tests).
 */
export function writeSyntheticStage(
  baseConfigFile: string,
  count: number,
  dir: string,
): { configFile: string; domainsDir: string } {
  const domainsDir = path.join(dir, "domains");
  fs.mkdirSync(domainsDir, { recursive: true });
  const names: string[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `domain-${String(index).padStart(3, "0")}`;
    names.push(name);
    const domain = {
      name,
      description: `Synthetic domain ${index}.`,
      owners: { team: `${name}-team`, email: `${name}@example.com` },
      costCentre: `CC-${2000 + index}`,
      dataProducts: [
        { name: `facts_${index}`, description: "Synthetic facts.", zone: "analytics" },
        { name: `events_${index}`, description: "Synthetic events.", zone: "raw" },
      ],
      needs: {
        zones: ["raw", "analytics"],
        fargate: { enabled: index % 2 === 0 },
        notebooks: { enabled: index % 3 === 0 },
      },
    };
    fs.writeFileSync(path.join(domainsDir, `${name}.yaml`), stringify(domain));
  }
  const document = parse(fs.readFileSync(baseConfigFile, "utf8")) as { config: Record<string, unknown> };
  document.config["data-platform:domains"] = Object.fromEntries(names.map((name) => [name, {}]));
  // Keep the stage's shared services, but nothing that names the stage's real domains.
  const ingestion = document.config["data-platform:ingestion"] as
    { sources?: Record<string, { domain?: string }> } | undefined;
  for (const source of Object.values(ingestion?.sources ?? {})) delete source.domain;
  delete document.config["data-platform:importer"];
  const luigi = document.config["data-platform:luigi"] as { launchDomains?: string[] } | undefined;
  if (luigi) luigi.launchDomains = [];
  const configFile = path.join(dir, path.basename(baseConfigFile));
  fs.writeFileSync(configFile, stringify(document));
  return { configFile, domainsDir };
}

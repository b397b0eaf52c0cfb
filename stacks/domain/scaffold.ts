import * as fs from "node:fs";
import * as path from "node:path";
import { domainFileSchema, domainNameSchema } from "@data-platform/config";
import { parse, parseDocument } from "yaml";

/** What `npm run new-domain` is asked for. */
export interface ScaffoldOptions {
  name: string;
  /** The stage to enable the domain in. @default "dev" */
  stage?: string;
  /** The Pulumi organisation of the platform stacks (`<org>/data-platform/<stage>`). @default "acme" */
  org?: string;
  team?: string;
  email?: string;
  costCentre?: string;
  description?: string;
  /** The platform project's stack directory (registry in `domains/`). @default stacks/platform */
  platformDir: string;
  /** The domain project's directory. @default stacks/domain */
  domainDir: string;
}

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScaffoldError";
  }
}

// Compiled or not, the template sits beside the sources.
const templateFile = path.join(
  path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname,
  "templates",
  "daily_dag.py.tmpl",
);

/** The files of a new domain, by path relative to the repository layout (pure). */
export function scaffoldFiles(options: ScaffoldOptions & { region: string }): {
  registry: string;
  stackFile: string;
  dagFile: string;
  dag: string;
  product: string;
} {
  const stage = options.stage ?? "dev";
  const underscored = options.name.replace(/-/g, "_");
  const product = `${underscored}_daily`;
  const registry = [
    "# yaml-language-server: $schema=../../../packages/config/schema/domain.schema.json",
    `name: ${options.name}`,
    `description: ${JSON.stringify(options.description ?? `The ${options.name} domain (scaffolded): say what data it owns.`)}`,
    "owners:",
    `  team: ${JSON.stringify(options.team ?? `${options.name}-data`)}`,
    `  email: ${JSON.stringify(options.email ?? `${options.name}-data@example.com`)}`,
    `costCentre: ${JSON.stringify(options.costCentre ?? "CC-0000")}`,
    "dataProducts:",
    `  - name: ${product}`,
    `    description: ${JSON.stringify(`Daily curated table of the ${options.name} domain (starter product: rename or replace it).`)}`,
    "    zone: analytics",
    "needs:",
    "  zones: [raw, analytics]",
    "  workflow:",
    "    environmentClass: mw1.small",
    "    maxWorkers: 2",
    "  spark:",
    "    enabled: true",
    "    maxCoreVcpus: 16",
    "  # Fargate jobs (data-domain:jobs) need a runner:",
    "  # fargate:",
    "  #   enabled: true",
    "",
  ].join("\n");
  const stackFile = [
    "# yaml-language-server: $schema=../../packages/config/schema/domain-stack-file.schema.json",
    `# The ${options.name} domain in ${stage} (scaffolded by npm run new-domain). Keys: stacks/domain/README.md.`,
    "config:",
    `  aws:region: ${options.region}`,
    `  data-domain:domain: ${options.name}`,
    `  data-domain:platformStack: ${options.org ?? "acme"}/data-platform/${stage}`,
    `  data-domain:dagsDir: dags/${options.name}`,
    "  data-domain:products:",
    `    ${product}: {}`,
    "",
  ].join("\n");
  const dag = fs
    .readFileSync(templateFile, "utf8")
    .replace(/__DAG_ID__/g, `${underscored}_daily`)
    .replace(/__PRODUCT__/g, product)
    .replace(/__JOB__/g, `curate-${options.name}`)
    .replace(/__DOMAIN__/g, options.name);
  return { registry, stackFile, dagFile: `${underscored}_daily.py`, dag, product };
}

/** The stage file with `<name>: {}` added under `data-platform:domains` (the rest of the file untouched). */
export function enableInStage(text: string, name: string, file: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((line) => /^\s+data-platform:domains:\s*$/.test(line));
  if (at < 0) throw new ScaffoldError(`${file}: no block "data-platform:domains:" to add the domain to`);
  const keyIndent = /^(\s*)/.exec(lines[at]!)![1]!.length;
  const next = lines.slice(at + 1).find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  const childIndent =
    next && /^(\s*)/.exec(next)![1]!.length > keyIndent ? /^(\s*)/.exec(next)![1]! : " ".repeat(keyIndent + 2);
  const domains = (parse(text) as { config?: Record<string, unknown> })?.config?.["data-platform:domains"] as
    Record<string, unknown> | null | undefined;
  if (domains && name in domains) throw new ScaffoldError(`${file}: data-platform:domains.${name} is already there`);
  lines.splice(at + 1, 0, `${childIndent}${name}: {}`);
  const result = lines.join("\n");
  const document = parseDocument(result);
  if (
    document.errors.length > 0 ||
    !(
      (document.toJS() as { config: Record<string, Record<string, unknown>> }).config["data-platform:domains"]?.[
        name
      ] !== undefined
    )
  ) {
    throw new ScaffoldError(
      `${file}: could not add ${name} under data-platform:domains (edit it by hand: ${name}: {})`,
    );
  }
  return result;
}

/** Creates a new domain: registry entry, enabled in the stage, domain stack file and DAG folder. Returns the files written. */
export function scaffoldDomain(options: ScaffoldOptions): string[] {
  const parsed = domainNameSchema.safeParse(options.name);
  if (!parsed.success)
    throw new ScaffoldError(
      `domain name "${options.name}" ${parsed.error.issues.map((issue) => issue.message).join("; ")}`,
    );
  const stage = options.stage ?? "dev";
  if (!/^[a-z][a-z0-9-]*$/.test(stage)) throw new ScaffoldError(`--stage "${stage}" is not a stage name`);
  const stageFile = path.join(options.platformDir, `Pulumi.${stage}.yaml`);
  if (!fs.existsSync(stageFile)) throw new ScaffoldError(`${stageFile} does not exist: no stage "${stage}"`);
  const registryFile = path.join(options.platformDir, "domains", `${options.name}.yaml`);
  if (fs.existsSync(registryFile))
    throw new ScaffoldError(`${registryFile} exists: domain "${options.name}" is already registered`);
  const stackFile = path.join(options.domainDir, `Pulumi.${options.name}-${stage}.yaml`);
  if (fs.existsSync(stackFile)) throw new ScaffoldError(`${stackFile} exists`);
  const dagsDir = path.join(options.domainDir, "dags", options.name);
  if (fs.existsSync(dagsDir)) throw new ScaffoldError(`${dagsDir} exists`);

  const stageText = fs.readFileSync(stageFile, "utf8");
  const region = String(
    (parse(stageText) as { config?: Record<string, unknown> })?.config?.["aws:region"] ?? "eu-west-1",
  );
  const files = scaffoldFiles({ ...options, stage, region });
  const registryCheck = domainFileSchema.safeParse(parse(files.registry));
  if (!registryCheck.success)
    throw new ScaffoldError(
      `the registry entry would be invalid: ${registryCheck.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  const enabled = enableInStage(stageText, options.name, stageFile);

  fs.mkdirSync(dagsDir, { recursive: true });
  fs.writeFileSync(registryFile, files.registry);
  fs.writeFileSync(stageFile, enabled);
  fs.writeFileSync(stackFile, files.stackFile);
  fs.writeFileSync(path.join(dagsDir, files.dagFile), files.dag);
  return [registryFile, stageFile, stackFile, path.join(dagsDir, files.dagFile)];
}

import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadDomainStackConfig, type DomainStackConfig } from "@data-platform/config";
import { DataProduct } from "@data-platform/data-product";
import { hardenedContainerDefinition } from "@data-platform/domain-workflow-env";
import { PlatformReference } from "@data-platform/platform-contract";
import { domainConfigError, domainStackProblems, readerRoles, resolveProducts, stageOf } from "./checks";

/** The directory holding this stack's files (`dags/`, `Pulumi.<stack>.yaml`), compiled or not. */
export const programDir = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/** The directory `dagsDir` is relative to: the stack file's (the project's, unless the plan is given another file). */
export function stackDir(config: Pick<DomainStackConfig, "file">): string {
  return path.isAbsolute(config.file) ? path.dirname(config.file) : programDir;
}

/** The DAG files a stack deploys: the `.py` files directly in its DAG folder, sorted. */
export function dagFilesIn(dagsDir: string): string[] {
  return fs.existsSync(dagsDir)
    ? fs
        .readdirSync(dagsDir)
        .filter((file) => file.endsWith(".py"))
        .sort()
    : [];
}

/**
 * A domain's program: DAGs, ECS jobs and data products, on the platform read through its contract. The
 * configuration is checked against the contract first: a problem stops the program before any resource.
 */
export async function domainProgram(
  config: DomainStackConfig = loadDomainStackConfig(),
): Promise<Record<string, unknown>> {
  const platform = new PlatformReference("platform", { stackName: config.platformStack });
  // The platform's outputs, read and checked before any resource; what they lack is reported against the
  // platform stack (or the platform plan file) and the output's key.
  const contract = await platform.read();
  const dagsDir = path.resolve(stackDir(config), config.dagsDir);
  const dagFiles = dagFilesIn(dagsDir);
  const problems = domainStackProblems(config, contract, dagFiles);
  if (problems.length > 0) throw domainConfigError(problems);

  const domain = contract.domains[config.domain]!;
  const workflow = domain.workflow;

  // DAG files, one object per file, named by file name.
  const dags = workflow
    ? dagFiles.map(
        (file) =>
          new aws.s3.BucketObjectv2(`dag-${file.replace(/\.py$/, "").replace(/_/g, "-")}`, {
            bucket: workflow.dagBucket.name,
            key: `${workflow.dagBucket.dagsPath}${file}`,
            source: new pulumi.asset.FileAsset(path.join(dagsDir, file)),
            contentType: "text/x-python",
          }),
      )
    : [];

  // ECS task definitions of the domain's non-Spark jobs, with the platform's hardened container definition.
  // The runner is read only when there are jobs (a domain without Fargate has none: checked above).
  const jobs = Object.entries(config.jobs).map(([job, definition]): [string, aws.ecs.TaskDefinition] => {
    const ecs = workflow!.ecs!;
    return [
      job,
      new aws.ecs.TaskDefinition(`job-${job}`, {
        family: `${ecs.clusterName}-${job}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: definition.cpu,
        memory: definition.memory,
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        executionRoleArn: ecs.taskExecutionRoleArn,
        taskRoleArn: ecs.taskRoleArn,
        containerDefinitions: JSON.stringify([
          hardenedContainerDefinition({
            name: job,
            image: `${workflow!.ecrRepositoryUrls[definition.repository]}:${definition.tag}`,
            domain: config.domain,
            logGroupName: ecs.logGroupName,
            region: contract.region,
            command: definition.command,
          }),
        ]),
      }),
    ];
  });

  // Data products: the output ports other domains read through Lake Formation. Their consumers come from the
  // registry, and the platform grants every reading role of theirs (a platform that exports no consumers leaves
  // the grants to the product, from the stack file's list).
  const products = resolveProducts(config, contract).map((product) => {
    const zone = domain.storage!.zones[product.zone]!;
    const resource = new DataProduct(`product-${product.name}`, {
      domain: config.domain,
      name: product.name,
      description: product.description,
      databaseName: zone.database,
      bucketName: zone.bucket.name,
      classification: product.classification,
      consumers:
        product.grantedBy === "product"
          ? product.consumers.map((consumer) => ({ domain: consumer, roles: readerRoles(contract.domains[consumer]!) }))
          : [],
    });
    return [
      product.name,
      { database: zone.database, table: product.name, location: resource.location, consumers: product.consumers },
    ] as const;
  });

  return {
    domain: config.domain,
    stage: stageOf(config),
    dags: dags.map((dag) => dag.key),
    jobs: Object.fromEntries(jobs.map(([job, definition]) => [job, definition.arn])),
    products: Object.fromEntries(products),
  };
}

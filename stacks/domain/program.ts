import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadDomainStackConfig, type DomainStackConfig } from "@data-platform/config";
import { DataProduct } from "@data-platform/data-product";
import { PlatformReference } from "@data-platform/platform-contract";
import { checkPlatformNeeds } from "./platform-needs";

/** The directory holding this stack's files (`dags/`, `Pulumi.<stack>.yaml`), compiled or not. */
export const programDir = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/** A domain's program: DAGs, ECS jobs and data products, on the platform read through its contract. */
export async function domainProgram(config: DomainStackConfig = loadDomainStackConfig()): Promise<Record<string, unknown>> {
  const platform = new PlatformReference("platform", { stackName: config.platformStack });
  // What the program reads from the platform is checked before it registers anything: a wrong reference never half-runs.
  checkPlatformNeeds(await platform.load(), config);
  const domain = platform.domain(config.domain);
  const workflow = domain.workflow;

  // DAG files, one object per file, named by file name.
  const dagsDir = path.resolve(programDir, config.dagsDir);
  const dagFiles = fs.existsSync(dagsDir) ? fs.readdirSync(dagsDir).filter((file) => file.endsWith(".py")).sort() : [];
  const dags = dagFiles.map(
    (file) =>
      new aws.s3.BucketObjectv2(`dag-${file.replace(/\.py$/, "").replace(/_/g, "-")}`, {
        bucket: domain.dagBucket,
        key: pulumi.interpolate`${workflow.dagBucket.dagsPath}${file}`,
        source: new pulumi.asset.FileAsset(path.join(dagsDir, file)),
        contentType: "text/x-python",
      }),
  );

  // ECS task definitions of the domain's non-Spark jobs, on the platform's hardened template.
  const ecs = domain.ecs;
  const jobs = Object.entries(config.jobs).map(
    ([job, definition]): [string, aws.ecs.TaskDefinition] => [
      job,
      new aws.ecs.TaskDefinition(`job-${job}`, {
        family: pulumi.interpolate`${ecs.clusterName}-${job}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: definition.cpu,
        memory: definition.memory,
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        executionRoleArn: ecs.taskExecutionRoleArn,
        taskRoleArn: ecs.taskRoleArn,
        containerDefinitions: pulumi.all([workflow.ecrRepositoryUrls, ecs.logGroupName, aws.getRegionOutput().region]).apply(([urls, logGroup, region]) => {
          const repository = urls[definition.repository];
          if (!repository) throw new Error(`job ${job}: the domain has no "${definition.repository}" repository; it has ${Object.keys(urls).join(", ")}`);
          return JSON.stringify([
            {
              name: job,
              image: `${repository}:${definition.tag}`,
              essential: true,
              user: "1000:1000",
              privileged: false,
              readonlyRootFilesystem: true,
              command: definition.command,
              environment: [{ name: "DATA_PLATFORM_DOMAIN", value: config.domain }],
              logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": job } },
            },
          ]);
        }),
      }),
    ],
  );

  // Data products: the output ports other domains read through Lake Formation.
  const products = Object.entries(config.products).map(([name, product]) => {
    const zone = domain.storage.apply((storage) => {
      const found = storage.zones[product.zone];
      if (!found) throw new Error(`product ${name}: the domain does not use the ${product.zone} zone`);
      return found;
    });
    return new DataProduct(`product-${name}`, {
      domain: config.domain,
      name,
      description: product.description,
      databaseName: zone.database,
      bucketName: zone.bucket.name,
      classification: product.classification,
      consumers: product.consumers.map((consumer) => ({ domain: consumer, roles: { airflow: platform.domain(consumer).workflow.mwaa.executionRoleArn } })),
    });
  });

  return {
    domain: config.domain,
    dags: dags.map((dag) => dag.key),
    jobs: Object.fromEntries(jobs.map(([job, definition]) => [job, definition.arn])),
    products: Object.fromEntries(products.map((product) => [product.table.name, product.location])),
  };
}

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ConfigError,
  configEnv,
  namespaceValues,
  resolvePlatformConfig,
  type ConfigIssue,
} from "@data-platform/config";
import { readStackConfigFile, runProgramSettled } from "@data-platform/testing";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { argIssue, argKeys } from "./configKeys";
import { platform, preflight } from "./program";

type Values = Record<string, any>;

/** A copy of the stage's file with `mutate` applied to its `data-platform:` values, written where its lines can be read. */
function writeStage(stage: string, mutate: (values: Values) => void): string {
  const document = parse(fs.readFileSync(path.join(__dirname, `Pulumi.${stage}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const values: Values = Object.fromEntries(
    Object.entries(document.config)
      .filter(([key]) => key.startsWith("data-platform:"))
      .map(([key, value]) => [key.slice("data-platform:".length), value]),
  );
  mutate(values);
  const config = {
    ...Object.fromEntries(Object.entries(document.config).filter(([key]) => !key.startsWith("data-platform:"))),
    ...Object.fromEntries(Object.entries(values).map(([key, value]) => [`data-platform:${key}`, value])),
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "preflight-")), `Pulumi.${stage}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/** What the program reports on a stage file, as it does: the config's problems, else the preflight's. */
function stageIssues(stage: string, file: string): ConfigIssue[] {
  try {
    const config = resolvePlatformConfig({
      stack: stage,
      values: namespaceValues(readStackConfigFile(file).config),
      configFile: file,
      domainsDir: path.join(__dirname, "domains"),
    });
    preflight(config);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

afterEach(() => {
  delete process.env[configEnv.configFile];
});

// One row per rule a component (or the stage's composition) owns: a stage file breaking it gets exactly one error,
// naming the file and the exact key, at the key's line.
const rules: {
  rule: string;
  stage: string;
  mutate: (values: Values) => void;
  key: string;
  line: RegExp;
  message: RegExp;
}[] = [
  {
    rule: "the cluster needs a system node group",
    stage: "dev",
    mutate: (v) => delete v.cluster.nodeGroups.system,
    key: "data-platform:cluster.nodeGroups",
    line: /^\s+nodeGroups:/,
    message: /^must include "system": CoreDNS/,
  },
  {
    rule: "the system node group never scales to zero",
    stage: "dev",
    mutate: (v) => (v.cluster.nodeGroups.system.minSize = 0),
    key: "data-platform:cluster.nodeGroups.system.minSize",
    line: /^\s+minSize: 0$/,
    message: /^must be at least 1/,
  },
  {
    rule: "node group sizes in order (desired under min)",
    stage: "dev",
    mutate: (v) => Object.assign(v.cluster.nodeGroups.query, { minSize: 2, desiredSize: 1 }),
    key: "data-platform:cluster.nodeGroups.query.desiredSize",
    line: /^\s+desiredSize: 1$/,
    message: /minSize <= desiredSize <= maxSize, got 2\/1\/3/,
  },
  {
    rule: "node group sizes in order (max under desired)",
    stage: "dev",
    mutate: (v) => Object.assign(v.cluster.nodeGroups.query, { desiredSize: 3, maxSize: 2 }),
    key: "data-platform:cluster.nodeGroups.query.maxSize",
    line: /^\s+maxSize: 2$/,
    message: /minSize <= desiredSize <= maxSize, got 0\/3\/2/,
  },
  {
    rule: "the public API endpoint is never open to the internet",
    stage: "dev",
    mutate: (v) => (v.cluster.publicAccessCidrs = ["203.0.113.0/24", "0.0.0.0/0"]),
    key: "data-platform:cluster.publicAccessCidrs[1]",
    line: /^\s+- 0\.0\.0\.0\/0$/,
    message: /would open the API endpoint to the internet/,
  },
  {
    rule: "API ranges lie inside the VPC or a reserved range",
    stage: "dev",
    mutate: (v) => (v.cluster.apiAccessCidrs = ["192.168.0.0/24"]),
    key: "data-platform:cluster.apiAccessCidrs[0]",
    line: /^\s+- 192\.168\.0\.0\/24$/,
    message: /^192\.168\.0\.0\/24 must lie inside the VPC \(10\.40\.0\.0\/16\) or a reserved/,
  },
  {
    rule: "no Karpenter pool named like a node group",
    stage: "dev",
    mutate: (v) => (v.cluster.karpenter.nodePools.query = { cpuLimit: 8, memoryLimitGiB: 32 }),
    key: "data-platform:cluster.karpenter.nodePools.query",
    line: /^\s+query:$/,
    message: /a managed node group has this name: its nodes would carry the same label and taint/,
  },
  {
    rule: "the query mesh runs on a query node group",
    stage: "dev",
    mutate: (v) => delete v.cluster.nodeGroups.query,
    key: "data-platform:cluster.nodeGroups",
    line: /^\s+nodeGroups:/,
    message: /the query mesh is enabled: add a "query" node group/,
  },
  {
    rule: "no query node group without the query mesh",
    stage: "dev",
    mutate: (v) => (v.queryMesh = { enabled: false }),
    key: "data-platform:cluster.nodeGroups.query",
    line: /^\s+query:$/,
    message: /the query mesh is not enabled in this stage: remove the node group/,
  },
  {
    rule: "no notebooks node group without notebooks",
    stage: "dev",
    mutate: (v) => (v.notebooks = { enabled: false }),
    key: "data-platform:cluster.nodeGroups.notebooks",
    line: /^\s+notebooks:$/,
    message: /notebooks are not enabled in this stage/,
  },
  {
    rule: "the query node group holds the coordinator and every worker",
    stage: "dev",
    mutate: (v) => (v.queryMesh.workers = { min: 1, max: 12 }),
    key: "data-platform:cluster.nodeGroups.query.maxSize",
    line: /^\s+maxSize: 3$/,
    message: /^the coordinator and 12 workers need \d+ r7g\.xlarge nodes, but maxSize is 3/,
  },
  {
    rule: "a query node's instance type fits a worker's requests",
    stage: "dev",
    // Eight CPUs requested per worker; an r7g.xlarge leaves about 3.7 to pods.
    mutate: (v) => (v.queryMesh.workerResources.requests.cpu = "8"),
    key: "data-platform:cluster.nodeGroups.query.instanceTypes[0]",
    line: /^\s+- r7g\.xlarge$/,
    message: /^a worker's requests do not fit a r7g\.xlarge/,
  },
  {
    rule: "a notebooks node's instance type fits every profile's guarantees",
    stage: "dev",
    mutate: (v) => (v.cluster.nodeGroups.notebooks.instanceTypes = ["m7g.xlarge"]),
    key: "data-platform:cluster.nodeGroups.notebooks.instanceTypes[0]",
    line: /^\s+- m7g\.xlarge$/,
    message: /^notebook profile "spark" guarantees 4 CPU and 16 GiB, more than a m7g\.xlarge node/,
  },
  {
    rule: "a notebook image ships jupyter-collaboration while collaboration is on",
    stage: "dev",
    mutate: (v) =>
      (v.notebooks.singleuserImage = { name: "registry.example.com/nb", tag: "1.0", collaboration: false }),
    key: "data-platform:notebooks.singleuserImage.collaboration",
    line: /^\s+collaboration: false$/,
    message: /does not ship jupyter-collaboration/,
  },
  {
    rule: "file access control only in dev stages",
    stage: "staging",
    mutate: (v) => (
      Object.assign(v.queryMesh, { accessControl: "file" }),
      delete v.queryMesh.privacera,
      delete v.queryMesh.ranger
    ),
    key: "data-platform:queryMesh.accessControl",
    line: /^\s+accessControl: file$/,
    message: /^"file" is for development only/,
  },
  {
    rule: "production's query mesh needs the load balancer's certificate (one error, also for internal TLS)",
    stage: "staging",
    mutate: (v) => delete v.queryMesh.tlsCertificateArn,
    key: "data-platform:queryMesh.tlsCertificateArn",
    // The key is not in the file: the error points at the section that lacks it.
    line: /^\s*data-platform:queryMesh:$/,
    message: /^production needs tlsCertificateArn: Looker connects over TLS$/,
  },
  {
    rule: "the dummy login only in dev stages",
    stage: "staging",
    mutate: (v) => (v.notebooks.authenticator = { kind: "dummy" }),
    key: "data-platform:notebooks.authenticator.kind",
    line: /^\s+kind: dummy$/,
    message: /^"dummy" lets anyone log in and is never allowed in production/,
  },
];

describe("the stage's preflight: each rule once, at its config key", () => {
  it.each(rules)("$rule: one error naming the file, the key and its line", ({ stage, mutate, key, line, message }) => {
    const file = writeStage(stage, mutate);
    const issues = stageIssues(stage, file);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^${key.replace(/[.[\]]/g, "\\$&")}: `)),
    ]);
    const [issue] = issues;
    expect(issue!.message).toMatch(message);
    expect(path.basename(issue!.file)).toBe(`Pulumi.${stage}.yaml`);
    // The line and column point at the key in the file that holds it.
    expect(issue!.line).toBeDefined();
    const text = fs.readFileSync(file, "utf8").split("\n")[issue!.line! - 1]!;
    expect(text).toMatch(line);
    expect(text.slice(issue!.column! - 1)).not.toBe("");
  });

  it("stops the program before any resource but the root stack", async () => {
    const file = writeStage("dev", (v) => (v.cluster.apiAccessCidrs = ["192.168.0.0/24"]));
    process.env[configEnv.configFile] = file;
    const engine = readStackConfigFile(file);
    const result = await runProgramSettled(() => platform, {
      stack: "dev",
      config: engine.config,
      secretKeys: engine.secretKeys,
    });
    expect(result.error).toBeInstanceOf(ConfigError);
    expect((result.error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      "data-platform:cluster.apiAccessCidrs[0]",
    ]);
    expect(result.harness.registrations.map((registration) => registration.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("accepts the repository's stage files", () => {
    for (const stage of ["dev", "staging", "prod"])
      expect(stageIssues(stage, path.join(__dirname, `Pulumi.${stage}.yaml`)), stage).toEqual([]);
  });
});

describe("argIssue: the table of argument paths to config keys", () => {
  const config = resolvePlatformConfig({
    stack: "dev",
    values: namespaceValues(readStackConfigFile(path.join(__dirname, "Pulumi.dev.yaml")).config),
    configFile: "Pulumi.dev.yaml",
    domainsDir: path.join(__dirname, "domains"),
  });
  const orders = config.domains.find((domain) => domain.name === "orders")!;

  it("appends what follows the argument to its key, in the stage file or the domain's registry file", () => {
    expect(argIssue(config, "cluster", { path: "nodeGroups.query.maxSize", message: "m" })).toEqual({
      file: "Pulumi.dev.yaml",
      path: "data-platform:cluster.nodeGroups.query.maxSize",
      message: "m",
    });
    expect(argIssue(config, "cluster", { path: "apiAccessCidrs[2]", message: "m" }).path).toBe(
      "data-platform:cluster.apiAccessCidrs[2]",
    );
    expect(argIssue(config, "cluster", { path: "availabilityZoneCount", message: "m" }).path).toBe(
      "data-platform:network.availabilityZones",
    );
    expect(argIssue(config, "cluster", { path: "karpenter.nodePools.burst.cpuLimit", message: "m" }).path).toBe(
      "data-platform:cluster.karpenter.nodePools.burst.cpuLimit",
    );
    expect(argIssue(config, "lake", { path: "domains.orders.zones", message: "m" }).path).toBe(
      "data-platform:domains.orders.needs.zones",
    );
    expect(argIssue(config, "notebooks", { path: "storage.capacityGiB", message: "m" }).path).toBe(
      "data-platform:notebooks.storageGiB",
    );
    expect(argIssue(config, "queryMesh", { path: "privacera.values.ranger.adminPassword", message: "m" }).path).toBe(
      "data-platform:queryMesh.privacera.values.ranger.adminPassword",
    );
    expect(argIssue(config, "notebooks", { path: "domains.orders.groups", message: "m" })).toEqual({
      file: orders.file,
      path: "needs.notebooks.groups",
      message: "m (or the stage's data-platform:domains.orders.needs override)",
    });
    expect(argIssue(config, "queryMesh", { path: "domains.orders.products", message: "m" })).toEqual({
      file: orders.file,
      path: "dataProducts",
      message: "m",
    });
  });

  it("drops the argument path a message starts with, and files an argument no row names under the component's key", () => {
    expect(
      argIssue(config, "notebooks", {
        path: "cullTimeoutSeconds",
        message: "cullTimeoutSeconds must be an integer >= 300, got 60",
      }).message,
    ).toBe("must be an integer >= 300, got 60");
    expect(argIssue(config, "queryMesh", { path: "lookerUserName", message: "bad" })).toEqual({
      file: "Pulumi.dev.yaml",
      path: "data-platform:queryMesh",
      message: "lookerUserName: bad",
    });
    expect(argIssue(config, "notebooks", { path: "", message: "nobody could log in" })).toEqual({
      file: "Pulumi.dev.yaml",
      path: "data-platform:notebooks",
      message: "nobody could log in",
    });
  });

  it("names each component argument once", () => {
    const rows = argKeys.map((row) => `${row.component}:${row.arg}`);
    expect(rows.filter((row, index) => rows.indexOf(row) !== index)).toEqual([]);
  });
});

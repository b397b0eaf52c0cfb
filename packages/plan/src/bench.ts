import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticStage } from "./synthetic-domains";

/**
 * `npm run bench`: the offline plan's cost, as ratios to the floor (the time a
 * fresh process needs to load the Pulumi SDKs and do nothing else).
 * Targets: 40 domains in under 3x the floor, peak memory under 1 GiB, cost per
 * domain flat as the number of domains grows.
 */
const repoRoot = path.resolve(__dirname, "../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
const repeats = Number(process.env["BENCH_REPEATS"] ?? 3);

function timeChild(args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(tsx, ["--conditions=@data-platform/source", ...args], { cwd: repoRoot, encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`benchmark child failed (${args.join(" ")}):\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(): void {
  const floorRuns = Array.from({ length: repeats }, () => timeChild([path.join(__dirname, "bench-floor.ts")]).ms);
  const floor = median(floorRuns);

  const baseConfig = path.join(repoRoot, "stacks/platform/Pulumi.prod.yaml");
  const scratch: string[] = [];
  const rows: { domains: number; wallMs: number; planMs: number; resources: number; maxRssMiB: number }[] = [];
  for (const domains of [1, 10, 40]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${domains}-`));
    scratch.push(dir);
    const stage = writeSyntheticStage(baseConfig, domains, dir);
    const runs = Array.from({ length: repeats }, () => {
      const child = timeChild([
        path.join(__dirname, "bench-child.ts"),
        "prod",
        repoRoot,
        stage.configFile,
        stage.domainsDir,
      ]);
      return {
        wallMs: child.ms,
        ...(JSON.parse(child.stdout.trim().split("\n").pop()!) as {
          planMs: number;
          resources: number;
          maxRssMiB: number;
        }),
      };
    });
    rows.push({
      domains,
      wallMs: median(runs.map((run) => run.wallMs)),
      planMs: median(runs.map((run) => run.planMs)),
      resources: runs[0]!.resources,
      maxRssMiB: Math.max(...runs.map((run) => run.maxRssMiB)),
    });
  }

  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });

  console.log(
    `floor (fresh process loading @pulumi/pulumi and @pulumi/aws): ${floor.toFixed(0)} ms (median of ${repeats})`,
  );
  console.log("");
  console.log("domains  resources  wall ms  x floor  in-process plan ms  peak RSS MiB");
  for (const row of rows) {
    console.log(
      `${String(row.domains).padStart(7)}  ${String(row.resources).padStart(9)}  ${row.wallMs.toFixed(0).padStart(7)}  ${(row.wallMs / floor).toFixed(2).padStart(7)}  ${row.planMs.toFixed(0).padStart(18)}  ${row.maxRssMiB.toFixed(0).padStart(12)}`,
    );
  }
  const [one, ten, forty] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  const perDomainLow = (ten.wallMs - one.wallMs) / 9;
  const perDomainHigh = (forty.wallMs - ten.wallMs) / 30;
  console.log("");
  console.log(
    `marginal cost per domain: ${perDomainLow.toFixed(1)} ms (1->10), ${perDomainHigh.toFixed(1)} ms (10->40); as ratio to floor ${(perDomainLow / floor).toFixed(4)} and ${(perDomainHigh / floor).toFixed(4)}`,
  );
  console.log(
    `flatness (10->40 per-domain cost / 1->10 per-domain cost): ${perDomainLow > 0 ? (perDomainHigh / perDomainLow).toFixed(2) : "n/a (no measurable per-domain cost)"}`,
  );
  const ratio40 = forty.wallMs / floor;
  const peak = Math.max(...rows.map((row) => row.maxRssMiB));
  console.log(`target 40 domains < 3x floor: ${ratio40.toFixed(2)}x ${ratio40 < 3 ? "met" : "MISSED"}`);
  console.log(`target peak memory < 1024 MiB: ${peak.toFixed(0)} MiB ${peak < 1024 ? "met" : "MISSED"}`);
}

main();

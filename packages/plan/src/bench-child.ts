import { runPlan } from "./plan";

// One measured plan in a fresh process; prints its own timing and peak memory as JSON.
async function measure(): Promise<void> {
  const [stack, projectDir, configFile, domainsDir] = process.argv.slice(2);
  const started = performance.now();
  const { document } = await runPlan({ stack: stack!, projectDir: projectDir!, configFile, domainsDir });
  const planMs = performance.now() - started;
  console.log(
    JSON.stringify({ planMs, resources: document.resources.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

measure().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

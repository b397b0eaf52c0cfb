import * as pulumi from "@pulumi/pulumi";
import { setMocks, type Harness, type HarnessOptions } from "./harness";
import { secretMarker, toPlain, unknownMarker } from "./serialize";

export interface ProgramRun {
  harness: Harness;
  /** Stack outputs as plain JSON: secrets "[secret]", unknowns "[unknown]". */
  outputs: Record<string, unknown>;
}

/**
 * What a Pulumi Node.js program module exports: a function (called for the
 * stack outputs, as the Node.js language host does) or the outputs themselves.
 */
export type ProgramExports = (() => unknown) | Record<string, unknown> | undefined;

async function plainOutput(value: unknown): Promise<unknown> {
  const output = pulumi.output(value) as unknown as {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(): Promise<unknown>;
  };
  if (await output.isSecret) return secretMarker;
  if (!(await output.isKnown)) return unknownMarker;
  return toPlain(await output.promise());
}

/**
 * Runs a program the way `pulumi up` does - inside a root `pulumi:pulumi:Stack` -
 * under the mock harness. `load` is called after the mocks are installed, so the
 * program module may be imported inside it.
 */
export async function runProgram(
  load: () => ProgramExports | Promise<ProgramExports>,
  options: HarnessOptions = {},
): Promise<ProgramRun> {
  const run = await runProgramSettled(load, options);
  if (run.error !== undefined) throw run.error;
  return run;
}

/**
 * Like `runProgram`, but a program error is returned with the harness instead of
 * thrown, so a test can see what was registered before the failure.
 */
export async function runProgramSettled(
  load: () => ProgramExports | Promise<ProgramExports>,
  options: HarnessOptions = {},
): Promise<ProgramRun & { error?: unknown }> {
  const harness = await setMocks(options);
  let exported: unknown;
  let failure: unknown;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      // A program error is kept and rethrown after the run settles, so it never
      // becomes an unhandled rejection inside the SDK's stack resource.
      try {
        const program = await load();
        exported = typeof program === "function" ? await program() : program;
      } catch (error) {
        failure = error;
        return undefined;
      }
      return exported as Record<string, unknown> | undefined;
    });
  } catch (error) {
    failure ??= error;
  }
  await harness.settle();
  if (failure !== undefined) return { harness, outputs: {}, error: failure };
  const outputs: Record<string, unknown> = {};
  if (exported && typeof exported === "object") {
    for (const key of Object.keys(exported).sort())
      outputs[key] = await plainOutput((exported as Record<string, unknown>)[key]);
  }
  return { harness, outputs };
}

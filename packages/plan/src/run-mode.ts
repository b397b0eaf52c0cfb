import { require as tsxRequire } from "tsx/cjs/api";
import { commandLine, ConfigError } from "@data-platform/config";
import { runProgramSettled, type ProgramExports } from "@data-platform/testing";
import { schemaVersion, summarise, toPlanResource, type PlanDocument } from "./document";

export type PlanMode = "resolved" | "preview";

/** Everything one run of a program needs; plain data, so it can cross to a worker thread. */
export interface ModeRun {
  mode: PlanMode;
  entry: string;
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys: string[];
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Keep full stack traces while the program runs (slower). */
  stackTraces?: boolean;
}

/**
 * The SDK captures a stack trace for every resource and promise, which is most of
 * a large plan's time. Captures are off during the run unless `stackTraces` asks
 * for them (to debug a failing program); the SDK still raises the limit where it
 * records source positions.
 */
const planStackTraceLimit = 0;

// The SDK asks for unlimited frames when it records source positions, which the plan does not report.
const formattedFrames = 12;

function plainStackTrace(error: Error, frames: NodeJS.CallSite[]): string {
  return `${String(error)}${frames
    .slice(0, formattedFrames)
    .map((frame) => `\n    at ${String(frame)}`)
    .join("")}`;
}

export interface ModeResult {
  document: PlanDocument;
  /** Inputs with secret values in clear, by URN (for policies only; never written out). */
  revealedInputs: ReadonlyMap<string, Record<string, unknown>>;
}

/** Runs the program once under the mock harness and returns its plan document (without policy findings). */
export async function runMode(run: ModeRun): Promise<ModeResult> {
  // Mapping every captured stack through source maps (on under tsx) is costly too,
  // so traces are formatted plainly while the program runs.
  const prepareStackTrace = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  if (!run.stackTraces) {
    Error.prepareStackTrace = plainStackTrace;
    Error.stackTraceLimit = planStackTraceLimit;
  }
  try {
    const result = await runProgramSettled(() => tsxRequire(run.entry, __filename) as ProgramExports, {
      mode: run.mode,
      project: run.project,
      stack: run.stack,
      config: run.config,
      secretKeys: run.secretKeys,
      stackReferences: run.stackReferences,
    });
    const unanswered = [...new Set(result.harness.unansweredStackReferences)];
    if (unanswered.length > 0) {
      // The program reads another stack's outputs; offline, a platform plan JSON stands in for that stack.
      const message = `the program reads stack ${unanswered.map((name) => `"${name}"`).join(", ")} through a StackReference: give --platform-plan <file>, a plan of that stack written by npm run plan -- --stack <stage> --json <file>`;
      throw new ConfigError([{ file: commandLine, path: "--platform-plan", message }], "Invalid input");
    }
    if (result.error !== undefined) throw result.error;
    // Code-point order: deterministic, and far cheaper than locale-aware comparison.
    const resources = result.harness.registrations
      .map(toPlanResource)
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    return {
      document: {
        schemaVersion,
        project: run.project,
        stack: run.stack,
        mode: run.mode,
        resources,
        outputs: result.outputs,
        policy: { violations: [] },
        summary: summarise(resources),
      },
      revealedInputs: new Map(
        result.harness.registrations.map((registration) => [registration.urn, registration.revealedInputs]),
      ),
    };
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

import { setMocks, type Harness, type MockMode, type Registration } from "@data-platform/testing";
import type { PlatformClusterArgs } from "../args";
import { PlatformCluster } from "../platformCluster";
import type { PolicyDocument } from "../policies";
import { prodArgs } from "./args";

export const account = "123456789012";

/** Constructs a PlatformCluster under the shared harness; `use` runs the helpers other components would call. */
export async function build(
  args: PlatformClusterArgs = prodArgs(),
  options: { mode?: MockMode; use?: (cluster: PlatformCluster) => void } = {},
): Promise<{ harness: Harness; cluster: PlatformCluster }> {
  const harness = await setMocks({ mode: options.mode ?? "resolved", stack: args.stage, accountId: account });
  const cluster = new PlatformCluster("platform", args);
  options.use?.(cluster);
  await harness.settle();
  return { harness, cluster };
}

export const parse = (registration: Registration, key = "policy"): PolicyDocument =>
  JSON.parse(registration.inputs[key] as string) as PolicyDocument;

export const keyArn = (key: Registration): string => `arn:aws:kms:eu-west-1:${account}:key/${key.id}`;

import { isConfigError, type ConfigError } from "@data-platform/config";
import { resolveOutput, runProgramSettled, setMocks } from "@data-platform/testing";
import { describe, expect, it } from "vitest";
import { contractVersion, type PlatformContract } from "./contract";
import { checkContract, PlatformContractError, PlatformReference, required, selectDomain } from "./reference";

const contract = {
  contractVersion,
  stage: "dev",
  region: "eu-west-1",
  network: { vpcId: "vpc-1", privateSubnetIds: ["subnet-1"] },
  lake: { domains: {} },
  spark: null,
  domains: {
    orders: {
      name: "orders",
      owner: "orders-data",
      contact: "orders-data@example.com",
      costCentre: "CC-1010",
      zones: ["raw"],
      storage: {
        keyArn: "arn:aws:kms:eu-west-1:1:key/k",
        zones: { raw: { bucket: { name: "b", arn: "arn:aws:s3:::b" }, database: "orders_raw" } },
      },
      workflow: null,
      sparkTemplateParameter: null,
    },
  },
} as unknown as PlatformContract;

describe("checkContract", () => {
  it("accepts this contract version and names the stack when it differs or is missing", () => {
    expect(checkContract("acme/data-platform/dev", contract as unknown as Record<string, unknown>).stage).toBe("dev");
    expect(() =>
      checkContract("acme/data-platform/dev", { ...contract, contractVersion: 0 } as unknown as Record<
        string,
        unknown
      >),
    ).toThrow('platform stack "acme/data-platform/dev" speaks contract version 0; this program needs version 1');
    expect(() => checkContract("other", {})).toThrow(/exports no contractVersion/);
  });
});

describe("PlatformReference", () => {
  it("reads a domain's storage through typed getters", async () => {
    await setMocks({ stackReferences: { "acme/data-platform/dev": contract as unknown as Record<string, unknown> } });
    const platform = new PlatformReference("platform", { stackName: "acme/data-platform/dev" });
    expect(await resolveOutput(platform.domain("orders").database("raw"))).toBe("orders_raw");
  });

  it("fails with a clear error for a domain the stage lacks, or a part the domain lacks", () => {
    expect(() => selectDomain(contract, "acme/data-platform/dev", "payments")).toThrow(
      'platform stack "acme/data-platform/dev" has no domain "payments"; its domains: orders',
    );
    expect(selectDomain(contract, "acme/data-platform/dev", "orders").name).toBe("orders");
    expect(() => required(contract.domains["orders"]!.workflow, 'domain "orders" has no workflow environment')).toThrow(
      PlatformContractError,
    );
  });
});

describe("PlatformReference.read", () => {
  it("returns the contract as plain values, to check configuration before any resource", async () => {
    await setMocks({ stackReferences: { "acme/data-platform/dev": contract as unknown as Record<string, unknown> } });
    const platform = new PlatformReference("platform", { stackName: "acme/data-platform/dev" });
    const read = await platform.read();
    expect(read.stage).toBe("dev");
    expect(Object.keys(read.domains)).toEqual(["orders"]);
  });

  it("refuses a stack that is not a data-platform stack", async () => {
    await setMocks({ stackReferences: { "acme/other/dev": { vpcId: "vpc-1" } } });
    await expect(new PlatformReference("platform", { stackName: "acme/other/dev" }).read()).rejects.toThrow(
      /exports no contractVersion/,
    );
  });

  it("reads every output before a program registers anything", async () => {
    let read: unknown;
    const result = await runProgramSettled(
      () => async () => {
        read = await new PlatformReference("platform", { stackName: "acme/data-platform/dev" }).read();
      },
      { stackReferences: { "acme/data-platform/dev": contract as unknown as Record<string, unknown> } },
    );
    expect(result.error).toBeUndefined();
    expect(read).toMatchObject({ contractVersion, domains: contract.domains });
  });

  it.each([
    [
      { ...contract, contractVersion: 2 },
      'platform stack acme/data-platform/dev: contractVersion: platform stack "acme/data-platform/dev" speaks contract version 2; this program needs version 1',
    ],
    [
      { contractVersion },
      'platform stack acme/data-platform/dev: domains: platform stack "acme/data-platform/dev" exports no domains',
    ],
  ])("fails with an input error naming the stack and the output (%#)", async (outputs, line) => {
    const result = await runProgramSettled(
      () => async () => {
        await new PlatformReference("platform", { stackName: "acme/data-platform/dev" }).read();
      },
      { stackReferences: { "acme/data-platform/dev": outputs as unknown as Record<string, unknown> } },
    );
    expect(isConfigError(result.error)).toBe(true);
    expect((result.error as ConfigError).message.split("\n")).toEqual([
      "Invalid platform reference (1 problem):",
      line,
    ]);
  });
});

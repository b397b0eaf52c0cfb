import { describe, expect, it } from "vitest";
import { domainStackConfigProblems, domainStackSchema, fargateSizeProblem } from "./domain-stack";

describe("Fargate task sizes (ECS documented table)", () => {
  it.each([
    ["256", "512"],
    ["256", "2048"],
    ["512", "4096"],
    ["1024", "8192"],
    ["2048", "16384"],
    ["4096", "30720"],
    ["8192", "16384"],
    ["8192", "61440"],
    ["16384", "122880"],
  ])("accepts cpu %s with memory %s", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toBeUndefined();
  });

  it.each([
    ["256", "4096", /memory must be 512, 1024, 2048/],
    ["512", "512", /memory must be 1024, 2048, 3072, 4096/],
    ["1024", "1024", /memory must be 2048, .*8192/],
    ["4096", "32768", /8192 to 30720 in steps of 1024/],
    ["8192", "17408", /16384 to 61440 in steps of 4096/],
    ["16384", "36864", /32768 to 122880 in steps of 8192/],
    ["2048", "4100", /4096 to 16384 in steps of 1024/],
  ])("refuses cpu %s with memory %s", (cpu, memory, message) => {
    expect(fargateSizeProblem(cpu, memory)).toMatch(message);
  });
});

describe("domain stack config problems", () => {
  const parse = (values: Record<string, unknown>) =>
    domainStackSchema.parse({ domain: "orders", platformStack: "acme/data-platform/dev", ...values });

  it("names the file and key of an invalid cpu/memory pair", () => {
    const config = parse({ jobs: { export: { repository: "jobs", tag: "1.0.0", cpu: "256", memory: "4096" } } });
    expect(domainStackConfigProblems(config, "Pulumi.orders-dev.yaml")).toEqual([
      {
        file: "Pulumi.orders-dev.yaml",
        path: "data-domain:jobs.export.memory",
        message: expect.stringMatching(/Fargate does not run cpu 256 with memory 4096 MiB/),
      },
    ]);
  });

  it("refuses the producing domain and duplicates among consumers", () => {
    const config = parse({ products: { orders: { consumers: ["orders", "logistics", "logistics"] } } });
    expect(domainStackConfigProblems(config, "f.yaml").map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'data-domain:products.orders.consumers: "orders" is the producing domain itself',
      'data-domain:products.orders.consumers: "logistics" is listed twice',
    ]);
  });

  it("takes zone, description, classification and consumers from the registry unless given", () => {
    const config = parse({ products: { orders: {} } });
    expect(config.products["orders"]).toEqual({});
  });
});

import { domainStackSchema, type DomainStackConfig } from "@data-platform/config";
import type { DomainContract, PlatformContract } from "@data-platform/platform-contract";
import { describe, expect, it } from "vitest";
import { domainStackProblems, readerRoles, resolveProducts, stageOf } from "./checks";

const workflow = (domain: string) =>
  ({
    domain,
    mwaa: {
      name: `dp-dev-${domain}`,
      arn: "arn",
      webserverUrl: "url",
      executionRoleArn: `arn:aws:iam::123456789012:role/dp-dev-${domain}-airflow`,
    },
    dagBucket: {
      name: `dp-dev-${domain}-dags`,
      arn: "arn",
      dagsPath: "dags/",
      pluginsPath: "plugins.zip",
      requirementsPath: null,
      startupScriptPath: null,
    },
    ecrRepositoryUrls: { jobs: "url/jobs", spark: "url/spark" },
    secretsPrefix: `dp/dev/${domain}/`,
    sparkTemplateParameter: null,
    ecs: null,
  }) as DomainContract["workflow"];

function domain(name: string, overrides: Partial<DomainContract> = {}): DomainContract {
  return {
    name,
    owner: `${name}-data`,
    contact: `${name}@example.com`,
    costCentre: "CC-1",
    zones: ["analytics"],
    storage: {
      keyArn: "key",
      zones: { analytics: { bucket: { name: `dp-dev-${name}-analytics`, arn: "arn" }, database: `${name}_analytics` } },
    },
    workflow: workflow(name),
    sparkTemplateParameter: null,
    dataProducts: [{ name: "menu_items", description: "Menus.", zone: "analytics", classification: "internal" }],
    readerRoleArns: {
      airflow: `arn:aws:iam::123456789012:role/dp-dev-${name}-airflow`,
      spark: `arn:aws:iam::123456789012:role/dp-dev-${name}-spark-ec2`,
    },
    ...overrides,
  };
}

const contract = (domains: Record<string, DomainContract>, stage = "dev") =>
  ({ contractVersion: 1, stage, region: "eu-west-1", domains }) as unknown as PlatformContract;

function config(values: Record<string, unknown>, stack = "restaurants-dev"): DomainStackConfig {
  return {
    ...domainStackSchema.parse({ domain: "restaurants", platformStack: "acme/data-platform/dev", ...values }),
    stack,
    file: "Pulumi.restaurants-dev.yaml",
  };
}

const messages = (problems: { path: string; message: string }[]) =>
  problems.map((problem) => `${problem.path}: ${problem.message}`);

describe("the domain stack's checks against the platform contract", () => {
  it("derives the stage from the stack name unless data-domain:stage says it", () => {
    expect(stageOf(config({}))).toBe("dev");
    expect(stageOf(config({ stage: "prod" }))).toBe("prod");
    expect(stageOf(config({}, "restaurants"))).toBeUndefined();
    expect(
      messages(domainStackProblems(config({}, "menus"), contract({ restaurants: domain("restaurants") }), [])),
    ).toEqual([
      'data-domain:stage: cannot tell this stack\'s stage: name the stack <domain>-<stage> (it is "menus") or set data-domain:stage',
    ]);
  });

  it("accepts a domain without a Fargate runner that declares no jobs", () => {
    expect(
      domainStackProblems(
        config({ products: { menu_items: { consumers: ["orders"] } } }),
        contract({ restaurants: domain("restaurants"), orders: domain("orders") }),
        ["menus.py"],
      ),
    ).toEqual([]);
  });

  it("refuses DAGs without Airflow and a product from a platform that does not export registered products", () => {
    const noAirflow = domain("restaurants", { workflow: null });
    expect(messages(domainStackProblems(config({}), contract({ restaurants: noAirflow }), ["menus.py"]))).toEqual([
      'data-domain:dagsDir: 1 DAG file(s) but domain "restaurants" has no Airflow in stage "dev" (needs.workflow.enabled in stacks/platform/domains/restaurants.yaml)',
    ]);
    const older = { ...domain("restaurants") } as Partial<DomainContract>;
    delete older.dataProducts;
    expect(
      messages(
        domainStackProblems(
          config({ products: { menu_items: {} } }),
          contract({ restaurants: older as DomainContract }),
          [],
        ),
      )[0],
    ).toMatch(/does not export the domain's registered data products/);
  });

  it("refuses a consumer with no role that reads data, and a classification other than the registered one", () => {
    const bare = domain("payments", { workflow: null, readerRoleArns: {} });
    expect(
      messages(
        domainStackProblems(
          config({ products: { menu_items: { consumers: ["payments"], classification: "public" } } }),
          contract({ restaurants: domain("restaurants"), payments: bare }),
          [],
        ),
      ),
    ).toEqual([
      'data-domain:products.menu_items.classification: must be "internal", as stacks/platform/domains/restaurants.yaml classifies it',
      'data-domain:products.menu_items.consumers[0]: "payments" has no role that reads data in stage "dev" (no Airflow, Spark or Fargate)',
    ]);
  });

  it("grants a consumer's reading roles, or its Airflow role on platforms that predate readerRoleArns", () => {
    expect(readerRoles(domain("orders"))).toEqual({
      airflow: "arn:aws:iam::123456789012:role/dp-dev-orders-airflow",
      spark: "arn:aws:iam::123456789012:role/dp-dev-orders-spark-ec2",
    });
    const older = { ...domain("orders") } as Partial<DomainContract>;
    delete older.readerRoleArns;
    expect(readerRoles(older as DomainContract)).toEqual({
      airflow: "arn:aws:iam::123456789012:role/dp-dev-orders-airflow",
    });
  });

  it("completes products from the registry entry; a platform that exports no consumers leaves the stack file's to the product", () => {
    expect(
      resolveProducts(
        config({ products: { menu_items: { consumers: ["orders"] } } }),
        contract({ restaurants: domain("restaurants"), orders: domain("orders") }),
      ),
    ).toEqual([
      {
        name: "menu_items",
        description: "Menus.",
        zone: "analytics",
        classification: "internal",
        consumers: ["orders"],
        grantedBy: "product",
      },
    ]);
  });

  it("takes consumers from the registry (the one list, granted by the platform), those enabled in the stage; the key may only repeat them", () => {
    const restaurants = domain("restaurants", {
      dataProducts: [
        {
          name: "menu_items",
          description: "Menus.",
          zone: "analytics",
          classification: "internal",
          consumers: ["payments", "orders"],
        },
      ],
    });
    const platform = contract({ restaurants, orders: domain("orders") });
    for (const products of [{ menu_items: {} }, { menu_items: { consumers: ["orders"] } }]) {
      expect(domainStackProblems(config({ products }), platform, [])).toEqual([]);
      expect(resolveProducts(config({ products }), platform)).toEqual([
        {
          name: "menu_items",
          description: "Menus.",
          zone: "analytics",
          classification: "internal",
          consumers: ["orders"],
          grantedBy: "platform",
        },
      ]);
    }
    expect(
      messages(
        domainStackProblems(config({ products: { menu_items: { consumers: ["orders", "logistics"] } } }), platform, []),
      ),
    ).toEqual([
      'data-domain:products.menu_items.consumers: must be [orders], the consumers stacks/platform/domains/restaurants.yaml lists for "menu_items" that stage "dev" enables (not among them: "logistics"): change dataProducts[].consumers there (the platform grants them), or leave this key out',
    ]);
    // A registry that shares the product with nobody: no consumers, and a listed one is refused.
    const unshared = contract({
      restaurants: domain("restaurants", {
        dataProducts: [
          { name: "menu_items", description: "Menus.", zone: "analytics", classification: "internal", consumers: [] },
        ],
      }),
      orders: domain("orders"),
    });
    expect(resolveProducts(config({ products: { menu_items: {} } }), unshared)[0]?.consumers).toEqual([]);
    expect(
      messages(domainStackProblems(config({ products: { menu_items: { consumers: ["orders"] } } }), unshared, []))[0],
    ).toMatch(/consumers: must be \[\], the consumers/);
  });
});

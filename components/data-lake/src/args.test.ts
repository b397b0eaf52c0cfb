import { describe, expect, it } from "vitest";
import { dataLakeDomainProblems } from "./args";

describe("dataLakeDomainProblems", () => {
  it("names the domain's zones when a data product lives in a zone the domain does not use", () => {
    const problems = dataLakeDomainProblems([
      {
        name: "orders",
        zones: ["raw"],
        dataProducts: [{ name: "orders", zone: "analytics", classification: "confidential" }],
      },
      {
        name: "payments",
        zones: ["raw", "analytics"],
        dataProducts: [{ name: "payments", zone: "analytics", classification: "internal" }],
      },
    ]);
    expect(problems).toEqual([
      {
        path: "domains.orders.zones",
        message: 'domain "orders": data product "orders" is in zone "analytics", which the domain does not use',
      },
    ]);
  });

  it("files name problems under the domain and an empty zone list under its zones", () => {
    expect(
      dataLakeDomainProblems([
        { name: "central", zones: [] },
        { name: "central", zones: ["raw"] },
      ]),
    ).toEqual([
      { path: "domains.central", message: 'domain "central": the name is reserved for the platform\'s own zones' },
      { path: "domains.central.zones", message: 'domain "central": zones must not be empty' },
      { path: "domains.central", message: 'domain "central": the name is reserved for the platform\'s own zones' },
      { path: "domains.central", message: 'domain "central" is listed twice' },
    ]);
  });
});

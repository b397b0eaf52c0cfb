import { describe, expect, it } from "vitest";
import { charts, type ChartId } from "./charts";
import { chartDefaults, helmMerge, validateAgainstSchemaFile, validateChartValues } from "./values";

describe("helmMerge", () => {
  it("merges maps, replaces lists and scalars, and deletes keys set to null", () => {
    expect(helmMerge({ a: { b: 1, c: [1, 2], d: "x" }, e: 1 }, { a: { b: 2, c: [3], d: null }, f: true })).toEqual({
      a: { b: 2, c: [3] },
      e: 1,
      f: true,
    });
  });
});

describe("validateChartValues", () => {
  it.each(Object.keys(charts).filter((id) => charts[id as ChartId].hasDefaults) as ChartId[])(
    "accepts %s's own defaults",
    (id) => {
      expect(Object.keys(chartDefaults(id)).length).toBeGreaterThan(0);
      expect(validateChartValues(id, {})).toEqual([]);
    },
  );

  it("names a misspelled key in a strict derived schema", () => {
    expect(
      validateChartValues("awsLoadBalancerController", { clusterName: "c", serviceAcount: { create: false } }),
    ).toEqual(['/: unknown key "serviceAcount"']);
  });

  it("validates against the upstream z2jh schema after merging over the defaults", () => {
    expect(
      validateChartValues("jupyterhub", { hub: { config: { JupyterHub: { authenticator_class: "github" } } } }),
    ).toEqual([]);
    expect(validateChartValues("jupyterhub", { hub: { nodeSelector: "not-a-map" } }).join("\n")).toMatch(
      /\/hub\/nodeSelector/,
    );
  });
});

describe("validateAgainstSchemaFile", () => {
  it("checks the URI format of Privacera's policy service URL, without warnings", () => {
    const properties = { "access-control.name": "privacera-starburst", "ranger.service-name": "privacera_starburst" };
    expect(
      validateAgainstSchemaFile("privacera/sep-access-control-properties.schema.json", {
        ...properties,
        "ranger.policy-rest-url": "https://privacera-ranger.privacera.svc.cluster.local:6182",
      }),
    ).toEqual([]);
    expect(
      validateAgainstSchemaFile("privacera/sep-access-control-properties.schema.json", {
        ...properties,
        "ranger.policy-rest-url": "https://bad host:6182",
      }),
    ).not.toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import {
  classifications,
  defaultAirflowVersion,
  defaultMwaaEnvironmentClass,
  isLogRetentionDays,
  logRetentionDays,
  mwaaAirflowVersions,
  mwaaEnvironmentClasses,
} from "./vocabulary";

describe("shared vocabulary", () => {
  it("defaults are members of their lists", () => {
    expect(mwaaAirflowVersions).toContain(defaultAirflowVersion);
    expect(mwaaEnvironmentClasses).toContain(defaultMwaaEnvironmentClass);
  });

  it("lists have no duplicates", () => {
    for (const list of [
      mwaaAirflowVersions,
      mwaaEnvironmentClasses,
      classifications,
      logRetentionDays,
    ] as readonly (readonly unknown[])[]) {
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it("accepts only CloudWatch Logs retention periods", () => {
    expect(isLogRetentionDays(365)).toBe(true);
    expect(isLogRetentionDays(3653)).toBe(true);
    expect(isLogRetentionDays(364)).toBe(false);
    expect(isLogRetentionDays(0)).toBe(false);
  });
});

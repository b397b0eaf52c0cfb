import { describe, expect, it } from "vitest";
import { eksStandardSupportEnds, eksVersionProblem } from "./eks-versions";

describe("EKS standard support", () => {
  const day = (date: string) => new Date(`${date}T12:00:00Z`);

  it("accepts a version until the day its standard support ends (UTC), and refuses it from that day", () => {
    expect(eksVersionProblem("1.33", day("2026-07-28"))).toBeUndefined();
    expect(eksVersionProblem("1.33", new Date("2026-07-29T00:00:00Z"))).toMatch(
      /standard support for Kubernetes 1\.33 ended on 2026-07-29.*use 1\.34 or 1\.35/,
    );
  });

  it("on 2026-12-05 only 1.35 is in standard support (1.34 ended on 2026-12-02)", () => {
    const now = day("2026-12-05");
    expect(
      Object.keys(eksStandardSupportEnds).filter((version) => eksVersionProblem(version, now) === undefined),
    ).toEqual(["1.35"]);
    expect(eksVersionProblem("1.34", now)).toMatch(/ended on 2026-12-02.*use 1\.35$/);
  });

  it("accepts a version newer than the calendar, refuses an older one it does not list", () => {
    expect(eksVersionProblem("1.36", day("2026-12-05"))).toBeUndefined();
    expect(eksVersionProblem("1.28", day("2026-12-05"))).toMatch(
      /not in the EKS release calendar; versions in standard support on 2026-12-05: 1\.35/,
    );
  });
});

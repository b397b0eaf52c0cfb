/**
 * End of Amazon EKS standard support per Kubernetes minor version (UTC dates), from the Amazon EKS Kubernetes
 * release calendar: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 * (1.35: released on EKS on 2026-01-27, standard support for 14 months). Extended support bills "from the beginning of
 * the day that the version reaches end of standard support"; a cluster whose upgrade policy is STANDARD is then
 * upgraded by EKS, and the pinned version drifts from the program. Add a row when EKS releases a version.
 */
export const eksStandardSupportEnds: Readonly<Record<string, string>> = {
  "1.29": "2025-03-23",
  "1.30": "2025-07-23",
  "1.31": "2025-11-26",
  "1.32": "2026-03-23",
  "1.33": "2026-07-29",
  "1.34": "2026-12-02",
  "1.35": "2027-03-27",
};

const minor = (version: string): number => Number(version.split(".")[1]);

/**
 * Why `version` may not be deployed on `now`, or undefined: a version must be in EKS standard support. A version
 * newer than every row of the calendar is accepted (EKS refuses it if it is not released yet).
 */
export function eksVersionProblem(version: string, now: Date): string | undefined {
  const known = Object.keys(eksStandardSupportEnds).sort((a, b) => minor(a) - minor(b));
  const supported = known.filter(
    (candidate) => now.getTime() < Date.parse(`${eksStandardSupportEnds[candidate]}T00:00:00Z`),
  );
  const end = eksStandardSupportEnds[version];
  if (end === undefined) {
    if (minor(version) > minor(known[known.length - 1]!)) return undefined;
    return `Kubernetes ${version} is not in the EKS release calendar; versions in standard support on ${now.toISOString().slice(0, 10)}: ${supported.join(", ") || "none known"}`;
  }
  if (now.getTime() < Date.parse(`${end}T00:00:00Z`)) return undefined;
  return `EKS standard support for Kubernetes ${version} ended on ${end} (the cluster would bill extended support, or be upgraded by EKS); use ${supported.join(" or ") || "a newer version"}`;
}

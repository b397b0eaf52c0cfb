/**
 * Vocabulary shared by the stage configuration (which parses it) and the components (which check their own
 * arguments against it): one list per notion, imported by both.
 */

/** MWAA environment classes (CreateEnvironment's EnvironmentClass). */
export const mwaaEnvironmentClasses = [
  "mw1.micro",
  "mw1.small",
  "mw1.medium",
  "mw1.large",
  "mw1.xlarge",
  "mw1.2xlarge",
] as const;
export type MwaaEnvironmentClass = (typeof mwaaEnvironmentClasses)[number];
/** The class an environment gets when none is given. */
export const defaultMwaaEnvironmentClass: MwaaEnvironmentClass = "mw1.small";

/**
 * Airflow versions MWAA creates environments with: "Valid values: 2.7.2, 2.8.1, 2.9.2, 2.10.1, 2.10.3, 2.11.0,
 * and 3.0.6" (CreateEnvironment API reference, as generated into aws/aws-sdk-go-v2 service/mwaa
 * api_op_CreateEnvironment.go at commit 058d9848ce2d1cb449f2b7a96b8d8cde6de44c02). MWAA ended support for 2.4.3,
 * 2.5.1 and 2.6.3 on 2025-12-30 (https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html).
 * Update this list from that page when MWAA adds or retires a version.
 */
export const mwaaAirflowVersions = ["2.7.2", "2.8.1", "2.9.2", "2.10.1", "2.10.3", "2.11.0", "3.0.6"] as const;
export type MwaaAirflowVersion = (typeof mwaaAirflowVersions)[number];
/** The Airflow version an environment gets when none is given. */
export const defaultAirflowVersion: MwaaAirflowVersion = "2.10.3";

/** Data classifications: a product's, and the values of the lake's `classification` LF-Tag. */
export const classifications = ["public", "internal", "confidential", "restricted"] as const;
export type Classification = (typeof classifications)[number];

/**
 * Retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy's retentionInDays "Valid Values";
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof logRetentionDays)[number];

/** Whether `days` is a retention period CloudWatch Logs accepts. */
export function isLogRetentionDays(days: number): days is LogRetentionDays {
  return (logRetentionDays as readonly number[]).includes(days);
}

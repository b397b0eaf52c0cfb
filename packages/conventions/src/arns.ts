/** ARN helpers for plain strings. Use `pulumi.interpolate` around them for Outputs. */
export interface ArnParts {
  partition?: string;
  service: string;
  region?: string;
  account?: string;
  resource: string;
}

export function arn({ partition = "aws", service, region = "", account = "", resource }: ArnParts): string {
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

export function s3BucketArn(bucket: string, partition = "aws"): string {
  return arn({ partition, service: "s3", resource: bucket });
}

/** Objects of a bucket, optionally under a prefix (`prefix/*`). */
export function s3ObjectsArn(bucket: string, prefix = "", partition = "aws"): string {
  const cleaned = prefix.replace(/^\/+|\/+$/g, "");
  return arn({ partition, service: "s3", resource: cleaned ? `${bucket}/${cleaned}/*` : `${bucket}/*` });
}

export function iamRoleArn(account: string, roleName: string, partition = "aws", path = "/"): string {
  return arn({ partition, service: "iam", account, resource: `role${path}${roleName}` });
}

export function glueCatalogArn(region: string, account: string, partition = "aws"): string {
  return arn({ partition, service: "glue", region, account, resource: "catalog" });
}

export function glueDatabaseArn(region: string, account: string, database: string, partition = "aws"): string {
  return arn({ partition, service: "glue", region, account, resource: `database/${database}` });
}

/** All tables of a Glue database (`table/<db>/*`), or one table. */
export function glueTableArn(
  region: string,
  account: string,
  database: string,
  table = "*",
  partition = "aws",
): string {
  return arn({ partition, service: "glue", region, account, resource: `table/${database}/${table}` });
}

export function kmsKeyArn(region: string, account: string, keyId: string, partition = "aws"): string {
  return arn({ partition, service: "kms", region, account, resource: `key/${keyId}` });
}

export function logGroupArn(region: string, account: string, logGroupName: string, partition = "aws"): string {
  return arn({ partition, service: "logs", region, account, resource: `log-group:${logGroupName}` });
}

const arnPattern = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** Splits an ARN into its parts; throws on anything that is not an ARN. */
export function parseArn(value: string): Required<ArnParts> {
  const match = arnPattern.exec(value);
  if (!match) throw new Error(`not an ARN: "${value}"`);
  return { partition: match[1], service: match[2], region: match[3], account: match[4] ?? "", resource: match[5] };
}

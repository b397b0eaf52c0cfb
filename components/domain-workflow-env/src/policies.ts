import {
  policyDocument as document,
  serviceTrustPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from "@data-platform/aws-blocks";

export interface WorkflowPolicyInput {
  partition: string;
  region: string;
  accountId: string;
  environmentName: string;
  dagBucketArn: string;
  keyArn: string;
  /** Secrets Manager prefix the domain's pipelines may read: `<prefix>/<stage>/<domain>/`. */
  secretsPrefix: string;
  /** ECS: the domain's cluster, task definition family prefix and the roles tasks run with. */
  ecs?: { clusterArn: string; taskDefinitionFamilyPrefix: string; passRoleArns: string[]; logGroupArn: string };
}

/** Trust of the MWAA execution role. */
export function mwaaTrust(accountId: string): PolicyDocument {
  return serviceTrustPolicy(["airflow.amazonaws.com", "airflow-env.amazonaws.com"], { sourceAccount: accountId });
}

/** Trust of ECS task and task execution roles. */
export function ecsTasksTrust(accountId: string, clusterArnPattern: string): PolicyDocument {
  return serviceTrustPolicy("ecs-tasks.amazonaws.com", { sourceAccount: accountId, sourceArn: clusterArnPattern });
}

/**
 * What the domain's Airflow needs beyond the lake and Spark grants: its
 * environment's own plumbing (DAG bucket, logs, Celery queues, metrics), its
 * secrets prefix, and running its own ECS tasks with only its own roles.
 */
export function executionPolicy(input: WorkflowPolicyInput): PolicyDocument {
  const arn = (service: string, resource: string, region = input.region) =>
    `arn:${input.partition}:${service}:${region}:${input.accountId}:${resource}`;
  const statements: PolicyStatement[] = [
    {
      Sid: "PublishMetrics",
      Effect: "Allow",
      Action: "airflow:PublishMetrics",
      Resource: arn("airflow", `environment/${input.environmentName}`),
    },
    {
      Sid: "ReadDags",
      Effect: "Allow",
      Action: ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
      Resource: [input.dagBucketArn, `${input.dagBucketArn}/*`],
    },
    {
      Sid: "DenyAccountPublicAccessBlockRead",
      Effect: "Deny",
      Action: "s3:ListAllMyBuckets",
      Resource: [input.dagBucketArn, `${input.dagBucketArn}/*`],
    },
    {
      Sid: "EnvironmentLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogStream",
        "logs:CreateLogGroup",
        "logs:PutLogEvents",
        "logs:GetLogEvents",
        "logs:GetLogRecord",
        "logs:GetLogGroupFields",
        "logs:GetQueryResults",
      ],
      Resource: arn("logs", `log-group:airflow-${input.environmentName}-*`),
    },
    // These two have no resource-level scope.
    { Sid: "DescribeLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
    {
      Sid: "CeleryQueues",
      Effect: "Allow",
      Action: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
      ],
      Resource: `arn:${input.partition}:sqs:${input.region}:*:airflow-celery-*`,
    },
    {
      Sid: "EnvironmentKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Encrypt"],
      Resource: input.keyArn,
      Condition: {
        StringEquals: {
          "kms:ViaService": [
            `sqs.${input.region}.amazonaws.com`,
            `s3.${input.region}.amazonaws.com`,
            `secretsmanager.${input.region}.amazonaws.com`,
          ],
        },
      },
    },
    {
      Sid: "DomainSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: arn("secretsmanager", `secret:${input.secretsPrefix}*`),
    },
  ];
  if (input.ecs) {
    statements.push(
      {
        Sid: "RunDomainTasks",
        Effect: "Allow",
        Action: ["ecs:RunTask", "ecs:StartTask"],
        Resource: arn("ecs", `task-definition/${input.ecs.taskDefinitionFamilyPrefix}*`),
        Condition: { ArnEquals: { "ecs:cluster": input.ecs.clusterArn } },
      },
      {
        Sid: "DriveDomainTasks",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask"],
        Resource: arn("ecs", `task/${input.ecs.clusterArn.split("/").pop()}/*`),
        Condition: { ArnEquals: { "ecs:cluster": input.ecs.clusterArn } },
      },
      // DescribeTaskDefinition has no resource-level scope.
      { Sid: "DescribeTaskDefinitions", Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
      {
        Sid: "PassTaskRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: input.ecs.passRoleArns,
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        Sid: "ReadTaskLogs",
        Effect: "Allow",
        Action: ["logs:GetLogEvents", "logs:FilterLogEvents"],
        Resource: `${input.ecs.logGroupArn}:*`,
      },
    );
  }
  return document(statements);
}

/** The ECS execution role: pull the domain's images, write its log group, read its secrets for `secrets`. */
export function taskExecutionPolicy(input: {
  repositoryArns: string[];
  logGroupArn: string;
  secretsArnPrefix: string;
  keyArn: string;
  region: string;
}): PolicyDocument {
  return document([
    // GetAuthorizationToken has no resource-level scope.
    { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: input.repositoryArns,
    },
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${input.logGroupArn}:*` },
    { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `${input.secretsArnPrefix}*` },
    {
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: input.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${input.region}.amazonaws.com` } },
    },
  ]);
}

/** Keep 50 tagged images, drop untagged ones after 7 days. */
export const repositoryLifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: "Expire untagged images after 7 days",
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: "Keep the 50 most recent images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
      action: { type: "expire" },
    },
  ],
};

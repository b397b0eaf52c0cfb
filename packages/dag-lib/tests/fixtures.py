"""Shared test data: settings and a RunJobFlow template shaped as EphemeralSparkCluster writes it."""

from data_platform.settings import PlatformSettings

OPTIONS = {
    "prefix": "dp",
    "domain": "orders",
    "stage": "dev",
    "spark_template_parameter": "/dp/dev/spark/orders/run-job-flow",
    "spark_release_label": "emr-6.15.0",
    "secrets_prefix": "dp/dev/orders/",
    "code_uri": "s3://dp-dev-artifacts-123456789012/code/orders/",
    "raw_database": "orders_raw",
    "analytics_database": "orders_analytics",
    "ecs_cluster": "dp-dev-orders",
    "ecs_subnets": "subnet-0a, subnet-0b",
    "ecs_security_groups": "sg-0tasks",
    "ecs_task_family_prefix": "dp-dev-orders-",
    "serverless_application_id": "00abc",
    "serverless_runtime_role_arn": "arn:aws:iam::123456789012:role/dp-dev-orders-spark-serverless",
    "emr_eks_virtual_cluster_id": "vc123",
    "emr_eks_job_role_arn": "arn:aws:iam::123456789012:role/dp-dev-orders-spark-eks",
}

SETTINGS = PlatformSettings.from_options(OPTIONS)
BARE = PlatformSettings.from_options({"prefix": "dp", "domain": "restaurants", "stage": "staging", "spark_template_parameter": "/dp/staging/spark/restaurants/run-job-flow"})


def template(domain: str = "orders") -> dict:
    return {
        "Name": f"dp-dev-{domain}-spark",
        "ReleaseLabel": "emr-6.15.0",
        "LogUri": "s3://dp-dev-artifacts-123456789012/emr/logs/",
        "Applications": [{"Name": "Spark"}],
        "Instances": {
            "Ec2SubnetIds": ["subnet-0a", "subnet-0b"],
            "EmrManagedMasterSecurityGroup": "sg-primary",
            "EmrManagedSlaveSecurityGroup": "sg-core",
            "ServiceAccessSecurityGroup": "sg-service",
            "KeepJobFlowAliveWhenNoSteps": False,
            "TerminationProtected": False,
            "InstanceFleets": [{"Name": "core", "InstanceFleetType": "CORE", "TargetSpotCapacity": 16}],
        },
        "AutoTerminationPolicy": {"IdleTimeout": 1800},
        "SecurityConfiguration": f"dp-dev-{domain}",
        "ServiceRole": "dp-dev-emr-service",
        "JobFlowRole": f"dp-dev-{domain}-spark-ec2",
        "Tags": [{"Key": "data-platform:domain", "Value": domain}, {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}],
    }

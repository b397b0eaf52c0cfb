"""Airflow operators over ``data_platform.runs``: the operators the platform provides to DAGs.

Needs Airflow 2.x with the Amazon provider (MWAA has both); nothing here is exercised without Airflow.
Each operator reads the domain's ``data_platform.*`` options when it runs, so a DAG names no ARN,
account, subnet or cluster: the same DAG file runs in every stage.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence

from airflow.datasets import Dataset
from airflow.models import BaseOperator
from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook

from . import runs
from .requests import code_uri, platform_option, spark_step
from .settings import PlatformSettings

__all__ = [
    "SparkClusterOperator",
    "ImportOperator",
    "ServerlessSparkOperator",
    "EksSparkOperator",
    "FargateJobOperator",
    "spark_step",
    "code_uri",
    "platform_option",
    "product_dataset",
]


def product_dataset(product: str, zone: str = "analytics", domain: Optional[str] = None) -> Dataset:
    """The Airflow Dataset of a data product (``glue://<database>/<table>``): publish it as a task's outlet,
    schedule consumers on it. ``domain`` defaults to this environment's; another domain's database is
    ``<domain>_<zone>``."""
    if domain is None:
        database = PlatformSettings.from_airflow().database(zone)
    else:
        database = f"{domain.replace('-', '_')}_{zone}"
    return Dataset(f"glue://{database}/{product}")


class _PlatformOperator(BaseOperator):
    ui_color = "#e8f1fb"

    def __init__(self, *, aws_conn_id: str = "aws_default", poll_seconds: float = 30, wait: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.aws_conn_id = aws_conn_id
        self.poll_seconds = poll_seconds
        self.wait = wait

    def client(self, service: str) -> Any:
        return AwsBaseHook(aws_conn_id=self.aws_conn_id, client_type=service).get_conn()

    @property
    def settings(self) -> PlatformSettings:
        return PlatformSettings.from_airflow()


class _ClusterOperator(_PlatformOperator):
    """Terminates its cluster when the task is killed, so no cluster outlives its task."""

    cluster_id: Optional[str] = None

    def remember(self, cluster_id: str) -> None:
        self.cluster_id = cluster_id
        self.log.info("EMR cluster %s started", cluster_id)

    def on_kill(self) -> None:
        if self.cluster_id:
            self.client("emr").terminate_job_flows(JobFlowIds=[self.cluster_id])


class SparkClusterOperator(_ClusterOperator):
    """Runs ``steps`` on an ephemeral EMR cluster launched from the domain's RunJobFlow template; the cluster
    terminates when the steps are done (or one fails). Returns the cluster id."""

    template_fields = ("steps", "tags")

    def __init__(self, *, job: str, steps: Sequence[Mapping[str, Any]], tags: Optional[Mapping[str, str]] = None, overrides: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.steps, self.tags, self.overrides = job, list(steps), dict(tags or {}), dict(overrides or {})

    def execute(self, context: Any) -> str:
        return runs.run_ephemeral_cluster(
            self.client("ssm"), self.client("emr"), self.settings, job=self.job, steps=self.steps, tags=self.tags, overrides=self.overrides, wait=self.wait, poll_seconds=self.poll_seconds, on_start=self.remember
        )


class ImportOperator(_ClusterOperator):
    """Runs one of the Importer's jobs (Aurora/JDBC ``source`` -> the domain's raw Delta tables; or landed
    events with ``events=True``) from its job definition in SSM, on an ephemeral cluster."""

    def __init__(self, *, source: str, events: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source, self.events = source, events

    def execute(self, context: Any) -> str:
        return runs.run_import(self.client("ssm"), self.client("emr"), self.settings, source=self.source, events=self.events, wait=self.wait, poll_seconds=self.poll_seconds, on_start=self.remember)


class ServerlessSparkOperator(_PlatformOperator):
    """A Spark job on the domain's EMR Serverless application (``needs.spark.serverless``)."""

    template_fields = ("arguments", "spark_conf")

    def __init__(self, *, job: str, entry_point: str, arguments: Sequence[str] = (), spark_conf: Optional[Mapping[str, str]] = None, tags: Optional[Mapping[str, str]] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.entry_point, self.arguments, self.spark_conf, self.tags = job, entry_point, list(arguments), dict(spark_conf or {}), dict(tags or {})

    def execute(self, context: Any) -> str:
        return runs.run_serverless(self.client("emr-serverless"), self.settings, job=self.job, entry_point=self.entry_point, arguments=self.arguments, spark_conf=self.spark_conf, tags=self.tags, wait=self.wait, poll_seconds=self.poll_seconds)


class EksSparkOperator(_PlatformOperator):
    """A Spark job on the domain's EMR on EKS virtual cluster (``needs.spark.emrOnEks``)."""

    template_fields = ("arguments", "spark_conf")

    def __init__(self, *, job: str, entry_point: str, arguments: Sequence[str] = (), spark_conf: Optional[Mapping[str, str]] = None, tags: Optional[Mapping[str, str]] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.entry_point, self.arguments, self.spark_conf, self.tags = job, entry_point, list(arguments), dict(spark_conf or {}), dict(tags or {})

    def execute(self, context: Any) -> str:
        return runs.run_emr_eks(self.client("emr-containers"), self.settings, job=self.job, entry_point=self.entry_point, arguments=self.arguments, spark_conf=self.spark_conf, tags=self.tags, wait=self.wait, poll_seconds=self.poll_seconds)


class FargateJobOperator(_PlatformOperator):
    """One of the domain's Fargate jobs (``data-domain:jobs.<job>``) on its runner, in the private subnets."""

    template_fields = ("command", "environment")

    def __init__(self, *, job: str, command: Optional[Sequence[str]] = None, environment: Optional[Mapping[str, str]] = None, **kwargs: Any) -> None:
        kwargs.setdefault("poll_seconds", 15)
        super().__init__(**kwargs)
        self.job = job
        self.command = list(command) if command is not None else None
        self.environment: Dict[str, str] = dict(environment or {})

    def execute(self, context: Any) -> str:
        return runs.run_fargate(self.client("ecs"), self.settings, job=self.job, command=self.command, environment=self.environment, wait=self.wait, poll_seconds=self.poll_seconds)

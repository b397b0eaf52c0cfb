"""Runs a domain's jobs through AWS clients (boto3's, or any object with the same methods) and waits for them.

No Airflow here: ``data_platform.operators`` wraps these functions; tests drive them with fake clients.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable, Collection, Dict, Mapping, Optional, Sequence

from .requests import (
    ecs_run_task_request,
    emr_eks_start_job_run_request,
    import_job_flow_request,
    run_job_flow_request,
    serverless_start_job_run_request,
)
from .settings import PlatformSettings


class JobFailed(RuntimeError):
    """A run ended in a failure state (or timed out)."""


def wait_for(
    get_state: Callable[[], str],
    *,
    success: Collection[str],
    failure: Collection[str],
    what: str,
    poll_seconds: float = 30,
    timeout_seconds: float = 24 * 3600,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Polls ``get_state`` until it returns a success state (returned) or a failure state (JobFailed)."""
    deadline = clock() + timeout_seconds
    while True:
        state = get_state()
        if state in success:
            return state
        if state in failure:
            raise JobFailed(f"{what} ended in state {state}")
        if clock() >= deadline:
            raise JobFailed(f"{what} still {state} after {timeout_seconds:.0f} s")
        sleep(poll_seconds)


def read_json_parameter(ssm: Any, name: str) -> Dict[str, Any]:
    """A JSON document held in an SSM parameter (the cluster templates, the Importer's job definitions)."""
    value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise JobFailed(f"SSM parameter {name} does not hold JSON: {error}") from error


def _template(ssm: Any, settings: PlatformSettings) -> Dict[str, Any]:
    name = settings.require("ephemeral Spark template", settings.spark_template_parameter, "needs.spark.enabled")
    return read_json_parameter(ssm, name)


def _run_cluster(emr: Any, request: Mapping[str, Any], *, wait: bool, poll_seconds: float, sleep: Callable[[float], None], on_start: Optional[Callable[[str], None]]) -> str:
    cluster_id = emr.run_job_flow(**request)["JobFlowId"]
    if on_start:
        on_start(cluster_id)
    if not wait:
        return cluster_id
    wait_for(
        lambda: emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"],
        success={"TERMINATED"},
        failure={"TERMINATED_WITH_ERRORS"},
        what=f"EMR cluster {cluster_id} ({request['Name']})",
        poll_seconds=poll_seconds,
        sleep=sleep,
    )
    # A cluster also terminates normally after a step failed with CONTINUE: every step must have completed.
    failed = [step["Name"] for step in emr.list_steps(ClusterId=cluster_id)["Steps"] if step["Status"]["State"] != "COMPLETED"]
    if failed:
        raise JobFailed(f"EMR cluster {cluster_id}: steps not completed: {', '.join(failed)}")
    return cluster_id


def run_ephemeral_cluster(
    ssm: Any,
    emr: Any,
    settings: PlatformSettings,
    *,
    job: str,
    steps: Sequence[Mapping[str, Any]],
    tags: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
    wait: bool = True,
    poll_seconds: float = 30,
    sleep: Callable[[float], None] = time.sleep,
    on_start: Optional[Callable[[str], None]] = None,
) -> str:
    """Launches a cluster from the domain's template with ``steps``; waits until it has terminated after them."""
    request = run_job_flow_request(_template(ssm, settings), settings, job=job, steps=steps, tags=tags, overrides=overrides)
    return _run_cluster(emr, request, wait=wait, poll_seconds=poll_seconds, sleep=sleep, on_start=on_start)


def run_import(
    ssm: Any,
    emr: Any,
    settings: PlatformSettings,
    *,
    source: str,
    events: bool = False,
    wait: bool = True,
    poll_seconds: float = 30,
    sleep: Callable[[float], None] = time.sleep,
    on_start: Optional[Callable[[str], None]] = None,
) -> str:
    """Runs one of the Importer's jobs (database ``source``, or event source with ``events``) on an ephemeral cluster."""
    definition = read_json_parameter(ssm, settings.import_job_parameter(source, events))
    request = import_job_flow_request(definition, _template(ssm, settings), settings)
    return _run_cluster(emr, request, wait=wait, poll_seconds=poll_seconds, sleep=sleep, on_start=on_start)


def run_serverless(
    client: Any,
    settings: PlatformSettings,
    *,
    job: str,
    entry_point: str,
    arguments: Sequence[str] = (),
    spark_conf: Optional[Mapping[str, str]] = None,
    tags: Optional[Mapping[str, str]] = None,
    wait: bool = True,
    poll_seconds: float = 30,
    sleep: Callable[[float], None] = time.sleep,
    client_token: Optional[str] = None,
) -> str:
    """A job run on the domain's EMR Serverless application (the application starts itself)."""
    request = serverless_start_job_run_request(
        settings, job=job, entry_point=entry_point, arguments=arguments, spark_conf=spark_conf, tags=tags, client_token=client_token or str(uuid.uuid4())
    )
    run_id = client.start_job_run(**request)["jobRunId"]
    if wait:
        wait_for(
            lambda: client.get_job_run(applicationId=request["applicationId"], jobRunId=run_id)["jobRun"]["state"],
            success={"SUCCESS"},
            failure={"FAILED", "CANCELLED"},
            what=f"EMR Serverless job run {run_id} ({request['name']})",
            poll_seconds=poll_seconds,
            sleep=sleep,
        )
    return run_id


def run_emr_eks(
    client: Any,
    settings: PlatformSettings,
    *,
    job: str,
    entry_point: str,
    arguments: Sequence[str] = (),
    spark_conf: Optional[Mapping[str, str]] = None,
    tags: Optional[Mapping[str, str]] = None,
    wait: bool = True,
    poll_seconds: float = 30,
    sleep: Callable[[float], None] = time.sleep,
    client_token: Optional[str] = None,
) -> str:
    """A job run on the domain's EMR on EKS virtual cluster."""
    request = emr_eks_start_job_run_request(settings, job=job, entry_point=entry_point, arguments=arguments, spark_conf=spark_conf, tags=tags, client_token=client_token or str(uuid.uuid4()))
    run_id = client.start_job_run(**request)["id"]
    if wait:
        wait_for(
            lambda: client.describe_job_run(id=run_id, virtualClusterId=request["virtualClusterId"])["jobRun"]["state"],
            success={"COMPLETED"},
            failure={"FAILED", "CANCELLED", "CANCEL_PENDING"},
            what=f"EMR on EKS job run {run_id} ({request['name']})",
            poll_seconds=poll_seconds,
            sleep=sleep,
        )
    return run_id


def run_fargate(
    ecs: Any,
    settings: PlatformSettings,
    *,
    job: str,
    command: Optional[Sequence[str]] = None,
    environment: Optional[Mapping[str, str]] = None,
    wait: bool = True,
    poll_seconds: float = 15,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """One task of a Fargate job on the domain's runner; fails unless its container exits 0."""
    request = ecs_run_task_request(settings, job=job, command=command, environment=environment)
    response = ecs.run_task(**request)
    if response.get("failures") or not response.get("tasks"):
        raise JobFailed(f"Fargate job {job} did not start: {response.get('failures')}")
    task_arn = response["tasks"][0]["taskArn"]
    if not wait:
        return task_arn

    def describe() -> Dict[str, Any]:
        return ecs.describe_tasks(cluster=request["cluster"], tasks=[task_arn])["tasks"][0]

    wait_for(lambda: describe()["lastStatus"], success={"STOPPED"}, failure=set(), what=f"Fargate task {task_arn}", poll_seconds=poll_seconds, sleep=sleep)
    container = next((candidate for candidate in describe().get("containers", []) if candidate.get("name") == job), None)
    exit_code = container.get("exitCode") if container else None
    if exit_code != 0:
        raise JobFailed(f"Fargate job {job} ({task_arn}) exited with {exit_code}: {(container or {}).get('reason') or describe().get('stoppedReason')}")
    return task_arn

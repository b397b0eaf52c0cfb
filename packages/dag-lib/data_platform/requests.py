"""Pure builders of the AWS requests a domain's jobs make. No Airflow, no boto3: plain dicts in, dicts out.

Job naming: every run is named ``<prefix>-<stage>-<domain>-<job>`` (EMR clusters, EMR Serverless and EMR
on EKS job runs). Clusters carry the template's tags (the domain tag among them, which the orchestrator's IAM
policy requires) plus ``data-platform:job=<job>``; job runs carry only the tags a DAG passes (tagging them
needs no extra permission then). Fargate jobs run the task definition family ``<prefix>-<stage>-<domain>-<job>``
that the domain's stack registers for ``data-domain:jobs.<job>``.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .settings import PlatformSettings

JOB_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
DOMAIN_TAG = "data-platform:domain"
JOB_TAG = "data-platform:job"
ACTIONS_ON_FAILURE = ("TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE")

# Parts of the RunJobFlow template a DAG may not override: network, roles, encryption, logs, and what makes
# the cluster end (no steps left, idle timeout). Tags and steps are added through their own arguments.
PROTECTED_PATHS: Tuple[Tuple[str, ...], ...] = (
    ("SecurityConfiguration",),
    ("ServiceRole",),
    ("JobFlowRole",),
    ("AutoScalingRole",),
    ("LogUri",),
    ("ReleaseLabel",),
    ("AutoTerminationPolicy",),
    ("Tags",),
    ("Steps",),
    ("Instances", "Ec2SubnetIds"),
    ("Instances", "Ec2SubnetId"),
    ("Instances", "EmrManagedMasterSecurityGroup"),
    ("Instances", "EmrManagedSlaveSecurityGroup"),
    ("Instances", "ServiceAccessSecurityGroup"),
    ("Instances", "KeepJobFlowAliveWhenNoSteps"),
    ("Instances", "TerminationProtected"),
    ("Instances", "Placement"),
)


def code_uri(path: str) -> str:
    """The S3 URI of a file in the domain's code prefix (``s3://<artifacts>/code/<domain>/<path>``), as an Airflow
    template rendered when the task runs: the same DAG names the right bucket in every stage."""
    if not path or path.startswith(("/", "s3://")) or ".." in path.split("/"):
        raise RequestError(f"code path {path!r} must be relative to the domain's code prefix, such as jobs/curate.py")
    return platform_option("code_uri") + path


def platform_option(name: str) -> str:
    """A ``data_platform.*`` option (such as ``analytics_database``) as an Airflow template rendered when the task runs."""
    if not re.match(r"^[a-z][a-z0-9_]*$", name or ""):
        raise RequestError(f"option name {name!r} must be lowercase letters, digits and underscores")
    return "{{ conf.get('data_platform', '%s') }}" % name


class RequestError(ValueError):
    """A job's arguments that AWS or the platform would refuse."""


def validate_job_name(job: str) -> str:
    if not isinstance(job, str) or not JOB_NAME.match(job):
        raise RequestError(f"job name {job!r} must be 1-31 lowercase letters, digits and hyphens, starting with a letter")
    return job


def run_name(settings: PlatformSettings, job: str) -> str:
    """``<prefix>-<stage>-<domain>-<job>``: the name of every run of ``job``."""
    return f"{settings.resource_name_prefix}-{validate_job_name(job)}"


def deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """``base`` with ``overrides`` merged in: objects merge key by key, everything else (lists too) is replaced."""
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _touched_paths(overrides: Mapping[str, Any], prefix: Tuple[str, ...] = ()) -> Iterable[Tuple[str, ...]]:
    for key, value in overrides.items():
        path = prefix + (key,)
        yield path
        if isinstance(value, Mapping):
            yield from _touched_paths(value, path)


def check_overrides(overrides: Mapping[str, Any]) -> None:
    protected = sorted(".".join(path) for path in _touched_paths(overrides) if path in PROTECTED_PATHS)
    if protected:
        raise RequestError(f"overrides may not change {', '.join(protected)}: the platform's template sets them (network, roles, encryption, logs, termination)")


def spark_submit_arguments(entry_point: str, arguments: Sequence[str] = (), *, spark_conf: Optional[Mapping[str, str]] = None, main_class: Optional[str] = None, deploy_mode: str = "cluster") -> List[str]:
    if not entry_point:
        raise RequestError("entry_point is required (an s3:// URI of the job's jar or Python file)")
    if deploy_mode not in ("cluster", "client"):
        raise RequestError(f"deploy_mode must be 'cluster' or 'client', got {deploy_mode!r}")
    command = ["spark-submit", "--deploy-mode", deploy_mode]
    if main_class:
        command += ["--class", main_class]
    for key, value in sorted((spark_conf or {}).items()):
        command += ["--conf", f"{key}={value}"]
    return command + [entry_point, *[str(argument) for argument in arguments]]


def spark_step(name: str, entry_point: str, arguments: Sequence[str] = (), *, spark_conf: Optional[Mapping[str, str]] = None, main_class: Optional[str] = None, action_on_failure: str = "TERMINATE_CLUSTER") -> Dict[str, Any]:
    """An EMR step running ``spark-submit`` (cluster mode) through command-runner.jar."""
    if action_on_failure not in ACTIONS_ON_FAILURE:
        raise RequestError(f"action_on_failure must be one of {', '.join(ACTIONS_ON_FAILURE)}, got {action_on_failure!r}")
    if not name:
        raise RequestError("a step needs a name")
    return {
        "Name": name,
        "ActionOnFailure": action_on_failure,
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": spark_submit_arguments(entry_point, arguments, spark_conf=spark_conf, main_class=main_class)},
    }


def _check_steps(steps: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    if not steps:
        raise RequestError("an ephemeral cluster needs at least one step: it terminates when its steps are done")
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping) or not step.get("Name") or not isinstance(step.get("HadoopJarStep"), Mapping) or not step["HadoopJarStep"].get("Jar"):
            raise RequestError(f"steps[{index}] must be an EMR step with Name and HadoopJarStep.Jar (see spark_step)")
        if step.get("ActionOnFailure", "TERMINATE_CLUSTER") not in ACTIONS_ON_FAILURE:
            raise RequestError(f"steps[{index}].ActionOnFailure must be one of {', '.join(ACTIONS_ON_FAILURE)}")
    return [copy.deepcopy(dict(step)) for step in steps]


def _check_template(template: Mapping[str, Any], domain: str) -> None:
    instances = template.get("Instances") or {}
    if instances.get("KeepJobFlowAliveWhenNoSteps") is not False:
        raise RequestError("the cluster template must set Instances.KeepJobFlowAliveWhenNoSteps to false (the cluster ends with its steps)")
    if not (template.get("AutoTerminationPolicy") or {}).get("IdleTimeout"):
        raise RequestError("the cluster template has no AutoTerminationPolicy.IdleTimeout (idle clusters must stop)")
    tags = {tag.get("Key"): tag.get("Value") for tag in template.get("Tags") or []}
    if tags.get(DOMAIN_TAG) != domain:
        raise RequestError(f"the cluster template is not domain {domain!r}'s (its {DOMAIN_TAG} tag is {tags.get(DOMAIN_TAG)!r})")


def _user_tags(tags: Optional[Mapping[str, str]]) -> Dict[str, str]:
    for key in tags or {}:
        if key.startswith("data-platform:"):
            raise RequestError(f"tag {key!r}: the data-platform: namespace is the platform's")
    return dict(tags or {})


def _merge_tags(template_tags: Sequence[Mapping[str, str]], extra: Mapping[str, str]) -> List[Dict[str, str]]:
    tags = {tag["Key"]: tag["Value"] for tag in template_tags}
    for key, value in extra.items():
        if key in tags and tags[key] != value:
            raise RequestError(f"tag {key!r} is set by the platform's template and cannot be changed")
        tags[key] = value
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def run_job_flow_request(
    template: Mapping[str, Any],
    settings: PlatformSettings,
    *,
    job: str,
    steps: Sequence[Mapping[str, Any]],
    tags: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """The RunJobFlow request of an ephemeral cluster: the domain's template (from SSM) with the job's steps.

    The template's network, roles, encryption, logs, tags and idle stop stay intact; the cluster ends when its
    steps are done (KeepJobFlowAliveWhenNoSteps false) or fails with them (TERMINATE_CLUSTER by default).
    """
    _check_template(template, settings.domain)
    check_overrides(overrides or {})
    request = deep_merge(template, overrides or {})
    request["Name"] = run_name(settings, job)
    request["Steps"] = _check_steps(steps)
    request["Tags"] = _merge_tags(template.get("Tags") or [], {**_user_tags(tags), JOB_TAG: job})
    return request


def import_job_flow_request(job_definition: Mapping[str, Any], template: Mapping[str, Any], settings: PlatformSettings) -> Dict[str, Any]:
    """The RunJobFlow request of one of the Importer's jobs (its definition from SSM, on the domain's template)."""
    if job_definition.get("schemaVersion") != 1:
        raise RequestError(f"import job definition schemaVersion {job_definition.get('schemaVersion')!r} is not supported (this library reads 1)")
    if job_definition.get("domain") != settings.domain:
        raise RequestError(f"import job {job_definition.get('source')!r} belongs to domain {job_definition.get('domain')!r}, not {settings.domain!r}")
    cluster = job_definition.get("cluster") or {}
    if cluster.get("template") != settings.spark_template_parameter:
        raise RequestError(f"import job {job_definition.get('source')!r} runs on template {cluster.get('template')!r}, not the domain's {settings.spark_template_parameter!r}")
    _check_template(template, settings.domain)
    overrides = dict(cluster.get("overrides") or {})
    name = overrides.pop("Name", None)
    check_overrides(overrides)
    request = deep_merge(template, overrides)
    request["Name"] = name or run_name(settings, f"import-{job_definition.get('source')}")
    request["Steps"] = _check_steps(job_definition.get("steps") or [])
    request["Tags"] = _merge_tags(template.get("Tags") or [], {JOB_TAG: f"import-{job_definition.get('source')}", "data-platform:import-source": str(job_definition.get("source"))})
    return request


def _spark_conf_parameters(spark_conf: Optional[Mapping[str, str]]) -> str:
    return " ".join(f"--conf {key}={value}" for key, value in sorted((spark_conf or {}).items()))


def serverless_start_job_run_request(
    settings: PlatformSettings,
    *,
    job: str,
    entry_point: str,
    arguments: Sequence[str] = (),
    spark_conf: Optional[Mapping[str, str]] = None,
    client_token: str,
    execution_timeout_minutes: int = 360,
    tags: Optional[Mapping[str, str]] = None,
) -> Dict[str, Any]:
    """EMR Serverless StartJobRun on the domain's application, with its runtime role."""
    application = settings.require("EMR Serverless application", settings.serverless_application_id, "needs.spark.serverless")
    role = settings.require("EMR Serverless runtime role", settings.serverless_runtime_role_arn, "needs.spark.serverless")
    if not entry_point:
        raise RequestError("entry_point is required (an s3:// URI of the job's jar or Python file)")
    if not isinstance(execution_timeout_minutes, int) or execution_timeout_minutes < 1:
        raise RequestError("execution_timeout_minutes must be a positive whole number")
    submit: Dict[str, Any] = {"entryPoint": entry_point, "entryPointArguments": [str(argument) for argument in arguments]}
    if spark_conf:
        submit["sparkSubmitParameters"] = _spark_conf_parameters(spark_conf)
    return {
        "applicationId": application,
        "executionRoleArn": role,
        "clientToken": client_token,
        "name": run_name(settings, job),
        "jobDriver": {"sparkSubmit": submit},
        "executionTimeoutMinutes": execution_timeout_minutes,
        **({"tags": _user_tags(tags)} if tags else {}),
    }


def emr_eks_start_job_run_request(
    settings: PlatformSettings,
    *,
    job: str,
    entry_point: str,
    arguments: Sequence[str] = (),
    spark_conf: Optional[Mapping[str, str]] = None,
    client_token: str,
    tags: Optional[Mapping[str, str]] = None,
) -> Dict[str, Any]:
    """EMR on EKS (emr-containers) StartJobRun on the domain's virtual cluster, with its job role."""
    virtual_cluster = settings.require("EMR on EKS virtual cluster", settings.emr_eks_virtual_cluster_id, "needs.spark.emrOnEks")
    role = settings.require("EMR on EKS job role", settings.emr_eks_job_role_arn, "needs.spark.emrOnEks")
    release = settings.require("EMR release", settings.spark_release_label, "needs.spark.enabled")
    if not entry_point:
        raise RequestError("entry_point is required (an s3:// URI of the job's jar or Python file)")
    name = run_name(settings, job)
    if len(name) > 64:
        raise RequestError(f"EMR on EKS job names are at most 64 characters; {name!r} has {len(name)}")
    submit: Dict[str, Any] = {"entryPoint": entry_point, "entryPointArguments": [str(argument) for argument in arguments]}
    if spark_conf:
        submit["sparkSubmitParameters"] = _spark_conf_parameters(spark_conf)
    return {
        "name": name,
        "virtualClusterId": virtual_cluster,
        "clientToken": client_token,
        "executionRoleArn": role,
        "releaseLabel": f"{release}-latest",
        "jobDriver": {"sparkSubmitJobDriver": submit},
        **({"tags": _user_tags(tags)} if tags else {}),
    }


def ecs_run_task_request(
    settings: PlatformSettings,
    *,
    job: str,
    command: Optional[Sequence[str]] = None,
    environment: Optional[Mapping[str, str]] = None,
    started_by: str = "airflow",
) -> Dict[str, Any]:
    """ECS RunTask of one of the domain's Fargate jobs: its task definition, on its runner, in the private subnets."""
    cluster = settings.require("Fargate runner", settings.ecs_cluster, "needs.fargate.enabled")
    family_prefix = settings.require("Fargate task family", settings.ecs_task_family_prefix, "needs.fargate.enabled")
    if not settings.ecs_subnets or not settings.ecs_security_groups:
        raise RequestError(f"domain {settings.domain!r}: the Fargate runner's network (data_platform.ecs_subnets, ecs_security_groups) is not set")
    validate_job_name(job)
    override: Dict[str, Any] = {"name": job}
    if command is not None:
        override["command"] = [str(part) for part in command]
    if environment:
        for key in environment:
            if key == "DATA_PLATFORM_DOMAIN":
                raise RequestError("environment DATA_PLATFORM_DOMAIN is set by the platform")
        override["environment"] = [{"name": key, "value": str(value)} for key, value in sorted(environment.items())]
    return {
        "cluster": cluster,
        "taskDefinition": f"{family_prefix}{job}",
        "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "count": 1,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": list(settings.ecs_subnets), "securityGroups": list(settings.ecs_security_groups), "assignPublicIp": "DISABLED"}},
        "overrides": {"containerOverrides": [override]},
        "startedBy": started_by[:36],
    }

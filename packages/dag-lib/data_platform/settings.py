"""What the platform tells a domain's Airflow: the ``data_platform.*`` configuration options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Tuple

SECTION = "data_platform"


class PlatformSettingsError(ValueError):
    """A runner the DAG asks for is not there (the domain lacks it in this stage)."""


@dataclass(frozen=True)
class PlatformSettings:
    """The ``data_platform.*`` options of the domain's MWAA environment (set by DomainWorkflowEnv)."""

    prefix: str
    domain: str
    stage: str
    spark_template_parameter: str = ""
    spark_release_label: str = ""
    secrets_prefix: str = ""
    code_uri: str = ""
    raw_database: str = ""
    analytics_database: str = ""
    ecs_cluster: str = ""
    ecs_subnets: Tuple[str, ...] = ()
    ecs_security_groups: Tuple[str, ...] = ()
    ecs_task_family_prefix: str = ""
    serverless_application_id: str = ""
    serverless_runtime_role_arn: str = ""
    emr_eks_virtual_cluster_id: str = ""
    emr_eks_job_role_arn: str = ""

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> "PlatformSettings":
        """From a mapping of option names (without the section) to values, as Airflow's config holds them."""
        missing = [key for key in ("prefix", "domain", "stage") if not options.get(key)]
        if missing:
            raise PlatformSettingsError(f"Airflow has no {', '.join(f'{SECTION}.{key}' for key in missing)}: not an environment of the data platform")

        def listed(key: str) -> Tuple[str, ...]:
            return tuple(part.strip() for part in options.get(key, "").split(",") if part.strip())

        plain = {field: options.get(field, "") for field in cls.__dataclass_fields__ if field not in ("ecs_subnets", "ecs_security_groups")}
        return cls(**plain, ecs_subnets=listed("ecs_subnets"), ecs_security_groups=listed("ecs_security_groups"))

    @classmethod
    def from_airflow(cls) -> "PlatformSettings":  # pragma: no cover - needs Airflow
        """From the running Airflow's configuration (MWAA sets the options as AIRFLOW__DATA_PLATFORM__*)."""
        from airflow.configuration import conf

        # conf.get returns the text as set (getsection would turn numeric-looking ids into numbers).
        return cls.from_options({field: conf.get(SECTION, field, fallback="") or "" for field in cls.__dataclass_fields__})

    def require(self, what: str, value: str, need: str) -> str:
        if not value:
            raise PlatformSettingsError(f"domain {self.domain!r} has no {what} in stage {self.stage!r} ({need} in stacks/platform/domains/{self.domain}.yaml)")
        return value

    def database(self, zone: str) -> str:
        """The Glue database of one of the domain's zones (``raw`` or ``analytics``)."""
        if zone not in ("raw", "analytics"):
            raise PlatformSettingsError(f"zone must be 'raw' or 'analytics', got {zone!r}")
        return self.require(f"{zone} zone", self.raw_database if zone == "raw" else self.analytics_database, "needs.zones")

    def import_job_parameter(self, source: str, events: bool = False) -> str:
        """The SSM parameter of the Importer's job definition for a database source (or an event source)."""
        parts = ["events", source] if events else [source]
        return f"/{self.prefix}/{self.stage}/importer/{'/'.join(parts)}/job"

    @property
    def resource_name_prefix(self) -> str:
        """``<prefix>-<stage>-<domain>``: the start of every name a domain's jobs give their runs."""
        return f"{self.prefix}-{self.stage}-{self.domain}"

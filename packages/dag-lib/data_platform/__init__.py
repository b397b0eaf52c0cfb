"""The data platform's DAG library: run a domain's jobs on the runners the platform gives it.

Pure request builders (``data_platform.requests``), runs against AWS clients (``data_platform.runs``) and
thin Airflow operators (``data_platform.operators``, the only module that imports Airflow). The platform
ships this package to every MWAA environment as ``plugins.zip``; DAGs import it as ``data_platform``.
"""

__version__ = "0.1.0"

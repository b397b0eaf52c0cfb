"""Daily orders pipeline: Spark on an ephemeral EMR cluster, then a Fargate export job.

The platform passes the cluster template and the ECS runner through Airflow
configuration (data_platform.* options), so the DAG names no ARNs itself.
"""
from datetime import datetime

from airflow import DAG
from airflow.configuration import conf
from airflow.providers.amazon.aws.operators.emr import EmrCreateJobFlowOperator

with DAG(dag_id="orders_daily", start_date=datetime(2026, 1, 1), schedule="@daily", catchup=False) as dag:
    template_parameter = conf.get("data_platform", "spark_template_parameter")
    EmrCreateJobFlowOperator(task_id="curate_orders", job_flow_overrides="{{ var.value.get('orders_job_flow', '{}') }}")

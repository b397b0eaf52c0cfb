"""Daily menu items pipeline (no Fargate runner needed): curate the restaurants' menus on an ephemeral
cluster and publish the `menu_items` data product."""
from datetime import datetime

from airflow import DAG
from data_platform.operators import SparkClusterOperator, code_uri, platform_option, product_dataset, spark_step

ANALYTICS = platform_option("analytics_database")

with DAG(dag_id="menu_items_daily", start_date=datetime(2026, 1, 1), schedule="30 4 * * *", catchup=False, tags=["restaurants", "data-product"]) as dag:
    SparkClusterOperator(
        task_id="curate_and_publish_menu_items",
        job="curate-menu-items",
        steps=[spark_step("curate menu items", code_uri("spark/curate_menu_items.py"), ["--date", "{{ ds }}", "--target", f"{ANALYTICS}.menu_items"])],
        outlets=[product_dataset("menu_items")],
    )

"""Daily orders pipeline: import the orders database, curate with Spark, publish the `orders` data product,
then export it with the domain's Fargate job.

1. import_orders_db: the Importer's job definition for the `orders-db` source (Aurora -> the raw Delta tables
   orders_raw.orders and orders_raw.restaurants), on an ephemeral cluster from the domain's template.
2. curate_and_publish: one ephemeral cluster, two steps: curate the raw tables into orders_analytics.orders
   (the product's Delta table, at the location the domain stack registers), then publish it (compact, check
   the schema the product promises). The task's outlet is the product's Dataset: consumers schedule on it.
3. export_daily_orders: the Fargate job `export-daily-orders` (data-domain:jobs in Pulumi.orders-<stage>.yaml).

The DAG names no ARN, account, bucket or subnet: the data_platform operators read the domain's
data_platform.* Airflow options, so the same file runs in every stage. The Spark code lives in the domain's
code prefix of the artifacts bucket (code_uri), not in the DAG bucket.
"""
from datetime import datetime

from airflow import DAG
from data_platform.operators import FargateJobOperator, ImportOperator, SparkClusterOperator, code_uri, platform_option, product_dataset, spark_step

RAW = platform_option("raw_database")
ANALYTICS = platform_option("analytics_database")

with DAG(dag_id="orders_daily", start_date=datetime(2026, 1, 1), schedule="0 3 * * *", catchup=False, tags=["orders", "data-product"]) as dag:
    imported = ImportOperator(task_id="import_orders_db", source="orders-db")

    published = SparkClusterOperator(
        task_id="curate_and_publish",
        job="curate-orders",
        steps=[
            spark_step("curate orders", code_uri("spark/curate_orders.py"), ["--date", "{{ ds }}", "--source", f"{RAW}.orders", "--target", f"{ANALYTICS}.orders"]),
            spark_step("publish orders", code_uri("spark/publish_product.py"), ["--table", f"{ANALYTICS}.orders", "--date", "{{ ds }}"]),
        ],
        outlets=[product_dataset("orders")],
    )

    exported = FargateJobOperator(task_id="export_daily_orders", job="export-daily-orders", command=["python", "-m", "orders.export", "--date", "{{ ds }}"])

    imported >> published >> exported

"""Hourly deliveries pipeline: collect the courier-tracking events the Importer landed, curate them on the
domain's EMR Serverless application, and publish the `deliveries` data product.

EMR Serverless needs needs.spark.serverless for logistics in the stage (dev and prod have it); without it the
operator fails at run time naming that key.
"""
from datetime import datetime

from airflow import DAG
from data_platform.operators import ImportOperator, ServerlessSparkOperator, code_uri, platform_option, product_dataset

RAW = platform_option("raw_database")
ANALYTICS = platform_option("analytics_database")

with DAG(dag_id="deliveries_hourly", start_date=datetime(2026, 1, 1), schedule="40 * * * *", catchup=False, tags=["logistics", "data-product"]) as dag:
    collected = ImportOperator(task_id="collect_courier_tracking", source="courier-tracking", events=True)

    published = ServerlessSparkOperator(
        task_id="curate_and_publish_deliveries",
        job="curate-deliveries",
        entry_point=code_uri("spark/curate_deliveries.py"),
        arguments=["--hour", "{{ data_interval_start.strftime('%Y-%m-%dT%H') }}", "--source", f"{RAW}.courier_tracking_courier_location", "--target", f"{ANALYTICS}.deliveries"],
        spark_conf={"spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension", "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog"},
        outlets=[product_dataset("deliveries")],
    )

    collected >> published

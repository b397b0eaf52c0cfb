"""Campaign attribution, run whenever the orders domain publishes its `orders` data product (a consumer's
pipeline: the orders stack grants marketing's roles read on it)."""
from datetime import datetime

from airflow import DAG
from data_platform.operators import SparkClusterOperator, code_uri, platform_option, product_dataset, spark_step

ANALYTICS = platform_option("analytics_database")

with DAG(dag_id="campaign_attribution", start_date=datetime(2026, 1, 1), schedule=[product_dataset("orders", domain="orders")], catchup=False, tags=["marketing", "data-product"]) as dag:
    SparkClusterOperator(
        task_id="attribute_orders",
        job="attribute-orders",
        steps=[spark_step("attribute orders", code_uri("spark/attribute_orders.py"), ["--orders", "orders_analytics.orders", "--target", f"{ANALYTICS}.campaign_attribution"])],
        outlets=[product_dataset("campaign_attribution")],
    )

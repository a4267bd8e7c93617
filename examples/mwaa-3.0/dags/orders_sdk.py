"""Orders pipeline on Airflow 3: Task SDK, assets, standard-provider operators."""
from datetime import datetime, timedelta

from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import Asset, dag, task

ORDERS = Asset("s3://acme-lake/orders/")


@dag(
    schedule="@daily",
    start_date=datetime(2025, 10, 1),
    catchup=False,
    fail_fast=True,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["orders"],
)
def orders_sdk():
    @task
    def list_exports(ds=None):
        return S3Hook().list_keys("acme-exports", prefix=f"orders/{ds}/") or []

    @task(outlets=[ORDERS])
    def load(key: str, logical_date=None):
        print(f"loading {key} for {logical_date:%Y-%m-%d}")

    check = BashOperator(task_id="check", bash_command="python check.py --start {{ data_interval_start | ds }}")

    load.expand(key=list_exports()) >> check


orders_sdk()

"""
### Partner drop ingest
Waits for the partner's daily export in S3, copies it into the lake and publishes the
`lake/partner_orders` dataset for downstream DAGs.
"""
from datetime import datetime, timedelta

from airflow.datasets import Dataset
from airflow.decorators import dag, task
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

PARTNER_ORDERS = Dataset("s3://acme-lake/partner_orders/")


@dag(
    schedule="0 5 * * *",
    start_date=datetime(2024, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    doc_md=__doc__,
    tags=["ingest", "partner"],
)
def partner_ingest():
    wait_for_drop = S3KeySensor(
        task_id="wait_for_drop",
        bucket_name="partner-drop",
        bucket_key="exports/{{ ds }}/_SUCCESS",
        mode="reschedule",
        poke_interval=300,
        timeout=6 * 60 * 60,
    )

    @task(outlets=[PARTNER_ORDERS])
    def copy_to_lake(ds=None):
        hook = S3Hook(aws_conn_id="aws_default")
        keys = hook.list_keys("partner-drop", prefix=f"exports/{ds}/") or []
        for key in keys:
            hook.copy_object(key, f"partner_orders/{key}", source_bucket_name="partner-drop", dest_bucket_name="acme-lake")
        return len(keys)

    wait_for_drop >> copy_to_lake()


partner_ingest()

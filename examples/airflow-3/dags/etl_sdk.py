from datetime import datetime

from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Asset, Param, TaskGroup, chain, task

EVENTS = Asset("postgres://warehouse/public/events")

with DAG(
    dag_id="events_etl",
    schedule="30 * * * *",
    start_date=datetime(2025, 9, 1),
    catchup=False,
    params={"full_refresh": Param(False, type="boolean")},
    tags=["events"],
) as dag:
    start = EmptyOperator(task_id="start")

    @task
    def extract(data_interval_start=None, data_interval_end=None):
        hook = PostgresHook(postgres_conn_id="source_db")
        return hook.get_records(
            "SELECT id, payload FROM events WHERE created_at >= %s AND created_at < %s",
            parameters=(data_interval_start, data_interval_end),
        )

    with TaskGroup("load") as load:

        @task(outlets=[EVENTS])
        def write(rows, params=None):
            mode = "full" if params["full_refresh"] else "incremental"
            print(f"writing {len(rows)} rows ({mode})")

        write(extract())

    chain(start, load)

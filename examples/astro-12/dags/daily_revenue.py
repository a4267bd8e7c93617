from pendulum import datetime

from airflow.decorators import dag, task
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator


@dag(
    start_date=datetime(2024, 6, 1),
    schedule="0 6 * * *",
    catchup=False,
    template_searchpath="/usr/local/airflow/include/sql",
    tags=["revenue"],
)
def daily_revenue():
    revenue = SQLExecuteQueryOperator(task_id="revenue", conn_id="snowflake_default", sql="daily_revenue.sql")

    @task.bash
    def notify(ds=None) -> str:
        return f"echo 'revenue for {ds} is ready'"

    revenue >> notify()


daily_revenue()

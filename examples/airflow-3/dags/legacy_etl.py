"""An Airflow 1.10 DAG nobody migrated. On Airflow 3 it does not even import."""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.hooks.ssh_hook import SSHHook
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

dag = DAG(
    "nightly_export",
    schedule_interval="0 1 * * *",
    start_date=datetime(2020, 1, 1),
    concurrency=1,
    default_args={"owner": "ops", "retries": 3, "retry_delay": timedelta(minutes=15)},
)


def export(ds, **kwargs):
    SSHHook(ssh_conn_id="export_host").get_conn().exec_command(f"export.sh {ds} {kwargs['tomorrow_ds']}")


export_task = PythonOperator(task_id="export", python_callable=export, provide_context=True, dag=dag)
cleanup = BashOperator(task_id="cleanup", bash_command="rm -rf /tmp/export_{{ yesterday_ds_nodash }}", dag=dag)
export_task >> cleanup

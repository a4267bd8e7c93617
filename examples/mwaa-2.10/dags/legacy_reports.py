"""
Finance reports, first written for MWAA 1.10.12 and partly "modernised" from the Airflow 3 docs.
Runs on MWAA 2.10.3 with deprecation warnings, and one import that does not exist there.
"""
from datetime import timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator
from airflow.sdk import Asset
from airflow.utils.dates import days_ago

REPORT_BUCKET = Variable.get("report_bucket")
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def build_report(**kwargs):
    run_day = kwargs["execution_date"].strftime("%Y-%m-%d")
    print(f"building report for {run_day} into {REPORT_BUCKET}")


with DAG(
    dag_id="finance_reports",
    schedule_interval="0 7 * * 1-5",
    start_date=days_ago(1),
    concurrency=2,
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
) as dag:
    extract = BashOperator(
        task_id="extract",
        bash_command="python /usr/local/airflow/dags/scripts/extract.py --day {{ execution_date }} --next {{ next_ds }}",
    )
    report = PythonOperator(
        task_id="build_report",
        python_callable=build_report,
        provide_context=True,
        outlets=[Asset("s3://acme-reports/finance/")],
    )
    extract >> report

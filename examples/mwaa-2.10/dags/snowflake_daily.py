from datetime import datetime

from airflow import DAG
from airflow.datasets import Dataset
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

from operators.audit_operator import AuditOperator

with DAG(
    dag_id="snowflake_daily",
    schedule=[Dataset("s3://acme-lake/partner_orders/")],
    start_date=datetime(2024, 11, 1),
    catchup=False,
    tags=["warehouse"],
) as dag:
    load = SQLExecuteQueryOperator(
        task_id="load_partner_orders",
        conn_id="snowflake_default",
        sql="""
        COPY INTO raw.partner_orders
        FROM @lake/partner_orders/{{ ds }}/
        FILE_FORMAT = (TYPE = PARQUET);
        """,
    )
    audit = AuditOperator(task_id="audit", table="raw.partner_orders")
    load >> audit

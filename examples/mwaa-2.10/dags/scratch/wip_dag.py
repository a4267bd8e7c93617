# Work in progress, excluded by .airflowignore (not parsed by Airflow, not linted).
from airflow import DAG

with DAG("wip" schedule=None):
    pass

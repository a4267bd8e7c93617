# Draft, excluded by .airflowignore.
from airflow.sdk import dag

@dag(

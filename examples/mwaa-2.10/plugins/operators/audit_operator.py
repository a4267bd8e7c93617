"""Shipped in plugins.zip: a small operator that records row counts in the audit table."""
from airflow.models.baseoperator import BaseOperator
from airflow.providers.common.sql.hooks.sql import DbApiHook


class AuditOperator(BaseOperator):
    template_fields = ("table",)

    def __init__(self, *, table: str, conn_id: str = "snowflake_default", **kwargs):
        super().__init__(**kwargs)
        self.table = table
        self.conn_id = conn_id

    def execute(self, context):
        hook = DbApiHook.get_hook(self.conn_id)
        rows = hook.get_first(f"SELECT COUNT(*) FROM {self.table}")[0]
        self.log.info("%s has %s rows for run %s", self.table, rows, context["run_id"])
        return rows

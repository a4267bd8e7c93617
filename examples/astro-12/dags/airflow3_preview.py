"""
Written from the Airflow 3 documentation while the Deployment still runs Runtime 12 (Airflow 2.10):
the linter shows what has to wait for the Airflow 3 upgrade.
"""
from pendulum import datetime

from airflow.decorators import dag, task
from airflow.sdk import Asset

PRICES = Asset("s3://acme-lake/prices/")


@dag(start_date=datetime(2025, 1, 1), schedule=[PRICES], catchup=False, fail_fast=True)
def prices_consumer():
    @task
    def refresh(triggering_asset_events=None):
        for asset_uri, events in triggering_asset_events.items():
            print(asset_uri, len(events))

    refresh()


prices_consumer()

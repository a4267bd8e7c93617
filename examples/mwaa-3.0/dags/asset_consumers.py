from airflow.sdk import Asset, asset, dag, task


@asset(schedule=[Asset("s3://acme-lake/orders/")], uri="s3://acme-lake/order_stats/")
def order_stats(context):
    event = context["inlet_events"][Asset("s3://acme-lake/orders/")][-1]
    print("recomputing stats after", event.timestamp)


@dag(schedule=order_stats, tags=["orders"])
def publish_order_stats():
    @task
    def publish(triggering_asset_events=None):
        for asset_uri, events in triggering_asset_events.items():
            print(asset_uri, len(events))

    publish()


publish_order_stats()

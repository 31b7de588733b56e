"""
### warehouse_daily_summary

An example downstream DAG: whenever `news_ingest` (or `news_ingest_daily`) loads
articles, Airflow's asset events trigger this DAG, which rebuilds
`warehouse.daily_source_summary` (articles, copies and words per source and day of
publication). The load's counts travel with the asset event (see the asset's page).
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

ARTICLES = Asset("wirehouse://warehouse/articles")  # emitted by news_ingest's load task


@dag(
    dag_id="warehouse_daily_summary",
    schedule=[ARTICLES],
    start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["wirehouse", "downstream"],
    doc_md=__doc__,
    default_args={"owner": "wirehouse", "retries": 2},
)
def warehouse_daily_summary():
    @task(doc_md="Rebuild warehouse.daily_source_summary in one transaction.")
    def refresh(**context) -> int:
        from wirehouse.summary import refresh_daily_source_summary

        for event in context["triggering_asset_events"].get(ARTICLES, []):
            print(f"triggered by {event.source_dag_id} {event.source_run_id}: {event.extra}")
        return refresh_daily_source_summary(context["dag_run"].run_after)  # asset-triggered runs have no logical date

    refresh()


warehouse_daily_summary()

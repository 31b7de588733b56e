"""
### wirehouse_maintenance

Daily retention (`wirehouse prune`): drops the monthly `raw.pages` partitions past
`WIREHOUSE_RAW_RETENTION_DAYS` (90) with their staged articles, the dedup anchors no
load can match any more, and `ops.*` history past `WIREHOUSE_OPS_RETENTION_DAYS` (365).
Never touches `warehouse.*`. The task's log lists what was freed. Rerunning a day is
harmless: what is gone stays gone, and nothing newer is touched.
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, task


@dag(
    dag_id="wirehouse_maintenance",
    schedule=CronDataIntervalTimetable("30 3 * * *", timezone="UTC"),
    start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["wirehouse", "maintenance"],
    doc_md=__doc__,
    default_args={"owner": "wirehouse", "retries": 2},
)
def wirehouse_maintenance():
    @task(doc_md="Apply the retention settings as of the end of the run's data interval.")
    def prune(**context) -> dict:
        from wirehouse.config import settings
        from wirehouse.db import connect
        from wirehouse.migrate import migrate
        from wirehouse.retention import prune as apply_retention

        with connect(autocommit=True) as conn:
            migrate(conn)
            report = apply_retention(conn, context["data_interval_end"], settings())
        for line in report.lines():
            print(line)
        return {"partitions": [p.name for p in report.partitions], "freed_bytes": report.freed_bytes,
                "rows": {t.table: t.rows for t in report.trimmed}}

    prune()


wirehouse_maintenance()

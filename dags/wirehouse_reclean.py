"""
### wirehouse_reclean

Re-extracts stored raw pages with the current extractor (`wirehouse reclean`) and updates
the articles' text and metadata in place, each change recorded in `ops.reextractions`.
Never creates an article version: a change made by the extractor is not the publisher's.
Trigger it by hand after upgrading wirehouse; the params narrow it to pages fetched since
a date (`since`, default: every stored page) or one source (`source`). Only pages still in
raw retention can be re-extracted. Rerunning is harmless: texts already produced by the
current extractor are skipped.
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Param, dag, task


@dag(
    dag_id="wirehouse_reclean",
    schedule=None,
    start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["wirehouse", "maintenance"],
    doc_md=__doc__,
    params={
        "since": Param(None, type=["null", "string"], format="date",
                       description="Only pages fetched on or after this date (default: all stored pages)"),
        "source": Param(None, type=["null", "string"], description="Only this source (default: all)"),
    },
    default_args={"owner": "wirehouse", "retries": 1},
)
def wirehouse_reclean():
    @task(doc_md="Re-extract the stored pages the current extractor would extract differently.")
    def reclean(**context) -> dict:
        from wirehouse.reclean import run_reclean

        params = context["params"]
        since = params.get("since")
        report = run_reclean(context["dag_run"].run_after,
                             datetime.fromisoformat(since).replace(tzinfo=timezone.utc) if since else None,
                             params.get("source") or None,
                             dag_id=context["dag"].dag_id, dag_run_id=context["run_id"])
        for line in report.lines():
            print(line)
        return report.counters

    reclean()


wirehouse_reclean()

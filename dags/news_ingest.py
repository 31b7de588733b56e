"""
### news_ingest

One run per hour of news: every source in `WIREHOUSE_SOURCES` (default `seeds/sources.yaml`)
is fetched, cleaned, deduplicated and loaded for the run's data interval
`[data_interval_start, data_interval_end)`.

| task | what it does | safe to rerun? |
|---|---|---|
| `prepare` | migrates the warehouse, validates the sources file, lists the sources | yes |
| `per_source.fetch` | Scrapy crawl of one source (feeds, sitemaps, sections) into `raw.pages` | yes: a new fetch replaces the old one for this interval |
| `per_source.clean` | trafilatura extraction of that fetch into `stage.articles` | yes |
| `dedup` | exact hashes and MinHash signatures of the interval's articles | yes |
| `load` | merges into `warehouse.*` in one transaction | yes: pages already decided are skipped |
| `report` | one summary line per source; fails the run if a source failed | yes |

To redo an interval, clear its run in the grid (or `airflow tasks clear news_ingest -s … -e …`):
the warehouse ends the same, never with duplicates.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, TriggerRule, dag, task, task_group

RETRIES = int(os.environ.get("WIREHOUSE_TASK_RETRIES", "3"))


def _interval(context):
    from wirehouse.runs import interval_from_context

    return interval_from_context(context)


def _ids(context) -> dict:
    return {"dag_id": context["dag"].dag_id, "dag_run_id": context["run_id"]}


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),  # early, so backfills can reach archived dates
    catchup=False,
    max_active_runs=4,
    tags=["wirehouse", "ingest"],
    doc_md=__doc__,
    default_args={
        "owner": "wirehouse",
        "retries": RETRIES,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=1),
    },
)
def news_ingest():
    @task(doc_md="Migrate the warehouse and list the sources to ingest.")
    def prepare() -> list[str]:
        from wirehouse.pipeline import prepare as run

        return run()

    @task_group(group_id="per_source")
    def per_source(source: str):
        @task(doc_md="Crawl one source for the interval; every response goes to raw.pages.")
        def fetch(source: str, **context) -> str:
            from wirehouse.pipeline import fetch as run

            run(source, _interval(context), **_ids(context))
            return source

        @task(doc_md="Extract articles from the source's fetch into stage.articles.")
        def clean(source: str, **context) -> dict:
            from wirehouse.pipeline import clean as run

            return run(source, _interval(context), **_ids(context))

        clean(fetch(source))

    @task(trigger_rule=TriggerRule.ALL_DONE, doc_md="Fingerprint the interval's articles for deduplication.")
    def dedup(**context) -> dict:
        from wirehouse.pipeline import dedup as run

        return run(_interval(context), **_ids(context))

    @task(doc_md="Merge the interval's articles into warehouse.* in one transaction.")
    def load(**context) -> dict:
        from wirehouse.pipeline import load as run

        return run(_interval(context), **_ids(context))

    @task(trigger_rule=TriggerRule.ALL_DONE, doc_md="Log one line per source; fail the run if a source failed.")
    def report(**context) -> None:
        from wirehouse.report import raise_for_failures, run_summary

        summary = run_summary(context["run_id"])
        for line in summary.lines():
            print(line)
        raise_for_failures(summary)

    sources = prepare()
    cleaned = per_source.expand(source=sources)
    loaded = load()
    cleaned >> dedup() >> loaded >> report()


news_ingest()

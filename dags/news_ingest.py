"""
### news_ingest

Fetches, cleans, deduplicates and loads news for the run's data interval
`[data_interval_start, data_interval_end)`. One DAG per cadence: `news_ingest` runs
hourly for the sources with `cadence: hourly` (the default) in `WIREHOUSE_SOURCES`,
`news_ingest_daily` daily for those with `cadence: daily`.

| task | what it does | safe to rerun? |
|---|---|---|
| `prepare` | migrates the warehouse, validates the sources file, lists this cadence's sources | yes |
| `per_source.fetch` | Scrapy crawl of one source (feeds, sitemaps, sections) into `raw.pages` | yes: a new fetch replaces the old one for this interval |
| `per_source.clean` | trafilatura extraction of that fetch into `stage.articles` | yes |
| `fingerprint` | exact hashes and sampled shingles (the near-duplicate fingerprint) of the interval's articles into `stage.fingerprints` | yes |
| `load` | decides each article's fate (`dedup/`: new, copy, version, unchanged) and applies the decisions to `warehouse.*` in one transaction; emits the warehouse assets | yes: pages already decided are skipped |
| `report` | one summary line per source; fails the run if a source failed | yes |

**Rerun an interval**: clear its run in the grid. **Catch up** on a wide window (a new
source's archive, a month of missed intervals) in one run: trigger with the params `from`
(and `to`, default: now), e.g. `{"from": "2026-01-01", "to": "2026-03-01", "sources": ["name"]}`,
or `wirehouse run --from … --to …`. **Backfill** interval by interval: `airflow backfill create
--dag-id news_ingest --from-date … --to-date …`; add `--dag-run-conf '{"sources": ["name"]}'`
to ingest only some sources. Reruns never duplicate rows.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, TriggerRule, dag, task, task_group

from wirehouse.sources import CADENCES  # light: the sources module imports only yaml

RETRIES = int(os.environ.get("WIREHOUSE_TASK_RETRIES", "3"))
WAREHOUSE_ASSETS = {
    "articles": Asset("wirehouse://warehouse/articles"),
    "article_copies": Asset("wirehouse://warehouse/article_copies"),
}


def _interval(context):
    from wirehouse.runs import interval_from_context

    return interval_from_context(context)


def _ids(context) -> dict:
    return {"dag_id": context["dag"].dag_id, "dag_run_id": context["run_id"]}


def _record_failure(context) -> None:
    from wirehouse.runs import record_task_failure

    record_task_failure(context)


def ingest_dag(cadence: str, dag_id: str, cron: str):
    @dag(
        dag_id=dag_id,
        schedule=CronDataIntervalTimetable(cron, timezone="UTC"),
        start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),  # early, so backfills can reach archived dates
        catchup=False,
        max_active_runs=4,
        tags=["wirehouse", "ingest", cadence],
        doc_md=__doc__,
        params={
            "sources": Param([], type="array", description="Only these sources (default: all of this cadence)"),
            "from": Param(None, type=["null", "string"],
                          description="Catch-up run: ingest [from, to) instead of the data interval (ISO date, UTC)"),
            "to": Param(None, type=["null", "string"], description="End of the catch-up window (default: now)"),
        },
        default_args={
            "owner": "wirehouse",
            "retries": RETRIES,
            "retry_delay": timedelta(minutes=1),
            "retry_exponential_backoff": 2.0,
            "max_retry_delay": timedelta(minutes=30),
            "execution_timeout": timedelta(hours=1),
            "on_failure_callback": _record_failure,
        },
    )
    def news_ingest():
        @task(doc_md="Migrate the warehouse and list this cadence's sources (or those named in the run's conf).")
        def prepare(**context) -> list[str]:
            from wirehouse.pipeline import prepare as run

            print(f"ingesting {_interval(context)}")  # a catch-up window that cannot be ingested fails here
            return run(cadence, only=context["params"].get("sources") or None)

        @task_group(group_id="per_source")
        def per_source(source: str):
            @task(doc_md="Crawl one source for the interval; every response goes to raw.pages.",
                  max_active_tis_per_dagrun=4)
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
        def fingerprint(**context) -> dict:
            from wirehouse.pipeline import fingerprint as run

            return run(_interval(context), **_ids(context))

        @task(outlets=list(WAREHOUSE_ASSETS.values()),
              doc_md="Decide each article's fate (dedup/: new, copy, version, unchanged) and apply the decisions"
                     " to warehouse.* in one transaction.")
        def load(**context) -> dict:
            from wirehouse.pipeline import load as run

            counters = run(_interval(context), **_ids(context))
            events = context["outlet_events"]
            events[WAREHOUSE_ASSETS["articles"]].extra = {
                key: counters.get(key, 0) for key in ("new", "version", "unchanged")}
            events[WAREHOUSE_ASSETS["article_copies"]].extra = {"copy": counters.get("copy", 0)}
            return counters

        @task(trigger_rule=TriggerRule.ALL_DONE, doc_md="Log one line per source; fail the run if a source failed.")
        def report(**context) -> None:
            from wirehouse.report import raise_for_failures, run_summary

            summary = run_summary(context["run_id"])
            for line in summary.lines():
                print(line)
            raise_for_failures(summary)

        sources = prepare()
        cleaned = per_source.expand(source=sources)
        cleaned >> fingerprint() >> load() >> report()

    return news_ingest()


for _cadence, (_dag_id, _cron) in CADENCES.items():
    ingest_dag(_cadence, _dag_id, _cron)

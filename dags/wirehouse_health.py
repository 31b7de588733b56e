"""
### wirehouse_health

Daily source health (`wirehouse health`): judges every source of the sources file on the UTC
day before the end of the run's data interval (the 06:00 run judges yesterday), against the
source's own usual over `WIREHOUSE_HEALTH_HISTORY_DAYS` (14). The task's log has the table;
the task **fails** when a source needs a person, naming each one and why, so Airflow's failure
notifications (an `on_failure_callback`, a notifier, email) tell someone. It is not retried:
a rerun judges the same day the same way.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, task


@dag(
    dag_id="wirehouse_health",
    schedule=CronDataIntervalTimetable("0 6 * * *", timezone="UTC"),
    start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["wirehouse", "maintenance"],
    doc_md=__doc__,
    default_args={"owner": "wirehouse", "retries": 0},
)
def wirehouse_health():
    @task(doc_md="Judge each source's day; fail naming the sources that need a person.")
    def judge(**context) -> dict:
        from wirehouse.config import settings
        from wirehouse.db import connect
        from wirehouse.health import raise_for_attention, source_health, table
        from wirehouse.migrate import migrate
        from wirehouse.sources import load_sources

        config = settings()
        day = (context["data_interval_end"].astimezone(timezone.utc) - timedelta(days=1)).date()
        with connect(autocommit=True) as conn:
            migrate(conn)
            judged = source_health(conn, day, config.health_history_days,
                                   [s.name for s in load_sources(config.sources_file)])
        print(table(judged, config.health_history_days))
        raise_for_attention(judged)
        return {h.source: h.verdict for h in judged}

    judge()


wirehouse_health()

"""`wirehouse run`: one full ingest through the news_ingest DAG (`airflow dags test`)."""
from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata
from wirehouse.config import settings
from wirehouse.db import connect
from wirehouse.migrate import migrate
from wirehouse.report import RunSummary, run_summary
from wirehouse.runs import Interval
from wirehouse.sources import CADENCES, SourcesError, expand_env, read_sources_file



@contextlib.contextmanager
def replay_server_if_needed(replay_url: str):
    """Serve the offline replay on its configured address unless something already does."""
    try:
        urllib.request.urlopen(f"{replay_url}/robots.txt", timeout=2).close()
        yield
        return
    except OSError:
        pass
    from wirehouse.replay import ReplayServer

    address = urlsplit(replay_url)
    with ReplayServer(host=address.hostname, port=address.port or 80):
        yield


def run_ingest(logical_date: datetime | None = None, log_dir: Path | None = None, window: Interval | None = None,
               only: list[str] | None = None) -> list[RunSummary]:
    """Run each cadence's DAG that has sources once, for the interval before logical_date, or as a
    catch-up over `window`; only the sources named in `only`, if given."""
    config = settings()
    sources_file = read_sources_file(config.sources_file)
    known = {source.name for source in sources_file.sources}
    if only and set(only) - known:
        raise SourcesError(f"unknown source(s): {', '.join(sorted(set(only) - known))}"
                           f" (the sources file {config.sources_file} has {', '.join(sorted(known))})")
    if window is not None:
        logical_date = datetime.now(timezone.utc)  # the run's time: a catch-up's window ends at or before it
    logical_date = logical_date or sources_file.replay_logical_date or datetime.now(timezone.utc)
    conf = {"sources": only or []}
    if window is not None:
        conf.update({"from": window.start.isoformat(), "to": window.end.isoformat()})
    log_dir = log_dir or config.state_dir / "logs"
    log_file = log_dir / f"run-{time.strftime('%Y%m%dT%H%M%S')}.log"

    with connect(autocommit=True) as conn:
        migrate(conn)
        last_run = conn.execute("select coalesce(max(run_id), 0) from ops.runs").fetchone()[0]
    env = airflow_env()
    # One pass, no waiting for retries: a by-hand run reports failures at once.
    env.setdefault("WIREHOUSE_TASK_RETRIES", "0")
    migrate_metadata(env, log_dir / "airflow-db-migrate.log")

    replay = (contextlib.nullcontext() if sources_file.replay_logical_date is None
              else replay_server_if_needed(expand_env("${WIREHOUSE_REPLAY_URL}")))
    cadences = sorted({source.cadence for source in sources_file.sources if not only or source.name in only})
    with replay, open(log_file, "wb") as log:
        for cadence in cadences:
            airflow(["dags", "test", CADENCES[cadence][0], logical_date.isoformat(), "--conf", json.dumps(conf)],
                    env, stdout=log, stderr=subprocess.STDOUT)

    summaries = []
    with connect() as conn:
        for cadence in cadences:
            row = conn.execute(
                "select dag_run_id from ops.runs where run_id > %s and dag_id = %s order by run_id desc limit 1",
                (last_run, CADENCES[cadence][0])).fetchone()
            if row is None:
                raise RuntimeError(f"the {CADENCES[cadence][0]} run recorded nothing; see {log_file}")
            summaries.append(run_summary(row[0], log_file))
    return summaries

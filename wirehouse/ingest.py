"""`wirehouse run`: one full ingest through the news_ingest DAG (`airflow dags test`)."""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata
from wirehouse.config import settings
from wirehouse.db import connect
from wirehouse.migrate import migrate
from wirehouse.report import RunSummary, run_summary
from wirehouse.runs import Interval
from wirehouse.sources import CADENCES, Source, SourcesError, expand_env, read_sources_file



class Offline(RuntimeError):
    """No source's host name resolves: the machine has no network (or no DNS)."""


DNS_TIMEOUT = 5.0  # seconds for all the sources' host names together


def unresolvable_sources(sources: list[Source]) -> dict[str, str]:
    """Each source none of whose host names resolve → why, looked up concurrently. Sources allowed
    private addresses (served on this machine, like the replay) are not checked."""
    hosts = {s.name: sorted({urlsplit(u).hostname or "" for u in (*s.feeds, *s.sitemaps, *s.start_pages)} - {""})
             for s in sources if s.allow_private_addresses is not True}
    pool = ThreadPoolExecutor(max_workers=16)
    lookups = {host: pool.submit(socket.getaddrinfo, host, None) for names in hosts.values() for host in names}
    wait(lookups.values(), timeout=DNS_TIMEOUT)
    pool.shutdown(wait=False, cancel_futures=True)

    def failure(host: str) -> str | None:
        lookup = lookups[host]
        if not lookup.done():
            return f"DNS lookup of {host} timed out"
        return f"DNS lookup of {host} failed: {lookup.exception()}" if lookup.exception() else None

    found = {}
    for name, names in hosts.items():
        failures = [failure(h) for h in names]
        if names and all(failures):
            found[name] = failures[0]
    return found


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
    chosen = [s for s in sources_file.sources if not only or s.name in only]
    unresolvable = unresolvable_sources(chosen)
    if chosen and len(unresolvable) == len(chosen):
        raise Offline("\n".join(f"{name}: {reason}" for name, reason in sorted(unresolvable.items())))
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

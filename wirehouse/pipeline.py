"""The four stages the DAG runs, each a transaction keyed by (source, data interval):
fetch → clean → fingerprint → load, where load decides each page's fate with dedup/ and applies
it. Tasks pass nothing but small summaries; data moves through PostgreSQL (raw.pages → stage.articles → warehouse.*), never a worker's disk.
"""
from __future__ import annotations

import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

import psycopg

from wirehouse.cleaning import (CLEAN_BATCH, RawPage, clean_workers, cleaning_rules, extract_raw, extraction_pool,
                                stage_article, storable)
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import connect, database_url
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.loading import load_interval
from wirehouse.migrate import migrate
from wirehouse.runs import Interval, current_fetch_runs, recorded_run
from wirehouse.sources import Source, load_sources, source_by_name

log = logging.getLogger(__name__)
FETCH_TIMEOUT_SECONDS = int(os.environ.get("WIREHOUSE_FETCH_TIMEOUT", "3300"))
CLEAN_LOCK_KEY = 0x7768636C  # "whcl", with the source's hash: one clean of a source at a time


class FetchFailed(RuntimeError):
    """No page of the source could be fetched; the message says why."""


def prepare(cadence: str, only: list[str] | None = None) -> list[str]:
    """Migrate the warehouse and name the sources of this cadence to ingest (validates the sources file)."""
    sources = load_sources(settings().sources_file)
    if only:
        unknown = set(only) - {s.name for s in sources}
        if unknown:
            raise ValueError(f"unknown source(s) in the run's conf: {', '.join(sorted(unknown))}")
    with connect(autocommit=True) as conn:
        migrate(conn)
    return [s.name for s in sources if s.cadence == cadence and (not only or s.name in only)]


def _source(name: str) -> Source:
    return source_by_name(load_sources(settings().sources_file), name)


def fetch(source_name: str, interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    started = time.monotonic()
    env = {**os.environ, "WIREHOUSE_DATABASE_URL": database_url(), "PYTHONPATH": str(PROJECT_ROOT)}
    with connect(autocommit=True) as conn, recorded_run(conn, "fetch", interval, source_name, dag_id, dag_run_id) as run:
        command = [sys.executable, "-m", "scrapers.crawl", "--source", source_name,
                   "--start", interval.start.isoformat(), "--end", interval.end.isoformat(),
                   "--run-id", str(run.run_id)]
        returncode = _run_logged(command, env)
        if returncode is None:
            raise FetchFailed(f"{source_name}: the crawl took longer than {FETCH_TIMEOUT_SECONDS} s")
        for kind, n in conn.execute(
            "select kind, count(*) from raw.pages where run_id = %s group by kind", (run.run_id,)
        ):
            run.count(f"pages_{kind}", n)
        failures = conn.execute(
            "select reason, count(*), min(url) from ops.rejects where run_id = %s group by reason order by 2 desc",
            (run.run_id,),
        ).fetchall()
        run.count("pages", sum(v for k, v in run.counters.items() if k.startswith("pages_")))
        run.count("fetch_failures", sum(n for _, n, _ in failures))
        run.counters["seconds"] = round(time.monotonic() - started, 1)
        if returncode != 0:
            raise FetchFailed(f"{source_name}: the crawler exited with status {returncode}")
        if run.counters["pages"] == 0 and failures:
            detail = "; ".join(f"{reason} ({n}×, e.g. {url})" for reason, n, url in failures[:3])
            raise FetchFailed(f"{source_name}: no page could be fetched: {detail}")
        log.info("fetch %s %s: %s", source_name, interval, run.counters)
        return run.counters


def _run_logged(command: list[str], env: dict[str, str]) -> int | None:
    """Run the crawl, passing its output line by line to our log; None if it ran out of time.

    The output is piped rather than inherited: under Celery a task's own stdout may be closed,
    and Airflow would show a child's stderr lines as errors.
    """
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    timer = threading.Timer(FETCH_TIMEOUT_SECONDS, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            log.info("%s", line.rstrip())
        process.wait()
    finally:
        timer.cancel()
    return None if process.returncode == -signal.SIGKILL else process.returncode


def clean(source_name: str, interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    """Extract every not-yet-decided page of the source's current fetch into stage.articles."""
    started = time.monotonic()
    source = _source(source_name)
    rules = cleaning_rules(source)
    with connect(autocommit=True) as conn, recorded_run(conn, "clean", interval, source_name, dag_id, dag_run_id) as run:
        fetch_run = current_fetch_runs(conn, interval).get(source_name)
        if fetch_run is None:
            raise RuntimeError(f"{source_name}: no successful fetch for {interval}; run fetch first")
        with connect() as work, work.transaction():
            # two runs of one interval (a backfill racing the schedule) may clean the same fetch:
            # one at a time, the second sees the first's decisions and skips those pages
            work.execute("select pg_advisory_xact_lock(%s, hashtext(%s))", (CLEAN_LOCK_KEY, source_name))
            pages = work.cursor(name="pages_to_clean")
            pages.execute(
                "select p.page_id, p.kind, p.url, p.final_url, p.status, p.headers, p.body, p.fetched_at"
                " from raw.pages p where p.run_id = %s"
                " and not exists (select 1 from ops.page_outcomes o where o.page_id = p.page_id)"
                " order by p.page_id",
                (fetch_run,),
            )
            writer = work.cursor()
            batches = iter(lambda: [RawPage(*row) for row in pages.fetchmany(CLEAN_BATCH)], [])
            first = next(batches, [])
            # extraction in worker processes, one batch ahead of the writes; a source that fits
            # in one batch is not worth starting them
            with extraction_pool(clean_workers() if len(first) == CLEAN_BATCH else 1) as pool:
                pending = None
                for batch in itertools.chain([first] if first else [], batches):
                    ahead = batch, [pool.submit(extract_raw, raw.body, raw.final_url, rules, raw.headers.get("content-type"))
                                    if raw.extractable else None for raw in batch]
                    if pending:
                        for raw, extracted in zip(*pending):
                            run.count(_clean_page(writer, fetch_run, source, rules, raw, extracted=extracted))
                    pending = ahead
                for raw, extracted in zip(*pending or ((), ())):
                    run.count(_clean_page(writer, fetch_run, source, rules, raw, extracted=extracted))
        run.counters["seconds"] = round(time.monotonic() - started, 1)
        log.info("clean %s %s: %s", source_name, interval, run.counters)
        return run.counters


def _clean_page(cur, run_id, source, rules, raw: RawPage, extracted: Future | None = None) -> str:
    page_id, kind, url, final_url, status, headers, body = (raw.page_id, raw.kind, raw.url, raw.final_url,
                                                            raw.status, raw.headers, raw.body)

    def decide(outcome: str, detail: str) -> str:
        cur.execute(
            "insert into ops.page_outcomes (page_id, run_id, source, url, outcome, detail)"
            " values (%s, %s, %s, %s, %s, %s)",
            (page_id, run_id, source.name, url, outcome, detail),
        )
        return outcome

    def reject(reason: str, detail: str | None = None) -> str:
        cur.execute(
            "insert into ops.rejects (run_id, page_id, source, url, stage, reason, detail, raw)"
            " values (%s, %s, %s, %s, 'clean', %s, %s, %s) on conflict do nothing",
            (run_id, page_id, source.name, url, reason, storable(detail), body),
        )
        return decide("rejected", reason)

    if kind != "article":
        return decide("not_article", f"{kind} page")
    if status != 200:
        return reject(f"HTTP {status}")
    content_type = headers.get("content-type", "text/html")
    if "html" not in content_type.lower():
        return reject("not HTML", f"content-type: {content_type}")
    if not body:
        return reject("empty body")
    page = extracted.result() if extracted is not None else extract_raw(body, final_url, rules, content_type)
    if isinstance(page, str):
        return reject("extraction failed", page)
    if not page.is_article:
        return decide("not_article", storable(page.reason) or "not an article")
    try:
        with cur.connection.transaction():  # a savepoint: one page the database refuses is one reject
            stage_article(cur, run_id, source.name, page_id, url, final_url, raw.fetched_at, page)
    except (psycopg.DataError, UnicodeEncodeError) as exc:
        return reject("unstorable", f"{type(exc).__name__}: {exc}")
    return "extracted"


def fingerprint(interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    """Fingerprint the interval's extracted articles: hashes, body anchors, boilerplate lines."""
    started = time.monotonic()
    with (connect(autocommit=True) as conn,
          recorded_run(conn, "fingerprint", interval, None, dag_id, dag_run_id) as run):
        runs = list(current_fetch_runs(conn, interval).values())
        with connect() as work, work.transaction():
            run.counters.update(fingerprint_stage(work, runs))
        run.counters["seconds"] = round(time.monotonic() - started, 1)
        return run.counters


def load(interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    """Decide each of the interval's articles (dedup/: new, copy, version, unchanged) and apply the
    decisions to warehouse.* in one transaction."""
    started = time.monotonic()
    ranks = {s.name: s.rank for s in load_sources(settings().sources_file)}
    with connect(autocommit=True) as conn, recorded_run(conn, "load", interval, None, dag_id, dag_run_id) as run:
        runs = list(current_fetch_runs(conn, interval).values())
        with connect() as work, work.transaction():
            run.counters.update(load_interval(work, runs, interval, ranks))
        run.counters["seconds"] = round(time.monotonic() - started, 1)
        log.info("load %s: %s", interval, run.counters)
        return run.counters

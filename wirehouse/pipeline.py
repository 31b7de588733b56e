"""The four stages the DAG runs: fetch → clean → fingerprint → load, where load decides each
page's fate with dedup/ and applies it. Fetch and clean run per shard of sources (one crawl
process, one extraction pool), each source within them its own transaction and ops.runs row keyed
by (source, data interval). Tasks pass nothing but small summaries; data moves through PostgreSQL
(raw.pages → stage.articles → warehouse.*), never a worker's disk.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

import psycopg

from extract import extractor_version
from wirehouse.cleaning import (CLEAN_BATCH, RawPage, Staged, cleaning_rules, extract_raw, extraction_pool,
                                stage_articles, storable)
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import connect, database_url
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.loading import load_interval
from wirehouse.migrate import migrate
from wirehouse.queries import queries
from wirehouse.runs import Interval, current_fetch_runs, finish_run, recorded_run, start_run
from wirehouse.sources import Source, load_sources, source_by_name
from wirehouse.workers import worker_count

log = logging.getLogger(__name__)
Q = queries("stages")
FETCH_TIMEOUT_SECONDS = int(os.environ.get("WIREHOUSE_FETCH_TIMEOUT", "3300"))
CLEAN_LOCK_KEY = 0x7768636C  # "whcl", with the source's hash: one clean of a source at a time


class FetchFailed(RuntimeError):
    """No page of the source could be fetched; the message says why."""


def prepare(cadence: str, only: list[str] | None = None) -> list[list[str]]:
    """Migrate the warehouse and cut the sources of this cadence to ingest into WIREHOUSE_SHARDS
    shards (validates the sources file)."""
    sources = load_sources(settings().sources_file)
    if only:
        unknown = set(only) - {s.name for s in sources}
        if unknown:
            raise ValueError(f"unknown source(s) in the run's conf: {', '.join(sorted(unknown))}")
    with connect(autocommit=True) as conn:
        migrate(conn)
    return shards([s.name for s in sources if s.cadence == cadence and (not only or s.name in only)],
                  settings().shards)


def shards(names: list[str], count: int) -> list[list[str]]:
    """The sources cut into at most `count` shards of near-equal size, by name."""
    ordered = sorted(names)
    return [ordered[i::count] for i in range(min(count, len(ordered)))]


def fetch_shard(names: list[str], interval: Interval, dag_id: str | None = None,
                dag_run_id: str | None = None) -> dict[str, dict]:
    """Crawl the sources in one process, each into a fetch run of its own (ops.runs); the counters
    of each. A source of which no page could be fetched ends its run failed with the reasons
    (FetchFailed's message, also its counters' `error`) while the others go on; a crawl that fails
    as a whole raises."""
    started = time.monotonic()
    env = {**os.environ, "WIREHOUSE_DATABASE_URL": database_url(), "PYTHONPATH": str(PROJECT_ROOT)}
    with connect(autocommit=True) as conn:
        runs = {name: start_run(conn, "fetch", interval, name, dag_id, dag_run_id) for name in names}
        try:
            returncode = _run_logged([sys.executable, "-m", "scrapers.crawl", "--runs-from-stdin",
                                      "--start", interval.start.isoformat(), "--end", interval.end.isoformat()],
                                     env, stdin=json.dumps(runs))
            if returncode is None:
                raise FetchFailed(f"{', '.join(names)}: the crawl took longer than {FETCH_TIMEOUT_SECONDS} s")
            if returncode != 0:
                raise FetchFailed(f"{', '.join(names)}: the crawler exited with status {returncode}")
        except BaseException as exc:
            for run_id in runs.values():
                finish_run(conn, run_id, "failed", {}, f"{type(exc).__name__}: {exc}")
            raise
        counters = _fetch_counters(conn, runs, round(time.monotonic() - started, 1))
        for name, run_id in runs.items():
            error = counters[name].get("error")
            recorded = {k: v for k, v in counters[name].items() if k != "error"}
            finish_run(conn, run_id, "failed" if error else "success", recorded, error)
            log.info("fetch %s %s: %s%s", name, interval, recorded, f" FAILED: {error}" if error else "")
    return counters


def _fetch_counters(conn: psycopg.Connection, runs: dict[str, int], seconds: float) -> dict[str, dict]:
    """Per source: pages by kind, fetch failures, and the error when no page could be fetched."""
    source_of = {run_id: name for name, run_id in runs.items()}
    counters: dict[str, dict] = {name: {} for name in runs}
    for run_id, kind, n, not_modified in conn.execute(Q.pages_by_kind, {"runs": list(source_of)}):
        counters[source_of[run_id]][f"pages_{kind}"] = n
        if not_modified:  # listings asked for only if they changed: one request, nothing parsed
            c = counters[source_of[run_id]]
            c["listings_not_modified"] = c.get("listings_not_modified", 0) + not_modified
    failures: dict[str, list[tuple[str, int, str]]] = {name: [] for name in runs}
    for run_id, reason, n, url in conn.execute(Q.fetch_failures, {"runs": list(source_of)}):
        failures[source_of[run_id]].append((reason, n, url))
    for name, c in counters.items():
        c["pages"] = sum(v for k, v in c.items() if k.startswith("pages_"))
        c["fetch_failures"] = sum(n for _, n, _ in failures[name])
        c["seconds"] = seconds
        if c["pages"] == 0 and failures[name]:
            detail = "; ".join(f"{reason} ({n}×, e.g. {url})" for reason, n, url in failures[name][:3])
            c["error"] = f"FetchFailed: {name}: no page could be fetched: {detail}"
    return counters


def fetch(source_name: str, interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    """fetch_shard of one source; raises FetchFailed when no page of it could be fetched."""
    counters = fetch_shard([source_name], interval, dag_id, dag_run_id)[source_name]
    if "error" in counters:
        raise FetchFailed(counters["error"].removeprefix("FetchFailed: "))
    return counters


def _run_logged(command: list[str], env: dict[str, str], stdin: str = "") -> int | None:
    """Run the crawl with `stdin` as its input, passing its output line by line to our log; None if
    it ran out of time.

    The output is piped rather than inherited: under Celery a task's own stdout may be closed,
    and Airflow would show a child's stderr lines as errors.
    """
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    timer = threading.Timer(FETCH_TIMEOUT_SECONDS, process.kill)
    timer.start()
    try:
        process.stdin.write(stdin)  # read whole by the crawl before it logs much: no deadlock
        process.stdin.close()
        for line in process.stdout:
            log.info("%s", line.rstrip())
        process.wait()
    finally:
        timer.cancel()
    return None if process.returncode == -signal.SIGKILL else process.returncode


def clean_shard(names: list[str], interval: Interval, dag_id: str | None = None,
                dag_run_id: str | None = None) -> dict[str, dict]:
    """Extract every not-yet-decided page of each source's current fetch into stage.articles, with
    one pool of extraction processes for all of them (its models loaded once), kept busy across
    the sources: the next batch, whichever source it is of, is extracting while one is written.
    A source whose fetch failed has nothing to clean and is skipped; the counters of each source
    cleaned. Each source is its own transaction and ops.runs row, as if it were a task."""
    sources = {s.name: s for s in load_sources(settings().sources_file) if s.name in names}
    counters = {}
    with connect(autocommit=True) as conn:
        fetch_runs = {name: run for name, run in current_fetch_runs(conn, interval).items() if name in names}
        pending_pages, = conn.execute(Q.pages_to_clean_count, {"runs": list(fetch_runs.values())}).fetchone()
        # worker processes only for enough pages to keep them busy: a small shard is extracted here
        with extraction_pool(worker_count() if pending_pages >= CLEAN_BATCH else 1) as pool, \
                contextlib.ExitStack() as open_sources:
            pending = None  # (source, batch, extractions): written once the next batch is submitted
            for name in sorted(fetch_runs):
                source = open_sources.enter_context(
                    _SourceClean(conn, sources[name], fetch_runs[name], interval, dag_id, dag_run_id))
                for batch in source.batches():
                    ahead = source, batch, source.submit(pool, batch)
                    if pending:
                        _write(*pending, counters)
                    pending = ahead
                source.exhausted = True
                if pending is None or pending[0] is not source:
                    counters[name] = source.close()
            if pending:
                _write(*pending, counters)
    return counters


def _write(source: "_SourceClean", batch: list[RawPage], extractions: list, counters: dict) -> None:
    source.write(batch, extractions)
    if source.exhausted:  # its last batch: every earlier one was written before it
        counters[source.source.name] = source.close()


class _SourceClean(contextlib.AbstractContextManager):
    """One source's part of a clean: its ops.runs row, and a transaction holding its lock, reading
    its fetch's undecided pages and writing their outcomes."""

    def __init__(self, conn: psycopg.Connection, source: Source, fetch_run: int, interval: Interval,
                 dag_id: str | None, dag_run_id: str | None):
        self.source, self.fetch_run, self.rules = source, fetch_run, cleaning_rules(source)
        self.version = extractor_version(self.rules)
        self.started, self.exhausted, self.closed = time.monotonic(), False, False
        self.stack = contextlib.ExitStack()
        self.run = self.stack.enter_context(recorded_run(conn, "clean", interval, source.name, dag_id, dag_run_id))
        work = self.stack.enter_context(connect())
        self.stack.enter_context(work.transaction())
        # No JIT compilation, as in the load: once raw.pages holds ~10k pages the reuse check's cost
        # estimate passes jit_above_cost, and compiling it for every batch took the server a quarter
        # of a core from the extraction (bench.clean_task --pages 10000: 0.86-0.89 of a bare pool, 0.96 without)
        work.execute("set local jit = off")
        # two runs of one interval (a backfill racing the schedule) may clean the same fetch:
        # one at a time, the second sees the first's decisions and skips those pages
        work.execute("select pg_advisory_xact_lock(%s, hashtext(%s))", (CLEAN_LOCK_KEY, source.name))
        self.pages = work.cursor(name="pages_to_clean", binary=True)  # bytea as bytes, not hex text
        self.pages.execute(Q.pages_to_clean, {"run": fetch_run, "version": self.version})
        self.writer = work.cursor()
        self.interval = interval

    def batches(self):
        return iter(lambda: [RawPage(*row) for row in self.pages.fetchmany(CLEAN_BATCH)], [])

    def submit(self, pool, batch: list[RawPage]) -> list:
        reused = _reuse_extractions(self.writer, batch, self.version)
        self.run.count("reused", len(reused))
        return [REUSED if raw.page_id in reused else
                pool.submit(extract_raw, raw.body, raw.final_url, self.rules, raw.content_type)
                if raw.extractable else None for raw in batch]

    def write(self, batch: list[RawPage], extractions: list) -> None:
        """Record each page's outcome, the articles staged together (one statement for the batch)."""
        articles = []
        for raw, extracted in zip(batch, extractions):
            decided = _decide_page(self.writer, self.fetch_run, self.source.name, raw, extracted)
            if isinstance(decided, Staged):
                articles.append(decided)
            else:
                self.run.count(decided)
        refused = stage_articles(self.writer, articles)
        for article in articles:
            why = refused.get(article.raw.page_id)
            self.run.count(_reject(self.writer, self.fetch_run, self.source.name, article.raw, "unstorable", why)
                           if why else "extracted")

    def close(self) -> dict:
        """Commit, and end the source's run as a success; its counters."""
        self.run.counters["seconds"] = round(time.monotonic() - self.started, 1)
        self.closed = True
        self.stack.close()
        log.info("clean %s %s: %s", self.source.name, self.interval, self.run.counters)
        return self.run.counters

    def __exit__(self, *exc) -> bool | None:
        if not self.closed:  # the shard failed while this source was open: roll back, run failed
            self.closed = True
            return self.stack.__exit__(*exc)
        return None


def clean(source_name: str, interval: Interval, dag_id: str | None = None, dag_run_id: str | None = None) -> dict:
    """clean_shard of one source; raises when the source has no successful fetch for the interval."""
    counters = clean_shard([source_name], interval, dag_id, dag_run_id)
    if source_name not in counters:
        source_by_name(load_sources(settings().sources_file), source_name)  # an unknown name says so
        raise RuntimeError(f"{source_name}: no successful fetch for {interval}; run fetch first")
    return counters[source_name]


REUSED = object()  # the page's extraction was staged by _reuse_extractions


def _reuse_extractions(cur, batch: list[RawPage], version: str) -> set[int]:
    """Stage a copy of the previous extraction of each article page whose URL was fetched before with
    the same bytes and extracted by the same extractor version: a refetch of an unchanged page, as in
    every interval that finds nothing new, is not extracted again. The ids of those pages."""
    pages = [raw.page_id for raw in batch if raw.extractable]
    if not pages:
        return set()
    return {page_id for (page_id,) in cur.execute(Q.reuse_extractions, {"pages": pages, "version": version})}


def _decide_page(cur, run_id: int, source: str, raw: RawPage, extracted: Future | object | None) -> str | Staged:
    """The page's outcome, recorded; or, for an article page extracted now, the article to stage."""
    if raw.kind != "article":
        return _record(cur, run_id, source, raw, "not_article", f"{raw.kind} page")
    if raw.status != 200:
        return _reject(cur, run_id, source, raw, f"HTTP {raw.status}")
    if not raw.is_html:
        return _reject(cur, run_id, source, raw, "not HTML", f"content-type: {raw.content_type}")
    if not raw.body:
        return _reject(cur, run_id, source, raw, "empty body")
    if extracted is REUSED:
        return "extracted"
    page = extracted.result()
    if isinstance(page, str):
        return _reject(cur, run_id, source, raw, "extraction failed", page)
    if not page.is_article:
        return _record(cur, run_id, source, raw, "not_article", storable(page.reason) or "not an article")
    return Staged(run_id, source, raw, page)


def _record(cur, run_id: int, source: str, raw: RawPage, outcome: str, detail: str) -> str:
    cur.execute(Q.record_outcome, {"page_id": raw.page_id, "run_id": run_id, "source": source, "url": raw.url,
                                   "outcome": outcome, "detail": detail})
    return outcome


def _reject(cur, run_id: int, source: str, raw: RawPage, reason: str, detail: str | None = None) -> str:
    cur.execute(Q.reject_page, {"run_id": run_id, "page_id": raw.page_id, "source": source, "url": raw.url,
                                "reason": reason, "detail": storable(detail), "raw": raw.body})
    return _record(cur, run_id, source, raw, "rejected", reason)


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

"""The fingerprint task: hashes, anchors and lines of each staged article (stage.fingerprints).

A line is boilerplate for its source when it occurs in BOILERPLATE_MIN_PAGES or more of that
source's pages, counting those already loaded (dedup.source_lines) and this batch's new,
distinct URLs; it is left out of the body that anchors are taken from. Memory stays bounded:
texts are streamed twice, lines are counted in the database. The pure work on each page (its
words, line hashes, shingles) runs in a pool of worker processes, one per core, a few batches
ahead of the database; an interval of one batch is fingerprinted in the task's own process.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future

import psycopg

from dedup.fingerprints import fingerprint, line_hash, line_words
from wirehouse.queries import queries
from wirehouse.workers import ForkedPool, InProcess, worker_count

log = logging.getLogger(__name__)
Q = queries("dedup")
BOILERPLATE_MIN_PAGES = 3  # a line in this many pages (distinct URLs) of one source is its boilerplate
FINGERPRINT_BATCH = 200  # pages held in memory at once, per batch in flight
FINGERPRINT_COLUMNS = ("page_id", "content_hash", "body_hash", "anchors", "shingle_count", "line_hashes",
                       "story_terms")
FINGERPRINT_TYPES = ["int8", "text", "text", "int8[]", "int4", "int8[]", "text[]"]


def _fingerprint_rows(pages: list[tuple], boilerplate: dict[str, frozenset[int]]) -> list[tuple]:
    """The stage.fingerprints rows of (page_id, source, text, title) pages (runs in a worker)."""
    rows = []
    for page_id, source, text, title in pages:
        fp = fingerprint(text, boilerplate.get(source, ()), title or "")
        rows.append((page_id, fp.content_hash, fp.body_hash, fp.anchors, fp.shingle_count, fp.line_hashes,
                     fp.story_terms))
    return rows


def _line_sets(pages: list[tuple[str, str]]) -> list[tuple[str, list[int]]]:
    """(source, its distinct line hashes) of each (source, text) page (runs in a worker)."""
    return [(source, sorted({line_hash(tokens) for tokens in line_words(text)})) for source, text in pages]


class _PagePool:
    """Runs batch functions in forked worker processes, first forking at the second batch (an
    interval of one batch stays in this process), keeping at most one batch per worker plus one
    in flight: results come back in the order the batches went in."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: InProcess | ForkedPool = InProcess()

    def map(self, fn: Callable, batches: Iterator[tuple]) -> Iterator:
        in_flight: deque[Future] = deque()
        for number, args in enumerate(batches, start=1):
            if number > 1 and self.workers > 1 and isinstance(self.executor, InProcess):
                self.executor = ForkedPool(self.workers)  # once: later maps use the same workers
            in_flight.append(self.executor.submit(fn, *args))
            while len(in_flight) > self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def __enter__(self) -> "_PagePool":
        return self

    def __exit__(self, *exc) -> None:
        self.executor.__exit__(*exc)


def fingerprint_stage(conn: psycopg.Connection, fetch_runs: list[int]) -> dict:
    """Fingerprint the not-yet-fingerprinted stage.articles of `fetch_runs`."""
    counters: Counter[str] = Counter()
    with _PagePool(worker_count()) as pool:
        boilerplate = _boilerplate(conn, fetch_runs, pool)
        # two runs of one interval at once may fingerprint the same pages: written through a
        # temporary table and upserted, so the second writes the same values again
        conn.execute("create temp table if not exists new_fingerprints (like stage.fingerprints) on commit drop")
        conn.execute("truncate new_fingerprints")
        with conn.cursor(name="texts_to_fingerprint") as texts, conn.cursor() as writer:
            texts.execute(Q.pages_to_fingerprint, {"runs": fetch_runs})
            batches = iter(lambda: texts.fetchmany(FINGERPRINT_BATCH), [])
            work = ((pages, {s: boilerplate[s] for s in {page[1] for page in pages} if s in boilerplate})
                    for pages in ([(p[0], p[1], p[4], p[5]) for p in batch] for batch in batches))
            # one COPY per batch: the next batch is read (same connection) between two of them
            for rows in pool.map(_fingerprint_rows, work):
                with writer.copy(f"copy new_fingerprints ({', '.join(FINGERPRINT_COLUMNS)}) from stdin"
                                 " (format binary)") as copy:
                    copy.set_types(FINGERPRINT_TYPES)
                    for row in rows:
                        copy.write_row(row)
                counters["fingerprinted"] += len(rows)
    conn.execute(Q.upsert_fingerprints)
    counters["boilerplate_lines"] = sum(len(v) for v in boilerplate.values())
    conn.execute(Q.mark_fingerprinted, {"runs": fetch_runs})
    return dict(counters)


def _boilerplate(conn: psycopg.Connection, fetch_runs: list[int], pool: _PagePool) -> dict[str, frozenset[int]]:
    """Per source, the hashes of its boilerplate lines. The lines of the batch are counted by
    PostgreSQL: an interval of 100k pages holds millions of lines (1.2 GB when counted here)."""
    conn.execute("create temp table if not exists batch_lines (source text, line_hash bigint) on commit drop")
    conn.execute("truncate batch_lines")
    seen_urls: set[str] = set()

    def new_pages(batch: list[tuple]) -> list[tuple[str, str]]:
        """The (source, text) of the batch's pages at a URL neither the warehouse nor an earlier page has."""
        urls = sorted({p[2] for p in batch} | {p[3] for p in batch})
        known = {u for (u,) in conn.execute(Q.known_urls, {"urls": urls})}
        pages = []
        for _, source, canonical, url, text, _ in batch:
            if canonical in seen_urls or canonical in known or url in known:
                continue
            seen_urls.add(canonical)
            pages.append((source, text))
        return pages

    with conn.cursor(name="lines_to_count") as texts, conn.cursor() as writer:
        texts.execute(Q.pages_to_fingerprint, {"runs": fetch_runs})
        batches = iter(lambda: texts.fetchmany(FINGERPRINT_BATCH), [])
        # one COPY per batch: the next batch is read and its URLs looked up (same connection) between two
        for pages in pool.map(_line_sets, ((new_pages(batch),) for batch in batches)):
            with writer.copy("copy batch_lines (source, line_hash) from stdin (format binary)") as copy:
                copy.set_types(["text", "int8"])
                for source, lines in pages:
                    for line in lines:
                        copy.write_row((source, line))
    boilerplate: dict[str, set[int]] = defaultdict(set)
    for source, line in conn.execute(Q.boilerplate_lines, {"min_pages": BOILERPLATE_MIN_PAGES}):
        boilerplate[source].add(line)
    return {source: frozenset(lines) for source, lines in boilerplate.items()}


def refingerprint_if_stale(conn: psycopg.Connection, fetch_runs: list[int]) -> None:
    """Fingerprint again the runs whose fingerprint task ran before another run's load (migration 007)."""
    stale = [run for (run,) in conn.execute(Q.stale_runs, {"runs": fetch_runs})]
    if not stale:
        return
    conn.execute(Q.forget_fingerprints, {"runs": stale})
    log.info("fingerprints of runs %s went stale while another run loaded: fingerprinting again", stale)
    fingerprint_stage(conn, stale)

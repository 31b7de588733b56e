"""The load task: decide each staged page's fate with dedup/ and apply it to warehouse.*.

The database side of deduplication: `prefetch` reads what a batch may meet, `dedup.resolve`
decides (pure code), `apply` writes the decisions in bulk. All in the caller's transaction,
under an advisory lock, so that concurrent loads see each other's rows.
"""
from __future__ import annotations

import gc
from collections import Counter
from datetime import datetime, timedelta

import psycopg

from dedup.originals import UNRANKED, order_key
from dedup.resolve import Resolver, url_forms
from wirehouse.config import settings
from wirehouse.fingerprinting import fingerprint_stage, refingerprint_if_stale
from wirehouse.loading.apply import apply
from wirehouse.loading.prefetch import prefetch, staged_pages
from wirehouse.queries import queries
from wirehouse.reclean import reextract, stale_known_articles
from wirehouse.runs import Interval
from wirehouse.sources import load_sources

Q = queries("dedup")
LOCK_KEY = 0x77686C64  # "whld": loads are serialised so concurrent runs see each other's rows
LOAD_CHUNK = 5000  # pages decided at a time: memory stays bounded by the chunk


def load_interval(conn: psycopg.Connection, fetch_runs: list[int], interval: Interval,
                  ranks: dict[str, int]) -> dict:
    """Load the runs' staged articles not loaded yet, LOAD_CHUNK at a time, oldest evidence first.

    Each chunk is resolved against what the chunks before it wrote, as a separate batch would be:
    the result does not depend on where batches are cut (tests/test_fuzz.py)."""
    conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    # No JIT compilation for the load's statements: their cost estimates are high only because they
    # probe an index once per batch anchor or row, and compiling (0.2-1 s a statement) cost more
    # than running them (bench/dedup_scale.py).
    conn.execute("set local jit = off")
    refingerprint_if_stale(conn, fetch_runs)
    conn.execute(Q.count_load)
    rows = conn.execute(Q.pages_to_load, {"runs": fetch_runs}).fetchall()
    if any(missing for *_, missing in rows):
        # a clean of the same interval racing this run (a backfill and the schedule) staged a page
        # again after the fingerprint task, which forgets its fingerprint: compute it here, under the lock
        fingerprint_stage(conn, fetch_runs)
        rows = conn.execute(Q.pages_to_load, {"runs": fetch_runs}).fetchall()
    ids = [r[0] for r in sorted(rows, key=lambda r: _order(r, ranks))]
    counters: Counter[str] = Counter()
    for start in range(0, len(ids), LOAD_CHUNK):
        counters.update(load_pages(conn, ids[start:start + LOAD_CHUNK], interval, ranks))
    return dict(counters)


def _order(row: tuple, ranks: dict[str, int]) -> tuple:
    page_id, source, _, _, canonical, fetched_at, published_at, _ = row
    return (*order_key(published_at, fetched_at, ranks.get(source, UNRANKED), canonical), page_id)


def window_start(pages, interval: Interval) -> datetime:
    """Near and partial matches look back WIREHOUSE_DEDUP_LOOKBACK_DAYS from the earliest sighting."""
    earliest = min([interval.start, *(p.fetched_at for p in pages)])
    return earliest - timedelta(days=settings().lookback_days)


def load_pages(conn: psycopg.Connection, page_ids: list[int], interval: Interval, ranks: dict[str, int]) -> dict:
    """Decide and write one chunk of pages."""
    pages = staged_pages(conn, page_ids)
    counters = _reextract_met(conn, pages)
    known = prefetch(conn, pages, window_start(pages, interval), ranks)
    new_ids = [i for (i,) in conn.execute(Q.new_article_ids, {"n": len(pages)})]
    # Deciding allocates millions of small objects while the prefetched records stay alive: frozen,
    # they are not walked again by every collection (about a sixth of the decisions' time, bench-dedup).
    gc.freeze()
    try:
        resolution = Resolver(known, new_ids, ranks).resolve_all(pages)
    finally:
        gc.unfreeze()
    apply(conn, resolution, interval.end)
    return dict(counters + Counter(o.outcome for o in resolution.outcomes))


def _reextract_met(conn: psycopg.Connection, pages) -> Counter[str]:
    """Re-extract the stored text of each article the pages are known by that another extractor
    version produced, so a refetch is compared like with like (wirehouse/reclean.py)."""
    stale = stale_known_articles(conn, {p.page_id: url_forms(p.url, p.final_url, p.canonical_url)[1]
                                        for p in pages})
    if not stale:
        return Counter()
    sources = {s.name: s for s in load_sources(settings().sources_file)}
    done = reextract(conn, stale, sources, "refetch")
    return Counter({"reextracted": done["reextracted"], "reextraction_changed": done["changed"]})

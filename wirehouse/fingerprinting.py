"""The fingerprint task: hashes, anchors and lines of each staged article (stage.fingerprints).

A line is boilerplate for its source when it occurs in BOILERPLATE_MIN_PAGES or more of that
source's pages, counting those already loaded (dedup.source_lines) and this batch's new,
distinct URLs; it is left out of the body that anchors are taken from. Memory stays bounded:
texts are streamed twice, lines are counted in the database.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict

import psycopg

from dedup.fingerprints import fingerprint, line_hash, line_words
from wirehouse.queries import queries

log = logging.getLogger(__name__)
Q = queries("dedup")
BOILERPLATE_MIN_PAGES = 3  # a line in this many pages (distinct URLs) of one source is its boilerplate
FINGERPRINT_BATCH = 200  # pages held in memory at once


def fingerprint_stage(conn: psycopg.Connection, fetch_runs: list[int]) -> dict:
    """Fingerprint the not-yet-fingerprinted stage.articles of `fetch_runs`."""
    boilerplate = _boilerplate(conn, fetch_runs)
    counters: Counter[str] = Counter()
    # two runs of one interval at once may fingerprint the same pages: written through a
    # temporary table and upserted, so the second writes the same values again
    conn.execute("create temp table if not exists new_fingerprints (like stage.fingerprints) on commit drop")
    conn.execute("truncate new_fingerprints")
    with conn.cursor(name="texts_to_fingerprint") as texts, conn.cursor() as writer:
        texts.execute(Q.pages_to_fingerprint, {"runs": fetch_runs})
        while batch := texts.fetchmany(FINGERPRINT_BATCH):
            with writer.copy("copy new_fingerprints (page_id, content_hash, body_hash, anchors, shingle_count,"
                             " line_hashes, story_terms) from stdin") as copy:
                for page_id, source, _, _, text, title in batch:
                    fp = fingerprint(text, boilerplate.get(source, ()), title or "")
                    copy.write_row((page_id, fp.content_hash, fp.body_hash, fp.anchors, fp.shingle_count,
                                    fp.line_hashes, fp.story_terms))
            counters["fingerprinted"] += len(batch)
    conn.execute(Q.upsert_fingerprints)
    counters["boilerplate_lines"] = sum(len(v) for v in boilerplate.values())
    conn.execute(Q.mark_fingerprinted, {"runs": fetch_runs})
    return dict(counters)


def _boilerplate(conn: psycopg.Connection, fetch_runs: list[int]) -> dict[str, set[int]]:
    """Per source, the hashes of its boilerplate lines. The lines of the batch are counted by
    PostgreSQL: an interval of 100k pages holds millions of lines (1.2 GB when counted here)."""
    conn.execute("create temp table if not exists batch_lines (source text, line_hash bigint) on commit drop")
    conn.execute("truncate batch_lines")
    seen_urls: set[str] = set()
    with conn.cursor(name="lines_to_count") as texts, conn.cursor() as writer:
        texts.execute(Q.pages_to_fingerprint, {"runs": fetch_runs})
        while batch := texts.fetchmany(FINGERPRINT_BATCH):
            urls = sorted({p[2] for p in batch} | {p[3] for p in batch})
            known = {u for (u,) in conn.execute(Q.known_urls, {"urls": urls})}
            with writer.copy("copy batch_lines (source, line_hash) from stdin (format binary)") as copy:
                copy.set_types(["text", "int8"])
                for _, source, canonical, url, text, _ in batch:
                    if canonical in seen_urls or canonical in known or url in known:
                        continue
                    seen_urls.add(canonical)
                    for line in {line_hash(tokens) for tokens in line_words(text)}:
                        copy.write_row((source, line))
    boilerplate: dict[str, set[int]] = defaultdict(set)
    for source, line in conn.execute(Q.boilerplate_lines, {"min_pages": BOILERPLATE_MIN_PAGES}):
        boilerplate[source].add(line)
    return boilerplate


def refingerprint_if_stale(conn: psycopg.Connection, fetch_runs: list[int]) -> None:
    """Fingerprint again the runs whose fingerprint task ran before another run's load (migration 007)."""
    stale = [run for (run,) in conn.execute(Q.stale_runs, {"runs": fetch_runs})]
    if not stale:
        return
    conn.execute(Q.forget_fingerprints, {"runs": stale})
    log.info("fingerprints of runs %s went stale while another run loaded: fingerprinting again", stale)
    fingerprint_stage(conn, stale)

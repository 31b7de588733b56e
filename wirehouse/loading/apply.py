"""Apply a batch's decisions to warehouse.* and dedup.* in bulk, inside the load's transaction.

The decisions (small rows: ids, kinds, similarities) are COPYed into temporary tables; each
write is then one set-based statement (sql/queries/dedup.sql) that takes the text and metadata
from stage.articles and the fingerprint from stage.fingerprints on the server: no text
travels back and forth through Python.
"""
from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg import sql

from dedup.records import Resolution
from wirehouse.queries import queries

Q = queries("dedup")

TEMP_TABLES = {
    "load_new": "page_id bigint, article_id bigint, story_id bigint, origin_at timestamptz",
    "load_versions": "page_id bigint, article_id bigint, ord integer",
    "load_demotions": "article_id bigint, original_id bigint, kind text, similarity real",
    "load_rescores": "url text, article_id bigint, kind text, similarity real",
    "load_copies": "page_id bigint, url text, article_id bigint, kind text, similarity real",
    "load_urls": "url text, canonical_url text, article_id bigint, source text",
    "load_outcomes": "page_id bigint, outcome text, article_id bigint, detail text",
    "load_counted": "page_id bigint",
}


def _fill(cur: psycopg.Cursor, table: str, rows: list[tuple]) -> bool:
    """Create (once per transaction) and fill one of TEMP_TABLES; whether it has rows."""
    name = sql.Identifier(table)
    cur.execute(sql.SQL("create temp table if not exists {} ({}) on commit drop").format(
        name, sql.SQL(TEMP_TABLES[table])))
    cur.execute(sql.SQL("truncate {}").format(name))
    if rows:
        columns = sql.SQL(", ").join(sql.Identifier(c.split()[0]) for c in TEMP_TABLES[table].split(", "))
        with cur.copy(sql.SQL("copy {} ({}) from stdin").format(name, columns)) as copy:
            for row in rows:
                copy.write_row(row)
    return bool(rows)


def apply(conn: psycopg.Connection, r: Resolution, seen_at: datetime) -> None:
    seen = {"seen": seen_at}
    with conn.cursor() as cur:
        if _fill(cur, "load_new", [(a.page_id, a.article_id, a.story_id, a.origin_at) for a in r.articles]):
            for query in (Q.insert_articles, Q.insert_first_versions, Q.insert_signatures, Q.insert_anchors):
                cur.execute(query, seen)
        if _fill(cur, "load_versions", [(v.page_id, v.article_id, i) for i, v in enumerate(r.versions)]):
            for query in (Q.insert_versions, Q.update_versioned_articles, Q.update_versioned_signatures,
                          Q.delete_versioned_anchors, Q.insert_versioned_anchors):
                cur.execute(query)
        if _fill(cur, "load_demotions", [(d.article_id, d.original_id, d.kind, d.similarity) for d in r.demotions]):
            for query in (Q.demote_articles, Q.demoted_copy_signatures, Q.demoted_copy_anchors, Q.repoint_urls,
                          Q.repoint_copies, Q.repoint_outcomes, Q.delete_demoted):
                cur.execute(query)
        if _fill(cur, "load_rescores", [(s.url, s.article_id, s.kind, s.similarity) for s in r.rescores]):
            cur.execute(Q.rescore_copies)
        if _fill(cur, "load_copies", [(c.page_id, c.url, c.article_id, c.kind, c.similarity) for c in r.copies]):
            for query in (Q.insert_copies, Q.insert_copy_signatures, Q.insert_copy_anchors):
                cur.execute(query, seen)
        if _fill(cur, "load_urls", sorted((u.url, u.canonical_url, u.article_id, u.source) for u in r.urls)):
            cur.execute(Q.upsert_urls, seen)
        if r.seen_copies:
            cur.execute(Q.seen_copies, {**seen, "urls": sorted(r.seen_copies)})
        if r.seen_articles:
            cur.execute(Q.seen_articles, {**seen, "ids": sorted(r.seen_articles)})
        if _fill(cur, "load_outcomes", [(o.page_id, o.outcome, o.article_id, o.detail) for o in r.outcomes]):
            cur.execute(Q.insert_outcomes)
        if _fill(cur, "load_counted", [(p,) for p in r.counted_pages]):
            cur.execute(Q.count_source_lines)

"""The public SQL contract's tables, read whole, so tests can prove a rerun changed nothing."""
from __future__ import annotations

import psycopg

CONTRACT = {
    "warehouse.articles": "article_id",
    "warehouse.article_urls": "url",
    "warehouse.article_copies": "url",
    "warehouse.article_versions": "article_id, version_no",
    "warehouse.stories": "story_id",
}


def contract_rows(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    return {table: conn.execute(f"select * from {table} order by {key}").fetchall()
            for table, key in CONTRACT.items()}


def snapshot(db: str) -> dict[str, list[tuple]]:
    with psycopg.connect(db) as conn:
        return contract_rows(conn)

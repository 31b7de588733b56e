"""A catch-up ingest of one source over a wide interval, and what it stored, for evaluations.

There is no `wirehouse run --from/--to` yet. The DAG's four stages are plain functions keyed by
(source, interval) (wirehouse/pipeline.py), so a catch-up is those stages, in the DAG's order,
with the interval set to the whole window: the spider keeps what feeds and sitemaps date inside
it (and everything undated or found on section pages). Nothing of the pipeline is changed.
"""
from __future__ import annotations

import contextlib
import os
import uuid
from unittest import mock
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from wirehouse import pipeline
from wirehouse.db import connect, with_database
from wirehouse.migrate import migrate
from wirehouse.runs import Interval


@dataclass(frozen=True)
class Stored:
    """What one catch-up left behind, as URLs."""
    article_urls: frozenset[str]  # warehouse.article_urls.url and article_copies.url: pages stored as articles
    canonical_urls: frozenset[str]  # warehouse.article_urls.canonical_url
    fetched_articles: frozenset[str]  # raw.pages of kind article with status 200 (fetched, stored or not)
    counters: dict


def environment(**values: str):
    """os.environ with values set (the stages and their crawl subprocess read it), restored after."""
    return mock.patch.dict(os.environ, values)


@contextlib.contextmanager
def scratch_database(server_url: str, prefix: str = "wh_sources_eval") -> Iterator[str]:
    """A migrated database of its own on server_url, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = with_database(server_url, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def catch_up(sources_file: Path, source: str, interval: Interval, database_url: str) -> Stored:
    """fetch -> clean -> fingerprint -> load of one source over interval, into database_url."""
    with environment(WIREHOUSE_SOURCES=str(sources_file), WIREHOUSE_DATABASE_URL=database_url):
        counters = {"fetch": pipeline.fetch(source, interval), "clean": pipeline.clean(source, interval),
                    "fingerprint": pipeline.fingerprint(interval), "load": pipeline.load(interval)}
    with connect(database_url) as conn:
        urls = conn.execute("select url, canonical_url from warehouse.article_urls").fetchall()
        copies = conn.execute("select url from warehouse.article_copies").fetchall()
        fetched = conn.execute("select url from raw.pages where kind = 'article' and status = 200").fetchall()
    return Stored(article_urls=frozenset([u for u, _ in urls] + [u for (u,) in copies]),
                  canonical_urls=frozenset(c for _, c in urls),
                  fetched_articles=frozenset(u for (u,) in fetched), counters=counters)

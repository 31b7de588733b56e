"""Feeds, sitemaps and section pages are asked for only if they changed (If-None-Match): a 304
costs one request and no parsing, and each run still applies its own window to what the listing
gave the last time it was read."""
from __future__ import annotations

import psycopg
import pytest

from tests.test_fetch import DAY_BEFORE, KHERSON_HOUR, SOURCES, fetched_article_urls
from wirehouse import pipeline


def article_urls_of_run(db: str, run_id: int) -> set[str]:
    with psycopg.connect(db) as conn:
        return {u for (u,) in conn.execute("select url from raw.pages where run_id = %s and kind = 'article'",
                                           (run_id,))}


def fetch_run_ids(db: str, source: str) -> list[int]:
    with psycopg.connect(db) as conn:
        return [r for (r,) in conn.execute("select run_id from ops.runs where task = 'fetch' and source = %s"
                                           " order by run_id", (source,))]


@pytest.mark.parametrize("source", SOURCES)
def test_an_unchanged_listing_is_not_read_again_and_still_gives_each_window_its_articles(
        source, warehouse_db, replay_sources, replay_server):
    first = pipeline.fetch(source, KHERSON_HOUR)
    assert "listings_not_modified" not in first
    with psycopg.connect(warehouse_db) as conn:
        remembered = conn.execute("select count(*) from raw.listings where source = %s", (source,)).fetchone()[0]
    assert remembered >= 1, "the replay sends ETags: the listings read in full are remembered"

    # the same listings, for the day before: not modified, and their stored entries give that day's articles
    second = pipeline.fetch(source, DAY_BEFORE)
    assert second["listings_not_modified"] == remembered
    with psycopg.connect(warehouse_db) as conn:
        listing_pages = conn.execute(
            "select status, count(*), sum(coalesce(length(body), 0)) from raw.pages where run_id = %s"
            " and kind <> 'article' group by 1", (fetch_run_ids(warehouse_db, source)[-1],)).fetchall()
        conn.execute("truncate raw.listings")
    assert (304, remembered, 0) in listing_pages
    by_stored_entries = article_urls_of_run(warehouse_db, fetch_run_ids(warehouse_db, source)[-1])

    pipeline.fetch(source, DAY_BEFORE)  # nothing remembered: every listing read in full
    assert by_stored_entries == article_urls_of_run(warehouse_db, fetch_run_ids(warehouse_db, source)[-1])
    assert fetched_article_urls(warehouse_db, source)  # the runs succeeded


def test_a_not_modified_listing_is_accounted_for(warehouse_db, replay_sources):
    pipeline.fetch("kyivpost", KHERSON_HOUR)
    pipeline.fetch("kyivpost", KHERSON_HOUR)  # a rerun of the interval
    counters = pipeline.clean("kyivpost", KHERSON_HOUR)
    with psycopg.connect(warehouse_db) as conn:
        outcomes = dict(conn.execute(
            "select o.detail, count(*) from ops.page_outcomes o join raw.pages p using (page_id)"
            " where p.status = 304 group by 1").fetchall())
    assert outcomes and all(detail.endswith("page") for detail in outcomes), outcomes
    assert counters["not_article"] >= sum(outcomes.values())

"""The real spider (a Scrapy subprocess per source) against the offline replay on a local port."""
from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest

from tests.replay_expectations import linked_and_undated
from wirehouse import pipeline
from wirehouse.replay import load_gold, load_skipped
from wirehouse.runs import Interval
from wirehouse.sources import load_sources

KHERSON_HOUR = Interval(datetime(2022, 11, 11, 14, tzinfo=timezone.utc), datetime(2022, 11, 11, 15, tzinfo=timezone.utc))
DAY_BEFORE = Interval(datetime(2022, 11, 10, tzinfo=timezone.utc), datetime(2022, 11, 11, tzinfo=timezone.utc))


def fetched_article_urls(db: str, source: str) -> set[str]:
    with psycopg.connect(db) as conn:
        return {r[0] for r in conn.execute(
            "select url from raw.pages p join ops.runs r using (run_id) where p.source = %s and p.kind = 'article'"
            " and r.status = 'success'", (source,))}


def in_window(entry: dict, interval: Interval) -> bool:
    return interval.start <= datetime.fromisoformat(entry["published"]) < interval.end


SOURCES = [s.name for s in load_sources("seeds/replay.yaml")]


@pytest.mark.parametrize("source", SOURCES)
def test_spider_discovers_every_article_of_the_window(source, warehouse_db, replay_sources, replay_server):
    pipeline.fetch(source, KHERSON_HOUR)

    gold = [g for g in load_gold(replay_server.base_url) if g["source"] == source]
    expected = set()
    for entry in gold:
        if entry["kind"] in ("article", "copy", "not_article") and in_window(entry, KHERSON_HOUR):
            expected |= {entry["url"], *entry.get("variant_urls", [])}
    assert expected, "the replay has pages of this outlet in the window"
    assert fetched_article_urls(warehouse_db, source) == expected | linked_and_undated(gold, KHERSON_HOUR.start)

    skipped_paths = {s["path"] for s in load_skipped(replay_server.base_url) if s["source"] == source}
    requested = {path.split("?")[0] for path in replay_server.requests}
    assert not skipped_paths & requested, "non-article and robots-disallowed pages are never requested"


def test_spider_honours_another_window(warehouse_db, replay_sources, replay_server):
    pipeline.fetch("kyivpost", DAY_BEFORE)
    gold = [g for g in load_gold(replay_server.base_url) if g["source"] == "kyivpost"]
    expected = {g["url"] for g in gold if in_window(g, DAY_BEFORE)}
    assert expected and all(g["kind"] == "out_of_window" for g in gold if g["url"] in expected)
    assert fetched_article_urls(warehouse_db, "kyivpost") == expected | linked_and_undated(gold, DAY_BEFORE.start)


def test_every_response_is_stored_with_run_stats(warehouse_db, replay_sources):
    counters = pipeline.fetch("newsmax", KHERSON_HOUR)
    with psycopg.connect(warehouse_db) as conn:
        kinds = dict(conn.execute("select kind, count(*) from raw.pages group by kind").fetchall())
        stats, status = conn.execute("select stats, status from ops.runs where task = 'fetch'").fetchone()
        partition = conn.execute("select tableoid::regclass::text from raw.pages limit 1").fetchone()[0]
    assert status == "success"
    assert kinds["feed"] >= 1 and kinds["sitemap"] >= 3 and kinds["section"] >= 1 and kinds["article"] >= 1
    assert counters["pages"] == sum(kinds.values())
    assert stats["robotstxt/request_count"] == 1
    assert stats["wirehouse/skipped_outside_window"] >= 1
    assert partition.startswith("raw.pages_")  # stored in the fetch month's partition


def test_unreachable_source_fails_with_a_clear_message(warehouse_db, tmp_path, monkeypatch, unused_port):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""\
sources:
  - name: offline
    title: Offline News
    rank: 1
    domains: [127.0.0.1]
    feeds: ['http://127.0.0.1:{unused_port}/feed.xml']
    article_urls: ['/news/']
    allow_private_addresses: true
    politeness: {{download_delay: 0, obey_robots: false}}
""")
    monkeypatch.setenv("WIREHOUSE_SOURCES", str(sources))
    with pytest.raises(pipeline.FetchFailed, match=r"offline: no page could be fetched: connection refused"):
        pipeline.fetch("offline", KHERSON_HOUR)
    with psycopg.connect(warehouse_db) as conn:
        status, error = conn.execute("select status, error from ops.runs").fetchone()
        reasons = {r[0] for r in conn.execute("select reason from ops.rejects where stage = 'fetch'")}
    assert status == "failed" and "connection refused" in error
    assert reasons == {"connection refused"}

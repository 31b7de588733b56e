"""A shard of sources in one crawl process and one clean task: each source keeps its own fetch run,
robots.txt rules and fate, and a broken source does not take its shard down."""
from __future__ import annotations

from datetime import timedelta

import psycopg
import yaml

from tests.stages import REPLAY_DAY, PageSite, rss
from wirehouse import pipeline

HTML = "text/html; charset=utf-8"


def article(title: str) -> bytes:
    body = "".join(f"<p>{title}: paragraph {i} of a report on the harbour, the pier and the autumn repairs"
                   " that the authority finished this week.</p>" for i in range(12))
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>".encode()


def entry(name: str, feeds: list[str], obey_robots: bool = True) -> dict:
    return {"name": name, "title": name, "rank": 50, "language": "en", "domains": ["127.0.0.1"], "feeds": feeds,
            "article_urls": [r"/news/"], "cadence": "daily", "allow_private_addresses": True,
            "politeness": {"download_delay": 0, "concurrency": 2, "obey_robots": obey_robots}}


def test_one_crawl_keeps_each_source_its_own(tmp_path, warehouse_db, monkeypatch):
    when = REPLAY_DAY.start + timedelta(hours=12)
    pages = {"/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /news/members/\n"),
             "/news/shared": (200, HTML, article("Shared")), "/news/members/only": (200, HTML, article("Members"))}
    with PageSite(pages) as site:
        listed = [f"{site.base_url}/news/shared", f"{site.base_url}/news/members/only"]
        pages["/feed.xml"] = (200, "application/rss+xml", rss([(url, when) for url in listed]))
        sources = [entry("polite", [f"{site.base_url}/feed.xml"]),
                   entry("impolite", [f"{site.base_url}/feed.xml"], obey_robots=False),
                   entry("gone", ["http://127.0.0.1:9/feed.xml"])]  # nothing listens on the discard port
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}))
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
        fetched = pipeline.fetch_shard(["gone", "impolite", "polite"], REPLAY_DAY)
        cleaned = pipeline.clean_shard(["gone", "impolite", "polite"], REPLAY_DAY)

    assert fetched["polite"]["pages_article"] == 1 and fetched["impolite"]["pages_article"] == 2
    assert fetched["gone"]["pages"] == 0
    with psycopg.connect(warehouse_db) as conn:
        runs = dict(conn.execute("select source, status from ops.runs where task = 'fetch'").fetchall())
        error, = conn.execute("select error from ops.runs where task = 'fetch' and source = 'gone'").fetchone()
        one_process = conn.execute("select count(distinct stats->>'start_time') from ops.runs"
                                   " where task = 'fetch'").fetchone()[0]
        rejects = conn.execute("select source, url, reason from ops.rejects order by source").fetchall()
    assert runs == {"polite": "success", "impolite": "success", "gone": "failed"}
    assert "no page could be fetched: connection refused" in error
    assert one_process == 1, "the three sources were crawled by one process"
    assert ("polite", listed[1], "forbidden by robots.txt") in rejects
    assert not [r for r in rejects if r[0] == "impolite"], "a source that does not obey robots.txt fetched it"
    assert set(cleaned) == {"polite", "impolite"}  # the failed fetch has nothing to clean
    assert cleaned["impolite"]["extracted"] == 2 and cleaned["polite"]["extracted"] == 1


def test_the_shards_of_a_run():
    assert pipeline.shards(["c", "a", "b", "d", "e"], 2) == [["a", "c", "e"], ["b", "d"]]
    assert pipeline.shards(["a"], 4) == [["a"]]
    assert pipeline.shards([], 2) == []
    names = [f"s{i:04d}" for i in range(5000)]
    cut = pipeline.shards(names, 2)
    assert sorted(n for shard in cut for n in shard) == names and {len(s) for s in cut} == {2500}


def test_settings_refuse_a_shard_count_below_one(monkeypatch):
    import pytest

    from wirehouse.config import settings

    monkeypatch.setenv("WIREHOUSE_SHARDS", "0")
    with pytest.raises(ValueError, match="WIREHOUSE_SHARDS"):
        settings()

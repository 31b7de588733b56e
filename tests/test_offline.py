"""Without network, `wirehouse run` says so at once, source by source, and a crawl does not retry
a host name that does not resolve (`.invalid` never resolves: RFC 6761)."""
from __future__ import annotations

import psycopg
import yaml

from tests.stages import REPLAY_DAY, PageSite, rss, sources_with
from wirehouse import pipeline
from wirehouse.cli import main
from wirehouse.ingest import unresolvable_sources
from wirehouse.sources import load_sources

HTML = "text/html; charset=utf-8"


def offline_sources(tmp_path) -> str:
    data = {"sources": [{"name": name, "title": name, "rank": 50, "domains": [f"{name}.invalid"],
                         "feeds": [f"https://www.{name}.invalid/feed.xml"], "article_urls": ["/news/"]}
                        for name in ("daily_one", "weekly_two")]}
    path = tmp_path / "offline.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_run_ends_before_starting_anything_when_no_source_resolves(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WIREHOUSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIREHOUSE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/never_connected")
    assert main(["run", "--sources-file", offline_sources(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "daily_one: DNS lookup of www.daily_one.invalid failed" in err
    assert "weekly_two: DNS lookup of www.weekly_two.invalid failed" in err
    assert "WIREHOUSE_SOURCES=seeds/replay.yaml make run" in err
    assert not (tmp_path / "home").exists(), "no database, no Airflow: nothing was started"


def test_sources_on_this_machine_are_not_looked_up(replay_sources):
    assert unresolvable_sources(load_sources(replay_sources)) == {}


def test_a_host_that_does_not_resolve_is_one_reject_without_retries(tmp_path, warehouse_db, replay_sources,
                                                                    monkeypatch):
    article = ("<html><head><title>Pier</title></head><body><article>"
               + "<p>The harbour reopened its northern pier after a long autumn of repairs, officials said.</p>" * 12
               + "</article></body></html>").encode()
    pages = {"/mixed/news/pier": (200, HTML, article)}
    with PageSite(pages) as site:
        pages["/mixed/feed.xml"] = (200, "application/rss+xml",
                                    rss([(f"{site.base_url}/mixed/news/pier", REPLAY_DAY.start)]))
        path = sources_with(tmp_path, "mixed", [f"{site.base_url}/mixed/feed.xml",
                                                "http://news.mixed.invalid/feed.xml"], [r"/mixed/news/"])
        data = yaml.safe_load(path.read_text())
        entry = next(s for s in data["sources"] if s["name"] == "mixed")
        entry["allow_private_addresses"] = ["127.0.0.1"]  # the guard looks up every other host
        entry["domains"] = ["127.0.0.1", "mixed.invalid"]
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
        counters = pipeline.fetch("mixed", REPLAY_DAY)
    assert counters["pages_article"] == 1 and counters["fetch_failures"] == 1
    with psycopg.connect(warehouse_db) as conn:
        rejects = conn.execute("select url, reason, detail from ops.rejects where stage = 'fetch'").fetchall()
    assert [(url, reason) for url, reason, _ in rejects] == [("http://news.mixed.invalid/feed.xml", "DNS lookup failed")]
    assert "tries" not in rejects[0][2], "not retried"

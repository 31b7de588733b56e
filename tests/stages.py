"""Test helpers: run the DAG's stages without Airflow, and a small site of hand-made pages.

`ingest_interval` calls fetch → clean → fingerprint → load in the order the DAG does, each stage
with its own ops.runs record. `PageSite` serves fixed responses (any status, content type
and bytes) on 127.0.0.1 for a source added beside the replay's outlets by `sources_with`.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import yaml

from tests.contract import CONTRACT
from wirehouse import pipeline
from wirehouse.config import PROJECT_ROOT
from wirehouse.runs import Interval

REPLAY_DAY = Interval(datetime(2022, 11, 11, tzinfo=timezone.utc), datetime(2022, 11, 12, tzinfo=timezone.utc))


def ingest_interval(interval: Interval, sources: list[str]) -> dict[str, dict]:
    """One DAG run's stages, in the DAG's order; the counters of each."""
    counters = {}
    for source in sources:
        counters[f"fetch {source}"] = pipeline.fetch(source, interval)
        counters[f"clean {source}"] = pipeline.clean(source, interval)
    counters["fingerprint"] = pipeline.fingerprint(interval)
    counters["load"] = pipeline.load(interval)
    return counters


# The contract tables with generated ids replaced by the canonical URL they stand for, and without
# the clock time a page was fetched at: what two runs of the same data must agree on, even when a
# crash left a gap in a sequence or a rerun fetched the pages again.
STORY = "(select min(b.canonical_url) from warehouse.articles b where b.story_id = {}.story_id)"
NATURAL = {
    "warehouse.articles": "select a.source, a.canonical_url, a.title, a.authors, a.published_at, a.modified_at,"
                          " a.language, a.description, a.text, a.word_count, a.content_hash, a.first_seen_at,"
                          f" a.last_seen_at, a.version_count, {STORY.format('a')}, a.provenance, a.search"
                          " from warehouse.articles a",
    "warehouse.article_urls": "select u.url, u.canonical_url, a.canonical_url, u.source, u.first_seen_at,"
                              " u.last_seen_at from warehouse.article_urls u join warehouse.articles a using (article_id)",
    "warehouse.article_copies": "select c.url, c.source, a.canonical_url, c.kind, c.similarity, c.title,"
                                " c.published_at, c.first_seen_at, c.last_seen_at"
                                " from warehouse.article_copies c join warehouse.articles a using (article_id)",
    "warehouse.article_versions": "select a.canonical_url, v.version_no, v.content_hash, v.title, v.text"
                                  " from warehouse.article_versions v join warehouse.articles a using (article_id)",
    "warehouse.stories": f"select {STORY.format('s')}, s.title, s.first_published_at, s.article_count, s.sources"
                         " from warehouse.stories s",
}
assert NATURAL.keys() == CONTRACT.keys()


def checksums(db: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of each contract table (see NATURAL)."""
    result = {}
    with psycopg.connect(db) as conn:
        for table, query in NATURAL.items():
            rows = sorted(r[0] for r in conn.execute(f"select md5(t::text) from ({query}) t"))
            result[table] = (len(rows), hashlib.sha256("".join(rows).encode()).hexdigest())
    return result


class PageSite:
    """Serves {path: (status, content_type, body)} on a free local port; everything else is a 404."""

    def __init__(self, pages: dict[str, tuple[int, str, bytes]]):
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, content_type, body = site.pages.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> PageSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(items: list[tuple[str, datetime]]) -> bytes:
    entries = "".join(f"<item><link>{url}</link><pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                      "</item>" for url, when in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{entries}</channel></rss>'.encode()


def sources_with(tmp_path: Path, name: str, feeds: list[str], article_urls: list[str]) -> Path:
    """The replay's sources file plus one outlet reading `feeds` (written under tmp_path)."""
    data = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay.yaml").read_text())
    template = data["sources"][0]
    extra = {"name": name, "title": name, "rank": 50, "language": "en", "domains": ["127.0.0.1"],
             "feeds": feeds, "article_urls": article_urls, "cadence": "daily",
             "politeness": {"download_delay": 0, "concurrency": 4, "obey_robots": False}}
    if "allow_private_addresses" in template:  # fetching from 127.0.0.1 may need saying so
        extra["allow_private_addresses"] = True
    data["sources"].append(extra)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_steps(steps: list[str], interval: Interval = REPLAY_DAY) -> None:
    """`fetch:SOURCE`, `clean:SOURCE`, `fingerprint`, `load`, or `run:SOURCE,SOURCE` (all four stages)."""
    for step in steps:
        stage, _, arg = step.partition(":")
        if stage == "run":
            ingest_interval(interval, arg.split(","))
        elif stage in ("fetch", "clean"):
            getattr(pipeline, stage)(arg, interval)
        else:
            getattr(pipeline, stage)(interval)


def stage_process(steps: list[str], env: dict[str, str], interval: Interval = REPLAY_DAY) -> subprocess.Popen:
    """`python -m tests.stages` in a process group of its own (the crawl it starts is killed with it)."""
    return subprocess.Popen([sys.executable, "-m", "tests.stages", interval.start.isoformat(),
                             interval.end.isoformat(), *steps], env={**os.environ, **env}, cwd=PROJECT_ROOT,
                            start_new_session=True)


if __name__ == "__main__":
    run_steps(sys.argv[3:], Interval(datetime.fromisoformat(sys.argv[1]), datetime.fromisoformat(sys.argv[2])))

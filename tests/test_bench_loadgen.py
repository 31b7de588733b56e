"""The benchmark's load generator, its server, its process sampler and its table (bench/)."""
from __future__ import annotations

import gzip
import subprocess
import sys
import urllib.error
import urllib.request

import psycopg
import pytest

from bench import loadgen
from bench.procs import TreeSampler
from bench.run import Row, SizeResult, raw_copy, render, scaling_rows
from scrapers.discovery import parse_feed, parse_sitemap

PAGES = 50


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> loadgen.Site:
    return loadgen.build(PAGES, outlets=3, root=tmp_path_factory.mktemp("site"), workers=2)


@pytest.fixture(scope="module")
def server(site):
    with loadgen.SiteServer(site, workers=2) as server:
        yield server


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        return gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body


def test_sitemaps_list_every_page_once_and_feeds_the_newest(site, server):
    listed, fed = [], []
    for outlet in site.outlets:
        kind, children = parse_sitemap(get(f"{server.base_url}/{outlet}/sitemap_index.xml"))
        assert kind == "index"
        for child in children:
            _, urls = parse_sitemap(get(child.url))
            listed += urls
        fed += parse_feed(get(f"{server.base_url}/{outlet}/feed.xml"))
    assert sorted(u.url for u in listed) == sorted(server.base_url + p for p in site.article_paths())
    assert len(site.article_paths()) == PAGES
    assert all(loadgen.INTERVAL_START <= u.date < loadgen.INTERVAL_END for u in listed + fed)
    assert {f.url for f in fed} <= {u.url for u in listed} and len(fed) == min(PAGES, 3 * loadgen.FEED_ITEMS)


def test_pages_are_real_html_varied_per_article(site, server):
    bodies = {p: get(server.base_url + p) for p in site.article_paths()}
    assert all(b"<html" in body.lower() for body in bodies.values())
    articles = loadgen.plan(PAGES, 3, len(loadgen.corpus_paths()))
    copies = [a for a in articles if a.copy_of]
    for a in copies:  # a syndicated copy is byte for byte its original
        assert bodies[a.path] == bodies[f"/{a.copy_of[0]}/article/{a.copy_of[1]}"]
    originals = [a for a in articles if not a.copy_of]
    assert len({bodies[a.path] for a in originals}) == len(originals)
    template = loadgen.read_page(loadgen.corpus_paths()[originals[0].template])
    assert bodies[originals[0].path] != template and len(bodies[originals[0].path]) > len(template) * 0.9


def test_server_answers_404_and_its_ceiling_counts_every_page(site, server):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.base_url}/o001/article/999999", timeout=10)
    assert missing.value.code == 404
    ceiling = loadgen.server_ceiling(server.port, site.article_paths() * 2, concurrency=4)
    assert ceiling["pages"] == 2 * PAGES and ceiling["bytes"] > PAGES * 1000


def test_clean_extracts_in_worker_processes_as_it_does_in_one(site, server, warehouse_db, monkeypatch):
    """The clean stage's extraction pool (several batches, two workers) stores what one process does."""
    from wirehouse import pipeline
    from wirehouse.runs import Interval

    monkeypatch.setenv("WIREHOUSE_SOURCES", str(site.sources_file))
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", server.base_url)
    interval = Interval(loadgen.INTERVAL_START, loadgen.INTERVAL_END)
    pipeline.fetch("o001", interval)
    monkeypatch.setattr(pipeline, "CLEAN_BATCH", 4)
    results = []
    for workers in ("2", "1"):
        monkeypatch.setenv("WIREHOUSE_CLEAN_WORKERS", workers)
        counters = pipeline.clean("o001", interval)
        pipeline.fingerprint(interval)
        with psycopg.connect(warehouse_db) as conn:
            results.append((counters["extracted"], conn.execute(
                "select page_id, title, text from stage.articles order by page_id").fetchall()))
            assert raw_copy(conn)["rows"] == counters["extracted"]  # the load baseline takes the same rows
            conn.execute("delete from stage.articles")
            conn.execute("delete from ops.page_outcomes")
    assert results[0][0] == results[1][0] > 8  # more than two batches
    assert results[0] == results[1]


def test_tree_sampler_sums_the_rss_of_child_processes():
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(300 * 2**20); x[::4096] = b'1' * "
                              "len(x[::4096]); print(flush=True); time.sleep(30)"], stdout=subprocess.PIPE)
    try:
        child.stdout.readline()
        with TreeSampler() as tree:
            pass
        assert tree.peak_rss > 300 * 2**20 and tree.peak_pss > 300 * 2**20 and tree.peak_processes >= 2
        assert tree.cpu_seconds("bytearray") > 0
        with TreeSampler(exclude=[child.pid]) as without:
            pass
        assert without.peak_rss < tree.peak_rss - 250 * 2**20
    finally:
        child.kill()
        child.wait()


def _sized(pages: int, wall: float) -> SizeResult:
    return SizeResult(pages, 10, {"e2e": {"wall": wall}})


def test_scaling_row_flags_a_step_that_grows_faster_than_the_pages():
    (flat,) = scaling_rows([_sized(1000, 60), _sized(10_000, 500)])
    (steep,) = scaling_rows([_sized(1000, 60), _sized(10_000, 1800)])
    assert flat.met is True and steep.met is False
    table = render([flat, steep, Row("x", "1", "2", 0.5, "≥ 50 %", True)]).splitlines()
    assert len({len(line) for line in table}) == 1 and "NO" in table[3] and "yes" in table[4]

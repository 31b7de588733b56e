"""`wirehouse sources add` and `wirehouse sources check` against real local HTTP servers:
the offline replay and a small outlet of tests/outlet_site.py."""
from __future__ import annotations

import re
import shutil
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from bench.outlets import PROFILES
from bench.outlets.server import OutletServer
from tests.outlet_site import ARTICLES, Outlet
from tests.test_source_requests import crawl
from wirehouse.cli import main
from wirehouse.replay import ReplayServer, load_gold, load_skipped
from wirehouse.sources import read_sources_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ("kyivpost", "express", "businessinsider", "newsmax", "huffpost", "aggregator")


@pytest.fixture(scope="module")
def replay():
    """A replay of its own: the session's replay server counts what the spider tests request."""
    with ReplayServer(port=0) as server:
        yield server


def add(capsys, *args) -> tuple[int, str, str]:
    status = main(["sources", "add", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_dry_run_prints_one_valid_source_and_the_preview_on_stderr(capsys, tmp_path):
    with Outlet() as outlet:
        status, out, err = add(capsys, outlet.url + "/", "--dry-run", "--file", str(tmp_path / "none.yaml"))
        requested = list(outlet.requested)
    assert status == 0
    path = tmp_path / "x.yaml"
    path.write_text(out)
    (source,) = read_sources_file(path).sources
    assert source.name == "local_127_0_0_1" and source.title == "Lokalblatt" and source.language == "de"
    assert source.feeds == (f"{outlet.url}/feed.json",)  # named by <link rel=alternate>
    assert source.sitemaps == (f"{outlet.url}/sitemaps/index.xml",)  # named only by robots.txt
    assert source.allow_private_addresses is True and source.section_depth == 1
    assert source.politeness.download_delay == 2.0 and source.politeness.concurrency == 1  # Crawl-delay: 2
    assert all(source.is_article_url(outlet.url + p) for p in ARTICLES)
    for other in ("/tag/elections", "/author/max-muster", "/video/clip-of-day", "/world/", "/"):
        assert not source.is_article_url(outlet.url + other), other
    assert source.should_follow(f"{outlet.url}/world/") and not source.should_follow(f"{outlet.url}/tag/elections")
    assert not any(p.startswith("/private/") for p in requested)  # robots.txt disallows it
    assert "verdict" in err and "not an article: too short" in err and "interval would fetch" in err
    assert "verdict" not in out


def test_the_generated_entry_lets_the_spider_reach_every_listed_article(capsys, tmp_path):
    with Outlet(robots="User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemaps/index.xml\n") as outlet:
        status, out, _ = add(capsys, outlet.url + "/", "--dry-run", "--file", str(tmp_path / "none.yaml"))
        assert status == 0
        path = tmp_path / "x.yaml"
        path.write_text(out)
        outlet.requested.clear()
        crawl(path)
        fetched = set(outlet.requested)
    assert set(ARTICLES) <= fetched
    assert not {"/tag/elections", "/author/max-muster", "/video/clip-of-day"} & fetched


def test_an_outlet_without_feeds_or_sitemaps_is_read_from_its_pages(capsys, tmp_path):
    with Outlet(robots="User-agent: *\nDisallow: /private/\n", listings=False) as outlet:
        status, out, err = add(capsys, outlet.url + "/", "--dry-run", "--file", str(tmp_path / "none.yaml"))
    assert status == 0, err
    (tmp_path / "x.yaml").write_text(out)
    (source,) = read_sources_file(tmp_path / "x.yaml").sources
    assert source.feeds == source.sitemaps == ()
    assert source.start_pages[0] == outlet.url + "/"
    assert source.section_depth > 1  # its sections are the only way to older articles
    assert all(source.is_article_url(outlet.url + p) for p in ARTICLES)
    assert not source.is_article_url(outlet.url + "/author/max-muster")  # sampled: not an article


# Generated outlets (bench/outlets) with another seed than make eval-sources: date paths beside
# /YYYY/MM/DD/gallery-<slug>/ pages; .html articles beside /video/<slug>-<id>.html pages listed in
# the sitemaps; /news/<slug> beside /video/<slug>, read from section pages alone. The video and
# gallery pages carry article-length text.
TRAP_OUTLETS = ("daily_ledger", "harbor_herald", "river_gazette")


@pytest.fixture(scope="module")
def trap_outlets():
    with OutletServer(seed=23, profiles=tuple(p for p in PROFILES if p.name in TRAP_OUTLETS), port=0) as server:
        yield server


@pytest.mark.parametrize("name", TRAP_OUTLETS)
def test_videos_and_galleries_shaped_like_articles_are_left_out_and_unseen_articles_kept(
        capsys, tmp_path, trap_outlets, name):
    outlet = trap_outlets.outlet(name)
    status, out, err = add(capsys, outlet.home, "--name", name, "--dry-run", "--file", str(tmp_path / "none.yaml"))
    assert status == 0, err
    (tmp_path / "x.yaml").write_text(out)
    (source,) = read_sources_file(tmp_path / "x.yaml").sources
    assert [a for a in outlet.gold.articles if not source.is_article_url(a)] == []
    assert [u for u in outlet.gold.non_articles if source.is_article_url(u)] == []


def test_add_appends_a_validated_entry_with_a_unique_name(capsys, tmp_path, replay, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", replay.base_url)
    path = tmp_path / "sources.yaml"
    shutil.copy(PROJECT_ROOT / "seeds" / "replay.yaml", path)
    before = path.read_text()
    status, out, err = add(capsys, replay.base_url + "/kyivpost/", "--file", str(path))
    assert status == 0 and out == ""
    assert path.read_text().startswith(before.rstrip("\n"))
    sources = read_sources_file(path).sources
    assert [s.name for s in sources][-2:] == ["aggregator", "kyivpost_2"]
    assert sources[-1].rank == 10  # after the file's highest rank, 9
    assert "# added by `wirehouse sources add" in path.read_text()
    assert f"added source 'kyivpost_2' to {path}" in err


def test_add_keeps_what_follows_the_sources_list(capsys, tmp_path, replay):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: a, title: A, rank: 1, domains: [x.org], feeds: ['http://x.org/f'],"
                    " article_urls: [a]}\nreplay:\n  logical_date: '2022-11-12T00:00:00+00:00'\n")
    status, _, _ = add(capsys, replay.base_url + "/express/", "--file", str(path))
    assert status == 0
    parsed = read_sources_file(path)
    assert [s.name for s in parsed.sources] == ["a", "express"] and parsed.replay_logical_date is not None


def test_add_takes_the_sources_file_from_the_environment(capsys, tmp_path, replay, monkeypatch):
    path = tmp_path / "mine.yaml"
    monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
    status, _, _ = add(capsys, replay.base_url + "/huffpost/", "--name", "huff")
    assert status == 0
    assert [s.name for s in read_sources_file(path).sources] == ["huff"]


@pytest.mark.parametrize("outlet", OUTLETS)
def test_each_replay_outlet_readded_matches_its_gold_pages(capsys, tmp_path, replay, outlet):
    started = time.monotonic()
    status, out, _ = add(capsys, f"{replay.base_url}/{outlet}/", "--dry-run", "--file", str(tmp_path / "n.yaml"))
    assert status == 0 and time.monotonic() - started < 20
    (tmp_path / "x.yaml").write_text(out)
    (source,) = read_sources_file(tmp_path / "x.yaml").sources
    base = replay.base_url
    for page in load_gold(base):
        if page["source"] == outlet:
            assert source.is_article_url(page["url"]), page["url"]
            assert all(source.is_article_url(u) for u in page.get("variant_urls", []))
    for page in load_skipped(base):
        if page["source"] == outlet and page["kind"] == "not_article":
            assert not source.is_article_url(page["url"]), page["url"]
    others = [o for o in OUTLETS if o != outlet]
    assert not any(source.is_article_url(p["url"]) for p in load_gold(base) if p["source"] in others)


def test_unreachable_site_is_one_line_and_status_2(capsys, unused_port):
    status, out, err = add(capsys, f"http://127.0.0.1:{unused_port}/", "--dry-run")
    assert status == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"wirehouse: cannot fetch http://127.0.0.1:{unused_port}/: cannot reach")


def test_robots_txt_that_disallows_us_is_a_clear_error(capsys):
    with Outlet(robots="User-agent: *\nDisallow: /\n") as outlet:
        status, out, err = add(capsys, outlet.url + "/", "--dry-run")
    assert status == 2 and out == ""
    assert re.search(r"wirehouse: http://127\.0\.0\.1:\d+/robots\.txt disallows our crawler", err)


def test_a_site_without_articles_is_a_clear_error(capsys, tmp_path):
    (tmp_path / "index.html").write_text("<html><body><p>Under construction.</p></body></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, out, err = add(capsys, f"http://127.0.0.1:{server.server_address[1]}/", "--dry-run")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 2 and out == ""
    assert "offers nothing that looks like articles" in err.strip().splitlines()[-1]


def test_check_passes_the_replay_and_fails_a_broken_source(capsys, tmp_path, replay, monkeypatch,
                                                            unused_port):
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", replay.base_url)
    assert main(["sources", "check", "--file", str(PROJECT_ROOT / "seeds" / "replay.yaml")]) == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"^\w+\s+ok\s", out, re.M)) == 6

    data = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay.yaml").read_text())
    broken = dict(data["sources"][0], name="gone",
                  feeds=[f"http://127.0.0.1:{unused_port}/feed.xml"], sitemaps=[], start_pages=[])
    renamed = dict(data["sources"][1], article_urls=["/nothing-matches-this/"])
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"sources": [broken, renamed]}))
    assert main(["sources", "check", "--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^gone\s+BROKEN.*cannot reach", out, re.M)
    assert re.search(r"^express\s+BROKEN.*none of its \d+ URLs matches article_urls", out, re.M)


def test_check_of_named_sources_only(capsys, replay, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", replay.base_url)
    assert main(["sources", "check", "newsmax", "--file", str(PROJECT_ROOT / "seeds" / "replay.yaml")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("newsmax")

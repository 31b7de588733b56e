"""The outlets of `make eval-sources` (bench/outlets) and its harness (bench/sources_eval)."""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.catchup import environment
from bench.outlets import PROFILES, build_outlets
from bench.outlets.plan import SECTIONS, WINDOW_END, WINDOW_START
from bench.outlets.server import OutletServer
from bench import sources_eval
from bench.sources_eval import NOT_AVAILABLE, AddResult, evaluate, given_entry, run_add
from scrapers.discovery import parse_feed, parse_sitemap
from wirehouse.config import PROJECT_ROOT

BASES = {p.name: f"http://127.0.0.{i + 2}" for i, p in enumerate(PROFILES)}
ENTRIES = PROJECT_ROOT / "tests" / "fixtures" / "outlet_entries"
LINK = re.compile(r'href="([^"]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>|"url": "([^"]+)"')


@pytest.fixture(scope="module")
def server():
    with OutletServer(port=0) as srv:  # free ports: no root needed
        yield srv


def test_generator_is_deterministic_for_a_seed():
    first, again = build_outlets(17, BASES), build_outlets(17, BASES)
    assert len(first) >= 20
    assert first == again
    other = build_outlets(18, BASES, PROFILES[:2])
    assert [o.gold.articles for o in first[:2]] != [o.gold.articles for o in other]


def _listed(outlet) -> set[str]:
    """URLs named by the outlet's feeds, sitemaps, home and section pages (with their pagination)."""
    sections = SECTIONS.get(outlet.profile.language, SECTIONS["en"])
    urls = set()
    for page in outlet.pages:
        listing = not page.content_type.startswith("text/") or page.path == "/" \
            or any(page.path.startswith(f"/{s}/") and not page.path.endswith(".html") for s in sections)
        if listing:
            urls |= {next(filter(None, m)) for m in LINK.findall(page.body.decode())}
    return {u.replace("&amp;", "&") for u in urls}


def test_every_gold_article_is_served_and_listed(server):
    for outlet in server.outlets:
        listed = _listed(outlet)
        for url in outlet.gold.articles:
            assert url in listed, f"{outlet.name}: {url} is in no listing or section page"
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200 and b"<html" in response.read(2000).lower()


def test_traps_are_served_and_not_articles(server):
    shapes = {"video": "video", "gallery": "gallery", "tag": ("/tag", "/topic"), "author": "author",
              "search": "/search?q="}
    for outlet in server.outlets:
        gold = outlet.gold
        assert not set(gold.non_articles) & (set(gold.articles) | set(gold.old_articles) | set(gold.amp_urls))
        for kind in outlet.profile.traps:
            assert any(any(s in u for s in ([shapes[kind]] if isinstance(shapes[kind], str) else shapes[kind]))
                       for u in gold.non_articles), f"{outlet.name}: no {kind} page"
        pages = {p.path: p for p in outlet.pages}
        for url in gold.non_articles:
            assert b'og:type" content="article"' not in pages[url[len(outlet.base_url):]].body
        with urllib.request.urlopen(gold.non_articles[0], timeout=5) as response:
            assert response.status == 200


def test_listing_dates_need_a_catch_up_over_the_window(server):
    outlet = server.outlet("daily_ledger")  # RSS feed and an index of monthly sitemaps
    routes = {p.path: p.body for p in outlet.pages}
    _, children = parse_sitemap(routes["/sitemap_index.xml"])
    dates = {x.url: x.date for child in children for x in parse_sitemap(routes[urlsplit(child.url).path])[1]}
    in_window = [d for u, d in dates.items() if u in outlet.gold.articles and d]
    assert all(WINDOW_START <= d < WINDOW_END for d in in_window)
    assert (max(in_window) - min(in_window)).days >= 40
    assert any(dates[u] is None for u in outlet.gold.articles), "some articles are undated"
    assert all(dates[u] < WINDOW_START for u in outlet.gold.old_articles)
    assert len(parse_feed(routes["/services/rss/latest.xml"])) < len(outlet.gold.articles), "the feed alone is not enough"


def test_harness_fails_clearly_without_sources_add(tmp_path):
    """Scoring a checkout whose `wirehouse` has no `sources add` (as before it existed) says so and stops."""
    (tmp_path / "wirehouse").mkdir()
    (tmp_path / "wirehouse" / "__init__.py").write_text("")
    (tmp_path / "wirehouse" / "cli.py").write_text(
        "import argparse\nparser = argparse.ArgumentParser(prog='wirehouse')\n"
        "parser.add_subparsers(required=True).add_parser('run')\nparser.parse_args()\n")
    done = subprocess.run([sys.executable, "-m", "bench.sources_eval", "--checkout", str(tmp_path)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and NOT_AVAILABLE in done.stderr, done.stderr[-2000:]


STUB = """import sys
from pathlib import Path
args = sys.argv[1:]
assert args[:2] == ["sources", "add"] and args[3:] == ["--name", args[4], "--dry-run"], args
print("preview: 1 feed, 1 sitemap", file=sys.stderr)
entry = Path(sys.argv[0]).parent / (args[4] + ".yaml")
if not entry.exists():
    sys.exit("no entry for " + args[2])
print(entry.read_text().replace("daily_ledger", args[4]))
"""


def test_run_add_takes_the_entry_from_stdout_and_times_it(server, tmp_path, monkeypatch):
    """The interface the harness expects, with a stub in place of the command (it echoes a fixture)."""
    stub_dir = tmp_path / "stub"
    stub_dir.mkdir()
    (stub_dir / "stub.py").write_text(STUB)
    (stub_dir / "daily_ledger.yaml").write_text((ENTRIES / "daily_ledger.yaml").read_text())
    (stub_dir / "metro_wire.yaml").write_text("sources: []\n")
    monkeypatch.setattr(sources_eval, "WIREHOUSE", [sys.executable, str(stub_dir / "stub.py")])
    outlet = server.outlet("daily_ledger")
    with environment(OUTLET_URL=outlet.base_url, OUTLET_HOST="127.0.0.1"):
        made = run_add(outlet, tmp_path)
        invalid = run_add(server.outlet("metro_wire"), tmp_path)
        failed = run_add(server.outlet("valley_times"), tmp_path)
    assert made.error is None and made.entry_file.exists() and 0 < made.seconds < 20
    assert invalid.entry_file is None and "empty" in invalid.error
    assert failed.entry_file is None and failed.error.startswith("exit status 1: no entry for http")


def _evaluate(outlet, entry: AddResult, pg_server: str):
    with environment(OUTLET_URL=outlet.base_url, OUTLET_HOST=urlsplit(outlet.base_url).hostname):
        return evaluate(outlet, entry, pg_server)


def test_catch_up_with_a_hand_written_entry_finds_every_article(server, pg_server):
    outlet = server.outlet("daily_ledger")
    with environment(OUTLET_URL=outlet.base_url, OUTLET_HOST="127.0.0.1"):
        entry = given_entry(outlet, ENTRIES)
    assert entry.error is None
    result = _evaluate(outlet, entry, pg_server)
    assert result.ingest_error is None
    assert result.score.found == result.score.articles == len(outlet.gold.articles)
    assert result.score.non_articles == ()


def test_a_too_broad_entry_stores_traps_and_is_scored_so(server, pg_server, tmp_path: Path):
    outlet = server.outlet("harbor_herald")  # lists its videos and galleries in its sitemaps
    entry = tmp_path / "harbor_herald.yaml"
    entry.write_text("sources:\n  - {name: harbor_herald, title: Harbor Herald, rank: 1, domains: ['${OUTLET_HOST}'],\n"
                     "     sitemaps: ['${OUTLET_URL}/sitemap_index.xml'], article_urls: ['\\.html$'],\n"
                     "     allow_private_addresses: true, politeness: {download_delay: 0, concurrency: 8}}\n")
    result = _evaluate(outlet, AddResult(entry, None), pg_server)
    assert result.score.found >= 0.9 * result.score.articles
    assert any("/video/" in u or "/gallery/" in u for u in result.score.non_articles)
    assert result.score.non_article_share > 0.01


def test_an_article_stored_under_its_amp_url_too_is_one_page_of_the_share():
    from bench.catchup import Stored
    from bench.outlets.model import Gold
    from bench.sources_score import score

    gold = Gold(articles=("http://o/a",), amp_urls={"http://o/amp/a": "http://o/a"}, non_articles=("http://o/video/v",),
                old_articles=(), window_start=WINDOW_START, window_end=WINDOW_END)
    stored = Stored(article_urls=frozenset({"http://o/a", "http://o/amp/a", "http://o/video/v"}),
                    canonical_urls=frozenset(), fetched_articles=frozenset({"http://o/a"}), counters={})
    result = score(gold, stored)
    assert (result.found, result.stored, result.non_articles) == (1, 2, ("http://o/video/v",))
    assert result.non_article_share == 0.5

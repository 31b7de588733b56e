"""The real crawl (pipeline.fetch: a Scrapy subprocess) and clean against tests/fault_server.py.

One crawl of the fault site, beside a healthy source crawled at the same time, feeds most
tests below; each test checks one guarantee in PostgreSQL. Limits are the production ones
(16 MiB per response, 3 tries) except the download timeout, 2 s here so timeouts come fast.
"""
from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg
import pytest

from scrapers.middlewares import is_public, resolve
from tests.conftest import _create_database, _drop_database
from tests.fault_server import FaultServer
from wirehouse import pipeline
from wirehouse.migrate import migrate
from wirehouse.runs import Interval

INTERVAL = Interval(datetime(2022, 11, 11, 14, tzinfo=timezone.utc), datetime(2022, 11, 11, 15, tzinfo=timezone.utc))


def sources_yaml(faults: FaultServer, healthy: FaultServer) -> str:
    return f"""\
sources:
  - name: faults
    title: Everything Goes Wrong
    rank: 1
    domains: [127.0.0.1]
    feeds: ['{faults.url("feed.xml")}', '{faults.url("feed-malformed.xml")}', '{faults.url("feed-empty.xml")}',
            '{faults.url("feed-html.xml")}']
    sitemaps: ['{faults.url("sitemap-index.xml")}']
    article_urls: ['/news/', '/private/']
    allow_private_addresses: true
    politeness: {{download_delay: 0, concurrency: 8, obey_robots: true, download_timeout: 2}}
  - name: healthy
    title: Nothing Goes Wrong
    rank: 2
    domains: [127.0.0.1]
    feeds: ['{healthy.url("feed-healthy.xml")}']
    article_urls: ['/news/', '/private/']
    allow_private_addresses: true
    politeness: {{download_delay: 0, concurrency: 2, obey_robots: true}}
"""


@dataclass
class Crawl:
    db: str
    site: FaultServer
    healthy_site: FaultServer
    counters: dict

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def fetch_rejects(self, source: str = "faults") -> dict[str, str]:
        rows = self.query("select url, reason from ops.rejects where stage = 'fetch' and source = %s", source)
        return {url: reason for url, reason in rows}

    def pages(self, source: str = "faults") -> dict[str, tuple]:
        """url -> (kind, status, final_url, outcome, outcome detail); clean's outcome for an article
        is 'extracted' (a row in stage.articles), decided further by load, which these tests do not run."""
        rows = self.query(
            "select p.url, p.kind, p.status, p.final_url,"
            " coalesce(o.outcome, case when a.page_id is not null then 'extracted' end), o.detail"
            " from raw.pages p left join ops.page_outcomes o using (page_id)"
            " left join stage.articles a using (page_id) where p.source = %s", source)
        return {url: tuple(rest) for url, *rest in rows}

    def url(self, path: str) -> str:
        return self.site.url(path)


@pytest.fixture(scope="module")
def crawl(pg_server, tmp_path_factory):
    """Fetch and clean the fault site and, at the same time, a healthy source on another server."""
    db = _create_database(pg_server)
    with psycopg.connect(db, autocommit=True) as conn:
        migrate(conn)
    sources = tmp_path_factory.mktemp("faults") / "sources.yaml"
    with FaultServer(robots="forbid") as faults, FaultServer(robots="error") as healthy, \
            pytest.MonkeyPatch.context() as mp:
        sources.write_text(sources_yaml(faults, healthy))
        mp.setenv("WIREHOUSE_DATABASE_URL", db)
        mp.setenv("WIREHOUSE_SOURCES", str(sources))
        results: dict[str, dict] = {}
        healthy_fetch = threading.Thread(target=lambda: results.update(healthy=pipeline.fetch("healthy", INTERVAL)))
        healthy_fetch.start()
        counters = pipeline.fetch("faults", INTERVAL)
        healthy_fetch.join()
        pipeline.clean("faults", INTERVAL)
        pipeline.clean("healthy", INTERVAL)
        assert "healthy" in results, "the healthy source's fetch raised"
        yield Crawl(db, faults, healthy, counters)
    _drop_database(pg_server, db)


def test_every_offered_url_ends_in_exactly_one_state(crawl):
    """Each URL the site listed (and each feed and sitemap) is one stored page or one fetch reject,
    never both, never none; every stored page got exactly one outcome from clean."""
    pages, rejects = crawl.pages(), crawl.fetch_rejects()
    page_rows = crawl.query("select url, count(*) from raw.pages where source = 'faults' group by url")
    reject_rows = crawl.query("select url, count(*) from ops.rejects where stage = 'fetch' group by url")
    assert all(n == 1 for _, n in page_rows + reject_rows), "one row per URL, retries included"
    offered = crawl.site.offered_urls()
    assert {url for url in offered if (url in pages) == (url in rejects)} == set(), "exactly one state"
    assert set(pages) | set(rejects) == offered, "and nothing the site did not offer"
    assert all(outcome is not None for *_, outcome, _ in pages.values()), "clean decided every page"
    (status,) = crawl.query("select status from ops.runs where task = 'fetch' and source = 'faults'")[0]
    assert status == "success", "the crawl went on through every fault"


def test_fetch_failures_have_a_clear_reason(crawl):
    rejects = crawl.fetch_rejects()
    expected = {
        "news/reset.html": "connection lost",
        "news/stall.html": "timed out",
        "news/drip.html": "timed out",
        "news/truncated.html": "response cut short",
        "news/loop.html": "redirect loop",
        "news/offsite.html": "redirect to another host",
        "news/refresh.html": "redirect loop",
        "news/huge.html": "too large: announced over 16 MiB",
        "news/endless.html": "too large: cut off at 16 MiB",
        "news/bomb.html": "too large: decompressed over 16 MiB",
        "private/secret.html": "forbidden by robots.txt",
        "feed-malformed.xml": "unreadable feed",
        "feed-empty.xml": "unreadable feed",
        "feed-html.xml": "unreadable feed",
        "sitemap-malformed.xml": "unreadable sitemap",
        "sitemap-empty.xml": "unreadable sitemap",
        "sitemap-bomb.xml.gz": "unreadable sitemap",
        "sitemap-huge.xml": "too large: cut off at 16 MiB",
    }
    assert rejects == {crawl.url(path): reason for path, reason in expected.items()}
    details = dict(crawl.query("select url, detail from ops.rejects where url = %s", crawl.url("news/stall.html")))
    assert details[crawl.url("news/stall.html")].startswith("3 tries; last: ")


def test_server_errors_are_retried_then_given_up(crawl):
    pages, requests = crawl.pages(), crawl.site.requests
    assert requests["news/burst-503.html"] == 3 and pages[crawl.url("news/burst-503.html")][1] == 200
    assert requests["news/burst-500.html"] == 2 and pages[crawl.url("news/burst-500.html")][1] == 200
    for path, status in (("news/always-503.html", 503), ("news/always-502.html", 502)):
        assert requests[path] == 3, "tried RETRY_TIMES + 1 times, then given up"
        kind, stored_status, _, outcome, detail = pages[crawl.url(path)]
        assert (stored_status, outcome, detail) == (status, "rejected", f"HTTP {status}")
    for path in ("news/reset.html", "news/stall.html", "news/drip.html", "news/truncated.html"):
        assert requests[path] == 3


def test_429_waits_for_retry_after(crawl):
    first, second = crawl.site.request_times["news/429.html"]
    assert second - first >= 1.0, "the retry came no sooner than Retry-After: 1"
    assert crawl.pages()[crawl.url("news/429.html")][3] == "extracted"
    (stats,) = crawl.query("select stats from ops.runs where task = 'fetch' and source = 'faults'")[0]
    assert stats["wirehouse/retry_after_waits"] == 1


def test_size_limits_bound_memory(crawl):
    """Bodies are cut at DOWNLOAD_MAXSIZE (16 MiB) while streaming, compressed or not."""
    streamed = crawl.site.bytes_streamed
    assert streamed["news/endless.html"] < 64 * 2**20, "the client hung up soon after 16 MiB, not at 2 GiB"
    assert streamed["news/huge.html"] < 64 * 2**20, "announced 2 GiB: hung up before reading it"
    (stats,) = crawl.query("select stats from ops.runs where task = 'fetch' and source = 'faults'")[0]
    assert stats["memusage/max"] < 512 * 2**20, "the crawler process never held a 2 GiB or 64 MiB body"


def test_redirects(crawl):
    pages = crawl.pages()
    kind, status, final_url, outcome, _ = pages[crawl.url("news/moved.html")]
    assert final_url == crawl.url("news/ok.html") and outcome == "extracted", \
        "a redirect to a URL also listed is still fetched, under the URL that was asked for"
    assert pages[crawl.url("news/ok.html")][3] == "extracted"
    assert crawl.site.requests["news/loop.html"] == 1 and crawl.site.requests["news/loop-b.html"] == 1


def test_cyclic_sitemap_index_is_read_once(crawl):
    assert crawl.site.requests["sitemap-index.xml"] == 1, "listed by itself and by its child: fetched once"
    assert crawl.pages()[crawl.url("news/from-sitemap.html")][3] == "extracted"


def test_non_html_and_empty_pages_are_rejected_with_a_reason(crawl):
    pages = crawl.pages()
    assert pages[crawl.url("news/image.html")][3:] == ("rejected", "not HTML")
    assert pages[crawl.url("news/empty.html")][3:] == ("rejected", "empty body")
    # Garbage labelled text/html and a page without text are decided "not an article", with the reason.
    assert pages[crawl.url("news/garbage.html")][3:] == ("not_article", "binary or undecodable content")
    assert pages[crawl.url("news/no-text.html")][3:] == ("not_article", "no main text")
    raw = crawl.query("select raw from ops.rejects where stage = 'clean' and url = %s", crawl.url("news/image.html"))
    assert bytes(raw[0][0]).startswith(b"\x89PNG"), "the raw bytes are kept with the reject"


def test_deep_nesting_does_not_crash_clean(crawl):
    """10,000 nested <div>s: lxml stops at its depth limit, so the text is lost, but clean goes on."""
    assert crawl.pages()[crawl.url("news/nested.html")][3] == "not_article"
    assert crawl.query("select count(*) from ops.runs where task = 'clean' and status = 'success'")[0][0] == 2


def article_text(crawl: Crawl, path: str) -> str:
    rows = crawl.query("select text from stage.articles where url = %s", crawl.url(path))
    assert rows, f"{path} was not extracted as an article"
    return rows[0][0]


@pytest.mark.parametrize("path, words", [
    ("news/cp1251.html", "Городской совет в пятницу обсудил восстановление речного порта"),
    ("news/sjis.html", "市議会は金曜日、秋の嵐で被害を受けた河川港の再建について話し合った。"),
    ("news/utf8-labelled-latin1.html", "Le conseil régional s'est réuni vendredi"),
    ("news/latin1-labelled-utf8.html", "Le conseil régional s'est réuni vendredi"),
    ("news/cp1251-undeclared.html", "Городской совет"),
])
def test_charsets_are_decoded(crawl, path, words):
    assert words in article_text(crawl, path)


def test_text_without_spaces_gets_a_language(crawl):
    assert crawl.query("select language from stage.articles where url = %s", crawl.url("news/sjis.html")) == [("ja",)]


def test_a_healthy_source_is_not_held_up_by_a_faulty_one(crawl):
    """Fetched while the fault crawl ran: every page arrives. Its robots.txt answers 500, which
    Scrapy takes as 'allow all', so private/secret.html is fetched there."""
    pages = crawl.pages("healthy")
    expected = {crawl.healthy_site.url(p) for p in ("feed-healthy.xml", "news/ok.html", "news/from-sitemap.html",
                                                    "private/secret.html")}
    assert set(pages) == expected and crawl.fetch_rejects("healthy") == {}
    assert {url: row[3] for url, row in pages.items() if "news" in url or "private" in url} == \
        {url: "extracted" for url in expected if not url.endswith(".xml")}
    assert crawl.healthy_site.requests["robots.txt"] == 3, "a robots.txt 500 is retried like any 500"


# -- SSRF --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ssrf_site():
    with FaultServer(robots="none") as site:
        yield site


def fetch_ssrf(site: FaultServer, allow: str, tmp_path, monkeypatch) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""\
sources:
  - name: ssrf
    title: A Public-Looking Outlet
    rank: 1
    domains: [127.0.0.1, localhost, 169.254.169.254]
    feeds: ['{site.url("ssrf-feed.xml")}']
    article_urls: ['/ssrf/', '/news/']
    allow_private_addresses: {allow}
    politeness: {{download_delay: 0, obey_robots: false, download_timeout: 2}}
""")
    monkeypatch.setenv("WIREHOUSE_SOURCES", str(sources))
    pipeline.fetch("ssrf", INTERVAL)


def test_redirects_to_private_addresses_are_blocked(warehouse_db, ssrf_site, tmp_path, monkeypatch):
    """The outlet's own host is allowed by name (standing in for a public host); its pages redirect
    to `localhost` (resolved, to 127.0.0.1) and to the cloud metadata address: both are refused
    before any connection, although both hosts are in the source's domains."""
    before = ssrf_site.requests["news/ok.html"]
    fetch_ssrf(ssrf_site, "['127.0.0.1']", tmp_path, monkeypatch)
    with psycopg.connect(warehouse_db) as conn:
        rejects = dict(conn.execute("select url, reason from ops.rejects where stage = 'fetch'").fetchall())
        details = [d for (d,) in conn.execute("select detail from ops.rejects")]
    assert rejects == {ssrf_site.url("ssrf/to-localhost.html"): "private address blocked",
                       ssrf_site.url("ssrf/to-metadata.html"): "private address blocked"}
    assert any("localhost is 127.0.0.1 (after a redirect)" in d or "localhost is ::1 (after a redirect)" in d
               for d in details)
    assert ssrf_site.requests["news/ok.html"] == before, "the redirect target was never requested"


def test_a_source_may_allow_private_addresses(warehouse_db, ssrf_site, tmp_path, monkeypatch):
    fetch_ssrf(ssrf_site, "true", tmp_path, monkeypatch)
    with psycopg.connect(warehouse_db) as conn:
        final_url = conn.execute("select final_url from raw.pages where url = %s",
                                 (ssrf_site.url("ssrf/to-localhost.html"),)).fetchone()
        reasons = {r for (r,) in conn.execute("select reason from ops.rejects")}
    assert final_url == (ssrf_site.url("news/ok.html", host="localhost"),)
    assert "private address blocked" not in reasons


def test_by_default_a_source_on_a_private_address_is_refused(warehouse_db, ssrf_site, tmp_path, monkeypatch):
    before = ssrf_site.requests["ssrf-feed.xml"]
    with pytest.raises(pipeline.FetchFailed, match="no page could be fetched: private address blocked"):
        fetch_ssrf(ssrf_site, "false", tmp_path, monkeypatch)
    assert ssrf_site.requests["ssrf-feed.xml"] == before, "refused before connecting"


@pytest.mark.parametrize("address, public", [
    ("93.184.215.14", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
])
def test_which_addresses_are_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_host_names_are_resolved_before_the_check():
    assert resolve("localhost") and not any(is_public(a) for a in resolve("localhost"))

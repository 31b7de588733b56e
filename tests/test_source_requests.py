"""The `requests:` settings of a source and robots.txt Crawl-delay, in a real Scrapy crawl
against a local HTTP server that records what reaches it."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from wirehouse.sources import SourcesError, read_sources_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[float, str, dict]] = []
    robots = b"User-agent: *\nCrawl-delay: 1\nAllow: /\n"

    def do_GET(self):  # noqa: N802
        type(self).seen.append((time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path == "/robots.txt":
            body, kind = self.robots, "text/plain"
        elif self.path == "/feed.xml":
            items = "".join(f"<item><link>http://{self.headers['Host']}/post/{i}</link></item>" for i in range(3))
            body, kind = f"<rss><channel>{items}</channel></rss>".encode(), "application/rss+xml"
        else:
            body, kind = b"<html><body><p>hello</p></body></html>", "text/html"
        reply(self, body, kind)

    def log_message(self, *args):
        pass


def reply(handler: BaseHTTPRequestHandler, body: bytes, kind: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """handler on a free port of 127.0.0.1, in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def recorder():
    _Recorder.seen = []
    with serving(_Recorder) as server:
        yield server


def write(tmp_path: Path, requests_yaml: str, base: str = "http://127.0.0.1:1") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(f"""\
        sources:
          - name: local
            title: Local
            rank: 1
            domains: [127.0.0.1]
            feeds: ['{base}/feed.xml']
            article_urls: ['/post/\\d+$']
            allow_private_addresses: true
            politeness: {{download_delay: 0, concurrency: 4, obey_robots: true, autothrottle: false}}
        """) + textwrap.indent(textwrap.dedent(requests_yaml), "    "))
    return path


CRAWL = """
import sys
from datetime import datetime, timezone
from scrapy.crawler import CrawlerProcess
from scrapers.crawl import crawl_settings
from scrapers.spiders.news import NewsSpider
from wirehouse.sources import load_sources
source = load_sources(sys.argv[1])[0]
settings = crawl_settings(source, "wirehouse-test/1")
settings.set("ITEM_PIPELINES", {}, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl(NewsSpider, source=source, window_start=datetime(2000, 1, 1, tzinfo=timezone.utc),
              window_end=datetime(2100, 1, 1, tzinfo=timezone.utc), run_id=0)
process.start()
"""


def crawl(path: Path, env: dict | None = None) -> None:
    import os

    subprocess.run([sys.executable, "-c", CRAWL, str(path)], cwd=PROJECT_ROOT, check=True, timeout=120,
                   env={**os.environ, **(env or {})}, capture_output=True)


def test_headers_user_agent_cookies_and_crawl_delay_reach_the_server(recorder, tmp_path):
    base = f"http://127.0.0.1:{recorder.server_address[1]}"
    path = write(tmp_path, """\
        requests:
          user_agent: 'ExampleBot/2.0 (+mailto:ops@example.org)'
          headers: {X-Api-Key: '${T17_HEADER_VALUE}', Accept-Language: de}
          cookies: {consent: 'yes'}
        """, base)
    crawl(path, {"T17_HEADER_VALUE": "h-123"})
    pages = [(t, p, h) for t, p, h in _Recorder.seen if p.startswith("/post/")]
    assert len(pages) == 3
    for _, _, headers in [s for s in _Recorder.seen if s[1] != "/robots.txt"]:
        assert headers["user-agent"] == "ExampleBot/2.0 (+mailto:ops@example.org)"
        assert headers["x-api-key"] == "h-123"
        assert headers["accept-language"] == "de"
        assert "consent=yes" in headers["cookie"]
    robots = [h for _, p, h in _Recorder.seen if p == "/robots.txt"]
    assert robots and robots[0]["user-agent"].startswith("ExampleBot/2.0")
    times = sorted(t for t, p, _ in _Recorder.seen if p != "/robots.txt")
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.9, gaps  # Crawl-delay: 1, although download_delay is 0 and concurrency 4


def test_without_crawl_delay_requests_are_not_spaced(recorder, tmp_path):
    _Recorder.robots = b"User-agent: *\nAllow: /\n"
    try:
        base = f"http://127.0.0.1:{recorder.server_address[1]}"
        crawl(write(tmp_path, "", base))
        times = sorted(t for t, p, _ in _Recorder.seen if p.startswith("/post/"))
        assert len(times) == 3 and times[-1] - times[0] < 0.9
    finally:
        _Recorder.robots = b"User-agent: *\nCrawl-delay: 1\nAllow: /\n"


@pytest.mark.parametrize("requests_yaml, message", [
    ("requests:\n  headers: {Authorization: 'Bearer abc'}\n", "sources.yaml:11: source 'local': requests.headers.Authorization: a credential must come from the environment"),
    ("requests:\n  headers: {Cookie: 'session=1'}\n", "requests.headers.Cookie: a credential"),
    ("requests:\n  proxy: 'http://user:" "pw@proxy:3128'\n", "sources.yaml:11: source 'local': requests.proxy: proxy credentials must come from the environment"),
    ("requests:\n  timeout: 3\n", "requests: unknown key 'timeout'"),
    ("requests:\n  user_agent: [a]\n", "requests.user_agent must be a single value"),
    ("requests:\n  headers: {X-Key: '${NOT_SET_ANYWHERE_17}'}\n", "environment variable NOT_SET_ANYWHERE_17 is not set"),
])
def test_bad_requests_settings_name_file_and_line(tmp_path, requests_yaml, message):
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(".", r"\.")):
        read_sources_file(write(tmp_path, requests_yaml))


def test_secrets_from_the_environment_are_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("T17_USER", "u")
    monkeypatch.setenv("T17_PASSWORD", "p")
    monkeypatch.setenv("T17_TOKEN", "Bearer t")
    path = write(tmp_path, """\
        requests:
          proxy: 'http://${T17_USER}:${T17_PASSWORD}@proxy.example:3128'
          headers: {Authorization: '${T17_TOKEN}'}
        """)
    settings = read_sources_file(path).sources[0].requests
    proxy = urlsplit(settings.proxy)
    assert (proxy.username, proxy.password, proxy.hostname) == ("u", "p", "proxy.example")
    assert settings.headers == (("Authorization", "Bearer t"),)


def test_sources_check_sends_the_sources_request_settings(recorder, tmp_path, capsys):
    from wirehouse.cli import main

    base = f"http://127.0.0.1:{recorder.server_address[1]}"
    path = write(tmp_path, """\
        requests:
          user_agent: 'ExampleBot/2.0'
          headers: {Accept-Language: de}
          cookies: {consent: 'yes'}
        """, base)
    assert main(["sources", "check", "--file", str(path)]) == 1  # its three posts are not articles
    assert "none of 3 sampled pages is an article" in capsys.readouterr().out
    for _, _, headers in _Recorder.seen:
        assert headers["user-agent"] == "ExampleBot/2.0" and headers["accept-language"] == "de"
        assert headers["cookie"] == "consent=yes"

"""Section pages in a real Scrapy crawl against a local server on a non-default port: the spider
reads a section's chain of next pages up to the source's section_depth, and stops early where a
page lists no article it has not asked for yet."""
from __future__ import annotations

import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml

from tests.test_source_requests import crawl, reply, serving
from wirehouse.sources import SourcesError, read_sources_file

PAGES = 4


def _articles(section: str, page: int) -> list[str]:
    if section == "repeats" and page > 1:
        page = 1  # its next pages list the same articles again
    return [f"/news/{section}-{page}-{n}" for n in (1, 2)]


class _Site(BaseHTTPRequestHandler):
    """/<section>/ and /<section>/page/N/: two article links each and a link to the next page only."""
    requested: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).requested.append(self.path)
        match = re.fullmatch(r"/(chain|repeats)/(?:page/(\d+)/)?", self.path)
        if self.path.startswith("/news/"):
            body = f"<html><body><h1>{self.path}</h1><p>text</p></body></html>"
        elif match:
            section, page = match.group(1), int(match.group(2) or 1)
            links = "".join(f'<a href="{a}">{a}</a>' for a in _articles(section, page))
            more = f'<a href="/{section}/page/{page + 1}/">older</a>' if page < PAGES else ""
            body = f"<html><body><nav><a href='/'>home</a></nav>{links}{more}</body></html>"
        elif self.path == "/robots.txt":
            body = "User-agent: *\nAllow: /\n"
        else:
            self.send_error(404)
            return
        reply(self, body.encode(), "text/plain" if self.path == "/robots.txt" else "text/html")

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    _Site.requested = []
    with serving(_Site) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def entry(tmp_path: Path, base: str, section: str, depth: int | None) -> Path:
    source = {"name": "local", "title": "Local", "rank": 1, "domains": ["127.0.0.1"],
              "start_pages": [f"{base}/{section}/"], "follow": [rf"^https?://127\.0\.0\.1:\d+/{section}/page/\d+/$"],
              "article_urls": [r"/news/[a-z]+-\d+-\d+$"], "allow_private_addresses": True,
              "politeness": {"download_delay": 0, "concurrency": 4, "autothrottle": False},
              **({"section_depth": depth} if depth else {})}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}, sort_keys=False))
    return path


def requested(prefix: str) -> set[str]:
    return {p for p in _Site.requested if p.startswith(prefix)}


def test_a_section_chain_is_read_up_to_section_depth(site, tmp_path):
    crawl(entry(tmp_path, site, "chain", PAGES - 1))
    assert requested("/chain/") == {"/chain/", *(f"/chain/page/{n}/" for n in range(2, PAGES + 1))}
    assert requested("/news/") == {a for page in range(1, PAGES + 1) for a in _articles("chain", page)}


def test_by_default_one_next_page_is_read(site, tmp_path):
    crawl(entry(tmp_path, site, "chain", None))
    assert requested("/chain/") == {"/chain/", "/chain/page/2/"}
    assert requested("/news/") == {*_articles("chain", 1), *_articles("chain", 2)}


def test_a_page_that_lists_nothing_new_ends_its_chain(site, tmp_path):
    crawl(entry(tmp_path, site, "repeats", PAGES))
    assert requested("/repeats/") == {"/repeats/", "/repeats/page/2/"}


@pytest.mark.parametrize("value", ["0", "21", "two", "true"])
def test_section_depth_is_a_whole_number_from_1_to_20(tmp_path, value):
    path = entry(tmp_path, "http://127.0.0.1:1", "chain", None)
    path.write_text(path.read_text() + f"  section_depth: {value}\n")
    with pytest.raises(SourcesError, match=r"sources.yaml:\d+: source 'local': section_depth must be a whole number"):
        read_sources_file(path)

"""The sources files load, and an invalid one fails with the file and line named."""
from __future__ import annotations

import pytest

from scrapers.crawl import crawl_settings
from wirehouse.config import PROJECT_ROOT
from wirehouse.sources import SourcesError, load_sources, read_sources_file

SEED_OUTLETS = {"kyivpost", "express", "businessinsider", "newsmax", "huffpost", "aggregator"}


@pytest.mark.parametrize("name", ["sources.yaml", "replay.yaml"])
def test_shipped_sources_files_load(name):
    sources = load_sources(PROJECT_ROOT / "seeds" / name)
    assert {s.name for s in sources} == SEED_OUTLETS
    for source in sources:
        assert source.feeds or source.sitemaps
        assert source.article_urls


def test_replay_file_names_its_interval(monkeypatch):
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", "http://127.0.0.1:9999")
    replay = read_sources_file(PROJECT_ROOT / "seeds" / "replay.yaml")
    assert replay.replay_logical_date is not None
    assert all(u.startswith("http://127.0.0.1:9999/") for s in replay.sources for u in s.feeds + s.sitemaps)


GOOD = """\
sources:
  - name: example
    title: Example News
    rank: 1
    domains: [news.example.com]
    feeds: [https://news.example.com/feed]
    article_urls: ['/\\d{4}/\\d{2}/']
"""


@pytest.mark.parametrize("text, line, message", [
    (GOOD.replace("    rank: 1\n", "    rank: 1\n    feedz: []\n"), 5, "unknown key 'feedz'"),
    (GOOD.split("    article_urls")[0] + "    article_urls: ['([a-z']\n", 7, "bad regular expression"),
    (GOOD + GOOD.split("sources:\n")[1], 8, "duplicate source name 'example'"),
    (GOOD.replace("    rank: 1\n", ""), 2, "missing required key(s): rank"),
    (GOOD.replace("rank: 1", "rank: first"), 4, "rank must be a whole number"),
    (GOOD.replace("[news.example.com]", "news.example.com"), 5, "domains must be a list"),
    (GOOD + "    allow_private_addresses: yes please\n", 8, "must be true, false or a list of host names"),
    (GOOD + "    politeness: {download_timeout: fast}\n", 8, "download_timeout: wrong type str"),
    (GOOD + "    politeness: {autothrottle: 0}\n", 8, "autothrottle: wrong type int"),
    ("sources: [\n", 2, "not valid YAML"),
    ("", 1, "the file is empty"),
])
def test_invalid_sources_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)


def test_valid_minimal_source(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD)
    (source,) = load_sources(path)
    assert source.is_article_url("https://news.example.com/2024/05/story")
    assert not source.is_article_url("https://news.example.com/about")
    assert source.politeness.obey_robots
    assert source.politeness.autothrottle  # the crawl slows down with the site unless a source says not to
    assert source.allow_private_addresses is False  # the spider refuses private addresses by default


def test_politeness_reaches_scrapy(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD + "    politeness: {download_delay: 0.5, concurrency: 4, autothrottle: false}\n")
    (source,) = load_sources(path)
    settings = crawl_settings(source, "wirehouse-test")
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    path.write_text(GOOD)
    (default,) = load_sources(path)
    assert crawl_settings(default, "wirehouse-test").getbool("AUTOTHROTTLE_ENABLED") is True


@pytest.mark.parametrize("value, expected", [("true", True), ("[intranet.example.com]", ("intranet.example.com",))])
def test_allow_private_addresses_for_every_host_or_some(tmp_path, value, expected):
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD + f"    allow_private_addresses: {value}\n    politeness: {{download_timeout: 5}}\n")
    (source,) = load_sources(path)
    assert source.allow_private_addresses == expected
    assert source.politeness.download_timeout == 5

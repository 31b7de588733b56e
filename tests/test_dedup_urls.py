"""One spelling per page: tracking parameters, AMP and mobile variants, rel=canonical, http/https."""
from __future__ import annotations

import pytest

from wirehouse.urls import canonical_url, normalize, variants


@pytest.mark.parametrize("url, expected", [
    ("https://www.example.com/world/story?utm_source=twitter&utm_medium=social", "https://www.example.com/world/story"),
    ("https://www.example.com/world/story?fbclid=abc&id=7#comments", "https://www.example.com/world/story?id=7"),
    ("https://www.example.com/world/story/amp", "https://www.example.com/world/story"),
    ("https://www.example.com/world/story/amp/", "https://www.example.com/world/story"),
    ("https://www.example.com/world/story?outputType=amp", "https://www.example.com/world/story"),
    ("https://www.example.com/world/story?amp=1", "https://www.example.com/world/story"),
    ("https://amp.example.com/world/story.amp.html", "https://example.com/world/story.html"),
    ("https://m.example.co.uk/world/story", "https://example.co.uk/world/story"),
    ("https://WWW.Example.com:443/a?page=2&id=1", "https://www.example.com/a?id=1&page=2"),
])
def test_normalize(url, expected):
    assert normalize(url) == expected


def test_a_page_keeps_its_scheme_and_slash_but_is_found_under_either():
    assert normalize("http://127.0.0.1:8765/newsmax/a/") == "http://127.0.0.1:8765/newsmax/a/"
    assert variants("https://www.example.com/a/") == {
        "https://www.example.com/a/", "https://www.example.com/a", "http://www.example.com/a/", "http://www.example.com/a"}


def test_canonical_link_wins_within_the_site_only():
    assert canonical_url("https://amp.example.com/x/amp", "https://www.example.com/x") == "https://www.example.com/x"
    assert canonical_url("https://www.example.com/x?utm_source=a", None) == "https://www.example.com/x"
    assert canonical_url("https://aggregator.example/x", "https://publisher.example/y") == "https://aggregator.example/x"

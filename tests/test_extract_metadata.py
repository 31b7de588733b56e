"""Authors and titles from the markup pages really use: bylines, author links, roles, site names."""
from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from extract.metadata import pick_authors, pick_title, site_names
from extract.structured import read_json_ld, read_meta

SITE = '<meta property="og:site_name" content="Acme Blog">'


def authors_of(head: str, body: str, fallback: str | None = None, url: str = "https://acme.example/post/1"):
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    return pick_authors(tree, read_meta(tree), read_json_ld(tree), fallback, url)


@pytest.mark.parametrize("body, expected", [
    ('<header><h1>Headline</h1><p class="meta">By Amy Wilhelm</p></header><p>Text.</p>', ["Amy Wilhelm"]),
    ('<h1>Headline</h1><h3>Written by Cassidy Horton</h3>', ["Cassidy Horton"]),
    ('<h1>Headline</h1><div><a href="/authors/emily-walker/">Emily Walker</a></div>', ["Emily Walker"]),
    ('<h1>Headline</h1><span class="author-name">Linda Rosencrance Contributing Writer</span>', ["Linda Rosencrance"]),
    ('<h1>Headline</h1><p>By Melissa Norris Facebook Tweet Pin</p>', ["Melissa Norris"]),
    ('<h1>Headline</h1><p>By: Ziyi Xu, Dec 17, 2025</p>', ["Ziyi Xu"]),
    ('<h1>Headline</h1><p>Posted by <b>David</b> at December 16, 2025</p>', ["David"]),
    ('<h1>Headline</h1><div class="author">Ben Applebaum-Bauch ⋅ Review Editor</div>', ["Ben Applebaum-Bauch"]),
    ('<h1>Headline</h1><p><span>By</span> <a href="/x">Brian Truitt</a> Acme Blog</p>', ["Brian Truitt"]),
])
def test_visible_bylines(body, expected):
    assert authors_of(SITE, body) == (expected, "byline")


def test_links_to_other_sites_and_link_labels_are_not_authors():
    body = ('<p><a href="https://bsky.app/profile/someone">Bluesky</a></p>'
            '<p><a href="/author/jane-doe">Learn More</a></p><p><a href="/people/x">Myhrvold...</a></p>')
    assert authors_of(SITE, body) == ([], None)


def test_bylines_in_navigation_and_footers_are_ignored():
    body = '<nav><p>By Category</p></nav><footer><a href="/author/admin">Site Admin</a></footer><p>Text.</p>'
    assert authors_of(SITE, body) == ([], None)


def test_an_outlet_declared_as_author_is_kept_but_a_person_wins():
    ld = '<script type="application/ld+json">{"@type": "BlogPosting", "author": {"@type": "Organization", "name": "Acme Blog"}}</script>'
    assert authors_of(SITE + ld, "<h1>Headline</h1>") == (["Acme Blog"], "json-ld")
    assert authors_of(SITE + ld, "<h1>Headline</h1><p>By Tracy Parker</p>") == (["Tracy Parker"], "byline")


def test_a_guess_that_is_only_the_site_name_is_dropped():
    assert authors_of(SITE, "<p>Text.</p>", fallback="Acme Blog") == ([], None)
    assert authors_of(SITE, "<p>Text.</p>", fallback="Jane Roe") == (["Jane Roe"], "trafilatura")

"""Article URL pattern inference (wirehouse/onboarding/patterns.py): pure code."""
from __future__ import annotations

import re

import pytest

from wirehouse.onboarding.patterns import families, follow_regexes, infer, parse

BASE = "https://www.example.org"


def regexes(articles, others=(), prefix="/"):
    return [p.regex for p in infer([BASE + a for a in articles], [BASE + o for o in others], BASE, prefix)]


def matches(found, path):
    return any(re.search(r, BASE + path) for r in found)


@pytest.mark.parametrize("articles, unseen, not_articles", [
    # date paths
    (["/2024/05/01/one-story/", "/2024/05/02/another-story/"], ["/2025/12/31/next-year/"], ["/2024/05/01/", "/about/"]),
    # numeric ids
    (["/post/4691", "/post/4702"], ["/post/123456"], ["/post/", "/about-us"]),
    # slugs with a shared tail: a month, a hex id
    (["/ukraine-retakes-kherson-2022-11", "/tiny-home-2022-10"], ["/new-story-2025-1"], ["/about", "/news/"]),
    (["/entry/a-b_uk_636b6a9ee4b05c7ab21f4d08", "/entry/c-d_uk_633d8a1be4b0d1f8a2c4e915"],
     ["/entry/e_uk_000000000000000000000abc"], ["/entry/about", "/about-us"]),
    # query-string ids and .html endings
    (["/news/story.php?id=12", "/news/story.php?id=13"], ["/news/story.php?id=999&ref=x"], ["/news/list.php?page=2"]),
    (["/a/one-story.html", "/b/other-story.html"], ["/c/third.html"], ["/a/", "/a/one-story"]),
    # sections with ids
    (["/news/world/1695873/kherson", "/life-style/health/1684420/vegan"], ["/news/uk/1/royal-family"],
     ["/info/contact", "/news/world/"]),
])
def test_patterns_match_articles_and_new_ones_of_the_same_scheme(articles, unseen, not_articles):
    found = regexes(articles, not_articles)
    assert all(matches(found, a) for a in articles + unseen), found
    assert not any(matches(found, o) for o in not_articles), found


def test_years_months_and_ids_are_never_kept_literal():
    found = regexes(["/2022/11/11/id/1095516/", "/2022/11/10/id/1095376/"])
    assert found == [r"^https?://(?:www\.)?example\.org/\d{4}/\d{1,2}/\d{1,2}/id/\d+/(?:[?#]|$)"]


def test_tag_and_author_pages_of_the_same_shape_narrow_the_section_segment():
    articles = ["/world/first-story", "/world/second-story", "/sport/third-story"]
    found = regexes(articles, ["/tag/elections", "/author/max-muster"])
    assert found == [r"^https?://(?:www\.)?example\.org/(?:sport|world)/[a-z0-9\-]+(?:[?#]|$)"]


def test_a_non_article_differing_only_by_its_id_stays_matched():
    # A gallery at /post/4702 among articles /post/N: no pattern can tell; the clean stage rejects it.
    found = regexes(["/post/4691", "/post/4623"], ["/post/4702"])
    assert found == [r"^https?://(?:www\.)?example\.org/post/\d+(?:[?#]|$)"]


DATED = ["/2026/01/05/council-approves-budget/", "/2026/01/09/storm-closes-schools/",
         "/2026/02/11/new-bridge-opens-downtown/", "/2026/02/20/mayor-resigns-after-vote/"]


def test_non_articles_sharing_a_first_word_in_a_slug_are_excluded_not_the_slugs_made_literal():
    # Galleries with an article's date-path shape: narrowing the slug to the values seen would miss
    # every article not yet published; excluding the word the galleries share does not.
    galleries = ["/2026/01/28/gallery-spring-looks/", "/2026/02/02/gallery-harbour-fireworks/"]
    found = regexes(DATED, galleries)
    assert all(matches(found, a) for a in DATED + ["/2026/03/01/next-week-story/", "/2026/03/01/galleryman-speaks/"])
    assert not any(matches(found, g) for g in galleries + ["/2026/03/02/gallery-next-one/"]), found


def test_the_excluded_word_is_refused_in_any_case():
    found = regexes(["/2026/01/05/Council-Approves/", "/2026/01/09/Storm-Closes/", "/2026/02/11/Bridge-Opens/"],
                    ["/2026/01/28/gallery-Spring/", "/2026/02/02/Gallery-Harbour/"])
    assert matches(found, "/2026/03/01/Next-Story/") and not matches(found, "/2026/03/02/GALLERY-Next/"), found


def test_one_non_article_word_is_not_enough_to_exclude_a_first_word():
    found = regexes(DATED, ["/2026/01/28/the-week-in-pictures/"])
    assert matches(found, "/2026/03/01/the-next-story/")


def test_a_media_section_beside_one_article_section_is_left_out():
    # /video/<slug> among /news/<slug>: the section segment is kept literal.
    articles = ["/news/council-approves-budget", "/news/storm-closes-schools", "/news/mayor-resigns"]
    found = regexes(articles, ["/video/storm-footage", "/video/mayor-speech"])
    assert matches(found, "/news/next-story") and not matches(found, "/video/next-clip"), found


def test_families_split_a_shape_by_a_shared_first_word_of_its_varying_segment():
    urls = [BASE + p for p in ["/2026/01/28/gallery-a-b/", "/2026/02/02/gallery-c-d/", *DATED]]
    split = families([parse(u, "/") for u in urls])
    assert [[p.url.removeprefix(BASE) for p in f] for f in split] == [DATED, urls_of(urls[:2])]


def urls_of(urls):
    return [u.removeprefix(BASE) for u in urls]


def test_path_prefix_host_and_amp_variants():
    base = "http://127.0.0.1:8765"
    found = [p.regex for p in infer([f"{base}/kyivpost/post/1", f"{base}/kyivpost/post/2/amp"], [], base,
                                    "/kyivpost/")]
    assert found == [r"^https?://127\.0\.0\.1:8765/kyivpost/post/\d+(?:/amp)?/?(?:[?#]|$)"]
    assert not re.search(found[0], f"{base}/express/post/1")


def test_shapes_give_one_pattern_each_most_common_first():
    found = regexes(["/post/1", "/post/2", "/post/3", "/2024/01/02/slug"])
    assert len(found) == 2 and "post" in found[0]


def test_the_host_may_come_with_or_without_www():
    found = [p.regex for p in infer(["https://example.org/post/1"], [], "https://example.org", "/")]
    assert re.search(found[0], "https://www.example.org/post/2") and re.search(found[0], "http://example.org/post/3")
    assert not re.search(found[0], "https://other.org/post/2")


def test_follow_regexes_take_a_section_with_or_without_its_slash_and_its_next_pages():
    (regex,) = follow_regexes([BASE + "/news/world/"], BASE)
    assert re.search(regex, BASE + "/news/world") and re.search(regex, BASE + "/news/world/")
    for page in ("/news/world/page/2/", "/news/world/?page=2", "/news/world?seite=3"):
        assert re.search(regex, BASE + page), page
    for other in ("/news/world/123", "/news/world/page/two", "/news/world/?q=x", "/news/worldwide"):
        assert not re.search(regex, BASE + other), other


def test_json_feed_items_are_listings_for_the_spider_too():
    from scrapers.discovery import parse_feed

    body = (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://e.org/a",'
            b' "date_published": "2024-05-01T08:00:00Z"}, {"id": "2", "external_url": "https://e.org/b"}, 3]}')
    listings = parse_feed(body)
    assert [item.url for item in listings] == ["https://e.org/a", "https://e.org/b"]
    assert listings[0].date.isoformat() == "2024-05-01T08:00:00+00:00" and listings[1].date is None

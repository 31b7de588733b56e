"""credited_url: the page on another site that a page names as its original (issue 14), from a cross-site
rel=canonical or the link of a credit line in the article."""
from __future__ import annotations

import json

import pytest
from trafilatura.utils import load_html

from extract import extract_article
from extract.cli import extract_files
from extract.credits import pick_credited_url
from extract.structured import read_meta

URL = "https://www.copy-news.example.org/world/2022/11/11/kherson-flags"
PARAGRAPH = ("<p>Residents of Kherson gathered in the central square on {n} as soldiers raised the national flag "
             "over the administration building, and crowds sang while volunteers handed out bread and water.</p>")
BODY = "".join(PARAGRAPH.format(n=day) for day in ("Friday", "Saturday", "Sunday", "Monday", "Tuesday"))


def page(credit: str = "", head: str = "", before: str = "", after_article: str = "", footer: str = "") -> str:
    return (f"<html><head><title>Flags over Kherson</title>{head}</head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>"
            f"<article><h1>Flags over Kherson</h1><div class='story-body'>{before}{BODY}{credit}</div></article>"
            f"{after_article}<footer class='site-footer'>{footer}<p>© 2022 Copy News</p></footer></body></html>")


def credited(html: str, url: str | None = URL) -> str | None:
    result = extract_article(html, url=url)
    assert result.is_article, result.reason
    return result.credited_url


def test_a_cross_site_canonical_is_the_credited_page():
    head = '<link rel="canonical" href="https://apnews.com/article/kherson-flags-0a1b2c">'
    assert credited(page(head=head)) == "https://apnews.com/article/kherson-flags-0a1b2c"


def test_a_same_site_canonical_credits_nothing():
    for href in ("https://www.copy-news.example.org/world/kherson-flags", "/world/kherson-flags",
                 "https://amp.copy-news.example.org/world/kherson-flags",  # another host of the same site
                 "https://edition.copy-news.example.org/world/kherson-flags"):
        assert credited(page(head=f'<link rel="canonical" href="{href}">')) is None


def test_hosts_are_compared_by_registered_domain_and_in_punycode():
    head = '<link rel="canonical" href="https://www.cnn.com/2021/03/08/uk/recap/index.html">'
    assert credited(page(head=head), url="https://edition.cnn.com/2021/03/08/uk/recap/index.html") is None
    head = '<link rel="canonical" href="https://seglerblog.xn--stssenseer-fcb.de/haltet-sauber/">'
    assert credited(page(head=head), url="https://seglerblog.stössenseer.de/haltet-sauber/") is None


def test_og_url_alone_is_not_a_credit():
    head = '<meta property="og:url" content="https://apnews.com/article/kherson-flags-0a1b2c">'
    assert credited(page(head=head)) is None


def test_a_syndication_source_meta_tag_is_a_credit():
    head = '<meta name="syndication-source" content="https://www.reuters.com/world/europe/kherson-2022-11-11/">'
    assert credited(page(head=head)) == "https://www.reuters.com/world/europe/kherson-2022-11-11/"


def test_a_canonical_to_another_site_s_home_page_names_no_page():
    assert credited(page(head='<link rel="canonical" href="https://apnews.com/">')) is None


@pytest.mark.parametrize("credit", [
    '<p>This article was originally published on <a href="https://blog.other.example.com/2022/kherson">'
    'Other Blog</a>.</p>',
    '<p><em>This story originally appeared on <a href="https://blog.other.example.com/2022/kherson">'
    'blog.other.example.com</a> and is republished here with permission.</em></p>',
    '<p>This story was first published by <a href="https://blog.other.example.com/2022/kherson">Other</a>.</p>',
    '<p>Republished with permission from <a href="https://blog.other.example.com/2022/kherson">Other Blog</a>.</p>',
    '<p><i>This article is republished from <a href="https://theconversation.example.com/">The Conversation</a> '
    'under a Creative Commons license. Read the <a href="https://blog.other.example.com/2022/kherson">original '
    'article</a>.</i></p>',
    '<p>Source: <a href="https://blog.other.example.com/2022/kherson">Other Blog</a></p>',
    '<p>Source:: <a href="https://blog.other.example.com/2022/kherson">Other Blog</a> … '
    '<a href="https://blog.other.example.com/2022/kherson">read more</a></p>',
    '<p>(via <a href="https://blog.other.example.com/2022/kherson">Other Blog</a>)</p>',
])
def test_english_credit_lines(credit):
    assert credited(page(credit)) == "https://blog.other.example.com/2022/kherson"


def test_a_credit_line_at_the_top_of_the_article():
    credit = '<p><em>Originally published at <a href="https://blog.other.example.com/2022/kherson">' \
             'blog.other.example.com</a> on November 11, 2022.</em></p>'
    assert credited(page(before=credit)) == "https://blog.other.example.com/2022/kherson"


@pytest.mark.parametrize("credit", [
    '<p>Dieser Beitrag ist zuerst erschienen bei <a href="https://www.andere-zeitung.example.de/politik/kherson-123">'
    'Andere Zeitung</a>.</p>',
    '<p>Quelle: <a href="https://www.andere-zeitung.example.de/politik/kherson-123">Andere Zeitung</a></p>',
    '<p>Cet article a été publié initialement sur <a href="https://www.andere-zeitung.example.de/politik/kherson-123">'
    'un autre site</a>.</p>',
    '<p>Este artículo fue publicado originalmente en <a href="https://www.andere-zeitung.example.de/politik/kherson-123">'
    'otro sitio</a>.</p>',
])
def test_credit_lines_in_other_languages(credit):
    assert credited(page(credit)) == "https://www.andere-zeitung.example.de/politik/kherson-123"


def test_a_relative_link_is_resolved_against_the_page_url():
    credit = '<p>This article was originally published on <a href="/blog/kherson">our blog</a>.</p>'
    assert credited(page(credit)) is None  # resolved, it is a page of the page's own site
    head = '<meta property="og:url" content="https://www.copy-news.example.org/world/kherson-flags">'
    credit = '<p>Originally published at <a href="//blog.other.example.com/2022/kherson">Other Blog</a>.</p>'
    assert credited(page(credit, head=head), url=None) == "https://blog.other.example.com/2022/kherson"


def test_a_protocol_relative_link_is_resolved():
    credit = '<p>Originally published at <a href="//blog.other.example.com/2022/kherson">Other Blog</a>.</p>'
    assert credited(page(credit)) == "https://blog.other.example.com/2022/kherson"


def test_a_source_line_without_a_link_gives_nothing():
    assert credited(page("<p>Source: Reuters</p>")) is None
    assert credited(page("<p>This article originally appeared in The Kyiv Independent.</p>")) is None


def test_a_source_link_to_an_outlet_s_home_page_names_no_page():
    assert credited(page('<p>Source: <a href="https://www.reuters.com/">Reuters</a></p>')) is None
    assert credited(page('<p>Originally published at <a href="https://blog.other.example.com">Other</a>.</p>')) is None


def test_share_links_and_mailto_are_never_credits():
    credit = ('<p>This article was originally published on Other Blog. Share it: '
              '<a href="https://www.facebook.com/sharer/sharer.php?u=https://x.example.com/a">Facebook</a> '
              '<a href="https://twitter.com/intent/tweet?url=https://x.example.com/a">Twitter</a> '
              '<a href="https://www.linkedin.com/shareArticle?url=https://x.example.com/a">LinkedIn</a> '
              '<a href="mailto:?subject=Kherson">Email</a></p>')
    assert credited(page(credit)) is None
    assert credited(page('<p>Source: <a href="https://x.com/someone/status/1591">@someone</a></p>')) is None
    # a picture's credit (WCXB 2269: "Source: Unsplash+")
    assert credited(page('<p>Source: <a href="https://unsplash.com/photos/hello-jxelyjTrWFg">Unsplash+</a></p>')) is None


def test_the_link_must_follow_the_credit_phrase_in_the_same_short_block():
    credit = ('<p>Photo: <a href="https://photos.example.com/set/kherson-1">Photo Agency</a>. This article was '
              'originally published on Other Blog.</p>')
    assert credited(page(credit)) is None  # the only link comes before the phrase
    split = '<p>This article was originally published on Other Blog.</p>' \
            '<p><a href="https://blog.other.example.com/2022/kherson">Other Blog</a></p>'
    assert credited(page(split)) is None  # phrase and link in different paragraphs


def test_a_note_that_the_story_was_copied_elsewhere_credits_nothing():
    for credit in ('<p>This article was reprinted on <a href="https://www.wired.example.com/story/kherson/">Wired.com</a>.</p>',
                   '<p>This story was republished by <a href="https://www.wired.example.com/story/kherson/">Wired</a>.</p>'):
        assert credited(page(credit)) is None


def test_a_long_paragraph_mentioning_an_original_report_is_not_a_credit_line():
    long = ("<p>The figures, which were first published by the regional administration in a report that was "
            "quickly shared by officials, activists, volunteers and reporters across the country and abroad, "
            "describe how many residents stayed in the city during the occupation and how many of them left, "
            'according to <a href="https://stats.other.example.com/report/2022">the agency</a> that counted.</p>')
    assert credited(page(long)) is None


def test_source_and_via_count_only_at_the_start_or_end_of_the_article():
    middle = BODY.replace("</p>", "</p><p>Source: <a href='https://data.example.com/table/7'>Data</a></p>", 1)
    html = page().replace(BODY, middle + PARAGRAPH.format(n="Wednesday") * 3)
    assert credited(html) is None


def test_a_credit_line_in_the_site_footer_or_sidebar_is_not_taken():
    credit = '<p>Originally published at <a href="https://blog.other.example.com/2022/kherson">Other Blog</a>.</p>'
    assert credited(page(footer=credit)) is None
    aside = f"<aside class='related'><ul><li><a href='/x'>Another story</a>{credit}</li></ul></aside>"
    assert credited(page(after_article=aside)) is None


def test_a_page_read_without_its_url_knows_its_site_from_og_url():
    head = ('<meta property="og:url" content="https://www.copy-news.example.org/world/kherson-flags">'
            '<link rel="canonical" href="https://apnews.com/article/kherson-flags-0a1b2c">')
    assert credited(page(head=head), url=None) == "https://apnews.com/article/kherson-flags-0a1b2c"
    # With nothing naming its own site, a canonical link cannot be told cross-site.
    assert credited(page(head='<link rel="canonical" href="https://apnews.com/article/x-1">'), url=None) is None


def test_pick_credited_url_directly():
    tree = load_html("<html><head></head><body><div><p>First published by "
                     "<a href='https://origin.example.com/story/1'>Origin</a></p></div></body></html>")
    assert pick_credited_url(tree, read_meta(tree), URL, [], "First published by Origin") \
        == "https://origin.example.com/story/1"
    assert pick_credited_url(tree, read_meta(tree), URL, [], "") is None  # not a line of the article
    assert pick_credited_url(tree, read_meta(tree), URL, ["https://origin.example.com/story/9"], "") \
        == "https://origin.example.com/story/9"


def test_credited_url_does_not_change_the_rest_of_the_extraction():
    plain = extract_article(page(), url=URL).to_json()
    credit = '<link rel="canonical" href="https://apnews.com/article/kherson-flags-0a1b2c">'
    with_credit = extract_article(page(head=credit), url=URL).to_json()
    assert with_credit.pop("credited_url") and plain.pop("credited_url") is None
    plain.pop("canonical_url"), with_credit.pop("canonical_url")
    assert with_credit == plain


def test_the_cli_shows_credited_url(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page(head='<meta property="og:url" content="https://www.copy-news.example.org/w/k">',
                         credit='<p>Source: <a href="https://blog.other.example.com/2022/kherson">Other</a></p>'))
    [record] = list(extract_files([str(path)]))
    assert json.loads(json.dumps(record))["credited_url"] == "https://blog.other.example.com/2022/kherson"


def test_a_source_box_after_the_comments_that_the_article_text_lost_is_near_enough():
    box = ("<div id='comments' class='comments-area'><form><textarea></textarea></form></div>"
           "<div class='wprss-source'><p>Source:: <a href='https://www.businessinsider.example.com/kherson-2022-11' "
           "target='_blank'>Business Insider</a></p></div>")
    html = page().replace("</div></article>", "</div>" + box + "</article>")
    assert credited(html) == "https://www.businessinsider.example.com/kherson-2022-11"


def test_the_offline_replay_aggregator_credits_its_original_once_on_its_own_host():
    from wirehouse.replay import build_site
    site = build_site("http://127.0.0.1:8765")
    [(path, body)] = [(p, b) for p, (_t, b) in site.items() if p.startswith("/aggregator/2022/11/11/")]
    html = body.decode()
    # The replay serves every outlet on one host, so the aggregator's credit names its own site there ...
    assert credited(html, url="http://127.0.0.1:8765" + path) is None
    # ... and the page of another site once the aggregator has a host of its own.
    html = html.replace("http://127.0.0.1:8765/aggregator", "http://aggregator.example.net/aggregator")
    assert credited(html, url="http://aggregator.example.net" + path).startswith(
        "http://127.0.0.1:8765/businessinsider/ukraine-retakes-kherson")

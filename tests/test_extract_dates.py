"""Published dates from the markup pages really use: OpenGraph, JSON-LD, datelines by the headline, URLs."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from trafilatura.utils import load_html

from extract.dates import date_in_url, parse_datetime, pick_dates
from extract.structured import read_json_ld, read_meta


def dates_and_agreement(head: str, body: str, url: str = "https://acme.example/post/1", lang: str = "en",
                        headline: str = "Headline", htmldate_result: str | None = None):
    """(published, its source, the other sources that agreed)."""
    html = f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    tree = load_html(html)
    published, _modified, source, _, agreed = pick_dates(html, tree, read_meta(tree), read_json_ld(tree), url,
                                                         htmldate_result=htmldate_result, headline=headline)
    return published, source, agreed


def dates_of(head: str, body: str, **page):
    published, source, _ = dates_and_agreement(head, body, **page)
    return published, source


def article_ld(**dates) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **dates})}</script>'


def day_of(published) -> str | None:
    return published.date().isoformat() if published else None


OPENGRAPH = '<meta property="article:published_time" content="2024-03-05T10:00:00+00:00">'


def test_opengraph_published_time_wins_over_json_ld_and_the_shown_date():
    head = OPENGRAPH + article_ld(datePublished="2024-01-01T09:00:00Z")
    published, source = dates_of(head, "<h1>Headline</h1><p>Updated June 2, 2025</p>")
    assert (day_of(published), source) == ("2024-03-05", "meta")


def test_the_date_shown_by_the_headline_wins_over_json_ld_and_takes_its_declared_time():
    head = article_ld(datePublished="2021-08-12T19:35:44Z", dateModified="2025-02-22T22:13:14Z")
    published, source = dates_of(head, "<h1>Headline</h1><p>By Jane Doe</p><p>Last updated: February 22, 2025</p>")
    assert published == datetime(2025, 2, 22, 22, 13, 14, tzinfo=timezone.utc) and source == "json-ld"


def test_a_shown_date_no_declared_stamp_agrees_with_comes_from_the_byline():
    head = article_ld(datePublished="2025-11-20T16:02:46Z")
    published, source = dates_of(head, "<h1>Headline</h1><div><span>Liza Burke</span><span>May 14, 2025</span></div>")
    assert (published, source) == (datetime(2025, 5, 14, tzinfo=timezone.utc), "byline")


@pytest.mark.parametrize("comment_class, expected", [("article-footer", "2025-08-13"), ("comment-meta", "2025-08-08")])
def test_a_time_marked_pubdate_wins_over_opengraph_unless_a_commenter_s(comment_class, expected):
    head = '<meta property="article:published_time" content="2025-08-08T00:00:00-04:00">'
    body = (f'<h1>Headline</h1><p>Text.</p><div class="{comment_class}">Published '
            '<time pubdate datetime="2025-08-13">August 13, 2025</time></div>')
    published, source = dates_of(head, body)
    assert (day_of(published), source) == (expected, "byline" if expected == "2025-08-13" else "meta")


@pytest.mark.parametrize("body, expected, source", [
    ("<h1>Headline</h1><p>7 min read · Dec 30, 2013</p>", "2013-12-30", "byline"),  # a re-import's stamp is years later
    ("<h1>Headline</h1><p>July 4, 2025</p>", "2025-07-05", "meta"),  # a day apart: the stamp's time zone
    ("<h1>Headline</h1><p>Updated Jan 2, 2024</p>", "2025-07-05", "meta"),  # an update date is no dateline
    ("<p>Jan 2, 2024</p><h1>Headline</h1><p>Text.</p>", "2025-07-05", "meta"),  # above the headline: another story's
    ("<h1>Headline</h1>" + "<p>Share this post on your favourite network</p>" * 5 + "<p>Dec 30, 2013</p>",
     "2025-07-05", "meta"),  # far below the headline: a related post's
])
def test_a_dateline_days_older_than_the_opengraph_stamp_wins(body, expected, source):
    head = '<meta property="article:published_time" content="2025-07-05T00:04:00+00:00">'
    published, origin = dates_of(head, body)
    assert (day_of(published), origin) == (expected, source)


@pytest.mark.parametrize("byline, expected", [
    ("<p>Published Jan 5, 2024 · Updated Mar 2, 2025</p>", "2024-01-05"),
    ("<p>April 26, 2024</p><p>Updated on: October 28, 2024</p>", "2024-04-26"),
    ("<p>Updated on: October 28, 2024</p><p>Posted on Friday, April 26, 2024</p>", "2024-04-26"),
    ("<p>Updated: Dec 19, 2025 1:06 PM EST</p>", "2025-12-19"),
    ("<p>By Ludo Fourrage Last Updated: December 15th 2025</p>", "2025-12-15"),
    ("<p>16 December 2025 by Sam O'Brien</p>", "2025-12-16"),
    ("<p>Published on 2025-12-19</p>", "2025-12-19"),
    ("<p>Emily Walker</p><p>Feb 11, 20268 min read</p>", "2026-02-11"),  # spans glued together
])
def test_the_dateline_prefers_a_published_or_plain_date_to_an_update(byline, expected):
    published, _ = dates_of(article_ld(datePublished="2019-01-01T00:00:00Z"), f"<h1>Headline</h1>{byline}")
    assert day_of(published) == expected


def test_dates_in_the_article_prose_are_not_a_dateline():
    prose = ("<p>The deadline to file your return is April 15, 2025, and the agency said on Tuesday that it expects "
             "more people than ever to file online before that day, according to its latest figures.</p>")
    published, source = dates_of(article_ld(datePublished="2025-01-17T13:39:16-05:00"), f"<h1>Headline</h1>{prose}")
    assert (day_of(published), source) == ("2025-01-17", "json-ld")


def test_the_dateline_is_read_by_the_headline_not_by_a_logo_h1_or_a_sidebar_above():
    body = ('<header><h1>Acme Blog</h1></header><aside><p>Other news</p><p>12/04/2025</p></aside>'
            '<article><h1>Candidate Experience</h1><p>03/01/2017 by Agatha Caleo</p></article>')
    published, _ = dates_of("", body, headline="Candidate Experience", lang="en-US")
    assert day_of(published) == "2017-03-01"


def test_a_headline_outside_the_h1s_anchors_the_dateline():
    body = ("<h1>RogerBW's Blog</h1><div class='post-title'>Advent of Code week 2</div><p>20 December 2025</p>"
            "<h1>Day 7</h1><p>Text.</p>")
    published, source = dates_of("", body, headline="Advent of Code week 2", htmldate_result="2014-01-01")
    assert (day_of(published), source) == ("2025-12-20", "byline")


def test_a_dateline_above_the_headline_is_read_across_the_surrounding_markup():
    body = ('<header><nav><a>Home</a><a>Blog</a></nav></header><main><div class="meta"><span>May 2, 2025</span>'
            '<!-- category --> · <a>News</a><script>var d = "June 9, 2025";</script></div>'
            '<div class="title"><h1>Headline</h1></div><p>Text.</p></main>')
    published, source = dates_of(article_ld(datePublished="2019-01-01T00:00:00Z"), body)
    assert (day_of(published), source) == ("2025-05-02", "byline")


def test_no_dateline_when_the_headline_cannot_be_found_among_several_h1s():
    body = "<h1>Acme</h1><ul><li>Other story</li><li>May 2, 2024</li></ul><h1>Latest</h1><p>Text.</p>"
    published, source = dates_of(article_ld(datePublished="2023-01-09T08:00:00Z"), body)
    assert (day_of(published), source) == ("2023-01-09", "json-ld")


@pytest.mark.parametrize("lang, url, expected", [
    ("en-US", "https://acme.example/post/1", "2023-03-10"),
    ("en-GB", "https://acme.example/post/1", "2023-10-03"),
    ("en", "https://acme.example/blog/2023/october/03/wine-styles", "2023-10-03"),  # the URL settles it
])
def test_day_and_month_order_of_a_numeric_date(lang, url, expected):
    published, _ = dates_of("", "<h1>Headline</h1><p>03/10/2023 by Acme</p>", url=url, lang=lang)
    assert day_of(published) == expected


def test_a_utc_stamp_is_dated_on_the_local_day_its_url_gives():
    head = '<meta property="article:published_time" content="2025-12-19T02:41:41+00:00">'
    body = '<h1>Headline</h1><p>Comment at <time datetime="2025-12-18T21:46:01-05:00">9:46 pm</time></p>'
    published, _ = dates_of(head, body, url="https://acme.example/2025/12/18/headline/")
    assert published.isoformat() == "2025-12-18T21:41:41-05:00"
    published, _ = dates_of(head, body, url="https://acme.example/headline/")  # no evidence: the stamp as declared
    assert published.isoformat() == "2025-12-19T02:41:41+00:00"


def test_a_webpage_date_is_used_when_the_page_has_no_article_data():
    graph = {"@graph": [{"@type": "WebSite", "name": "Acme"},
                        {"@type": "WebPage", "datePublished": "2024-03-17T19:47:39+00:00",
                         "dateModified": "2024-05-03T10:57:58+00:00"}]}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    published, source = dates_of(head, "<h1>Headline</h1><p>Text.</p>", htmldate_result="2024-05-03")
    assert (day_of(published), source) == ("2024-03-17", "json-ld")


def test_a_shown_date_in_the_future_is_ignored():
    published, source = dates_of(article_ld(datePublished="2024-02-01T00:00:00Z"),
                                 "<h1>Headline</h1><p>Event on March 3, 2999</p>")
    assert (day_of(published), source) == ("2024-02-01", "json-ld")


@pytest.mark.parametrize("value, expected", [
    ("Feb 08, 2022", "2022-02-08"), ("2025-11-25 08:33:24", "2025-11-25"), ("Thu, 04 Sep 2025 19:24:33 GMT", "2025-09-04"),
    ("13/11/2025", "2025-11-13"), ("not a date", None),
])
def test_parse_datetime_reads_written_dates(value, expected):
    assert day_of(parse_datetime(value)) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://a.example/2025/12/18/slug/", date(2025, 12, 18)),
    ("https://a.example/blog/2023/october/03/how-many", date(2023, 10, 3)),
    ("https://a.example/2025-12-18-slug", date(2025, 12, 18)),
    ("https://a.example/archive/2025/12/slug.html", None),
    ("https://a.example/article/582896/best.html", None),
])
def test_date_in_url(url, expected):
    assert date_in_url(url) == expected


# -- more bylines --------------------------------------------------------------


# -- month names of the page's language, agreement between sources -----------------------------

@pytest.mark.parametrize("lang, byline, expected", [
    ("de", "<p>Von Eva Muster | 18. März 2020</p>", "2020-03-18"),
    ("fr", "<p>Publié le 3 mai 2022</p>", "2022-05-03"),
    ("es", "<p>Por Ana Pérez, 6 de mayo de 2022</p>", "2022-05-06"),
    ("pl", "<p>12 października 2021</p>", "2021-10-12"),
    ("", "<p>wurde am 19. Mai 2010 gepostet</p>", "2010-05-19"),  # no declared language: every language's names
    ("ja", "<p>2019年6月24日 12時00分</p>", "2019-06-24"),
])
def test_a_dateline_is_read_in_the_page_s_language(lang, byline, expected):
    published, source = dates_of("", f"<h1>Headline</h1>{byline}", lang=lang, htmldate_result="2001-01-01")
    assert (day_of(published), source) == (expected, "byline")


def test_three_sources_that_agree_overturn_a_dateline_none_agrees_with():
    head = article_ld(datePublished="2016-04-15T10:00:00+02:00")
    body = '<h1>Headline</h1><p>Related: an older post, May 26, 2015</p><time datetime="2016-04-15">15.4.2016</time>'
    published, source, agreed = dates_and_agreement(head, body, url="https://acme.example/2016-04-15/headline/")
    assert (day_of(published), source, agreed) == ("2016-04-15", "json-ld", ("byline", "url"))


def test_two_sources_that_agree_do_not_overturn_the_dateline():
    body = '<h1>Headline</h1><p>May 26, 2015</p><time datetime="2016-04-15">15.4.2016</time>'
    published, source, agreed = dates_and_agreement("", body, url="https://acme.example/2016-04-15/headline/",
                                                    htmldate_result="2015-05-26")
    assert (day_of(published), source, agreed) == ("2015-05-26", "byline", ("htmldate",))


def test_htmldate_breaks_a_tie_and_is_named_among_the_agreeing_sources():
    head = '<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
    body = "<h1>Headline</h1><p>February 24, 2020 | 9:25pm</p>"
    url = "https://acme.example/2020/02/24/headline/"
    published, source, agreed = dates_and_agreement(head, body, url=url, htmldate_result="2020-02-24")
    assert (day_of(published), source, agreed) == ("2020-02-24", "byline", ("url", "htmldate"))
    published, source, agreed = dates_and_agreement(head, body, url=url, htmldate_result="2020-02-25")
    assert (day_of(published), source, agreed) == ("2020-02-25", "meta", ("htmldate",))


@pytest.mark.parametrize("lang, dateline, expected", [
    ("de", "<p>Sidney Muster 28. Juni 2025 - 16.03 Uhr Akt.: 29. Juni 2025 - 21.18 Uhr</p>", "2025-06-28"),
    ("is", "<p>12.2.2025 | 7:25 Uppfært | 11.2.2025 | 23:55</p>", "2025-02-11"),
    ("en", "<p>Published May 9, 2025 · Updated May 2, 2025</p>", "2025-05-09"),  # labelled: as labelled
])
def test_of_two_dates_in_one_dateline_the_earlier_is_the_publication(lang, dateline, expected):
    published, _ = dates_of("", f"{dateline}<h1>Headline</h1><p>Text.</p>", lang=lang, htmldate_result="2001-01-01")
    assert day_of(published) == expected


def test_a_date_a_few_words_after_the_dateline_is_not_its_pair():
    body = "<h1>Headline</h1><p>Datum: 18.10.2021 Im Bundesgesetzblatt vom 17. August 2021 (Teil I)</p>"
    published, _ = dates_of("", body, lang="de", htmldate_result="2001-01-01")
    assert day_of(published) == "2021-10-18"


def test_a_dotted_date_with_a_two_digit_year():
    published, _ = dates_of("", "<h1>Headline</h1><p>Do 25.04.24 | 14:07 Uhr | Von Eva Muster</p>", lang="de",
                            htmldate_result="2001-01-01")
    assert day_of(published) == "2024-04-25"


def test_a_date_in_the_headline_is_not_its_dateline():
    headline = "Protokoll der Vorstandssitzung vom 10. Oktober 2019"
    published, _ = dates_of("", f"<h1>{headline}</h1><p>26/12/2019 von Webteam</p>", lang="de-DE", headline=headline)
    assert day_of(published) == "2019-12-26"


def test_a_date_in_a_sentence_is_not_a_dateline():
    body = ("<h1>Headline</h1><p>Der nächste Stammtisch findet am Mi. 5. Februar 2020 ab 19 Uhr im Cafe Hurricane "
            "in der Innenstadt statt.</p>")
    published, source = dates_of("", body, lang="de", htmldate_result="2020-01-29")
    assert (day_of(published), source) == ("2020-01-29", "htmldate")


def test_a_shown_date_labelled_updated_does_not_vote_for_publication():
    head = '<meta property="article:published_time" content="2025-12-08T22:31:00Z">'
    body = '<h1>Headline</h1><p>Updated <time datetime="2025-12-31T20:51:17Z">Dec 31, 2025</time></p>'
    published, source, agreed = dates_and_agreement(head, body, htmldate_result="2025-12-31")
    assert (day_of(published), source, agreed) == ("2025-12-08", "meta", ())


@pytest.mark.parametrize("lang, byline", [("de", "<p>Von Eva Muster, 4. 2. 2022</p>"), ("cs", "<p>Jan Novák | 4. 2. 2022</p>")])
def test_a_numeric_date_spaced_after_its_dots_is_read_day_first(lang, byline):
    published, source = dates_of("", f"<h1>Headline</h1>{byline}", lang=lang, htmldate_result="2022-04-02")
    assert (day_of(published), source) == ("2022-02-04", "byline")


def test_a_time_element_dates_a_page_that_declares_nothing_before_htmldate_does():
    body = '<h1>Headline</h1><p>Text.</p><p><time datetime="2022-01-25T08:00:00+01:00">Tuesday</time></p>'
    published, source = dates_of("", body, htmldate_result="2022-01-21")
    assert (published.isoformat(), source) == ("2022-01-25T08:00:00+01:00", "byline")


def test_a_page_that_declares_only_its_modified_date_is_dated_that_day():
    head = '<meta name="datemodified" content="06/13/2019">'
    published, source = dates_of(head, "<h1>Headline</h1><p>Text.</p>", htmldate_result="2004-01-01")
    assert (day_of(published), source) == ("2019-06-13", "meta")
    published, source = dates_of("", "<h1>Headline</h1><p>Text.</p>", htmldate_result="2004-01-01")
    assert (day_of(published), source) == ("2004-01-01", "htmldate")


@pytest.mark.parametrize("stamp, shown, expected", [
    ("2021-11-04T23:00:00Z", "5. November 2021", "2021-11-05T00:00:00+01:00"),  # local midnight in Berlin
    ("2021-11-04T15:00:00Z", "5. listopadu 2021", "2021-11-05T00:00:00+09:00"),  # ... in Tokyo, a Czech page or not
    ("2021-11-04T23:00:55Z", "5. November 2021", "2021-11-04T23:00:55+00:00"),  # a time of day: the stamp's day
    ("2021-11-04T23:00:00Z", "4. November 2021", "2021-11-04T23:00:00+00:00"),  # the shown day agrees already
])
def test_a_utc_stamp_on_the_hour_is_the_midnight_of_the_day_the_page_shows(stamp, shown, expected):
    head = f'<meta property="article:published_time" content="{stamp}">'
    published, _ = dates_of(head, f"<h1>Headline</h1><p>{shown}</p>", lang="de" if "November" in shown else "cs")
    assert published.isoformat() == expected


@pytest.mark.parametrize("root, expected", [('<html xml:lang="en-GB">', "2020-10-02"), ('<html xml:lang="en-US">', "2020-02-10")])
def test_an_xhtml_page_s_xml_lang_sets_the_order_of_a_numeric_date(root, expected):
    html = f'{root}<head></head><body><h1>Headline</h1><p><span class="time">02/10/2020</span></p></body></html>'
    tree = load_html(html)
    published, *_ = pick_dates(html, tree, read_meta(tree), read_json_ld(tree), None, htmldate_result="2001-01-01",
                               headline="Headline")
    assert day_of(published) == expected


def test_a_live_blog_is_dated_by_its_declared_start_not_by_its_latest_entry():
    live = ('<script type="application/ld+json">' + json.dumps({
        "@type": "LiveBlogPosting", "datePublished": "2024-08-04T13:23:00Z", "dateModified": "2024-08-05T19:49:50Z"})
        + '</script>')
    head = ('<meta property="article:published_time" content="2024-08-05T19:49:50Z">'
            '<meta property="article:modified_time" content="2024-08-05T19:49:50Z">')
    body = '<h1>Headline</h1><p>Updated <time datetime="2024-08-05T19:49:50Z">20:49, 5 Aug 2024</time></p>'
    published, source = dates_of(head + live, body, htmldate_result="2024-08-05")
    assert (day_of(published), source) == ("2024-08-04", "json-ld")
    article = live.replace("LiveBlogPosting", "NewsArticle")  # an article's OpenGraph stamp still comes first
    assert day_of(dates_of(head + article, body, htmldate_result="2024-08-05")[0]) == "2024-08-05"

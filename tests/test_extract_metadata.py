"""Authors, titles and dates from the markup pages really use: bylines, author links, roles, site names, datelines."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from trafilatura.utils import load_html

from extract.metadata import (
    clean_authors, date_in_url, parse_datetime, pick_authors, pick_dates, pick_title, site_names,
)
from extract.structured import read_json_ld, read_meta

SITE = '<meta property="og:site_name" content="Acme Blog">'


def authors_of(head: str, body: str, fallback: str | None = None, url: str = "https://acme.example/post/1"):
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    return pick_authors(tree, read_meta(tree), read_json_ld(tree), fallback, url)


BYLINES = [
    ('<header><h1>Headline</h1><p class="meta">By Amy Wilhelm</p></header><p>Text.</p>', ["Amy Wilhelm"]),
    ('<h1>Headline</h1><h3>Written by Cassidy Horton</h3>', ["Cassidy Horton"]),
    ('<h1>Headline</h1><div><a href="/authors/emily-walker/">Emily Walker</a></div>', ["Emily Walker"]),
    ('<h1>Headline</h1><span class="author-name">Linda Rosencrance Contributing Writer</span>', ["Linda Rosencrance"]),
    ('<h1>Headline</h1><p>By Melissa Norris Facebook Tweet Pin</p>', ["Melissa Norris"]),
    ('<h1>Headline</h1><p>By: Ziyi Xu, Dec 17, 2025</p>', ["Ziyi Xu"]),
    ('<h1>Headline</h1><p>Posted by <b>David</b> at December 16, 2025</p>', ["David"]),
    ('<h1>Headline</h1><div class="author">Ben Applebaum-Bauch ⋅ Review Editor</div>', ["Ben Applebaum-Bauch"]),
    ('<h1>Headline</h1><p><span>By</span> <a href="/x">Brian Truitt</a> Acme Blog</p>', ["Brian Truitt"]),
]


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


# -- published dates ---------------------------------------------------------

def dates_of(head: str, body: str, url: str = "https://acme.example/post/1", lang: str = "en",
             headline: str = "Headline", htmldate_result: str | None = None):
    html = f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    tree = load_html(html)
    published, _modified, source, _ = pick_dates(html, tree, read_meta(tree), read_json_ld(tree), url,
                                                 htmldate_result=htmldate_result, headline=headline)
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

MORE_BYLINES = [
    # an article's own <footer> holds the byline in many WordPress themes
    ('<article><h1>Headline</h1><p>Text.</p><footer class="entry-footer"><p>Posted By: <a>Kiersten</a></p></footer></article>',
     ["Kiersten"]),
    # a class naming the author in camel case, its first line a date
    ('<h1>Headline</h1><div class="styles_dateAndAuthorContainer"><span>Dec 17, 2025</span><span>Julian K. Arni</span></div>',
     ["Julian K. Arni"]),
    # an author box: the name above a bio
    ('<h1>Headline</h1><div class="blog_author-box"><div>Lauren Vetter</div>'
     '<p>Lauren Vetter is a growth-focused marketing professional specializing in healthcare technology.</p></div>',
     ["Lauren Vetter"]),
    # author links with nothing between them
    ('<h1>Headline</h1><p>Written by: <a href="/authors/emily-walker/">Emily Walker</a>'
     '<a href="/authors/casey-mcdevitt/">Casey McDevitt</a></p>', ["Emily Walker", "Casey McDevitt"]),
    ('<h1>Headline</h1><div class="tags">Contributors: Janet Loughrey</div>', ["Janet Loughrey"]),
    ('<h1>Headline</h1><p>By Tom May</p>', ["Tom May"]),  # a month that is a name
    ('<h1>Headline</h1><p>By Tom Price May 5, 2025</p>', ["Tom Price"]),
    ('<h1>Headline</h1><div class="publish-date-author">Dec. 19, 2025 · Niko Matsakis on behalf of Vision Doc group</div>',
     ["Niko Matsakis"]),
    ('<h1>Headline</h1><h4 class="author-name">The Currency editors</h4>', ["The Currency editors"]),
]


def test_a_section_in_the_byline_is_not_an_author():
    body = ('<h1>Headline</h1><section class="byline"><span>March 20, 2023</span> | '
            '<span class="byline__category">Wellness &amp; Prevention</span></section>')
    assert authors_of(SITE, body) == ([], None)


def test_a_tag_in_a_byline_of_another_post_is_not_an_author():
    body = ('<h1>Headline</h1><div class="byline"><span class="byline__tag">Personal finance</span> '
            '<span class="byline__date">January 27, 2025</span></div>'
            '<div class="card"><div class="byline"><span class="byline__tag">Lifestyle</span></div></div>')
    assert authors_of(SITE, body) == ([], None)


def test_avatar_initials_before_a_name_are_dropped():
    assert clean_authors(["CM Craig McCarthy", "JD Jane Doe", "AJ Neal"]) == ["Craig McCarthy", "Jane Doe", "AJ Neal"]


def test_a_commenter_is_not_the_author():
    body = ('<h1>Headline</h1><p>Text.</p><div class="comments"><div class="comment-author vcard">'
            '<span>Andre Alexis</span> says:</div></div>')
    assert authors_of(SITE, body) == ([], None)


def test_a_byline_that_holds_no_name_does_not_end_the_search():
    body = ('<h1>Headline</h1><div class="post-author-text">August 28, 2025</div>'
            '<div class="author-box"><h4>Bence Kovacs</h4><p>Bence is a software developer.</p></div>')
    assert authors_of(SITE, body) == (["Bence Kovacs"], "byline")


def test_an_author_link_wins_over_an_author_label_in_the_text():
    body = ('<h1>Headline</h1><p><a href="/blog/author/spencer-mcintyre/">Spencer McIntyre</a></p>'
            '<h2>New module</h2><p>Author: Tarek Nakkouch</p>')
    assert authors_of(SITE, body) == (["Spencer McIntyre"], "byline")


def test_an_author_element_holding_a_label_does_not_hide_the_by_line():
    body = '<h1>Headline</h1><a rel="author" href="/about">Learn More</a><p>By Jane Roe</p>'
    assert authors_of(SITE, body) == (["Jane Roe"], "byline")


def test_a_user_handle_or_an_organisation_declared_as_author_gives_way_to_a_named_person():
    handle = '<meta name="author" content="andrew.keaveney">'
    assert authors_of(SITE + handle, "<h1>Headline</h1>") == (["andrew.keaveney"], "meta")
    assert authors_of(SITE + handle, '<h1>Headline</h1><span class="author_name">Denise Everheart</span>') \
        == (["Denise Everheart"], "byline")
    company = ('<script type="application/ld+json">{"@type": "BlogPosting", '
               '"author": {"@type": "Organization", "name": "Levitate Media"}}</script>')
    assert authors_of(SITE + company, "<h1>Headline</h1>") == (["Levitate Media"], "json-ld")
    assert authors_of(SITE + company, '<h1>Headline</h1><p>By Liza Burke</p>') == (["Liza Burke"], "byline")


def test_a_month_left_of_a_date_is_not_a_name():
    assert clean_authors(["Dec", "May.", "Tom May"]) == ["Tom May"]


# -- titles ------------------------------------------------------------------

def title_of(head: str, body: str, url: str = "https://acme.example/post/1", fallback: str | None = None):
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    meta, ld = read_meta(tree), read_json_ld(tree)
    return pick_title(tree, meta, ld, fallback, site_names(meta, ld, url))


def test_a_lone_h1_sharing_no_word_with_the_declared_title_is_a_section_label():
    head = "<title>Why Tutors Help | Acme Times</title>"
    assert title_of(head, "<h1>Our BLOG</h1>") == ("Why Tutors Help", "meta")
    assert title_of(head, "<h1>How Good Tutors Help</h1>") == ("How Good Tutors Help", "h1")
    assert title_of("<title>Acme Blog</title>", "<h1>Our BLOG</h1>") == ("Our BLOG", "h1")  # the title only names the site


def test_trafilatura_guess_does_not_vouch_for_the_h1_it_came_from():
    head = "<title>Progress Report #39</title>"
    assert title_of(head, "<h1>Field Notes</h1>", fallback="Field Notes") == ("Progress Report #39", "meta")


def test_an_h1_naming_the_site_is_not_the_headline_unless_every_title_agrees():
    head = '<title>Engora Data Blog: Small models</title><meta property="og:title" content="Small models">'
    assert title_of(head, "<h1>Engora Data Blog</h1>", url="https://blog.engora.com/x") == ("Small models", "meta")
    head = "<title>Austin Catalog Index</title>"
    assert title_of(head, "<h1>Austin Hardware Catalog</h1>", url="https://www.austinhardware.com/x") \
        == ("Austin Hardware Catalog", "h1")


def test_of_several_h1s_the_one_covering_the_title_wins_and_a_one_word_h1_is_not_the_headline():
    head = '<meta property="og:title" content="U.S. in Progress 2025: Poland to Park City">'
    body = "<h1>Filmmaker</h1><h1>U.S. in Progress 2025: Poland to Park City</h1><h1>Related Articles</h1>"
    assert title_of(head, body) == ("U.S. in Progress 2025: Poland to Park City", "meta")
    head = '<meta property="og:title" content="How we pwned Vercel, Cursor and Discord through a supply chain">'
    body = "<h1>writeup.md</h1><h1>Select an option</h1><h1>Discord</h1>"
    assert title_of(head, body) == ("How we pwned Vercel, Cursor and Discord through a supply chain", "meta")


def test_a_json_ld_headline_cut_short_gives_way_to_the_full_title():
    cut = "Fix It Friday: We Help 4 Readers Find Solutions For Their Living Rooms (Including"
    head = (f'<script type="application/ld+json">{json.dumps({"@type": "BlogPosting", "headline": cut})}</script>'
            f'<meta property="og:title" content="{cut} One Universal Trick) - Acme Blog">')
    assert title_of(head, "<p>Text.</p>") == (f"{cut} One Universal Trick)", "json-ld")


def test_a_letter_styled_apart_in_the_h1_stays_in_its_word():
    body = '<h1><a>Cut Your Planning <span class="hand">C</span>ycle in Two</a></h1>'
    assert title_of("", body) == ("Cut Your Planning Cycle in Two", "h1")
    assert title_of("", "<h1>The Best Notion Alternatives<span>Top Tools</span></h1>")[0] \
        == "The Best Notion Alternatives Top Tools"


def test_quote_marks_shown_around_the_h1_are_part_of_the_headline():
    head = '<meta property="og:title" content="“New Ways to Corrupt LLMs”">'
    assert title_of(head, "<h1>“New Ways to Corrupt LLMs”</h1>")[0] == "“New Ways to Corrupt LLMs”"
    assert title_of(head, "<p>Text.</p>")[0] == "New Ways to Corrupt LLMs"


def test_characters_the_h1_lost_are_read_from_the_declared_title():
    head = """<meta property="og:title" content="The Basics Of Event Planning: Beginner's Guide">"""
    assert title_of(head, "<h1>The Basics Of Event Planning? Beginner? Guide</h1>") \
        == ("The Basics Of Event Planning: Beginner's Guide", "meta")
    assert title_of(head, "<h1>What Are The Basics? A Guide</h1>") == ("What Are The Basics? A Guide", "h1")


def test_an_aggregators_source_and_comment_count_are_not_the_headline():
    body = "<h1>Stanford Grads Find Their Degrees No Longer Guarantee Jobs (latimes.com) 87</h1>"
    assert title_of("", body)[0] == "Stanford Grads Find Their Degrees No Longer Guarantee Jobs"


DATELINES_AND_BY_LABELS = [
    ('<h1>Headline</h1><div><time datetime="2017-03-01">03/01/2017</time> by Agatha Caleo, Candidate Representative '
     'to the Candidate Liaison Committee</div>', ["Agatha Caleo"]),
    ('<h1>Headline</h1><div><i>Last updated March  3, 2025 by <a href="https://erik.example/">Erik Demaine</a>.</i></div>',
     ["Erik Demaine"]),
    ('<h1>Headline</h1><article><footer><p>Posted by Colin Watson on 2025-12-18 in debusine. '
     'Tags: debusine, freexian, planet-debian.</p></footer></article>', ["Colin Watson"]),
    ('<h1>Headline</h1><div><div>Written by</div><div>Jack Shepherd</div><div>Hi! I am Jack, co-founder of the agency '
     'and I write about marketing.</div></div>', ["Jack Shepherd"]),
    ('<h1>Headline</h1><div><h2>Article by</h2><div>Matias Heikkilä</div><div><button>Let\'s talk</button></div></div>',
     ["Matias Heikkilä"]),
    ('<h1>Headline</h1><div>Written by: <div><img src="a.jpg"></div><span>Elise Nass</span></div>', ["Elise Nass"]),
]


WRITTEN_BY_ROLES_AND_AVATAR_LINKS = [
    ('<h1>Headline</h1><p><em>This post was written by Danielle Padula, Head of Marketing and Community Development</em></p>',
     ["Danielle Padula"]),
    ('<h1>Headline</h1><p><em>This post was written by Vanessa Mendez, MD, gastroenterologist, Parkview Health.</em></p>',
     ["Vanessa Mendez"]),
    ('<h1>Headline</h1><div><a href="https://acme.example/blog/authors/emmanuel-oyibo" aria-label="Emmanuel Oyibo">'
     '<img src="e.jpg"></a></div>', ["Emmanuel Oyibo"]),
    ('<h1>Headline</h1><div><a href="/authors/jane-roe"><img src="j.jpg" alt="Jane Roe"></a></div>', ["Jane Roe"]),
    ('<h1>Headline</h1><div><p>Elliot Raba</p><p>Sales Executive</p><button>All articles by Elliot Raba</button></div>',
     ["Elliot Raba"]),
]


@pytest.mark.parametrize("body, expected", BYLINES + MORE_BYLINES + DATELINES_AND_BY_LABELS
                         + WRITTEN_BY_ROLES_AND_AVATAR_LINKS)
def test_visible_bylines(body, expected):
    assert authors_of(SITE, body) == (expected, "byline")


def test_an_avatar_link_to_another_site_is_not_an_author():
    body = '<h1>Headline</h1><div><a href="https://social.example/authors/jane-roe" aria-label="Jane Roe"><img></a></div>'
    assert authors_of(SITE, body) == ([], None)


def test_the_author_a_twitter_card_names():
    head = '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Nawaz Dhandala">'
    assert authors_of(SITE + head, "<h1>Headline</h1>") == (["Nawaz Dhandala"], "meta")
    head += '<meta name="author" content="Jay Berstein">'
    assert authors_of(SITE + head, "<h1>Headline</h1>") == (["Jay Berstein"], "meta")


def test_a_job_title_after_a_declared_name_is_not_another_author():
    assert clean_authors(["Mayank Gupta, CEO of CaseBasix"]) == ["Mayank Gupta"]
    assert clean_authors(["Matt Check Head Winemaker"]) == ["Matt Check"]

"""Standfirsts and link teasers read from the page's markup."""

from __future__ import annotations

from lxml import html

from extract.metadata import run_together_text
from extract.pruning import drop_other_posts, link_teasers, standfirsts

DEK = "Here is how the port will be rebuilt, and who will pay for it."
BODY = "<p>The city council voted on Friday to rebuild the river port damaged by the autumn storms.</p>"


def test_the_dek_in_the_headlines_header_and_the_heading_after_the_headline_are_standfirsts():
    """A heading, a paragraph or a dek-classed <div> in the header; a dek-classed heading after the <h1>."""
    in_header = html.fromstring(f"<html><body><article><header><h1>Port to be rebuilt</h1><h2>{DEK}</h2></header>"
                                f"<div>{BODY}</div></article></body></html>")
    after = html.fromstring(f"<html><body><div><h1>Port to be rebuilt</h1><h5 class='deck'>{DEK}</h5>{BODY}</div>"
                            "</body></html>")
    dek_div = html.fromstring(f"<html><body><header><h1>Port</h1><div class='header--dek'>{DEK}</div>"
                              f"<div class='byline'>By Jane Doe and John Roe, Port News staff</div></header>{BODY}"
                              "</body></html>")
    assert standfirsts(in_header) == [DEK] and standfirsts(after) == [DEK] and standfirsts(dek_div) == [DEK]


def test_a_header_holding_the_story_and_a_short_section_heading_are_not_standfirsts():
    story_in_header = html.fromstring(f"<html><body><header><h1>Port</h1><p>{DEK}</p>{BODY}{BODY}</header>"
                                      "</body></html>")
    heading = html.fromstring(f"<html><body><h1>Port</h1><h2>Safety alert</h2>{BODY}</body></html>")
    unclassed = html.fromstring(f"<html><body><h1>Port</h1><h2>{DEK}</h2>{BODY}</body></html>")
    assert standfirsts(story_in_header) == [] and standfirsts(heading) == [] and standfirsts(unclassed) == []


def test_a_paragraph_that_is_one_link_in_capitals_is_a_link_teaser():
    page = html.fromstring("<html><body><p><strong><a href='/other'>STORM DAMAGE: SEE THE HARBOUR FROM THE AIR</a>"
                           f"</strong></p>{BODY}<p><a href='/app'>Get the app</a></p><p><a href='/x'>NEWS</a></p>"
                           "<p>THE MAYOR SAID <a href='/m'>IT WAS OVER</a> ON FRIDAY</p></body></html>")
    assert link_teasers(page) == ["STORM DAMAGE: SEE THE HARBOUR FROM THE AIR"]


OTHER_POST = ("<article id='post-{n}' class='post'><h2><a href='/p{n}'>Ferry timetable {n}</a></h2>"
              "<p>Excerpt of another story about the ferries, number {n}, with a date and a byline.</p></article>")


def test_the_other_posts_a_wordpress_page_lists_are_removed_and_its_own_post_kept():
    """Listed posts are removed even when unclosed markup nests them in one another; text after one stays."""
    page = html.fromstring(f"<html><body class='single postid-7'><article id='post-7'><h1>Port</h1>{BODY}</article>"
                           f"<section>{OTHER_POST.format(n=8)}<p>Text after the list.</p>"
                           f"{OTHER_POST.format(n=9)[:-10]}{OTHER_POST.format(n=10)}</article></section></body></html>")
    assert drop_other_posts(page) == 2
    text = run_together_text(page)
    assert "rebuild the river port" in text and "Text after the list." in text and "Ferry" not in text


def test_without_the_pages_own_post_id_or_when_a_listed_post_holds_the_story_nothing_is_removed():
    no_own_id = html.fromstring(f"<html><body class='single'>{BODY}{OTHER_POST.format(n=8)}</body></html>")
    story_inside = html.fromstring(f"<html><body class='postid-7'><div id='post-8'>{BODY * 6}</div>"
                                   f"{OTHER_POST.format(n=9)}</body></html>")
    assert drop_other_posts(no_own_id) == 0 and "Ferry" in run_together_text(no_own_id)
    assert drop_other_posts(story_inside) == 1 and "rebuild the river port" in run_together_text(story_inside)

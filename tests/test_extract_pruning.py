"""Standfirsts, link teasers and furniture boxes read from the page's markup."""

from __future__ import annotations

from lxml import html

from extract.pruning import boxed_texts, link_teasers, standfirsts

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


def test_a_small_box_named_as_a_promotion_gives_its_texts_but_one_words_and_a_large_one_none():
    page = html.fromstring(f"<html><body><article>{BODY}<div class='promo-box'><h3>Try it free</h3>"
                           "<p>Start your 30-day trial today.</p><span>Offers</span></div>"
                           "<div class='cta-inline'><p>Book a demo now</p></div></article>"
                           f"<div id='latest-stories'>{BODY * 20}</div></body></html>")
    assert boxed_texts(page)[1:] == ["Try it free", "Start your 30-day trial today.", "Book a demo now"]

"""Standfirsts read from the page's markup."""

from __future__ import annotations

from lxml import html

from extract.pruning import standfirsts

DEK = "Here is how the port will be rebuilt, and who will pay for it."
BODY = "<p>The city council voted on Friday to rebuild the river port damaged by the autumn storms.</p>"


def test_the_dek_in_the_headlines_header_and_the_heading_after_the_headline_are_standfirsts():
    in_header = html.fromstring(f"<html><body><article><header><h1>Port to be rebuilt</h1><h2>{DEK}</h2></header>"
                                f"<div>{BODY}</div></article></body></html>")
    after = html.fromstring(f"<html><body><div><h1>Port to be rebuilt</h1><h5 class='deck'>{DEK}</h5>{BODY}</div>"
                            "</body></html>")
    assert standfirsts(in_header) == [DEK] and standfirsts(after) == [DEK]


def test_a_header_holding_the_story_and_a_short_section_heading_are_not_standfirsts():
    story_in_header = html.fromstring(f"<html><body><header><h1>Port</h1><p>{DEK}</p>{BODY}{BODY}</header>"
                                      "</body></html>")
    heading = html.fromstring(f"<html><body><h1>Port</h1><h2>Safety alert</h2>{BODY}</body></html>")
    unclassed = html.fromstring(f"<html><body><h1>Port</h1><h2>{DEK}</h2>{BODY}</body></html>")
    assert standfirsts(story_in_header) == [] and standfirsts(heading) == [] and standfirsts(unclassed) == []

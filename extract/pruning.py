"""Page furniture that only the page's markup tells apart from the story.

The text trafilatura returns has lost its markup, so a line cannot tell whether it was a paragraph of
the story or the standfirst (dek) the page sets under its headline. Those are read from the tree here
and handed to ``clean_text`` as texts to drop.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_DEK_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# The class a CMS gives the heading it sets under the headline as its dek ("sub-head", "article-subline", "deck").
_DEK_CLASS = re.compile(r"sub|dek|deck|standfirst|strap|summary|excerpt|lede|description", re.I)
# A standfirst is a sentence; "Safety Alert" or "Coffea arabica" under a headline is a section heading.
MIN_STANDFIRST_WORDS = 5
# A <header> holding more paragraphs than this holds the story itself, not just its headline.
HEADER_MAX_PARAGRAPHS = 2
# How far after the headline a heading counts as its dek.
HEADINGS_AFTER_HEADLINE = 2


def standfirsts(tree: HtmlElement) -> list[str]:
    """The texts of the standfirsts set with the page's headline (<h1>): the headings and paragraphs of
    the <header> it stands in, and a heading right after it classed as a dek. They summarise the story
    (they are the page's description) rather than belong to it."""
    found = []
    for headline in tree.iter("h1"):
        found += _header_texts(headline) + _headings_after(headline)
    return [text for text in dict.fromkeys(found) if len(text.split()) >= MIN_STANDFIRST_WORDS]


def _header_texts(headline: HtmlElement) -> list[str]:
    header = next(headline.iterancestors("header"), None)
    if header is None or sum(1 for _ in header.iter("p")) > HEADER_MAX_PARAGRAPHS:
        return []
    return [element.text_content() for element in header.iter(*_DEK_HEADINGS, "p")]


def _headings_after(headline: HtmlElement) -> list[str]:
    texts = []
    sibling = headline.getnext()
    for _ in range(HEADINGS_AFTER_HEADLINE):
        if sibling is None:
            break
        if sibling.tag in _DEK_HEADINGS and _DEK_CLASS.search(sibling.get("class") or ""):
            texts.append(sibling.text_content())
        sibling = sibling.getnext()
    return texts

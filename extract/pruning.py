"""Page furniture that only the page's markup tells apart from the story.

The text trafilatura returns has lost its markup, so a line cannot tell whether it was a paragraph of
the story, the standfirst (dek) the page sets under its headline, a link to another story set as a
paragraph of its own, or the text of a small promotion or newsletter box. Those are read from the tree
here and handed to ``clean_text`` as texts to drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from extract.metadata import run_together_text


@dataclass(frozen=True)
class MarkedFurniture:
    standfirsts: tuple[str, ...] = ()  # dropped among the text's first lines
    link_teasers: tuple[str, ...] = ()  # dropped anywhere
    boxed: tuple[str, ...] = ()  # dropped anywhere, unless they would be most of the text


def marked_furniture(tree: HtmlElement) -> MarkedFurniture:
    return MarkedFurniture(tuple(standfirsts(tree)), tuple(link_teasers(tree)), tuple(boxed_texts(tree)))


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
    """The texts of the standfirsts set with the page's headline (<h1>): the headings, paragraphs and
    dek-classed blocks of the <header> it stands in, and a heading right after it classed as a dek. They summarise the story
    (they are the page's description) rather than belong to it."""
    found = []
    for headline in tree.iter("h1"):
        found += _header_texts(headline) + _headings_after(headline)
    return [text for text in dict.fromkeys(found) if len(text.split()) >= MIN_STANDFIRST_WORDS]


def _header_texts(headline: HtmlElement) -> list[str]:
    header = next(headline.iterancestors("header"), None)
    if header is None or sum(1 for _ in header.iter("p")) > HEADER_MAX_PARAGRAPHS:
        return []
    return [run_together_text(element) for element in header.iter(*_DEK_HEADINGS, "p", "div")
            if element.tag != "div" or _DEK_CLASS.search(element.get("class") or "")]


def _headings_after(headline: HtmlElement) -> list[str]:
    texts = []
    sibling = headline.getnext()
    for _ in range(HEADINGS_AFTER_HEADLINE):
        if sibling is None:
            break
        if sibling.tag in _DEK_HEADINGS and _DEK_CLASS.search(sibling.get("class") or ""):
            texts.append(run_together_text(sibling))
        sibling = sibling.getnext()
    return texts


# A teaser is a headline: "CO-FOUNDER 'PROUD' OF HOME DEPOT EMPLOYEES", not "CLICK HERE".
MIN_TEASER_WORDS = 4
# The share of a paragraph's text its one link must hold to make it a link rather than a sentence with one.
TEASER_LINK_SHARE = 0.9


def link_teasers(tree: HtmlElement) -> list[str]:
    """The texts of paragraphs that are nothing but one link set in capitals: the "read this too" teasers
    some CMSs put between a story's paragraphs, shouted so they stand out from it."""
    return [text for paragraph in tree.iter("p") if (text := _shouted_link_text(paragraph))]


def _shouted_link_text(paragraph: HtmlElement) -> str | None:
    links = paragraph.findall(".//a")
    if len(links) != 1:
        return None
    text = run_together_text(paragraph)
    if len(text.split()) < MIN_TEASER_WORDS or text.upper() != text or not any(c.isalpha() for c in text):
        return None
    return text if len(run_together_text(links[0])) >= TEASER_LINK_SHARE * len(text) else None


# Class or id names of the boxes a CMS sets in and around a story that are never part of it: promotions,
# newsletter and subscription forms, pop-ups, carousels, other stories' excerpts, the latest stories.
_BOX_NAMES = re.compile(r"promo|newsletter|subscri|popup|modal|overlay|carousel|excerpt|latest|disclosure|advert|"
                        r"breadcrumb", re.I)
# A box holding more text than this is a layout container so named, and may hold the story.
MAX_BOX_CHARS = 1500


def boxed_texts(tree: HtmlElement) -> list[str]:
    """The texts of the small boxes named as furniture, and of every element in them."""
    texts: list[str] = []
    boxes: set = set()
    for element in tree.xpath("//body//*[@class or @id]"):
        if not _BOX_NAMES.search(f"{element.get('class') or ''} {element.get('id') or ''}"):
            continue
        if any(ancestor in boxes for ancestor in element.iterancestors()):
            continue
        text = run_together_text(element)
        if not text or len(text) > MAX_BOX_CHARS:
            continue
        boxes.add(element)
        texts += [run_together_text(node) for node in element.iter() if isinstance(node.tag, str)]
    return [text for text in dict.fromkeys(texts) if text]

"""Page furniture that only the page's markup tells apart from the story.

The text trafilatura returns has lost its markup, so a line cannot tell whether it was a paragraph of
the story, the standfirst (dek) the page sets under its headline, a link to another story set as a
paragraph of its own, or the text of a small promotion or newsletter box. Those are read from the tree
here and handed to ``clean_text`` as texts to drop.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from lxml.etree import XPath
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


# Class or id names of the boxes a CMS sets in and around a story that are never part of it: promotions and
# calls to action ("cta" opening a name), newsletter and subscription forms, pop-ups, carousels, other stories'
# excerpts, the latest stories.
_BOX_NAMES = ("promo", "cta", "sponsored", "newsletter", "subscri", "signup", "sign-up", "popup", "modal", "overlay",
              "carousel", "excerpt", "latest", "disclosure", "advert", "breadcrumb")
_CLASS_AND_ID = XPath("//body//@class | //body//@id")
# A box holding more text than this is a layout container so named, and may hold the story.
MAX_BOX_CHARS = 1500
# A box's one-word label ("Nationwide", "Resources") may be a heading of the story too.
MIN_BOXED_WORDS = 2


def boxed_texts(tree: HtmlElement) -> list[str]:
    """The texts of the small boxes named as furniture, and of every element in them."""
    texts: list[str] = []
    boxes: set = set()
    for element in _named_boxes(tree):
        if any(ancestor in boxes for ancestor in element.iterancestors()) or not _at_most(element, MAX_BOX_CHARS):
            continue
        boxes.add(element)
        texts += [run_together_text(node) for node in element.iter() if isinstance(node.tag, str)]
    return [text for text in dict.fromkeys(texts) if text.count(" ") + 1 >= MIN_BOXED_WORDS]


def _named_boxes(tree: HtmlElement) -> list[HtmlElement]:
    """The elements with a class or id holding one of _BOX_NAMES, in page order. The names are searched
    joined in one string: a search per element took longer than the whole of the cleaning."""
    names = _CLASS_AND_ID(tree)
    joined = "\n".join(names).lower()
    starts = list(accumulate((len(name) + 1 for name in names[:-1]), initial=0))
    found: set[int] = set()
    for word in _BOX_NAMES:
        at = joined.find(word)
        while at >= 0:
            if word != "cta" or at == 0 or not joined[at - 1].isalnum():
                found.add(bisect_right(starts, at) - 1)
            at = joined.find(word, at + 1)
    return list(dict.fromkeys(names[number].getparent() for number in sorted(found)))


def _at_most(element: HtmlElement, chars: int) -> bool:
    """The element holds some text, and no more than ``chars`` characters of it."""
    total = 0
    for piece in element.itertext():
        total += len(piece.strip())
        if total > chars:
            return False
    return total > 0

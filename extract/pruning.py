"""Page furniture that only the page's markup tells apart from the story.

The text trafilatura returns has lost its markup, so a line cannot tell whether it was a paragraph of
the story, the standfirst (dek) the page sets under its headline, or a link to another story set as a
paragraph of its own. Those are read from the tree here and handed to ``clean_text`` as texts to drop.
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


def marked_furniture(tree: HtmlElement) -> MarkedFurniture:
    return MarkedFurniture(tuple(standfirsts(tree)), tuple(link_teasers(tree)))


# WordPress names the post a page shows in <body class="postid-N"> (a page: "page-id-N") and gives every
# post it renders the id "post-M": the page's own post and the recent or related posts listed with it.
_OWN_POST = re.compile(r"(?:^|\s)(?:postid|page-id)-(\d+)(?:\s|$)")
_POST_ID = re.compile(r"post-(\d+)")
# An element so marked holding more than this share of the page's text holds the story, whatever its id says
# (markup left unclosed can nest the story in a listed post).
MAX_OTHER_POST_SHARE = 0.5


def drop_other_posts(tree: HtmlElement) -> int:
    """Remove from ``tree`` the other posts a WordPress page lists beside its own (recent posts, related
    posts, the next post's excerpt), so that neither the text nor the byline or date pickers read them.
    Returns how many were removed."""
    body = tree.find("body")
    own = _OWN_POST.search(body.get("class") or "") if body is not None else None
    if own is None:
        return 0
    others = [element for element in tree.xpath('//*[starts-with(@id, "post-")]')
              if (match := _POST_ID.fullmatch(element.get("id"))) and match.group(1) != own.group(1)]
    if not others:
        return 0
    page_length = len(run_together_text(body))
    removed: list[HtmlElement] = []
    for element in others:  # in page order, so a listed post holding others is seen first
        if any(ancestor in removed for ancestor in element.iterancestors()):
            continue
        if len(run_together_text(element)) <= MAX_OTHER_POST_SHARE * page_length:
            element.drop_tree()  # its tail stays: that text belongs to its container
            removed.append(element)
    return len(removed)


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

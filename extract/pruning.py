"""Page furniture that only the page's markup tells apart from the story.

The text trafilatura returns has lost its markup, so a line cannot tell whether it was a paragraph of
the story, the standfirst (dek) the page sets under its headline, a link to another story set as a
paragraph of its own, or the text of a small promotion or newsletter box. Those are read from the tree
here and handed to ``clean_text`` as texts to drop.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

from lxml.etree import XPath
from lxml.html import HtmlElement

from extract.metadata import run_together_text


@dataclass(frozen=True)
class MarkedFurniture:
    standfirsts: tuple[str, ...] = ()  # dropped among the text's first lines
    link_teasers: tuple[str, ...] = ()  # dropped anywhere
    repeated_items: tuple[str, ...] = ()  # not furniture: kept however often they repeat
    labels: tuple[str, ...] = ()  # date stamps and tag lists, dropped anywhere
    boxed: tuple[str, ...] = ()  # dropped anywhere, unless they would be most of the text


def marked_furniture(tree: HtmlElement, texts: dict[HtmlElement, str] | None = None) -> MarkedFurniture:
    """``texts``: ``block_texts(tree)`` when the caller has read them already."""
    texts = block_texts(tree) if texts is None else texts
    return MarkedFurniture(tuple(standfirsts(tree)), tuple(link_teasers(tree, texts)),
                           tuple(repeated_items(tree, texts)), tuple(labels(tree)), tuple(boxed_texts(tree)))


_TEXT_BLOCKS = ("p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6")


def block_texts(tree: HtmlElement) -> dict[HtmlElement, str]:
    """The texts of the page's paragraphs, list items and headings, read once for the rules below."""
    return {element: run_together_text(element) for element in tree.iter(*_TEXT_BLOCKS)}


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
    (they are the page's description) rather than belong to it. The headline itself goes with them: the title picked
    for the page may be a shorter form of it ("Design Week 2018" for "Design Week 2018 | A light installation")."""
    found = []
    for headline in tree.iter("h1"):
        found += [run_together_text(headline)] + _header_texts(headline) + _headings_after(headline)
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


_CARD_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
# A paragraph or a subheading that is one link to another story is its teaser.
_LINKED_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
# A subheading so linked is a teaser when it is a headline, a sentence; a shopping guide links its products' names.
MIN_LINKED_HEADING_WORDS = 8
# A teaser is a headline: "CO-FOUNDER 'PROUD' OF HOME DEPOT EMPLOYEES", not "CLICK HERE".
MIN_TEASER_WORDS = 4
# The share of a paragraph's text its one link must hold to make it a link rather than a sentence with one.
TEASER_LINK_SHARE = 0.9
# The words of a label a CMS sets before a teaser's link.
MAX_TEASER_LABEL_WORDS = 3


def link_teasers(tree: HtmlElement, texts: dict[HtmlElement, str] | None = None) -> list[str]:
    """The texts of paragraphs and subheadings that are nothing but one link, a label aside: the "read this too"
    teasers some CMSs put between a story's paragraphs or after it (a paragraph shouted in capitals whatever it
    links to, another when it leads to another page and the page sets its text nowhere else, as a table of
    contents would); and the headlines and summaries of cards made links as a whole
    (<a href><h3>headline</h3><p>summary</p></a>)."""
    texts = block_texts(tree) if texts is None else texts
    one_link = [(block, text, link) for block, text in texts.items()
                if block.tag in _LINKED_BLOCKS and (link := _only_link(block, text, _least_words(block))) is not None]
    shouted = [text for block, text, _ in one_link if block.tag == "p" and text.upper() == text]
    linked = [text for _, text, link in one_link if text not in shouted and _leads_elsewhere(link)]
    if linked:
        counts = Counter(texts.values())
        linked = [text for text in linked if counts[text] == 1]
    return shouted + linked + _card_texts(tree, texts) + _link_lists(tree, texts)


def _card_texts(tree: HtmlElement, texts: dict[HtmlElement, str]) -> list[str]:
    """The texts of headings and paragraphs inside links, but for those the page also sets outside one: a
    table of contents links to the story's own headings."""
    in_cards = {block: None for link in tree.iter("a") if _leads_elsewhere(link) for block in link.iter(*_CARD_BLOCKS)}
    if not in_cards:
        return []
    elsewhere = {text for block, text in texts.items() if block.tag in _CARD_BLOCKS and block not in in_cards}
    return [text for block in in_cards if len((text := texts[block]).split()) >= MIN_TEASER_WORDS
            and text not in elsewhere]


# A list of links to other stories holds this many items at least; its label ("Read also:") stands right before it.
MIN_LINK_LIST_ITEMS = 2
MAX_LINK_LIST_LABEL_WORDS = 8


def _link_lists(tree: HtmlElement, texts: dict[HtmlElement, str]) -> list[str]:
    """The items of lists made of links to other pages, one an item, and the label set right before such a list:
    the further reading a CMS sets after or inside a story."""
    found = []
    for listing in tree.iter("ul", "ol"):
        items = [item for item in listing if item.tag == "li"]
        if len(items) < MIN_LINK_LIST_ITEMS or sum(1 for _ in listing.iter("a")) != len(items):
            continue
        if not all(_one_link_item(item, texts) for item in items):
            continue
        found += [texts[item] for item in items]
        label = listing.getprevious()
        if label is not None and label in texts and len(texts[label].split()) <= MAX_LINK_LIST_LABEL_WORDS:
            found.append(texts[label])
    return found


def _one_link_item(item: HtmlElement, texts: dict[HtmlElement, str]) -> bool:
    """A list item that is one link to another page, a label aside; in a list of them, a word is a link's worth."""
    link = _only_link(item, texts.get(item, ""), 1)
    return link is not None and _leads_elsewhere(link)


def _least_words(block: HtmlElement) -> int:
    return MIN_TEASER_WORDS if block.tag == "p" else MIN_LINKED_HEADING_WORDS


def _leads_elsewhere(link: HtmlElement) -> bool:
    """A link to another page, not a jump or a toggle within this one, nor a shop's product page (rel=sponsored)."""
    href = (link.get("href") or "").strip()
    if not href or "#" in href or href.startswith("javascript:"):
        return False
    return "sponsored" not in (link.get("rel") or "")


def _only_link(block: HtmlElement, text: str, least_words: int) -> HtmlElement | None:
    """The block's one link, when it makes the block (``least_words`` at least), but for a label before it
    ("Read also:", "Lesen Sie auch »", a date)."""
    links = block.findall(".//a")
    if len(links) != 1 or len(text.split()) < least_words or not any(c.isalpha() for c in text):
        return None
    link_text = run_together_text(links[0])
    if len(link_text) >= TEASER_LINK_SHARE * len(text):
        return links[0]
    label = text[:-len(link_text)] if link_text and text.endswith(link_text) else ""
    labelled = 0 < len(label.split()) <= MAX_TEASER_LABEL_WORDS and len(link_text.split()) >= MIN_TEASER_WORDS
    return links[0] if labelled else None


_STAMP_PROPS = frozenset({"datePublished", "dateModified"})
# A sentence may link a word or two to a tag's page (rel=tag); a list of tags is mostly links.
TAG_LIST_LINK_SHARE = 0.7


def labels(tree: HtmlElement) -> list[str]:
    """The texts the markup marks as the story's date stamp (<time>, itemprop=datePublished) and as its list of
    tags (the element holding its rel=tag links), in whatever language or format they are written."""
    marked = [element for element in tree.xpath("//*[@itemprop]")
              if element.get("itemprop") in _STAMP_PROPS and element.tag != "meta"]
    stamps = [text for element in dict.fromkeys([*marked, *tree.iter("time")]) if (text := run_together_text(element))]
    holders: dict[HtmlElement, list[str]] = {}
    for link in tree.iter("a"):
        if "tag" in (link.get("rel") or "").split():
            holders.setdefault(link.getparent(), []).append(run_together_text(link))
    # The tags alone: the text matches a line by its words, whatever separates them, and a label before them
    # ("Tags:") may stand on a line of its own.
    return stamps + [" ".join(tags) for holder, tags in holders.items()
                     if len(tags) > 1 and _link_share(holder) >= TAG_LIST_LINK_SHARE]


def _link_share(element: HtmlElement) -> float:
    text = run_together_text(element)
    return sum(len(run_together_text(link)) for link in element.iter("a")) / len(text) if text else 0.0


_ITEM_TAGS = ("p", "li", "dd", "dt")


def repeated_items(tree: HtmlElement, texts: dict[HtmlElement, str] | None = None) -> list[str]:
    """The texts of paragraphs and list items set more than once under one parent: the entries of a structured
    text (the same "Serving: 1 cup rice, 1 tsp. oil" under each day of a meal plan). A pull quote or a second
    copy of the story stands in another container than the paragraph it repeats."""
    texts = block_texts(tree) if texts is None else texts
    counts = Counter((element.getparent(), text) for element, text in texts.items() if element.tag in _ITEM_TAGS)
    return list(dict.fromkeys(text for (_, text), count in counts.items() if count > 1 and text))


# Class or id names of the boxes a CMS sets in and around a story that are never part of it: promotions and
# calls to action ("cta" opening a name), newsletter and subscription forms, pop-ups, carousels, other stories'
# excerpts, the latest stories, the placeholder of an embed the page did not load (a consent notice), the comments.
_BOX_NAMES = ("promo", "cta", "sponsored", "newsletter", "subscri", "signup", "sign-up", "popup", "modal", "overlay",
              "carousel", "excerpt", "latest", "disclosure", "advert", "breadcrumb", "placeholder", "comment")
_CLASS_AND_ID = XPath("//body//@class | //body//@id")
# A story's state, not a box: Drupal marks every story it puts on the front page "node--promoted".
_STATE = "promoted"
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
            if (word != "cta" or at == 0 or not joined[at - 1].isalnum()) and not joined.startswith(_STATE, at):
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

"""Recovering article paragraphs that trafilatura's extraction dropped.

trafilatura sometimes keeps only part of an article: a paragraph after an inline
ad or "related" box, text in a <div> instead of a <p>, an article split over
several sibling containers of which only some pass its tests. Its extracted
lines are located in the page's DOM; the text blocks that lie between the first
and the last of them, yet are missing from the text, are put back in page order.
When the extracted lines sit in an article container (<article>,
itemprop=articleBody, an article-body class), the blocks of the whole container
are candidates, the lead before the first extracted line and the end after the
last included. Blocks inside page furniture (navigation, asides, forms, links,
share, related and promotion boxes, footnotes) or made mostly of links are
never recovered. Subheadings and list items too short to be a paragraph are
recovered only over a paragraph that is in the text or put back.

The page's own JSON-LD articleBody, when it declares one, checks the result: lines it does not hold are dropped,
and it stands in for a text that lost most of the story.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from copy import deepcopy

from trafilatura.baseline import basic_cleaning

from extract.metadata import run_together_text
from extract.structured import article_bodies, unescape

SHINGLE = 4

# Headings are blocks so that no <div> around one counts as a paragraph. A subheading trafilatura dropped
# is put back over article text only: over a form or a box it is a call to action.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SUBHEADINGS = frozenset(_HEADINGS[1:])
_NO_HEADING = len(_HEADINGS)
_BLOCK_TAGS = ("p", *_HEADINGS, "li", "blockquote", "dd", "dt", "div")
# Blocks whose first words are a link's are teaser items ("<a>headline</a> summary") in these.
_TEASER_TAGS = frozenset({"li", "div", "dd", "dt"})
# Inside these (a whole card made a link included) text is furniture, not the article.
_FURNITURE_TAGS = frozenset({"a", "nav", "aside", "footer", "header", "form", "figure", "figcaption", "button",
                             "select", "label", "table", "script", "style", "noscript", "template", "iframe", "svg"})
_FURNITURE_NAMES = re.compile(
    r"share|social|related|newsletter|subscri|comment|advert|\bads?\b|\bad[-_]|promo|sidebar|widget|"
    r"breadcrumb|caption|credit|cookie|popup|modal|\bmenu|footer|recommend|teaser|more-|signup|sign-up|"
    r"optin|opt-in|author|byline|\btags?\b|meta|\btoc\b|table-of-contents|sr-only|cta|(?<![a-z])form|"
    r"carousel|slider|banner|excerpt|recent|\bcards?\b|card[-_]|video|\bnav\b|nav[-_]|callout|image|"
    r"paywall|restricted|footnote|endnote", re.I)
# Holding one of these makes a block furniture too; a link in a sentence does not (a block made of links is told by
# its link share).
_FURNITURE_INSIDE = _FURNITURE_TAGS - {"a"}
# The markup a social network prescribes for a post quoted in a story: the story's, in whatever box it stands.
_EMBEDDED_POST = re.compile(r"\btwitter-tweet\b|\binstagram-media\b", re.I)
# A paragraph holding an element so named is an image's caption or credit line.
_CAPTION_NAMES = re.compile(r"caption|credit", re.I)
_ARTICLE_NAMES = re.compile(
    r"article[-_]?(?:body|content|text)|post[-_]?(?:body|content)|entry[-_]?content|story[-_]?(?:body|content)",
    re.I)
# Names of the wrapper some CMSs set the article body in, taken for a container when no ancestor has an article's name.
_BODY_NAMES = re.compile(
    r"(?:article|post|entry|story)__(?:body|content|text)|rich-?text|blog[-_]{0,2}(?:post|content|body)|"
    r"content[-_]{0,2}body|body[-_]{0,2}(?:copy|text)", re.I)
# A block counts as missing from the text when at most this share of its runs of SHINGLE words is in it.
MISSING_SHARE = 0.2
MIN_RECOVERED_WORDS = 8
MIN_LIST_ITEM_WORDS = 2
MIN_GAP_CHARS = 200  # a container holding less text beyond the extracted has no paragraph worth a search
# Paragraphs that locate the article: this many from each end of the page, each of at least so many
# words and characters (a shorter one, "Comments", occurs in the text by chance).
EDGE_ANCHORS = 3
MIN_ANCHOR_WORDS = 4
MIN_ANCHOR_CHARS = 16
MAX_LINK_SHARE = 0.4
# A wrapper holding this share of the extracted text is the article's, whatever its name says.
ARTICLE_WRAPPER_SHARE = 0.1


class _Block:
    """A leaf text block of the page."""

    def __init__(self, element, text: str) -> None:
        self.element = element
        self.text = text  # whitespace collapsed
        self.key = f" {text.lower()} "

    def word_count(self) -> int:
        return self.text.count(" ") + 1

    def offset_in(self, extracted: str, line_offsets: dict[str, int]) -> int | None:
        """Where the block's text starts in ``extracted`` (lower case, whitespace collapsed), if it
        occurs; looked up first among the whole lines, as most blocks are one."""
        offset = line_offsets.get(self.key[1:-1])
        if offset is None:
            offset = extracted.find(self.key) + 1
        return offset or None


def recover_dropped_text(tree, text: str) -> str:
    """``text`` (trafilatura's output for ``tree``) with the article blocks it dropped put back in place."""
    lines = text.split("\n")
    comparable = [_comparable(line) for line in lines]
    extracted = f" {' '.join(comparable)} "
    line_starts, line_offsets, start = [], {}, 1
    for line in comparable:
        line_starts.append(start)
        line_offsets.setdefault(line, start)
        start += len(line) + 1
    anchors = _anchors(tree, extracted)
    if len(anchors) < 2:
        return text
    container, blocks = _article_blocks(anchors, len(extracted))
    if not blocks:
        return text
    offsets = {block: block.offset_in(extracted, line_offsets) for block in blocks if _paragraph_sized(block)}
    kept = _article_wrappers([block for block, offset in offsets.items() if offset is not None], len(extracted))
    inserts: dict[int, list[str]] = {}
    next_line = bisect_right(line_starts, anchors[-1][1])  # the line a recovered block goes before
    titles_text = False  # the next paragraph in page order is in the text or put back
    rank_below = _NO_HEADING  # the rank of the heading right after, in page order
    for block in reversed(blocks):
        if _is_label(block, offsets):
            rank = _HEADINGS.index(block.element.tag) if block.element.tag in _SUBHEADINGS else _NO_HEADING
            # A heading over one of its rank titles nothing: a sidebar's "Trending" over its "Podcasts".
            over_text = rank < rank_below or rank == _NO_HEADING
            titles_text = titles_text and over_text and _recoverable(block, container, kept)
            if titles_text and block.offset_in(extracted, line_offsets) is None:
                inserts.setdefault(next_line, []).insert(0, _as_line(block))
            rank_below = rank
            continue
        rank_below = _NO_HEADING
        if block not in offsets:  # neither recovered nor a sure guide to where the others go
            titles_text = titles_text and _recoverable(block, container, kept)
            continue
        offset = offsets[block]
        if offset is not None:
            next_line = bisect_right(line_starts, offset) - 1
            titles_text = True
            continue
        titles_text = _present_share(block, extracted) <= MISSING_SHARE and _recoverable(block, container, kept)
        if not titles_text:
            continue
        inserts.setdefault(next_line, []).insert(0, _as_line(block))
    if not inserts:
        return text
    out = []
    for number, line in enumerate(lines):
        out.extend(inserts.get(number, []))
        out.append(line)
    out.extend(inserts.get(len(lines), []))
    return "\n".join(out)


def _as_line(block: _Block) -> str:
    return f"- {block.text}" if block.element.tag == "li" else block.text


def _anchors(tree, extracted: str) -> list[tuple[object, int]]:
    """The first and the last paragraphs of the page found in the text (EDGE_ANCHORS of each, in
    page order), with where they start in it. A paragraph must be long enough not to occur by
    chance, and not a copy: a teaser repeating part of a paragraph the text holds in full (as a
    standfirst or a ticker does elsewhere on the page) does not say where the article is."""
    paragraphs = list(tree.iter("p"))
    head = _located(paragraphs, extracted)
    tail = _located(reversed(paragraphs), extracted)
    found = dict([*head, *tail])
    order = {element: i for i, element in enumerate(paragraphs)}
    kept = sorted((element for element, span in found.items() if not _is_copy(element, span, found)),
                  key=order.__getitem__)
    return [(element, found[element][0]) for element in kept]


def _is_copy(element, span: tuple[int, int], found: dict) -> bool:
    """Another paragraph covers the same text (both copies when they cover exactly the same)."""
    begin, end = span
    return any(other is not element and other_begin <= begin and end <= other_end
               for other, (other_begin, other_end) in found.items())


def _located(paragraphs, extracted: str) -> list[tuple[object, tuple[int, int]]]:
    """The first EDGE_ANCHORS of ``paragraphs`` found in the text, with the span they cover in it."""
    found = []
    for element in paragraphs:
        text = run_together_text(element)
        if len(text) < MIN_ANCHOR_CHARS or text.count(" ") + 1 < MIN_ANCHOR_WORDS:
            continue
        offset = extracted.find(f" {text.lower()} ")
        if offset >= 0:
            found.append((element, (offset + 1, offset + 1 + len(text))))
            if len(found) == EDGE_ANCHORS:
                break
    return found


def _article_blocks(anchors: list[tuple[object, int]], extracted_length: int) -> tuple[object, list[_Block]]:
    """The element holding the article and its blocks to look at (none when it holds no more
    text than was extracted, as on most pages).

    An article container (<article>, itemprop=articleBody, an article-body class or, failing one, a
    rich-text or body-copy wrapper) around the extracted blocks is searched whole; without one, only
    the gaps between extracted blocks."""
    first, last = anchors[0][0], anchors[-1][0]
    common = _common_ancestor(first, last)
    if common is None:
        return None, []
    chain = (common, *common.iterancestors())
    container = next((node for node in chain if _is_article(node)), None)
    if container is None:
        container = next((node for node in chain if _BODY_NAMES.search(_names(node))), None)
    if len(run_together_text(container if container is not None else common)) < extracted_length + MIN_GAP_CHARS:
        return None, []
    if container is not None:
        return container, _blocks(container)
    blocks = _blocks(common)
    positions = [i for i, block in enumerate(blocks) if block.element is first or block.element is last]
    return common, blocks[positions[0]:positions[-1] + 1] if positions else []


def _is_article(element) -> bool:
    if element.tag == "article" or element.get("itemprop") == "articleBody":
        return True
    return bool(_ARTICLE_NAMES.search(_names(element)))


def _names(element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _blocks(tree) -> list[_Block]:
    """The leaf text blocks in page order: block elements (<div>s too) holding no further block."""
    candidates = list(tree.iter(*_BLOCK_TAGS))
    holders: set = set()
    for element in candidates:
        for ancestor in element.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    blocks = []
    for element in candidates:
        if element in holders:
            continue
        text = run_together_text(element)
        if text:
            blocks.append(_Block(element, text))
    return blocks


def _common_ancestor(one, other):
    ancestors = set(one.iterancestors())
    return next((node for node in other.iterancestors() if node in ancestors), None)


def _present_share(block: _Block, extracted: str) -> float:
    """The share of the block's runs of SHINGLE words that occur in the extracted text."""
    words = block.key.split()
    runs = [" ".join(words[i:i + SHINGLE]) for i in range(0, len(words), SHINGLE)]
    return sum(1 for run in runs if f" {run} " in extracted) / len(runs)


def _paragraph_sized(block: _Block) -> bool:
    return block.element.tag not in _HEADINGS and block.word_count() >= MIN_RECOVERED_WORDS


def _article_wrappers(present: list[_Block], extracted_length: int) -> set:
    """The elements holding at least ARTICLE_WRAPPER_SHARE of the extracted text in ``present`` blocks."""
    held: dict = {}
    for block in present:
        for ancestor in block.element.iterancestors():
            held[ancestor] = held.get(ancestor, 0) + len(block.text)
    return {element for element, length in held.items() if length >= ARTICLE_WRAPPER_SHARE * extracted_length}


def _is_label(block: _Block, paragraphs) -> bool:
    """A subheading, or a list item too short to be one of ``paragraphs``."""
    tag = block.element.tag
    return tag in _SUBHEADINGS or (tag == "li" and block not in paragraphs
                                   and block.word_count() >= MIN_LIST_ITEM_WORDS)


def _recoverable(block: _Block, container, kept: set) -> bool:
    """A paragraph of the article: not made of links, not inside page furniture (below the wrappers
    that hold extracted paragraphs too, ``kept``, whatever their names: "widget-span" is a layout cell)."""
    element = block.element
    if sum(len("".join(link.itertext())) for link in element.iter("a")) > MAX_LINK_SHARE * len(block.text):
        return False
    for node in element.iterdescendants():
        if isinstance(node.tag, str) and (node.tag in _FURNITURE_INSIDE
                                          or _CAPTION_NAMES.search(node.get("class") or "")):
            return False
    if element.tag in _TEASER_TAGS and _starts_with_link(element):
        return False
    return not _in_furniture(element, container, kept)


def _starts_with_link(element) -> bool:
    """The element's first words are a link's."""
    if (element.text or "").strip():
        return False
    for node in element.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "a":
            return True
        if (node.text or "").strip() or (node.tail or "").strip():
            return False
    return False


def _in_furniture(element, container, kept: set) -> bool:
    """The element or an ancestor below ``container`` and the ``kept`` wrappers is page furniture by tag or by
    class/id name."""
    node = element
    while node is not None and node is not container and node not in kept:
        names = _names(node)
        if _EMBEDDED_POST.search(names):
            return False
        if node.tag in _FURNITURE_TAGS:
            return True
        if names.strip() and _FURNITURE_NAMES.search(names):
            return True
        node = node.getparent()
    return False


# trafilatura's last resort returns a whole <article> as one line, its paragraphs run together.
MIN_RUN_TOGETHER_WORDS = 300
# Where trafilatura spaces the runs of text apart (baseline._BLOCK_ELEMS), so that the lines join up to its text.
_LINE_BREAKING_TAGS = ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
                       "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                       "summary", "table", "tr", "ul", *_HEADINGS)
_WORDS = re.compile(r"\w+")


def split_run_together(tree, text: str) -> str:
    """``text`` with a line that is an <article>'s whole text, as trafilatura's fallback gives it, set out
    again one line per block of the article, so that its furniture can be told from its paragraphs."""
    if "\n" in text or text.count(" ") + 1 < MIN_RUN_TOGETHER_WORDS:
        return text
    for article in tree.xpath("//article[not(ancestor::article)]"):
        lines = _block_lines(basic_cleaning(deepcopy(article)))
        if _WORDS.findall(" ".join(lines)) == _WORDS.findall(text):
            return "\n".join(lines)
    return text


def _block_lines(element) -> list[str]:
    """The element's text with a line break at each block's boundaries, whitespace collapsed; a table's
    row is a line "| cell | cell |"."""
    for block in element.iter(*_LINE_BREAKING_TAGS):
        block.text = f"\n{'| ' if block.tag == 'tr' else ''}{block.text or ''}"
        block.tail = f"\n{block.tail or ''}"
    for cell in element.iter("td", "th"):
        cell.tail = f" | {cell.tail or ''}"
    return [line for raw in element.text_content().split("\n") if (line := " ".join(raw.split()))]


# The share of the text's words its article container must hold for the lines after it to be dropped.
MIN_CONTAINED_SHARE = 0.6


def without_trailing_outside(tree, text: str) -> str:
    """``text`` without its last lines that lie outside the innermost article container (<article>,
    itemprop=articleBody, an article-body class) holding most of it, elsewhere on the page: the related
    stories, forms and credits a CMS sets after the article, which trafilatura took with it."""
    lines = text.split("\n\n")
    comparable = [_comparable(line) for line in lines]
    head = _located(tree.iter("p"), f" {' '.join(comparable)} ")
    containers = dict.fromkeys(node for element, _ in head for node in element.iterancestors() if _is_article(node))
    innermost_first = sorted(containers, key=lambda node: -sum(1 for _ in node.iterancestors()))
    if not innermost_first or comparable[-1] in run_together_text(innermost_first[0]).lower():
        return text  # as on most pages: the text ends in the article
    keys = [_key(line) for line in lines]
    words = [key.count(" ") - 1 for key in keys]
    for container in innermost_first:
        contained = _key(" ".join(container.itertext()))  # its text nodes kept apart: a <br> parts words run together
        inside = [not count or key in contained for key, count in zip(keys, words)]
        if sum(count for count, flag in zip(words, inside) if flag) >= MIN_CONTAINED_SHARE * sum(words) > 0:
            last = max(number for number, flag in enumerate(inside) if flag and words[number])
            page = run_together_text(tree).lower()  # runs of text may touch at block boundaries here
            return "\n\n".join(line for number, line in enumerate(lines)
                                 if number <= last or inside[number] or comparable[number] not in page)
    return text


def _comparable(line: str) -> str:
    """A line as the text is searched: lower case, whitespace collapsed."""
    return " ".join(line.split()).lower()


def _key(line: str) -> str:
    return f" {' '.join(_WORDS.findall(line.lower()))} "


# A declared body holding fewer words than this share of the text's is a summary or a first page, not the story.
MIN_DECLARED_BODY_SHARE = 0.7
# A text holding fewer words than this share of the declared body's lost the story (a paywall or a script shows it).
MIN_TEXT_SHARE_OF_BODY = 0.5
# A line with less than this share of its words in the declared body is furniture the page's markup set in the story.
MIN_LINE_IN_BODY_SHARE = 0.7
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


def within_declared_body(tree, text: str) -> str:
    """``text`` checked against the page's own JSON-LD articleBody: without the lines after the story's first that
    the body does not hold (the teasers, calls to action and captions its markup sets among the paragraphs), or the
    body itself when the text holds less than half of it. The lines before the story's first are kept whatever the
    body says: many CMSs leave the kicker and the standfirst out of it, and the posts of social networks quoted in
    the story."""
    body = _declared_body(tree)
    if not body:
        return text
    lines = text.split("\n\n")
    words = [_WORDS.findall(line.lower()) for line in lines]
    text_words, body_words = sum(map(len, words)), len(_WORDS.findall(body))
    if text_words < MIN_TEXT_SHARE_OF_BODY * body_words:
        return _PARAGRAPH_BREAK.sub("\n\n", body.strip())
    if body_words < MIN_DECLARED_BODY_SHARE * text_words:
        return text
    vocabulary = set(_WORDS.findall(body.lower())) | _embedded_post_words(tree)
    held = [bool(line_words) and sum(word in vocabulary for word in line_words)
            >= MIN_LINE_IN_BODY_SHARE * len(line_words) for line_words in words]
    first = held.index(True) if True in held else len(lines)
    return "\n\n".join(line for number, line in enumerate(lines) if number <= first or held[number])


def _declared_body(tree) -> str | None:
    """The longest articleBody of the page's JSON-LD, markup taken out."""
    bodies = article_bodies(tree)
    return _TAG.sub(" ", unescape(max(bodies, key=len))) if bodies else None


def _embedded_post_words(tree) -> set[str]:
    posts = [element for element in tree.iter("blockquote") if _EMBEDDED_POST.search(_names(element))]
    return {word for post in posts for word in _WORDS.findall(run_together_text(post).lower())}

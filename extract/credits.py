"""The page on another site that a page names as its original: the evidence deduplication needs to pick the
original of a cluster of copies when their dates are missing or wrong.

In this order:

1. a declared ``<link rel="canonical">`` on another site (a syndication partner pointing at the outlet that
   wrote the story), or the older Google News tags ``<meta name="syndication-source">`` /
   ``<meta name="original-source">``, which were made for exactly this;
2. else the link in a credit line of the article: "Originally published at …", "This article originally
   appeared on …", "This story was first published by …", "Republished with permission from …", "Read the
   original article …", "Zuerst erschienen bei …", "Publié initialement …", "Publicado originalmente en …"
   anywhere in the article, and "Source: <link>", "via <link>", "Quelle: <link>", "Fuente: <link>" as one of
   the article's first or last lines, the link right after the word.

``og:url`` is not used: pages copy it with the rest of the head, set it to the home page, to a staging host, or
to the http form of themselves, and a copy that keeps the original's og:url almost always keeps its canonical
link too; on the benchmark pages a cross-site og:url without a cross-site canonical is that kind of mistake.

A credit line counts when it is a line of the article text as extracted (before cleaning, which drops such
lines): that is what keeps a credit in the site's navigation, footer or sidebar out. The phrase and the link
must be in the same short block (at most ``MAX_CREDIT_WORDS`` words), the link after the phrase, absolute or
resolved against the page's URL, and it must name a page: never the page's own site, a social-media or share
link, a mailto:, a file (image, PDF), or a bare home page ("Source: <a href=https://reuters.com>Reuters</a>"
names an outlet, not a page).

Cheap: a page whose article text holds none of the credit words costs one lower-casing of that text and a few
substring tests; the tree is walked only for the few pages that have a credit line.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from courlan.urlutils import extract_domain
from lxml.html import HtmlElement

__all__ = ["pick_credited_url", "MAX_CREDIT_WORDS"]

MAX_CREDIT_WORDS = 40
# Lines longer than this are not searched for a credit phrase (40 words of 10 characters).
MAX_CREDIT_LINE_CHARS = 400
# "Source: <link>" and "via <link>" count only among the article's first and last lines.
WEAK_FIRST_LINES = 2
WEAK_LAST_LINES = 3

# Substrings (lower case) of the article's short lines without which no credit phrase can match: the fast path.
# Broad on purpose (a line holding one is only matched against _STRONG), and few: each is one pass over the text.
_STRONG_KEYS = (
    "publi",  # published, initially published, republished, publié, publicado, publiziert
    "origin",  # originally, original article, à l'origine, originellement, originalmente, originariamente
    "appear", "erschien", "veröffentl", "zuerst", "paru", "reprint", "repost", "re-post", "crossp", "cross-p",
    "syndicat", "first ran",
)
# The fewer words looked for in the page's other paragraphs (a credit box near the article).
_BOX_KEYS = ("originally", "first publ", "first appe", "republish", "reprint", "zuerst", "erschien", "initialement",
             "originalmente", "\nsource", "\nvia", "\n(via", "\nquelle", "\nfuente")
_STRONG_KEYS_UTF8 = tuple(key.encode() for key in _STRONG_KEYS)
_STRONG = re.compile(
    r"\boriginally\s+(?:published|appeared|posted|ran|written\s+for)\b"
    r"|\b(?:first|initially)\s+(?:published|appeared|posted|ran)\b"
    # "republished from X", not "republished on/by X" (this page is the original, X the copy)
    r"|\b(?:re-?published|reprinted|re-?posted|cross-?posted|syndicated)\s+(?:\S+\s+){0,4}?"
    r"(?:from|courtesy|with\s+(?:the\s+)?(?:kind\s+)?permission|under|by\s+(?:kind\s+)?(?:permission|arrangement))\b"
    r"|\b(?:read|view|see)\s+(?:the\s+)?original\s+(?:article|story|post|version|piece)\b"
    r"|^\W*original\s+(?:article|story|post|source)\s*:"
    # German
    r"|\bzuerst\s+(?:erschienen|veröffentlicht|publiziert)\b|\berschien\s+(?:zuerst|ursprünglich|erstmals)\b"
    r"|\bursprünglich\s+(?:erschienen|veröffentlicht)\b|\berstveröffentlichung\b"
    # French
    r"|\bpublié\s+(?:initialement|à\s+l['’]origine|originellement|d['’]abord)\b|\binitialement\s+publié"
    r"|\bparu\s+(?:initialement|d['’]abord)\b|\blire\s+l['’]article\s+original\b"
    # Spanish
    r"|\bpublicad[oa]\s+(?:originalmente|originariamente|primero|inicialmente)\b"
    r"|\boriginalmente\s+publicad[oa]\b|\bapareci[óo]\s+originalmente\b|\b(?:lee|leer|ver)\s+el\s+artículo\s+original\b",
    re.I)
_BOX_KEYS_UTF8 = tuple(key.encode() for key in _BOX_KEYS)
# At the start of a line: "Source: <link>", "Source:: <link>", "(via <link>)", "Quelle: <link>", "Fuente: <link>".
_WEAK = re.compile(r"^\W{0,3}(?:sources?\s*:{1,2}|quelle\s*:|fuente\s*:|via\s*:?)\s*", re.I)
_WEAK_KEY = re.compile(r"^\W{0,3}(?:sources?\s*:|quelle\s*:|fuente\s*:|via\b)", re.I)

# Hosts whose links are shares, profiles, posts or pictures, never the article a story was copied from.
_SOCIAL = re.compile(
    r"(?:^|\.)(?:facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|t\.co|linkedin\.com|lnkd\.in|pinterest\.[a-z.]+|"
    r"reddit\.com|redd\.it|whatsapp\.com|wa\.me|t\.me|telegram\.(?:me|org)|instagram\.com|tiktok\.com|youtube\.com|"
    r"youtu\.be|vk\.com|ok\.ru|tumblr\.com|flipboard\.com|getpocket\.com|addtoany\.com|sharethis\.com|"
    r"threads\.net|bsky\.app|mastodon\.social|plus\.google\.com|news\.google\.com|digg\.com|mix\.com|xing\.com|"
    # photo and stock-image libraries: "Source: <a>Unsplash</a>" credits a picture
    r"unsplash\.com|pexels\.com|pixabay\.com|flickr\.com|shutterstock\.com|gettyimages\.[a-z.]+|istockphoto\.com|"
    r"wikimedia\.org|imgur\.com|giphy\.com|depositphotos\.com|dreamstime\.com|123rf\.com|alamy\.com)$")
_SHARE_PATH = re.compile(r"/(?:share|sharer|intent|submit|sharearticle)\b", re.I)
_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif|bmp|pdf|mp[34]|m4a|mov|zip)$", re.I)
# A home page: the site's root, an index file or a bare language folder, with no query naming a page.
_HOME_PATH = re.compile(r"^/*(?:(?:index|default|home)(?:\.\w+)?|[a-z]{2}(?:[-_][a-z]{2})?)?/*$", re.I)

_BLOCKS = frozenset({"p", "div", "li", "dd", "dt", "blockquote", "td", "th", "section", "article", "footer",
                     "header", "aside", "main", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                     "address", "center", "body", "ul", "ol", "table", "tr", "form", "nav", "details", "summary"})
_SKIP = frozenset({"script", "style", "noscript", "template"})


def _site(url: str | None) -> str | None:
    """The registered domain of ``url`` from the public suffix list, in ASCII (punycode). Not courlan's fast
    mode: its regex keeps some subdomains ("edition.cnn.com", "news.bbc.co.uk") and not others."""
    if not url:
        return None
    try:
        site = extract_domain(url)
        return site if site is None or site.isascii() else site.encode("idna").decode("ascii")
    except (ValueError, AttributeError, UnicodeError):
        return None


def _host(url: str | None) -> str | None:
    try:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
        parts.port  # raises ValueError when out of range
    except ValueError:
        return None
    return host if parts.scheme in ("http", "https") and "." in host else None


_WWW = re.compile(r"^www\d?\.")


class _OwnSite:
    """The page's own site, told from another by host first: a registered domain costs a look-up (tens of
    microseconds for a URL not seen before), made only for a link to another host."""

    def __init__(self, url: str) -> None:
        self.url, self.host = url, _host(url)
        self._site: str | None = None

    def holds(self, url: str, host: str) -> bool:
        """Whether ``url`` (on ``host``) is on this site: the same registered domain, or where one has none
        (an IP address, an unlisted suffix) the same host."""
        if host == self.host:
            return True
        if self._site is None:
            self._site = _site(self.url) or ""
        other = _site(url)
        if not self._site or not other:
            return _WWW.sub("", host) == _WWW.sub("", self.host or "")
        return other == self._site


def _page_url(href: str | None, own: _OwnSite) -> str | None:
    """``href``, resolved against the page's URL, as an absolute URL naming a page on another site, or None."""
    if not href or not href.strip():
        return None
    try:
        absolute, _fragment = urldefrag(urljoin(own.url, href.strip()))
    except ValueError:
        return None
    host = _host(absolute)
    if host is None:
        return None
    path, query = urlsplit(absolute)[2:4]
    if _SOCIAL.search(host) or _SHARE_PATH.search(path) or _FILE.search(path) \
            or (not query and _HOME_PATH.match(path)):
        return None
    return None if own.holds(absolute, host) else absolute


def pick_credited_url(tree: HtmlElement, meta: dict[str, str], url: str | None, canonical_hrefs: list[str],
                      article_text: str, blocks: dict[HtmlElement, str] | None = None) -> str | None:
    """The URL of a page on another site that this page names as its original, or None.

    ``url``: the URL the page was fetched from (its site is the page's own; relative links resolve against it);
    ``canonical_hrefs``: the page's ``<link rel=canonical>`` hrefs in order; ``article_text``: the article text
    as extracted, one block a line, before cleaning; ``blocks``: the page's paragraphs and list items with their
    texts (``extract.pruning.block_texts``), where a credit line the article text lost is looked for."""
    declared = next((href.strip() for href in canonical_hrefs if href and href.strip()), None)
    if not _host(url):
        # A page read without its URL (``wirehouse extract page.html``) goes by the og:url it gives itself, and
        # without one by its canonical link (which then cannot be told apart from a credit).
        og_url = meta.get("og:url")
        url = og_url if _host(og_url) else declared if _host(declared) else None
        if url is None:
            return None
    own = _OwnSite(url)
    for href in (declared, meta.get("syndication-source"), meta.get("original-source")):
        credited = _page_url(href, own)
        if credited:
            return credited
    # A page that is its own canonical may still credit another page in its text.
    return _credit_line(tree, own, article_text, blocks)


def _lines_with(lowered: bytes, keys: tuple[bytes, ...], limit: int = 60) -> dict[int, int]:
    """Start offset → end offset of each line of ``lowered`` holding one of ``keys``. The text is searched as
    UTF-8 bytes lower-cased in ASCII: many times faster than ``str.lower`` and ``str.find`` on a text with
    any non-ASCII character in it, and every key starts in ASCII or is lower case already."""
    found: dict[int, int] = {}
    for key in keys:
        at = lowered.find(key)
        while at != -1 and len(found) < limit:
            start = lowered.rfind(b"\n", 0, at + 1 if key.startswith(b"\n") else at) + 1
            end = lowered.find(b"\n", at + 1)
            end = len(lowered) if end == -1 else end
            found.setdefault(start, end)
            at = lowered.find(key, end)
    return found


def _credit_lines(article_text: str) -> tuple[list[str], list[str]]:
    """The article's short lines that hold a credit phrase anywhere (strong) or open with "Source:"/"via"
    among its first and last lines (weak)."""
    lines = [line for line in article_text.split("\n") if line.strip()]
    short = "\n".join(line for line in lines if len(line) <= MAX_CREDIT_LINE_CHARS).encode("utf-8", "replace")
    lowered = short.lower()
    strong = []
    for start, end in sorted(_lines_with(lowered, _STRONG_KEYS_UTF8).items()):
        line = short[start:end].decode("utf-8", "replace")
        if len(line.split()) <= MAX_CREDIT_WORDS and _STRONG.search(line):
            strong.append(line)
    ends = dict.fromkeys(lines[:WEAK_FIRST_LINES] + lines[-WEAK_LAST_LINES:])
    weak = [line for line in ends if len(line) <= MAX_CREDIT_LINE_CHARS
            and len(line.split()) <= MAX_CREDIT_WORDS and _WEAK_KEY.match(line)]
    return strong, weak


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _block_of(link: HtmlElement) -> HtmlElement:
    block = link.getparent()
    while block is not None and block.tag not in _BLOCKS:
        parent = block.getparent()
        if parent is None:
            break
        block = parent
    return block if block is not None else link


class _TooLong(Exception):
    pass


# A block of more than MAX_CREDIT_WORDS words has more characters than this: reading stops there.
MAX_CREDIT_CHARS = 40 * MAX_CREDIT_WORDS


def _text_and_links(block: HtmlElement) -> tuple[str, list[tuple[int, HtmlElement]]] | None:
    """The block's text, and each link in it with the offset in that text where it starts; None for a block
    too long to be a credit line (read no further than that)."""
    pieces: list[str] = []
    links: list[tuple[int, HtmlElement]] = []
    length = 0

    def add(piece: str) -> None:
        nonlocal length
        pieces.append(piece)
        length += len(piece)
        if length > MAX_CREDIT_CHARS:
            raise _TooLong

    def walk(element: HtmlElement) -> None:
        if element.tag == "a":
            links.append((length, element))
        add(element.text or "")
        for child in element:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                add(" ")
                walk(child)
            add(child.tail or "")

    try:
        walk(block)
    except _TooLong:
        return None
    return "".join(pieces), links


def _strong_link(text: str, links: list[tuple[int, HtmlElement]], own: _OwnSite) -> str | None:
    """The first link naming another site's page after the block's credit phrase."""
    match = _STRONG.search(text)
    if match:
        for offset, element in links:
            if offset >= match.start():
                credited = _page_url(element.get("href"), own)
                if credited:
                    return credited
    return None


def _weak_link(text: str, links: list[tuple[int, HtmlElement]], own: _OwnSite) -> str | None:
    """The link right after the "Source:"/"via" the block opens with."""
    match = _WEAK.match(text.strip())
    if match:
        start = len(text) - len(text.lstrip()) + match.end()
        offset, element = next(((o, e) for o, e in links if o >= start - 1), (None, None))
        if element is not None and not text[start:offset].strip(" \t\n([\"'“«—-:"):
            return _page_url(element.get("href"), own)
    return None


def _credit_line(tree: HtmlElement, own: _OwnSite, article_text: str,
                 blocks: dict[HtmlElement, str] | None = None) -> str | None:
    strong_lines, weak_lines = _credit_lines(article_text)
    if not strong_lines and not weak_lines:
        return _credit_box(blocks or {}, own, article_text)
    strong_keys = [_key(line) for line in strong_lines]
    weak_keys = [_key(line) for line in weak_lines]
    seen: set[HtmlElement] = set()
    weak_found: str | None = None
    for link in tree.iter("a"):
        if not link.get("href"):
            continue
        block = _block_of(link)
        if block in seen:
            continue
        seen.add(block)
        read = _text_and_links(block)
        if read is None or len(read[0].split()) > MAX_CREDIT_WORDS:
            continue
        text, links = read
        key = _key(text)
        if not key:
            continue
        if any(key in line or line in key for line in strong_keys):
            credited = _strong_link(text, links, own)
            if credited:
                return credited
        if weak_found is None and any(key in line or line in key for line in weak_keys):
            weak_found = _weak_link(text, links, own)
    return weak_found or _credit_box(blocks or {}, own, article_text)


# Near the article: a paragraph the article text lost (a credit box after the story, as WP RSS Aggregator's
# "Source:: <link>" after the comment form) unless it stands in the page's furniture.
_WEAK_STARTS = ("\nsource", "\nvia", "\n(via", "\n[via", "\nquelle", "\nfuente")
_FURNITURE_TAGS = frozenset({"nav", "aside", "header", "form", "menu", "figure", "figcaption", "table", "select",
                             "button", "template"})
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|widgets?|related|comments?|share|sharing|social|promo|"
    r"newsletter|breadcrumbs?|cookies?|teasers?|recommended|popular|trending)(?:$|[\s_-])", re.I)
_FOOTER_CLASS = re.compile(r"footer", re.I)


def _in_furniture(element: HtmlElement) -> bool:
    """Whether ``element`` stands in navigation, a sidebar, a comment area, a figure, or the site's footer (a
    footer outside any <article>)."""
    footer = False
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag == "article":
            footer = False
            continue
        if tag in _FURNITURE_TAGS:
            return True
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if tag == "footer" or _FOOTER_CLASS.search(names):
            footer = True
        if names.strip() and _FURNITURE_CLASS.search(names):
            return True
    return footer


def _credit_box(blocks: dict[HtmlElement, str], own: _OwnSite, article_text: str) -> str | None:
    """A credit line near the article that its text lost, from the page's paragraphs
    (``blocks``: element → text, as ``extract.pruning.block_texts`` reads them)."""
    short = [(element, text) for element, text in blocks.items()
             if element.tag == "p" and text and len(text) <= MAX_CREDIT_LINE_CHARS]
    joined = ("\n" + "\n".join(text for _element, text in short)).encode("utf-8", "replace").lower()
    hits = {joined.count(b"\n", 0, start) - 1 for start in _lines_with(joined, _BOX_KEYS_UTF8)}
    if not hits:
        return None
    in_text: str | None = None
    for index in sorted(hits):
        element, text = short[index]
        strong, weak = _STRONG.search(text), _WEAK_KEY.match(text)
        if not (strong or weak) or len(text.split()) > MAX_CREDIT_WORDS or _in_furniture(element):
            continue
        key = _key(text)
        if weak and not strong and in_text is None:
            in_text = _key(article_text)
        if weak and not strong and key and key in (in_text or ""):
            continue  # a "Source:" line of the article text counts only at its start or end (above)
        read = _text_and_links(element)
        if read is None:
            continue
        credited = _strong_link(*read, own) if strong else _weak_link(*read, own)
        if credited:
            return credited
    return None

"""The headline: declared titles (JSON-LD, OpenGraph, <title>) checked against the visible <h1>, without site names."""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

from extract.cleaning import TRAILING_SOURCE
from extract.metadata import Picked, rendered_text, squash
from extract.structured import JsonLdArticle, unescape

_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+|\s*\|\s*")


def strip_site_suffix(title: str, sites: set[str], headings: list[str]) -> str:
    """Drop " | Site Name" (or "Site Name - ", "Opinion | ") from a title.

    Prefers the longest part of the title that agrees with one of the page's
    other headings (<h1>, og:title, JSON-LD headline); otherwise removes
    leading and trailing parts that name the site.
    """
    title = " ".join(title.split())
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    heading_keys = {squash(h) for h in headings if h} - {""}
    spans = sorted(((i, j) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1) if j - i < len(parts)),
                   key=lambda span: span[0] - span[1])
    for i, j in spans:
        part = _rejoin(title, parts[i:j])
        if squash(part) in heading_keys:
            return part
    # the site's name may have separators of its own ("Headline - Salsa-Figuren - Rueda in Berlin")
    parts = next((parts[:k] for k in range(1, len(parts) - 1) if squash(_rejoin(title, parts[k:])) in sites), parts)
    while len(parts) > 1 and _names_site(parts[-1], sites):
        parts.pop()
    while len(parts) > 1 and _leads_with_site(parts[0], parts[1:], sites):
        parts.pop(0)
    return _rejoin(title, parts)


MIN_HELD_SITE_CHARS = 8


def _leads_with_site(part: str, rest: list[str], sites: set[str]) -> bool:
    """A leading part that is the site's name, or that begins with it or holds it in a club's or firm's longer one
    before a longer part ("EFC Bayrische Bembel Regensburg - Eintracht Frankfurt stellt Weichen für die Zukunft" on
    bayrische-bembel.de); not a headline that begins with the site's name before a section ("Greenpeace fordert Stopp
    der Tiefseebohrungen - Aktuelles")."""
    key, words = squash(part), len(part.split())
    if key in sites:
        return True
    return words <= 5 and any(len(r.split()) > words for r in rest) and (_names_site(part, sites) or any(
        len(site) >= MIN_HELD_SITE_CHARS and site in key for site in sites))


def _names_site(part: str, sites: set[str]) -> bool:
    """"Newegg.com", "UC Davis Children's Hospital" on health.ucdavis.edu, "DianaHR" on getdianahr.com."""
    key = squash(part)
    if key in sites | {""}:
        return True
    if len(part.split()) > 5 or len(key) < 4:
        return False
    return any(len(site) >= 4 and (key.startswith(site) or site.endswith(key)) for site in sites)


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of ``title`` from the first to the last of ``parts`` (keeps original separators)."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)



_MOJIBAKE = re.compile("[ÂÃâ][\x80-\xbf]")
_LEADING_DATE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})(?:\s+[-–—|:])?\s+(?=\S)", re.I)
_TRAILING_POSTED = re.compile(r"\s+(?:posted|published|updated)\s+on\s.*$", re.I)


def _repair_mojibake(value: str) -> str:
    """UTF-8 read as Latin-1 somewhere upstream ("Investorâ\x80\x99s" → "Investor’s")."""
    if not _MOJIBAKE.search(value):
        return value
    for encoding in ("latin-1", "cp1252"):
        try:
            return value.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return value


# A section label before the headline ("Blog: …") or a bare host name ("example.com Headline").
_LEADING_LABEL = re.compile(r"^(?:(?:blog|news|article|post)\s*:\s+|[a-z0-9-]+\.(?:com|org|net|io|dev|co)\s+(?=[A-Z]))", re.I)


_DANGLING_SEPARATOR = re.compile(r"\s+[|\-–—:·•]$")  # "Headline -" where a CMS left out the site name (one mark: "--" may be text)
_QUOTE_PAIRS = ('""', "“”")
_MARKDOWN_PAIRS = ("**", "__")


def _clean_title(value: str, shown: bool = False) -> str:
    """Markdown and quote marks some CMSs leave around a headline ("## Title", '"Title"', "*Title*"),
    a date glued before it, a "Posted on …" line or an aggregator's "(latimes.com) 87" after it.
    Quote marks the page shows around its headline (``shown``: the <h1>) are part of it."""
    value = _repair_mojibake(" ".join(unescape(value).split()))
    value = re.sub(r"^#{1,6}\s+", "", value)
    value = _TRAILING_POSTED.sub("", _LEADING_LABEL.sub("", _LEADING_DATE.sub("", value)))
    value = _DANGLING_SEPARATOR.sub("", TRAILING_SOURCE.sub("", value))
    for left, right in _MARKDOWN_PAIRS if shown else _QUOTE_PAIRS + _MARKDOWN_PAIRS:
        if len(value) > 2 and value[0] == left and value[-1] == right and value.count(left) + value.count(right) == 2:
            value = value[1:-1].strip()
    if value.startswith("*") and value.count("*") == 2:  # "*Book Title* (1792)"
        value = value.replace("*", "")
    return value


def _title_words(value: str) -> set[str]:
    return set(re.findall(r"\w+", value.casefold()))


def _agreement(heading: str, titles: list[str]) -> float:
    """Share of the heading's words found in the best-matching declared title."""
    words = _title_words(heading)
    if not words:
        return 0.0
    return max((len(words & _title_words(t)) / len(words) for t in titles if t), default=0.0)


def _coverage(heading: str, titles: list[str]) -> float:
    """Share of the best-matching declared title's words the heading holds: a one-word <h1>
    ("Discord", "Planning") agrees with any title that mentions it, but covers little of it."""
    words = _title_words(heading)
    return max((len(words & _title_words(t)) / len(_title_words(t)) for t in titles if _title_words(t)), default=0.0)


MAX_HEADLINE_WORDS = 40
MAX_SITE_HEADING_WORDS = 3  # "Antoyo's Blog", "Engora Data Blog": a blog's name in an <h1>


def _is_site_heading(text: str, sites: set[str], titles: list[str]) -> bool:
    """The site's name in an <h1> (a logo), unless every declared title agrees with it ("Austin Hardware
    Catalog" on austinhardware.com, titled "Austin Catalog Index")."""
    if squash(text) in sites:
        return True
    if len(text.split()) > MAX_SITE_HEADING_WORDS or not _names_site(text, sites):
        return False
    return not titles or any(_agreement(text, [t]) < 0.5 for t in titles)


_ROOT_HREF = re.compile(r"^(?:(?:https?:)?//[^/?#]+/?|/)(?:index\.\w+)?$", re.I)


def _is_logo(element: HtmlElement) -> bool:
    """An <h1> that links to a site's home page is its logo (a blog's name above its posts), never the headline."""
    return any(_ROOT_HREF.match((link.get("href") or "#").strip()) for link in element.iter("a"))


def _visible_headings(elements: list[HtmlElement], sites: set[str], titles: list[str]) -> list[str]:
    """The first few texts of the <h1> ``elements``, without a bar-separated section or the site's own name."""
    h1s: list[str] = []
    for element in elements:
        text = _headline_part(strip_site_suffix(_clean_title(rendered_text(element), shown=True), sites, []), _PIPE)
        if (text and len(text.split()) <= MAX_HEADLINE_WORDS and not _is_site_heading(text, sites, titles)
                and text not in h1s):
            h1s.append(text)
        if len(h1s) == 5:
            break
    return h1s


MIN_TRUNCATED_TITLE_CHARS = 60


def _untruncated(declared: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A long declared title cut short mid-phrase (JSON-LD headlines are often cut at 110 characters)
    gives way to a longer declared title that goes on from it with more words, not with " | Site Name"."""
    full = []
    for value, origin in declared:
        longer = [v for v, _ in declared if len(v) > len(value) and v.startswith(value)
                  and not _TITLE_SEPARATOR.match(v[len(value):])]
        full.append((min(longer, key=len) if longer and len(value) >= MIN_TRUNCATED_TITLE_CHARS else value, origin))
    return full


TitlePick = tuple[str | None, str | None, tuple[str, ...]]


def pick_title(tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None,
               fallback: str | None, sites: set[str]) -> TitlePick:
    """The headline as the page shows it, without the site name, where it came from, and which
    other sources gave the same words.

    A visible heading that says in words what a declared title (JSON-LD headline, og:title, <title>) or
    a part of one says is the headline: the one showing the most reliable declared title (JSON-LD first),
    <h1>s before <h2>s (a blog names itself in its <h1>, its post in an <h2>). An <h1> made of parts (an
    overline or a subtitle set apart in its own element) is also read without its first or last part.
    Failing that, the visible <h1> is taken when it agrees with what the
    page declares (at least half of its words appear in one of them), or when it is the page's only
    <h1> and shares a word with them or is a phrase of three words or more (a shorter <h1> that shares
    none is a section label: "Our Blog").
    Of several <h1>s, the one that covers most of a declared title wins, and a one-word <h1> that
    covers little of it is not the headline. An <h1> that names the site, or links to its home page
    (a logo), is not the headline unless every declared title agrees with it. Otherwise the declared
    titles are used in that order, with " | Site Name" parts removed.
    """
    h1_and_h2 = list(tree.iter("h1", "h2"))  # one walk over the page for both
    logos = [element for element in h1_and_h2 if element.tag == "h1" and _is_logo(element)]
    headline_elements = [element for element in h1_and_h2 if element.tag == "h1" and element not in logos]
    sites = sites | {squash(rendered_text(logo)) for logo in logos} - {""}  # a logo shows the site's name
    html_title = next(iter(tree.xpath("//head/title/text()")), None) or tree.findtext(".//title")  # not an <svg><title>
    declared = [
        (ld.headline if ld else None, "json-ld"),
        (meta.get("headline"), "meta"),  # schema.org microdata: <meta itemprop="headline">
        (meta.get("og:title") or meta.get("twitter:title"), "meta"),
        (html_title, "meta"),
        (fallback, "trafilatura"),
    ]
    declared = _untruncated([(_clean_title(v), origin) for v, origin in declared if v and v.strip()])
    # trafilatura's guess is often the <h1> itself: it cannot vouch for one
    titles = [v for v, origin in declared if origin != "trafilatura"] or [v for v, _ in declared]
    h1s = _visible_headings(headline_elements, sites, titles)
    headings = h1s + [meta.get("og:title", ""), meta.get("twitter:title", "")] + ([ld.headline] if ld and ld.headline else [])
    same = [(_headline_part(strip_site_suffix(v, sites, headings), _PIPE), o) for v, o in declared]
    h2s = [element for element in h1_and_h2 if element.tag == "h2"]
    heading_elements = headline_elements[:MAX_HEADLINE_ELEMENTS] + h2s[:MAX_SUBHEADINGS]
    shown = _declared_reading(heading_elements, declared, sites)
    if shown:
        value, origin, reading = shown
        return value, origin, _agreeing(value, origin, same + [(reading, "h1")])
    value, origin = _shown_or_declared(h1s, titles, declared, same, sites, headings)
    return value, origin, _agreeing(value, origin, same + [(h, "h1") for h in h1s])


def _shown_or_declared(h1s: list[str], titles: list[str], declared: list[tuple[str, str]],
                       same: list[tuple[str, str]], sites: set[str], headings: list[str]) -> Picked:
    """The <h1> that agrees with the declared titles, or the first declared title without the site name."""
    if h1s:
        best = _best_heading(h1s, titles, sites, headings)
        if best:
            value, origin = next(((v, o) for v, o in same if squash(v) == squash(best)), (best, "h1"))
            if best.isupper() and same:  # an all-caps <h1> is styling: the declared title has the real case
                return max(same, key=lambda pair: _agreement(best, [pair[0]]))
            return _with_lost_characters(best, same) if origin == "h1" else (best, origin)
    for value, origin in declared:
        headline = _headline_part(strip_site_suffix(value, sites, headings), _PART_SEPARATOR)
        return _without_site_parts(headline, sites), origin
    return None, None


def _words(value: str | None) -> list[str]:
    return re.findall(r"\w+", (value or "").casefold())


_QUOTES_AND_DASHES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_LAYOUT_MARKS = set(":|/-·•")


def _marks(value: str) -> Counter:
    """The separators, quote marks and sentence punctuation of a title (quote marks and dashes of every
    kind counted as one); brackets and symbols around a heading are decoration."""
    return Counter(re.findall(r"[:|/·•\-\"'?!.,…]", value.translate(_QUOTES_AND_DASHES)))


def _symbols(value: str) -> Counter:
    return Counter(re.findall(r"[^\w\s]", value.translate(_QUOTES_AND_DASHES)))


MAX_HEADLINE_ELEMENTS = 5
MAX_SUBHEADINGS = 10


def _declared_reading(elements: list[HtmlElement], declared: list[tuple[str, str]],
                      sites: set[str]) -> tuple[str, str, str] | None:
    """(headline, origin, heading reading): a reading of one of the heading ``elements`` that has the words
    of a declared title (trafilatura's guess aside) or of a part of one ("Headline" in "Section - Headline
    | Site"); the first declared title's, a whole heading before a part, the longest, <h1>s before <h2>s.
    It is spelt as declared when the two differ only in the separators the heading lacks (a kicker set
    apart without its colon) or in spacing (" : "); otherwise as shown (quote marks, a question mark)."""
    spans: dict[tuple[str, ...], list[tuple[int, str, str]]] = {}
    kicked: dict[tuple[str, ...], list[tuple[int, str, str]]] = {}  # "Kicker: Headline" declared: Headline
    for rank, (value, origin) in enumerate(declared):
        if origin != "trafilatura":  # trafilatura's guess is often the <h1> itself: it cannot vouch for one
            for span in _spans(value):
                spans.setdefault(tuple(_words(span)), []).append((rank, span, origin))
            _, colon, headline = value.partition(": ")
            if colon:
                for span in _spans(headline):
                    kicked.setdefault(tuple(_words(span)), []).append((rank, span, origin))
    matches = []
    for position, element in enumerate(elements):
        for partial, reading in enumerate(_readings(element, sites)):
            words = tuple(_words(reading))
            if words and squash(reading) not in sites:
                # a part of a heading may match the declared headline without its kicker: the heading set its own apart
                alike = spans.get(words, []) + (kicked.get(words, []) if partial else [])
                matches += [(-rank, not partial, len(words), -position, span, reading, origin)
                            for rank, span, origin in alike]
    if not matches:
        return None
    *_, span, reading, origin = max(matches)
    if not _marks(reading) - _marks(span) and set(_symbols(span) - _symbols(reading)) <= _LAYOUT_MARKS:
        return span, origin, reading
    return reading, "h1", reading


def _spans(title: str) -> list[str]:
    """The title and each run of its separator-delimited parts ("A | B | C": "A | B | C", "A", "A | B", "B"...)."""
    parts = _TITLE_SEPARATOR.split(title)
    return [_rejoin(title, parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]


def _readings(element: HtmlElement, sites: set[str]) -> list[str]:
    """A heading's text without a " | Section" or the site's name, and when it is made of parts, its text
    without the first part (an overline: "<span>Premier League</span><span>Liverpool lose at Everton</span>")
    and without the last (a subtitle)."""
    parts = _parts(element)
    readings = [rendered_text(element)]
    if len(parts) > 1:
        readings += [" ".join(parts[1:]), " ".join(parts[:-1])]
    return [_headline_part(_without_site_parts(_clean_title(reading, shown=True), sites), _PIPE)
            for reading in readings]


def _without_site_parts(title: str, sites: set[str]) -> str:
    """A title without leading and trailing parts that are exactly one of the site's names ("Headline – Artlyst")."""
    parts = _TITLE_SEPARATOR.split(title)
    while len(parts) > 1 and squash(parts[-1]) in sites:
        parts.pop()
    while len(parts) > 1 and squash(parts[0]) in sites:
        parts.pop(0)
    return _rejoin(title, parts)


def _parts(element: HtmlElement) -> list[str]:
    """The texts of an element's own text runs and child elements, in order, those with a word in them;
    an element that only wraps another is read through it."""
    pieces: list[tuple[str, HtmlElement | None]] = [(element.text or "", None)]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in {"script", "style", "noscript", "template"}:
            pieces.append((rendered_text(child), child))
        pieces.append((child.tail or "", None))
    pieces = [(" ".join(text.split()), child) for text, child in pieces if re.search(r"\w", text)]
    if len(pieces) == 1 and pieces[0][1] is not None:
        return _parts(pieces[0][1])
    return [text for text, _ in pieces]


def _agreeing(value: str | None, origin: str | None, candidates: list[tuple[str, str]]) -> tuple[str, ...]:
    """The other sources among ``candidates`` whose title has the same words as the chosen one."""
    words = _words(value)
    if not words:
        return ()
    return tuple(dict.fromkeys(o for v, o in candidates if o != origin and _words(v) == words))


def _with_lost_characters(heading: str, declared: list[tuple[str, str]]) -> tuple[str, str]:
    """An <h1> whose characters the page's encoding lost ("Event Planning? Beginner? Guide") gives way
    to the declared title it matches with each "?" or "\ufffd" read as the one or two characters lost."""
    if "\ufffd" not in heading and "?" not in heading.rstrip("?"):
        return heading, "h1"
    pattern = re.compile("".join(".{1,2}" if c in "?\ufffd" else re.escape(c) for c in heading))
    return next(((v, o) for v, o in declared if pattern.fullmatch(v)), (heading, "h1"))


MIN_COVERAGE_OF_SEVERAL = 0.3
MIN_SENTENCE_WORDS = 3


def _best_heading(h1s: list[str], titles: list[str], sites: set[str], headings: list[str]) -> str | None:
    """The <h1> that is the headline, or None when none of them is."""
    scored = [(_agreement(h, titles), _coverage(h, titles), -i, h) for i, h in enumerate(h1s)]
    score, coverage, _, best = max(scored)
    if len(h1s) > 1:
        return best if score >= 0.5 and coverage >= MIN_COVERAGE_OF_SEVERAL else None
    if score > 0 or len(best.split()) >= MIN_SENTENCE_WORDS:
        return best
    page_titles = [strip_site_suffix(t, sites, headings) for t in titles]
    return best if not any(t and squash(t) not in sites for t in page_titles) else None


_PART_SEPARATOR = re.compile(r"\s+[|–—-]\s+")
_PIPE = re.compile(r"\s+\|\s+")


def _headline_part(title: str, separator: re.Pattern) -> str:
    """"Headline | Section" or, in a declared title with no <h1> to agree with, "Headline – a
    tagline": the first part is the headline when it is a phrase of its own (three words or more).
    A visible <h1> is only split at a bar: its dashes are usually part of the headline."""
    first = separator.split(title, maxsplit=1)[0]
    return first if first != title and len(first.split()) >= 3 else title

"""Choose title, authors, dates, language and canonical URL from the candidates a page offers.

Each ``pick_*`` function returns ``(value, provenance)``; structured data wins
over meta tags, which win over what is visible or guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import py3langid
from htmldate import find_date
from lxml.html import HtmlElement

from extract.cleaning import TRAILING_SOURCE
from extract.structured import JsonLdArticle, unescape, webpage_published

Picked = tuple[str | None, str | None]

_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+|\s*\|\s*")


def _squash(value: str | None) -> str:
    """Comparable form of a name: lower case, letters and digits only."""
    return re.sub(r"\W+", "", (value or "").casefold())


_NOT_A_NAME_LABEL = {"www", "com", "org", "net", "edu", "gov", "co", "uk", "blog", "news", "www2", "m", "amp"}


def host_labels(url: str | None) -> set[str]:
    """"blog.example-times.co.uk" → {"blog.example-times.co.uk", "example-times"}: the host and its name-like labels."""
    host = re.sub(r"^www\d?\.", "", urlsplit(url).hostname or "") if url else ""
    labels = {label for label in host.split(".")[:-1] if label not in _NOT_A_NAME_LABEL and len(label) > 1}
    return ({host} | labels) - {""}


def site_names(meta: dict[str, str], ld: JsonLdArticle | None, url: str | None) -> set[str]:
    """Squashed names of the site: the ones it declares, and its domain's (when ``url`` is given)."""
    names = {meta.get("og:site_name"), meta.get("application-name"), meta.get("twitter:site", "").lstrip("@"),
             ld.publisher if ld else None, *host_labels(url)}
    return {_squash(n) for n in names if n and _squash(n)}


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
    heading_keys = {_squash(h) for h in headings if h} - {""}
    spans = sorted(((i, j) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1) if j - i < len(parts)),
                   key=lambda span: span[0] - span[1])
    for i, j in spans:
        part = _rejoin(title, parts[i:j])
        if _squash(part) in heading_keys:
            return part
    while len(parts) > 1 and _names_site(parts[-1], sites):
        parts.pop()
    while len(parts) > 1 and _names_site(parts[0], sites):
        parts.pop(0)
    return _rejoin(title, parts)


def _names_site(part: str, sites: set[str]) -> bool:
    """"Newegg.com", "UC Davis Children's Hospital" on health.ucdavis.edu, "DianaHR" on getdianahr.com."""
    key = _squash(part)
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


def _visible_text(element: HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _rendered_text(element: HtmlElement) -> str:
    """An element's visible text, its parts joined by spaces except around a single letter styled
    apart ("Planning <span class="hand">C</span>ycle" is "Planning Cycle", not "Planning C ycle")."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in {"script", "style", "noscript", "template"}:
            text = _rendered_text(child)
            gap = "" if len(text) == 1 and text.isalpha() else " "
            pieces.append(gap + text + gap)
        pieces.append(child.tail or "")
    return " ".join("".join(pieces).split())


_MOJIBAKE = re.compile("[ÂÃâ][\x80-\xbf]")
_LEADING_DATE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})\s+(?=\S)", re.I)
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


_QUOTE_PAIRS = ('""', "“”")
_MARKDOWN_PAIRS = ("**", "__")


def _clean_title(value: str, shown: bool = False) -> str:
    """Markdown and quote marks some CMSs leave around a headline ("## Title", '"Title"', "*Title*"),
    a date glued before it, a "Posted on …" line or an aggregator's "(latimes.com) 87" after it.
    Quote marks the page shows around its headline (``shown``: the <h1>) are part of it."""
    value = _repair_mojibake(" ".join(unescape(value).split()))
    value = re.sub(r"^#{1,6}\s+", "", value)
    value = _TRAILING_POSTED.sub("", _LEADING_LABEL.sub("", _LEADING_DATE.sub("", value)))
    value = TRAILING_SOURCE.sub("", value)
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
    if _squash(text) in sites:
        return True
    if len(text.split()) > MAX_SITE_HEADING_WORDS or not _names_site(text, sites):
        return False
    return not titles or any(_agreement(text, [t]) < 0.5 for t in titles)


def _visible_headings(tree: HtmlElement, sites: set[str], titles: list[str]) -> list[str]:
    """The page's first few <h1> texts, without a bar-separated section and without the site's own name."""
    h1s: list[str] = []
    for element in tree.iter("h1"):
        text = _headline_part(strip_site_suffix(_clean_title(_rendered_text(element), shown=True), sites, []), _PIPE)
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


def pick_title(tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None,
               fallback: str | None, sites: set[str]) -> Picked:
    """The headline as the page shows it, without the site name.

    The visible <h1> is the headline readers see; it is taken when it agrees with
    what the page declares (JSON-LD headline, og:title, <title>: at least half of
    its words appear in one of them), or when it is the page's only <h1> and shares
    a word with them (an <h1> that shares none is a section label: "Our Blog").
    Of several <h1>s, the one that covers most of a declared title wins, and a
    one-word <h1> that covers little of it is not the headline. An <h1> that names
    the site is not the headline unless every declared title agrees with it.
    Otherwise the declared titles are used in that order, with " | Site Name" parts removed.
    """
    html_title = next(iter(tree.xpath("//head/title/text()")), None) or tree.findtext(".//title")  # not an <svg><title>
    declared = [
        (ld.headline if ld else None, "json-ld"),
        (meta.get("og:title") or meta.get("twitter:title"), "meta"),
        (html_title, "meta"),
        (fallback, "trafilatura"),
    ]
    declared = _untruncated([(_clean_title(v), origin) for v, origin in declared if v and v.strip()])
    # trafilatura's guess is often the <h1> itself: it cannot vouch for one
    titles = [v for v, origin in declared if origin != "trafilatura"] or [v for v, _ in declared]
    h1s = _visible_headings(tree, sites, titles)
    headings = h1s + [meta.get("og:title", ""), meta.get("twitter:title", "")] + ([ld.headline] if ld and ld.headline else [])
    if h1s:
        best = _best_heading(h1s, titles, sites, headings)
        if best:
            same = [(_headline_part(strip_site_suffix(v, sites, headings), _PIPE), o) for v, o in declared]
            value, origin = next(((v, o) for v, o in same if _squash(v) == _squash(best)), (best, "h1"))
            if best.isupper() and same:  # an all-caps <h1> is styling: the declared title has the real case
                value, origin = max(same, key=lambda pair: _agreement(best, [pair[0]]))
                return value, origin
            return _with_lost_characters(best, same) if origin == "h1" else (best, origin)
    for value, origin in declared:
        return _headline_part(strip_site_suffix(value, sites, headings), _PART_SEPARATOR), origin
    return None, None


def _with_lost_characters(heading: str, declared: list[tuple[str, str]]) -> tuple[str, str]:
    """An <h1> whose characters the page's encoding lost ("Event Planning? Beginner? Guide") gives way
    to the declared title it matches with each "?" or "\ufffd" read as the one or two characters lost."""
    if "\ufffd" not in heading and "?" not in heading.rstrip("?"):
        return heading, "h1"
    pattern = re.compile("".join(".{1,2}" if c in "?\ufffd" else re.escape(c) for c in heading))
    return next(((v, o) for v, o in declared if pattern.fullmatch(v)), (heading, "h1"))


MIN_COVERAGE_OF_SEVERAL = 0.3


def _best_heading(h1s: list[str], titles: list[str], sites: set[str], headings: list[str]) -> str | None:
    """The <h1> that is the headline, or None when none of them is."""
    scored = [(_agreement(h, titles), _coverage(h, titles), -i, h) for i, h in enumerate(h1s)]
    score, coverage, _, best = max(scored)
    if len(h1s) > 1:
        return best if score >= 0.5 and coverage >= MIN_COVERAGE_OF_SEVERAL else None
    if score > 0:
        return best
    page_titles = [strip_site_suffix(t, sites, headings) for t in titles]
    return best if not any(t and _squash(t) not in sites for t in page_titles) else None


_PART_SEPARATOR = re.compile(r"\s+[|–—-]\s+")
_PIPE = re.compile(r"\s+\|\s+")


def _headline_part(title: str, separator: re.Pattern) -> str:
    """"Headline | Section" or, in a declared title with no <h1> to agree with, "Headline – a
    tagline": the first part is the headline when it is a phrase of its own (three words or more).
    A visible <h1> is only split at a bar: its dashes are usually part of the headline."""
    first = separator.split(title, maxsplit=1)[0]
    return first if first != title and len(first.split()) >= 3 else title


# -- authors -----------------------------------------------------------------

_NOT_A_PERSON = re.compile(
    r"view (?:more|all) posts|learn more|read more|view profile|\.\.\.|…|^admin(?:istrator)?$|https?://|www\.|@|\d|[*:=<>{}\[\]|/\\]|"
    r"^(?:the )?(?:reuters|associated press|ap|afp|agence france[- ]presse|press association|pa media|pa|upi|dpa|"
    r"ani|pti|ians|bloomberg)$|^(?:by|author|authors|posted|written|name|anonymous|guest|unknown|none|null)$|"
    r"^(?:written|posted) by$|\w\.\w+\.\w",  # a label; a template placeholder ("page.head.author")
    re.I,
)
# The outlet itself with a generic word ("Newsmax Staff", "The Example Times Newsroom") is not a person.
_COLLECTIVE = re.compile(r"\b(?:staff|team|newsroom|editors?|editorial|desk|bureau|reporters?|writers?)\b", re.I)
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|text|words|story|article|reviewed|reported|edited|published)\s+)?by[:\s]+|"
    r"^\s*(?:authors?|written by|posted by|reviewed by)\s*:?\s*(?=[A-Z])", re.I)
_BYLINE_CUT = re.compile(r"\s*(?:\||•|·|⋅|\n|\s[-–—]\s|\bupdated\b|\bpublished\b|\blast\b|\bon (?=\w+day\b)|\bon (?=\d)|"
                         r"\bon behalf of\b|"
                         # the writer's job after the name: "Danielle Padula, Head of Marketing and Community Development"
                         r",\s*(?:head|director|vice president|vp|chief|editor|manager|founder|co-founder|ceo|cto|president)\b"
                         r").*$",
                         re.I | re.S)
# Dates glued to the end of a byline: "Jane Doe December 9", "Jane Doe Sat"
_TRAILING_DATE = re.compile(
    r"(?:\s+(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d.*|"  # a month only with its day: "Tom May" is a name
    r"(?:mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?(?:\s+\d.*)?))+$",
    re.I)

_DATE_WORD = re.compile(r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?", re.I)  # "Dec" left of a date


# A role or a share button after the name: "Jane Doe Contributing Writer", "Jane Doe Facebook Tweet Pin"
_ROLE_WORDS = {
    "writer", "writers", "editor", "reporter", "coordinator", "correspondent", "contributor", "manager", "director",
    "producer", "columnist", "journalist", "analyst", "strategist", "specialist", "photographer", "expert",
    "senior", "staff", "contributing", "content", "marketing", "managing", "head", "founder", "co-founder", "ceo",
    "associate", "chief", "deputy", "executive", "tech", "technology", "health", "news", "lead", "freelance",
    "guest", "digital", "social", "editorial", "facebook", "tweet", "twitter", "pin", "pinterest", "share",
    "email", "linkedin", "instagram", "sponsored",
}


def _without_role(name: str) -> str:
    """"Jane Doe Contributing Writer" → "Jane Doe"; a team's name ("Great Day Editorial Team") stays whole."""
    words = name.split()
    if len(words) < 4 or words[-1].casefold() in {"team", "staff", "newsroom", "desk", "bureau"}:
        return name
    for i, word in enumerate(words[2:], start=2):
        if word.casefold().strip(".,") in _ROLE_WORDS:
            return " ".join(words[:i]).split(",")[0]
    return name


def _without_avatar_initials(name: str) -> str:
    """"CM Craig McCarthy" → "Craig McCarthy": the initials an avatar shows in place of a photo."""
    first, _, rest = name.partition(" ")
    initials = "".join(word[0] for word in rest.split())
    return rest if len(first) > 1 and first.isupper() and first == initials.upper() else name


def clean_authors(names: list[str], sites: set[str] = frozenset(), hosts: set[str] = frozenset()) -> list[str]:
    """People and bylined teams only: no boilerplate, URLs, dates or sentences; no duplicates.

    ``sites`` are the names the page declares for itself (og:site_name, publisher)
    and ``hosts`` the domain's labels: a name equal to one of them is dropped.
    Callers pass them only for guessed names; a name the page itself declares as the
    author (JSON-LD, meta, a byline) is kept even when it names the outlet
    ("Escalon", "Resy Staff"), since that is what the page says.
    """
    people: list[str] = []
    for name in names:
        name = " ".join(unescape(name).split())
        name = _BYLINE_CUT.sub("", _BYLINE_PREFIX.sub("", name)).strip(" ,;:-")
        name = _without_role(_TRAILING_DATE.sub("", name).strip(" ,;:-"))
        name = re.sub(r"\s+(?:at|on|\.)$", "", name)  # "Posted by David at <date>" once the date is cut; "<a>Erik</a> ."
        name = _without_avatar_initials(name)
        words = name.split()
        if (not 1 <= len(words) <= 5 or len(name) > 60 or _NOT_A_PERSON.search(name)
                or _TRAILING_DATE.fullmatch(" " + name) or _DATE_WORD.fullmatch(name)):
            continue
        key = _squash(name)
        if key in sites or key in hosts or _squash(_COLLECTIVE.sub("", name)) in sites | hosts | {""}:
            continue
        if len(words) > 1 and any(w[0].islower() for w in words if w.isalpha() and len(w) > 3 and not _COLLECTIVE.fullmatch(w)):
            continue  # a phrase, not a name ("view the archive"); one-word handles may be lower case
        if name.casefold() not in {p.casefold() for p in people}:
            people.append(name)
    return people


def _split_names(value: str) -> list[str]:
    return [n for n in re.split(r"\s*(?:,|;|\band\b|&)\s*", _BYLINE_PREFIX.sub("", value)) if n]


def _names_in(texts: list[str]) -> list[str]:
    return [n for text in texts for n in _split_names(_BYLINE_CUT.sub("", " ".join(text.split())))]


# Links to an author's page: /author/jane-doe, /authors/…, /writers/…, /people/…, ?author=…
_AUTHOR_HREF = re.compile(
    r"/(?:author|authors|writer|writers|contributor|contributors|people|profiles?|producers|journalists?|staff|by)/"
    r"[^/?#]+/?(?:[?#].*)?$|[?&]_?author=", re.I)
# A date before "by" on a dateline: "03/01/2017 by", "Last updated March 3, 2025 by", "12/19 — 2025 by".
_DATE_BEFORE_BY = (r"(?:(?:last\s+)?(?:updated|posted|published)(?:\s+on)?\s+)?"
                   r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?(?:\s*[—–-]\s*\d{4})?|\d{4}-\d{2}-\d{2}|"
                   r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
                   r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})\s*[,|·•—–-]?\s*")
_BY_WORDS = (r"(?:(?:written|posted|reported|words|story|text|article|this (?:post|article|story|piece|guide) was "
             r"(?:written|created|contributed)|(?:(?:view|see|read)\s+)?(?:all|more)\s+(?:articles|posts|stories))\s+)?by")
_BY_TEXT = re.compile(rf"^\s*(?:{_DATE_BEFORE_BY})?(?:{_BY_WORDS}\s*:?|(?:authors?|contributors?)\s*:)\s+(?=\S)", re.I)
# "<div>Written by</div><div>Jack Shepherd</div>": a label whose name is the next element
_BY_LABEL_ONLY = re.compile(rf"\s*{_BY_WORDS}\s*:?\s*", re.I)
MAX_BY_LINE_CHARS = 80  # once a date or "on <date>" after the name is cut
# A page's own footer, navigation, sidebars and forms hold no byline; an article's <footer> often does (WordPress themes).
_NOT_BYLINE = ("ancestor-or-self::*[self::nav or self::aside or self::script or self::style or self::form"
               " or self::footer[not(ancestor::article)]]")


def _is_name_like(name: str) -> bool:
    """A guessed byline must look like a name: 1-5 words, the first one capitalised."""
    words = name.split()
    return 1 <= len(words) <= 5 and words[0][:1].isupper()


_BY_START = re.compile(rf"\s*{_BY_WORDS}\b", re.I)
_DATED_BY_START = re.compile(rf"\s*{_DATE_BEFORE_BY}{_BY_WORDS}\b", re.I)  # tried only when " by" is near the start
_LABEL_START = re.compile(r"\s*(?:authors?|contributors?)\s*:", re.I)  # "Author: X" also names the authors of things cited


def _line_elements(tree: HtmlElement):
    """Short elements reading "By Jane Doe …" or "Contributors: Jane Doe", found from their own text in one
    pass over the page: (element, whether it is a label line)."""
    candidates = 0
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in {"script", "style"}:
            continue
        for text, element in ((node.text, node), (node.tail, node.getparent())):
            if not text or text.isspace():
                continue
            is_label = not (_BY_START.match(text) or (" by" in text[:60].lower() and _DATED_BY_START.match(text)))
            if is_label and not _LABEL_START.match(text):
                continue
            candidates += 1
            if candidates > 20:
                return
            for _ in range(3):  # "<p><span>By</span> <a>Jane Doe</a></p>": the line is an ancestor
                if element is None or element.tag in {"body", "html"}:
                    break
                line = _visible_text(element)
                if len(_BYLINE_CUT.sub("", _BY_TEXT.sub("", line))) > MAX_BY_LINE_CHARS or len(line) > 3 * MAX_BY_LINE_CHARS:
                    break
                if _BY_LABEL_ONLY.fullmatch(line):
                    name = element.getnext()
                    if name is not None and 0 < len(_visible_text(name)) <= MAX_BY_LINE_CHARS and not name.xpath(_NOT_BYLINE):
                        yield name, False
                if _BY_TEXT.match(line) and len(line.split()) > 1:
                    if not element.xpath(_NOT_BYLINE):
                        yield element, is_label
                    break
                element = element.getparent()


def _people(names: list[str]) -> list[str]:
    return clean_authors([n for n in names if _is_name_like(n)])


# Credentials after a name on a by-line, then the writer's job and employer: "Vanessa Mendez, MD, gastroenterologist, Parkview Health."
_CREDENTIALS_ON = re.compile(r",\s*(?:md|m\.d\.|phd|ph\.d\.|dvm|vmd|rn|bsn|msn|dds|dmd|np|mph|lcsw|rdn?|cpa|cfp|esq|mba)(?![\w.]).*$",
                             re.I | re.S)


def _names_on_by_line(line: HtmlElement) -> list[str]:
    """"Written by: <a>Emily Walker</a><a>Casey McDevitt</a>": each link is a name, even when nothing separates them."""
    links = [_visible_text(a) for a in line.iter("a") if _AUTHOR_HREF.search(a.get("href", ""))]
    if links:
        return _people(_names_in(links))
    return _people(_names_in([_CREDENTIALS_ON.sub("", _BY_TEXT.sub("", _visible_text(line)))]))


_LINE_PARTS = re.compile(r"\s*[|•·⋅]\s*")


def _names_in_author_box(node: HtmlElement) -> list[str]:
    """An element whose class says author: its name element, else its whole text when that is a name,
    else one of its first lines or parts of a line that is one ("Dec 17, 2025" then "Julian K. Arni";
    "Dec. 19, 2025 · Niko Matsakis on behalf of …"; a name above a bio)."""
    inner = node.xpath('.//*[@rel="author" or contains(@class, "name")]')
    # a part of a byline that does not say author may be its tag or section ("Lifestyle"): full names only
    full_names_only = not inner and "author" not in (node.get("class") or "").lower()
    people = _people(_names_in([_visible_text(t) for t in inner] or [_visible_text(node)]))
    if _several_people(people, full_names_only):
        return people
    pieces = [part for piece in node.itertext() if piece.strip() for part in _LINE_PARTS.split(piece)][:4]
    for piece in pieces:
        people = _people(_names_in([piece])) if 1 < len(piece.split()) <= 8 else []
        if _several_people(people, full_names_only):
            return people
    return []


def _several_people(names: list[str], full_names_only: bool = False) -> bool:
    """One name, or several full names: "Wellness & Prevention" is a section, not two people."""
    if full_names_only or len(names) > 1:
        return bool(names) and all(len(name.split()) > 1 for name in names)
    return len(names) == 1


def _link_name(link: HtmlElement) -> str:
    """A link's text, or for an avatar-only link the name it carries as its label, title or picture's alt text."""
    text = _visible_text(link)
    if text:
        return text
    alts = [img.get("alt", "") for img in link.iter("img")]
    return next((v.strip() for v in (link.get("aria-label"), link.get("title"), *alts) if v and v.strip()), "")


def _same_site(href: str, url: str | None) -> bool:
    """A relative link, or one to the page's own host (not a social profile elsewhere)."""
    netloc = urlsplit(href).netloc
    return not netloc or (url is not None and netloc.lower().removeprefix("www.") ==
                          (urlsplit(url).netloc or "").lower().removeprefix("www."))


def _byline_candidates(tree: HtmlElement, url: str | None):
    """Names from the page's visible byline, trying the most explicit markup first:
    rel/itemprop=author; a short "By Jane Doe" line; a link to an author page on
    the same site; an "Author: Jane Doe" line; elements whose class says byline or
    author, outside comments. A candidate that holds no name (a date, a label) does
    not end the search. Yields the names of each candidate, best first."""
    explicit = tree.xpath('//*[@rel="author" or @itemprop="author"][not(self::meta or self::link or self::script)]'
                          f'[not({_NOT_BYLINE})]')
    for node in explicit[:5]:
        inner = node.xpath('.//*[@itemprop="name"]')
        people = clean_authors(_names_in([_visible_text(t) for t in inner] or [_visible_text(node)]))
        if people:
            yield people
    label_lines = []
    for node, is_label in _line_elements(tree):
        people = [] if is_label else _names_on_by_line(node)
        if people:
            yield people
        if is_label:
            label_lines.append(node)
    for link in tree.iter("a"):
        href = link.get("href", "")
        # a site's own author page, not a social profile
        if _AUTHOR_HREF.search(href) and _same_site(href, url) and not link.xpath(_NOT_BYLINE):
            people = _people(_names_in([_link_name(link)]))
            if people:
                yield people
    for node in label_lines:
        people = _names_on_by_line(node)
        if people:
            yield people
    nodes = tree.xpath(  # "author", "Author" (camel case: "dateAndAuthorContainer")
        '//*[contains(@class, "byline") or contains(@class, "Byline") or contains(@class, "author")'
        ' or contains(@class, "Author")][not(self::meta or self::link or self::script or self::body or self::html)]'
        f'[not({_NOT_BYLINE})][not(ancestor-or-self::*[contains(@class, "comment")])]'  # a commenter is not the author
    )
    for node in nodes[:8]:
        people = _names_in_author_box(node)
        if people:
            yield people


def visible_byline(tree: HtmlElement, url: str | None = None) -> list[str]:
    """Names from the page's first visible byline (see ``_byline_candidates``)."""
    return next(_byline_candidates(tree, url), [])


def _stands_in(people: list[str], sites: set[str]) -> bool:
    """The outlet's own name ("Resy Staff", "Team Tiger Data") or a CMS user handle in place of a person."""
    return all(_squash(_COLLECTIVE.sub("", p)) in sites or _USER_HANDLE.match(p) for p in people)


def _without_site_suffix(name: str, sites: set[str]) -> str:
    """"Brian Truitt USA TODAY" → "Brian Truitt": the outlet's name glued after a byline."""
    words = name.split()
    for cut in range(2, len(words)):
        if _squash(" ".join(words[cut:])) in sites:
            return " ".join(words[:cut])
    return name


_AUTHOR_LABEL = re.compile(r"\s*(?:written by|authors?|by)\s*:?\s*", re.I)


def _twitter_card_author(meta: dict[str, str]) -> list[str]:
    """The author a Twitter/Slack card names (twitter:label1 "Written by", twitter:data1 "Nawaz Dhandala", as Yoast writes)."""
    return [meta[f"twitter:data{n}"] for n in range(1, 5)
            if _AUTHOR_LABEL.fullmatch(meta.get(f"twitter:label{n}", "")) and meta.get(f"twitter:data{n}")]


# A CMS login rather than a byline: one word with a dot, underscore or digit ("andrew.keaveney", "editor_2").
_USER_HANDLE = re.compile(r"^\S*[._\d]\S*$")


def pick_authors(tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None,
                 fallback: str | None, url: str | None = None) -> tuple[list[str], str | None]:
    """The article's authors and where they came from: json-ld, meta, byline or trafilatura.

    A name the page declares (JSON-LD, meta, byline) is kept even when it is the
    outlet's own ("Escalon", "Resy Staff"), a JSON-LD Organization or a user handle
    ("andrew.keaveney"), but a person named by a later source wins over it;
    trafilatura's guess is never taken when it is just the site's name."""
    sites = site_names(meta, ld, url)
    meta_names = [v for k, v in meta.items() if k in {"author", "article:author", "dc.creator", "sailthru.author",
                                                       "parsely-author", "byl"}] or _twitter_card_author(meta)
    outlet: tuple[list[str], str | None] = ([], None)
    for names, source in [(ld.authors if ld else [], "json-ld"),
                          ([n for v in meta_names for n in _split_names(v)], "meta"),
                          (visible_byline(tree, url), "byline")]:
        people = clean_authors(names)
        if source == "byline":  # visible text may run on into the outlet's name
            people = [_without_site_suffix(person, sites) for person in people]
        stand_in = (source == "json-ld" and ld is not None and ld.authors_are_organisations) or _stands_in(people, sites)
        if people and stand_in:
            outlet = outlet if outlet[0] else (people, source)
        elif people:
            return people, source
    if outlet[0]:
        return outlet
    if fallback:
        people = clean_authors(_split_names(fallback), site_names(meta, ld, None),
                               {_squash(h) for h in host_labels(url)})
        if people:
            return people, "trafilatura"
    return [], None


# -- dates -------------------------------------------------------------------

# OpenGraph's article date: set once, when the article first appears, and left alone by later updates.
_OPENGRAPH_PUBLISHED = ("article:published_time", "og:published_time")
_PUBLISHED_META = ("datepublished", "publishdate", "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.created",
                   "sailthru.date", "parsely-pub-date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# The year may run into the next word on pages whose spans are glued together ("Feb 11, 20268 min read").
_MONTH_DAY_YEAR = re.compile(rf"(?<![a-z]){_MONTH}\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})", re.I)
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH},?\s*(\d{{4}})", re.I)
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_NUMERIC_DAY = re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?!\d)")
# A label right before a shown date ("Last updated: Aug 19, 2025", "Posted on Friday, May 2, 2025").
_DATE_LABEL = re.compile(
    r"\b(?:(?P<updated>(?:last\s+)?(?:updated?|modified|revised|refreshed))|"
    r"(?P<published>published|posted|originally|first\s+published|created))\b"
    r"\s*(?:on|at)?\s*[:\-–—]?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$", re.I)
_MONTH_FIRST_LANGUAGES = {"", "en", "en-us"}  # "03/10/2023" is March 10th only on US-English pages

DATELINE_BEFORE = 150  # characters of visible text before the headline (dates above it: "May 2, 2025 · News")
DATELINE_AFTER = 500  # ... and from its start (headline, standfirst, byline)
MAX_DATELINE_CHARS = 150  # longer text nodes are prose: the dates in them are what the article is about


@dataclass(frozen=True)
class ShownDate:
    """A date the page shows readers near its headline."""
    day: date
    label: str | None  # "published", "updated" or None when the page gives none
    after_headline: bool
    distance: int  # characters from the headline's start

    def rank(self) -> tuple:
        """Below the headline before above it, nearest first; a date labelled updated only when there is no other."""
        return (self.label == "updated", not self.after_headline, self.distance)


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601, RFC 2822 or a written date ("Feb 08, 2022") → aware datetime (UTC when the value has no offset)."""
    if not value:
        return None
    value = value.strip()
    parsed = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1) if "T" not in value
                                        else value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
            day = _day_of(match) if match else next((d for d, _ in _written_dates(value[:40], set(), True)), None)
            parsed = datetime(day.year, day.month, day.day) if day else None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _day_of(match: re.Match) -> date | None:
    try:
        return date(*map(int, match.groups()[:3]))
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _numeric_day(first: int, second: int, year: int, separator: str, known: set[date], month_first: bool) -> date | None:
    """"03/10/2023": the reading the page's declared dates or URL agree with, else its locale's
    (month first for slashes on US-English pages, day first otherwise); unambiguous when one part is over 12."""
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    agreed = [d for d in readings if d in known]
    if agreed or len(readings) < 2:
        return (agreed or readings or [None])[0]
    return readings[0] if month_first and separator == "/" else readings[1]


def _written_dates(text: str, known: set[date], month_first: bool) -> list[tuple[date, int]]:
    """Every date written out in ``text`` (December 15th, 2025; 16 Dec 2025; 2025-12-16; 12/16/2025), with its offset."""
    found = []
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _ISO_DAY, _NUMERIC_DAY):
        for match in pattern.finditer(text):
            try:
                if pattern is _MONTH_DAY_YEAR:
                    day = date(int(match[3]), _month_number(match[1]), int(match[2]))
                elif pattern is _DAY_MONTH_YEAR:
                    day = date(int(match[3]), _month_number(match[2]), int(match[1]))
                elif pattern is _ISO_DAY:
                    day = date(int(match[1]), int(match[2]), int(match[3]))
                else:
                    day = _numeric_day(int(match[1]), int(match[3]), int(match[4]), match[2], known, month_first)
            except ValueError:
                continue
            if day:
                found.append((day, match.start(), match.end()))
    found.sort(key=lambda item: item[1])
    return [(day, start) for day, start, _ in found]


def _label_before(text: str) -> str | None:
    match = _DATE_LABEL.search(text[-40:])
    return None if match is None else ("updated" if match["updated"] else "published")


_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "title", "select"}


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The <h1> that carries the headline, else the page's only <h1>, else the element whose own text
    is the headline. Not just any <h1>: of several, one may be the logo, and the dates after it those
    of other stories."""
    headings = []
    key = _squash(headline)
    for element in tree.iter("h1"):
        text = _squash(_visible_text(element))
        if key and text and (text == key or key in text):
            return element
        if text:
            headings.append(element)
    if len(headings) == 1:
        return headings[0]
    body = tree.find("body")
    if key and body is not None:  # a headline in an <h2> or a styled <div> (the <h1> being the site's name)
        return next((element for element in body.iter() if isinstance(element.tag, str) and element.tag not in _INVISIBLE
                     and element.text and _squash(element.text) == key), None)
    return None


def _visible_pieces(root: HtmlElement):
    """(text, element) in document order, without scripts, styles and other invisible parts."""
    stack: list[tuple[HtmlElement, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing or not isinstance(node.tag, str) or node.tag in _INVISIBLE:
            if node is not root and node.tail:
                yield node.tail, None
            continue
        yield node.text, node
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _text_around(tree: HtmlElement, anchor: HtmlElement, before: int, after: int) -> tuple[str, str]:
    """The page's visible text just before ``anchor`` and from its start on, in document order."""
    body = tree.find("body")
    pieces: list[str] = []
    ahead: str | None = None
    length = 0
    for text, element in _visible_pieces(body if body is not None else tree):
        if element is anchor:
            ahead, pieces, length = " ".join(" ".join(pieces).split())[-before:], [], 0
        if text and not text.isspace():
            pieces.append(text if len(text) <= MAX_DATELINE_CHARS else "…")  # a dateline is not prose
            length += len(text)
            if ahead is not None and length > 2 * after:  # raw text: whitespace not yet collapsed
                break
    if ahead is None:
        return "", ""
    return ahead, " ".join(" ".join(pieces).split())[:after]


def shown_dates(tree: HtmlElement, headline: str | None, known: set[date], today: date) -> list[ShownDate]:
    """The dates the page shows around its headline (the dateline of its byline), best first.

    ``known`` are days the page declares elsewhere (meta, JSON-LD, URL): they decide
    between the two readings of "03/10/2023". Dates after ``today`` are not publication dates."""
    anchor = _headline_element(tree, headline)
    if anchor is None:
        return []
    ahead, below = _text_around(tree, anchor, DATELINE_BEFORE, DATELINE_AFTER)
    month_first = (tree.get("lang") or "").strip().lower().replace("_", "-") in _MONTH_FIRST_LANGUAGES
    shown = []
    for text, after_headline in ((below, True), (ahead, False)):
        previous_end = 0
        for day, start in _written_dates(text, known, month_first):
            if 1990 <= day.year and day <= today:
                distance = start if after_headline else len(text) - start
                shown.append(ShownDate(day, _label_before(text[previous_end:start]), after_headline, distance))
            previous_end = start + 1
    return sorted(shown, key=ShownDate.rank)


_URL_DATE = re.compile(rf"/((?:19|20)\d\d)[/-](\d{{1,2}}|{_MONTH})[/-](\d{{1,2}})(?:/|[-_]|$)", re.I)


def date_in_url(url: str | None) -> date | None:
    """/2025/12/18/slug, /2023/october/03/slug or /2025-12-18-slug."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    month = int(match[2]) if match[2].isdigit() else _month_number(match[2])
    try:
        return date(int(match[1]), month, int(match[4]))
    except ValueError:
        return None


def _not_future(value: datetime | None, now: datetime) -> datetime | None:
    return value if value and value <= now else None


def _stamps(values: list[tuple[str | None, str]], now: datetime) -> list[tuple[datetime, str]]:
    parsed = [(_not_future(parse_datetime(value), now), origin) for value, origin in values]
    return [(stamp, origin) for stamp, origin in parsed if stamp]


def _time_elements(tree: HtmlElement, now: datetime) -> list[tuple[datetime, str]]:
    return _stamps([(value, "byline") for value in tree.xpath("//time/@datetime")[:10]], now)


def _local_offset(stamps: list[datetime]):
    """The page's own UTC offset: the most frequent non-zero one among its full timestamps."""
    offsets = [s.utcoffset() for s in stamps if s.utcoffset()]
    return max(set(offsets), key=offsets.count) if offsets else None


def _on_local_day(stamp: datetime, url_day: date | None, offset) -> datetime:
    """A UTC stamp shown in the page's own time zone when its URL dates it there
    (02:41 UTC on the 19th is 21:41 on the 18th in New York, where /2025/12/18/ was published)."""
    if url_day is None or offset is None or stamp.date() == url_day or stamp.utcoffset():
        return stamp
    local = stamp.astimezone(timezone(offset))
    return local if local.date() == url_day else stamp


def _on_day(day: date, stamps: list[tuple[datetime, str]]) -> tuple[datetime, str]:
    """The declared timestamp of ``day`` if the page has one, else the day itself from the byline."""
    for stamp, origin in stamps:
        if stamp.date() == day:
            return stamp, origin
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), "byline"


def pick_dates(html: str, tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None, url: str | None,
               htmldate_result: str | None = None, headline: str | None = None,
               ) -> tuple[datetime | None, datetime | None, str | None, str | None]:
    """(published, modified, provenance of published, provenance of modified).

    Published is, in this order: OpenGraph's article:published_time; the date the
    page shows by its headline (the nearest below it; one labelled updated only when
    the page shows no other: a page that shows only its update date presents itself
    as of that day); JSON-LD datePublished; other meta tags; a WebPage's
    datePublished; htmldate's search (``htmldate_result`` is the date trafilatura
    already found, htmldate is only run again when it is missing). A date taken
    from the page's text gets its time of day from a declared stamp of that day.
    A UTC stamp is moved into the page's own time zone when its URL dates it there.
    """
    now = datetime.now(timezone.utc)
    opengraph = _stamps([(meta.get(key), "meta") for key in _OPENGRAPH_PUBLISHED], now)
    declared = _stamps([(ld.published if ld else None, "json-ld"),
                        *[(meta.get(key), "meta") for key in _PUBLISHED_META]], now)
    updates = _stamps([(ld.modified if ld else None, "json-ld"), *[(meta.get(key), "meta") for key in _MODIFIED_META]], now)
    modified, modified_from = updates[0] if updates else (None, None)
    times = _time_elements(tree, now)
    url_day = date_in_url(url)
    offset = _local_offset([s for s, _ in opengraph + declared + updates + times])
    if opengraph:
        stamp, origin = opengraph[0]
        return _on_local_day(stamp, url_day, offset), modified, origin, modified_from
    known = {s.date() for s, _ in declared + updates + times} | ({url_day} if url_day else set())
    shown = shown_dates(tree, headline, known, now.date())
    if shown:
        stamp, origin = _on_day(shown[0].day, declared + updates + times)
        return _on_local_day(stamp, url_day, offset), modified, origin, modified_from
    if declared:
        stamp, origin = declared[0]
        return _on_local_day(stamp, url_day, offset), modified, origin, modified_from
    page = _stamps([(webpage_published(tree), "json-ld")], now)
    if page:
        return _on_local_day(page[0][0], url_day, offset), modified, "json-ld", modified_from
    found = _not_future(parse_datetime(htmldate_result or _htmldate(html, url, now)), now)
    if found is None:
        return None, modified, None, modified_from
    return _with_time_of_day(found, times), modified, "htmldate", modified_from


def _with_time_of_day(day: datetime, times: list[tuple[datetime, str]]) -> datetime:
    """htmldate returns days; take the full timestamp from a <time datetime> on that same day if there is one."""
    for stamp, _ in times:
        if stamp.date() == day.date() and (stamp.hour, stamp.minute) != (0, 0):
            return stamp
    return day


def _htmldate(html: str, url: str | None, now: datetime) -> str | None:
    try:
        return find_date(html, extensive_search=True, original_date=True, url=url, max_date=now.strftime("%Y-%m-%d"))
    except Exception:  # htmldate is defensive but not exhaustive on broken markup
        return None


# -- language ----------------------------------------------------------------

def _iso639_1(value: str | None) -> str | None:
    code = re.split(r"[-_]", (value or "").strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def pick_language(tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None,
                  text: str, default: str | None) -> Picked:
    candidates = [
        (tree.get("lang") or tree.get("xml:lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"), "html-lang"),
        (meta.get("og:locale") or meta.get("content-language") or meta.get("language"), "meta"),
        (ld.language if ld else None, "json-ld"),
    ]
    for value, source in candidates:
        code = _iso639_1(value)
        if code:
            return code, source
    if len(text.split()) >= 20 or len(text) >= 60:  # 60 characters: scripts written without spaces
        code, _score = py3langid.classify(text)
        return code, "langid"
    code = _iso639_1(default)
    return (code, "rules") if code else (None, None)


def pick_canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    hrefs = tree.xpath('//link[contains(concat(" ", normalize-space(translate(@rel, "CANONICAL", "canonical")), " "),'
                       ' " canonical ")]/@href')
    for href in [*hrefs, meta.get("og:url")]:
        if href and href.strip():
            absolute = urljoin(url or "", href.strip())
            if urlsplit(absolute).scheme in {"http", "https"}:
                return absolute
    return None

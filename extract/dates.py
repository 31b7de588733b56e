"""Published and modified dates: <time pubdate>, OpenGraph, the date shown by the headline, JSON-LD, meta, htmldate."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement

from extract.metadata import html_lang, squash, visible_text
from extract.structured import JsonLdArticle, webpage_published

# OpenGraph's article date: set once, when the article first appears, and left alone by later updates.
_OPENGRAPH_PUBLISHED = ("article:published_time", "og:published_time")
_PUBLISHED_META = ("datepublished", "publishdate", "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.created",
                   "sailthru.date", "parsely-pub-date")
# HTML5's explicit mark of the publication date of the page or its article; commenters' times carry it too.
_PUBDATE_TIMES = '//time[@pubdate][@datetime][not(ancestor::*[contains(@class, "comment")])]/@datetime'
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")

_ENGLISH = "en"
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# "4. 2. 2022": a space after each dot is common typography (Czech, German).
_NUMERIC_DAY = re.compile(r"(?<![\d/.])(\d{1,2})(/|\.\s?)(\d{1,2})\2(\d{4})(?!\d)")
# "Do 25.04.24 | 14:07 Uhr": a two-digit year, only with dots, where the day always comes first.
_SHORT_DOTTED_DAY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d.])")
_CJK_DAY = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")  # 2020年1月5日, in every CJK language
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
# A label right before a shown date ("Last updated: Aug 19, 2025", "Posted on Friday, May 2, 2025").
_DATE_LABEL = re.compile(
    r"\b(?:(?P<updated>(?:last\s+)?(?:updated?|modified|revised|refreshed))|"
    r"(?P<published>published|posted|originally|first\s+published|created))\b"
    r"\s*(?:on|at)?\s*[:\-–—]?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$", re.I)
_MONTH_FIRST_LANGUAGES = {"", "en", "en-us"}  # "03/10/2023" is March 10th only on US-English pages

DATELINE_BEFORE = 150  # characters of visible text before the headline (dates above it: "May 2, 2025 · News")
DATELINE_AFTER = 500  # ... and from its start (headline, standfirst, byline)
MAX_DATELINE_CHARS = 150  # longer text nodes are prose: the dates in them are what the article is about
MAX_DATELINE_WORDS = 12  # ... and so are text nodes of more words ("Der nächste Stammtisch findet am 5. Mai ...")
REIMPORT_DATELINE_CHARS = 200  # how far below the headline a re-imported post's own dateline sits
DATELINE_PAIR_WORDS = 2  # two dates with no more words between them are one dateline's published and updated


@dataclass(frozen=True)
class ShownDate:
    """A date the page shows readers near its headline."""
    day: date
    label: str | None  # "published", "updated" or None when the page gives none
    after_headline: bool
    distance: int  # characters from the headline's start
    partner: date | None = None  # the other day of a dateline that gives two ("28. Juni 2025 · Akt.: 29. Juni 2025")

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
            day = _day_of(match) if match else next((d for d, _, _ in _written_dates(value[:40], set(), True)), None)
            parsed = datetime(day.year, day.month, day.day) if day else None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _day_of(match: re.Match) -> date | None:
    try:
        return date(*map(int, match.groups()[:3]))
    except ValueError:
        return None


# A date written with a month's name ("December 15th, 2025", "16. Dezember 2025", "3 de mayo
# de 2022"): any word stands in the pattern, and counts when it names a month in the page's language.
# The year may run into the next word on pages whose spans are glued together ("Feb 11, 20268 min read").
_WORD = r"([^\W\d_]{3,})"
_MONTH_DAY_YEAR = re.compile(rf"(?<!\w){_WORD}\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})")
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s*(?:of\s+|de\s+)?{_WORD}(?!\w)\.?,?\s*"
                             rf"(?:de\s+|del\s+)?(\d{{4}})")


def _locale_months(languages: list[str] | None) -> list[dict[str, int]]:
    """Month name → number for each dateparser locale of ``languages`` (every locale when None)."""
    from dateparser.languages.loader import default_loader  # loaded on the first page that shows a date

    tables = []
    for locale in default_loader.get_locale_map(languages=languages).values():
        table = {}
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in locale.info.get(key, []):
                name = str(name).casefold().rstrip(".")
                if len(name) >= 3 and not any(c.isdigit() for c in name):
                    table[name] = number
        tables.append(table)
    return tables


@lru_cache(maxsize=64)
def month_names(language: str) -> dict[str, int]:
    """The month names (full and abbreviated, case-folded) of ``language`` (its primary subtag,
    e.g. "de" of "de-AT") and English's → month number; for a page that declares no language
    dateparser knows, English's and those of every other language, less the names that mean
    different months in two of them ("listopad" is November in Polish, October in Croatian)."""
    english = _locale_months([_ENGLISH])[0]
    try:
        others = _locale_months([language]) if language != _ENGLISH else []
    except ValueError:  # a language dateparser does not know, or none
        others = _locale_months(None)
    months: dict[str, int] = {}
    clashes: set[str] = set()
    for table in others:
        for name, number in table.items():
            if months.setdefault(name, number) != number:
                clashes.add(name)
    return {name: number for name, number in months.items() if name not in clashes} | english


def _declared_language(tree: HtmlElement) -> str:
    """The page's declared language tag, lower-cased, "_" written "-" ("" when it declares none)."""
    return html_lang(tree).strip().lower().replace("_", "-")


def page_language(tree: HtmlElement) -> str:
    """The primary subtag of the page's declared language, lower-cased ("" when it declares none)."""
    return _declared_language(tree).split("-")[0]


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


def _written_dates(text: str, known: set[date], month_first: bool, language: str = _ENGLISH
                   ) -> list[tuple[date, int, int]]:
    """Every date written out in ``text`` (December 15th, 2025; 16. Dezember 2025; 2025-12-16;
    12/16/2025; 16.12.25; 2025年12月16日), with where each starts and ends, in order. Month
    names are those of ``language`` and English."""
    months = month_names(language)
    found = []
    patterns = (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _ISO_DAY, _CJK_DAY, _NUMERIC_DAY, _SHORT_DOTTED_DAY)
    for pattern in patterns:
        for match in pattern.finditer(text):
            try:
                if pattern is _MONTH_DAY_YEAR:
                    day = date(int(match[3]), months[match[1].casefold()], int(match[2]))
                elif pattern is _DAY_MONTH_YEAR:
                    day = date(int(match[3]), months[match[2].casefold()], int(match[1]))
                elif pattern in (_ISO_DAY, _CJK_DAY):
                    day = date(int(match[1]), int(match[2]), int(match[3]))
                elif pattern is _SHORT_DOTTED_DAY:
                    day = date(2000 + int(match[3]), int(match[2]), int(match[1]))
                else:
                    day = _numeric_day(int(match[1]), int(match[3]), int(match[4]), match[2], known, month_first)
            except (KeyError, ValueError):  # a word that names no month, a day that does not exist
                continue
            if day:
                found.append((day, match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def _label_before(text: str) -> str | None:
    match = _DATE_LABEL.search(text[-40:])
    return None if match is None else ("updated" if match["updated"] else "published")


_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "title", "select"}


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The <h1> that carries the headline, else the page's only <h1>, else the element whose own text
    is the headline. Not just any <h1>: of several, one may be the logo, and the dates after it those
    of other stories."""
    headings = []
    key = squash(headline)
    for element in tree.iter("h1"):
        text = squash(visible_text(element))
        if key and text and (text == key or key in text):
            return element
        if text:
            headings.append(element)
    if len(headings) == 1:
        return headings[0]
    body = tree.find("body")
    if key and body is not None:  # a headline in an <h2> or a styled <div> (the <h1> being the site's name)
        return next((element for element in body.iter() if isinstance(element.tag, str) and element.tag not in _INVISIBLE
                     and element.text and squash(element.text) == key), None)
    return None


def _visible_texts(root: HtmlElement):
    """The texts of ``root`` and its descendants in document order (not its tail), without
    scripts, styles and other invisible parts."""
    if not isinstance(root.tag, str) or root.tag in _INVISIBLE:
        return
    walk = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, node in walk:
        if event != "start":
            if node is not root and node.tail:
                yield node.tail
        elif node.tag in _INVISIBLE:
            walk.skip_subtree()
        elif node.text:
            yield node.text


def _texts_from(anchor: HtmlElement, root: HtmlElement):
    """The visible texts of ``root`` from ``anchor``'s start on, in document order."""
    yield from _visible_texts(anchor)
    node = anchor
    while node is not root:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            yield from _visible_texts(sibling)
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


def _visible_texts_backwards(root: HtmlElement):
    """The texts of ``root`` and its descendants (not its tail), last first."""
    if not isinstance(root.tag, str) or root.tag in _INVISIBLE:
        return
    for child in reversed(root):
        if child.tail:
            yield child.tail
        yield from _visible_texts_backwards(child)
    if root.text:
        yield root.text


def _texts_before(anchor: HtmlElement, root: HtmlElement):
    """The visible texts of ``root`` before ``anchor``, nearest first: the walk starts at the
    headline rather than crossing every menu above it."""
    node = anchor
    while node is not root:
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail
            yield from _visible_texts_backwards(sibling)
        node = node.getparent()
        if node.text:
            yield node.text


def _dateline_pieces(texts, limit: int, collapsed: bool) -> list[str]:
    """``texts`` until ``limit`` characters (counted with whitespace collapsed, or raw), each
    longer or wordier one reduced to "…": a dateline is not prose."""
    pieces: list[str] = []
    length = 0
    for text in texts:
        if text.isspace():
            continue
        words = sum(1 for word in text.split() if not word.isdigit() and any(c.isalpha() for c in word))
        prose = len(text) > MAX_DATELINE_CHARS or words > MAX_DATELINE_WORDS
        pieces.append("…" if prose else text)
        length += len(" ".join(pieces[-1].split())) + 1 if collapsed else len(text)
        if length > limit:
            break
    return pieces


def _text_around(tree: HtmlElement, anchor: HtmlElement, before: int, after: int) -> tuple[str, str]:
    """The page's visible text just before ``anchor`` and from its start on, in document order."""
    body = tree.find("body")
    root = body if body is not None else tree
    path = [anchor, *anchor.iterancestors()]
    if root not in path or any(node.tag in _INVISIBLE for node in path[:path.index(root) + 1]):
        return "", ""
    ahead = _dateline_pieces(_texts_before(anchor, root), before, collapsed=True)[::-1]
    below = _dateline_pieces(_texts_from(anchor, root), 2 * after, collapsed=False)  # raw: whitespace not yet collapsed
    return " ".join(" ".join(ahead).split())[-before:], " ".join(" ".join(below).split())[:after]


def shown_dates(tree: HtmlElement, headline: str | None, known: set[date], today: date) -> list[ShownDate]:
    """The dates the page shows around its headline (the dateline of its byline), best first.

    ``known`` are days the page declares elsewhere (meta, JSON-LD, URL): they decide
    between the two readings of "03/10/2023". Dates after ``today`` are not publication dates."""
    anchor = _headline_element(tree, headline)
    if anchor is None:
        return []
    ahead, below = _text_around(tree, anchor, DATELINE_BEFORE, DATELINE_AFTER)
    month_first = _declared_language(tree) in _MONTH_FIRST_LANGUAGES
    language = page_language(tree)
    title = " ".join((headline or "").split()).casefold()
    in_title = len(title) if title and below.casefold().startswith(title) else 0  # "Minutes of the 10 Oct 2019 meeting"
    shown = []
    for text, after_headline in ((below, True), (ahead, False)):
        written = [(day, start, end) for day, start, end in _written_dates(text, known, month_first, language)
                   if not (after_headline and start < in_title)]
        previous_end = 0
        for index, (day, start, end) in enumerate(written):
            if 1990 <= day.year and day <= today:
                distance = start if after_headline else len(text) - start
                shown.append(ShownDate(day, _label_before(text[previous_end:start]), after_headline, distance,
                                       _partner(text, written, index)))
            previous_end = start + 1
    return _earlier_of_a_pair_first(sorted(shown, key=ShownDate.rank))


def _partner(text: str, written: list[tuple[date, int, int]], index: int) -> date | None:
    """The day written next to ``written[index]`` in one dateline: at most a short label
    between them ("Akt.:", "| 7:25 Uppfært |"), no prose."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(written):
            first, second = sorted((written[index], written[other]), key=lambda item: item[1])
            between = text[first[2]:second[1]]
            words = [word for word in between.split() if any(c.isalpha() for c in word)]
            if len(words) <= DATELINE_PAIR_WORDS and "…" not in between:
                return written[other][0]
    return None


def _earlier_of_a_pair_first(shown: list[ShownDate]) -> list[ShownDate]:
    """A dateline that gives two days ("28. Juni 2025 - 16.03 Uhr Akt.: 29. Juni 2025",
    "12.2.2025 | 7:25 Uppfært | 11.2.2025"), in whatever language it labels them, gives the
    publication's first: an update never comes before it. The earlier one goes first unless
    the later is labelled published."""
    if not shown or shown[0].label == "published" or not shown[0].partner or shown[0].partner >= shown[0].day:
        return shown
    best = shown[0]
    earlier = next((other for other in shown[1:] if other.day == best.partner and other.label != "updated"
                    and other.after_headline == best.after_headline), None)
    if earlier is None:
        return shown
    return [earlier, *(other for other in shown if other is not earlier)]


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2}|[a-z]{3,9})[/-](\d{1,2})(?:/|[-_]|$)", re.I)


def date_in_url(url: str | None) -> date | None:
    """/2025/12/18/slug, /2023/october/03/slug or /2025-12-18-slug."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    try:
        month = int(match[2]) if match[2].isdigit() else month_names(_ENGLISH)[match[2].casefold()]
        return date(int(match[1]), month, int(match[3]))
    except (KeyError, ValueError):
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


def _on_local_day(stamp: datetime, url_day: date | None, shown_day: date | None, offset: timedelta | None) -> datetime:
    """A UTC stamp shown in the page's own time zone when its URL dates it there (02:41 UTC on the 19th
    is 21:41 on the 18th in New York, where /2025/12/18/ was published), or, for a stamp on the hour, in
    the zone whose midnight it is when the page's URL or headline gives that day (23:00 UTC on the 4th
    is midnight of the 5th in Berlin: a day stored as local midnight). The instant stays the same."""
    if stamp.utcoffset():
        return stamp
    for candidate, days in ((offset, {url_day}), (_midnight_offset(stamp), {url_day, shown_day})):
        local = stamp.astimezone(timezone(candidate)) if candidate else stamp
        if stamp.date() not in days and local.date() in days:
            return local
    return stamp


LATEST_OFFSET = timedelta(hours=14)  # the easternmost time zone's


def _midnight_offset(stamp: datetime) -> timedelta | None:
    """The offset east of UTC at which a stamp on the hour is midnight."""
    if (stamp.minute, stamp.second, stamp.microsecond) != (0, 0, 0) or stamp.hour == 0:
        return None
    offset = timedelta(hours=24 - stamp.hour)
    return offset if offset <= LATEST_OFFSET else None


def _dateline_predates(shown: list[ShownDate], stamp: datetime) -> bool:
    """The page's dateline below its headline (not an update date) is days older than its
    OpenGraph stamp: the stamp is that of a re-import into a new CMS (a blog moved to Medium
    in 2024 still shows Dec 30, 2013). A day apart is only the stamp's time zone against the
    dateline's; a date above the headline, or further below it than a byline sits, may be
    another story's."""
    if not shown or shown[0].label == "updated" or not shown[0].after_headline \
            or shown[0].distance > REIMPORT_DATELINE_CHARS:
        return False
    return (stamp.date() - shown[0].day).days > 1


def _on_day(day: date, stamps: list[tuple[datetime, str]]) -> tuple[datetime, str]:
    """The declared timestamp of ``day`` if the page has one, else the day itself from the byline."""
    for stamp, origin in stamps:
        if stamp.date() == day:
            return stamp, origin
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), "byline"


@dataclass(frozen=True)
class _Vote:
    """A source's published day. Sources of one family are not independent: a CMS writes the
    same field into its OpenGraph, JSON-LD and meta tags, so they count once between them."""
    day: date
    origin: str  # as in provenance: "meta", "json-ld", "byline", "url", "htmldate"
    family: str  # "declared", "pubdate", "shown", "time", "url" or "htmldate"


# The families that must agree on a day to overturn the first choice of the order pick_dates
# follows; across the four corpora, two (a date in the URL and htmldate's, say) are as often
# wrong together as the first choice is.
MIN_AGREEING_FAMILIES = 3


def _supporters(votes: list[_Vote]) -> dict[date, set[str]]:
    support: dict[date, set[str]] = {}
    for vote in votes:
        support.setdefault(vote.day, set()).add(vote.family)
    return support


def _agreed_day(chosen: date | None, votes: list[_Vote], htmldate_vote: Callable[[], list[_Vote]],
                ) -> tuple[date | None, list[_Vote]]:
    """The first choice, unless at least MIN_AGREEING_FAMILIES families agree on another day
    and more of them than on the first choice. htmldate is asked (``htmldate_vote``) only when
    its vote could change the outcome, so most pages never run it."""
    support = _supporters(votes)
    backing = len(support.get(chosen, ())) if chosen else 0
    rivals = {day: len(families) for day, families in support.items() if day != chosen}
    settled = backing >= MIN_AGREEING_FAMILIES or all(n + 1 < max(MIN_AGREEING_FAMILIES, backing + 1)
                                                      for n in rivals.values())
    decided = any(n >= MIN_AGREEING_FAMILIES and n > backing + 1 for n in rivals.values())
    if not (settled or decided):
        votes = votes + htmldate_vote()
        support = _supporters(votes)
        backing = len(support.get(chosen, ())) if chosen else 0
    winners = [day for day, families in support.items()
               if day != chosen and len(families) >= MIN_AGREEING_FAMILIES and len(families) > backing]
    return (max(winners, key=lambda day: len(support[day])) if winners else chosen), votes


Stamps = list[tuple[datetime, str]]  # (stamp, provenance)


def _first_choice(marked: Stamps, opengraph: Stamps, shown: list[ShownDate], declared: Stamps, updates: Stamps,
                  page: Stamps, times: Stamps, url_day: date | None, offset: timedelta | None,
                  ) -> tuple[datetime, str] | None:
    """The published stamp in pick_dates' order of sources, before their agreement is weighed."""
    if marked:
        stamp, origin = _on_day(marked[0][0].date(), opengraph + declared + updates + marked)
    elif opengraph and not _dateline_predates(shown, opengraph[0][0]):
        stamp, origin = opengraph[0]
    elif shown:
        stamp, origin = _on_day(shown[0].day, declared + updates + times)
    elif declared or page or times or updates:
        stamp, origin = (declared or page or times or updates)[0]
    else:
        return None
    shown_day = shown[0].day if shown and shown[0].label != "updated" else None
    return _on_local_day(stamp, url_day, shown_day, offset), origin


def _stamp_of(day: date, votes: list[_Vote], stamps: Stamps) -> tuple[datetime, str]:
    """A day the sources agreed on, as a declared stamp of that day if the page has one, else
    as the day itself from its first source."""
    for stamp, origin in stamps:
        if stamp.date() == day:
            return stamp, origin
    origin = next(vote.origin for vote in votes if vote.day == day)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), origin


def pick_dates(html: str, tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None, url: str | None,
               htmldate_result: str | None = None, headline: str | None = None,
               ) -> tuple[datetime | None, datetime | None, str | None, str | None, tuple[str, ...]]:
    """(published, modified, provenance of published, provenance of modified, the other
    sources that agreed on the published day).

    A live blog (JSON-LD LiveBlogPosting) is dated by its declared datePublished, when coverage began: every
    other stamp on it, its OpenGraph one too, is its latest entry's. Otherwise the first choice for published is,
    in this order: a <time pubdate> outside comments;
    OpenGraph's article:published_time, unless the date the page shows below its headline
    is days older (a re-import's stamp); the date the page shows by its headline (the
    nearest below it; one labelled updated only when the page shows no other: a page that
    shows only its update date presents itself as of that day); JSON-LD datePublished;
    other meta tags; a WebPage's datePublished; the first <time datetime>; the declared
    modified date (a page that declares only that presents itself as of that day). A date
    taken from the page's text gets its time of day from a declared stamp of that day. A UTC
    stamp is moved into the page's own time zone when its URL dates it there, and a UTC stamp
    on the hour into the zone whose midnight it is when the URL or headline gives that day.

    Then the sources vote, one vote per family (see _Vote): the declared stamps, the <time
    pubdate>, the date shown by the headline (not one labelled updated), the first <time
    datetime>, the URL's date and, when its vote could decide, htmldate's extensive search.
    A day that enough families agree on overturns a first choice fewer agree on. With no
    first choice, htmldate's answer is taken (``htmldate_result``, when given, is its answer
    already found).
    """
    now = datetime.now(timezone.utc)
    opengraph = _stamps([(meta.get(key), "meta") for key in _OPENGRAPH_PUBLISHED], now)
    declared = _stamps([(ld.published if ld else None, "json-ld"),
                        *[(meta.get(key), "meta") for key in _PUBLISHED_META]], now)
    updates = _stamps([(ld.modified if ld else None, "json-ld"), *[(meta.get(key), "meta") for key in _MODIFIED_META]], now)
    modified, modified_from = updates[0] if updates else (None, None)
    if ld and ld.live_blog and declared and declared[0][1] == "json-ld":
        # every other stamp of a live blog is its latest entry's (its OpenGraph stamp too): the start is declared
        return declared[0][0], modified, "json-ld", modified_from, ()
    times = _time_elements(tree, now)
    url_day = date_in_url(url)
    offset = _local_offset([s for s, _ in opengraph + declared + updates + times])
    marked = _stamps([(value, "byline") for value in tree.xpath(_PUBDATE_TIMES)[:1]], now)
    known = {s.date() for s, _ in declared + updates + times} | ({url_day} if url_day else set())
    shown = [] if marked else shown_dates(tree, headline, known, now.date())
    page = _stamps([(webpage_published(tree), "json-ld")], now)
    choice = _first_choice(marked, opengraph, shown, declared, updates, page, times, url_day, offset)

    votes = [_Vote(stamp.date(), origin, "declared") for stamp, origin in opengraph + declared + page]
    votes += [_Vote(stamp.date(), "byline", "pubdate") for stamp, _ in marked]
    votes += [_Vote(shown[0].day, "byline", "shown")] if shown and shown[0].label != "updated" else []
    votes += [_Vote(times[0][0].date(), "byline", "time")] if times else []
    votes += [_Vote(url_day, "url", "url")] if url_day else []
    found: list[datetime | None] = []

    def htmldate_vote() -> list[_Vote]:
        found.append(_not_future(parse_datetime(htmldate_result or _htmldate(html, url, now)), now))
        return [_Vote(found[0].date(), "htmldate", "htmldate")] if found[0] else []

    day, votes = _agreed_day(choice[0].date() if choice else None, votes, htmldate_vote)
    if choice and day == choice[0].date():
        published, origin = choice
    elif day:
        published, origin = _stamp_of(day, votes, opengraph + declared + page + updates + times)
    else:
        if not found:
            htmldate_vote()
        if found[0] is None:
            return None, modified, None, modified_from, ()
        published, origin = _with_time_of_day(found[0], times), "htmldate"
    agreed = dict.fromkeys(vote.origin for vote in votes if vote.day == published.date() and vote.origin != origin)
    return published, modified, origin, modified_from, tuple(agreed)


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

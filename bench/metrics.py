"""Scoring extracted text and metadata against gold data, implemented from the corpora's definitions.

- ``shingle_counts`` / ``shingle_scores``: the scrapinghub article-extraction-benchmark metric.
  Text is split on ``\\w+``; each page's 4-word shingles are counted (a text of fewer than 4
  tokens is one shingle); TP/FP/FN per page are normalised to sum 1 so long pages do not weigh
  more; precision is averaged over pages that predicted something or should have, recall over
  pages with gold shingles or predictions, and F1 is computed from the two averages.
- ``bag_of_words``: the WCXB metric, precision/recall/F1 over bags of lower-case ``\\w+`` words
  of one page; the corpus figure is the mean of the per-page values.
- ``same_title``, ``author_found``, ``same_day``, ``snippet_present``: the metadata and
  boilerplate checks of the WCXB table.
- ``labelled_author_found``, ``snippet_rate``: the checks every corpus shares in `make eval`
  (a labelled name among the predicted ones; the share of a page's snippets present,
  case-insensitively).
- Texts are compared in one Unicode normal form (``canonical``, NFC) on both sides: a page, its
  label or an extractor may write "ü" as one code point or as "u" and a combining mark.
- ``day_written``: whether a labelled day appears in a page's HTML in some written form
  (numeric in the usual orders, or with a month name in any language dateparser knows);
  dates are scored on all dated pages and on these "reachable" ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from html import unescape

WORD = re.compile(r"\w+")


def canonical(text: str | None) -> str:
    """One spelling per character (NFC): "für" written with a combining diaeresis is the same word
    as with "ü", on either side of a comparison; and no soft hyphens, which are invisible (some labels
    keep the page's, some do not)."""
    return unicodedata.normalize("NFC", text or "").replace("\u00ad", "")


# -- scrapinghub: 4-gram shingles ------------------------------------------------------------

def shingles(text: str | None, n: int = 4) -> Counter:
    tokens = WORD.findall(canonical(text))
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def shingle_counts(gold: str | None, predicted: str | None, n: int = 4) -> tuple[float, float, float]:
    """(TP, FP, FN) of one page over shingle multisets, normalised to sum 1 (all 0 if both are empty)."""
    want, got = shingles(gold, n), shingles(predicted, n)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def shingle_scores(pages: Iterable[tuple[float, float, float]]) -> Scores:
    """Corpus precision/recall (averaged over pages) and the F1 of those two averages."""
    pages = list(pages)
    precisions = [_precision(*c) for c in pages if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in pages if c[0] + c[2] > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return Scores(precision, recall, _f1(precision, recall))


# -- WCXB: bag of words ----------------------------------------------------------------------

def bag_of_words(gold: str | None, predicted: str | None) -> Scores:
    """Per-page precision, recall and F1 over bags of lower-case \\w+ words.

    Both empty counts as a perfect page; one of them empty scores 0.
    """
    want = Counter(WORD.findall(canonical(gold).lower()))
    got = Counter(WORD.findall(canonical(predicted).lower()))
    if not want and not got:
        return Scores(1.0, 1.0, 1.0)
    overlap = sum((want & got).values())
    if not overlap:
        return Scores(0.0, 0.0, 0.0)
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return Scores(precision, recall, _f1(precision, recall))


def mean_scores(pages: Sequence[Scores]) -> Scores:
    n = len(pages) or 1
    return Scores(sum(s.precision for s in pages) / n, sum(s.recall for s in pages) / n,
                  sum(s.f1 for s in pages) / n)


# -- WCXB: metadata and boilerplate ----------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
                         "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "\u00a0": " "})


def normalise(value: str | None) -> str:
    """NFKC, case-folded, typographic quotes and dashes made plain, whitespace collapsed, no soft hyphens."""
    value = unicodedata.normalize("NFKC", canonical(value)).translate(_QUOTES).casefold()
    return " ".join(value.split())


def same_title(gold: str, predicted: str | None) -> bool:
    """The whole headline and nothing else (a site-name suffix or section prefix fails)."""
    return bool(predicted) and normalise(gold) == normalise(predicted)


def _words(value: str | None) -> list[str]:
    return WORD.findall(normalise(value))


def author_found(gold: str, authors: Sequence[str]) -> bool:
    """The gold author is one of ``authors``, word for word (case and punctuation aside).

    Gold values sometimes carry credentials or an affiliation after the name
    ("Jane Doe, MD", "Jane Doe | The Texas Newsroom"): the name before the first
    comma or bar also counts. Several gold names ("A and B") count when all are found.
    """
    ours = [_words(a) for a in authors]
    if not ours:
        return False
    whole = _words(gold)
    if whole in ours or whole == [w for a in ours for w in a]:
        return True
    first = _words(re.split(r"\s*[,|;/]\s*", gold.strip())[0])
    if first and first in ours:
        return True
    names = [_words(n) for n in re.split(r"\s*(?:,|&|\band\b)\s*", gold) if n.strip()]
    return len(names) > 1 and all(n in ours for n in names)


def same_day(gold: str | date, predicted: str | datetime | date | None) -> bool:
    """The predicted date falls on the gold calendar day (in the page's own time zone)."""
    if not predicted:
        return False
    gold_day = gold if isinstance(gold, date) else date.fromisoformat(str(gold)[:10])
    if isinstance(predicted, datetime):
        return predicted.date() == gold_day
    if isinstance(predicted, date):
        return predicted == gold_day
    try:
        return date.fromisoformat(str(predicted)[:10]) == gold_day
    except ValueError:
        return False


def snippet_present(snippet: str, text: str | None) -> bool:
    """A boilerplate snippet is present when it occurs in the text, whitespace aside, case-sensitively."""
    snippet = " ".join(snippet.split())
    return bool(snippet) and snippet in " ".join((text or "").split())


# -- every corpus: labelled names, snippet rates, reachable days ------------------------------

_NAME_SEPARATORS = re.compile(r"\s*(?:[,;|/&]|\b(?:and|und|et|y|e|i|og|en)\b)\s*", re.IGNORECASE)


def labelled_names(gold: str | Sequence[str]) -> list[str]:
    """The names a label holds: a list as it is, a string split at commas, semicolons and 'and'."""
    if isinstance(gold, str):
        return [gold, *(n for n in _NAME_SEPARATORS.split(gold) if n.strip())]
    return [n for n in gold if n and n.strip()]


def labelled_author_found(gold: str | Sequence[str], authors: Sequence[str]) -> bool:
    """At least one labelled name is one of ``authors``, word for word (case and punctuation aside)."""
    ours = [_words(a) for a in authors]
    return any(_words(name) in ours for name in labelled_names(gold))


def snippet_rate(snippets: Sequence[str], text: str | None) -> float | None:
    """The share of ``snippets`` found in ``text``, case-insensitively and whitespace aside."""
    snippets = [" ".join(canonical(s).split()).casefold() for s in snippets if s and s.strip()]
    if not snippets:
        return None
    flat = " ".join(canonical(text).split()).casefold()
    return sum(s in flat for s in snippets) / len(snippets)


@lru_cache(maxsize=12)
def _month_names(month: int) -> tuple[str, ...]:
    from dateparser.languages.loader import default_loader
    key = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")[month - 1]
    names: set[str] = set()
    for locale in default_loader.get_locale_map().values():
        for name in locale.info.get(key, []):
            name = unescape(str(name)).casefold().strip(". ")
            if len(name) >= 3 or (len(name) >= 2 and not name.isascii()):
                names.add(name)
    return tuple(sorted(names, key=len, reverse=True))


def _day_patterns(day: date) -> re.Pattern:
    y, yy = str(day.year), f"{day.year % 100:02d}"
    m = f"0?{day.month}"
    d = f"0?{day.day}"
    sep = r"\s*[-/.]\s*"
    names = "|".join(re.escape(n) for n in _month_names(day.month))
    forms = [
        rf"{y}{sep}{m}{sep}{d}",                       # 2020-01-05, 2020/1/5
        rf"{d}{sep}{m}{sep}(?:{y}|{yy})",              # 5.1.2020, 05/01/20
        rf"{m}{sep}{d}{sep}(?:{y}|{yy})",              # 1/5/2020
        rf"{y}{day.month:02d}{day.day:02d}",           # 20200105 (URLs, ids)
        rf"{y}\s*年\s*{m}\s*月\s*{d}\s*日",          # 2020年1月5日
        rf"{d}(?:st|nd|rd|th|er|\.)?\s*(?:de\s+)?(?:{names})\.?,?\s*(?:de\s+|del\s+)?(?:{y}|'{yy})",
        rf"(?:{names})\.?\s*{d}(?:st|nd|rd|th)?,?\s*(?:{y}|'{yy})",
        rf"{y}\s*(?:{names})\.?\s*{d}",
    ]
    return re.compile(r"(?<![\d])(?:" + "|".join(forms) + r")(?![\d])", re.IGNORECASE)


def day_written(day: str | date, html: str | bytes) -> bool:
    """The day appears in the page in some written form (see the module docstring)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    text = unescape(html).replace("\u00a0", " ").casefold()
    return bool(_day_patterns(day).search(text))

"""HTML page → clean article: the one entry point the pipeline calls."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime

from trafilatura import bare_extraction

from extract.authors import pick_authors
from extract.cleaning import CleaningRules, clean_text, word_count
from extract.credits import pick_credited_url
from extract.dates import pick_dates
from extract.decoding import decode_html, looks_binary
from extract.guesses import TrafilaturaGuesses
from extract.layout import drop_other_posts, unwrap_layout_tables
from extract.metadata import canonical_hrefs, pick_canonical, pick_language, site_names
from extract.parsing import parse_html
from extract.provenance import FieldSource, provenance_record
from extract.pruning import block_texts, marked_furniture
from extract.recovery import recover_dropped_text, split_run_together, within_declared_body, without_trailing_outside
from extract.streamed import drop_streamed_fallbacks, inline_streamed_content, scripted_body
from extract.structured import read_json_ld, read_meta
from extract.titles import pick_title
from extract.version import extractor_version

__all__ = ["CleaningRules", "ExtractedPage", "extract_article", "MIN_ARTICLE_WORDS", "warm_up"]

MIN_ARTICLE_WORDS = 80
# Far beyond any article (a book is ~500k characters), and keeps the search tsvector under PostgreSQL's 1 MB limit.
MAX_ARTICLE_CHARS = 400_000
# A page that declares itself something other than an article needs this much text to count as one.
MIN_WORDS_FOR_NON_ARTICLE_OG_TYPE = 150

log = logging.getLogger(__name__)


@dataclass
class ExtractedPage:
    """One extracted page. ``provenance`` maps each metadata field that has a value (title,
    authors, published, modified, language) to where it came from:

    - ``json-ld``: the page's schema.org Article JSON-LD (headline, author, datePublished, ...)
    - ``meta``: <meta> tags (og:title, article:published_time, author, og:locale) or <title>
    - ``h1``: the visible headline, when no declared title agrees with it
    - ``byline``: a visible byline element (rel=author, itemprop=author, class *byline*/*author*), or for
      the published date, a <time pubdate> or the date the page shows by its headline, when no declared stamp
      falls on that day
    - ``htmldate``: htmldate's extensive search over the page (date only)
    - ``html-lang``: <html lang>; ``langid``: detected from the text; ``rules``: the source's default
    - ``trafilatura``: trafilatura's own metadata, the last resort
    A field without a value has no provenance entry. Beside them, ``agreed`` maps a field to the other
    sources that gave the same value and ``confidence`` maps each field to ``high``, ``medium`` or ``low``
    (``extract.provenance``)."""
    is_article: bool
    reason: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    # A page on another site that this page names as its original: a cross-site rel=canonical, or the link of
    # a credit line ("Originally published at …", "Source: <link>"); see extract.credits.
    credited_url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    description: str | None = None
    text: str = ""
    word_count: int = 0
    provenance: dict = field(default_factory=dict)
    extractor_version: str = ""  # extract.version: set on every page that went through extraction

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("published", "modified"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _run_trafilatura(tree, url: str | None, favor_recall: bool = False):
    try:
        return bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
                               include_tables=True, favor_recall=favor_recall, output_format="python")
    except Exception:  # trafilatura catches most errors itself; a crash must not stop the batch
        log.exception("trafilatura failed on %s", url)
        return None


def _main_text(tree, url: str | None):
    """The page's tree and trafilatura's extraction from it. A page streamed in parts is read both as sent and
    with the parts in place, as shown: the longer text wins (in place, a part may land in a container
    trafilatura drops). A page with no text at all may be client-rendered: it is read again with the
    article its scripts hold as data in place."""
    document = _run_trafilatura(tree, url)
    if document is None or not document.text:
        # Nothing passed its tests, as when a broken page opens the article inside an <aside> or <header>
        # it always drops: its recall mode keeps such elements when nothing else is left.
        document = _run_trafilatura(tree, url, favor_recall=True) or document
    tree, document = _longer(tree, document, inline_streamed_content(tree), url)
    if document is None or not document.text:
        tree, document = _longer(tree, document, scripted_body(tree), url)
    return tree, document


def _longer(tree, document, alternative_tree, url: str | None):
    """(tree, extraction) of the two readings of the page that gives the longer text."""
    if alternative_tree is None:
        return tree, document
    alternative = _run_trafilatura(alternative_tree, url)
    if alternative is not None and len(alternative.text or "") > (len(document.text or "") if document else 0):
        return alternative_tree, alternative
    return tree, document


def _not_article_reason(text_words: int, text_chars: int, og_type: str | None) -> str | None:
    if text_words == 0:
        return "no main text"
    if text_chars > MAX_ARTICLE_CHARS:
        return f"too long: {text_chars} characters of text"
    if text_words < MIN_ARTICLE_WORDS:
        return f"too short: {text_words} words"
    if og_type and "article" not in og_type.lower() and text_words < MIN_WORDS_FOR_NON_ARTICLE_OG_TYPE:
        return f"og:type={og_type}"
    return None


_warm_up_lock = threading.Lock()
_warmed_up = False


def warm_up() -> None:
    """Pay extraction's one-off costs now, once per process: py3langid's model, and dateparser's patterns
    for every locale, which htmldate's last-resort date parser compiles the first time a page's date
    string names no language it knows (~2 s of CPU; met within a few dozen pages of most sites).
    Processes forked afterwards share them instead of each paying again. Threads that call it at once
    (shards run side by side in one process) wait for one loading instead of each paying it under the GIL."""
    global _warmed_up
    with _warm_up_lock:
        if _warmed_up:
            return
        from htmldate.extractors import get_external_parser
        from py3langid import classify

        get_external_parser().get_date_data("no date 2020")
        classify("warm")
        _warmed_up = True


_SOFT_HYPHEN = re.compile(r"\u00ad|&shy;|&#173;|&#x0*ad;", re.I)


def extract_article(html: bytes | str, url: str | None = None, rules: CleaningRules | None = None,
                    encoding: str | None = None) -> ExtractedPage:
    """Extract the article text and metadata of one page. Never raises on bad input."""
    rules = rules or CleaningRules()
    if html is None or not isinstance(html, (bytes, bytearray, str)):
        return ExtractedPage(is_article=False, reason=f"not HTML: {type(html).__name__}", url=url)
    source = decode_html(bytes(html) if isinstance(html, bytearray) else html, encoding)
    if not unicodedata.is_normalized("NFC", source):
        # One spelling per character ("য়" is one code point on some pages, two on others), so that text, search
        # and fingerprints agree across outlets.
        source = unicodedata.normalize("NFC", source)
    # Soft hyphens are line-break hints ("Ver&shy;fas&shy;sungs&shy;be&shy;schwerde"), invisible on the page: kept,
    # they cut the word in full-text search and in the fingerprints a copy without them is compared by.
    source = _SOFT_HYPHEN.sub("", source)
    if not source.strip():
        return ExtractedPage(is_article=False, reason="empty document", url=url)
    if looks_binary(source):
        return ExtractedPage(is_article=False, reason="binary or undecodable content", url=url)
    tree = parse_html(drop_streamed_fallbacks(source))
    if tree is None:
        return ExtractedPage(is_article=False, reason="unparseable HTML", url=url)

    drop_other_posts(tree)
    meta = read_meta(tree)
    ld = read_json_ld(tree)
    sites = site_names(meta, ld, url)
    unwrap_layout_tables(tree)
    tree, document = _main_text(tree, url)

    guesses = TrafilaturaGuesses(tree)
    title, title_from, title_agreed = pick_title(tree, meta, ld, guesses.title, sites)
    authors, authors_from, authors_agreed = pick_authors(tree, meta, ld, lambda: guesses.author, url)
    published, modified, published_from, modified_from, published_agreed = pick_dates(source, tree, meta, ld, url,
                                                                                          headline=title)
    site_labels = [name for name in (meta.get("og:site_name"), ld.publisher if ld else None) if name]
    text = recovered = ""
    blocks = None
    if document:
        extracted = split_run_together(tree, document.text or "")
        recovered = recover_dropped_text(tree, extracted)
        blocks = block_texts(tree)
        text = clean_text(recovered, rules, title, site_labels, authors, marked_furniture(tree, blocks))
        text = within_declared_body(tree, without_trailing_outside(tree, text))
    canonicals = canonical_hrefs(tree)
    # The credit line is looked for in the article text before cleaning (which drops such lines), and near it.
    credited_url = pick_credited_url(tree, meta, url, canonicals, recovered, blocks)
    language, language_from = pick_language(tree, meta, ld, text, rules.language)
    provenance = provenance_record({
        "title": FieldSource(title_from, title_agreed) if title_from else None,
        "authors": FieldSource(authors_from, authors_agreed) if authors_from else None,
        "published": FieldSource(published_from, published_agreed) if published_from else None,
        "modified": FieldSource(modified_from) if modified_from else None,
        "language": FieldSource(language_from) if language_from else None,
    })

    words = word_count(text)
    reason = _not_article_reason(words, len(text), meta.get("og:type"))
    description = (ld.description if ld else None) or meta.get("og:description") or meta.get("description") \
        or guesses.description
    return ExtractedPage(
        is_article=reason is None,
        reason=reason,
        url=url,
        canonical_url=pick_canonical(tree, meta, url, canonicals) or (ld.url if ld and ld.url and ld.url.startswith("http") else None),
        credited_url=credited_url,
        title=title,
        authors=authors,
        published=published,
        modified=modified,
        language=language,
        description=" ".join(description.split()) if description else None,
        text=text,
        word_count=words,
        provenance=provenance,
        extractor_version=extractor_version(rules),
    )

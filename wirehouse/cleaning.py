"""The clean stage's work on one page: extract a stored raw page and stage the result.

Used by the clean task (wirehouse/pipeline.py) and by re-extraction (wirehouse/reclean.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

import psycopg

from extract import CleaningRules, ExtractedPage, extract_article, warm_up
from wirehouse.queries import queries
from wirehouse.sources import Source
from wirehouse.urls import canonical_url, normalize
from wirehouse.workers import ForkedPool, InProcess, executor

Q = queries("stages")
CLEAN_BATCH = 100  # pages held in memory at once by clean and re-extraction
# PostgreSQL text cannot hold NUL, and UTF-8 cannot encode a lone surrogate; both reach an
# extracted page through escapes such as JSON-LD's "\u0000" or "\ud800".
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value):
    """value with NUL removed and lone surrogates replaced by U+FFFD (as undecodable bytes are),
    inside strings and lists of strings; anything else unchanged."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


@dataclass(frozen=True)
class RawPage:
    """A fetched page (raw.pages) as clean reads it."""
    page_id: int
    kind: str  # article | feed | sitemap | section
    url: str
    final_url: str
    status: int
    headers: dict
    body: bytes | None
    fetched_at: datetime

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "text/html")

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type.lower()

    @property
    def extractable(self) -> bool:
        """Whether the page goes to the extractor: an article page that came back as HTML, with a body
        (the others are recorded or rejected without being parsed)."""
        return self.kind == "article" and self.status == 200 and self.is_html and bool(self.body)


def cleaning_rules(source: Source | None) -> CleaningRules:
    """The extractor's rules for a source's pages (a source no longer in the sources file has none)."""
    return CleaningRules(drop_lines=source.drop_lines, language=source.language) if source else CleaningRules()


def extraction_pool(workers: int) -> InProcess | ForkedPool:
    """Where a clean extracts its pages: forked workers, after paying the extraction's one-off costs
    (``extract.warm_up``, ~2 s of CPU) once in this process: each worker of each pool would pay them
    otherwise, and where a run's tasks share a process (``airflow dags test``, hence ``wirehouse run``)
    each clean shard forks a pool."""
    return executor(workers, before_fork=warm_up)


def extract_raw(body, final_url, rules, content_type):
    """The extracted page, or why extraction failed (runs in a worker process)."""
    try:
        return extract_article(bytes(body), final_url, rules, encoding=_charset(content_type or ""))
    except Exception as exc:  # an extractor bug must become a reject, not a failed run
        return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Staged:
    """An extracted article page on its way to stage.articles: the raw page it came from, the fetch
    run that stored it, and its source's name."""
    run_id: int
    source: str
    raw: RawPage
    page: ExtractedPage


def stage_articles(cur, items: list[Staged]) -> dict[int, str]:
    """Write the pages to stage.articles, each replacing an older extraction of the same page (and
    dropping its fingerprint), all in one savepoint; if the database refuses that, page by page, each
    in its own. The pages refused: page id → why."""
    if not items:
        return {}
    try:
        with cur.connection.transaction():
            _write_staged(cur, items)
        return {}
    except (psycopg.DataError, UnicodeEncodeError):
        pass
    refused = {}
    for item in items:
        try:
            with cur.connection.transaction():
                _write_staged(cur, [item])
        except (psycopg.DataError, UnicodeEncodeError) as exc:
            refused[item.raw.page_id] = f"{type(exc).__name__}: {exc}"
    return refused


def _write_staged(cur, items: list[Staged]) -> None:
    cur.executemany(Q.stage_article, [_stage_row(item) for item in items])
    cur.execute(Q.drop_stale_fingerprints, {"pages": [item.raw.page_id for item in items]})


def _stage_row(item: Staged) -> dict:
    raw, page = item.raw, item.page
    return {
        "page_id": raw.page_id, "run_id": item.run_id, "source": item.source, "url": raw.url,
        "final_url": raw.final_url, "fetched_at": raw.fetched_at,
        "canonical_url": canonical_url(raw.final_url, storable(page.canonical_url)), "title": storable(page.title),
        "authors": storable(page.authors), "published_at": page.published, "modified_at": page.modified,
        "language": storable(page.language), "description": storable(page.description),
        "text": storable(page.text), "word_count": page.word_count,
        "provenance": json.dumps(page.provenance, sort_keys=True),
        "credited_url": normalize(page.credited_url) if page.credited_url else None,
        "extractor_version": page.extractor_version,
    }


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None

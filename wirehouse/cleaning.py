"""The clean stage's work on one page: extract a stored raw page and stage the result.

Used by the clean task (wirehouse/pipeline.py) and by re-extraction (wirehouse/reclean.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from extract import CleaningRules, extract_article, warm_up
from wirehouse.sources import Source
from wirehouse.urls import canonical_url, normalize
from wirehouse.workers import ForkedPool, InProcess, executor

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
    def extractable(self) -> bool:
        return self.kind == "article" and self.status == 200 and bool(self.body)


def cleaning_rules(source: Source | None) -> CleaningRules:
    """The extractor's rules for a source's pages (a source no longer in the sources file has none)."""
    return CleaningRules(drop_lines=source.drop_lines, language=source.language) if source else CleaningRules()


def extraction_pool(workers: int) -> InProcess | ForkedPool:
    """Where a clean extracts its pages: forked workers, after paying the extraction's one-off costs
    (``extract.warm_up``, ~3 s of CPU) once in this process: each worker of each pool would pay them
    otherwise, and where a run's tasks share a process (``airflow dags test``, hence ``wirehouse run``)
    each clean shard forks a pool."""
    return executor(workers, before_fork=warm_up)


def extract_raw(body, final_url, rules, content_type):
    """The extracted page, or why extraction failed (runs in a worker process)."""
    try:
        return extract_article(bytes(body), final_url, rules, encoding=_charset(content_type or ""))
    except Exception as exc:  # an extractor bug must become a reject, not a failed run
        return f"{type(exc).__name__}: {exc}"


def stage_article(cur, run_id, source_name, page_id, url, final_url, fetched_at, page) -> None:
    cur.execute(
        "insert into stage.articles (page_id, run_id, source, url, final_url, fetched_at, canonical_url,"
        " title, authors, published_at, modified_at, language, description, text, word_count, provenance,"
        " credited_url, extractor_version)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " on conflict (page_id) do update set canonical_url = excluded.canonical_url, title = excluded.title,"
        " authors = excluded.authors, published_at = excluded.published_at, modified_at = excluded.modified_at,"
        " language = excluded.language, description = excluded.description, text = excluded.text,"
        " word_count = excluded.word_count, provenance = excluded.provenance, credited_url = excluded.credited_url,"
        " extractor_version = excluded.extractor_version",
        (page_id, run_id, source_name, url, final_url, fetched_at,
         canonical_url(final_url, storable(page.canonical_url)), storable(page.title), storable(page.authors),
         page.published, page.modified, storable(page.language), storable(page.description),
         storable(page.text), page.word_count, json.dumps(page.provenance, sort_keys=True),
         normalize(page.credited_url) if page.credited_url else None, page.extractor_version),
    )
    # the fingerprint of an older extraction of the page: the fingerprint task computes it again
    cur.execute("delete from stage.fingerprints where page_id = %s", (page_id,))


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None

"""Re-extraction: stored raw pages through the current extractor, stored articles updated in place.

Each stored text records the extractor version that produced it (extract/version.py). A text the
current extractor would produce differently is re-extracted from its raw page and replaced in
warehouse.article_versions and, for an article's current version, in warehouse.articles and the
dedup index; every change is a row of ops.reextractions. Never a new version: that is the
publisher's doing, and a refetch is compared like with like. `load` re-extracts the stored text of
every article a refetched page meets whose version differs from the page's before it compares the
two (trigger 'refetch'); `wirehouse reclean` and the `wirehouse_reclean` DAG do it for whole
sources or periods (trigger 'reclean'). A page past raw retention can no longer be re-extracted:
its text stays, and a refetch that differs from it is a new version, as before versions were recorded.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import psycopg
from psycopg import sql

from extract import extractor_version
from wirehouse.cleaning import RawPage, Staged, cleaning_rules, extract_raw, extraction_pool, stage_articles
from wirehouse.config import settings
from wirehouse.db import connect
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.migrate import migrate
from wirehouse.queries import queries
from wirehouse.runs import Interval, recorded_run
from wirehouse.sources import Source, load_sources
from wirehouse.workers import worker_count

log = logging.getLogger(__name__)
Q = queries("reclean")
RECLEAN_BATCH = 500  # versions re-extracted and written per transaction


@dataclass(frozen=True)
class Target:
    """One stored version to re-extract from its raw page."""
    article_id: int
    version_no: int
    page_id: int
    latest: bool  # the article's current version: the article itself takes the new text


@dataclass(frozen=True)
class StoredPage:
    source: str
    run_id: int
    raw: RawPage


def versions_to_reclean(conn: psycopg.Connection, sources: Iterable[Source], since: datetime,
                        source: str | None = None) -> Iterator[list[Target]]:
    """Batches of the stored versions the current extractor would extract differently."""
    current = {s.name: extractor_version(cleaning_rules(s)) for s in sources}
    params = {"current_sources": list(current), "current_versions": list(current.values()),
              "default_version": extractor_version(cleaning_rules(None)), "since": since, "source": source,
              "limit": RECLEAN_BATCH, "after_article": 0, "after_version": 0}
    while batch := [Target(*row) for row in conn.execute(Q.versions_to_reclean, params)]:
        yield batch
        params.update(after_article=batch[-1].article_id, after_version=batch[-1].version_no)


def stale_known_articles(conn: psycopg.Connection, lookups: dict[int, Iterable[str]]) -> list[Target]:
    """The current versions of the articles these staged pages (page id → the URLs it may be known
    by) meet, whose text another extractor version produced than the page's."""
    pairs = [(url, page_id) for page_id, urls in lookups.items() for url in urls]
    return [Target(*row) for row in conn.execute(Q.stale_known_articles, {
        "urls": [u for u, _ in pairs], "pages": [p for _, p in pairs]})]


def reextract(conn: psycopg.Connection, targets: list[Target], sources: dict[str, Source], trigger: str,
              run_id: int | None = None, workers: int = 1) -> Counter[str]:
    """Re-extract the targets' raw pages and apply the new texts, in the caller's transaction.

    A page that no longer yields an article (or fails) keeps its stored text, and is counted."""
    counters: Counter[str] = Counter()
    by_page = {t.page_id: t for t in targets}
    stored = [StoredPage(r[0], r[1], RawPage(*r[2:]))
              for r in conn.execute(Q.stored_pages, {"pages": list(by_page)}, binary=True)]  # bytea as bytes
    counters["page_gone"] = len(by_page) - len(stored)
    staged = []
    with extraction_pool(workers) as pool:
        futures = [pool.submit(extract_raw, p.raw.body, p.raw.final_url, cleaning_rules(sources.get(p.source)),
                               p.raw.headers.get("content-type")) for p in stored]
        for page, future in zip(stored, futures):
            extracted = future.result()
            if isinstance(extracted, str) or not extracted.is_article:
                counters["kept" if not isinstance(extracted, str) else "failed"] += 1
                log.warning("page %s of article %s: %s; its stored text stays", page.raw.page_id,
                            by_page[page.raw.page_id].article_id,
                            extracted if isinstance(extracted, str) else f"no longer an article ({extracted.reason})")
                continue
            staged.append(Staged(page.run_id, page.source, page.raw, extracted))
    with conn.cursor() as cur:
        refused = stage_articles(cur, staged)  # a text the database refuses keeps the stored one
    for page_id, why in refused.items():
        counters["failed"] += 1
        log.warning("page %s of article %s: unstorable (%s); its stored text stays", page_id,
                    by_page[page_id].article_id, why)
    done = [by_page[s.raw.page_id] for s in staged if s.raw.page_id not in refused]
    if not done:
        return counters
    fingerprint_stage(conn, sorted({p.run_id for p in stored}))
    _fill_reextracted(conn, done)
    counters["changed"] = conn.execute(Q.insert_reextractions, {"run_id": run_id, "trigger": trigger}).rowcount
    for query in (Q.update_versions, Q.update_articles, Q.update_signatures, Q.delete_anchors, Q.insert_anchors):
        conn.execute(query)
    counters["reextracted"] = len(done)
    return counters


def _fill_reextracted(conn: psycopg.Connection, done: list[Target]) -> None:
    conn.execute("create temp table if not exists reextracted"
                 " (article_id bigint, version_no integer, page_id bigint, latest boolean) on commit drop")
    conn.execute("truncate reextracted")
    with conn.cursor().copy(sql.SQL("copy reextracted (article_id, version_no, page_id, latest) from stdin")) as copy:
        for t in done:
            copy.write_row((t.article_id, t.version_no, t.page_id, t.latest))


@dataclass(frozen=True)
class RecleanReport:
    since: datetime
    source: str | None
    extractor: str
    counters: dict[str, int]
    dry_run: bool

    def lines(self) -> list[str]:
        c = self.counters
        scope = f"source {self.source}" if self.source else "all sources"
        verb = "would change" if self.dry_run else "changed"
        out = [f"reclean with extractor {self.extractor}: pages fetched since {self.since:%Y-%m-%d}, {scope}",
               f"{c.get('versions', 0):,} stored versions from another extractor version; "
               f"{c.get('reextracted', 0):,} re-extracted, {verb} {c.get('changed', 0):,} "
               "(ops.reextractions); no new versions"]
        if c.get("kept") or c.get("failed"):
            out.append(f"{c.get('kept', 0):,} no longer extract as articles and {c.get('failed', 0):,} failed: "
                       "their stored texts stay (see the log)")
        if c.get("page_gone"):
            out.append(f"{c['page_gone']:,} raw pages are gone (past raw retention): their texts stay")
        return out


def reclean(conn: psycopg.Connection, sources: list[Source], since: datetime, source: str | None = None,
            run_id: int | None = None, dry_run: bool = False, workers: int = 1) -> RecleanReport:
    """Re-extract every stored version fetched since `since` (of `source`) that the current extractor
    would extract differently, RECLEAN_BATCH per transaction under the load's lock. `conn` is in
    autocommit mode; a dry run re-extracts each batch and rolls it back."""
    from wirehouse.loading import LOCK_KEY  # here: the load imports this module

    if source is not None and source not in {s.name for s in sources}:
        log.warning("%s is not in the sources file: its pages are re-extracted without source rules", source)
    by_name = {s.name: s for s in sources}
    counters: Counter[str] = Counter()
    for batch in versions_to_reclean(conn, sources, since, source):
        counters["versions"] += len(batch)
        with conn.transaction() as tx:
            conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            counters.update(reextract(conn, batch, by_name, "reclean", run_id, workers))
            if dry_run:
                raise psycopg.Rollback(tx)
        log.info("reclean: %s", dict(counters))
    return RecleanReport(since, source, extractor_version(cleaning_rules(None)), dict(counters), dry_run)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def run_reclean(until: datetime, since: datetime | None = None, source: str | None = None, dry_run: bool = False,
                dag_id: str | None = None, dag_run_id: str | None = None) -> RecleanReport:
    """`wirehouse reclean` and the wirehouse_reclean DAG: migrate, then reclean as an ops.runs row
    (task 'reclean', interval [since, until)) whose counters say what changed."""
    since = since or EPOCH
    if since > until:
        raise ValueError(f"--since {since:%Y-%m-%d} is after {until:%Y-%m-%d}")
    sources = load_sources(settings().sources_file)
    with connect(autocommit=True) as conn:
        migrate(conn)
        with recorded_run(conn, "reclean", Interval(since, until), source, dag_id, dag_run_id) as run:
            report = reclean(conn, sources, since, source, run.run_id, dry_run, worker_count())
            run.counters.update(report.counters, dry_run=dry_run)
    return report

"""What a batch of staged pages may meet in the warehouse, read in a few set-based queries."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import psycopg

from dedup.fingerprints import Fingerprint
from dedup.matching import MIN_SHARED_ANCHORS, MIN_SHARED_WHOLE
from dedup.originals import UNRANKED, Origin
from dedup.records import Known, KnownArticle, KnownCopy, StagedPage
from dedup.resolve import url_forms
from dedup.stories import WINDOW as STORY_WINDOW, StoryIndex, StoryMember, idf_weights
from wirehouse.queries import queries

Q = queries("dedup")
STORY_IDF_ARTICLES = 10_000  # document frequencies of story terms: over the last this many articles seen


def staged_pages(conn: psycopg.Connection, page_ids: list[int]) -> list[StagedPage]:
    return [StagedPage(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                       Fingerprint(r[9], r[10], r[11], r[12], r[13], r[14]))
            for r in conn.execute(Q.staged_pages, {"pages": page_ids})]


def _shifted(when: datetime, delta: timedelta) -> datetime:
    """when + delta, held at the ends of the datetime range."""
    try:
        return when + delta
    except OverflowError:
        return (datetime.min if delta < timedelta(0) else datetime.max).replace(tzinfo=timezone.utc)


def prefetch(conn: psycopg.Connection, pages: list[StagedPage], window_start: datetime,
             ranks: dict[str, int]) -> Known:
    forms = {p.page_id: url_forms(p.url, p.final_url, p.canonical_url) for p in pages}
    urls = sorted({u for _, lookup in forms.values() for u in lookup})
    copy_urls = dict(conn.execute(Q.known_copy_urls, {"urls": urls}).fetchall())
    article_urls = dict(conn.execute(Q.known_article_urls, {"urls": urls}).fetchall())
    ids = set(copy_urls.values()) | set(article_urls.values())
    ids |= {i for (i,) in conn.execute(Q.exact_matches, {
        "content": sorted({p.fingerprint.content_hash for p in pages}),
        "body": sorted({p.fingerprint.body_hash for p in pages})})}
    candidates, copy_candidates = _anchor_candidates(conn, pages, window_start)
    ids |= {a for found in candidates.values() for a, _ in found}
    matched_copies = sorted({u for found in copy_candidates.values() for u, _ in found} | set(copy_urls))
    copies = {r[0]: KnownCopy(r[0], r[1], r[2], frozenset(r[3])) for r in conn.execute(
        Q.known_copies, {"urls": matched_copies, "ids": sorted(ids)})}
    ids |= {c.article_id for c in copies.values()}
    articles = {}
    for (article_id, source, canonical, content_hash, body_hash, origin_at, first_seen, credited,
         anchors) in conn.execute(Q.known_articles, {"ids": sorted(ids)}):
        origin = Origin(origin_at, first_seen, ranks.get(source, UNRANKED), canonical, frozenset([canonical]),
                        credited)
        articles[article_id] = KnownArticle(article_id, source, content_hash, body_hash, frozenset(anchors), origin)
    credited = frozenset(u for (u,) in conn.execute(Q.crediting, {"urls": urls}))
    stories, idf = _stories(conn, pages)
    return Known(copy_urls=copy_urls, article_urls=article_urls, articles=articles, copies=copies,
                 candidates=candidates, copy_candidates=copy_candidates, credited_urls=credited,
                 stories=stories, idf=idf)


def _anchor_candidates(conn: psycopg.Connection, pages: list[StagedPage], window_start: datetime):
    """The batch's anchors, each looked up in the anchors index, against every article and copy in the window."""
    conn.execute("create temp table if not exists batch_anchors (page_id bigint, anchor bigint, anchor_count integer)"
                 " on commit drop")
    conn.execute("truncate batch_anchors")
    conn.execute(Q.fill_batch_anchors, {"pages": [p.page_id for p in pages]})
    conn.execute("analyze batch_anchors")
    params = {"window_start": window_start, "min_shared": MIN_SHARED_ANCHORS, "min_whole": MIN_SHARED_WHOLE}
    candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for page_id, article_id, shared in conn.execute(Q.anchor_candidates, params):
        candidates[page_id].append((article_id, shared))
    copy_candidates: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for page_id, url, shared in conn.execute(Q.copy_anchor_candidates, params):
        copy_candidates[page_id].append((url, shared))
    return ({k: tuple(v) for k, v in candidates.items()}, {k: tuple(v) for k, v in copy_candidates.items()})


def _stories(conn: psycopg.Connection, pages: list[StagedPage]) -> tuple[tuple[StoryMember, ...], dict[str, float]]:
    """The story members a batch can join (every member, first seen within the window of the batch,
    of each story with such an article sharing a key term with the batch: dedup.stories.StoryIndex.keys)
    and the idf of their terms and the batch's over the last STORY_IDF_ARTICLES articles and the batch."""
    terms = sorted({t for p in pages for t in p.fingerprint.story_terms})
    if not pages or not terms:
        return (), {}
    seen = [p.fetched_at for p in pages]
    sample = {"before": min(seen), "sample": STORY_IDF_ARTICLES}
    total, = conn.execute(Q.story_documents, sample).fetchone()
    total += len(pages)
    df = dict(conn.execute(Q.story_document_frequency, {**sample, "terms": terms}).fetchall())
    for p in pages:
        for t in set(p.fingerprint.story_terms):
            df[t] = df.get(t, 0) + 1
    keys = StoryIndex(idf_weights(terms, df, total)).keys(terms)
    members = tuple(StoryMember(r[0], r[1], frozenset(r[2]), r[3], r[4]) for r in conn.execute(
        Q.story_members, {"terms": keys, "start": _shifted(min(seen), -STORY_WINDOW),
                          "end": _shifted(max(seen), STORY_WINDOW)}))
    more = sorted({t for m in members for t in m.terms} - set(terms))
    if more:
        df.update(conn.execute(Q.story_document_frequency, {**sample, "terms": more}).fetchall())
    return members, idf_weights(sorted(set(terms) | set(more)), df, total)

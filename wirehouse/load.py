"""Merge an interval's extracted articles into warehouse.* (called inside one transaction).

Each page is resolved, in order of publication, against everything already loaded:
  1. a URL known as a copy           -> copy (again)
  2. a URL known for an article      -> unchanged, or a new version if the text changed
  3. the same normalised text        -> same outlet: the same article under another URL;
                                        another outlet: an exact copy
  4. a near-duplicate (MinHash LSH)  -> same outlet: a new version; another outlet: a near
                                        or partial (contained) copy
  5. otherwise                       -> a new article
The original of a copy is the earliest published, ties broken by source rank; when an
original arrives after its copy, the copy's article row is turned into a copy row.
Timestamps come from the run's data interval, never the clock, so reruns are identical.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg.rows import dict_row

from extract.fingerprints import containment, jaccard, story_terms
from wirehouse.config import settings
from wirehouse.runs import Interval

LOCK_KEY = 0x77686C64  # "whld": loads are serialised so concurrent runs see each other's rows
NEAR_JACCARD = 0.8
PARTIAL_CONTAINMENT = 0.8
MIN_SHINGLES_FOR_PARTIAL = 30
STORY_WINDOW = timedelta(days=1)
STORY_MIN_SHARED_TERMS = 3
STORY_MIN_OVERLAP = 0.3  # shared names / names of the article with fewer
FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Match:
    article_id: int
    kind: str  # exact | near | partial
    similarity: float
    same_source: bool
    published_at: datetime | None
    source: str


class Loader:
    def __init__(self, conn: psycopg.Connection, interval: Interval, ranks: dict[str, int]):
        self.conn = conn
        self.cur = conn.cursor(row_factory=dict_row)
        self.seen_at = interval.end
        self.ranks = ranks
        self.window_start = interval.start - timedelta(days=settings().lookback_days)

    def order_key(self, published_at: datetime | None, source: str) -> tuple:
        return (published_at or FAR_FUTURE, self.ranks.get(source, 1_000_000))

    def one(self, query: str, params: tuple) -> dict | None:
        return self.cur.execute(query, params).fetchone()

    # -- resolution ----------------------------------------------------------------

    def resolve(self, page: dict) -> tuple[str, int, str | None]:
        urls = sorted({page["url"], page["final_url"], page["canonical_url"]})
        copy = self.one("select article_id from warehouse.article_copies where url = any(%s) limit 1", (urls,))
        if copy:
            self.map_urls(urls, page, copy["article_id"])
            self.conn.execute(
                "update warehouse.article_copies set last_seen_at = greatest(last_seen_at, %s) where url = any(%s)",
                (self.seen_at, urls))
            return "copy", copy["article_id"], "known copy URL"
        known = self.one(
            "select a.article_id, a.content_hash from warehouse.article_urls u"
            " join warehouse.articles a using (article_id) where u.url = any(%s) limit 1", (urls,))
        if known:
            return self.same_article(page, urls, known["article_id"], known["content_hash"])
        match = self.exact_match(page) or self.near_match(page)
        if match is None:
            return "new", self.insert_article(page, urls), None
        if match.same_source:
            existing = self.one("select content_hash from warehouse.articles where article_id = %s",
                                (match.article_id,))
            return self.same_article(page, urls, match.article_id, existing["content_hash"])
        if self.order_key(page["published_at"], page["source"]) < self.order_key(match.published_at, match.source):
            article_id = self.insert_article(page, urls)
            self.demote_to_copy(match, article_id)
            return "new", article_id, f"original of article {match.article_id}, now a copy"
        self.insert_copy(page, urls, match)
        return "copy", match.article_id, f"{match.kind} copy, similarity {match.similarity:.2f}"

    def exact_match(self, page: dict) -> Match | None:
        row = self.one(
            "select article_id, source, published_at from warehouse.articles"
            " where content_hash = %s and coalesce(published_at, first_seen_at) >= %s"
            " order by published_at nulls last, article_id limit 1",
            (page["content_hash"], self.window_start))
        if row is None:
            return None
        return Match(row["article_id"], "exact", 1.0, row["source"] == page["source"], row["published_at"], row["source"])

    def near_match(self, page: dict) -> Match | None:
        candidates = self.cur.execute(
            "select s.article_id, s.minhash, s.shingle_count, s.source, s.published_at from dedup.signatures s"
            " where s.article_id in (select b.article_id from dedup.bands b where b.band_key = any(%s))"
            " and coalesce(s.published_at, %s) >= %s",
            (page["band_keys"], self.seen_at, self.window_start)).fetchall()
        best: Match | None = None
        for c in candidates:
            similarity = jaccard(page["minhash"], c["minhash"])
            contained = containment(similarity, page["shingle_count"], c["shingle_count"])
            if similarity >= NEAR_JACCARD:
                kind, score = "near", similarity
            elif contained >= PARTIAL_CONTAINMENT and min(page["shingle_count"], c["shingle_count"]) >= MIN_SHINGLES_FOR_PARTIAL:
                kind, score = "partial", contained
            else:
                continue
            if best is None or score > best.similarity:
                best = Match(c["article_id"], kind, score, c["source"] == page["source"], c["published_at"], c["source"])
        return best

    # -- writes --------------------------------------------------------------------

    def same_article(self, page: dict, urls: list[str], article_id: int, current_hash: str) -> tuple[str, int, str | None]:
        self.map_urls(urls, page, article_id)
        self.conn.execute(
            "update warehouse.articles set last_seen_at = greatest(last_seen_at, %s) where article_id = %s",
            (self.seen_at, article_id))
        if current_hash == page["content_hash"]:
            return "unchanged", article_id, None
        self.add_version(page, article_id)
        return "version", article_id, None

    def insert_article(self, page: dict, urls: list[str]) -> int:
        article_id = self.one(
            "insert into warehouse.articles (source, canonical_url, title, authors, published_at, modified_at,"
            " language, description, text, word_count, content_hash, first_seen_at, last_seen_at, provenance,"
            " search_config) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " coalesce((select config from warehouse.language_configs where language = %s), 'simple'))"
            " returning article_id",
            (page["source"], page["canonical_url"], page["title"], page["authors"], page["published_at"],
             page["modified_at"], page["language"], page["description"], page["text"], page["word_count"],
             page["content_hash"], self.seen_at, self.seen_at, psycopg.types.json.Jsonb(page["provenance"]),
             page["language"]))["article_id"]
        self.insert_version(page, article_id, 1)
        self.store_signature(page, article_id)
        self.map_urls(urls, page, article_id)
        self.assign_story(page, article_id)
        return article_id

    def assign_story(self, page: dict, article_id: int) -> None:
        """Join the story of another outlet's article on the same event (most shared names), else start one."""
        terms = set(story_terms(page["text"]))
        when = page["published_at"] or self.seen_at
        candidates = self.cur.execute(
            "select a.story_id, s.story_terms from dedup.signatures s join warehouse.articles a using (article_id)"
            " where s.source <> %s and a.story_id is not null and s.story_terms && %s"
            " and coalesce(s.published_at, a.first_seen_at) between %s and %s",
            (page["source"], sorted(terms), when - STORY_WINDOW, when + STORY_WINDOW)).fetchall()
        best, best_score = article_id, 0.0
        for c in candidates:
            shared = len(terms & set(c["story_terms"]))
            score = shared / max(1, min(len(terms), len(c["story_terms"])))
            if shared >= STORY_MIN_SHARED_TERMS and score >= STORY_MIN_OVERLAP and score > best_score:
                best, best_score = c["story_id"], score
        self.conn.execute("update warehouse.articles set story_id = %s where article_id = %s", (best, article_id))

    def add_version(self, page: dict, article_id: int) -> None:
        version = self.one(
            "update warehouse.articles set title = %s, authors = %s, modified_at = %s, description = %s,"
            " text = %s, word_count = %s, content_hash = %s, provenance = %s, version_count = version_count + 1"
            " where article_id = %s returning version_count",
            (page["title"], page["authors"], page["modified_at"], page["description"], page["text"],
             page["word_count"], page["content_hash"], psycopg.types.json.Jsonb(page["provenance"]),
             article_id))["version_count"]
        self.insert_version(page, article_id, version)
        self.conn.execute("delete from dedup.bands where article_id = %s", (article_id,))
        self.conn.execute("delete from dedup.signatures where article_id = %s", (article_id,))
        self.store_signature(page, article_id)

    def insert_version(self, page: dict, article_id: int, version_no: int) -> None:
        self.conn.execute(
            "insert into warehouse.article_versions (article_id, version_no, fetched_at, content_hash, title, text,"
            " page_id) values (%s, %s, %s, %s, %s, %s, %s)",
            (article_id, version_no, page["fetched_at"], page["content_hash"], page["title"], page["text"],
             page["page_id"]))

    def store_signature(self, page: dict, article_id: int) -> None:
        terms = story_terms(page["text"])
        self.conn.execute(
            "insert into dedup.signatures (article_id, minhash, shingle_count, published_at, source, story_terms)"
            " values (%s, %s, %s, %s, %s, %s)",
            (article_id, page["minhash"], page["shingle_count"], page["published_at"], page["source"], terms))
        self.conn.execute(
            "insert into dedup.bands (band_key, article_id) select distinct k, %s from unnest(%s::bigint[]) k",
            (article_id, page["band_keys"]))

    def map_urls(self, urls: list[str], page: dict, article_id: int) -> None:
        for url in urls:
            self.conn.execute(
                "insert into warehouse.article_urls (url, canonical_url, article_id, source, first_seen_at,"
                " last_seen_at) values (%s, %s, %s, %s, %s, %s) on conflict (url) do update set"
                " article_id = excluded.article_id,"
                " first_seen_at = least(warehouse.article_urls.first_seen_at, excluded.first_seen_at),"
                " last_seen_at = greatest(warehouse.article_urls.last_seen_at, excluded.last_seen_at)",
                (url, page["canonical_url"], article_id, page["source"], self.seen_at, self.seen_at))

    def insert_copy(self, page: dict, urls: list[str], match: Match) -> None:
        self.conn.execute(
            "insert into warehouse.article_copies (url, canonical_url, source, article_id, kind, similarity, title,"
            " published_at, first_seen_at, last_seen_at) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " on conflict (url) do update set last_seen_at = greatest(warehouse.article_copies.last_seen_at,"
            " excluded.last_seen_at)",
            (page["canonical_url"], page["canonical_url"], page["source"], match.article_id, match.kind,
             round(match.similarity, 4), page["title"], page["published_at"], self.seen_at, self.seen_at))
        self.map_urls(urls, page, match.article_id)

    def demote_to_copy(self, match: Match, original_id: int) -> None:
        """The article `match` points at turned out to copy `original_id`: make it a copy row."""
        old = match.article_id
        self.conn.execute(
            "insert into warehouse.article_copies (url, canonical_url, source, article_id, kind, similarity, title,"
            " published_at, first_seen_at, last_seen_at)"
            " select canonical_url, canonical_url, source, %s, %s, %s, title, published_at, first_seen_at,"
            " last_seen_at from warehouse.articles where article_id = %s",
            (original_id, match.kind, round(match.similarity, 4), old))
        for table in ("warehouse.article_urls", "warehouse.article_copies", "ops.page_outcomes"):
            self.conn.execute(f"update {table} set article_id = %s where article_id = %s", (original_id, old))
        self.conn.execute("delete from warehouse.articles where article_id = %s", (old,))


def load_interval(conn: psycopg.Connection, fetch_runs: list[int], interval: Interval, ranks: dict[str, int]) -> dict:
    conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    loader = Loader(conn, interval, ranks)
    pages = loader.cur.execute(
        "select * from stage.articles s where s.run_id = any(%s)"
        " and not exists (select 1 from ops.page_outcomes o where o.page_id = s.page_id)",
        (fetch_runs,)).fetchall()
    unfingerprinted = [p["page_id"] for p in pages if p["content_hash"] is None]
    if unfingerprinted:
        raise RuntimeError(f"{len(unfingerprinted)} pages have no fingerprint yet; run dedup first")
    pages.sort(key=lambda p: (*loader.order_key(p["published_at"], p["source"]), p["page_id"]))
    counters: Counter[str] = Counter()
    for page in pages:
        outcome, article_id, detail = loader.resolve(page)
        conn.execute(
            "insert into ops.page_outcomes (page_id, run_id, source, url, outcome, article_id, detail)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            (page["page_id"], page["run_id"], page["source"], page["url"], outcome, article_id, detail))
        counters[outcome] += 1
    return dict(counters)

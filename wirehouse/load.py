"""Merge an interval's extracted articles into warehouse.* (called inside one transaction).

Each page is resolved, in order of publication, against everything already loaded inside
the look-back window (WIREHOUSE_DEDUP_LOOKBACK_DAYS) and the pages before it in the batch:
  1. a URL known as a copy           -> copy (again)
  2. a URL known for an article      -> unchanged, or a new version if the text changed
  3. the same normalised text or     -> same outlet: the same article under another URL;
     the same body (text without        another outlet: an exact copy
     the outlet's boilerplate lines)
  4. shared anchors (sampled body    -> same outlet and resemblance >= VERSION_RESEMBLANCE: the
     shingles, extract/fingerprints)    same article (a new version); another outlet:
                                        resemblance >= NEAR_RESEMBLANCE: a near copy, else the
                                        shorter text contained >= PARTIAL_CONTAINMENT: partial
  5. otherwise                       -> a new article, assigned a story by dedup/stories.py
                                        (idf-weighted terms of title and lead, average cosine to
                                        a story's articles within stories.WINDOW)
Copies form clusters: a page that matches an article, or a copy of one, belongs with that
article, and a page that matches several articles joins them into one. The original of a
cluster is its earliest published page, ties broken by source rank: when it arrives after its
copies, their article row is turned into a copy row. Every copy's kind and similarity are
measured against the original itself. So the warehouse does not depend on the order pages
arrive in (tests/test_fuzz.py).

The work is set-based: one query per kind of lookup for the whole batch (known URLs, equal
hashes, and indexed joins of the batch's anchors against dedup.anchors and dedup.copy_anchors
that count shared anchors per pair), then the decisions in publication order in Python, then
bulk writes. Pages earlier in the batch are matched through a small index of the batch itself.
Timestamps come from the run's data interval, never the clock, so reruns are identical.
"""
from __future__ import annotations

import functools
import logging
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from dedup import stories
from extract.fingerprints import containment, fingerprint, line_hash, line_words, resemblance
from wirehouse.config import settings
from wirehouse.runs import Interval
from wirehouse.urls import normalize, variants

log = logging.getLogger(__name__)

LOCK_KEY = 0x77686C64  # "whld": loads are serialised so concurrent runs see each other's rows
NEAR_RESEMBLANCE = 0.7  # shared anchors / anchors of either: an edited copy
VERSION_RESEMBLANCE = 0.8  # same outlet, another URL: the same article only when this close
PARTIAL_CONTAINMENT = 0.8  # shared anchors / anchors of the shorter text: a truncated copy
MIN_SHARED_ANCHORS = 4  # ~32 shared 5-word shingles: less is a quote or a stock phrase
BOILERPLATE_MIN_PAGES = 3  # a line in this many pages (distinct URLs) of one source is its boilerplate
FINGERPRINT_BATCH = 200  # pages held in memory at once while fingerprinting
LOAD_CHUNK = 5000  # pages held in memory at once while loading (with their texts and anchors)
FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)
# the stage.articles columns fingerprint_stage fills, emptied when they no longer fit the text
FORGET_FINGERPRINT = ("content_hash = null, body_hash = null, anchors = null, shingle_count = null,"
                      " line_hashes = null, story_terms = null")


def classify(shared: int, size_a: int, size_b: int, same_body: bool = False) -> tuple[str, float] | None:
    """The kind of copy two texts of different outlets are, with its similarity, or None."""
    if same_body:
        return "exact", 1.0
    if shared < MIN_SHARED_ANCHORS:
        return None
    if (jac := resemblance(shared, size_a, size_b)) >= NEAR_RESEMBLANCE:
        return "near", jac
    if (con := containment(shared, size_a, size_b)) >= PARTIAL_CONTAINMENT:
        return "partial", con
    return None


def relation(shared: int, size_a: int, size_b: int, same_body: bool = False) -> tuple[str, float]:
    """How a copy relates to its original: `classify`'s kind when the two match; a copy that does
    not match its original itself (it joined the cluster through another copy) gets the nearer of
    the two measures to its threshold, and a similarity under that threshold."""
    if scored := classify(shared, size_a, size_b, same_body):
        return scored
    jac, con = resemblance(shared, size_a, size_b), containment(shared, size_a, size_b)
    return ("near", jac) if jac / NEAR_RESEMBLANCE >= con / PARTIAL_CONTAINMENT else ("partial", con)


def publication_order(published_at: datetime | None, source: str, ranks: dict[str, int]) -> tuple:
    """The earliest published first, ties broken by the source's rank."""
    return (published_at or FAR_FUTURE, ranks.get(source, 1_000_000))


def _shifted(when: datetime, delta: timedelta) -> datetime:
    """when + delta, held at the ends of the datetime range (a page may say it was published in year 1)."""
    try:
        return when + delta
    except OverflowError:
        return datetime.min.replace(tzinfo=timezone.utc) if delta < timedelta(0) else FAR_FUTURE


@dataclass
class Known:
    """What resolution needs to know about an article."""
    article_id: int
    source: str
    published_at: datetime | None
    content_hash: str
    body_hash: str | None = None
    anchor_count: int = 0


@dataclass(frozen=True)
class Match:
    article_id: int
    kind: str  # exact | near | partial
    similarity: float
    same_source: bool


@dataclass(frozen=True)
class CopyMember:
    """A copy the batch may match: a page matching it belongs with its article."""
    url: str
    article_id: int
    anchor_count: int


@dataclass
class Buffers:
    signatures: list[tuple] = field(default_factory=list)
    anchors: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    urls: dict[str, tuple] = field(default_factory=dict)
    copies: dict[str, tuple] = field(default_factory=dict)
    copy_signatures: dict[str, tuple] = field(default_factory=dict)
    copy_seen: set[str] = field(default_factory=set)
    article_seen: set[int] = field(default_factory=set)
    outcomes: list[tuple] = field(default_factory=list)
    lines: Counter = field(default_factory=Counter)


class Loader:
    def __init__(self, conn: psycopg.Connection, interval: Interval, ranks: dict[str, int]):
        self.conn = conn
        self.cur = conn.cursor(row_factory=dict_row)
        self.seen_at = interval.end
        self.ranks = ranks
        self.window_start = interval.start - timedelta(days=settings().lookback_days)
        self.buf = Buffers()
        self.configs = dict(conn.execute("select language, config::text from warehouse.language_configs").fetchall())
        # what is known, from the database (prefetched for the batch) and from the batch so far
        self.copy_urls: dict[str, int] = {}
        self.article_urls: dict[str, int] = {}
        self.known: dict[int, Known] = {}
        self.by_content: dict[str, set[int]] = defaultdict(set)
        self.by_body: dict[str, set[int]] = defaultdict(set)
        self.candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)  # page_id -> (article_id, shared)
        self.copy_candidates: dict[int, list[tuple[str, int]]] = defaultdict(list)  # page_id -> (copy url, shared)
        self.copy_members: dict[str, CopyMember] = {}
        self.batch_copy_anchors: dict[int, list[str]] = defaultdict(list)  # anchor -> copies of this batch
        self.db_anchors: dict[int, frozenset[int]] = {}  # anchors of loaded articles, read when needed
        self.batch_anchors: dict[int, list[int]] = defaultdict(list)  # anchor -> articles of this batch
        self.batch_ids: set[int] = set()  # articles whose anchors are in batch_anchors, not the prefetch
        self.batch_anchor_lists: dict[int, list[int]] = {}
        self.new_ids: list[int] = []
        self.write_seconds = 0.0  # time spent writing, for the benchmark
        self.article_stream: ExitStack | None = None  # an open COPY of articles: see stream_article
        self.article_copy: psycopg.Copy | None = None
        self.gone: dict[int, int] = {}  # article demoted in this batch -> its original
        self.story_assigner = stories.StoryAssigner(stories.DocumentFrequencies({}, 0))

    def order_key(self, published_at: datetime | None, source: str) -> tuple:
        return publication_order(published_at, source, self.ranks)

    # -- prefetch: a few set-based queries for the whole batch --------------------------

    def prefetch(self, pages: list[dict]) -> None:
        urls = sorted({v for p in pages for v in self._urls(p["url"], p["final_url"], p["canonical_url"])[1]})
        self.copy_urls = dict(self.conn.execute(
            "select url, article_id from warehouse.article_copies where url = any(%s)", (urls,)).fetchall())
        rows = self.cur.execute(
            "select u.url, a.article_id, a.source, a.published_at, a.content_hash from warehouse.article_urls u"
            " join warehouse.articles a using (article_id) where u.url = any(%s)", (urls,)).fetchall()
        for r in rows:
            self.article_urls[r["url"]] = r["article_id"]
            self.known.setdefault(r["article_id"], Known(r["article_id"], r["source"], r["published_at"],
                                                        r["content_hash"]))
        rows = self.cur.execute(
            "select a.article_id, a.source, a.published_at, a.content_hash, s.body_hash, s.anchor_count"
            " from warehouse.articles a join dedup.signatures s using (article_id)"
            " where (a.content_hash = any(%s) or s.body_hash = any(%s)) and s.window_at >= %s",
            (sorted({p["content_hash"] for p in pages}), sorted({p["body_hash"] for p in pages}),
             self.window_start)).fetchall()
        for r in rows:
            self.remember(Known(**r))
        self.prefetch_candidates(pages)
        self.prefetch_stories(pages)
        # ids for the articles the batch may create, in one round trip (unused ones are a gap)
        self.new_ids = [r[0] for r in self.conn.execute(
            "select nextval(pg_get_serial_sequence('warehouse.articles', 'article_id'))"
            " from generate_series(1, %s) order by 1 desc", (len(pages),))]

    def prefetch_candidates(self, pages: list[dict]) -> None:
        """One indexed join of the batch's anchors against every article in the window."""
        self.conn.execute("create temp table if not exists load_anchors (page_id bigint, anchor bigint)"
                          " on commit drop")
        self.conn.execute("truncate load_anchors")
        with self.cur.copy("copy load_anchors (page_id, anchor) from stdin") as copy:
            copy.write("".join(f"{p['page_id']}\t{a}\n" for p in pages for a in p["anchors"]))
        self.conn.execute("analyze load_anchors")
        rows = self.cur.execute(
            "with hits as (select b.page_id, a.article_id, count(*) as shared from load_anchors b"
            "   join dedup.anchors a on a.anchor = b.anchor group by 1, 2 having count(*) >= %s)"
            " select h.page_id, h.shared, s.article_id, s.source, s.published_at, s.body_hash, s.anchor_count,"
            "  a.content_hash from hits h join dedup.signatures s using (article_id)"
            "  join warehouse.articles a using (article_id) where s.window_at >= %s",
            (MIN_SHARED_ANCHORS, self.window_start)).fetchall()
        for r in rows:
            self.candidates[r.pop("page_id")].append((r["article_id"], r.pop("shared")))
            self.remember(Known(**r))
        rows = self.cur.execute(
            "with hits as (select b.page_id, c.url, count(*) as shared from load_anchors b"
            "   join dedup.copy_anchors c on c.anchor = b.anchor group by 1, 2 having count(*) >= %s)"
            " select h.page_id, h.shared, h.url, cardinality(cs.anchors) as copy_anchor_count, s.article_id,"
            "  s.source, s.published_at, s.body_hash, s.anchor_count, a.content_hash from hits h"
            "  join warehouse.article_copies c using (url) join dedup.copy_signatures cs using (url)"
            "  join dedup.signatures s on s.article_id = c.article_id"
            "  join warehouse.articles a on a.article_id = c.article_id where s.window_at >= %s",
            (MIN_SHARED_ANCHORS, self.window_start)).fetchall()
        for r in rows:
            url = r.pop("url")
            self.copy_candidates[r.pop("page_id")].append((url, r.pop("shared")))
            self.copy_members[url] = CopyMember(url, r["article_id"], r.pop("copy_anchor_count"))
            self.remember(Known(**r))

    # -- stories: the DB side of dedup/stories.py (to be ported into the dedup stage) ----------

    def prefetch_stories(self, pages: list[dict]) -> None:
        """The articles within stories.WINDOW of the batch that share a term with it, the other
        articles of their stories in that window, and the document frequencies of the terms over
        the look-back window and this batch."""
        whens = [p["published_at"] or self.seen_at for p in pages]
        terms = sorted({t for p in pages for t in p["story_terms"] or ()})
        if not pages or not terms:
            return
        low, high = _shifted(min(whens), -stories.WINDOW), _shifted(max(whens), stories.WINDOW)
        rows = self.cur.execute(
            "with near as (select s.article_id, a.story_id, s.story_terms, s.source, s.window_at"
            "   from dedup.signatures s join warehouse.articles a using (article_id)"
            "   where a.story_id is not null and s.window_at between %s and %s)"
            " select * from near where story_id in (select story_id from near where story_terms && %s::text[])",
            (low, high, terms)).fetchall()
        known = sorted(set(terms) | {t for r in rows for t in r["story_terms"]})
        total, = self.conn.execute("select count(*) from dedup.signatures where window_at >= %s",
                                   (self.window_start,)).fetchone()
        df = Counter(dict(self.conn.execute(
            "select t, count(*) from dedup.signatures s cross join unnest(s.story_terms) t"
            " where s.window_at >= %s and t = any(%s) group by t", (self.window_start, known)).fetchall()))
        df.update(t for p in pages for t in set(p["story_terms"] or ()))
        self.story_assigner = stories.StoryAssigner(stories.DocumentFrequencies(dict(df), total + len(pages)))
        for r in rows:
            self.story_assigner.add(stories.StoryRecord(r["article_id"], r["story_id"], frozenset(r["story_terms"]),
                                                        r["source"], r["window_at"]))

    def assign_story(self, page: dict, article_id: int) -> int:
        """The story of a new article (dedup/stories.py); articles made copies in this batch no longer count."""
        for gone in self.gone:
            self.story_assigner.forget(gone)
        return self.story_assigner.assign(stories.StoryRecord(
            article_id, None, frozenset(page["story_terms"] or ()), page["source"],
            page["published_at"] or self.seen_at))

    def remember(self, known: Known) -> None:
        if known.article_id in self.batch_ids or known.article_id in self.gone:
            return
        self.known[known.article_id] = known
        self.by_content[known.content_hash].add(known.article_id)
        if known.body_hash:
            self.by_body[known.body_hash].add(known.article_id)

    # -- resolution ----------------------------------------------------------------

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def _urls(url: str, final_url: str, canonical: str) -> tuple[list[str], list[str]]:
        urls = {url, final_url, canonical}
        urls |= {normalize(u) for u in urls - {canonical}}  # the canonical URL was normalised by clean
        urls = sorted(urls)
        return urls, sorted({v for u in urls for v in variants(u)})

    @staticmethod
    def urls_of(page: dict) -> list[str]:
        """The URLs a page is known by: as fetched, redirected to, canonical, and their normal forms."""
        return Loader._urls(page["url"], page["final_url"], page["canonical_url"])[0]

    def resolve(self, page: dict) -> tuple[str, int, str | None]:
        urls, lookup = self._urls(page["url"], page["final_url"], page["canonical_url"])
        copy_of = next((self.copy_urls[u] for u in lookup if u in self.copy_urls), None)
        if copy_of is not None:
            copy_of = self.alive(copy_of)
            self.map_urls(urls, page, copy_of)
            self.buf.copy_seen.update(u for u in lookup if u in self.copy_urls)
            return "copy", copy_of, "known copy URL"
        known = next((self.article_urls[u] for u in lookup if u in self.article_urls), None)
        if known is not None:
            return self.same_article(page, urls, self.alive(known))
        shared = self.shared_anchors(page)
        matches = self.exact_matches(page) + self.near_matches(page, shared)
        if matches and matches[0].same_source:
            return self.same_article(page, urls, matches[0].article_id)
        # every article the page matches, or matches a copy of, is one article with it: the
        # earliest published is the original, whatever order the pages arrived in
        originals = {m.article_id for m in matches if not m.same_source} | self.articles_through_copies(page, shared)
        if not originals:
            return "new", self.insert_article(page, urls), None
        earliest = min(originals, key=self.article_key)
        if self.article_key(earliest)[:2] <= self.order_key(page["published_at"], page["source"]):
            kind, similarity = self.insert_copy(page, urls, earliest)
            self.demote_all(originals - {earliest}, earliest)
            return "copy", earliest, f"{kind} copy, similarity {similarity:.2f}"
        article_id = self.insert_article(page, urls)
        demoted = self.demote_all(originals, article_id)
        return "new", article_id, f"original of article {', '.join(map(str, demoted))}, now a copy"

    def article_key(self, article_id: int) -> tuple:
        known = self.known[article_id]
        return (*self.order_key(known.published_at, known.source), article_id)

    def demote_all(self, article_ids: set[int], original_id: int) -> list[int]:
        """Make each article a copy of `original_id`, later ones first (the order does not change the result)."""
        demoted = sorted(article_ids, key=self.article_key)
        for article_id in demoted:
            self.demote_to_copy(article_id, original_id)
        return demoted

    def alive(self, article_id: int) -> int:
        while article_id in self.gone:
            article_id = self.gone[article_id]
        return article_id

    def exact_matches(self, page: dict) -> list[Match]:
        """Articles with the same text or the same body, earliest first."""
        ids = (self.by_content.get(page["content_hash"], set()) | self.by_body.get(page["body_hash"], set()))
        found = sorted((self.known[i] for i in ids if i not in self.gone),
                       key=lambda k: (k.published_at or FAR_FUTURE, k.article_id))
        return [Match(k.article_id, "exact", 1.0, k.source == page["source"])
                for k in found]

    def shared_anchors(self, page: dict) -> Counter[int]:
        """Anchors the page shares with each article, loaded or of this batch, gone ones too."""
        shared: Counter[int] = Counter()
        for article_id, n in self.candidates.get(page["page_id"], ()):
            if article_id not in self.batch_ids:
                shared[article_id] = n
        for anchor in page["anchors"]:
            for article_id in self.batch_anchors.get(anchor, ()):
                shared[article_id] += 1
        return shared

    def articles_through_copies(self, page: dict, shared_with: Counter[int]) -> set[int]:
        """The articles of the copies the page matches (articles made copies in this batch are copies too)."""
        size = len(page["anchors"])
        found = {self.alive(article_id) for article_id, n in shared_with.items()
                 if article_id in self.gone and classify(n, size, self.known[article_id].anchor_count)}
        shared: Counter[str] = Counter(dict(self.copy_candidates.get(page["page_id"], ())))
        for anchor in page["anchors"]:
            for url in self.batch_copy_anchors.get(anchor, ()):
                shared[url] += 1
        for url, n in shared.items():
            member = self.copy_members[url]
            if classify(n, size, member.anchor_count):
                found.add(self.alive(member.article_id))
        return found

    def near_matches(self, page: dict, shared_with: Counter[int]) -> list[Match]:
        """Articles sharing enough anchors, best first: near before partial, then by similarity."""
        size = len(page["anchors"])
        found = []
        for article_id, n in shared_with.items():
            if n < MIN_SHARED_ANCHORS or article_id in self.gone:
                continue
            other = self.known[article_id]
            same_source = other.source == page["source"]
            if same_source:
                jac = resemblance(n, size, other.anchor_count)
                if jac < VERSION_RESEMBLANCE:
                    continue
                kind, score = "near", jac
            elif scored := classify(n, size, other.anchor_count):
                kind, score = scored
            else:
                continue
            found.append(((kind != "near", -score, other.published_at or FAR_FUTURE, article_id),
                          Match(article_id, kind, score, same_source)))
        return [m for _, m in sorted(found, key=lambda f: f[0])]

    # -- writes --------------------------------------------------------------------

    def same_article(self, page: dict, urls: list[str], article_id: int) -> tuple[str, int, str | None]:
        self.map_urls(urls, page, article_id)
        self.buf.article_seen.add(article_id)
        if self.known[article_id].content_hash == page["content_hash"]:
            return "unchanged", article_id, None
        self.add_version(page, article_id)
        return "version", article_id, None

    def insert_article(self, page: dict, urls: list[str]) -> int:
        article_id = self.new_ids.pop()
        story_id = self.assign_story(page, article_id)
        self.stream_article((
            article_id, page["source"], page["canonical_url"], page["title"], page["authors"], page["published_at"],
            page["modified_at"], page["language"], page["description"], page["text"], page["word_count"],
            page["content_hash"], self.seen_at, self.seen_at, Jsonb(page["provenance"]),
            self.configs.get(page["language"], "simple"), story_id))
        self.buf.versions.append(self.version_row(page, article_id, 1))
        self.store_signature(page, article_id)
        for u in urls:
            self.article_urls[u] = article_id
        self.map_urls(urls, page, article_id)
        return article_id

    def add_version(self, page: dict, article_id: int) -> None:
        self.flush()
        version = self.conn.execute(
            "update warehouse.articles set title = %s, authors = %s, modified_at = %s, description = %s,"
            " text = %s, word_count = %s, content_hash = %s, provenance = %s, version_count = version_count + 1"
            " where article_id = %s returning version_count",
            (page["title"], page["authors"], page["modified_at"], page["description"], page["text"],
             page["word_count"], page["content_hash"], Jsonb(page["provenance"]), article_id)).fetchone()[0]
        self.buf.versions.append(self.version_row(page, article_id, version))
        self.conn.execute("delete from dedup.signatures where article_id = %s", (article_id,))
        self.conn.execute("delete from dedup.anchors where article_id = %s", (article_id,))
        old = self.known.get(article_id)
        if old is not None and article_id not in self.batch_ids:
            self.by_content[old.content_hash].discard(article_id)
            if old.body_hash:
                self.by_body[old.body_hash].discard(article_id)
        self.store_signature(page, article_id)

    def version_row(self, page: dict, article_id: int, version_no: int) -> tuple:
        return (article_id, version_no, page["fetched_at"], page["content_hash"], page["title"], page["text"],
                page["page_id"])

    def store_signature(self, page: dict, article_id: int) -> None:
        anchors = page["anchors"]
        self.buf.signatures.append((article_id, len(anchors), page["shingle_count"], page["published_at"],
                                    page["published_at"] or self.seen_at, page["source"],
                                    page["story_terms"] or [], page["body_hash"]))
        self.buf.anchors.extend((a, article_id) for a in anchors)
        for a in self.batch_anchor_lists.pop(article_id, ()):  # a second version in the same batch
            self.batch_anchors[a].remove(article_id)
        self.batch_anchor_lists[article_id] = anchors
        self.batch_ids.add(article_id)
        self.known[article_id] = Known(article_id, page["source"], page["published_at"], page["content_hash"],
                                       page["body_hash"], len(anchors))
        self.by_content[page["content_hash"]].add(article_id)
        self.by_body[page["body_hash"]].add(article_id)
        for a in anchors:
            self.batch_anchors[a].append(article_id)

    def map_urls(self, urls: list[str], page: dict, article_id: int) -> None:
        for url in urls:
            self.buf.urls[url] = (url, page["canonical_url"], article_id, page["source"], self.seen_at, self.seen_at)

    def anchors_of(self, article_id: int) -> frozenset[int]:
        if article_id in self.batch_ids:
            return frozenset(self.batch_anchor_lists[article_id])
        if article_id not in self.db_anchors:
            self.end_stream()
            self.db_anchors[article_id] = frozenset(a for (a,) in self.conn.execute(
                "select anchor from dedup.anchors where article_id = %s", (article_id,)))
        return self.db_anchors[article_id]

    def relation_to(self, original_id: int, anchors: list[int], body_hash: str | None) -> tuple[str, float]:
        """A copy's kind and similarity: always measured against its original, so that they do not
        depend on which page of the cluster it happened to match."""
        original = self.known[original_id]
        original_anchors = self.anchors_of(original_id)
        return relation(len(original_anchors.intersection(anchors)), len(anchors), len(original_anchors),
                        body_hash is not None and body_hash == original.body_hash)

    def insert_copy(self, page: dict, urls: list[str], original_id: int) -> tuple[str, float]:
        url = page["canonical_url"]
        kind, similarity = self.relation_to(original_id, page["anchors"], page["body_hash"])
        self.buf.copies.setdefault(url, (
            url, url, page["source"], original_id, kind, round(similarity, 4), page["title"],
            page["published_at"], self.seen_at, self.seen_at))
        if url not in self.copy_members:
            self.buf.copy_signatures[url] = (url, page["body_hash"], page["anchors"])
            self.copy_members[url] = CopyMember(url, original_id, len(page["anchors"]))
            for a in page["anchors"]:
                self.batch_copy_anchors[a].append(url)
        for u in urls:
            self.copy_urls[u] = original_id
        self.map_urls(urls, page, original_id)
        return kind, similarity

    def count_lines(self, page: dict) -> None:
        for line in page["line_hashes"] or ():
            self.buf.lines[(page["source"], line)] += 1

    def demote_to_copy(self, old: int, original_id: int) -> None:
        """Article `old` turned out to copy `original_id`: make it a copy row, and score its copies
        again against the new original."""
        self.flush()
        old_anchors = sorted(self.anchors_of(old))
        kind, similarity = self.relation_to(original_id, old_anchors, self.known[old].body_hash)
        self.conn.execute(
            "insert into warehouse.article_copies (url, canonical_url, source, article_id, kind, similarity, title,"
            " published_at, first_seen_at, last_seen_at)"
            " select canonical_url, canonical_url, source, %s, %s, %s, title, published_at, first_seen_at,"
            " last_seen_at from warehouse.articles where article_id = %s"
            " on conflict (url) do update set article_id = excluded.article_id, kind = excluded.kind,"
            " similarity = excluded.similarity",
            (original_id, kind, round(similarity, 4), old))
        url, = self.conn.execute(
            "insert into dedup.copy_signatures (url, body_hash, anchors)"
            " select canonical_url, %s, %s from warehouse.articles where article_id = %s"
            " on conflict (url) do update set body_hash = excluded.body_hash, anchors = excluded.anchors"
            " returning url", (self.known[old].body_hash or "", old_anchors, old)).fetchone()
        self.conn.execute("delete from dedup.copy_anchors where url = %s", (url,))
        self.conn.execute("insert into dedup.copy_anchors (anchor, url) select unnest(%s::bigint[]), %s",
                          (old_anchors, url))
        rescored = []
        for url, body_hash, anchors in self.conn.execute(
            "select c.url, s.body_hash, s.anchors from warehouse.article_copies c"
            " join dedup.copy_signatures s using (url) where c.article_id = %s", (old,)
        ):
            kind, similarity = self.relation_to(original_id, anchors, body_hash)
            rescored.append((kind, round(similarity, 4), url))
        if rescored:
            self.cur.executemany("update warehouse.article_copies set kind = %s, similarity = %s where url = %s",
                                 rescored)
        for table in ("warehouse.article_urls", "warehouse.article_copies", "ops.page_outcomes"):
            self.conn.execute(f"update {table} set article_id = %s where article_id = %s", (original_id, old))
        self.conn.execute("delete from dedup.anchors where article_id = %s", (old,))  # no cascade (migration 009)
        self.conn.execute("delete from warehouse.articles where article_id = %s", (old,))
        self.gone[old] = original_id
        for url, article_id in list(self.article_urls.items()):
            if article_id == old:
                del self.article_urls[url]
                self.copy_urls[url] = original_id
        for url, article_id in self.copy_urls.items():
            if article_id == old:
                self.copy_urls[url] = original_id

    def outcome(self, page: dict, outcome: str, article_id: int, detail: str | None) -> None:
        self.buf.outcomes.append((page["page_id"], page["run_id"], page["source"], page["url"], outcome,
                                  article_id, detail))
        if outcome in ("new", "copy") and detail != "known copy URL":
            self.count_lines(page)

    def stream_article(self, row: tuple) -> None:
        """Send a warehouse.articles row at once, through a COPY left open while the batch is
        resolved: the server computes the article's search vector and indexes it while Python
        decides the next page. Any other statement ends the COPY first (end_stream)."""
        started = time.perf_counter()
        if self.article_stream is None:
            self.article_stream = ExitStack()
            self.article_copy = self.article_stream.enter_context(self.cur.copy(
                "copy warehouse.articles (article_id, source, canonical_url, title, authors, published_at,"
                " modified_at, language, description, text, word_count, content_hash, first_seen_at,"
                " last_seen_at, provenance, search_config, story_id) from stdin"))
        self.article_copy.write_row(row)
        self.write_seconds += time.perf_counter() - started

    def end_stream(self) -> None:
        if self.article_stream is not None:
            started = time.perf_counter()
            stream, self.article_stream = self.article_stream, None
            stream.close()
            self.write_seconds += time.perf_counter() - started

    def abort_stream(self, exc: BaseException) -> None:
        """Cancel an open COPY (the transaction is failing): the connection stays usable to roll back."""
        if self.article_stream is not None:
            stream, self.article_stream = self.article_stream, None
            stream.__exit__(type(exc), exc, exc.__traceback__)

    def flush(self) -> None:
        """Write what the batch decided so far, in bulk."""
        self.end_stream()
        started = time.perf_counter()
        try:
            self._flush()
        finally:
            self.write_seconds += time.perf_counter() - started

    def _flush(self) -> None:
        b, cur = self.buf, self.cur
        if b.signatures:
            with cur.copy("copy dedup.signatures (article_id, anchor_count, shingle_count, published_at, window_at,"
                          " source, story_terms, body_hash) from stdin") as copy:
                for row in b.signatures:
                    copy.write_row(row)
        if b.anchors:
            with cur.copy("copy dedup.anchors (anchor, article_id) from stdin") as copy:
                copy.write("".join(f"{a}\t{i}\n" for a, i in b.anchors))
        if b.versions:
            with cur.copy("copy warehouse.article_versions (article_id, version_no, fetched_at, content_hash, title,"
                          " text, page_id) from stdin") as copy:
                for row in b.versions:
                    copy.write_row(row)
        if b.urls:  # an upsert of many rows: COPY into a temporary table, then one statement
            cur.execute("create temp table if not exists load_urls (like warehouse.article_urls) on commit drop")
            cur.execute("truncate load_urls")
            with cur.copy("copy load_urls (url, canonical_url, article_id, source, first_seen_at, last_seen_at)"
                          " from stdin") as copy:
                for row in sorted(b.urls.values()):
                    copy.write_row(row)
            cur.execute(
                "insert into warehouse.article_urls select * from load_urls on conflict (url) do update set"
                " article_id = excluded.article_id,"
                " first_seen_at = least(warehouse.article_urls.first_seen_at, excluded.first_seen_at),"
                " last_seen_at = greatest(warehouse.article_urls.last_seen_at, excluded.last_seen_at)")
        if b.copies:
            cur.executemany(
                "insert into warehouse.article_copies (url, canonical_url, source, article_id, kind, similarity,"
                " title, published_at, first_seen_at, last_seen_at) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " on conflict (url) do update set last_seen_at = greatest(warehouse.article_copies.last_seen_at,"
                " excluded.last_seen_at), first_seen_at = least(warehouse.article_copies.first_seen_at,"
                " excluded.first_seen_at)", list(b.copies.values()))
        if b.copy_signatures:
            cur.executemany("insert into dedup.copy_signatures (url, body_hash, anchors) values (%s, %s, %s)"
                            " on conflict (url) do nothing", list(b.copy_signatures.values()))
            pairs = [(a, url) for url, _, anchors in b.copy_signatures.values() for a in anchors]
            cur.execute("insert into dedup.copy_anchors (anchor, url) select * from unnest(%s::bigint[], %s::text[])"
                        " on conflict do nothing", ([a for a, _ in pairs], [u for _, u in pairs]))
        # first/last seen are the earliest and latest interval that saw it, whatever order intervals load in
        if b.copy_seen:
            cur.execute("update warehouse.article_copies set last_seen_at = greatest(last_seen_at, %s),"
                        " first_seen_at = least(first_seen_at, %s) where url = any(%s)",
                        (self.seen_at, self.seen_at, sorted(b.copy_seen)))
        if b.article_seen:
            cur.execute("update warehouse.articles set last_seen_at = greatest(last_seen_at, %s),"
                        " first_seen_at = least(first_seen_at, %s) where article_id = any(%s)",
                        (self.seen_at, self.seen_at, sorted(b.article_seen)))
        if b.outcomes:
            with cur.copy("copy ops.page_outcomes (page_id, run_id, source, url, outcome, article_id, detail)"
                          " from stdin") as copy:
                for row in b.outcomes:
                    copy.write_row(row)
        if b.lines:
            keys = sorted(b.lines)
            cur.execute(
                "insert into dedup.source_lines (source, line_hash, pages)"
                " select * from unnest(%b::text[], %b::bigint[], %b::integer[])"
                " on conflict (source, line_hash) do update set pages = dedup.source_lines.pages + excluded.pages",
                ([s for s, _ in keys], [h for _, h in keys], [b.lines[k] for k in keys]))
        self.buf = Buffers()


def fingerprint_stage(conn: psycopg.Connection, fetch_runs: list[int]) -> dict:
    """Fingerprint the not-yet-fingerprinted stage.articles of `fetch_runs` (the dedup task).

    A line is boilerplate for its source when it occurs in BOILERPLATE_MIN_PAGES or more of
    that source's pages, counting those already loaded (dedup.source_lines) and this batch's
    new, distinct URLs; it is left out of the body that anchors are taken from. Memory stays
    bounded: texts are streamed twice, lines are counted in the database.
    """
    select = ("select page_id, source, canonical_url, url, text, title from stage.articles"
              " where run_id = any(%s) and content_hash is null order by page_id")
    # pass 1: in how many new URLs of each source each line occurs, counted by PostgreSQL (an
    # interval of 100k pages holds millions of lines: 1.2 GB when counted here)
    conn.execute("create temp table if not exists batch_lines (source text, line_hash bigint) on commit drop")
    conn.execute("truncate batch_lines")
    seen_urls: set[str] = set()
    with conn.cursor(name="lines_to_count") as texts, conn.cursor() as writer:
        texts.execute(select, (fetch_runs,))
        while batch := texts.fetchmany(FINGERPRINT_BATCH):
            urls = sorted({p[2] for p in batch} | {p[3] for p in batch})
            known = {u for (u,) in conn.execute(
                "select url from warehouse.article_urls where url = any(%s) union"
                " select url from warehouse.article_copies where url = any(%s)", (urls, urls))}
            with writer.copy("copy batch_lines (source, line_hash) from stdin (format binary)") as copy:
                copy.set_types(["text", "int8"])
                for _, source, canonical, url, text, _ in batch:
                    if canonical in seen_urls or canonical in known or url in known:
                        continue
                    seen_urls.add(canonical)
                    for line in {line_hash(tokens) for tokens in line_words(text)}:
                        copy.write_row((source, line))
    del seen_urls
    boilerplate: dict[str, set[int]] = defaultdict(set)
    for source, line in conn.execute(
        "select b.source, b.line_hash from (select source, line_hash, count(*) as pages from batch_lines"
        " group by 1, 2) b left join dedup.source_lines s using (source, line_hash)"
        " where b.pages + coalesce(s.pages, 0) >= %s", (BOILERPLATE_MIN_PAGES,)):
        boilerplate[source].add(line)
    # pass 2: fingerprint each page's text without its source's boilerplate
    counters: Counter[str] = Counter()
    with conn.cursor(name="texts_to_fingerprint") as texts, conn.cursor() as writer:
        texts.execute(select, (fetch_runs,))
        while batch := texts.fetchmany(FINGERPRINT_BATCH):
            rows = []
            for page_id, source, _, _, text, title in batch:
                fp = fingerprint(text, boilerplate.get(source, ()), title or "")
                rows.append((fp.content_hash, fp.body_hash, fp.anchors, fp.shingle_count, fp.line_hashes,
                             fp.story_terms, page_id))
            writer.executemany(
                "update stage.articles set content_hash = %s, body_hash = %s, anchors = %s,"
                " shingle_count = %s, line_hashes = %s, story_terms = %s where page_id = %s", rows)
            counters["fingerprinted"] += len(batch)
    counters["boilerplate_lines"] = sum(len(v) for v in boilerplate.values())
    conn.execute(
        "insert into dedup.fingerprinted_runs (run_id, generation)"
        " select unnest(%s::bigint[]), loads from dedup.generation"
        " on conflict (run_id) do update set generation = excluded.generation", (fetch_runs,))
    return dict(counters)


PAGE_COLUMNS = ("page_id, run_id, source, url, final_url, fetched_at, canonical_url, title, authors, published_at,"
                " modified_at, language, description, text, word_count, provenance, content_hash, body_hash,"
                " anchors, shingle_count, line_hashes, story_terms")


def load_interval(conn: psycopg.Connection, fetch_runs: list[int], interval: Interval, ranks: dict[str, int]) -> dict:
    """Load the runs' staged articles not loaded yet, LOAD_CHUNK at a time in publication order.

    Each chunk is resolved against what the chunks before it wrote, as a separate batch would be:
    the result does not depend on where batches are cut (tests/test_fuzz.py), and memory stays
    bounded by the chunk, whatever the interval's size."""
    conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    refingerprint_if_stale(conn, fetch_runs)
    conn.execute("update dedup.generation set loads = loads + 1")
    to_load = conn.execute(
        "select page_id, published_at, source, content_hash is null or anchors is null from stage.articles s"
        " where s.run_id = any(%s) and not exists (select 1 from ops.page_outcomes o where o.page_id = s.page_id)",
        (fetch_runs,)).fetchall()
    unfingerprinted = sum(1 for *_, missing in to_load if missing)
    if unfingerprinted:
        raise RuntimeError(f"{unfingerprinted} pages have no fingerprint yet; run dedup first")
    ids = [page_id for page_id, *_ in sorted(to_load, key=lambda r: (*publication_order(r[1], r[2], ranks), r[0]))]
    counters: Counter[str] = Counter()
    for start in range(0, len(ids), LOAD_CHUNK):
        loader = Loader(conn, interval, ranks)
        pages = loader.cur.execute(f"select {PAGE_COLUMNS} from stage.articles where page_id = any(%s)",
                                   (ids[start:start + LOAD_CHUNK],)).fetchall()
        counters.update(load_pages(loader, pages))
    return dict(counters)


def refingerprint_if_stale(conn: psycopg.Connection, fetch_runs: list[int]) -> None:
    """Fingerprint again the runs whose dedup ran before another run's load (see migration 007)."""
    stale = [run for (run,) in conn.execute(
        "select r.run_id from unnest(%s::bigint[]) as r(run_id) cross join dedup.generation g"
        " left join dedup.fingerprinted_runs f using (run_id)"
        " where f.generation is distinct from g.loads", (fetch_runs,))]
    if not stale:
        return
    conn.execute(
        "update stage.articles s set " + FORGET_FINGERPRINT + " where s.run_id = any(%s)"
        " and not exists (select 1 from ops.page_outcomes o where o.page_id = s.page_id)", (stale,))
    log.info("fingerprints of runs %s went stale while another run loaded: fingerprinting again", stale)
    fingerprint_stage(conn, stale)


def load_pages(loader: Loader, pages: list[dict]) -> dict:
    """Resolve `pages` (stage.articles rows) in publication order and write the result."""
    pages.sort(key=lambda p: (*loader.order_key(p["published_at"], p["source"]), p["page_id"]))
    loader.prefetch(pages)
    counters: Counter[str] = Counter()
    try:
        for page in pages:
            outcome, article_id, detail = loader.resolve(page)
            loader.outcome(page, outcome, article_id, detail)
            counters[outcome] += 1
    except BaseException as exc:
        loader.abort_stream(exc)
        raise
    loader.flush()
    return dict(counters)

"""Dedup at scale: `make bench-dedup` (`python -m bench.dedup_scale --sizes 100000,1000000`).

A batch of 10,000 new articles is fingerprinted and loaded with the pipeline's own code
(`wirehouse.fingerprinting.fingerprint_stage`, then `wirehouse.loading.load_interval`, which
decides LOAD_CHUNK pages at a time) against N articles already stored, in a real PostgreSQL.
Each batch runs in a transaction that is rolled back, so every size sees the same batch; the
stored set grows between sizes.

Stored articles: first seen at moments spread over the whole look-back year
(WIREHOUSE_DEDUP_LOOKBACK_DAYS, 365), published (origin_at) up to two hours before, 1 % of them
crediting another URL, each with 6 story names and 37–92 anchors (random 64-bit hashes, two of
them from a pool of "stock phrase" anchors many articles share). They are generated in
PostgreSQL (generate_series into warehouse.articles, article_urls, dedup.signatures and
dedup.anchors: ~60 anchor rows per article) with the tables' indexes dropped and recreated
around the bulk insert, then VACUUM ANALYZE; the 1,000 the batch copies have real texts and go
through dedup.fingerprints.fingerprint.

The batch: synthetic texts (Zipf-distributed words, 8 paragraphs, 300–700 words, a few names
in the lead), of which 10 % are copies of stored articles (exact, edited, truncated), 5 %
copies of each other, the rest new.

Times: fingerprint (the fingerprint task), match (prefetch: the named queries that read what
the batch may meet, + resolve: the decisions in Python), write (apply: the set-based writes),
load (the whole load task: pages to load, match, write). Baselines in the same run:
- datasketch's in-memory MinHashLSH (128 permutations, threshold 0.5) built over the stored
  articles' anchor sets and queried with the batch's: what a per-run in-memory index costs
  before it has found a single copy (over a sample above --baseline-max stored articles, the
  build time then scaled to all of them, which the output says);
- raw COPY of the rows the load writes for the batch (articles, first versions, URLs,
  signatures, anchors, outcomes; every page taken as new, nothing decided) into the very tables
  the load writes, with their indexes and the stored set in them: the ceiling for the load's
  rows/s, what writing would cost if deciding were free.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
import psycopg

import wirehouse.loading as loading
from bench.dedup_data import T0, Page, stage
from bench.dedup_eval import database
from dedup.fingerprints import fingerprint
from wirehouse.config import settings
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.queries import queries
from wirehouse.runs import Interval

BATCH = 10_000
SIZES = [100_000, 1_000_000]
COPIED = 1_000  # stored articles with real texts, that the batch copies
STOCK = 5_000  # anchors of stock phrases, shared by many articles
NAMES = 3_000  # story names stored articles and the batch's leads draw from
SEED = 11
MATCH_TARGET = 2.0  # matching at the largest size / at the smallest
LOAD_TARGET = 0.75  # load rows/s / raw COPY rows/s
SEEDED_TABLES = ("warehouse.articles", "warehouse.article_urls", "dedup.signatures", "dedup.anchors")


class Texts:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "ve", "zo", "pa", "de", "gu", "ha", "jo", "be"]
        r = random.Random(seed)
        self.vocab = sorted({"".join(r.choices(syllables, k=r.randint(1, 4))) for _ in range(60_000)})
        ranks = np.arange(1, len(self.vocab) + 1)
        self.p = (1 / ranks ** 1.05) / (1 / ranks ** 1.05).sum()
        self.names = names()

    def article(self) -> str:
        n = int(self.rng.integers(300, 700))
        ids = self.rng.choice(len(self.vocab), size=n, p=self.p)
        words = [self.vocab[i] for i in ids]
        for at in self.rng.choice(np.arange(3, 110), size=5, replace=False):  # names in the lead, mid-sentence
            words[at] = self.names[int(len(self.names) * self.rng.random() ** 2)].capitalize()
        words[0] = words[0].capitalize()
        cuts = sorted(self.rng.choice(np.arange(20, n - 20), size=7, replace=False))
        return "\n\n".join(" ".join(words[a:b]) + "." for a, b in zip([0, *cuts], [*cuts, n]))


def names() -> list[str]:
    """Story names: made-up words no text has otherwise, most common first."""
    r = random.Random(SEED)
    letters = "bcdfghklmnprstvwz"
    found: dict[str, None] = {}
    while len(found) < NAMES:
        found["".join(r.choice(letters) + r.choice("aeiouy") for _ in range(r.randint(2, 4))) + "x"] = None
    return list(found)


def copy_of(text: str, kind: str, rng: random.Random) -> str:
    paras = text.split("\n\n")
    if kind == "exact":
        return text
    if kind == "near":
        del paras[rng.randrange(1, len(paras))]
        return "\n\n".join(paras + ["This article was republished with permission."])
    return "\n\n".join(paras[: rng.randint(2, 3)]) + " …read more"


# -- the stored set -------------------------------------------------------------------------

_M = "9223372036854775807"  # h & _M: a hash as a non-negative bigint
SEED_ROWS = f"""
create temp table seed_rows on commit drop as
select i, source, seen, seen - ((h2 & {_M}) %% 7200) * interval '1 second' as published,
       37 + ((h2 & {_M}) >> 20) %% 56 as anchors,
       case when i %% 100 = 7 then 'https://outlet' || lpad(((i + 1) %% 200)::text, 3, '0') || '.example/o/' || i
       end as credited
from (select i, 'outlet' || lpad((i %% 200)::text, 3, '0') as source, hashint8extended(i, 2) as h2,
             %(t0)s::timestamptz - ((hashint8extended(i, 1) & {_M}) %% %(spread)s) * interval '1 second' as seen
      from generate_series(%(start)s::bigint, %(stop)s::bigint - 1) i
      where i <> all(%(copied)s::bigint[])) r
"""
SEED_INSERTS = [
    """insert into warehouse.articles (article_id, source, canonical_url, title, text, word_count, content_hash,
        published_at, first_seen_at, last_seen_at, story_id, language, search_config)
    overriding system value
    select i, source, 'https://' || source || '.example/a/' || i, 'Article ' || i, 'stored article ' || i, 3,
           md5('c' || i), published, seen, seen, i, 'en', 'english'
    from seed_rows""",
    """insert into warehouse.article_urls (url, canonical_url, article_id, source, first_seen_at, last_seen_at)
    select 'https://' || source || '.example/a/' || i, 'https://' || source || '.example/a/' || i, i, source,
           seen, seen
    from seed_rows""",
    """insert into dedup.signatures (article_id, anchor_count, shingle_count, published_at, first_seen_at,
        origin_at, source, story_terms, body_hash, credited_url)
    select i, anchors + 2, (anchors + 2) * 8, published, seen, published, source,
           array(select distinct (%(names)s::text[])[1 + floor(%(n_names)s * power(
                     (hashint8extended(i * 8 + k, 3) & {M}) / 9223372036854775807.0, 2))::int]
                 from generate_series(1, 6) k),
           md5('b' || i), credited
    from seed_rows""".replace("{M}", _M),
    """insert into dedup.anchors (anchor, article_id)
    select hashint8extended(i * 128 + j, 4), i from seed_rows, generate_series(1, anchors) j
    union all
    select (%(stock)s::bigint[])[1 + (i * k + c) %% %(n_stock)s], i from seed_rows, (values (7, 0), (13, 1)) s(k, c)""",
]


def seed_stored(conn: psycopg.Connection, start: int, stop: int, copied: dict[int, str], stock: np.ndarray,
                story_names: list[str]) -> dict[str, float]:
    """Articles start..stop-1: generated in PostgreSQL around dropped indexes; the copied ones by COPY."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    conn.execute("set maintenance_work_mem = '1GB'")
    conn.execute("set session_replication_role = replica")  # no FK triggers: the rows are consistent by design
    with conn.transaction():
        recreate = drop_indexes(conn)
        spread = (settings().lookback_days - 1) * 86_400
        psycopg.ClientCursor(conn).execute(SEED_ROWS, {"t0": T0, "spread": spread, "start": start, "stop": stop,
                                 "copied": sorted(copied)})
        params = {"names": story_names, "n_names": len(story_names), "stock": stock.tolist(), "n_stock": len(stock)}
        for sql in SEED_INSERTS:
            conn.execute(sql, params if "%(" in sql else None)
        seed_copied(conn, {i: text for i, text in copied.items() if start <= i < stop}, spread)
        timings["insert"] = time.perf_counter() - t
        for sql in recreate:
            conn.execute(sql)
        timings["index"] = time.perf_counter() - t - timings["insert"]
        conn.execute("select setval(pg_get_serial_sequence('warehouse.articles', 'article_id'), %s)", (stop + 1,))
    conn.execute("set session_replication_role = origin")
    conn.commit()
    t2 = time.perf_counter()
    conn.autocommit = True
    try:
        for table in SEEDED_TABLES:
            conn.execute(f"vacuum (analyze) {table}")
    finally:
        conn.autocommit = False
    timings["vacuum"] = time.perf_counter() - t2
    return timings


def drop_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the seeded tables' indexes (and the constraints they back, unless a foreign key needs them);
    return the statements that recreate them."""
    recreate, drop = [], []
    for table, index, definition, constraint, constraint_def in conn.execute(
        """select i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
                  c.conname, pg_get_constraintdef(c.oid)
           from pg_index i left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
                and c.contype in ('p', 'u')
           where i.indrelid = any(%s::regclass[])
           and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
           order by 1, 2""", (list(SEEDED_TABLES),)):
        if constraint:
            drop.append(f'alter table {table} drop constraint "{constraint}"')
            recreate.append(f'alter table {table} add constraint "{constraint}" {constraint_def}')
        else:
            drop.append(f"drop index {index}")
            recreate.append(definition)
    for sql in drop:
        conn.execute(sql)
    return recreate


def seed_copied(conn: psycopg.Connection, copied: dict[int, str], spread: int) -> None:
    """The stored articles the batch copies: real texts and fingerprints."""
    rng = random.Random(SEED + 1)
    arts, urls, sigs, anchors = [], [], [], []
    for i, text in sorted(copied.items()):
        source = f"outlet{i % 200:03d}"
        seen = T0 - timedelta(seconds=rng.randrange(spread))
        published = seen - timedelta(seconds=rng.randrange(7200))
        url = f"https://{source}.example/a/{i}"
        fp = fingerprint(text)
        arts.append((i, source, url, f"Article {i}", text, len(text.split()), fp.content_hash, published, seen, seen,
                     i, "en", "english"))
        urls.append((url, url, i, source, seen, seen))
        sigs.append((i, len(fp.anchors), fp.shingle_count, published, seen, published, source, fp.story_terms,
                     fp.body_hash))
        anchors.extend((a, i) for a in fp.anchors)
    with conn.cursor() as cur:
        for sql, rows in (
            ("copy warehouse.articles (article_id, source, canonical_url, title, text, word_count, content_hash,"
             " published_at, first_seen_at, last_seen_at, story_id, language, search_config) from stdin", arts),
            ("copy warehouse.article_urls (url, canonical_url, article_id, source, first_seen_at, last_seen_at)"
             " from stdin", urls),
            ("copy dedup.signatures (article_id, anchor_count, shingle_count, published_at, first_seen_at,"
             " origin_at, source, story_terms, body_hash) from stdin", sigs),
            ("copy dedup.anchors (anchor, article_id) from stdin", anchors),
        ):
            with cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


# -- the batch ------------------------------------------------------------------------------

def batch_pages(texts: Texts, copied: dict[int, str]) -> list[Page]:
    rng = random.Random(SEED)
    pages: list[Page] = []
    stored_ids = sorted(copied)
    for i in range(BATCH):
        when = T0 + timedelta(seconds=rng.uniform(0, 3600))
        source = f"outlet{rng.randrange(200):03d}"
        r = rng.random()
        if r < 0.10:  # a copy of a stored article
            kind, of = rng.choice(["exact", "near", "partial"]), rng.choice(stored_ids)
            text = copy_of(copied[of], kind, rng)
        elif r < 0.15 and pages:  # a copy of another article of the batch (published before or after it)
            kind, of = rng.choice(["near", "partial"]), rng.choice(pages[: max(1, len(pages) // 2)])
            text = copy_of(of.text, kind, rng)
        else:
            kind, of, text = "new", None, texts.article()
        pages.append(Page(source, f"https://{source}.example/new/{i}", text, f"New {i}", when, str(i), kind=kind,
                          extra={"of": of}))
    return pages


class Timed:
    """Wall time per step of the load task and per statement it runs, by wrapping the functions
    `wirehouse.loading.load_pages` calls (the load runs unchanged) and the connection they get."""

    def __init__(self, explain: bool = False):
        self.steps: dict[str, float] = defaultdict(float)
        self.statements: dict[str, float] = defaultdict(float)
        self.names = {q.sql: name for name, q in queries("dedup").found.items()}
        self.explain = explain
        self.plans: dict[str, str] = {}

    def _step(self, name, fn, proxy: bool = False):
        def timed(conn, *args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(_Conn(conn, self) if proxy else conn, *args, **kwargs)
            finally:
                self.steps[name] += time.perf_counter() - started
        return timed

    @contextmanager
    def hooks(self):
        saved = loading.staged_pages, loading.prefetch, loading.apply, loading.Resolver
        timer = self

        class Resolver(saved[3]):
            def resolve_all(self, pages):
                started = time.perf_counter()
                try:
                    return super().resolve_all(pages)
                finally:
                    timer.steps["resolve"] += time.perf_counter() - started

        loading.staged_pages = self._step("staged pages", saved[0], proxy=True)
        loading.prefetch = self._step("prefetch", saved[1], proxy=True)
        loading.apply = self._step("apply", saved[2], proxy=True)
        loading.Resolver = Resolver
        try:
            yield self
        finally:
            loading.staged_pages, loading.prefetch, loading.apply, loading.Resolver = saved

    def record(self, conn: psycopg.Connection, sql: str, params, run):
        name = self.names.get(sql.strip()) if isinstance(sql, str) else None
        started = time.perf_counter()
        result = run()
        label = name or " ".join((sql if isinstance(sql, str) else sql.as_string(conn)).split())[:60]
        self.statements[label] += time.perf_counter() - started
        if self.explain and name and name not in self.plans and sql.lstrip().lower().startswith("select"):
            plan = conn.execute("explain (analyze, buffers, timing off) " + sql, params).fetchall()
            self.plans[name] = "\n".join(r[0] for r in plan)
        return result


class _Conn:
    """A connection that times each statement run through it (and its cursors)."""

    def __init__(self, conn, timer: Timed):
        self._conn, self._timer = conn, timer

    def execute(self, sql, params=None, **kwargs):
        return self._timer.record(self._conn, sql, params, lambda: self._conn.execute(sql, params, **kwargs))

    def cursor(self, *args, **kwargs):
        return _Cursor(self._conn.cursor(*args, **kwargs), self._conn, self._timer)

    def __getattr__(self, name):
        return getattr(self._conn, name)


class _Cursor:
    def __init__(self, cur, conn, timer: Timed):
        self._cur, self._conn, self._timer = cur, conn, timer

    def execute(self, sql, params=None, **kwargs):
        return self._timer.record(self._conn, sql, params, lambda: self._cur.execute(sql, params, **kwargs))

    @contextmanager
    def copy(self, sql, *args, **kwargs):
        started = time.perf_counter()
        with self._cur.copy(sql, *args, **kwargs) as copy:
            yield copy
        words = (sql if isinstance(sql, str) else sql.as_string(self._conn)).split()
        self._timer.statements[" ".join(words[:2])] += time.perf_counter() - started

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._cur.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._cur, name)


def run_batch(conn: psycopg.Connection, pages: list[Page], explain: bool) -> dict:
    """Fingerprint and load the batch, then the raw COPY baseline, in a transaction that is rolled back."""
    end = T0 + timedelta(hours=1)
    timer = Timed(explain)
    with conn.transaction(force_rollback=True):
        run_id = stage(conn, pages, end)
        conn.execute("analyze stage.articles")
        started = time.perf_counter()
        fingerprint_stage(conn, [run_id])
        fingerprinted = time.perf_counter()
        with timer.hooks():
            counters = loading.load_interval(conn, [run_id], Interval(T0, end), {})
        loaded = time.perf_counter()
        article = dict(conn.execute("select page_id, article_id from ops.page_outcomes where run_id = %s",
                                    (run_id,)))
        copy_rows, copy_s = raw_copy(conn, run_id)
    # a planted copy is found when it ends in the article of what it copies (the stored article, or
    # whichever of the two batch pages was published first)
    planted = [p for p in pages if p.kind != "new"]
    found = sum(article[p.extra["page_id"]] == (p.extra["of"] if isinstance(p.extra["of"], int)
                                                 else article[p.extra["of"].extra["page_id"]]) for p in planted)
    counters["planted copies found"] = f"{found}/{len(planted)}"
    merged = len({article[p.extra["page_id"]] for p in pages if p.kind == "new"})
    counters["distinct new texts kept apart"] = f"{merged}/{sum(p.kind == 'new' for p in pages)}"
    steps = timer.steps
    return {"fingerprint": fingerprinted - started, "load": loaded - fingerprinted,
            "match": steps["staged pages"] + steps["prefetch"] + steps["resolve"],
            "prefetch": steps["prefetch"], "resolve": steps["resolve"], "write": steps["apply"],
            "rows": len(pages), "copy_rows": copy_rows, "copy": copy_s, "counters": counters,
            "statements": dict(timer.statements), "plans": timer.plans}


# what the load writes for a page, as raw COPY would write it if every page were new and nothing
# were decided: (table, its columns, the select that makes the rows from the staged batch)
BLIND_ROWS = (
    ("warehouse.articles", "article_id, source, canonical_url, title, authors, published_at, modified_at, language,"
     " description, text, word_count, content_hash, first_seen_at, last_seen_at, provenance, search_config",
     "select %(base)s + s.page_id, s.source, s.canonical_url || '#raw', s.title, s.authors, s.published_at,"
     " s.modified_at, s.language, s.description, s.text, s.word_count, f.content_hash, s.fetched_at, s.fetched_at,"
     " s.provenance, coalesce(c.config, 'simple') from stage.articles s join stage.fingerprints f using (page_id)"
     " left join warehouse.language_configs c on c.language = s.language where s.run_id = %(run)s"),
    ("warehouse.article_versions", "article_id, version_no, fetched_at, content_hash, title, text, page_id",
     "select %(base)s + s.page_id, 1, s.fetched_at, f.content_hash, s.title, s.text, s.page_id"
     " from stage.articles s join stage.fingerprints f using (page_id) where s.run_id = %(run)s"),
    ("warehouse.article_urls", "url, canonical_url, article_id, source, first_seen_at, last_seen_at",
     "select s.url || '#raw', s.canonical_url, %(base)s + s.page_id, s.source, s.fetched_at, s.fetched_at"
     " from stage.articles s where s.run_id = %(run)s"),
    ("dedup.signatures", "article_id, anchor_count, shingle_count, published_at, first_seen_at, origin_at, source,"
     " story_terms, body_hash",
     "select %(base)s + s.page_id, cardinality(f.anchors), f.shingle_count, s.published_at, s.fetched_at,"
     " s.fetched_at, s.source, f.story_terms, f.body_hash"
     " from stage.articles s join stage.fingerprints f using (page_id) where s.run_id = %(run)s"),
    ("dedup.anchors", "anchor, article_id",
     "select distinct unnest(f.anchors), %(base)s + s.page_id"
     " from stage.articles s join stage.fingerprints f using (page_id) where s.run_id = %(run)s"),
    ("ops.page_outcomes", "page_id, run_id, source, url, outcome, article_id",
     "select s.page_id + %(base)s, s.run_id, s.source, s.url, 'new', %(base)s + s.page_id"
     " from stage.articles s where s.run_id = %(run)s"),
)


def raw_copy(conn: psycopg.Connection, run_id: int) -> tuple[int, float]:
    """The baseline: raw COPY of the rows the load writes for the batch (an article, its first version,
    its URL, signature, anchors and outcome, every page taken as new) into the very tables the load
    writes, with their indexes and the stored set in them, in a savepoint rolled back afterwards.
    Keys are made distinct from the load's rows (ids past the sequence, URLs with '#raw'); the load
    ran first, so the baseline meets the warmer cache."""
    base, = conn.execute("select max(article_id) + 1 from warehouse.articles").fetchone()
    buffers = []
    for table, columns, select in BLIND_ROWS:
        buffer = io.BytesIO()
        with conn.cursor().copy(f"copy ({select}) to stdout", {"base": base, "run": run_id}) as copy:
            for chunk in copy:
                buffer.write(chunk)
        buffers.append((table, columns, buffer.getvalue()))
    with conn.transaction(force_rollback=True):
        started = time.perf_counter()
        for table, columns, data in buffers:
            with conn.cursor().copy(f"copy {table} ({columns}) from stdin") as copy:
                copy.write(data)
        seconds = time.perf_counter() - started
    rows, = conn.execute("select count(*) from stage.articles where run_id = %s", (run_id,)).fetchone()
    return rows, seconds


# -- the in-memory baseline -------------------------------------------------------------------

def baseline(stored_sets: list[np.ndarray], batch_sets: list[list[int]]) -> tuple[float, float, int]:
    from datasketch import MinHash, MinHashLSH

    def sketch(values) -> MinHash:
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([int(v).to_bytes(8, "little", signed=True) for v in values])
        return m

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, values in enumerate(stored_sets):
        lsh.insert(i, sketch(values))
    built = time.perf_counter()
    hits = sum(bool(lsh.query(sketch(values))) for values in batch_sets)
    return built - started, time.perf_counter() - built, hits


def stored_sample(conn: psycopg.Connection, stored: int, limit: int, copied: list[int]) -> list[np.ndarray]:
    """The anchor sets of all stored articles, or of `limit` of them (every copied one included)."""
    if stored <= limit:
        where, params = "", {}
    else:
        every = stored // limit
        where, params = "where article_id %% %(every)s = 0 or article_id = any(%(copied)s)", {
            "every": every, "copied": copied}
    return [np.array(v) for (v,) in conn.execute(
        f"select array_agg(anchor) from dedup.anchors {where} group by article_id order by article_id", params)]


def print_baseline(stored: int, stored_sets: list[np.ndarray], batch_sets: list[list[int]], large_n: int,
                   match_s: float) -> None:
    build_s, query_s, hits = baseline(stored_sets, batch_sets)
    scale = stored / len(stored_sets)
    sampled = (f" over a sample of {len(stored_sets):,} of the {stored:,} stored sets (build measured {build_s:.1f} s,"
               f" scaled {scale:.1f}x to all)" if scale > 1.01 else f" over the same {len(stored_sets):,} stored sets")
    print(f"baseline, datasketch MinHashLSH in memory{sampled}: build {build_s * scale:.1f} s + query {query_s:.1f} s"
          f" = {build_s * scale + query_s:.1f} s ({hits:,} batch articles with a candidate), rebuilt every run;"
          f" wirehouse's match at {large_n:,}: {match_s:.1f} s")


# -- the run ----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.split(",")], default=SIZES,
                        help="stored-set sizes, ascending, comma-separated (default: %(default)s)")
    parser.add_argument("--baseline-max", type=int, default=100_000,
                        help="build the MinHashLSH baseline over at most this many stored sets, scaling its build"
                             " time to the whole set above it; 0 skips it (default: %(default)s)")
    parser.add_argument("--statements", action="store_true", help="print the time of each statement of the load")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of the load's select queries at each size (runs them twice)")
    args = parser.parse_args(argv)
    sizes = args.sizes
    texts = Texts(SEED)
    story_names = texts.names
    rng = np.random.default_rng(SEED)
    stock = rng.integers(-2**63, 2**63 - 1, size=STOCK, dtype=np.int64)
    copied_ids = sorted(random.Random(SEED).sample(range(1, sizes[0] + 1), min(COPIED, sizes[0])))
    copied = {i: texts.article() for i in copied_ids}
    pages = batch_pages(texts, copied)
    url = database("wh_dedup_scale")
    with psycopg.connect(url) as conn:
        version = conn.info.server_version // 10000
    print(f"wirehouse dedup at scale: a batch of {BATCH:,} new articles against N stored (first seen over the "
          f"{settings().lookback_days}-day look-back), 2 CPUs, PostgreSQL {version}")
    print("fingerprint: the fingerprint task; match: prefetch (named queries) + resolve (decisions in Python);"
          " write: apply (set-based writes); load: the whole load task (match + write + pages to load)")
    print(f"{'stored':>9}  {'fingerprint':>11}  {'prefetch':>8}  {'resolve':>7}  {'match':>7}  {'write':>7}"
          f"  {'load':>7}  {'load rows/s':>11}  {'raw COPY rows/s':>15}  {'ratio':>5}")
    results = []
    stored = 0
    with psycopg.connect(url) as conn:
        for size in sizes:
            seeded = seed_stored(conn, stored + 1, size + 1, copied, stock, story_names)
            stored = size
            r = run_batch(conn, pages, args.explain)
            results.append((size, r))
            load_rate, copy_rate = r["rows"] / r["load"], r["copy_rows"] / r["copy"]
            print(f"{size:>9,}  {r['fingerprint']:>10.1f}s  {r['prefetch']:>7.1f}s  {r['resolve']:>6.1f}s"
                  f"  {r['match']:>6.1f}s  {r['write']:>6.1f}s  {r['load']:>6.1f}s  {load_rate:>11,.0f}"
                  f"  {copy_rate:>15,.0f}  {load_rate / copy_rate:>5.2f}", flush=True)
            print(f"           {dict(sorted(r['counters'].items()))}")
            anchors_n, = conn.execute("select count(*) from dedup.anchors").fetchone()
            print(f"           stored set grown to {size:,} articles ({anchors_n:,} anchor rows) in "
                  f"{sum(seeded.values()):.0f} s (insert {seeded['insert']:.0f} s, indexes {seeded['index']:.0f} s,"
                  f" vacuum analyze {seeded['vacuum']:.0f} s)", flush=True)
            if args.statements:
                for name, seconds in sorted(r["statements"].items(), key=lambda kv: -kv[1]):
                    if seconds >= 0.05:
                        print(f"             {seconds:7.2f} s  {name}")
            for name, plan in r["plans"].items():
                print(f"           -- EXPLAIN ANALYZE {name}\n" + "\n".join("           " + line[:160]
                                                                        for line in plan.splitlines()))
        batch_sets = [fingerprint(p.text).anchors for p in pages]
        stored_sets = stored_sample(conn, stored, args.baseline_max, copied_ids) if args.baseline_max else []
    (small_n, small), (large_n, large) = results[0], results[-1]
    growth = large["match"] / small["match"]
    print(f"match time grows {growth:.2f}x, the whole load {large['load'] / small['load']:.2f}x, for "
          f"{large_n / small_n:.0f}x the stored articles (comparing all pairs would grow {large_n / small_n:.0f}x)")
    if not stored_sets:
        print("baseline, datasketch MinHashLSH: skipped (--baseline-max 0)")
    else:
        print_baseline(stored, stored_sets, batch_sets, large_n, large["match"])
    match_ok = len(results) < 2 or growth <= MATCH_TARGET
    ratio = (large["rows"] / large["load"]) / (large["copy_rows"] / large["copy"])
    load_ok = ratio >= LOAD_TARGET
    print(f"target: matching {BATCH:,} new vs {large_n:,} stored <= {MATCH_TARGET}x the time at {small_n:,}: "
          f"{'met' if match_ok else 'MISSED'} ({growth:.2f}x: {large['match']:.1f} s vs {small['match']:.1f} s)")
    print(f"target: load rows/s vs raw COPY of its rows into the same tables and indexes >= {LOAD_TARGET} at "
          f"{large_n:,} stored: {'met' if load_ok else 'MISSED'} ({ratio:.2f})")
    return 0 if match_ok and load_ok else 1


if __name__ == "__main__":
    sys.exit(main())

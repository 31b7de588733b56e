"""The labelled set of `make eval-dedup` (bench/dedup_eval.build): deterministic, every kind and
hard case present, labels consistent with the pages. Plus stage() writing each page's own
fetched_at (and credited_url where the column exists)."""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta

import psycopg
import pytest

from bench.dedup_data import DISCLAIMERS, T0, Page, benchmark_texts, edit_sentences, excerpt, sentences, stage
from bench.dedup_eval import COPY_KINDS, SEED, SUBKINDS, build, evidence, interval_end

pytestmark = pytest.mark.skipif(not benchmark_texts(), reason="../shared/benchmarks not present")


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return build(random.Random(SEED))


def key(p: Page) -> tuple:
    return (p.source, p.url, p.text, p.title, p.published_at, p.fetched_at, p.group, p.kind, p.credited_url, p.tags)


def test_deterministic(pages):
    assert [key(p) for p in build(random.Random(SEED))] == [key(p) for p in pages]


def test_every_kind_and_hard_case_is_present(pages):
    kinds = Counter(p.kind for p in pages)
    for kind in (*COPY_KINDS, "original", "version", "refetch", "negative", "story"):
        assert kinds[kind] >= 20, kind
    tags = Counter(t for p in pages if p.kind in COPY_KINDS for t in p.tags)
    for tag in SUBKINDS:
        assert tags[tag] >= 15, tag
    assert sum("legal" in p.tags for p in pages if p.kind == "negative") >= 30
    wrong = Counter(p.extra.get("wrong") for p in pages if p.kind == "original")
    assert wrong["future"] and wrong["modified"]


def test_every_page_is_labelled_and_fetched(pages):
    originals = Counter(p.group for p in pages if p.kind == "original")
    assert all(n == 1 for n in originals.values())
    for p in pages:
        assert p.group and p.kind and p.fetched_at is not None
        if p.kind in COPY_KINDS + ("version", "refetch"):
            assert originals[p.group] == 1
    urls = Counter(p.url for p in pages if p.kind not in ("version", "refetch"))
    assert max(urls.values()) == 1


def test_copies_agree_with_their_labels(pages):
    original = {p.group: p for p in pages if p.kind == "original"}
    delays = []
    for p in pages:
        if p.kind not in COPY_KINDS:
            continue
        o = original[p.group]
        assert p.source != o.source
        published = p.extra["published"]
        delay = published - o.extra["published"]
        delays.append(delay)
        assert delay >= timedelta(minutes=5)
        assert ("late_copy" in p.tags) == (delay > timedelta(days=30))
        assert timedelta(minutes=5) <= p.fetched_at - published <= timedelta(hours=6)
        assert p.credited_url in (None, o.url) and ("canonical" in p.tags) == (p.credited_url == o.url)
        if "old_date" in p.tags:
            assert o.published_at <= o.extra["published"] - timedelta(days=365)
        if "undated" in p.tags:
            assert o.published_at is None
        if "wrong_date" in p.tags:
            assert o.published_at > o.fetched_at
            if o.extra["wrong"] == "modified":
                assert all(o.published_at > q.extra["published"] for q in pages
                           if q.group == p.group and q.kind in COPY_KINDS)
        if "late_original" in p.tags:
            assert o.extra.get("late") and o.fetched_at > min(
                q.fetched_at for q in pages if q.group == p.group and q.kind in COPY_KINDS)
        if "evergreen" in p.tags:
            assert delay >= timedelta(days=90)
        # some page tells which one is the original: its fetch, its credible date or a credit
        assert evidence(p, o), p.url
    assert sum(d > timedelta(days=60) for d in delays) >= 20
    assert sum(d < timedelta(hours=1) for d in delays) >= 20


def test_legal_outlets_print_author_and_disclaimer_on_every_page(pages):
    by_outlet = defaultdict(list)
    for p in pages:
        if p.kind != "story":
            by_outlet[p.source].append(p)
    legal = {p.source for p in pages if "legal" in p.tags}
    assert len(legal) == 3
    for outlet in legal:
        texts = [p.text for p in by_outlet[outlet]]
        disclaimer = next(d for d in (d.format(name=outlet.title()) for d in DISCLAIMERS) if d in texts[0])
        assert 60 <= len(disclaimer.split()) <= 90
        author = next(line for line in texts[0].split("\n\n") if line.startswith("By "))
        assert all(disclaimer in t and author in t for t in texts)


def test_edits_and_excerpts():
    texts = [body for _, body in benchmark_texts()[:40]]
    rng = random.Random(1)
    for body in texts:
        n = sum(len(sentences(p)) for p in body.split("\n\n"))
        edited, share = edit_sentences(body, rng, "Editor's note: updated.")
        assert "Editor's note: updated." in edited and edited != body
        if n >= 20:
            assert 0.095 <= share <= 0.155
        teaser = excerpt(body, rng)
        assert teaser.endswith(" …read more")
        kept = teaser.removesuffix(" …read more").split("\n\n")
        assert body.startswith("\n\n".join(kept))
        assert len(kept) in (2, 3) or len(" ".join(kept[:-1]).split()) < 50  # more only while under 50 words


def test_batches_hold_the_pages_fetched_in_them(pages):
    for p in pages[:200]:
        end = interval_end(p.fetched_at)
        assert end - timedelta(hours=6) <= p.fetched_at < end


def test_stage_writes_each_pages_fetched_at_and_credit(warehouse_db):
    with psycopg.connect(warehouse_db) as conn:
        a = Page("one", "https://one.example/a", "text a " * 20, "a", T0, "a", fetched_at=T0 + timedelta(minutes=7))
        b = Page("two", "https://two.example/b", "text a " * 20, "b", None, "a", kind="exact",
                 credited_url="https://one.example/a")
        c = Page("two", "https://two.example/c", "text c " * 20, "c", None, "c")
        stage(conn, [a, b, c], T0 + timedelta(hours=6))
        rows = dict(conn.execute("select url, fetched_at from stage.articles").fetchall())
        assert rows == {a.url: a.fetched_at, b.url: T0 + timedelta(hours=6), c.url: T0 + timedelta(hours=6)}
        has_credit = conn.execute("select count(*) from information_schema.columns where table_schema = 'stage'"
                                  " and table_name = 'articles' and column_name = 'credited_url'").fetchone()[0]
        if has_credit:
            credits = dict(conn.execute("select url, credited_url from stage.articles").fetchall())
            assert credits == {a.url: None, b.url: a.url, c.url: None}

"""Deduplication against a real PostgreSQL, through the pipeline's own fingerprint and load code."""
from __future__ import annotations

import random
import threading
from datetime import timedelta

import psycopg
import pytest
import yaml

from bench.dedup_data import T0, Page, ingest, outlets, seed_documents, templated, truncate
from dedup.fingerprints import fingerprint
from tests.contract import contract_rows
from wirehouse.config import PROJECT_ROOT

GOLD = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay" / "gold.yaml").read_text())["pages"]
TEXTS = [g["text"] for g in GOLD if g.get("text") and g["kind"] != "copy"]
SEEN = T0 + timedelta(hours=6)  # pages are fetched after they are published: the tests' pages by T0 + 5 h


@pytest.fixture
def conn(warehouse_db):
    with psycopg.connect(warehouse_db) as c:
        yield c


def tables(conn) -> dict:
    return contract_rows(conn)


def page(source, path, text, hours=0.0, **kw) -> Page:
    return Page(source=source, url=f"https://{source}.example/{path}", text=text, title=path,
                published_at=T0 + timedelta(hours=hours), group=path, **kw)


def copies(conn):
    return conn.execute("select c.source, a.source, c.kind from warehouse.article_copies c"
                        " join warehouse.articles a using (article_id) order by 1").fetchall()


def test_seed_articles_are_one_story_and_no_copies(conn):
    pages = [Page(source=s, url=f"https://{s}.example/kherson", text=t, title=s, published_at=when, group=s)
             for s, t, when in seed_documents()]
    assert ingest(conn, pages, SEEN) == {"new": 5}
    assert copies(conn) == []
    assert conn.execute("select article_count, sources from warehouse.stories").fetchall() == [
        (5, ["aggregator", "express", "huffpost", "kyivpost", "newsmax"])]


def test_ap_paragraphs_shared_by_two_articles_do_not_make_a_copy(conn):
    (_, newsmax, t1), (_, huffpost, t2) = [d for d in seed_documents() if d[0] in ("newsmax", "huffpost")]
    assert ingest(conn, [page("newsmax", "a", newsmax, 1), page("huffpost", "b", huffpost, 2)], SEEN) == {"new": 2}


def test_truncated_aggregator_copy_and_original_arriving_later(conn):
    body = TEXTS[0]
    excerpt = truncate(body, random.Random(1))
    # the aggregator's copy is fetched first, the original (published earlier) a run later
    assert ingest(conn, [page("aggregator", "copy", excerpt, 5)], SEEN) == {"new": 1}
    assert ingest(conn, [page("outlet", "original", body, 1)], SEEN + timedelta(hours=1)) == {"new": 1}
    assert copies(conn) == [("aggregator", "outlet", "partial")]
    (n,) = conn.execute("select count(*) from warehouse.articles").fetchone()
    assert n == 1
    # the copy's page now points at the original
    assert conn.execute("select count(distinct article_id) from ops.page_outcomes").fetchone() == (1,)


@pytest.mark.parametrize("order", ["original first", "copy first", "one batch"])
def test_original_wins_whatever_the_arrival_order(conn, order):
    rng = random.Random(3)
    body = TEXTS[1]
    paras = body.split("\n\n")
    edited = "\n\n".join(paras[:2] + paras[3:] + ["This article was republished with permission."])
    pages = [page("wire", "original", body, 1), page("daily", "edited", edited, 2),
             page("digest", "excerpt", truncate(body, rng), 3), page("mirror", "exact", body, 4)]
    if order == "one batch":
        ingest(conn, pages[::-1], SEEN)
    else:
        batches = [pages[:1], pages[1:]] if order == "original first" else [pages[1:], pages[:1]]
        for i, batch in enumerate(batches):
            ingest(conn, batch, SEEN + timedelta(hours=i))
    assert copies(conn) == [("daily", "wire", "near"), ("digest", "wire", "partial"), ("mirror", "wire", "exact")]
    assert conn.execute("select source, canonical_url from warehouse.articles").fetchall() == [
        ("wire", "https://wire.example/original")]


def test_revision_unchanged_refetch_and_rerun(conn):
    body = TEXTS[2]
    ingest(conn, [page("outlet", "story", body, 1)], SEEN)
    before = tables(conn)
    assert ingest(conn, [page("outlet", "story", body, 1)], SEEN) == {"unchanged": 1}
    assert tables(conn) == before, "an unchanged refetch changes nothing"
    revised = body.replace(body.split()[10], "CORRECTED", 1) + "\n\nCorrection: an earlier version misstated a date."
    assert ingest(conn, [page("outlet", "story", revised, 1)], SEEN + timedelta(hours=1)) == {"version": 1}
    rows = conn.execute("select version_no, text from warehouse.article_versions order by 1").fetchall()
    assert [r[0] for r in rows] == [1, 2] and rows[1][1] == revised
    assert conn.execute("select text, version_count from warehouse.articles").fetchone() == (revised, 2)
    # the same outlet under another URL with near-identical text: the same article, not a copy
    assert ingest(conn, [page("outlet", "story-amp-less-url", revised + " Updated.", 1)],
                  SEEN + timedelta(hours=2)) == {"version": 1}
    assert copies(conn) == []


def test_rerun_of_a_loaded_interval_changes_nothing(conn):
    from wirehouse.loading import load_interval
    from wirehouse.runs import Interval

    pages = [page("a", "x", TEXTS[3], 1), page("b", "y", TEXTS[3], 2)]
    ingest(conn, pages, SEEN)
    before = tables(conn)
    run_ids = [r[0] for r in conn.execute("select distinct run_id from stage.articles")]
    with conn.transaction():
        assert load_interval(conn, run_ids, Interval(SEEN - timedelta(hours=1), SEEN), {}) == {}
    assert tables(conn) == before


def test_outlet_boilerplate_does_not_make_different_articles_alike(conn):
    template = outlets(1, random.Random(5))["outlet00"]
    # short bodies, much furniture: without the boilerplate filter they would look alike
    briefs = [" ".join(t.split()[:45]) for t in TEXTS[4:10]]
    pages = [page("outlet00", f"brief{i}", templated(b, template), i) for i, b in enumerate(briefs)]
    assert ingest(conn, pages, SEEN) == {"new": len(pages)}
    fp = fingerprint(pages[0].text)
    assert fp.anchors, "furniture alone is shingled when nothing is known about the outlet"


def test_look_back_window_is_for_near_copies_exact_ones_are_found_at_any_age(conn, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_DEDUP_LOOKBACK_DAYS", "2")
    ingest(conn, [page("wire", "old", TEXTS[11], 0)], SEEN)
    later = T0 + timedelta(days=5)
    paras = TEXTS[11].split("\n\n")
    edited = "\n\n".join(paras[:1] + paras[2:] + ["This article was republished with permission."])
    assert ingest(conn, [page("daily", "late-edit", edited, 24 * 5)], later) == {"new": 1}, \
        "a near copy first seen outside the window: not compared"
    assert ingest(conn, [page("mirror", "late-exact", TEXTS[11], 24 * 5)], later) == {"copy": 1}, \
        "an exact copy: one index lookup at any age"


def test_a_known_article_under_another_spelling_of_its_url_is_unchanged(conn):
    ingest(conn, [page("outlet", "story", TEXTS[12], 1)], SEEN)
    variant = page("outlet", "story", TEXTS[12], 1)
    variant.url = "http://outlet.example/story/amp?utm_source=feed"
    assert ingest(conn, [variant], SEEN + timedelta(hours=1)) == {"unchanged": 1}
    assert conn.execute("select count(*) from warehouse.articles").fetchone() == (1,)


def test_unrelated_articles_published_together_are_separate_stories(conn):
    unrelated = [t for t in TEXTS if "Kherson" not in t][:7]  # the replay's other, older articles
    pages = [page(f"outlet{i}", f"p{i}", text, i * 0.1) for i, text in enumerate(unrelated)]
    ingest(conn, pages, SEEN)
    assert conn.execute("select max(article_count), count(*) from warehouse.stories").fetchone() == (1, 7)


def test_an_error_while_deciding_rolls_the_load_back_cleanly(conn, monkeypatch):
    """Nothing is written while a batch is decided: an exception half-way leaves no row, and the
    same load run again succeeds."""
    from dedup.stories import StoryIndex

    calls = []
    assign = StoryIndex.assign

    def failing_second_time(self, *args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("injected after the first article was decided")
        return assign(self, *args)

    monkeypatch.setattr(StoryIndex, "assign", failing_second_time)
    pages = [page("wire", "one", TEXTS[0], 0), page("daily", "two", TEXTS[1], 1)]
    with pytest.raises(RuntimeError, match="injected"):
        ingest(conn, pages, SEEN)
    assert conn.execute("select count(*) from warehouse.articles").fetchone() == (0,)
    monkeypatch.undo()
    assert ingest(conn, pages, SEEN) == {"new": 2}


def test_a_page_dated_year_one_or_9999_loads_and_its_date_is_not_evidence(conn):
    """Found by the benchmark: a real page's date at the ends of the calendar once made the story
    look-up's window overflow and failed the whole load."""
    from datetime import datetime, timezone

    pages = [page("a", "x", TEXTS[2], 0), page("b", "y", TEXTS[3], 0)]
    pages[0].published_at = datetime(1, 1, 1, tzinfo=timezone.utc)
    pages[1].published_at = datetime(9999, 12, 31, tzinfo=timezone.utc)
    assert ingest(conn, pages, SEEN) == {"new": 2}
    assert conn.execute("select count(*) from dedup.signatures where origin_at = first_seen_at").fetchone() == (2,)


def test_a_page_staged_again_after_fingerprinting_is_fingerprinted_by_the_load(conn):
    """A clean racing this run (a backfill and the schedule) re-stages a page, which forgets its
    fingerprint between the fingerprint task and the load: the load fingerprints it itself."""
    from bench.dedup_data import stage
    from wirehouse.fingerprinting import fingerprint_stage
    from wirehouse.loading import load_interval
    from wirehouse.runs import Interval

    with conn.transaction():
        run_id = stage(conn, [page("a", "x", TEXTS[3], 1), page("b", "y", TEXTS[4], 2)], SEEN)
        fingerprint_stage(conn, [run_id])
        conn.execute("delete from stage.fingerprints where page_id = (select min(page_id) from stage.articles)")
        assert load_interval(conn, [run_id], Interval(SEEN - timedelta(hours=1), SEEN), {}) == {"new": 2}


@pytest.mark.parametrize("workers", ["2", "1"])
def test_fingerprints_from_worker_processes_equal_those_of_one_process(conn, monkeypatch, workers):
    """The fingerprint task in worker processes (several batches, an outlet's boilerplate in play, a URL
    seen twice) stores exactly what the pure code computes, page by page."""
    from bench.dedup_data import stage
    from wirehouse import fingerprinting

    template = outlets(1, random.Random(5))["outlet00"]
    pages = [page("outlet00", f"brief{i}", templated(" ".join(t.split()[:60]), template), i)
             for i, t in enumerate(TEXTS[:9])]
    pages.append(page("outlet00", "brief0", templated(TEXTS[9], template), 9))  # the same URL again
    monkeypatch.setattr(fingerprinting, "FINGERPRINT_BATCH", 3)
    monkeypatch.setenv("WIREHOUSE_CLEAN_WORKERS", workers)
    with conn.transaction():
        run_id = stage(conn, pages, SEEN)
        counters = fingerprinting.fingerprint_stage(conn, [run_id])
        stored = conn.execute("select s.source, s.text, s.title, f.content_hash, f.body_hash, f.anchors,"
                              " f.shingle_count, f.line_hashes, f.story_terms from stage.fingerprints f"
                              " join stage.articles s using (page_id) order by page_id").fetchall()
    # the outlet's furniture is in every page but counted once for the repeated URL: its lines are boilerplate
    assert counters["fingerprinted"] == len(pages) and counters["boilerplate_lines"] > 0
    boilerplate = {line for *_, lines, _ in stored for line in lines
                   if sum(line in other for *_, other, _ in stored[:9]) >= fingerprinting.BOILERPLATE_MIN_PAGES}
    for source, text, title, *fields in stored:
        fp = fingerprint(text, boilerplate, title)
        assert fields == [fp.content_hash, fp.body_hash, fp.anchors, fp.shingle_count, fp.line_hashes,
                          fp.story_terms]

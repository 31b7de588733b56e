"""Accounting: per fetch run, pages = new + versions + unchanged + copies + not articles + rejected,
proved by ops.run_accounting and `wirehouse stats` after an ingest of a replay outlet plus an outlet
whose pages go wrong in every way (a 404, a PDF, an empty body, a short page, an unreadable feed,
a host that refuses connections), and again after a rerun of the same interval."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone

import psycopg
import pytest
import yaml

from tests.stages import REPLAY_DAY, PageSite, checksums, ingest_interval, rss, sources_with
from wirehouse.config import PROJECT_ROOT
from wirehouse.sources import load_sources

GOLD = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay" / "gold.yaml").read_text())["pages"]
KYIVPOST = next(g for g in GOLD if g["source"] == "kyivpost" and g["kind"] == "article")
NOON = datetime(2022, 11, 11, 12, tzinfo=timezone.utc)


def article_html(title: str, text: str, published: str = "2022-11-11T18:00:00Z") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f'<html lang="en"><head><title>{title}</title><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


OWN_TEXT = " ".join(f"Paragraph {i}: the harbour authority reopened the northern pier after repairs"
                    " that took most of the autumn, officials said on Friday." for i in range(12))


@pytest.fixture
def faulty_outlet(tmp_path, unused_port, replay_sources, monkeypatch):
    """The replay's outlets plus `faulty`, served by a PageSite; returns the source names."""
    html = "text/html; charset=utf-8"
    pages = {
        "/faulty/news/own": (200, html, article_html("Pier reopens", OWN_TEXT)),
        "/faulty/news/repost": (200, html, article_html(KYIVPOST["title"], KYIVPOST["text"])),
        "/faulty/news/gone": (404, "text/html", b"<html>gone</html>"),
        "/faulty/news/pdf": (200, "application/pdf", b"%PDF-1.4 ..."),
        "/faulty/news/empty": (200, html, b""),
        "/faulty/news/short": (200, html, article_html("Brief", "Only a few words here.")),
        "/faulty/bad-feed.xml": (200, "application/rss+xml", b"this is not XML at all"),
    }
    with PageSite(pages) as site:
        listed = [f"{site.base_url}/faulty/news/{name}" for name in ("own", "repost", "gone", "pdf", "empty", "short")]
        listed.append(f"http://127.0.0.1:{unused_port}/faulty/news/down")  # nothing listens there
        pages["/faulty/feed.xml"] = (200, "application/rss+xml", rss([(url, NOON) for url in listed]))
        path = sources_with(tmp_path, "faulty", [f"{site.base_url}/faulty/feed.xml",
                                                 f"{site.base_url}/faulty/bad-feed.xml"], [r"/faulty/news/"])
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
        # one replay outlet is enough beside `faulty` (which reposts it); every outlet of the
        # replay is accounted for through Airflow in tests/test_pipeline.py
        yield [s.name for s in load_sources(path) if s.name in ("kyivpost", "faulty")]


def accounting(db: str) -> dict[int, dict]:
    with psycopg.connect(db) as conn:
        cur = conn.execute("select * from ops.run_accounting order by run_id")
        names = [c.name for c in cur.description]
        return {row[0]: dict(zip(names, row)) for row in cur}


def assert_every_outcome_is_backed(db: str) -> None:
    """Each outcome points at what it claims: a reject with its reason, an article, a copy row."""
    with psycopg.connect(db) as conn:
        unbacked = conn.execute(
            "select o.page_id, o.outcome from ops.page_outcomes o where"
            " (o.outcome = 'rejected' and not exists (select 1 from ops.rejects r where r.page_id = o.page_id"
            "   and r.stage = 'clean' and r.reason <> ''))"
            " or (o.outcome in ('new', 'version', 'unchanged', 'copy')"
            "   and not exists (select 1 from warehouse.articles a where a.article_id = o.article_id))"
            " or (o.outcome = 'copy' and not exists (select 1 from warehouse.article_copies c"
            "   where c.article_id = o.article_id))"
            " or (o.outcome = 'version' and not exists (select 1 from warehouse.article_versions v"
            "   where v.page_id = o.page_id))").fetchall()
        orphans = conn.execute("select count(*) from ops.page_outcomes o where not exists"
                               " (select 1 from raw.pages p where p.page_id = o.page_id)").fetchone()[0]
    assert unbacked == [] and orphans == 0


def stats_output(db: str) -> str:
    env = {**os.environ, "WIREHOUSE_DATABASE_URL": db}
    done = subprocess.run([sys.executable, "-m", "wirehouse.cli", "stats"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_every_fetched_page_is_accounted_for_after_an_ingest_and_a_rerun(warehouse_db, faulty_outlet):
    ingest_interval(REPLAY_DAY, faulty_outlet)
    first = accounting(warehouse_db)
    assert len(first) == len(faulty_outlet)
    for run in first.values():
        assert run["status"] == "success" and run["balanced"] and run["undecided"] == 0, run
        assert run["pages"] == (run["new"] + run["versions"] + run["unchanged"] + run["copies"]
                                + run["not_articles"] + run["rejected"])
    (faulty,) = [r for r in first.values() if r["source"] == "faulty"]
    # 9 requests: 2 feeds and 7 listed pages. The refused connection got no page; the unreadable feed
    # is a fetch reject too (kept as a not-article page by older crawls). The article pages: 1 new,
    # 1 copy, 3 rejected, 1 too short to be an article.
    assert {k: faulty[k] for k in ("requests", "fetch_failures", "new", "copies", "rejected")} == {
        "requests": 9, "fetch_failures": 2, "new": 1, "copies": 1, "rejected": 3}
    assert faulty["not_articles"] == faulty["pages"] - 5 and faulty["unanswered"] in (1, 2)
    with psycopg.connect(warehouse_db) as conn:
        reasons = sorted(r[0] for r in conn.execute("select reason from ops.rejects where source = 'faulty'"))
        articles = conn.execute("select count(*) from warehouse.articles").fetchone()[0]
    expected = ["HTTP 404", "connection refused", "empty body", "not HTML", "unreadable feed"]
    assert [reason[:len(e)] for reason, e in zip(reasons, expected)] == expected and len(reasons) == 5
    assert articles == sum(r["new"] for r in first.values())
    assert_every_outcome_is_backed(warehouse_db)
    before = checksums(warehouse_db)

    ingest_interval(REPLAY_DAY, faulty_outlet)  # the rerun: every page is fetched and decided again
    second = {run_id: run for run_id, run in accounting(warehouse_db).items() if run_id not in first}
    assert len(second) == len(faulty_outlet)
    for run in second.values():
        assert run["balanced"] and run["undecided"] == 0 and run["new"] == run["versions"] == 0, run
    assert sum(r["pages"] for r in second.values()) == sum(r["pages"] for r in first.values())
    assert checksums(warehouse_db) == before
    assert_every_outcome_is_backed(warehouse_db)

    lines = [line for line in stats_output(warehouse_db).splitlines() if line.split()[:1] and
             line.split()[0].isdigit() and int(line.split()[0]) in {**first, **second}]
    assert len(lines) == 2 * len(faulty_outlet) and all(line.endswith("yes") for line in lines)


def test_a_page_left_undecided_unbalances_its_run(warehouse_db, faulty_outlet):
    """The equation is a check, not a definition: a page without an outcome shows."""
    ingest_interval(REPLAY_DAY, faulty_outlet[-1:])
    with psycopg.connect(warehouse_db) as conn:
        conn.execute("delete from ops.page_outcomes where page_id = (select min(page_id) from raw.pages)")
        conn.commit()
    (run,) = accounting(warehouse_db).values()
    assert not run["balanced"] and run["undecided"] == 1
    assert stats_output(warehouse_db).rstrip().endswith("NO")

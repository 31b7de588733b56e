"""ops.extraction_quality (migration 002) on a real migrated PostgreSQL, with hand-counted numbers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import psycopg
import pytest

DAY = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


class Pages:
    def __init__(self, conn: psycopg.Connection):
        self.conn, self.next_id = conn, 1

    def add(self, source: str, fetched_at: datetime, *, kind: str = "article", outcome: str | None = None,
            words: int | None = None, authors: tuple[str, ...] = ("Jane Doe",), dated: bool = True,
            title: str | None = "A headline") -> None:
        page_id, self.next_id = self.next_id, self.next_id + 1
        url = f"https://{source}.example/{page_id}"
        self.conn.execute("select raw.ensure_month_partition(%s)", (fetched_at,))
        self.conn.execute(
            "insert into raw.pages (page_id, run_id, source, kind, url, final_url, status, fetched_at)"
            " values (%s, 1, %s, %s, %s, %s, 200, %s)", (page_id, source, kind, url, url, fetched_at))
        if words is not None:
            self.conn.execute(
                "insert into stage.articles (page_id, run_id, source, url, final_url, fetched_at, canonical_url,"
                " title, authors, published_at, text, word_count) values (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s,"
                " 'text', %s)",
                (page_id, source, url, url, fetched_at, url, title, list(authors),
                 fetched_at - timedelta(hours=1) if dated else None, words))
        if outcome:
            self.conn.execute(
                "insert into ops.page_outcomes (page_id, run_id, source, url, outcome) values (%s, 1, %s, %s, %s)",
                (page_id, source, url, outcome))


@pytest.fixture
def quality(warehouse_db):
    with psycopg.connect(warehouse_db, autocommit=True) as conn:
        pages = Pages(conn)
        # alpha's usual length: 400, 500, 600 words in the 30 days before DAY (median 500) ...
        for days_before, words in ((5, 400), (3, 500), (1, 600)):
            pages.add("alpha", DAY - timedelta(days=days_before), words=words, outcome="new")
        pages.add("alpha", DAY - timedelta(days=40), words=50_000, outcome="new")  # ... not this old one
        # DAY: one normal article, two far too short (one without author, one without date or title),
        # one page that is not an article, one rejected, one feed page (not an article page: not counted)
        pages.add("alpha", DAY, words=450, outcome="new")
        pages.add("alpha", DAY + timedelta(hours=2), words=100, authors=(), outcome="copy")
        pages.add("alpha", DAY + timedelta(hours=3), words=90, dated=False, title=" ")
        pages.add("alpha", DAY + timedelta(hours=4), outcome="not_article")
        pages.add("alpha", DAY + timedelta(hours=5), outcome="rejected")
        pages.add("alpha", DAY + timedelta(hours=6), kind="feed", outcome="not_article")
        pages.add("alpha", DAY + timedelta(hours=7))  # fetched, not cleaned yet: not counted
        # beta has no history: nothing can be called short
        pages.add("beta", DAY, words=30, outcome="new")
        rows = conn.execute("select * from ops.extraction_quality order by source, day").fetchall()
        names = [c.name for c in conn.execute("select * from ops.extraction_quality limit 0").description]
    return {(r[0], r[1]): dict(zip(names, r)) for r in rows}


def test_a_day_with_a_changed_template_shows_up(quality):
    row = quality[("alpha", DAY.date())]
    assert (row["pages_cleaned"], row["articles"], row["not_articles"], row["rejected"]) == (5, 3, 1, 1)
    assert row["share_not_article"] == Decimal("0.2500")  # 1 of the 4 pages that reached extraction
    assert row["share_no_date"] == Decimal("0.3333")
    assert row["share_no_author"] == Decimal("0.3333")
    assert row["share_no_title"] == Decimal("0.3333")
    assert row["median_words"] == 100
    assert row["usual_words"] == 500  # the 40-day-old article is outside the 30-day look-back
    assert row["short_articles"] == 2 and row["share_short"] == Decimal("0.6667")


def test_history_days_and_sources_without_history(quality):
    assert sorted(day for source, day in quality if source == "alpha") == sorted(
        (DAY - timedelta(days=d)).date() for d in (40, 5, 3, 1, 0))
    first = quality[("alpha", (DAY - timedelta(days=5)).date())]
    assert first["usual_words"] is None and first["share_short"] is None and first["short_articles"] is None
    assert quality[("alpha", (DAY - timedelta(days=1)).date())]["usual_words"] == 450  # median of 400 and 500
    beta = quality[("beta", DAY.date())]
    assert beta["articles"] == 1 and beta["usual_words"] is None and beta["share_short"] is None
    assert beta["share_no_author"] == 0 and beta["share_not_article"] == 0

"""Writing extracted pages to stage.articles (wirehouse.cleaning.stage_articles), on a real PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import psycopg

from extract import ExtractedPage
from wirehouse.cleaning import RawPage, Staged, stage_articles

FETCHED = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)


def staged(page_id: int, words: int, title: str) -> Staged:
    url = f"https://news.example/{page_id}"
    raw = RawPage(page_id, "article", url, url, 200, {"content-type": "text/html"}, b"<html></html>", FETCHED)
    page = ExtractedPage(is_article=True, url=url, title=title, text="word " * 3, word_count=words,
                         authors=["A. Writer\x00"], extractor_version="test")
    return Staged(7, "example", raw, page)


def test_a_batch_is_staged_and_a_page_the_database_refuses_is_named_alone(warehouse_db):
    with psycopg.connect(warehouse_db) as conn, conn.cursor() as cur:
        refused = stage_articles(cur, [staged(1, 3, "One"), staged(2, 2**40, "Too many words"), staged(3, 3, "Three")])
        assert list(refused) == [2] and "out of range" in refused[2]
        rows = cur.execute("select page_id, title, authors, canonical_url from stage.articles order by 1").fetchall()
        assert rows == [(1, "One", ["A. Writer"], "https://news.example/1"),
                        (3, "Three", ["A. Writer"], "https://news.example/3")]


def test_staging_a_page_again_replaces_its_extraction_and_drops_its_fingerprint(warehouse_db):
    with psycopg.connect(warehouse_db) as conn, conn.cursor() as cur:
        assert stage_articles(cur, [staged(1, 3, "First"), staged(2, 3, "Other")]) == {}
        cur.execute("insert into stage.fingerprints values (1, 'c', 'b', '{}', 0, '{}', '{}'),"
                    " (2, 'c', 'b', '{}', 0, '{}', '{}')")
        assert stage_articles(cur, [staged(1, 3, "Second")]) == {}
        assert cur.execute("select page_id, title from stage.articles order by 1").fetchall() == [
            (1, "Second"), (2, "Other")]
        assert cur.execute("select page_id from stage.fingerprints").fetchall() == [(2,)]


def test_only_article_pages_answered_with_html_and_a_body_go_to_the_extractor():
    def page(kind="article", status=200, headers=None, body=b"<html></html>") -> RawPage:
        return RawPage(1, kind, "https://a.example/x", "https://a.example/x", status,
                       {"content-type": "text/html; charset=utf-8"} if headers is None else headers, body, FETCHED)

    assert page().extractable and page(headers={}).extractable, "no content-type header: taken as HTML"
    assert not page(headers={"content-type": "image/png"}).extractable, "rejected as not HTML, never parsed"
    assert not page(headers={"content-type": "application/pdf"}).extractable
    assert not page(kind="feed").extractable and not page(status=404).extractable and not page(body=b"").extractable

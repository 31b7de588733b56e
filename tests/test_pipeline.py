"""The whole DAG, run by Airflow (`airflow dags test`), against the replay and a real PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest

from tests.contract import snapshot
from tests.replay_expectations import linked_and_undated
from wirehouse.ingest import run_ingest
from wirehouse.replay import load_gold

REPLAY_DAY = datetime(2022, 11, 11, tzinfo=timezone.utc)  # the interval seeds/replay.yaml ingests


@pytest.fixture
def ingested(warehouse_db, replay_sources, tmp_path, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_HOME", str(tmp_path))
    (first,) = run_ingest()  # the replay's outlets all run daily: one DAG run
    return warehouse_db, first


def test_dag_loads_the_replay_and_a_rerun_changes_nothing(ingested, replay_server):
    db, first = ingested
    gold = load_gold(replay_server.base_url)
    older = linked_and_undated(gold, REPLAY_DAY)  # the section pages link them, no listing dates them
    articles = {g["canonical_url"]: g for g in gold if g["kind"] == "article" or g["canonical_url"] in older}
    (copy,) = [g for g in gold if g["kind"] == "copy"]
    assert len(older) == 6

    assert not first.failed and len(first.sources) == 6, first.lines()
    tables = snapshot(db)
    with psycopg.connect(db) as conn:
        loaded = dict(conn.execute("select canonical_url, title from warehouse.articles").fetchall())
        assert loaded == {url: g["title"] for url, g in articles.items()}

        original = conn.execute("select article_id from warehouse.articles where canonical_url = %s",
                                (copy["original_url"],)).fetchone()[0]
        copies = conn.execute("select url, source, article_id, kind, similarity from warehouse.article_copies").fetchall()
        assert len(copies) == 1
        url, source, article_id, kind, similarity = copies[0]
        assert (url, source, article_id) == (copy["canonical_url"], "aggregator", original)
        assert kind in ("near", "partial") and similarity >= 0.8

        url_map = dict(conn.execute("select url, article_id from warehouse.article_urls").fetchall())
        for g in gold:
            for variant in g.get("variant_urls", []):
                if g["kind"] == "article":
                    assert url_map[variant] == url_map[g["canonical_url"]], "tracking variant maps to its article"
        assert url_map[copy["url"]] == original

        assert conn.execute("select count(*), max(version_no) from warehouse.article_versions").fetchone() == (
            len(articles), 1)
        stories = conn.execute("select article_count, sources from warehouse.stories").fetchall()
        assert [s for s in stories if s[0] > 1] == [(5, ["businessinsider", "express", "huffpost", "kyivpost", "newsmax"])]
        assert len(stories) == 1 + len(older)  # each older article is a story of its own
        hits = conn.execute("select count(*) from warehouse.articles"
                            " where search @@ websearch_to_tsquery('english', 'Kherson')").fetchone()[0]
        assert hits == 5

        accounting = conn.execute(
            "select sum(pages), sum(new + versions + unchanged + copies + not_articles + rejected), sum(undecided),"
            " sum(new), sum(copies) from ops.run_accounting").fetchone()
        assert accounting[0] == accounting[1] and accounting[2] == 0
        assert accounting[3:] == (len(articles), 1)

    (second,) = run_ingest()
    assert not second.failed
    assert snapshot(db) == tables
    assert sum(s.outcomes.get("new", 0) + s.outcomes.get("version", 0) for s in second.sources) == 0

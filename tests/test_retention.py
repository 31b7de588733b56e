"""Retention (`wirehouse prune`, the wirehouse_maintenance DAG) over data spread across simulated months."""
from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata
from wirehouse.cli import main
from wirehouse.config import settings
from wirehouse.retention import RetentionError, prune

NOW = datetime(2026, 7, 15, 12, tzinfo=timezone.utc)
MONTHS = [datetime(2026, m, 10, tzinfo=timezone.utc) for m in range(1, 8)]  # 10 Jan ... 10 Jul
PAGES_PER_MONTH = 3


@pytest.fixture
def months(warehouse_db, monkeypatch):
    """Pages, staged articles, articles with anchors and copies, and ops history on the 10th of Jan..Jul.

    Raw retention 90 days (cutoff 16 Apr: January to March go), look-back 60 days (anchors of
    articles first seen before 15 Feb go), ops retention 120 days (history before 17 Mar goes)."""
    monkeypatch.setenv("WIREHOUSE_RAW_RETENTION_DAYS", "90")
    monkeypatch.setenv("WIREHOUSE_DEDUP_LOOKBACK_DAYS", "60")
    monkeypatch.setenv("WIREHOUSE_OPS_RETENTION_DAYS", "120")
    with psycopg.connect(warehouse_db, autocommit=True) as conn:
        for i, when in enumerate(MONTHS):
            run_id = conn.execute(
                "insert into ops.runs (task, source, interval_start, interval_end, started_at, status)"
                " values ('fetch', 'site', %s, %s, %s, 'success') returning run_id",
                (when - timedelta(hours=1), when, when)).fetchone()[0]
            conn.execute("insert into dedup.fingerprinted_runs (run_id, generation) values (%s, 0)", (run_id,))
            conn.execute("select raw.ensure_month_partition(%s)", (when,))
            for n in range(PAGES_PER_MONTH):
                url = f"https://site.example/{i}/{n}"
                page_id = conn.execute(
                    "insert into raw.pages (run_id, source, kind, url, final_url, status, body, fetched_at)"
                    " values (%s, 'site', 'article', %s, %s, 200, 'x', %s) returning page_id",
                    (run_id, url, url, when)).fetchone()[0]
                conn.execute(
                    "insert into stage.articles (page_id, run_id, source, url, final_url, fetched_at, canonical_url,"
                    " text, word_count) values (%s, %s, 'site', %s, %s, %s, %s, 'text', 1)",
                    (page_id, run_id, url, url, when, url))
                conn.execute(
                    "insert into stage.fingerprints (page_id, content_hash, body_hash, anchors, shingle_count,"
                    " line_hashes, story_terms) values (%s, 'h', 'b', '{}', 0, '{}', '{}')", (page_id,))
                conn.execute("insert into ops.page_outcomes (page_id, run_id, source, url, outcome, decided_at)"
                             " values (%s, %s, 'site', %s, 'not_article', %s)", (page_id, run_id, url, when))
            conn.execute("insert into ops.rejects (run_id, source, url, stage, reason, created_at)"
                         " values (%s, 'site', 'https://site.example/bad', 'fetch', 'timeout', %s)", (run_id, when))
            article_id = conn.execute(
                "insert into warehouse.articles (source, canonical_url, text, word_count, content_hash,"
                " first_seen_at, last_seen_at) values ('site', %s, 'text', 1, %s, %s, %s) returning article_id",
                (f"https://site.example/a{i}", f"c{i}", when, when)).fetchone()[0]
            conn.execute("insert into dedup.signatures (article_id, shingle_count, source, anchor_count,"
                         " first_seen_at, origin_at) values (%s, 10, 'site', 2, %s, %s)", (article_id, when, when))
            conn.execute("insert into dedup.anchors (anchor, article_id) values (%s, %s), (%s, %s)",
                         (i * 10, article_id, i * 10 + 1, article_id))
            copy_url = f"https://other.example/copy{i}"
            conn.execute("insert into warehouse.article_copies (url, source, article_id, kind, similarity,"
                         " first_seen_at, last_seen_at) values (%s, 'other', %s, 'exact', 1, %s, %s)",
                         (copy_url, article_id, when, when))
            conn.execute("insert into dedup.copy_anchors (anchor, url) values (%s, %s)", (i * 10, copy_url))
        # a run that started long ago and is still marked running is never deleted
        conn.execute("insert into ops.runs (task, source, interval_start, interval_end, started_at)"
                     " values ('fetch', 'site', %s, %s, %s)", (MONTHS[0], MONTHS[0], MONTHS[0]))
    return warehouse_db


def counts(url: str) -> dict[str, int]:
    tables = ["raw.pages", "stage.articles", "stage.fingerprints", "dedup.anchors", "dedup.copy_anchors",
              "dedup.signatures", "ops.page_outcomes", "ops.rejects", "ops.runs", "dedup.fingerprinted_runs",
              "warehouse.articles", "warehouse.article_copies", "warehouse.article_urls", "warehouse.article_versions"]
    with psycopg.connect(url) as conn:
        found = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        found["partitions"] = conn.execute(
            "select count(*) from pg_inherits where inhparent = 'raw.pages'::regclass").fetchone()[0]
    return found


def test_prune_drops_whole_partitions_and_trims_what_can_no_longer_match(months):
    before = counts(months)
    assert before["partitions"] == 7 and before["raw.pages"] == 7 * PAGES_PER_MONTH

    with psycopg.connect(months, autocommit=True) as conn:
        dry = prune(conn, NOW, settings(), dry_run=True)
    assert counts(months) == before, "a dry run changes nothing"
    assert [p.name for p in dry.partitions] == ["pages_2026_01", "pages_2026_02", "pages_2026_03"]
    assert dry.freed_bytes > 0

    with psycopg.connect(months, autocommit=True) as conn:
        report = prune(conn, NOW, settings())
    assert report.partitions == dry.partitions and report.trimmed == dry.trimmed
    after = counts(months)
    assert after["partitions"] == 4 and after["raw.pages"] == 4 * PAGES_PER_MONTH
    assert after["stage.articles"] == after["stage.fingerprints"] == 4 * PAGES_PER_MONTH
    # anchors of the articles first seen 10 Jan and 10 Feb (before 15 Feb) go; those of 10 Mar on stay
    assert after["dedup.anchors"] == 2 * 5 and after["dedup.copy_anchors"] == 5
    assert after["dedup.signatures"] == before["dedup.signatures"], "exact matches still find every article"
    # history before 17 Mar goes (January, February, March 10th), the run still running stays
    assert after["ops.page_outcomes"] == 4 * PAGES_PER_MONTH and after["ops.rejects"] == 4
    assert after["ops.runs"] == 4 + 1 and after["dedup.fingerprinted_runs"] == 4
    for table in ("warehouse.articles", "warehouse.article_copies", "warehouse.article_urls",
                  "warehouse.article_versions"):
        assert after[table] == before[table], f"{table} is never touched"
    with psycopg.connect(months) as conn:
        assert conn.execute("select count(*) from raw.pages where fetched_at < '2026-04-01'").fetchone()[0] == 0
        months_left = [m for (m,) in conn.execute("select distinct date_trunc('month', fetched_at) from raw.pages")]
        assert len(months_left) == 4

    with psycopg.connect(months, autocommit=True) as conn:
        again = prune(conn, NOW, settings())
    assert again.partitions == () and all(t.rows == 0 for t in again.trimmed), "a rerun frees nothing more"
    assert counts(months) == after


def test_ops_retention_shorter_than_raw_retention_is_refused(months, monkeypatch, capsys):
    monkeypatch.setenv("WIREHOUSE_OPS_RETENTION_DAYS", "30")
    before = counts(months)
    with psycopg.connect(months, autocommit=True) as conn, pytest.raises(RetentionError, match="at least"):
        prune(conn, NOW, settings())
    assert main(["prune", "--now", NOW.isoformat()]) == 2
    assert "WIREHOUSE_OPS_RETENTION_DAYS (30) must be at least WIREHOUSE_RAW_RETENTION_DAYS (90)" in \
        capsys.readouterr().err
    monkeypatch.setenv("WIREHOUSE_RAW_RETENTION_DAYS", "ninety")
    assert main(["prune"]) == 2
    assert "WIREHOUSE_RAW_RETENTION_DAYS='ninety'" in capsys.readouterr().err
    assert counts(months) == before


def test_prune_command_reports_and_dry_run_keeps_everything(months, capsys):
    before = counts(months)
    assert main(["prune", "--dry-run", "--now", "2026-07-15T12:00"]) == 0
    out = capsys.readouterr().out
    assert "would drop raw.pages_2026_01" in out and "would drop raw.pages_2026_04" not in out
    assert "would delete 6 rows of ops.page_outcomes" not in out  # January to March: 9 rows
    assert "would delete 9 rows of ops.page_outcomes" in out
    assert counts(months) == before
    assert main(["prune", "--now", "2026-07-15T12:00"]) == 0
    assert "dropped raw.pages_2026_03" in capsys.readouterr().out
    assert counts(months)["partitions"] == 4


def test_maintenance_dag_prunes_as_of_its_interval(months, tmp_path):
    """`airflow dags test` of wirehouse_maintenance: the data interval's end is the prune's "now"."""
    env = airflow_env(tmp_path / "airflow")
    migrate_metadata(env, tmp_path / "migrate.log")
    done = airflow(["dags", "test", "wirehouse_maintenance", (NOW - timedelta(hours=1)).isoformat()], env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "dropped raw.pages_2026_03" in done.stdout
    after = counts(months)
    assert after["partitions"] == 4 and after["warehouse.articles"] == len(MONTHS)

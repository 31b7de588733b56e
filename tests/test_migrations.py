"""sql/schema.sql is exactly what the numbered migrations build, and migrating twice is a no-op."""
from __future__ import annotations

import psycopg

from wirehouse.config import PROJECT_ROOT
from wirehouse.migrate import available, migrate
from wirehouse.schema_dump import dump_schema

SCHEMA = PROJECT_ROOT / "sql" / "schema.sql"


def test_migrations_equal_schema_snapshot(blank_db, pg_server):
    with psycopg.connect(blank_db, autocommit=True) as conn:
        applied = migrate(conn)
    assert [m.version for m in applied] == [m.version for m in available()]
    assert dump_schema(blank_db) == SCHEMA.read_text(), (
        "sql/schema.sql is stale: regenerate it with `.venv/bin/python -m wirehouse.schema_dump`")


def test_schema_snapshot_loads_into_a_blank_database(pg_server, blank_db, request):
    from tests.conftest import _create_database, _drop_database

    other = _create_database(pg_server)
    request.addfinalizer(lambda: _drop_database(pg_server, other))
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute(SCHEMA.read_text())
    with psycopg.connect(blank_db, autocommit=True) as conn:
        migrate(conn)
    assert dump_schema(other) == dump_schema(blank_db)


def test_migrate_is_idempotent_and_recorded(blank_db):
    with psycopg.connect(blank_db, autocommit=True) as conn:
        first = migrate(conn)
        second = migrate(conn)
        recorded = conn.execute("select version, name from ops.schema_migrations order by version").fetchall()
    assert first and second == []
    assert recorded == [(m.version, m.name) for m in first]


def test_public_contract_names_exist(warehouse_db):
    contract = {
        "warehouse.articles": {"article_id", "source", "canonical_url", "title", "authors", "published_at",
                               "modified_at", "language", "description", "text", "word_count", "content_hash",
                               "first_seen_at", "last_seen_at", "version_count", "story_id", "search"},
        "warehouse.article_urls": {"url", "canonical_url", "article_id"},
        "warehouse.article_copies": {"url", "source", "article_id", "kind", "similarity"},
        "warehouse.article_versions": {"article_id", "version_no", "fetched_at", "content_hash", "title", "text"},
        "warehouse.stories": {"story_id", "title", "first_published_at", "article_count", "sources"},
        "raw.pages": {"url", "final_url", "status", "headers", "body", "fetched_at", "run_id"},
        "ops.runs": {"run_id", "task", "source", "interval_start", "interval_end", "counters", "stats"},
        "ops.rejects": {"reason", "raw", "url", "stage"},
    }
    with psycopg.connect(warehouse_db) as conn:
        for table, columns in contract.items():
            schema, name = table.split(".")
            found = {r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
                (schema, name))}
            assert columns <= found, f"{table} lacks {columns - found}"
        conn.execute("set enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            "explain select article_id from warehouse.articles"
            " where search @@ websearch_to_tsquery('english', 'Kherson')"))
    assert "articles_search_idx" in plan


def test_raw_pages_partitioned_by_month(warehouse_db):
    with psycopg.connect(warehouse_db, autocommit=True) as conn:
        conn.execute("select raw.ensure_month_partition('2022-11-30T23:59:59Z')")
        conn.execute("select raw.ensure_month_partition('2022-11-01T00:00:00Z')")
        parts = [r[0] for r in conn.execute(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " where i.inhparent = 'raw.pages'::regclass order by 1")]
    assert parts == ["pages_2022_11"]


def test_two_fetches_creating_the_same_partition_at_once_both_succeed(warehouse_db):
    """The first creates the month's partition in an open transaction; the second, started
    meanwhile, must wait and then find it, not fail with duplicate_table."""
    import threading

    errors: list[Exception] = []

    def second() -> None:
        try:
            with psycopg.connect(warehouse_db, autocommit=True) as other:
                other.execute("select raw.ensure_month_partition('2031-05-15T00:00:00Z')")
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)

    with psycopg.connect(warehouse_db) as first:
        first.execute("select raw.ensure_month_partition('2031-05-01T00:00:00Z')")
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second creator should wait for the first transaction"
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    with psycopg.connect(warehouse_db) as conn:
        assert conn.execute("select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                            " where i.inhparent = 'raw.pages'::regclass and c.relname = 'pages_2031_05'"
                            ).fetchone() == (1,)

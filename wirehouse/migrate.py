"""Numbered SQL migrations in sql/migrations, each applied once, in its own transaction."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from wirehouse.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "sql" / "migrations"
FILE_RE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
LOCK_KEY = 0x77686D67  # "whmg": one migrator at a time per database

BOOTSTRAP = """
create schema if not exists ops;
create table if not exists ops.schema_migrations (
    version     integer primary key,
    name        text not null,
    applied_at  timestamptz not null default now()
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = FILE_RE.match(path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"{directory}: two migrations share a number")
    return found


def migrate(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every migration the database lacks; returns those applied."""
    conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        with conn.transaction():
            conn.execute(BOOTSTRAP)
        done = {row[0] for row in conn.execute("select version from ops.schema_migrations")}
        applied = []
        for migration in available(directory):
            if migration.version in done:
                continue
            with conn.transaction():
                conn.execute(migration.path.read_text(encoding="utf-8"))
                conn.execute(
                    "insert into ops.schema_migrations (version, name) values (%s, %s)",
                    (migration.version, migration.name),
                )
            applied.append(migration)
        return applied
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))

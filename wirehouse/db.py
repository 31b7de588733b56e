"""Database access: one place that knows where the warehouse is.

With WIREHOUSE_DATABASE_URL unset, an embedded PostgreSQL (pgserver) is started on
demand with its data under .wirehouse/pg and left running for the next process.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg

from wirehouse.config import settings


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server in data_dir and return its URL."""
    # pgserver asks platformdirs for a runtime dir, which must be private or it warns.
    runtime = data_dir.parent / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # imported lazily: only the embedded path needs it

    logging.getLogger("pgserver").setLevel(logging.WARNING)  # its exit-time INFO lines hit closed streams

    # Two processes starting the same cluster at once would race on initdb.
    with open(data_dir.parent / f"{data_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
        return server.get_uri()


def database_url() -> str:
    cfg = settings()
    if cfg.database_url:
        return cfg.database_url
    url = with_database(embedded_url(cfg.embedded_dir), "wirehouse")
    ensure_database(url)
    # Child processes (Scrapy subprocesses, Airflow tasks) reuse the running server.
    os.environ["WIREHOUSE_DATABASE_URL"] = url
    return url


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url or database_url(), **kwargs)


@contextlib.contextmanager
def transaction(url: str | None = None) -> Iterator[psycopg.Connection]:
    """A connection whose work commits on success and rolls back on error."""
    with connect(url) as conn:
        with conn.transaction():
            yield conn


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**info)


def ensure_database(url: str) -> None:
    """Create the database named in url if the server does not have it yet."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname", "postgres")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name)))

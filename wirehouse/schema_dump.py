"""Dump the schema of a migrated database the way sql/schema.sql stores it.

`python -m wirehouse.schema_dump` regenerates sql/schema.sql from a blank database.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

from wirehouse.config import PROJECT_ROOT


def pg_dump_binary() -> str:
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise RuntimeError("pg_dump not found")
    return found


def dump_schema(url: str) -> str:
    out = subprocess.run(
        [pg_dump_binary(), "--schema-only", "--no-owner", "--no-privileges", "--no-comments", "--dbname", url],
        check=True, capture_output=True, text=True).stdout
    lines = [line for line in out.splitlines()
             if not line.startswith("--") and not line.startswith("\\restrict") and not line.startswith("\\unrestrict")
             and not line.startswith("SET ") and not line.startswith("SELECT pg_catalog.set_config")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def main() -> int:
    from wirehouse.db import embedded_url, with_database
    from wirehouse.migrate import migrate

    server = with_database(embedded_url(PROJECT_ROOT / ".wirehouse" / "test-pg"), "postgres")
    name = f"wh_schema_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name)))
    try:
        url = with_database(server, name)
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        (PROJECT_ROOT / "sql" / "schema.sql").write_text(dump_schema(url))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop database {} with (force)").format(psycopg.sql.Identifier(name)))
    print("wrote sql/schema.sql")
    return 0


if __name__ == "__main__":
    sys.exit(main())

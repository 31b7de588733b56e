"""Named SQL queries from sql/queries/*.sql.

A file holds queries, each headed by `-- name: NAME` and comment lines saying what it does:

    -- name: known_copy_urls
    -- The copies known by any of the batch's URLs.
    select url, article_id from warehouse.article_copies where url = any(%(urls)s)

`queries("dedup").known_copy_urls` is that statement's text (psycopg parameters by name).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from wirehouse.config import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "sql" / "queries"
_HEADER = re.compile(r"^-- name: ([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    sql: str


class Queries:
    def __init__(self, found: dict[str, Query]):
        self.found = found

    def __getattr__(self, name: str) -> str:
        try:
            return self.found[name].sql
        except KeyError:
            raise AttributeError(f"no query named {name!r} in sql/queries") from None


def parse(text: str) -> dict[str, Query]:
    parts = _HEADER.split(text)
    found: dict[str, Query] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        lines = body.strip().splitlines()
        description = [line[2:].strip() for line in lines if line.startswith("--")]
        sql = "\n".join(line for line in lines if not line.startswith("--")).strip().rstrip(";")
        if name in found or not sql or not description:
            raise ValueError(f"query {name!r}: each query needs a unique name, a description and a statement")
        found[name] = Query(name, " ".join(description), sql)
    return found


@functools.cache
def queries(group: str) -> Queries:
    return Queries(parse((QUERIES_DIR / f"{group}.sql").read_text(encoding="utf-8")))

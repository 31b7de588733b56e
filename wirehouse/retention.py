"""`wirehouse prune` and the daily maintenance DAG: drop what has outlived its use, never warehouse.*.

- raw.pages: whole monthly partitions whose range ended WIREHOUSE_RAW_RETENTION_DAYS (90) or more
  before `now` are dropped (never rows one by one); the staged articles of those pages with them.
- dedup.anchors and dedup.copy_anchors of articles first seen more than the look-back window plus
  the raw retention before `now`: no load can compare a page with them any more (a backfill of an
  interval still in raw retention looks back at most that far). The signatures, whose hashes find
  exact copies at any age, stay.
- ops.page_outcomes, ops.rejects, ops.reextractions and ended ops.runs older than
  WIREHOUSE_OPS_RETENTION_DAYS (365),
  which must be at least the raw retention: a stored page's accounting needs its run.

Everything happens in one transaction; `dry_run` rolls it back after measuring, so it reports
exactly what a real prune would free.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from wirehouse.config import Settings
from wirehouse.queries import queries

Q = queries("retention")
_DELETE_FROM = re.compile(r"delete from (\S+)")  # each trim is one `delete from TABLE ...`


class RetentionError(ValueError):
    """Retention settings that would break the guarantees."""


@dataclass(frozen=True)
class DroppedPartition:
    name: str
    ended: datetime
    bytes: int
    pages: int


@dataclass(frozen=True)
class Trimmed:
    table: str
    rows: int


@dataclass(frozen=True)
class PruneReport:
    now: datetime
    raw_cutoff: datetime
    anchor_cutoff: datetime
    ops_cutoff: datetime
    partitions: tuple[DroppedPartition, ...]
    trimmed: tuple[Trimmed, ...]
    dry_run: bool

    @property
    def freed_bytes(self) -> int:
        return sum(p.bytes for p in self.partitions)

    def lines(self) -> list[str]:
        verb = "would drop" if self.dry_run else "dropped"
        out = [f"retention at {self.now:%Y-%m-%d %H:%M} UTC: raw pages before {self.raw_cutoff:%Y-%m-%d}, "
               f"dedup anchors of articles first seen before {self.anchor_cutoff:%Y-%m-%d}, "
               f"ops history before {self.ops_cutoff:%Y-%m-%d}"]
        for p in self.partitions:
            out.append(f"{verb} raw.{p.name} (ended {p.ended:%Y-%m-%d}, {p.pages:,} pages, {_size(p.bytes)})")
        if not self.partitions:
            out.append("no raw.pages partition is past retention")
        for t in self.trimmed:
            out.append(f"{'would delete' if self.dry_run else 'deleted'} {t.rows:,} rows of {t.table}")
        out.append(f"{'would free' if self.dry_run else 'freed'} {_size(self.freed_bytes)} of raw pages at once; "
                   "deleted rows are reused after autovacuum")
        return out


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def prune(conn: psycopg.Connection, now: datetime, config: Settings, dry_run: bool = False) -> PruneReport:
    """Apply the retention settings as of `now` (the run's time, never the clock inside a task)."""
    if config.ops_retention_days < config.raw_retention_days:
        raise RetentionError(
            f"WIREHOUSE_OPS_RETENTION_DAYS ({config.ops_retention_days}) must be at least "
            f"WIREHOUSE_RAW_RETENTION_DAYS ({config.raw_retention_days}): a stored page's accounting needs its run")
    raw_cutoff = now - timedelta(days=config.raw_retention_days)
    anchor_cutoff = now - timedelta(days=config.lookback_days + config.raw_retention_days)
    ops_cutoff = now - timedelta(days=config.ops_retention_days)
    with conn.transaction() as tx:
        conn.execute("set local lock_timeout = '60s'")  # dropping a partition waits for running fetches
        partitions = tuple(
            DroppedPartition(name, ended, size, conn.execute(
                sql.SQL("select count(*) from raw.{}").format(sql.Identifier(name))).fetchone()[0])
            for name, ended, size in conn.execute(Q.raw_partitions, {"cutoff": raw_cutoff}).fetchall())
        trimmed = []
        if partitions:
            trimmed.append(Trimmed("stage.articles", conn.execute(
                Q.delete_staged, {"until": partitions[-1].ended}).rowcount))
            for p in partitions:
                conn.execute(sql.SQL("drop table raw.{}").format(sql.Identifier(p.name)))
        cutoffs = {"anchor_cutoff": anchor_cutoff, "ops_cutoff": ops_cutoff}
        for query in (Q.delete_anchors, Q.delete_copy_anchors, Q.delete_outcomes, Q.delete_rejects,
                      Q.delete_reextractions, Q.delete_fingerprinted_runs, Q.delete_runs):
            trimmed.append(Trimmed(_DELETE_FROM.match(query).group(1), conn.execute(query, cutoffs).rowcount))
        report = PruneReport(now, raw_cutoff, anchor_cutoff, ops_cutoff, partitions, tuple(trimmed), dry_run)
        if dry_run:
            raise psycopg.Rollback(tx)  # leaves the transaction block, undoing everything
    return report

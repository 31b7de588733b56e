"""ops.runs bookkeeping: every task run is a row with its interval, status and counters."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import psycopg


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


class WindowError(ValueError):
    """A catch-up window (the run's `from` and `to` params) that cannot be ingested."""


def interval_from_context(context) -> Interval:
    """The run's interval: a catch-up run's `from`/`to` params, else its data interval; a manual run
    without either ingests the hour before it was triggered."""
    params = context.get("params") or {}
    if params.get("from") or params.get("to"):
        return catch_up_window(params.get("from"), params.get("to"), context["dag_run"].run_after)
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None:
        end = context["dag_run"].run_after.replace(minute=0, second=0, microsecond=0)
        start = end - timedelta(hours=1)
    return Interval(start, end)


def catch_up_window(start: str | datetime | None, end: str | datetime | None, now: datetime) -> Interval:
    """[start, end) from ISO dates or times (UTC unless they say otherwise); `end` defaults to `now`
    and may not lie after it: a window ends where the pipeline can have seen pages."""
    def parse(value: str | datetime, name: str) -> datetime:
        try:
            when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            raise WindowError(f"{name}: {value!r} is not an ISO date or time (e.g. 2026-01-01)") from None
        return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)

    if not start:
        raise WindowError("a catch-up run needs `from` (and optionally `to`, default: now)")
    window = Interval(parse(start, "from"), parse(end, "to") if end else now)
    if window.start >= window.end:
        raise WindowError(f"from ({window.start.isoformat()}) must be before to ({window.end.isoformat()})")
    if window.end > now:
        raise WindowError(f"to ({window.end.isoformat()}) is after the run's time ({now.isoformat()})")
    return window


@dataclass
class RunRecord:
    run_id: int
    counters: dict = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n


def start_run(conn: psycopg.Connection, task: str, interval: Interval, source: str | None = None,
              dag_id: str | None = None, dag_run_id: str | None = None) -> int:
    row = conn.execute(
        "insert into ops.runs (task, source, interval_start, interval_end, dag_id, dag_run_id)"
        " values (%s, %s, %s, %s, %s, %s) returning run_id",
        (task, source, interval.start, interval.end, dag_id, dag_run_id),
    ).fetchone()
    return row[0]


def finish_run(conn: psycopg.Connection, run_id: int, status: str, counters: dict, error: str | None = None) -> None:
    conn.execute(
        "update ops.runs set status = %s, counters = %s, error = %s, finished_at = clock_timestamp()"
        " where run_id = %s",
        (status, json.dumps(counters, sort_keys=True), error, run_id),
    )


@contextlib.contextmanager
def recorded_run(conn: psycopg.Connection, task: str, interval: Interval, source: str | None = None,
                 dag_id: str | None = None, dag_run_id: str | None = None) -> Iterator[RunRecord]:
    """Record a task run; it ends 'success', or 'failed' with the error when the body raises.

    conn must be in autocommit mode so the record survives the task's own rollback.
    """
    record = RunRecord(start_run(conn, task, interval, source, dag_id, dag_run_id))
    try:
        yield record
    except BaseException as exc:
        finish_run(conn, record.run_id, "failed", record.counters, f"{type(exc).__name__}: {exc}")
        raise
    finish_run(conn, record.run_id, "success", record.counters)


def current_fetch_runs(conn: psycopg.Connection, interval: Interval) -> dict[str, int]:
    """source -> the latest successful fetch run of that source for exactly this interval."""
    rows = conn.execute(
        "select distinct on (source) source, run_id from ops.runs"
        " where task = 'fetch' and status = 'success' and interval_start = %s and interval_end = %s"
        " order by source, run_id desc",
        (interval.start, interval.end),
    ).fetchall()
    return dict(rows)


STAGE_TASKS = {"per_source.fetch": "fetch", "per_source.clean": "clean", "fingerprint": "fingerprint", "load": "load"}


def record_task_failure(context) -> None:
    """Airflow's on_failure_callback: mark the task's ops.runs row failed, even when the task was killed."""
    from wirehouse.db import connect

    ti = context["ti"]
    task = STAGE_TASKS.get(ti.task_id)
    if task is None:
        return
    source = None
    if ti.map_index is not None and ti.map_index >= 0:
        sources = ti.xcom_pull(task_ids="prepare") or []
        source = sources[ti.map_index] if ti.map_index < len(sources) else None
    error = f"airflow: {context.get('exception') or 'task failed'}"
    interval = interval_from_context(context)
    with connect(autocommit=True) as conn:
        updated = conn.execute(
            "update ops.runs set status = 'failed', finished_at = clock_timestamp(), error = coalesce(error, %s)"
            " where dag_run_id = %s and task = %s and source is not distinct from %s and status = 'running'",
            (error, context["run_id"], task, source)).rowcount
        # The task's own code records its exceptions; only a failure it never saw needs a row here.
        recorded = updated or conn.execute(
            "select 1 from ops.runs where dag_run_id = %s and task = %s and source is not distinct from %s"
            " and status = 'failed' and started_at >= coalesce(%s, '-infinity')",
            (context["run_id"], task, source, getattr(ti, "start_date", None))).fetchone()
        if not recorded:
            run_id = start_run(conn, task, interval, source, context["dag"].dag_id, context["run_id"])
            finish_run(conn, run_id, "failed", {}, error)

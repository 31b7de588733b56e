"""Crash and rerun: a stage killed for real (SIGKILL of its process group, the database session
terminated) at each step, then the run again, ends in the same warehouse as an uninterrupted run;
two runs at once (overlapping intervals, a backfill racing the scheduled run) end as if one had
run after the other. Warehouses are compared by a checksum of each contract table."""
from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import psycopg
import pytest

from tests.conftest import _create_database, _drop_database
from tests.stages import REPLAY_DAY, checksums, stage_process
from wirehouse.loading import LOCK_KEY
from wirehouse.migrate import migrate
from wirehouse.runs import Interval

SOURCES = "businessinsider,aggregator"  # the aggregator reposts Business Insider: an article and its copy
RUN = [f"run:{SOURCES}"]
LATER = Interval(REPLAY_DAY.start + timedelta(hours=12), REPLAY_DAY.end + timedelta(hours=12))  # overlaps


@pytest.fixture(scope="module")
def databases(pg_server):
    made = []

    def fresh() -> str:
        url = _create_database(pg_server)
        made.append(url)
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        return url

    yield fresh
    for url in made:
        _drop_database(pg_server, url)


@pytest.fixture(scope="module")
def env(replay_server):
    from wirehouse.config import PROJECT_ROOT

    return {"WIREHOUSE_SOURCES": str(PROJECT_ROOT / "seeds" / "replay.yaml"),
            "WIREHOUSE_REPLAY_URL": replay_server.base_url, "WIREHOUSE_TASK_RETRIES": "0"}


def run(db: str, env: dict, steps: list[str], interval: Interval = REPLAY_DAY) -> None:
    process = stage_process(steps, {**env, "WIREHOUSE_DATABASE_URL": db}, interval)
    assert process.wait(timeout=300) == 0, steps


@pytest.fixture(scope="module")
def uninterrupted(databases, env):
    db = databases()
    run(db, env, RUN)
    sums = checksums(db)
    assert sums["warehouse.articles"][0] >= 1 and sums["warehouse.article_copies"][0] == 1
    return sums


def wait_for(conn: psycopg.Connection, query: str, params=(), timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(query, params).fetchone()
        if row:
            return row
        time.sleep(0.05)
    raise TimeoutError(query)


def kill(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_killed_mid_fetch_then_rerun(databases, env, uninterrupted):
    db = databases()
    process = stage_process(["fetch:businessinsider"], {**env, "WIREHOUSE_DATABASE_URL": db})
    with psycopg.connect(db, autocommit=True) as conn:
        # the crawler has opened its connection to store pages: the fetch is under way
        wait_for(conn, "select 1 from pg_stat_activity a join ops.runs r on r.status = 'running'"
                       " where a.datname = current_database() and a.pid <> pg_backend_pid()"
                       " and a.backend_start > r.started_at + interval '10 ms'")
        kill(process)
        assert conn.execute("select status from ops.runs").fetchall() == [("running",)]
    run(db, env, RUN)
    assert checksums(db) == uninterrupted


def test_killed_mid_load_then_rerun(databases, env, uninterrupted):
    """The load blocks on a table it writes (mid-COPY, its earlier writes done); then it is killed
    and its session terminated: the transaction rolls back and the rerun loads it all."""
    db, table = databases(), "warehouse.article_versions"  # written after warehouse.articles
    run(db, env, [f"fetch:{s}" for s in SOURCES.split(",")] + [f"clean:{s}" for s in SOURCES.split(",")] + ["fingerprint"])
    with psycopg.connect(db) as blocker, psycopg.connect(db, autocommit=True) as conn:
        blocker.execute(f"lock table {table} in access exclusive mode")
        process = stage_process(["load"], {**env, "WIREHOUSE_DATABASE_URL": db})
        (pid,) = wait_for(conn, "select pid from pg_stat_activity where datname = current_database()"
                                " and wait_event_type = 'Lock' and query ilike %s", (f"%{table}%",))
        kill(process)
        conn.execute("select pg_terminate_backend(%s)", (pid,))
        blocker.rollback()
        wait_for(conn, "select 1 where not exists (select 1 from pg_stat_activity where pid = %s)", (pid,))
        assert conn.execute("select count(*) from warehouse.articles").fetchone() == (0,)
        assert conn.execute("select count(*) from ops.page_outcomes where outcome in ('new', 'copy')"
                            ).fetchone() == (0,)
    run(db, env, RUN)
    assert checksums(db) == uninterrupted


def test_dedup_done_load_never_ran_then_rerun(databases, env, uninterrupted):
    db = databases()
    run(db, env, [f"fetch:{s}" for s in SOURCES.split(",")] + [f"clean:{s}" for s in SOURCES.split(",")] + ["fingerprint"])
    run(db, env, RUN)
    assert checksums(db) == uninterrupted
    # the first attempt's pages were fetched again by the rerun; the second fetch of each source balances
    with psycopg.connect(db) as conn:
        latest = conn.execute("select bool_and(balanced) from ops.run_accounting where run_id in"
                              " (select max(run_id) from ops.run_accounting group by source)").fetchone()
    assert latest == (True,)


def concurrently(db: str, env: dict, runs: list[tuple[list[str], Interval]]) -> None:
    processes = [stage_process(steps, {**env, "WIREHOUSE_DATABASE_URL": db}, interval) for steps, interval in runs]
    assert [p.wait(timeout=300) for p in processes] == [0] * len(processes)


def test_overlapping_intervals_at_once_equal_one_after_the_other(databases, env):
    one_by_one, at_once = databases(), databases()
    run(one_by_one, env, RUN, REPLAY_DAY)
    run(one_by_one, env, RUN, LATER)
    concurrently(at_once, env, [(RUN, LATER), (RUN, REPLAY_DAY)])
    assert checksums(at_once) == checksums(one_by_one)


def test_a_load_between_another_runs_dedup_and_load_equals_one_after_the_other(databases, env):
    """The interleaving that concurrency can produce, made deterministic: both runs fingerprint,
    then both load. The second load finds its fingerprints stale and fingerprints again."""
    one_by_one, interleaved = databases(), databases()
    run(one_by_one, env, RUN, REPLAY_DAY)
    run(one_by_one, env, RUN, LATER)
    prepare = [f"{step}:{s}" for s in SOURCES.split(",") for step in ("fetch", "clean")] + ["fingerprint"]
    run(interleaved, env, prepare, REPLAY_DAY)
    run(interleaved, env, prepare, LATER)
    run(interleaved, env, ["load"], REPLAY_DAY)
    run(interleaved, env, ["load"], LATER)
    assert checksums(interleaved) == checksums(one_by_one)
    with psycopg.connect(interleaved) as conn:  # the later runs were fingerprinted again after the first load
        assert conn.execute("select loads from dedup.generation").fetchone() == (2,)
        assert conn.execute("select array_agg(distinct generation) from dedup.fingerprinted_runs f"
                            " join ops.runs r using (run_id) where r.interval_start = %s",
                            (LATER.start,)).fetchone() == ([1],)


def test_a_backfill_racing_the_scheduled_run_equals_one_after_the_other(databases, env, uninterrupted):
    """The same interval twice at once (a backfill and the schedule) ends like the run and a rerun."""
    db = databases()
    concurrently(db, env, [(RUN, REPLAY_DAY), (RUN, REPLAY_DAY)])
    assert checksums(db) == uninterrupted


def test_a_second_clean_of_a_cleaned_fetch_leaves_its_staged_pages_and_fingerprints_alone(databases, env,
                                                                                          uninterrupted):
    """The racing runs' clean of the same fetch, one after the other: staging the first's pages again
    would drop their fingerprints, and when that lands between the first load's statements, an article is
    written without its first version. The second clean stages nothing."""
    db = databases()
    prepare = [f"{step}:{s}" for s in SOURCES.split(",") for step in ("fetch", "clean")] + ["fingerprint"]
    run(db, env, prepare)
    fingerprints = "select page_id, content_hash from stage.fingerprints order by page_id"
    with psycopg.connect(db) as conn:
        before = conn.execute(fingerprints).fetchall()
    assert before
    run(db, env, [f"clean:{s}" for s in SOURCES.split(",")])
    with psycopg.connect(db) as conn:
        assert conn.execute(fingerprints).fetchall() == before
        extracted = [n for (n,) in conn.execute("select coalesce((counters->>'extracted')::int, 0) from ops.runs"
                                                " where task = 'clean' order by run_id")]
    assert len(extracted) == 4 and sum(extracted[:2]) > 0 and extracted[2:] == [0, 0], extracted
    run(db, env, ["load"])
    assert checksums(db) == uninterrupted


def test_loads_are_serialised_by_their_lock(databases, env):
    """While another session holds the load lock, a load waits for it and writes nothing."""
    db = databases()
    run(db, env, [f"fetch:{s}" for s in SOURCES.split(",")] + [f"clean:{s}" for s in SOURCES.split(",")] + ["fingerprint"])
    with psycopg.connect(db) as holder, psycopg.connect(db, autocommit=True) as conn:
        holder.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        process = stage_process(["load"], {**env, "WIREHOUSE_DATABASE_URL": db})
        wait_for(conn, "select 1 from pg_stat_activity where datname = current_database()"
                       " and wait_event_type = 'Lock' and wait_event = 'advisory'")
        assert conn.execute("select count(*) from warehouse.articles").fetchone() == (0,)
        holder.rollback()
        assert process.wait(timeout=120) == 0
        assert conn.execute("select count(*) from warehouse.articles").fetchone()[0] >= 1

"""Catch-up runs: one DAG run over a wide window (`wirehouse run --from --to`, or the DAG's `from`
and `to` params) with the guarantees of any interval."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import psycopg
import pytest

from tests.contract import snapshot
from wirehouse.cli import main
from wirehouse.ingest import run_ingest
from wirehouse.replay import load_gold
from wirehouse.runs import Interval, WindowError, catch_up_window

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def test_the_window_is_checked_before_anything_runs():
    assert catch_up_window("2026-01-01", None, NOW) == Interval(datetime(2026, 1, 1, tzinfo=timezone.utc), NOW)
    assert catch_up_window("2026-01-01T06:00+02:00", "2026-02-01", NOW).start.hour == 4
    for start, end, message in [(None, "2026-02-01", "needs `from`"), ("2026-02-01", "2026-01-01", "before"),
                                ("2026-01-01", "2026-04-01", "after the run's time"), ("soon", None, "not an ISO")]:
        with pytest.raises(WindowError, match=message):
            catch_up_window(start, end, NOW)


def test_the_command_refuses_a_bad_window_or_an_unknown_source(replay_sources, capsys):
    assert main(["run", "--from", "2022-11-12", "--to", "2022-11-01"]) == 2
    assert "must be before" in capsys.readouterr().err
    assert main(["run", "--from", "2022-11-01", "--sources", "kyivpost,nosuch"]) == 2
    assert "unknown source(s): nosuch" in capsys.readouterr().err


def test_a_catch_up_run_ingests_its_window_once_and_a_rerun_changes_nothing(warehouse_db, replay_sources,
                                                                          replay_server, tmp_path, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_HOME", str(tmp_path))
    # the whole archive: the replay's pages outside its daily interval are inside this window
    window = Interval(datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2022, 11, 12, tzinfo=timezone.utc))
    (first,) = run_ingest(window=window, only=["businessinsider", "aggregator"])
    assert not first.failed, first.lines()
    assert sorted(s.source for s in first.sources) == ["aggregator", "businessinsider"]
    with psycopg.connect(warehouse_db) as conn:
        runs = conn.execute("select task, source, interval_start, interval_end from ops.runs"
                            " where status = 'success' order by run_id").fetchall()
        stored = conn.execute("select source, count(*) from warehouse.articles group by 1").fetchall()
        copies = conn.execute("select source, kind from warehouse.article_copies").fetchall()
    assert {(task, source) for task, source, *_ in runs} == {
        ("fetch", "businessinsider"), ("clean", "businessinsider"), ("fetch", "aggregator"), ("clean", "aggregator"),
        ("fingerprint", None), ("load", None)}
    assert {(start, end) for *_, start, end in runs} == {(window.start, window.end)}, "one run, one window"
    gold = [g for g in load_gold(replay_server.base_url) if g["source"] in ("businessinsider", "aggregator")]
    assert dict(stored) == dict(Counter(g["source"] for g in gold if g["kind"] in ("article", "out_of_window")))
    assert [source for source, _ in copies] == [g["source"] for g in gold if g["kind"] == "copy"]

    tables = snapshot(warehouse_db)
    (second,) = run_ingest(window=window, only=["businessinsider", "aggregator"])
    assert not second.failed and snapshot(warehouse_db) == tables
    assert sum(s.outcomes.get("new", 0) + s.outcomes.get("version", 0) for s in second.sources) == 0

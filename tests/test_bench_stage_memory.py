"""bench.stage_memory: stages synthetic articles, then dedups and loads them each in a process of its own."""
from __future__ import annotations

import re

import psycopg

from bench import stage_memory
from wirehouse.db import with_database


def test_every_staged_article_is_loaded_and_each_step_reports_its_peak_memory(warehouse_db, capfd):
    try:
        assert stage_memory.main(["--pages", "30"]) == 0
        out = capfd.readouterr().out
        assert re.search(r"^30 articles staged in \d+ s$", out, re.M)
        for step in ("dedup", "load"):
            assert re.search(rf"^{step}: \d+ s, peak RSS \d+ MiB, ", out, re.M), out
        with psycopg.connect(with_database(warehouse_db, "wh_bench_stage_memory")) as conn:
            loaded = conn.execute("select count(*), count(distinct source) from warehouse.articles").fetchone()
        assert loaded == (30, 30)  # 30 different texts from 30 of the 40 outlets: nothing merged, nothing lost
    finally:
        with psycopg.connect(with_database(warehouse_db, "postgres"), autocommit=True) as conn:
            conn.execute('drop database if exists "wh_bench_stage_memory" with (force)')

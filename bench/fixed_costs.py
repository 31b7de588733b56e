"""What a run costs beyond its pages: the rows `make bench` gains for backfills and small runs.

    .venv/bin/python -m bench.fixed_costs [--sources 10,100,1000,5000] [--days 60]

Every measured run is the DAG's stages (per shard: fetch, then clean; then fingerprint and load)
in a child process of its own, so it pays what a task pays (imports, models, crawl processes),
its CPU counted with its children's; shards run side by side, as the DAG's mapped tasks do.

- nothing new: the offline replay's six outlets, one interval run twice into a fresh warehouse;
  the second run, which finds nothing new, with WIREHOUSE_SHARDS shards against the same run cut
  one shard per source (a crawl process and a clean task per source, the former cut);
- catch-up: a generated site of five outlets whose articles are dated over 60 days, ingested by
  60 daily runs (the stages once per interval, as a backfill runs them, without Airflow's own
  overhead) against one catch-up run over the whole window, against the sum of the stage
  ceilings for its pages (bare Scrapy, plain trafilatura on all cores over the same pages, raw COPY);
- many sources: one run over 10, 100, 1,000 and 5,000 generated outlets of one article each,
  wall time and CPU per source, then the same interval again (nothing new), whose CPU per
  source is what a source costs beyond its pages (refetching its one unchanged page included).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import psycopg

from bench import loadgen
from bench.run import Row, bare_fetch, children_cpu, drop_database, fresh_database, log, plain_pool, raw_copy, \
    render, server_url
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.runs import Interval

REPLAY_DAY = Interval(datetime.fromisoformat("2022-11-11T00:00:00+00:00"),
                      datetime.fromisoformat("2022-11-12T00:00:00+00:00"))
NOTHING_NEW_TARGET = 5.0  # CPU seconds for an interval with nothing new, six sources
PER_SOURCE_TARGET = 0.050  # CPU seconds per source beyond its pages
DAYS = 60
PAGES_PER_DAY = 10
SOURCE_COUNTS = [10, 100, 1000, 5000]


def run_stages(intervals: list[Interval], shards: int) -> dict:
    """The DAG's stages over each interval in turn, in this process (the child's side)."""
    from wirehouse import pipeline
    from wirehouse.sources import load_sources

    names = [s.name for s in load_sources(settings().sources_file)]
    cut = pipeline.shards(names, shards)
    outcomes: dict[str, int] = {}
    for interval in intervals:
        with ThreadPoolExecutor(len(cut)) as pool:
            list(pool.map(lambda shard: pipeline.fetch_shard(shard, interval), cut))
            list(pool.map(lambda shard: pipeline.clean_shard(shard, interval), cut))
        pipeline.fingerprint(interval)
        for key, n in pipeline.load(interval).items():
            if key != "seconds":
                outcomes[key] = outcomes.get(key, 0) + n
    return outcomes


def measured(intervals: list[Interval], shards: int, env: dict[str, str]) -> dict:
    """run_stages in a child process: its wall time, CPU (children included) and outcomes."""
    spec = json.dumps({"intervals": [[i.start.isoformat(), i.end.isoformat()] for i in intervals], "shards": shards})
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.fixed_costs", "--child", spec], cwd=PROJECT_ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"the measured run failed:\n{done.stderr[-3000:]}")
    return {"wall": wall, "cpu": cpu, "outcomes": json.loads(done.stdout.strip().splitlines()[-1])}


def nothing_new(server: str) -> list[Row]:
    from wirehouse.replay import ReplayServer

    figures = {}
    with ReplayServer(port=0) as replay:
        for shards in (settings().shards, 6):
            url = fresh_database(server, f"wh_bench_idle_{shards}", migrated=True)
            env = {"WIREHOUSE_DATABASE_URL": url, "WIREHOUSE_SOURCES": str(PROJECT_ROOT / "seeds" / "replay.yaml"),
                   "WIREHOUSE_REPLAY_URL": replay.base_url}
            try:
                first = measured([REPLAY_DAY], shards, env)
                figures[shards] = (first, measured([REPLAY_DAY], shards, env))
            finally:
                drop_database(server, url)
    (first, ours), (_, per_source) = figures[settings().shards], figures[6]
    log(f"nothing new: {figures}")
    return [
        Row(f"interval with nothing new, 6 sources: CPU s ({settings().shards} shards; "
            f"the first run of it: {first['cpu']:.1f} s)", f"{ours['cpu']:.1f}",
            f"{per_source['cpu']:.1f} (a shard per source)", per_source["cpu"] / ours["cpu"],
            f"≤ {NOTHING_NEW_TARGET:g} s", ours["cpu"] <= NOTHING_NEW_TARGET),
        Row("interval with nothing new, 6 sources: wall s", f"{ours['wall']:.1f}",
            f"{per_source['wall']:.1f} (a shard per source)", per_source["wall"] / ours["wall"]),
    ]


def catch_up(server: str, days: int) -> list[Row]:
    site = loadgen.build(PAGES_PER_DAY * days, outlets=5, days=days)
    window = Interval(loadgen.INTERVAL_END - timedelta(days=days), loadgen.INTERVAL_END)
    daily = [Interval(window.start + timedelta(days=d), window.start + timedelta(days=d + 1)) for d in range(days)]
    with loadgen.SiteServer(site) as web:
        env = {"WIREHOUSE_SOURCES": str(site.sources_file), "WIREHOUSE_REPLAY_URL": web.base_url}
        runs = {}
        for name, intervals in (("backfill", daily), ("catch-up", [window])):
            url = fresh_database(server, f"wh_bench_catchup_{name.replace('-', '_')}", migrated=True)
            try:
                runs[name] = measured(intervals, settings().shards, {**env, "WIREHOUSE_DATABASE_URL": url})
                if name == "catch-up":
                    with psycopg.connect(url) as conn:
                        copy = raw_copy(conn)
                    plain = plain_pool(url)
            finally:
                drop_database(server, url)
        bare = bare_fetch(site, web.base_url)
    ceilings = bare["wall"] + plain["wall"] + copy["seconds"]
    backfill, one = runs["backfill"], runs["catch-up"]
    log(f"catch-up: {runs}, bare {bare}, ceilings {ceilings:.1f} s")
    return [
        Row(f"{days}-day site ({site.pages} pages, 5 outlets): {days} daily runs, wall s (CPU s)",
            f"{backfill['wall']:.0f} ({backfill['cpu']:.0f})", f"{ceilings:.1f} (sum of stage ceilings)",
            ceilings / backfill["wall"]),
        Row(f"{days}-day site: one catch-up run, wall s (CPU s)", f"{one['wall']:.1f} ({one['cpu']:.1f})",
            f"{ceilings:.1f} (sum of stage ceilings); {backfill['wall']:.0f} ({days} daily runs)",
            ceilings / one["wall"], "≥ 0.70", ceilings / one["wall"] >= 0.70),
    ]


def many_sources(server: str, counts: list[int]) -> list[Row]:
    rows = []
    for n in counts:
        site = loadgen.build(n, outlets=n)
        with loadgen.SiteServer(site) as web:
            url = fresh_database(server, f"wh_bench_sources_{n}", migrated=True)
            env = {"WIREHOUSE_SOURCES": str(site.sources_file), "WIREHOUSE_REPLAY_URL": web.base_url,
                   "WIREHOUSE_DATABASE_URL": url}
            try:
                day = Interval(loadgen.INTERVAL_START, loadgen.INTERVAL_END)
                first = measured([day], settings().shards, env)
                again = measured([day], settings().shards, env)
            finally:
                drop_database(server, url)
        log(f"{n} sources: {first}, again {again}")
        per_source = again["cpu"] / n
        rows.append(Row(f"{n} sources, 1 article each, one run: wall s, CPU ms/source (again, nothing new)",
                        f"{first['wall']:.1f}, {1000 * first['cpu'] / n:.0f} ({1000 * per_source:.0f})", "", None,
                        f"≤ {1000 * PER_SOURCE_TARGET:.0f} ms/source beyond its pages",
                        per_source <= PER_SOURCE_TARGET))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixed_costs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=lambda v: [int(n) for n in v.split(",")], default=SOURCE_COUNTS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--only", default="nothing-new,catch-up,sources",
                        help="comma-separated parts to measure (default: all three)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        intervals = [Interval(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in spec["intervals"]]
        print(json.dumps(run_stages(intervals, spec["shards"])))
        return 0
    server = server_url()
    started = time.perf_counter()
    parts = set(args.only.split(","))
    rows = ((nothing_new(server) if "nothing-new" in parts else []) + (catch_up(server, args.days) if "catch-up" in parts
            else []) + (many_sources(server, args.sources) if "sources" in parts else []))
    print(render(rows))
    print(f"({time.perf_counter() - started:.0f} s in all; every baseline was measured in this run, on this machine)")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

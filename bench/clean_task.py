"""The clean task beside a bare extraction pool on the same pages, in the same minutes.

    .venv/bin/python -m bench.clean_task [--pages 1000] [--rounds 2]

Fetches the load generator's site (bench/loadgen.py) once into a template database, then, for
each round, runs the clean stage as the DAG's tasks do (`pipeline.clean_shard`, shard after shard,
in a fresh copy of that database) and, right after, `cleaning.extraction_pool` alone over the same
article bodies. The ratio of the two wall times is what the task adds to extraction itself
(reading raw pages, writing stage rows, the one-off loading, which the pool then inherits, and each
shard's pool start); the end-to-end
rows of `make bench` compare the task with plain trafilatura instead, measured minutes apart.
"""
from __future__ import annotations

import argparse
import os
import resource
import time

import psycopg

from bench import loadgen
from bench.run import INTERVAL, drop_database, fresh_database, log, server_url
from wirehouse.db import with_database

TEMPLATE = "wh_bench_clean_template"
COPY = "wh_bench_clean"


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def fetch_template(site: loadgen.Site, server: str) -> None:
    from wirehouse import pipeline
    from wirehouse.config import settings

    os.environ["WIREHOUSE_DATABASE_URL"] = fresh_database(server, TEMPLATE, migrated=True)
    with loadgen.SiteServer(site) as web:
        os.environ["WIREHOUSE_REPLAY_URL"] = web.base_url
        for shard in pipeline.shards(site.outlets, settings().shards):
            pipeline.fetch_shard(shard, INTERVAL)


def fresh_copy(server: str) -> str:
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{COPY}" with (force)')
        conn.execute(f'create database "{COPY}" template "{TEMPLATE}"')
    return with_database(server, COPY)


def task(site: loadgen.Site, url: str) -> dict:
    from wirehouse import pipeline
    from wirehouse.config import settings

    os.environ["WIREHOUSE_DATABASE_URL"] = url
    own, children, started = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    for shard in pipeline.shards(site.outlets, settings().shards):
        pipeline.clean_shard(shard, INTERVAL)
    return {"wall": time.perf_counter() - started, "own_cpu": _cpu(resource.RUSAGE_SELF) - own,
            "workers_cpu": _cpu(resource.RUSAGE_CHILDREN) - children}


def bare_pool(url: str) -> dict:
    from extract import CleaningRules
    from wirehouse.cleaning import extract_raw, extraction_pool
    from wirehouse.workers import worker_count

    with psycopg.connect(url) as conn:
        pages = conn.execute("select body, final_url from raw.pages where kind = 'article' and status = 200",
                             binary=True).fetchall()
    rules = CleaningRules(language="en")
    children, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    with extraction_pool(worker_count()) as pool:
        for future in [pool.submit(extract_raw, body, final_url, rules, "text/html") for body, final_url in pages]:
            future.result()
    return {"wall": time.perf_counter() - started, "workers_cpu": _cpu(resource.RUSAGE_CHILDREN) - children}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clean_task", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    server = server_url()
    site = loadgen.build(args.pages)
    os.environ["WIREHOUSE_SOURCES"] = str(site.sources_file)
    fetch_template(site, server)
    try:
        print("| round | clean task: wall s (task process CPU s, workers CPU s) | bare pool: wall s (workers CPU s) | pool / task |")
        print("|---|---|---|---|")
        for number in range(1, args.rounds + 1):
            url = fresh_copy(server)
            ours = task(site, url)
            bare = bare_pool(url)
            log(f"round {number}: task {ours}, pool {bare}")
            print(f"| {number} | {ours['wall']:.1f} ({ours['own_cpu']:.1f}, {ours['workers_cpu']:.1f}) "
                  f"| {bare['wall']:.1f} ({bare['workers_cpu']:.1f}) | {bare['wall'] / ours['wall']:.2f} |")
    finally:
        for name in (COPY, TEMPLATE):
            drop_database(server, with_database(server, name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

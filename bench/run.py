"""`make bench`: every stage of wirehouse beside its baseline, measured in the same run.

    .venv/bin/python -m bench.run [--sizes 1000,10000] [--with-100k] [--sample 150]

For each size N the load generator (bench/loadgen.py) builds (once) and serves a site of N
article pages across many outlets, and the run measures:

- server: what the site server sustains for a bare asyncio client (16 connections), to
  show the spiders, not the server, set the pace;
- fetch: the wirehouse fetch stage (pipeline.fetch_shard: one Scrapy process per shard of
  outlets into raw.pages, the WIREHOUSE_SHARDS shards side by side as the DAG's tasks) against
  bench/bare_spider.py, Scrapy's SitemapSpider writing bodies to disk: pages/s and CPU/page;
- end to end: one daily interval from an empty warehouse to loaded, through Airflow
  (`airflow dags test news_ingest_daily`: prepare → fetch → clean → dedup → load, task
  after task), wall time and the peak RSS summed over every process of the run (Airflow,
  its task processes, Scrapy, the clean workers; the PostgreSQL server is not counted),
  against the sum of the stage ceilings (bare fetch + plain trafilatura on all cores + raw
  COPY); the clean, dedup and load rows are that run's tasks (ops.runs); the clean's ceiling is
  plain trafilatura over the run's own article pages, one spawned process per core, right after;
- load: rows/s of the load task against a plain COPY of the same rows into a table of
  warehouse.articles' own definition (its generated search tsvector and its indexes);
- clean, on a sample of the site's pages in one process: pages/s per core of the
  pipeline's extraction (cleaning.extract_raw → extract.extract_article) against plain
  trafilatura.extract, and the clean stage's extraction pool on 1 worker against all cores.
Databases are fresh per measured run, on WIREHOUSE_DATABASE_URL's server, else the
embedded one, and dropped afterwards.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench import loadgen
from bench.procs import TreeSampler
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import embedded_url, with_database
from wirehouse.migrate import migrate
from wirehouse.runs import Interval

GIB = 1024 ** 3
DEFAULT_SIZES = [1_000, 10_000]
INTERVAL = Interval(loadgen.INTERVAL_START, loadgen.INTERVAL_END)


@dataclass
class Row:
    measure: str
    ours: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


@dataclass
class SizeResult:
    pages: int
    outlets: int
    figures: dict = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- databases


def server_url() -> str:
    return settings().database_url or with_database(embedded_url(settings().embedded_dir), "postgres")


def fresh_database(server: str, name: str, migrated: bool) -> str:
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = with_database(server, name)
    if migrated:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
    return url


def drop_database(server: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- stages


def bare_fetch(site: loadgen.Site, base_url: str) -> dict:
    sitemaps = [f"{base_url}/{name}/sitemap_index.xml" for name in site.outlets]
    with tempfile.TemporaryDirectory(prefix="wh-bare-") as out:
        cpu = children_cpu()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bench.bare_spider", "--out", out,
                               *[a for s in sitemaps for a in ("--sitemap", s)]],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - started
        result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"pages": result["pages"], "wall": wall, "cpu": children_cpu() - cpu}


def wirehouse_fetch(site: loadgen.Site, server: str) -> dict:
    """The fetch stage as the DAG runs it (pipeline.fetch_shard: one crawl process per shard of
    outlets, the shards side by side) into a fresh warehouse."""
    from wirehouse import pipeline

    url = fresh_database(server, f"wh_bench_fetch_{site.pages}", migrated=True)
    os.environ["WIREHOUSE_DATABASE_URL"] = url
    try:
        cpu = children_cpu()
        started = time.perf_counter()
        cut = pipeline.shards(site.outlets, settings().shards)
        with ThreadPoolExecutor(len(cut)) as pool:
            list(pool.map(lambda shard: pipeline.fetch_shard(shard, INTERVAL), cut))
        wall = time.perf_counter() - started
        cpu = children_cpu() - cpu
        with psycopg.connect(url) as conn:
            pages, = conn.execute("select count(*) from raw.pages where kind = 'article' and status = 200").fetchone()
            rejects = dict(conn.execute("select reason, count(*) from ops.rejects group by reason").fetchall())
    finally:
        drop_database(server, url)
    return {"pages": pages, "wall": wall, "cpu": cpu, "rejects": rejects}


def end_to_end(site: loadgen.Site, server: str, base_url: str, exclude: list[int]) -> dict:
    """One interval through `airflow dags test`, from an empty warehouse; then the raw COPY and plain
    trafilatura baselines over its pages."""
    from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata

    url = fresh_database(server, f"wh_bench_e2e_{site.pages}", migrated=False)
    os.environ.update({"WIREHOUSE_DATABASE_URL": url, "WIREHOUSE_TASK_RETRIES": "0"})
    metadata = with_database(server, "wh_bench_airflow")
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = 'wh_bench_airflow'").fetchone():
            conn.execute('create database "wh_bench_airflow"')
    from wirehouse.airflow_env import sqlalchemy_url

    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = sqlalchemy_url(metadata)
    home = loadgen.BENCH_DIR / "airflow"
    env = airflow_env(home)
    logs = loadgen.BENCH_DIR / "logs"
    migrate_metadata(env, logs / "airflow-db-migrate.log")
    log_file = logs / f"e2e-{site.pages}.log"
    try:
        with open(log_file, "wb") as out, TreeSampler(exclude=exclude) as tree:
            started = time.perf_counter()
            done = airflow(["dags", "test", "news_ingest_daily", loadgen.LOGICAL_DATE.isoformat()], env,
                           stdout=out, stderr=subprocess.STDOUT)
            wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"the end-to-end run failed; see {log_file}")
        with psycopg.connect(url) as conn:
            # the time each stage ran: the union of its runs' spans (a shard's sources overlap)
            tasks = dict(conn.execute(
                "select task, sum(extract(epoch from upper(span) - lower(span))) from ("
                " select task, unnest(range_agg(tstzrange(started_at, finished_at))) as span from ops.runs"
                " where status = 'success' group by task) t group by task").fetchall())
            failed = conn.execute("select count(*) from ops.runs where status <> 'success'").fetchone()[0]
            counts = dict(conn.execute(
                "select outcome, count(*) from ops.page_outcomes group by outcome").fetchall())
            fetched, = conn.execute("select count(*) from raw.pages where kind = 'article'").fetchone()
            staged, = conn.execute("select count(*) from stage.articles").fetchone()
            copy = raw_copy(conn)
        plain = plain_pool(url)
    finally:
        drop_database(server, url)
    return {"wall": wall, "peak_rss": tree.peak_rss, "peak_pss": tree.peak_pss, "processes": tree.peak_processes,
            "crawl_cpu": tree.cpu_seconds("scrapers.crawl"), "tasks": {k: float(v) for k, v in tasks.items()},
            "failed_tasks": failed, "outcomes": counts, "fetched": fetched, "staged": staged, "copy": copy,
            "plain": plain, "log": str(log_file)}


COPY_COLUMNS = ("article_id, source, canonical_url, title, authors, published_at, modified_at, language,"
                " description, text, word_count, content_hash, first_seen_at, last_seen_at, provenance")


def raw_copy(conn: psycopg.Connection) -> dict:
    """The staged articles, COPYed as warehouse.articles rows into a bare table of the same definition."""
    buffer = io.BytesIO()
    with conn.cursor().copy(
        "copy (select page_id, source, canonical_url, title, authors, published_at, modified_at, language,"
        " description, text, word_count, content_hash, fetched_at, fetched_at, provenance"
        " from stage.articles join stage.fingerprints using (page_id))"
        " to stdout") as copy:
        for chunk in copy:
            buffer.write(chunk)
    # the same table definition as warehouse.articles: its generated search tsvector and its indexes
    # (GIN included) are part of storing an article, so the ceiling pays for them too
    conn.execute("create temp table copy_baseline (like warehouse.articles including all)")
    started = time.perf_counter()
    with conn.cursor().copy(f"copy copy_baseline ({COPY_COLUMNS}) from stdin") as copy:
        copy.write(buffer.getvalue())
    conn.commit()
    seconds = time.perf_counter() - started
    rows, = conn.execute("select count(*) from copy_baseline").fetchone()
    return {"rows": rows, "seconds": seconds}


def plain_pool(url: str) -> dict:
    """Plain trafilatura over the run's article pages (those the clean task extracted), in a pool of
    one fresh process per core: the clean stage's ceiling, measured on the very pages, minutes after
    the task. The workers are spawned, not forked from this process, which has loaded what the
    extraction loads once (dateparser's locales): plain trafilatura pays that inside the timing, as
    the clean task pays its warm-up inside its own; the workers' start-up and imports do not count."""
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn")) as pool, \
            psycopg.connect(url) as conn:
        list(pool.map(_worker_ready, [0.2] * cores))  # every worker up, trafilatura imported
        pages = conn.cursor(name="plain_pool", binary=True)  # streamed: bodies of a 100k site do not fit
        started, in_flight, count = time.perf_counter(), deque(), 0
        for body, final_url in pages.execute("select body, final_url from raw.pages"
                                             " where kind = 'article' and status = 200 and body is not null"):
            in_flight.append(pool.submit(_plain, body, final_url))
            count += 1
            if len(in_flight) > 8 * cores:
                in_flight.popleft().result()
        for future in in_flight:
            future.result()
        wall = time.perf_counter() - started
    return {"pages": count, "wall": wall}


def _worker_ready(pause: float) -> int:
    import trafilatura  # noqa: F401

    time.sleep(pause)  # long enough for every worker to take one
    return os.getpid()


# --------------------------------------------------------------------------- clean, on a sample


def sample_pages(site: loadgen.Site, count: int) -> list[tuple[bytes, str]]:
    paths = site.article_paths()
    step = max(1, len(paths) // count)
    www = site.root / "www"
    return [(gzip.decompress((www / (p.lstrip("/") + ".html.gz")).read_bytes()), f"http://127.0.0.1{p}")
            for p in paths[::step][:count]]


def _plain(body: bytes, url: str) -> None:
    import trafilatura

    trafilatura.extract(body, url=url, with_metadata=True, output_format="json")


def clean_sample(pages: list[tuple[bytes, str]]) -> dict:
    from extract import CleaningRules, warm_up
    from wirehouse.cleaning import extract_raw, extraction_pool

    rules = CleaningRules(language="en")
    warm_up()  # the loading a clean task pays once before its workers fork (dateparser's locales: both sides use them)
    for body, url in pages[:3]:  # one-off costs (imports, regex compilation) paid by neither side
        extract_raw(body, url, rules, "text/html; charset=utf-8")
        _plain(body, url)
    # page by page, the side going first alternating: the first to meet a page pays one-off costs
    # (dateparser compiles a locale's patterns on first sight) that the other then gets for free
    cpu = {"ours": 0.0, "plain": 0.0}
    sides = [("ours", lambda b, u: extract_raw(b, u, rules, "text/html; charset=utf-8")), ("plain", _plain)]
    for i, (body, url) in enumerate(pages):
        for side, call in (sides if i % 2 == 0 else sides[::-1]):
            started = time.process_time()
            call(body, url)
            cpu[side] += time.process_time() - started
    walls = {}
    for workers in sorted({1, os.cpu_count() or 1}):
        with extraction_pool(workers) as pool:
            warm_up = pages[:4 * workers]
            for future in [pool.submit(extract_raw, body, url, rules, "text/html") for body, url in warm_up]:
                future.result()  # the workers are forked and warm before the clock starts
            started = time.perf_counter()
            for future in [pool.submit(extract_raw, body, url, rules, "text/html") for body, url in pages]:
                future.result()
            walls[workers] = time.perf_counter() - started
    return {"pages": len(pages), "cpu": cpu, "walls": walls}


# --------------------------------------------------------------------------- the table


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    with psycopg.connect(with_database(server_url(), "postgres")) as conn:
        pg = conn.info.server_version
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB RAM; Python {platform.python_version()}, "
            f"PostgreSQL {pg // 10000}.{pg % 100}; load average at start {load}")


def rate(n: float, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def size_rows(r: SizeResult) -> list[Row]:
    f, e = r.figures, r.figures["e2e"]
    n = f"{r.pages // 1000}k" if r.pages >= 1000 else str(r.pages)
    bare, ours, ceiling = f["bare"], f["fetch"], f["ceiling"]
    bare_rate, our_rate = rate(bare["pages"], bare["wall"]), rate(ours["pages"], ours["wall"])
    cores = os.cpu_count() or 1
    clean_s, dedup_s, load_s = (e["tasks"].get(t, 0.0) for t in ("clean", "fingerprint", "load"))
    copy_rate = rate(e["copy"]["rows"], e["copy"]["seconds"])
    load_rate = rate(e["staged"], load_s) if load_s else 0.0  # 0: the load task failed
    plain = e["plain"]
    ceilings = bare["wall"] + plain["wall"] + e["copy"]["seconds"]
    rows = [
        Row(f"{n} server: pages/s, bare asyncio client", f"{rate(ceiling['pages'], ceiling['seconds']):.0f}",
            f"{bare_rate:.0f} (bare Scrapy)", rate(ceiling["pages"], ceiling["seconds"]) / bare_rate,
            "> 1×", rate(ceiling["pages"], ceiling["seconds"]) > bare_rate),
        Row(f"{n} fetch: pages/s ({ours['pages']} pages, {r.outlets} outlets)", f"{our_rate:.0f}",
            f"{bare_rate:.0f} (bare Scrapy, {bare['pages']} pages)", our_rate / bare_rate, "≥ 80 %",
            our_rate >= 0.8 * bare_rate),
        Row(f"{n} fetch: CPU ms/page", f"{1000 * ours['cpu'] / ours['pages']:.1f}",
            f"{1000 * bare['cpu'] / bare['pages']:.1f} (bare Scrapy)",
            (bare["cpu"] / bare["pages"]) / (ours["cpu"] / ours["pages"])),
        Row(f"{n} clean task: pages/s, all {cores} cores", f"{rate(plain['pages'], clean_s):.1f}",
            f"{rate(plain['pages'], plain['wall']):.1f} (plain trafilatura, {cores} processes, same pages)",
            plain["wall"] / clean_s if clean_s else 0.0),
        Row(f"{n} fingerprint task: pages/s", f"{rate(e['staged'], dedup_s):.0f}"),
        Row(f"{n} load: rows/s, empty warehouse, upserts included", f"{load_rate:.0f}",
            f"{copy_rate:.0f} (raw COPY)", load_rate / copy_rate, "≥ 50 %", load_rate >= 0.5 * copy_rate),
        Row(f"{n} end to end: wall s, Airflow dags test"
            + (f" ({e['failed_tasks']} task(s) FAILED, see {e['log']})" if e["failed_tasks"] else ""), f"{e['wall']:.0f}",
            f"{ceilings:.0f} (sum of stage ceilings)", ceilings / e["wall"]),
        Row(f"{n} end to end: peak RSS (PSS), {e['processes']} processes",
            f"{e['peak_rss'] / GIB:.2f} GiB ({e['peak_pss'] / GIB:.2f} GiB)", "", None, "< 2 GiB",
            e["peak_rss"] < 2 * GIB),
        Row(f"{n} end to end: ms per page", f"{1000 * e['wall'] / r.pages:.1f}"),
    ]
    return rows


def clean_rows(clean: dict) -> list[Row]:
    ours, plain = (rate(clean["pages"], clean["cpu"][s]) for s in ("ours", "plain"))
    walls = clean["walls"]
    one, most = walls[1], walls[max(walls)]
    return [
        Row(f"clean: pages/s per core ({clean['pages']} sample pages)", f"{ours:.1f}",
            f"{plain:.1f} (trafilatura.extract)", ours / plain),
        Row(f"clean: pages/s on 1 → {max(walls)} cores", f"{rate(clean['pages'], one):.1f} → "
            f"{rate(clean['pages'], most):.1f}", "", one / most, "≥ 1.8×", one / most >= 1.8),
    ]


def scaling_rows(results: list[SizeResult]) -> list[Row]:
    if len(results) < 2:
        return []
    first, last = results[0], results[-1]
    per = [r.figures["e2e"]["wall"] / r.pages for r in results]
    worst = max(b / a for a, b in zip(per, per[1:]))
    return [Row(f"scaling: ms/page {' → '.join(f'{1000 * p:.1f}' for p in per)} "
                f"({' → '.join(f'{r.pages // 1000}k' for r in results)})",
                f"{per[-1] / per[0]:.2f}× from {first.pages // 1000}k to {last.pages // 1000}k", "", worst,
                "flat (≤ 1.25× per step)", worst <= 1.25)]


def render(rows: list[Row]) -> str:
    header = ["measure", "wirehouse", "baseline, same run", "ratio", "target", "met"]
    cells = [[r.measure, r.ours, r.baseline, "" if r.ratio is None else f"{r.ratio:.2f}", r.target,
              "" if r.met is None else ("yes" if r.met else "NO")] for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    line = lambda c: "| " + " | ".join(v.ljust(w) for v, w in zip(c, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])


def measure_size(pages: int, server: str) -> SizeResult:
    started = time.perf_counter()
    site = loadgen.build(pages)
    log(f"{pages} pages: site ready in {site.root} ({time.perf_counter() - started:.0f} s)")
    result = SizeResult(pages, len(site.outlets))
    with loadgen.SiteServer(site) as web:
        os.environ.update({"WIREHOUSE_SOURCES": str(site.sources_file), "WIREHOUSE_REPLAY_URL": web.base_url})
        result.figures["ceiling"] = loadgen.server_ceiling(web.port, site.article_paths())
        log(f"{pages} pages: server ceiling {result.figures['ceiling']['pages_per_s']:.0f} pages/s")
        result.figures["bare"] = bare_fetch(site, web.base_url)
        log(f"{pages} pages: bare Scrapy {result.figures['bare']}")
        result.figures["fetch"] = wirehouse_fetch(site, server)
        log(f"{pages} pages: wirehouse fetch {result.figures['fetch']}")
        result.figures["e2e"] = end_to_end(site, server, web.base_url, exclude=web.pids)
        log(f"{pages} pages: end to end {result.figures['e2e']}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.replace(",", " ").split()], default=DEFAULT_SIZES)
    parser.add_argument("--with-100k", action="store_true", help="add the 100k-page size (about an hour)")
    parser.add_argument("--sample", type=int, default=150, help="pages in the clean comparison")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--no-fixed-costs", action="store_true",
                        help="leave out bench/fixed_costs.py's rows (nothing new, catch-up, many sources)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([100_000] if args.with_100k else [])))
    started = time.perf_counter()
    server = server_url()
    header = f"wirehouse benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {machine()}"
    log(header)
    clean = clean_sample(sample_pages(loadgen.build(sizes[0]), args.sample))
    log(f"clean sample: {clean}")
    results = [measure_size(n, server) for n in sizes]
    rows = clean_rows(clean)
    for r in results:
        rows += size_rows(r)
    rows += scaling_rows(results)
    if not args.no_fixed_costs:
        from bench import fixed_costs

        rows += fixed_costs.nothing_new(server) + fixed_costs.catch_up(server, fixed_costs.DAYS) \
            + fixed_costs.many_sources(server, fixed_costs.SOURCE_COUNTS)
    print(header)
    print(render(rows))
    print(f"({time.perf_counter() - started:.0f} s in all; every baseline was measured in this run, on this machine)")
    if args.json:
        args.json.write_text(json.dumps({"machine": header, "clean": clean,
                                         "sizes": [r.__dict__ for r in results]}, indent=1, default=str))
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

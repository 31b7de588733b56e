"""Peak memory of the dedup and load stages over one large interval:
`.venv/bin/python -m bench.stage_memory --pages 100000` (about 20 minutes at 100k on 2 cores).

The end-to-end benchmark at 100k takes hours here; these are the two stages that see a whole
interval at once. N synthetic articles (bench.dedup_scale.Texts, ~1,500 words each, from 40
outlets, published over one day) are COPYed into stage.articles of a fresh database
(WIREHOUSE_DATABASE_URL's server, else the embedded one), then `load.fingerprint_stage` and
`load.load_interval`, the pipeline's own code, run each in a process of its own, which prints
its wall time and peak RSS.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from datetime import timedelta

import psycopg

from bench.dedup_data import T0, Page, stage
from bench.dedup_eval import database
from bench.dedup_scale import Texts
from wirehouse.config import PROJECT_ROOT
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.loading import load_interval
from wirehouse.runs import Interval

OUTLETS = 40
STAGE_BATCH = 5_000


def stage_pages(url: str, pages: int) -> int:
    """The articles as one fetch run's staged pages; returns the run id."""
    texts, rng = Texts(7), random.Random(7)
    run_id = None
    with psycopg.connect(url) as conn:
        for start in range(0, pages, STAGE_BATCH):
            batch = [Page(source=f"o{i % OUTLETS:03d}", url=f"https://o{i % OUTLETS:03d}.example/a{i}",
                          text="\n\n".join(texts.article() for _ in range(3)), title=f"t{i}",
                          published_at=T0 + timedelta(seconds=rng.randrange(86_400)), group=str(i))
                     for i in range(start, min(pages, start + STAGE_BATCH))]
            run = stage(conn, batch, T0 + timedelta(days=1))
            run_id = run_id or run
            conn.execute("update stage.articles set run_id = %s where run_id = %s", (run_id, run))
            conn.commit()
    return run_id


def run_step(step: str, url: str, run_id: int) -> None:
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.transaction():
        if step == "dedup":
            counters = fingerprint_stage(conn, [run_id])
        else:
            counters = load_interval(conn, [run_id], Interval(T0, T0 + timedelta(days=1)), {})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{step}: {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MiB, {counters}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stage_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--step", choices=["dedup", "load"], help=argparse.SUPPRESS)  # one step, in its own process
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--run-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        run_step(args.step, args.database, args.run_id)
        return 0
    url = database("wh_bench_stage_memory")
    started = time.perf_counter()
    run_id = stage_pages(url, args.pages)
    print(f"{args.pages} articles staged in {time.perf_counter() - started:.0f} s", flush=True)
    for step in ("dedup", "load"):
        subprocess.run([sys.executable, "-m", "bench.stage_memory", "--step", step, "--database", url,
                        "--run-id", str(run_id)], cwd=PROJECT_ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make eval-sources`: can `wirehouse sources add` turn an outlet's home page into a source entry
that a catch-up ingest gets the outlet's articles with, and nothing else?

    .venv/bin/python -m bench.sources_eval [--only a,b] [--seed N] [--entries DIR]

For each local outlet of bench/outlets (real article pages from ../shared/benchmarks, a port
each), the harness runs `wirehouse sources add <home> --name <name> --dry-run` as a subprocess
and times it; its stdout must be a sources file with exactly that one source
(wirehouse.sources.read_sources_file), exit status 0. Then a catch-up ingest with the entry over
the outlet's 60-day window (bench/catchup.py) into a scratch database of its own, scored against
the outlet's gold (bench/sources_score.py). The harness does not know how entries are made:
--entries DIR takes hand-written DIR/<name>.yaml instead (${OUTLET_URL} is the outlet's base URL, ${OUTLET_HOST} its host),
which is how the harness itself is tested.

Database: WIREHOUSE_DATABASE_URL's server (a database is created and dropped per outlet), else
the embedded one.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import sources_score as targets
from bench.catchup import catch_up, environment, scratch_database
from bench.outlets import DEFAULT_SEED, PROFILES
from bench.outlets.corpus import ATTRIBUTION
from bench.outlets.model import Outlet
from bench.outlets.profiles import describe
from bench.outlets.server import OutletServer
from bench.sources_score import Score, score
from wirehouse.config import PROJECT_ROOT
from wirehouse.runs import Interval
from wirehouse.sources import SourcesError, read_sources_file

ADD_TIMEOUT = 120  # seconds; the target is 20, past this the entry counts as not made
WIREHOUSE = [sys.executable, "-m", "wirehouse.cli"]
NOT_AVAILABLE = ("wirehouse sources add is not available: `wirehouse sources add --help` failed. "
                 "This evaluation scores that command (issue 17); run it on a branch that has it, "
                 "or check the harness with --entries tests/fixtures/outlet_entries.")


@dataclass(frozen=True)
class AddResult:
    entry_file: Path | None  # None: no valid entry
    seconds: float | None  # None: not timed (hand-written entry)
    error: str | None = None


@dataclass(frozen=True)
class OutletResult:
    outlet: Outlet
    add: AddResult
    score: Score | None
    ingest_error: str | None = None


# The checkout whose `wirehouse sources add` is scored: `python -m` imports from the working directory.
CHECKOUT = PROJECT_ROOT


def sources_add_available() -> bool:
    done = subprocess.run([*WIREHOUSE, "sources", "add", "--help"], cwd=CHECKOUT, capture_output=True)
    return done.returncode == 0


def validate_entry(path: Path, name: str) -> str | None:
    """None if path is a sources file with exactly one source named name, else what is wrong."""
    try:
        sources = read_sources_file(path).sources
    except SourcesError as exc:
        return str(exc)
    if [s.name for s in sources] != [name]:
        return f"expected one source named {name!r}, got {[s.name for s in sources]}"
    return None


def run_add(outlet: Outlet, workdir: Path) -> AddResult:
    command = [*WIREHOUSE, "sources", "add", outlet.home, "--name", outlet.name, "--dry-run"]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=CHECKOUT, capture_output=True, text=True, timeout=ADD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return AddResult(None, ADD_TIMEOUT, f"no answer in {ADD_TIMEOUT} s")
    seconds = time.monotonic() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return AddResult(None, seconds, f"exit status {done.returncode}: {last}")
    entry = workdir / f"{outlet.name}.yaml"
    entry.write_text(done.stdout, encoding="utf-8")
    error = validate_entry(entry, outlet.name)
    return AddResult(None if error else entry, seconds, error)


def given_entry(outlet: Outlet, entries: Path) -> AddResult:
    entry = entries / f"{outlet.name}.yaml"
    if not entry.exists():
        return AddResult(None, None, f"no {entry}")
    error = validate_entry(entry, outlet.name)
    return AddResult(None if error else entry, None, error)


def evaluate(outlet: Outlet, add: AddResult, server_url: str) -> OutletResult:
    if add.entry_file is None:
        return OutletResult(outlet, add, None)
    interval = Interval(outlet.gold.window_start, outlet.gold.window_end)
    try:
        with scratch_database(server_url) as database:
            stored = catch_up(add.entry_file, outlet.name, interval, database)
    except Exception as exc:  # one outlet's failure is its result, not the end of the evaluation
        traceback.print_exc(file=sys.stderr)
        return OutletResult(outlet, add, None, f"{type(exc).__name__}: {exc}")
    return OutletResult(outlet, add, score(outlet.gold, stored))


def run(outlets: list[Outlet], entries: Path | None, server_url: str) -> list[OutletResult]:
    results = []
    with tempfile.TemporaryDirectory(prefix="wh-sources-eval-") as workdir:
        for outlet in outlets:
            with environment(OUTLET_URL=outlet.base_url, OUTLET_HOST=urlsplit(outlet.base_url).hostname):
                add = given_entry(outlet, entries) if entries else run_add(outlet, Path(workdir))
                results.append(evaluate(outlet, add, server_url))
            print(f"  {outlet.name}: {line_status(results[-1])}", file=sys.stderr, flush=True)
    return results


def line_status(result: OutletResult) -> str:
    if result.add.error:
        return f"no valid entry: {result.add.error}"
    if result.ingest_error:
        return f"catch-up failed: {result.ingest_error}"
    s = result.score
    return f"found {s.found}/{s.articles}, {len(s.non_articles)} non-articles of {s.stored} stored"


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def print_table(results: list[OutletResult]) -> None:
    header = ("outlet", "lang", "URL schemes", "listings", "gold", "entry", "add s", "found", "fetched", "stored",
              "non-art.")
    rows = []
    for r in results:
        d, s = describe(r.outlet.profile), r.score
        entry = "ok" if r.add.entry_file else "NO"
        add_s = f"{r.add.seconds:.1f}" if r.add.seconds is not None else "-"
        cells = (f"{s.found} ({_pct(s.found_share)})", str(s.fetched), str(s.stored), str(len(s.non_articles))) \
            if s else ("-",) * 4
        rows.append((r.outlet.name, r.outlet.profile.language, d["schemes"], d["listings"],
                     str(len(r.outlet.gold.articles)), entry, add_s, *cells))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for r in results:
        problem = r.add.error or r.ingest_error
        if problem:
            print(f"{r.outlet.name}: {problem}")
            continue
        if r.score.missing:
            print(f"{r.outlet.name}: not found: {', '.join(r.score.missing[:5])}")
        if r.score.non_articles:
            print(f"{r.outlet.name}: stored as articles: {', '.join(r.score.non_articles[:5])}")


def target_lines(results: list[OutletResult]) -> list[tuple[str, bool]]:
    n = len(results)
    valid = sum(r.add.entry_file is not None for r in results)
    scored = [r.score for r in results if r.score]
    found_ok = sum(s.found_share >= targets.TARGET_FOUND for s in scored)
    worst = min((s.found_share for s in scored), default=0.0)
    stored = sum(s.stored for s in scored)
    wrong = sum(len(s.non_articles) for s in scored)
    share = wrong / stored if stored else 0.0
    timed = [r.add.seconds for r in results if r.add.seconds is not None]
    slowest = max(timed, default=None)
    slow_text = f"slowest {slowest:.1f} s" if slowest is not None else "not timed (hand-written entries)"
    return [
        (f"outlets with a valid entry: {valid}/{n} ({_pct(valid / n)}; target 100 %)", valid == n),
        (f"articles found: {found_ok}/{n} outlets at >= 95 %, worst {_pct(worst)} (target: every outlet)",
         found_ok == n),
        (f"non-article pages stored as articles: {wrong}/{stored} ({_pct(share)}; target <= 1 %)",
         bool(scored) and share <= targets.TARGET_NON_ARTICLES),
        (f"time of sources add per outlet: {slow_text} (target <= 20 s)",
         slowest is not None and slowest <= targets.TARGET_ADD_SECONDS),
    ]


def server_url() -> str:
    from wirehouse.db import database_url

    return database_url()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sources_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated outlet names")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--port", type=int, default=80, help="80: a loopback address per outlet; 0: ports on 127.0.0.1")
    parser.add_argument("--entries", type=Path, help="hand-written entries DIR/<outlet>.yaml instead of sources add")
    parser.add_argument("--checkout", type=Path, default=PROJECT_ROOT,
                        help="score the `sources add` of another checkout (e.g. a git archive of a branch)")
    args = parser.parse_args(argv)
    global CHECKOUT
    CHECKOUT = args.checkout.resolve()
    if args.entries is None and not sources_add_available():
        print(NOT_AVAILABLE, file=sys.stderr)
        return 2
    profiles = PROFILES
    if args.only:
        wanted = set(args.only.split(","))
        profiles = tuple(p for p in PROFILES if p.name in wanted)
        if len(profiles) != len(wanted):
            parser.error(f"unknown outlet(s); known: {', '.join(p.name for p in PROFILES)}")
    with OutletServer(args.seed, profiles, port=args.port) as server:
        if server.fallback:
            print(f"WARNING: {server.fallback} (see bench/outlets/server.py)", file=sys.stderr)
        print(f"{len(server.outlets)} outlets (seed {args.seed}), articles from: {'; '.join(ATTRIBUTION.values())}",
              file=sys.stderr)
        results = run(server.outlets, args.entries, server_url())
    print_table(results)
    print()
    lines = target_lines(results)
    for text, met in lines:
        print(f"{'PASS' if met else 'MISS'}  {text}")
    return 0 if all(met for _, met in lines) else 1


if __name__ == "__main__":
    sys.exit(main())

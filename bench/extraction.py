"""Extraction quality and speed: the pipeline's extraction beside plain trafilatura, in one run.

    .venv/bin/python -m bench.extraction [--limit N] [--corpus scrapinghub|wcxb|all] [--jobs N] [--dump FILE]

Ours is exactly what `wirehouse extract` runs (``extract.cli.extract_files`` →
``extract.extract_article``), given the page's URL as the clean stage gives it
the fetched URL. The baseline is ``trafilatura.extract`` with metadata (JSON
output), once with its defaults and once with ``favor_precision=True``. Every
side sees the same pages in the same worker processes; speed is pages per CPU
second of the extraction calls (pages/s per core), so it does not depend on how
many workers run.

Corpora (in $WIREHOUSE_SHARED_DIR/benchmarks, see their LICENSE files):
scrapinghub article-extraction-benchmark (MIT, © 2020 Scrapinghub) and
WCXB dev articles (CC-BY-4.0, © 2026 Murrough Foley). Metrics: bench/metrics.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench import metrics
from extract.cli import extract_files, read_page
from wirehouse.config import SHARED_DIR

BENCHMARKS = SHARED_DIR / "benchmarks"
SIDES = ("ours", "plain", "precision")
SIDE_NAMES = {"ours": "wirehouse", "plain": "trafilatura", "precision": "traf. precision"}


@dataclass
class Page:
    corpus: str
    page_id: str
    path: str
    url: str | None
    gold: dict


def scrapinghub_pages() -> Iterator[Page]:
    root = BENCHMARKS / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        yield Page("scrapinghub", page_id, str(root / "html" / f"{page_id}.html.gz"), truth[page_id].get("url"),
                   {"text": truth[page_id].get("articleBody") or ""})


def wcxb_pages() -> Iterator[Page]:
    root = BENCHMARKS / "wcxb-dev-articles"
    for path in sorted((root / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        truth = record.get("ground_truth") or {}
        html = root / "html" / f"{path.stem}.html.gz"
        if not html.exists():
            html = root / "html" / f"{path.stem}.html"
        yield Page("wcxb", path.stem, str(html), record.get("url"), {
            "text": truth.get("main_content"), "title": truth.get("title"), "author": truth.get("author"),
            "date": truth.get("publish_date"), "without": truth.get("without") or [],
        })


CORPORA = {"scrapinghub": scrapinghub_pages, "wcxb": wcxb_pages}


def _plain(path: str, url: str | None, favor_precision: bool) -> dict:
    raw = read_page(path)
    out = trafilatura.extract(raw, url=url, with_metadata=True, output_format="json",
                              favor_precision=favor_precision)
    data = json.loads(out) if out else {}
    author = data.get("author")
    return {"text": data.get("text") or "", "title": data.get("title"),
            "authors": [a.strip() for a in author.split(";")] if author else [], "published": data.get("date")}


def _ours(path: str, url: str | None) -> dict:
    (record,) = extract_files([path], urls={path: url} if url else None)
    return {"text": record.get("text") or "", "title": record.get("title"), "authors": record.get("authors") or [],
            "published": record.get("published"), "provenance": record.get("provenance") or {},
            "error": record.get("error")}


def warm_up(pages: list[Page]) -> None:
    """Run every side once, untimed, so one-off costs (dateparser and regex compilation, lazy
    imports) are paid before timing starts and by neither side in particular."""
    for page in pages:
        for call in (lambda: _ours(page.path, page.url), lambda: _plain(page.path, page.url, False),
                     lambda: _plain(page.path, page.url, True)):
            try:
                call()
            except Exception:
                pass


def run_page(page: Page, position: int = 0) -> dict:
    """Every side on one page, with the CPU seconds each took.

    The side that goes first on a page pays one-off costs the others then share
    (dateparser compiles a locale's patterns the first time it meets them), so the
    order rotates from page to page: each side goes first on a third of the pages."""
    result = {"corpus": page.corpus, "page_id": page.page_id}
    calls = [("ours", lambda: _ours(page.path, page.url)),
             ("plain", lambda: _plain(page.path, page.url, False)),
             ("precision", lambda: _plain(page.path, page.url, True))]
    for side, call in calls[position % 3:] + calls[:position % 3]:
        started = time.process_time()
        result[side] = call()
        result[side]["seconds"] = time.process_time() - started
    return result


def score(page: Page, result: dict, side: str) -> dict:
    got, gold = result[side], page.gold
    row: dict = {}
    if page.corpus == "scrapinghub":
        row["shingles"] = metrics.shingle_counts(gold["text"], got["text"])
        return row
    if gold.get("text") is not None:
        row["bow"] = metrics.bag_of_words(gold["text"], got["text"])
    if gold.get("title"):
        row["title"] = metrics.same_title(gold["title"], got["title"])
    if gold.get("author"):
        row["author"] = metrics.author_found(gold["author"], got["authors"])
    if gold.get("date") and re.match(r"\d{4}-\d{2}-\d{2}", gold["date"]):  # a day, not just a month
        row["date"] = metrics.same_day(gold["date"], got["published"])
    row["without"] = [metrics.snippet_present(s, got["text"]) for s in gold.get("without") or []]
    return row


def _mean(values: list) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(pages: list[Page], results: list[dict]) -> dict[str, dict[str, float | None]]:
    table: dict[str, dict[str, float | None]] = {}
    for side in SIDES:
        rows = [(page, score(page, result, side)) for page, result in zip(pages, results)]
        shingle = [r["shingles"] for p, r in rows if "shingles" in r]
        bow = [r["bow"] for p, r in rows if "bow" in r]
        snippets = [hit for p, r in rows for hit in r.get("without", [])]
        col: dict[str, float | None] = {}
        if shingle:
            s = metrics.shingle_scores(shingle)
            col.update({"sh_f1": s.f1, "sh_p": s.precision, "sh_r": s.recall})
        if bow:
            s = metrics.mean_scores(bow)
            col.update({"bow_f1": s.f1, "bow_p": s.precision, "bow_r": s.recall})
        for key in ("title", "author", "date"):
            col[key] = _mean([r[key] for p, r in rows if key in r])
        col["without"] = _mean(snippets)
        seconds = sum(result[side]["seconds"] for result in results)
        col["pps"] = len(results) / seconds if seconds else None
        table[side] = col
    return table


ROWS = [  # key, label, target, higher is better
    ("sh_f1", "scrapinghub 4-gram shingle F1", 0.975, True),
    ("sh_p", "  precision", None, True),
    ("sh_r", "  recall", None, True),
    ("bow_f1", "WCXB bag-of-words F1", 0.955, True),
    ("bow_p", "  precision", None, True),
    ("bow_r", "  recall", None, True),
    ("title", "WCXB title exactly the headline", 0.90, True),
    ("author", "WCXB gold author found", 0.90, True),
    ("date", "WCXB published on the right day", 0.95, True),
    ("without", "WCXB 'without' snippets present", 0.02, False),
]


def render(table: dict[str, dict], counts: dict[str, int], wall: float, jobs: int) -> str:
    header = f"| {'metric':<34} | " + " | ".join(f"{SIDE_NAMES[s]:>15}" for s in SIDES) + " |  target | met |"
    lines = [header, "|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|"]
    for key, label, target, higher in ROWS:
        values = [table[s].get(key) for s in SIDES]
        if values[0] is None:
            continue
        pct = key == "without"
        cells = [("—" if v is None else (f"{100 * v:.1f} %" if pct else f"{v:.3f}")) for v in values]
        met = "" if target is None else ("yes" if (values[0] >= target if higher else values[0] <= target) else "NO")
        goal = "" if target is None else (f"≤ {100 * target:.0f} %" if pct else f"≥ {target:.3f}")
        lines.append(f"| {label:<34} | " + " | ".join(f"{c:>15}" for c in cells) + f" | {goal:>7} | {met:>3} |")
    speed = [table[s]["pps"] for s in SIDES]
    ratio = speed[0] / speed[1] if speed[0] and speed[1] else 0.0
    lines.append(f"| {'pages/s per core':<34} | " + " | ".join(f"{v:>15.1f}" for v in speed)
                 + f" | {'≥ 80 %':>7} | {'yes' if ratio >= 0.8 else 'NO':>3} |")
    pages = ", ".join(f"{name} {n} pages" for name, n in counts.items())
    lines.append(f"\n{pages}; wirehouse runs at {100 * ratio:.0f} % of plain trafilatura's speed; "
                 f"{wall:.0f} s wall clock with {jobs} worker process(es).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per core)")
    parser.add_argument("--dump", type=Path, help="write every page's outputs as JSON lines to this file")
    parser.add_argument("--rescore", type=Path, help=argparse.SUPPRESS)  # score a --dump file again, no extraction
    args = parser.parse_args(argv)

    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    missing = [n for n in names if not (BENCHMARKS / ("scrapinghub" if n == "scrapinghub" else "wcxb-dev-articles")).is_dir()]
    if missing:
        print(f"benchmark corpora not found under {BENCHMARKS}: {', '.join(missing)}", file=sys.stderr)
        return 2
    pages = [page for name in names for page in list(CORPORA[name]())[:args.limit]]
    started = time.monotonic()
    if args.rescore:
        by_key = {(p.corpus, p.page_id): p for p in pages}
        results = [json.loads(line) for line in args.rescore.open(encoding="utf-8")]
        results = [r for r in results if (r["corpus"], r["page_id"]) in by_key]
        pages = [by_key[(r["corpus"], r["page_id"])] for r in results]
    else:
        warm = [next(CORPORA[name]()) for name in names]
        with multiprocessing.get_context("fork").Pool(max(1, args.jobs), warm_up, (warm,)) as pool:
            results = pool.starmap(run_page, [(page, i) for i, page in enumerate(pages)], chunksize=4)
    wall = time.monotonic() - started
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for result in results:
                out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    table = summarise(pages, results)
    counts = {name: sum(1 for p in pages if p.corpus == name) for name in names}
    print(render(table, counts, wall, max(1, args.jobs)))
    errors = [r for r in results if r["ours"].get("error")]
    for r in errors[:5]:
        print(f"error on {r['corpus']}/{r['page_id']}: {r['ours']['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

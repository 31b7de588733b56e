"""`wirehouse stats`: warehouse counts and the accounting of recent fetch runs."""
from __future__ import annotations

from wirehouse.db import connect

TABLES = ("warehouse.articles", "warehouse.article_urls", "warehouse.article_copies",
          "warehouse.article_versions", "warehouse.stories", "raw.pages", "ops.rejects")


def print_stats(limit: int = 20) -> int:
    with connect() as conn:
        for table in TABLES:
            print(f"{table:28} {conn.execute(f'select count(*) from {table}').fetchone()[0]:>10}")
        rows = conn.execute(
            "select run_id, source, interval_start, status, pages, new, versions, unchanged, copies, not_articles,"
            " rejected, undecided, unanswered, balanced from ops.run_accounting order by run_id desc limit %s",
            (limit,)).fetchall()
    print("\nfetch runs: pages = new + versions + unchanged + copies + not articles + rejected (+ undecided);"
          " requests = pages + unanswered")
    print(f"{'run':>6} {'source':16} {'interval start':25} {'status':7} {'pages':>6} {'new':>5} {'vers':>5}"
          f" {'same':>5} {'copy':>5} {'non':>5} {'rej':>5} {'undec':>5} {'unans':>5}  balanced")
    for run_id, source, start, status, *counts, balanced in rows:
        print(f"{run_id:>6} {source:16} {start.isoformat():25} {status:7} " + " ".join(
            f"{n:>{w}}" for n, w in zip(counts, (6, 5, 5, 5, 5, 5, 5, 5, 5))) + f"  {'yes' if balanced else 'NO'}")
    return 0

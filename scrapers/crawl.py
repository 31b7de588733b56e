"""Entry point of one fetch: `python -m scrapers.crawl --start ISO --end ISO --runs-from-stdin` with
`{"source name": fetch run id, ...}` on standard input, or `--source NAME --run-id N` for one source.

One crawl process per shard of sources: Twisted's reactor cannot be restarted, so every fetch task
runs this in a subprocess, and the process's fixed cost (~1 s of CPU) is paid once for all the
shard's sources. One spider crawls them all, each with its own politeness, robots.txt, request
settings and fetch run (scrapers/per_source.py). The crawl's Scrapy stats are written to the
ops.runs row of each of its sources.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scrapers import settings as default_settings
from scrapers.discovery import KnownListing, Listing
from scrapers.spiders.news import NewsSpider
from wirehouse.config import settings as wirehouse_settings
from wirehouse.db import connect
from wirehouse.queries import queries
from wirehouse.sources import Source, load_sources

Q = queries("stages")

MAX_CONCURRENT_REQUESTS = 256  # a crawl of many sources: each still has its own per-host concurrency


def crawl_settings(sources: Source | list[Source], user_agent: str) -> Settings:
    """The crawl's settings: a single source's politeness as it is; for many, the loosest of each
    setting crawl-wide, each source's own applied per request (NewsSpider.request, per_source)."""
    sources = [sources] if isinstance(sources, Source) else list(sources)
    politeness = [s.politeness for s in sources]
    crawl = Settings()
    crawl.setmodule(default_settings, priority="project")
    crawl.setdict({
        "USER_AGENT": sources[0].requests.user_agent or user_agent if len(sources) == 1 else user_agent,
        "ROBOTSTXT_OBEY": any(p.obey_robots for p in politeness),
        "DOWNLOAD_DELAY": min(p.download_delay for p in politeness),
        "AUTOTHROTTLE_START_DELAY": min(p.download_delay for p in politeness),
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(p.concurrency for p in politeness),
        "CONCURRENT_REQUESTS": min(MAX_CONCURRENT_REQUESTS, max(16, 4 * len(sources))),
        "DOWNLOAD_TIMEOUT": max(p.download_timeout for p in politeness),
        "AUTOTHROTTLE_ENABLED": any(p.autothrottle for p in politeness),
    }, priority="cmdline")
    return crawl


def known_listings(names: list[str]) -> dict[tuple[str, str], KnownListing]:
    """The sources' listings read in full before (raw.listings), for conditional requests."""
    with connect() as conn:
        return {(source, url): KnownListing(kind, etag, last_modified, tuple(
                    Listing(u, datetime.fromisoformat(d) if d else None) for u, d in entries))
                for source, url, kind, etag, last_modified, entries in conn.execute(
                    Q.known_listings, {"sources": names})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.crawl")
    parser.add_argument("--source", help="one source (with --run-id)")
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--runs-from-stdin", action="store_true",
                        help='read {"source": fetch run id, ...} as JSON from standard input')
    parser.add_argument("--start", required=True, type=datetime.fromisoformat)
    parser.add_argument("--end", required=True, type=datetime.fromisoformat)
    args = parser.parse_args(argv)
    if args.runs_from_stdin:
        run_ids = {name: int(run_id) for name, run_id in json.load(sys.stdin).items()}
    elif args.source and args.run_id is not None:
        run_ids = {args.source: args.run_id}
    else:
        parser.error("give --runs-from-stdin, or --source and --run-id")

    config = wirehouse_settings()
    by_name = {s.name: s for s in load_sources(config.sources_file)}
    unknown = sorted(set(run_ids) - set(by_name))
    if unknown:
        parser.error(f"unknown source(s): {', '.join(unknown)}")
    sources = [by_name[name] for name in run_ids]
    process = CrawlerProcess(crawl_settings(sources, config.user_agent))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=sources, run_ids=run_ids, window_start=args.start, window_end=args.end,
                  known=known_listings(list(run_ids)))
    process.start()

    stats = crawler.stats.get_stats()
    with connect(autocommit=True) as conn:
        conn.execute("update ops.runs set stats = %s where run_id = any(%s)",
                     (json.dumps(stats, default=str, sort_keys=True), list(run_ids.values())))
    if stats.get("wirehouse/unstored_pages"):
        print(f"{stats['wirehouse/unstored_pages']} fetched pages could not be stored: {stats.get('wirehouse/store_error')}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Entry point of one fetch: `python -m scrapers.crawl --source NAME --start ISO --end ISO --run-id N`.

One source per process: Twisted's reactor cannot be restarted, so every fetch task
runs this in a subprocess. The crawl's Scrapy stats are written to ops.runs.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scrapers import settings as default_settings
from scrapers.spiders.news import NewsSpider
from wirehouse.config import settings as wirehouse_settings
from wirehouse.db import connect
from wirehouse.sources import Source, load_sources, source_by_name


def crawl_settings(source: Source, user_agent: str) -> Settings:
    crawl = Settings()
    crawl.setmodule(default_settings, priority="project")
    politeness = source.politeness
    crawl.setdict({
        "USER_AGENT": source.requests.user_agent or user_agent,
        "ROBOTSTXT_OBEY": politeness.obey_robots,
        "DOWNLOAD_DELAY": politeness.download_delay,
        "AUTOTHROTTLE_START_DELAY": politeness.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrency,
        "DOWNLOAD_TIMEOUT": politeness.download_timeout,
        "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
    }, priority="cmdline")
    return crawl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.crawl")
    parser.add_argument("--source", required=True)
    parser.add_argument("--start", required=True, type=datetime.fromisoformat)
    parser.add_argument("--end", required=True, type=datetime.fromisoformat)
    parser.add_argument("--run-id", required=True, type=int)
    args = parser.parse_args(argv)

    config = wirehouse_settings()
    source = source_by_name(load_sources(config.sources_file), args.source)
    process = CrawlerProcess(crawl_settings(source, config.user_agent))
    crawler = process.create_crawler(NewsSpider)
    window_start = args.start - timedelta(minutes=source.grace_minutes)
    process.crawl(crawler, source=source, window_start=window_start, window_end=args.end, run_id=args.run_id)
    process.start()

    stats = crawler.stats.get_stats()
    with connect(autocommit=True) as conn:
        conn.execute(
            "update ops.runs set stats = %s where run_id = %s",
            (json.dumps(stats, default=str, sort_keys=True), args.run_id),
        )
    if stats.get("wirehouse/unstored_pages"):
        print(f"{stats['wirehouse/unstored_pages']} fetched pages could not be stored: {stats.get('wirehouse/store_error')}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

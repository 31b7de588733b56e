"""The fetch baseline: a bare Scrapy spider that only stores responses to disk.

    .venv/bin/python -m bench.bare_spider --sitemap URL [--sitemap URL ...] --out DIR

Scrapy's own SitemapSpider reads the same sitemap indexes as the wirehouse spider and
writes every article body to DIR, nothing else: no database, no item pipeline, no
AutoThrottle, no delay, the same connection limits as the wirehouse spider in the
benchmark (16 at once). It is the ceiling for Scrapy on this machine. Prints one JSON
line: pages, seconds of crawling, bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

from bench.loadgen import CONCURRENCY


class BareSpider(SitemapSpider):
    name = "bare"

    def __init__(self, sitemaps: list[str], out: str, **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = sitemaps
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.pages = self.bytes = 0

    def parse(self, response):
        name = hashlib.sha1(response.url.encode()).hexdigest()
        (self.out / f"{name}.html").write_bytes(response.body)
        self.pages += 1
        self.bytes += len(response.body)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_spider", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sitemap", action="append", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    process = CrawlerProcess({
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": CONCURRENCY,
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    })
    crawler = process.create_crawler(BareSpider)
    started = time.perf_counter()
    process.crawl(crawler, sitemaps=args.sitemap, out=args.out)
    process.start()
    spider = crawler.spider
    print(json.dumps({"pages": spider.pages, "bytes": spider.bytes, "seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One generic news spider, driven by a source entry of sources.yaml.

Discovery order: feeds and sitemaps first (they tell dates, so the run's window
applies), then, once those are done, the source's section pages (undated links).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip

from scrapers.discovery import Listing, NotAListing, parse_feed, parse_sitemap
from wirehouse.sources import Source

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: Source, window_start: datetime, window_end: datetime, run_id: int, **kwargs: Any):
        super().__init__(name=f"news:{source.name}", **kwargs)
        self.source = source
        self.window_start = window_start
        self.window_end = window_end
        self.run_id = run_id
        self.allowed_domains = list(source.domains)
        self.dated: dict[str, bool] = {}  # article URL -> listed inside the window
        self.sections_scheduled = False
        self.links = LinkExtractor(allow_domains=list(source.domains), unique=True)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        for url in self.source.feeds:
            yield self.request(url, self.parse_feed)
        for url in self.source.sitemaps:
            yield self.request(url, self.parse_sitemap)
        if not (self.source.feeds or self.source.sitemaps):
            for request in self.section_requests():
                yield request

    def on_idle(self) -> None:
        if self.sections_scheduled or not self.source.start_pages:
            return
        for request in self.section_requests():
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def section_requests(self):
        self.sections_scheduled = True
        return [self.request(url, self.parse_section, depth=0) for url in self.source.start_pages]

    def request(self, url: str, callback, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def in_window(self, when: datetime) -> bool:
        return self.window_start <= when < self.window_end

    # -- callbacks -----------------------------------------------------------------

    def parse_feed(self, response):
        yield self.page(response, "feed")
        if response.status != 200:
            return
        try:
            listings = parse_feed(response.body)
        except NotAListing as exc:
            yield self.failure(response.url, "unreadable feed", str(exc))
            return
        yield from self.article_requests(listings)

    def parse_sitemap(self, response):
        yield self.page(response, "sitemap")
        if response.status != 200:
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except Exception as exc:  # gunzip raises several kinds for corrupt or oversized data
                yield self.failure(response.url, "unreadable sitemap", f"gzip: {exc}")
                return
        try:
            kind, listings = parse_sitemap(body)
        except NotAListing as exc:
            yield self.failure(response.url, "unreadable sitemap", str(exc))
            return
        if kind == "index":
            for listing in listings:
                # A child sitemap unchanged since before the window cannot list anything in it.
                if listing.date is None or listing.date >= self.window_start:
                    yield self.request(listing.url, self.parse_sitemap)
                else:
                    self.crawler.stats.inc_value("wirehouse/sitemaps_skipped_unchanged")
        else:
            yield from self.article_requests(listings)

    def parse_section(self, response):
        yield self.page(response, "section")
        if response.status != 200 or not isinstance(response, scrapy.http.TextResponse):
            return
        depth = response.meta.get("depth", 0)
        for link in self.links.extract_links(response):
            url = link.url
            if self.source.is_article_url(url):
                if self.dated.get(url) is False:
                    continue  # a feed or sitemap dated it outside the window
                yield self.request(url, self.parse_article)
            elif depth == 0 and self.source.should_follow(url):
                yield self.request(url, self.parse_section, depth=1)

    def parse_article(self, response):
        yield self.page(response, "article")

    def article_requests(self, listings: list[Listing]):
        stats = self.crawler.stats
        for listing in listings:
            if not self.source.is_article_url(listing.url):
                stats.inc_value("wirehouse/skipped_not_article_url")
                continue
            if listing.date is not None:
                inside = self.in_window(listing.date)
                self.dated[listing.url] = self.dated.get(listing.url, False) or inside
                if not inside:
                    stats.inc_value("wirehouse/skipped_outside_window")
                    continue
            yield self.request(listing.url, self.parse_article)

    # -- items ---------------------------------------------------------------------

    def page(self, response, kind: str) -> dict:
        redirects = response.meta.get("redirect_urls") or [response.url]
        return {
            "type": "page",
            "source": self.source.name,
            "kind": kind,
            "url": redirects[0],
            "final_url": response.url,
            "status": response.status,
            "headers": {
                key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc),
        }

    def failure(self, url: str, reason: str, detail: str) -> dict:
        return {"type": "failure", "source": self.source.name, "url": url, "reason": reason, "detail": detail}

    def on_error(self, failure):
        error = failure.value
        self.crawler.stats.inc_value(f"wirehouse/failures/{type(error).__name__}")
        yield self.failure(failure.request.url, failure_reason(error), str(error) or repr(error))


_REASONS = {  # Scrapy's download errors, and Twisted's where Scrapy passes them through
    "CannotResolveHostError": "DNS lookup failed",
    "DNSLookupError": "DNS lookup failed",
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "DownloadTimeoutError": "timed out",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ResponseDataLossError": "response cut short",
    "DownloadFailedError": "download failed",
    "DownloadCancelledError": "download cancelled (too large?)",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
}


def failure_reason(error: BaseException) -> str:
    if "robots.txt" in str(error):
        return "forbidden by robots.txt"
    return _REASONS.get(type(error).__name__, f"fetch failed: {type(error).__name__}")

"""One generic news spider, driven by a source entry of sources.yaml.

Discovery order: feeds and sitemaps first (they tell dates, so the run's window
applies), then, once those are done, the source's section pages (undated links).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip

from scrapers import middlewares
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
        self.requested: set[str] = set()  # article URLs asked for in this run
        self.sections_scheduled = False
        # Not LinkExtractor(allow_domains=...): it compares host:port with the domains, so a source on a
        # non-default port would lose every link. on_domains compares host names, as the offsite filter does.
        self.links = LinkExtractor(unique=True)

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

    def on_domains(self, url: str) -> bool:
        host = urlparse(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def in_window(self, when: datetime) -> bool:
        return self.window_start <= when < self.window_end

    # -- callbacks -----------------------------------------------------------------

    # An unreadable feed or sitemap ends as a fetch reject with its bytes, not as a stored page:
    # one state per URL.

    def parse_feed(self, response):
        if response.status != 200:
            yield self.page(response, "feed")
            return
        try:
            listings = parse_feed(response.body)
        except NotAListing as exc:
            yield self.unreadable(response, "unreadable feed", str(exc))
            return
        yield self.page(response, "feed")
        yield from self.article_requests(listings)

    def parse_sitemap(self, response):
        if response.status != 200:
            yield self.page(response, "sitemap")
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except Exception as exc:  # gunzip raises several kinds for corrupt or oversized data
                yield self.unreadable(response, "unreadable sitemap", f"gzip: {exc}")
                return
        try:
            kind, listings = parse_sitemap(body)
        except NotAListing as exc:
            yield self.unreadable(response, "unreadable sitemap", str(exc))
            return
        yield self.page(response, "sitemap")
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
        """Article links, and the next section pages `follow` names, up to the source's section_depth
        from a start page; past a start page, only from a page that lists an article not requested yet
        (a chain that only repeats what the run has is not read further)."""
        yield self.page(response, "section")
        if response.status != 200 or not isinstance(response, scrapy.http.TextResponse):
            return
        depth = response.meta.get("depth", 0)
        new, next_pages = 0, []
        for link in self.links.extract_links(response):
            url = link.url
            if not self.on_domains(url):
                continue
            if self.source.is_article_url(url):
                if self.dated.get(url) is False:
                    continue  # a feed or sitemap dated it outside the window
                new += url not in self.requested
                yield self.article_request(url)
            elif depth < self.source.section_depth and self.source.should_follow(url):
                next_pages.append(url)
        if depth == 0 or new:
            for url in next_pages:
                yield self.request(url, self.parse_section, depth=depth + 1)

    def parse_article(self, response):
        yield self.page(response, "article")

    def article_request(self, url: str) -> scrapy.Request:
        self.requested.add(url)
        return self.request(url, self.parse_article)

    def article_requests(self, listings: list[Listing]):
        stats = self.crawler.stats
        for listing in listings:
            if not self.source.is_article_url(listing.url):
                stats.inc_value("wirehouse/skipped_not_article_url")
                continue
            if not self.on_domains(listing.url):
                stats.inc_value("wirehouse/skipped_offsite")  # Scrapy's offsite filter would drop it unseen
                continue
            if listing.date is not None:
                inside = self.in_window(listing.date)
                self.dated[listing.url] = self.dated.get(listing.url, False) or inside
                if not inside:
                    stats.inc_value("wirehouse/skipped_outside_window")
                    continue
            yield self.article_request(listing.url)

    # -- items ---------------------------------------------------------------------

    @staticmethod
    def requested_url(request_or_response) -> str:
        """The URL the spider asked for, before any redirect."""
        return (request_or_response.meta.get("redirect_urls") or [request_or_response.url])[0]

    def page(self, response, kind: str) -> dict:
        return {
            "type": "page",
            "source": self.source.name,
            "kind": kind,
            "url": self.requested_url(response),
            "final_url": response.url,
            "status": response.status,
            "headers": {
                key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc),
        }

    def failure(self, url: str, reason: str, detail: str, raw: bytes | None = None) -> dict:
        return {"type": "failure", "source": self.source.name, "url": url, "reason": reason, "detail": detail,
                "raw": raw}

    def unreadable(self, response, reason: str, detail: str) -> dict:
        return self.failure(self.requested_url(response), reason, detail, raw=response.body)

    def on_error(self, failure):
        error, request = failure.value, failure.request
        self.crawler.stats.inc_value(f"wirehouse/failures/{type(error).__name__}")
        maxsize = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        reason = failure_reason(error).replace("DOWNLOAD_MAXSIZE", f"{maxsize / 2**20:g} MiB")
        tries = request.meta.get("retry_times", 0) + 1
        detail = f"{tries} tries; last: {error or repr(error)}" if tries > 1 else str(error) or repr(error)
        # A redirect's failure belongs to the URL the spider asked for, as a stored page would.
        yield self.failure(self.requested_url(request), reason, detail)


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
    # Scrapy's HTTP/1.1 handler cancels a body only when it grows past DOWNLOAD_MAXSIZE.
    "DownloadCancelledError": "too large: cut off at DOWNLOAD_MAXSIZE",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
}
_MESSAGES = (  # what IgnoreRequest and failed downloads say, by the words of their message
    (middlewares.BLOCKED_PRIVATE, middlewares.BLOCKED_PRIVATE),
    (middlewares.REDIRECT_LOOP, middlewares.REDIRECT_LOOP),
    (middlewares.REDIRECT_OFFSITE, middlewares.REDIRECT_OFFSITE),
    ("robots.txt", "forbidden by robots.txt"),
    ("larger than download max size", "too large: announced over DOWNLOAD_MAXSIZE"),
    ("exceeded DOWNLOAD_MAXSIZE", "too large: decompressed over DOWNLOAD_MAXSIZE"),
    ("ConnectionLost", "connection lost"),  # inside DownloadFailedError, the way Scrapy 2.19 wraps it
    ("ConnectionDone", "connection closed"),
    ("max redirections reached", "too many redirects"),
)


def failure_reason(error: BaseException) -> str:
    message = str(error)
    for words, reason in _MESSAGES:
        if words in message:
            return reason
    return _REASONS.get(type(error).__name__, f"fetch failed: {type(error).__name__}")

"""One generic news spider, driven by a source entry of sources.yaml.

Discovery order: feeds and sitemaps first (they tell dates, so the run's window
applies), then, once those are done, the source's section pages (undated links).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlparse

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip

from scrapers import middlewares
from scrapers.discovery import KnownListing, Listing, NotAListing, parse_feed, parse_sitemap
from wirehouse.sources import Source

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap


class NewsSpider(scrapy.Spider):
    """Crawls one or many sources in one crawl: every request carries its source (meta `source`),
    and each source keeps its own politeness (scrapers/per_source.py), robots.txt,
    request settings and fetch run."""
    name = "news"

    def __init__(self, window_start: datetime, window_end: datetime, sources: list[Source] | None = None,
                 run_ids: dict[str, int] | None = None, source: Source | None = None, run_id: int | None = None,
                 known: dict[tuple[str, str], KnownListing] | None = None, **kwargs: Any):
        if source is not None:  # one source, as a crawl of its own
            sources, run_ids = [source], {source.name: run_id}
        super().__init__(name="news:" + ",".join(s.name for s in sources[:3]) + ("…" if len(sources) > 3 else ""),
                         **kwargs)
        self.sources = {s.name: s for s in sources}
        self.run_ids = dict(run_ids or {})
        self.window_start = window_start
        self.window_end = window_end
        self.allowed_domains = sorted({d for s in sources for d in s.domains})
        self.by_host = {d: s for s in reversed(sources) for d in s.domains}  # a shared domain: the first source
        self.dated: dict[str, bool] = {}  # article URL -> listed inside the window
        self.listings_pending: dict[str, int] = {s.name: 0 for s in sources}  # feeds and sitemaps not answered yet
        self.sections_scheduled: set[str] = set()
        self.requested: set[tuple[str, str]] = set()  # (source, article URL) asked for in this run
        # Not LinkExtractor(allow_domains=...): it compares host:port with the domains, so a source on a
        # non-default port would lose every link. on_domains compares host names, as the offsite filter does.
        self.links = LinkExtractor(unique=True)
        self.known = dict(known or {})  # (source, listing URL) -> its last full read, for conditional requests

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        for source in self.sources.values():
            for url in source.feeds:
                yield self.listing_request(source, url, self.parse_feed)
            for url in source.sitemaps:
                yield self.listing_request(source, url, self.parse_sitemap)
            if not (source.feeds or source.sitemaps):
                for request in self.section_requests(source):
                    yield request

    def on_idle(self) -> None:
        waiting = [s for s in self.sources.values() if s.name not in self.sections_scheduled and s.start_pages]
        if not waiting:
            return
        for source in waiting:
            for request in self.section_requests(source):
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def section_requests(self, source: Source) -> list[scrapy.Request]:
        """A source's section pages, once its feeds and sitemaps are done (they date links; sections do not)."""
        self.sections_scheduled.add(source.name)
        return [self.conditional(self.request(source, url, self.parse_section, depth=0)) for url in source.start_pages]

    def listing_request(self, source: Source, url: str, callback) -> scrapy.Request:
        self.listings_pending[source.name] += 1
        return self.conditional(self.request(source, url, callback, listing=True))

    def conditional(self, request: scrapy.Request) -> scrapy.Request:
        """A listing read in full before is asked for only if it changed since (a 304 otherwise)."""
        known = self.known.get((request.meta["source"], request.url))
        for name, value in (known.conditional_headers() if known else {}).items():
            request.headers[name] = value
        return request

    def not_modified(self, response) -> KnownListing | None:
        """The stored read of a listing that answered 304 Not Modified to our conditional request."""
        if response.status != 304:
            return None
        known = self.known.get((response.meta["source"], self.requested_url(response)))
        if known is not None:
            self.crawler.stats.inc_value("wirehouse/listings_not_modified")
        return known

    def listing_done(self, request_or_response):
        """Called once per feed or sitemap answered: the source's sections follow its last one."""
        if not request_or_response.meta.get("listing"):
            return
        source = self.source_of(request_or_response)
        self.listings_pending[source.name] -= 1
        if self.listings_pending[source.name] == 0 and source.name not in self.sections_scheduled:
            yield from self.section_requests(source)

    def request(self, source: Source, url: str, callback, **meta: Any) -> scrapy.Request:
        meta["source"] = source.name
        if not source.politeness.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if not source.politeness.autothrottle:
            meta["autothrottle_dont_adjust_delay"] = True
        meta["download_timeout"] = source.politeness.download_timeout
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def source_of(self, request_or_response) -> Source | None:
        """The source a request belongs to; requests Scrapy makes itself (robots.txt) by their host."""
        name = request_or_response.meta.get("source")
        if name is not None:
            return self.sources[name]
        host = urlparse(request_or_response.url).hostname or ""
        return next((self.by_host[d] for d in _parents(host) if d in self.by_host), None)

    def on_domains(self, url: str, source: Source) -> bool:
        host = urlparse(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in source.domains)

    def window_start_of(self, source: Source) -> datetime:
        """The run's window opens grace_minutes earlier for a source that lists articles late."""
        return self.window_start - timedelta(minutes=source.grace_minutes)

    def in_window(self, when: datetime, source: Source) -> bool:
        return self.window_start_of(source) <= when < self.window_end

    # -- callbacks -----------------------------------------------------------------

    # An unreadable feed or sitemap ends as a fetch reject with its bytes, not as a stored page:
    # one state per URL.

    def parse_feed(self, response):
        yield from self.read_listing(response, "feed", self.read_feed)
        yield from self.listing_done(response)

    def parse_sitemap(self, response):
        yield from self.read_listing(response, "sitemap", self.read_sitemap)
        yield from self.listing_done(response)

    def read_listing(self, response, kind: str, read):
        """A feed or sitemap: a 304 follows what its last full read listed, another status is stored
        as it is, a 200 is read by `read`."""
        source = self.source_of(response)
        if known := self.not_modified(response):
            yield self.page(response, kind)
            if known.kind == "feed":
                yield from self.article_requests(source, known.entries)
            else:
                yield from self.sitemap_entries(source, known.kind == "sitemap_index", known.entries)
        elif response.status != 200:
            yield self.page(response, kind)
        else:
            yield from read(response, source)

    def read_feed(self, response, source: Source):
        try:
            listings = parse_feed(response.body)
        except NotAListing as exc:
            yield self.unreadable(response, "unreadable feed", str(exc))
            return
        yield self.page(response, "feed")
        yield from self.remember(response, "feed", listings)
        yield from self.article_requests(source, listings)

    def read_sitemap(self, response, source: Source):
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
        yield from self.remember(response, "sitemap_index" if kind == "index" else "sitemap", listings)
        yield from self.sitemap_entries(source, kind == "index", listings)

    def sitemap_entries(self, source: Source, index: bool, listings):
        if not index:
            yield from self.article_requests(source, listings)
            return
        for listing in listings:
            # A child sitemap unchanged since before the window cannot list anything in it.
            if listing.date is None or listing.date >= self.window_start_of(source):
                yield self.listing_request(source, listing.url, self.parse_sitemap)
            else:
                self.crawler.stats.inc_value("wirehouse/sitemaps_skipped_unchanged")

    def parse_section(self, response):
        """Article links, and the next section pages `follow` names, up to the source's section_depth
        from a start page; past a start page, only from a page that lists an article not requested yet
        (a chain that only repeats what the run has is not read further)."""
        yield self.page(response, "section")
        source = self.source_of(response)
        if known := self.not_modified(response):
            urls = [listing.url for listing in known.entries]
        elif response.status != 200 or not isinstance(response, scrapy.http.TextResponse):
            return
        else:
            urls = [link.url for link in self.links.extract_links(response) if self.on_domains(link.url, source)]
            yield from self.remember(response, "section", [Listing(url, None) for url in urls])
        depth = response.meta.get("depth", 0)
        new, next_pages = 0, []
        for url in urls:
            if source.is_article_url(url):
                if self.dated.get(url) is False:
                    continue  # a feed or sitemap dated it outside the window
                new += (source.name, url) not in self.requested
                yield self.article_request(source, url)
            elif depth < source.section_depth and source.should_follow(url):
                next_pages.append(url)
        if depth == 0 or new:
            for url in next_pages:
                yield self.conditional(self.request(source, url, self.parse_section, depth=depth + 1))

    def parse_article(self, response):
        yield self.page(response, "article")

    def article_request(self, source: Source, url: str) -> scrapy.Request:
        self.requested.add((source.name, url))
        return self.request(source, url, self.parse_article)

    def article_requests(self, source: Source, listings: list[Listing]):
        stats = self.crawler.stats
        for listing in listings:
            if not source.is_article_url(listing.url):
                stats.inc_value("wirehouse/skipped_not_article_url")
                continue
            if not self.on_domains(listing.url, source):
                stats.inc_value("wirehouse/skipped_offsite")  # Scrapy's offsite filter would drop it unseen
                continue
            if listing.date is not None:
                inside = self.in_window(listing.date, source)
                self.dated[listing.url] = self.dated.get(listing.url, False) or inside
                if not inside:
                    stats.inc_value("wirehouse/skipped_outside_window")
                    continue
            yield self.article_request(source, listing.url)

    # -- items ---------------------------------------------------------------------

    @staticmethod
    def requested_url(request_or_response) -> str:
        """The URL the spider asked for, before any redirect."""
        return (request_or_response.meta.get("redirect_urls") or [request_or_response.url])[0]

    def page(self, response, kind: str) -> dict:
        return {
            "type": "page",
            "source": self.source_of(response).name,
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

    def remember(self, response, kind: str, listings: list[Listing]):
        """The listing's read, stored for the next crawl's conditional request if it gave a validator."""
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if not (etag or modified):
            return
        yield {"type": "listing", "source": self.source_of(response).name, "url": self.requested_url(response),
               "kind": kind, "etag": etag.decode("latin-1") if etag else None,
               "last_modified": modified.decode("latin-1") if modified else None,
               "entries": [[item.url, item.date.isoformat() if item.date else None] for item in listings]}

    def failure(self, request_or_response, reason: str, detail: str, raw: bytes | None = None) -> dict:
        return {"type": "failure", "source": self.source_of(request_or_response).name,
                "url": self.requested_url(request_or_response), "reason": reason, "detail": detail, "raw": raw}

    def unreadable(self, response, reason: str, detail: str) -> dict:
        return self.failure(response, reason, detail, raw=response.body)

    def on_error(self, failure):
        error, request = failure.value, failure.request
        self.crawler.stats.inc_value(f"wirehouse/failures/{type(error).__name__}")
        maxsize = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        reason = failure_reason(error).replace("DOWNLOAD_MAXSIZE", f"{maxsize / 2**20:g} MiB")
        tries = request.meta.get("retry_times", 0) + 1
        detail = f"{tries} tries; last: {error or repr(error)}" if tries > 1 else str(error) or repr(error)
        # A redirect's failure belongs to the URL the spider asked for, as a stored page would.
        yield self.failure(request, reason, detail)
        yield from self.listing_done(request)


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
    (middlewares.DNS_FAILED, middlewares.DNS_FAILED),
    (middlewares.REDIRECT_LOOP, middlewares.REDIRECT_LOOP),
    (middlewares.REDIRECT_OFFSITE, middlewares.REDIRECT_OFFSITE),
    ("robots.txt", "forbidden by robots.txt"),
    ("larger than download max size", "too large: announced over DOWNLOAD_MAXSIZE"),
    ("exceeded DOWNLOAD_MAXSIZE", "too large: decompressed over DOWNLOAD_MAXSIZE"),
    ("ConnectionLost", "connection lost"),  # inside DownloadFailedError, the way Scrapy 2.19 wraps it
    ("ConnectionDone", "connection closed"),
    ("max redirections reached", "too many redirects"),
)


def _parents(host: str) -> list[str]:
    """host and the domains above it: news.example.co.uk, example.co.uk, co.uk, uk."""
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def failure_reason(error: BaseException) -> str:
    message = str(error)
    for words, reason in _MESSAGES:
        if words in message:
            return reason
    return _REASONS.get(type(error).__name__, f"fetch failed: {type(error).__name__}")

"""What keeps each source of a shared crawl its own: its request settings, download slots with its
politeness, a request fingerprint per source, and AutoThrottle that never goes below its delay.

A crawl process runs many sources (a shard, scrapers.crawl); these make it behave, source by
source, as if each had a crawl of its own, so one slow or broken source does not delay the others.
"""
from __future__ import annotations

import hashlib

from scrapy import Request
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import RequestFingerprinter


class _SpiderSources:
    """A downloader middleware that asks the spider which source a request belongs to."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class SourceRequestsMiddleware(_SpiderSources):
    """The source's `requests:` settings on every request: its user agent (robots.txt is then read
    for it too), extra headers, cookies and a proxy."""

    def process_request(self, request: Request) -> None:
        source = self.crawler.spider.source_of(request)
        if source is None:
            return
        settings = source.requests
        if settings.user_agent:
            request.headers.setdefault("User-Agent", settings.user_agent)
        for name, value in settings.headers:
            request.headers.setdefault(name, value)
        if settings.cookies and isinstance(request.cookies, dict):
            request.cookies = {**dict(settings.cookies), **request.cookies}
        if settings.proxy:
            request.meta.setdefault("proxy", settings.proxy)


class SourceSlotMiddleware(_SpiderSources):
    """A source's requests to one host share a download slot with the source's download_delay and
    concurrency (Scrapy's slots are per host otherwise, with the crawl's settings)."""

    def process_request(self, request: Request) -> None:
        source = self.crawler.spider.source_of(request)
        if source is None:
            return
        key = f"{source.name}@{urlparse_cached(request).hostname or ''}"
        request.meta["download_slot"] = key
        slots = self.crawler.engine.downloader.per_slot_settings  # read when the slot is first made
        slots.setdefault(key, {"concurrency": source.politeness.concurrency, "delay": source.politeness.download_delay})


class SourceFingerprinter:
    """Scrapy's request fingerprint with the source's name: two sources of one crawl that list the
    same URL each fetch it, as they would in crawls of their own (one state per URL per fetch run)."""

    def __init__(self, crawler=None):
        self.default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        fingerprint = self.default.fingerprint(request)
        source = request.meta.get("source")
        return hashlib.sha1(fingerprint + source.encode()).digest() if source else fingerprint


class SourceAutoThrottle(AutoThrottle):
    """AutoThrottle whose delay for a slot never drops below the slot's source's download_delay
    (Scrapy's floor is the crawl-wide DOWNLOAD_DELAY). Sources with `autothrottle: false` send
    their requests with meta `autothrottle_dont_adjust_delay`."""

    def _response_downloaded(self, response, request, spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None:
            floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay", 0.0)
            slot.delay = max(slot.delay, floor)

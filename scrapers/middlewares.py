"""Downloader middlewares: private-address (SSRF) guard, guarded redirects, Retry-After and
robots.txt Crawl-delay (a source's own request settings: scrapers/per_source.py).

Each one turns what it refuses into IgnoreRequest with a message that the spider's
errback maps to a reason in ops.rejects (see scrapers.spiders.news.failure_reason).
"""
from __future__ import annotations

import ipaddress
import socket
import time

from scrapy import Request
from scrapy.downloadermiddlewares import robotstxt
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

BLOCKED_PRIVATE = "private address blocked"
REDIRECT_LOOP = "redirect loop"
REDIRECT_OFFSITE = "redirect to another host"
DNS_FAILED = "DNS lookup failed"


def is_public(address: Address) -> bool:
    """False for private, loopback, link-local, reserved, shared and multicast addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str) -> list[Address]:
    """Every address the host name resolves to (blocking: call it in a thread)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


class PrivateAddressGuard:
    """Refuses requests to hosts that resolve to a non-public address, and drops a response that
    came from one anyway (the name may resolve differently when Scrapy connects: DNS rebinding).

    A source's `allow_private_addresses` lifts it: `true` for every host, a list for those hosts.
    A host whose name does not resolve fails every request to it at once, without retries: on a
    machine without network a crawl then ends in seconds with the reason (the next run tries again).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.resolved: dict[str, list[Address]] = {}
        self.unresolved: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def allowed(self, request: Request, host: str) -> bool:
        source = self.crawler.spider.source_of(request)
        allow = source.allow_private_addresses if source else False
        return allow is True or (isinstance(allow, tuple) and host in allow)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if self.allowed(request, host):
            return
        if host not in self.resolved and host not in self.unresolved:
            try:
                self.resolved[host] = await run_in_thread(resolve, host)
            except (OSError, UnicodeError) as exc:
                self.unresolved[host] = str(exc) or type(exc).__name__
        if host in self.unresolved:
            raise IgnoreRequest(f"{DNS_FAILED}: {host}: {self.unresolved[host]}")
        private = [a for a in self.resolved[host] if not is_public(a)]
        if private:
            self.refuse(request, host, private[0])

    def process_response(self, request: Request, response: Response) -> Response:
        host = urlparse_cached(request).hostname or ""
        if response.ip_address is not None and not self.allowed(request, host) and not is_public(response.ip_address):
            self.refuse(request, host, response.ip_address)
        return response

    def refuse(self, request: Request, host: str, address: Address) -> None:
        self.crawler.stats.inc_value("wirehouse/private_address_blocked")
        via = " (after a redirect)" if request.meta.get("redirect_urls") else ""
        raise IgnoreRequest(f"{BLOCKED_PRIVATE}: {host} is {address}{via}")


class _GuardedRedirects:
    """Follows a redirect only to a new URL on the source's own domains.

    Scrapy alone would hand a redirect to another host or back to a seen URL to the offsite
    filter or the duplicate filter, which drop it without calling the request's errback,
    so the URL would end in no state at all. Here both end as a fetch reject instead.
    """

    def process_response(self, request: Request, response: Response):
        result = super().process_response(request, response)
        if not isinstance(result, Request):
            return result
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if result.url in chain:
            raise IgnoreRequest(f"{REDIRECT_LOOP}: {' -> '.join([*chain, result.url])}")
        spider = self.crawler.spider
        if not spider.on_domains(result.url, spider.source_of(request)):
            raise IgnoreRequest(f"{REDIRECT_OFFSITE}: {request.url} -> {result.url}")
        result.dont_filter = True  # a redirect target seen before is fetched again, not dropped
        return result


class GuardedRedirectMiddleware(_GuardedRedirects, RedirectMiddleware):
    pass


class GuardedMetaRefreshMiddleware(_GuardedRedirects, MetaRefreshMiddleware):
    pass


class RetryAfterMiddleware:
    """Waits what a 429 or 503 response's Retry-After asks (in seconds, capped at RETRY_AFTER_MAX)
    before RetryMiddleware retries it. Scrapy's own RetryMiddleware retries at once.

    Only this response waits: other requests of the crawl go on meanwhile.
    """

    def __init__(self, crawler):
        self.cap = crawler.settings.getfloat("RETRY_AFTER_MAX")
        self.max_retry_times = crawler.settings.getint("RETRY_TIMES")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in (429, 503) or request.meta.get("dont_retry"):
            return response
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times):
            return response  # no retry left: nothing to wait for
        try:
            delay = float(response.headers.get("Retry-After", b"").decode("latin-1").strip())
        except ValueError:
            return response  # absent, or an HTTP date: retry on Scrapy's own terms
        if delay > 0:
            self.stats.inc_value("wirehouse/retry_after_waits")
            await sleep(min(delay, self.cap))
        return response


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's, with every request that waited for robots.txt judged by it.

    Scrapy 2.19 has each request that arrives while a host's robots.txt downloads await one shared
    Deferred; under the asyncio reactor each await adds a callback that passes None on, so the
    second waiter onward got no parser and was fetched whatever robots.txt said."""

    async def robot_parser(self, request: Request):
        parser = await super().robot_parser(request)
        return parser if parser is not None else self._parsers.get(urlparse_cached(request).netloc)


class CrawlDelayMiddleware:
    """Spaces requests to one host by robots.txt's Crawl-delay (capped at CRAWL_DELAY_MAX).
    Scrapy's RobotsTxtMiddleware reads robots.txt but applies only Allow/Disallow."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("CRAWL_DELAY_MAX")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT")
        self.default_user_agent = crawler.settings.get("USER_AGENT")
        self.next_at: dict[str, float] = {}  # host -> monotonic time of its next allowed request

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def robots(self):
        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            if isinstance(middleware, robotstxt.RobotsTxtMiddleware):
                return middleware
        return None

    async def process_request(self, request: Request) -> None:
        robots = self.robots()
        if robots is None or request.meta.get("dont_obey_robotstxt"):
            return
        parser = await robots.robot_parser(request)
        agent = self.user_agent or request.headers.get("User-Agent", b"").decode("latin-1") or self.default_user_agent
        delay = parser.crawl_delay(agent) if parser is not None else None
        if not delay:
            return
        host = urlparse_cached(request).netloc
        now = time.monotonic()
        at = max(now, self.next_at.get(host, now))
        self.next_at[host] = at + min(delay, self.cap)
        if at > now:
            self.crawler.stats.inc_value("wirehouse/crawl_delay_waits")
            await sleep(at - now)

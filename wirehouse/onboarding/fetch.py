"""Plain, concurrent HTTP GETs for onboarding (not a crawl: a handful of pages, at once)."""
from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from scrapers.settings import DOWNLOAD_MAXSIZE
from wirehouse.sources import RequestSettings

MAX_BYTES = DOWNLOAD_MAXSIZE  # what the crawl itself accepts


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int  # 0 when there was no response at all
    content_type: str = ""
    body: bytes = b""
    final_url: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and bool(self.body)

    @property
    def problem(self) -> str:
        return self.error or f"HTTP {self.status}"


class _NoHTTPErrors(urllib.request.HTTPErrorProcessor):
    def http_response(self, request, response):
        return response

    https_response = http_response


class Fetcher:
    def __init__(self, user_agent: str, timeout: float = 10.0, workers: int = 8,
                 headers: tuple[tuple[str, str], ...] = (), proxy: str | None = None):
        self.headers = {"User-Agent": user_agent, "Accept-Encoding": "identity", **dict(headers)}
        self.timeout = timeout
        self.workers = workers
        handlers = [_NoHTTPErrors()] + ([urllib.request.ProxyHandler({"http": proxy, "https": proxy})] if proxy else [])
        self.opener = urllib.request.build_opener(*handlers)
        self.cache: dict[str, Fetched] = {}

    @classmethod
    def for_source(cls, settings: RequestSettings, user_agent: str) -> "Fetcher":
        """With the source's `requests:` settings, as its crawl sends them."""
        headers = list(settings.headers)
        if settings.cookies:
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in settings.cookies)))
        return cls(settings.user_agent or user_agent, headers=tuple(headers), proxy=settings.proxy)

    def get(self, url: str) -> Fetched:
        if url not in self.cache:
            self.cache[url] = self._get(url)
        return self.cache[url]

    def get_all(self, urls) -> dict[str, Fetched]:
        todo = [u for u in dict.fromkeys(urls) if u not in self.cache]
        if todo:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(todo))) as pool:
                for url, fetched in zip(todo, pool.map(self._get, todo)):
                    self.cache[url] = fetched
        return {u: self.cache[u] for u in dict.fromkeys(urls)}

    def _get(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers=self.headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)[:MAX_BYTES]
                status, kind, final = response.status, response.headers.get("Content-Type", ""), response.url
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return Fetched(url, 0, error=f"cannot reach {url}: {getattr(exc, 'reason', exc)}")
        if body[:2] == b"\x1f\x8b":
            try:
                body = gzip.decompress(body)[:MAX_BYTES]
            except (OSError, EOFError):
                pass
        return Fetched(url, status, kind.lower(), body, final)

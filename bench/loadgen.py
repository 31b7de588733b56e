"""The load generator: a local news site of N article pages across many outlets, and a fast server.

    .venv/bin/python -m bench.loadgen --pages 1000 [--outlets 10] [--serve --port 8900]

Every article page is a real page of the extraction corpora in ../shared/benchmarks
(scrapinghub and WCXB dev articles: 892 pages from as many sites' templates), so
extraction costs what it costs on the web. To make N distinct articles out of them, each
copy has a fifth of its words (4+ letters, outside <script>/<style>) swapped for other
corpus words by a seeded RNG: a copy then shares ~30 % of its 5-word shingles with its
template page, below the near-copy threshold, so dedup keeps them apart, as it would
different stories written into one CMS template. COPY_RATE of the pages republish
another outlet's page byte for byte (syndication), so the dedup and copy paths are busy too.

Each outlet (`/o001/`, `/o002/`, … on one host, like the seed replay) has an RSS feed of
its newest FEED_ITEMS articles and a sitemap index of sitemaps of at most SITEMAP_URLS URLs,
all dated inside the interval [2022-11-11, 2022-11-12). Pages are stored gzip-compressed
under .wirehouse/bench/site-<N>/ (built once, then reused) and served gzip-encoded, as news
sites do; `sources.yaml` beside them is the matching sources file (daily cadence, politeness
relaxed for the benchmark: no delay, 16 connections).

The server is asyncio on SO_REUSEPORT sockets, one process per worker, answering from the
files on disk with keep-alive: `server_ceiling()` measures what it sustains with a bare
asyncio client, to show it is not the bottleneck.
"""
from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import random
import re
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from bench.extraction import CORPORA
from extract.cli import read_page
from wirehouse.config import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / ".wirehouse" / "bench"
INTERVAL_START = datetime(2022, 11, 11, tzinfo=timezone.utc)
INTERVAL_END = INTERVAL_START + timedelta(days=1)
LOGICAL_DATE = INTERVAL_END  # the daily DAG run whose data interval is the day above
SWAP_RATE = 0.2
COPY_RATE = 0.05
FEED_ITEMS = 50
SITEMAP_URLS = 1000
CONCURRENCY = 16  # connections of both spiders, and of the ceiling client
FORMAT = 1  # bump when the generated site changes, so cached sites are rebuilt

_SPLIT = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


@dataclass(frozen=True)
class Article:
    outlet: str
    number: int
    template: int  # index into the corpus pages
    published: datetime
    copy_of: tuple[str, int] | None = None  # (outlet, number) of the page this one republishes

    @property
    def path(self) -> str:
        return f"/{self.outlet}/article/{self.number}"


@dataclass(frozen=True)
class Site:
    root: Path
    pages: int
    outlets: list[str]

    @property
    def sources_file(self) -> Path:
        return self.root / "sources.yaml"

    def article_paths(self) -> list[str]:
        return (self.root / "articles.txt").read_text().split()


def corpus_paths() -> list[str]:
    return [page.path for corpus in CORPORA.values() for page in corpus()]


def default_outlets(pages: int) -> int:
    """Ten outlets at 1k pages, twenty at 10k, forty at 100k: outlets grow slower than pages."""
    return max(2, min(50, round(10 * (pages / 1000) ** 0.3)))


def outlet_names(outlets: int) -> list[str]:
    return [f"o{i:0{max(3, len(str(outlets)))}d}" for i in range(1, outlets + 1)]


def plan(pages: int, outlets: int, templates: int, seed: int = 7, days: int = 1) -> list[Article]:
    """The articles, dated over the `days` days that end with the interval."""
    rng = random.Random(seed)
    names = outlet_names(outlets)
    start = INTERVAL_END - timedelta(days=days)
    span = (INTERVAL_END - start).total_seconds()
    articles: list[Article] = []
    for i in range(pages):
        outlet = names[i % outlets]
        published = start + timedelta(seconds=int(rng.uniform(0, span - 60)))
        copy_of = None
        if articles and rng.random() < COPY_RATE:
            original = rng.choice(articles[-500:])
            if original.outlet != outlet and original.copy_of is None:
                copy_of = (original.outlet, original.number)
                published = max(published, original.published + timedelta(minutes=5))
        articles.append(Article(outlet, i + 1, rng.randrange(templates), min(published, INTERVAL_END
                                                                              - timedelta(seconds=1)), copy_of))
    return articles


def vary(html: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Swap SWAP_RATE of the words in the page's text (not in scripts, styles, tags or comments)."""
    def swap(match: re.Match) -> str:
        return rng.choice(vocabulary) if rng.random() < SWAP_RATE else match.group(0)

    parts = _SPLIT.split(html)
    for i in range(0, len(parts), 2):  # even parts are text between tags
        parts[i] = _WORD.sub(swap, parts[i])
    return "".join(parts)


def _vocabulary(paths: list[str]) -> list[str]:
    rng = random.Random(1)
    words: set[str] = set()
    for path in rng.sample(paths, min(60, len(paths))):
        text = read_page(path).decode("utf-8", "replace")
        for i, part in enumerate(_SPLIT.split(text)):
            if i % 2 == 0:
                words.update(w.lower() for w in _WORD.findall(part))
    return sorted(words)


_worker_state: dict = {}


def _init_worker(paths: list[str], vocabulary: list[str], root: str) -> None:
    _worker_state.update(paths=paths, vocabulary=vocabulary, root=Path(root))


def _write_article(article: Article) -> None:
    html = read_page(_worker_state["paths"][article.template]).decode("utf-8", "replace")
    page = vary(html, random.Random(article.number), _worker_state["vocabulary"])
    target = _worker_state["root"] / "www" / article.path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_name(target.name + ".html.gz").write_bytes(gzip.compress(page.encode("utf-8"), compresslevel=1))


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        dst.unlink()
    os.link(src, dst)


def build(pages: int, outlets: int | None = None, root: Path | None = None, workers: int | None = None,
          days: int = 1) -> Site:
    """Write the site for `pages` articles dated over `days` days (reused when already built with the
    same shape)."""
    outlets = outlets or default_outlets(pages)
    root = root or BENCH_DIR / (f"site-{pages}-{outlets}" + (f"-{days}d" if days > 1 else ""))
    marker = root / "built.json"
    shape = {"pages": pages, "outlets": outlets, "format": FORMAT, **({"days": days} if days > 1 else {})}
    names = outlet_names(outlets)
    if marker.exists() and json.loads(marker.read_text()) == shape:
        (root / "sources.yaml").write_text(sources_yaml(names))  # cheap, and follows changes of the format
        return Site(root, pages, names)
    paths = corpus_paths()
    articles = plan(pages, outlets, len(paths), days=days)
    originals = [a for a in articles if a.copy_of is None]
    with multiprocessing.get_context("fork").Pool(workers or os.cpu_count(), _init_worker,
                                                   (paths, _vocabulary(paths), str(root))) as pool:
        for _ in pool.imap_unordered(_write_article, originals, chunksize=16):
            pass
    www = root / "www"
    for a in articles:
        if a.copy_of is not None:
            outlet, number = a.copy_of
            _link(www / outlet / "article" / f"{number}.html.gz", www / a.outlet / "article" / f"{a.number}.html.gz")
    for name in names:
        _write_listings(www, name, [a for a in articles if a.outlet == name])
    (www / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (root / "articles.txt").write_text("".join(f"{a.path}\n" for a in articles))
    (root / "sources.yaml").write_text(sources_yaml(names))
    marker.write_text(json.dumps(shape))
    return Site(root, pages, names)


def _write_listings(www: Path, outlet: str, articles: list[Article]) -> None:
    base = "${WIREHOUSE_REPLAY_URL}"  # feeds and sitemaps hold absolute URLs: filled in when served
    newest = sorted(articles, key=lambda a: a.published, reverse=True)
    items = "".join(
        f"<item><title>Article {a.number}</title><link>{base}{a.path}</link>"
        f"<guid isPermaLink=\"true\">{base}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate></item>\n"
        for a in newest[:FEED_ITEMS])
    (www / outlet).mkdir(parents=True, exist_ok=True)
    (www / outlet / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>{base}/{outlet}/</link>\n{items}</channel></rss>\n")
    chunks = [newest[i:i + SITEMAP_URLS] for i in range(0, len(newest), SITEMAP_URLS)] or [[]]
    index = []
    for n, chunk in enumerate(chunks, 1):
        urls = "".join(f"<url><loc>{base}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod></url>\n"
                       for a in chunk)
        (www / outlet / f"sitemap-{n}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n")
        lastmod = max((a.published for a in chunk), default=INTERVAL_START)
        index.append(f"<sitemap><loc>{base}/{outlet}/sitemap-{n}.xml</loc><lastmod>{lastmod.isoformat()}</lastmod>"
                     "</sitemap>\n")
    (www / outlet / "sitemap_index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(index) + "</sitemapindex>\n")


def sources_yaml(outlets: list[str]) -> str:
    lines = [
        "# Generated by bench/loadgen.py: the outlets of the benchmark site. Politeness is relaxed",
        "# (no delay, 16 connections, no AutoThrottle) as for the bare Scrapy baseline; robots.txt",
        "# is obeyed by both.",
        "replay:", f'  logical_date: "{LOGICAL_DATE.isoformat()}"', "sources:",
    ]
    for rank, name in enumerate(outlets, 1):
        lines += [
            f"  - name: {name}", f"    title: Outlet {name}", f"    rank: {rank}", "    language: en",
            "    domains: [127.0.0.1]", "    cadence: daily", "    allow_private_addresses: true",
            f"    feeds: ['${{WIREHOUSE_REPLAY_URL}}/{name}/feed.xml']",
            f"    sitemaps: ['${{WIREHOUSE_REPLAY_URL}}/{name}/sitemap_index.xml']",
            f"    article_urls: ['/{name}/article/\\d+$']",
            f"    politeness: {{download_delay: 0, concurrency: {CONCURRENCY}, obey_robots: true, autothrottle: false}}",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- server

_TYPES = {".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class _StaticProtocol(asyncio.Protocol):
    """HTTP/1.1 GET/HEAD of the files under `www`, keep-alive, no pipelining needed by clients."""

    def __init__(self, www: Path, base: bytes, cache: dict):
        self.www, self.base, self.cache = www, base, cache
        self.buffer = b""

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            method, target, *_ = head.split(b"\r\n", 1)[0].split(b" ")
            self.respond(method, urlsplit(target.decode("latin-1")).path)

    def respond(self, method: bytes, path: str) -> None:
        status, headers, body = self.lookup(path)
        lines = [f"HTTP/1.1 {status}", "Server: wirehouse-bench", f"Content-Length: {len(body)}", *headers]
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if method != b"HEAD":
            self.transport.write(body)

    def lookup(self, path: str) -> tuple[str, list[str], bytes]:
        relative = path.lstrip("/")
        if ".." in relative.split("/"):
            return "404 Not Found", ["Content-Type: text/plain"], b"not found\n"
        if relative.endswith(("/feed.xml", ".xml", "robots.txt")):
            body = self.cache.get(relative)
            if body is None:
                file = self.www / relative
                if not file.is_file():
                    return "404 Not Found", ["Content-Type: text/plain"], b"not found\n"
                body = self.cache[relative] = file.read_bytes().replace(b"${WIREHOUSE_REPLAY_URL}", self.base)
            return "200 OK", [f"Content-Type: {_TYPES[Path(relative).suffix]}"], body
        try:
            body = (self.www / (relative + ".html.gz")).read_bytes()
        except OSError:
            return "404 Not Found", ["Content-Type: text/plain"], b"not found\n"
        return "200 OK", ["Content-Type: text/html; charset=utf-8", "Content-Encoding: gzip"], body


def _serve_worker(www: str, port: int, ready) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(1024)
        cache: dict = {}
        base = f"http://127.0.0.1:{port}".encode()
        server = await loop.create_server(lambda: _StaticProtocol(Path(www), base, cache), sock=sock)
        ready.set()
        await server.serve_forever()

    asyncio.run(main())


class SiteServer:
    """The site served by `workers` processes on one port of 127.0.0.1 (0 picks a free one)."""

    def __init__(self, site: Site, port: int = 0, workers: int | None = None):
        self.site, self.port, self.workers = site, port or _free_port(), workers or os.cpu_count() or 1
        self.processes: list[multiprocessing.Process] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "SiteServer":
        context = multiprocessing.get_context("spawn")
        for _ in range(self.workers):
            ready = context.Event()
            process = context.Process(target=_serve_worker, args=(str(self.site.root / "www"), self.port, ready),
                                      daemon=True)
            process.start()
            if not ready.wait(30):
                raise RuntimeError("the benchmark site server did not start")
            self.processes.append(process)
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join(5)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- ceiling client


async def _fetch_all(port: int, paths: list[str], concurrency: int) -> tuple[int, int]:
    """GET every path over `concurrency` keep-alive connections; (responses 200, bytes)."""
    queue = list(reversed(paths))
    ok = total = 0

    async def connection() -> None:
        nonlocal ok, total
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            path = queue.pop()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            body = await reader.readexactly(length)
            ok += head.startswith(b"HTTP/1.1 200")
            total += len(body)
        writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return ok, total


def server_ceiling(port: int, paths: list[str], concurrency: int = CONCURRENCY, clients: int = 1) -> dict:
    """Pages/s the server sustains for `paths`, fetched by `clients` processes of a bare asyncio client."""
    shares = [paths[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.starmap(_client, [(port, share, concurrency) for share in shares])
    seconds = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    return {"pages": ok, "seconds": seconds, "pages_per_s": ok / seconds, "bytes": sum(r[1] for r in results)}


def _client(port: int, paths: list[str], concurrency: int) -> tuple[int, int]:
    return asyncio.run(_fetch_all(port, paths, concurrency))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--outlets", type=int)
    parser.add_argument("--serve", action="store_true", help="serve the site until interrupted")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    site = build(args.pages, args.outlets)
    print(f"{site.pages} article pages, {len(site.outlets)} outlets in {site.root} ({time.perf_counter() - started:.0f} s)")
    if args.serve:
        with SiteServer(site, args.port) as server:
            print(f"serving at {server.base_url}/ (WIREHOUSE_REPLAY_URL={server.base_url} "
                  f"WIREHOUSE_SOURCES={site.sources_file}); Ctrl-C stops", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

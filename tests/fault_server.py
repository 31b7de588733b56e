"""A local news site where almost everything goes wrong, one path per fault, for tests/test_faults.py.

Its feed, sitemaps and robots.txt list the fault pages so the real NewsSpider discovers them
as it would on a real outlet. `FAULT_PAGES` says what each page does; the server counts the
requests of every path (`requests`) with their times (`request_times`).
"""
from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
import zlib
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUBLISHED = "Fri, 11 Nov 2022 14:30:00 +0000"  # inside the tests' interval
MIB = 1024 * 1024

# What each page under /news/ does; every one of them is listed in the feed.
FAULT_PAGES = {
    "ok.html": "a healthy article",
    "burst-503.html": "503 twice, then the article",
    "burst-500.html": "500 once, then the article",
    "always-503.html": "503 every time",
    "always-502.html": "502 every time",
    "429.html": "429 with Retry-After: 1 once, then the article",
    "reset.html": "the connection is reset before any response",
    "stall.html": "no response at all: a read timeout",
    "drip.html": "headers, then one byte every 0.3 s: the download timeout cuts it",
    "truncated.html": "Content-Length larger than the body",
    "loop.html": "redirect loop between two URLs",
    "offsite.html": "redirect to another host",
    "refresh.html": "a <meta http-equiv=refresh> to itself",
    "moved.html": "redirect to ok.html, which is also listed (a duplicate redirect target)",
    "huge.html": "a 2 GiB body announced by Content-Length",
    "endless.html": "a body streamed without Content-Length, up to 2 GiB",
    "bomb.html": "gzip bomb: 64 KiB compressed, 64 MiB decompressed",
    "image.html": "a PNG image behind an .html URL",
    "garbage.html": "random bytes labelled text/html",
    "cp1251.html": "Russian article in windows-1251, declared in the header",
    "cp1251-undeclared.html": "Russian article in windows-1251, no charset anywhere",
    "sjis.html": "Japanese article in Shift_JIS, declared in the header",
    "latin1-labelled-utf8.html": "French article in Latin-1 whose header says UTF-8",
    "utf8-labelled-latin1.html": "French article in UTF-8 whose header says ISO-8859-1",
    "empty.html": "200 with an empty body",
    "no-text.html": "HTML with markup and scripts but no text",
    "nested.html": "an article inside 10,000 nested <div>s",
}
# Redirects to private addresses, listed in ssrf-feed.xml (the SSRF tests' own source).
SSRF_PAGES = {
    "to-localhost.html": "redirect to http://localhost:<port>/news/ok.html (a loopback host by name)",
    "to-metadata.html": "redirect to http://169.254.169.254/latest/meta-data/ (link-local, cloud metadata)",
}
# A healthy outlet's pages (listed in feed-healthy.xml); private/ is forbidden only in 'forbid' mode.
HEALTHY_PAGES = ["news/ok.html", "news/from-sitemap.html", "private/secret.html"]
PRIVATE_PAGES = {"private/secret.html": "forbidden by robots.txt (in 'forbid' mode)"}

# Every sitemap the index leads to, and what it is.
SITEMAPS = {
    "sitemap-index.xml": "an index listing itself, a cycle, and the sitemaps below",
    "sitemap-cycle.xml": "an index listing sitemap-index.xml again",
    "sitemap-news.xml": "a good sitemap with one article",
    "sitemap-malformed.xml": "not XML",
    "sitemap-empty.xml": "an empty body",
    "sitemap-bomb.xml.gz": "a gzipped sitemap that inflates past the sitemaps.org limit of 50 MiB",
    "sitemap-huge.xml": "a 20 MiB sitemap, larger than the download limit",
}
FEEDS = {
    "feed.xml": "RSS listing every fault page",
    "feed-malformed.xml": "truncated XML",
    "feed-empty.xml": "an empty body",
    "feed-html.xml": "an HTML page where a feed should be",
}

_ENGLISH = (
    "The regional council met on Friday to discuss the reconstruction of the river port, which was "
    "damaged during the autumn storms. Engineers presented three plans, each with a different budget "
    "and timetable, and residents asked questions about the ferry service and the fish market. "
    "The mayor said a decision would follow after a public consultation in the coming weeks, and "
    "promised that local firms would be invited to bid for the work. Several fishermen described "
    "how the closure had affected their income, and a shipping company warned that delays would "
    "push freight to other harbours along the coast. "
)
_RUSSIAN = (
    "Городской совет в пятницу обсудил восстановление речного порта, пострадавшего во время осенних "
    "штормов. Инженеры представили три плана с разными бюджетами и сроками, а жители задавали вопросы "
    "о паромной переправе и рыбном рынке. Мэр пообещал принять решение после общественных слушаний "
    "в ближайшие недели и пригласить местные компании к участию в конкурсе. "
)
_JAPANESE = (
    "市議会は金曜日、秋の嵐で被害を受けた河川港の再建について話し合った。"
    "技術者は予算と日程の異なる三つの計画を示し、住民はフェリーの運航と魚市場について質問した。"
    "市長は、今後数週間の公聴会の後に決定すると述べ、地元企業に入札を呼びかけると約束した。"
    "漁師たちは、閉鎖によって収入が減ったと語り、海運会社は遅れが続けば貨物が他の港に移ると警告した。"
)
_FRENCH = (
    "Le conseil régional s'est réuni vendredi pour évoquer la reconstruction du port fluvial, "
    "endommagé pendant les tempêtes d'automne. Les ingénieurs ont présenté trois projets, chacun "
    "avec un budget et un calendrier différents, et les habitants ont posé des questions sur le bac "
    "et le marché aux poissons. Le maire a promis une décision après une consultation publique. "
)
TEXTS = {"english": _ENGLISH, "russian": _RUSSIAN, "japanese": _JAPANESE, "french": _FRENCH}


def article_html(title: str, text: str, *, meta_charset: str | None = None) -> str:
    paragraphs = "".join(f"<p>{text} ({n})</p>\n" for n in range(1, 4))
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>"
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2022-11-11T14:30:00+00:00"></head>'
            f"<body><article><h1>{title}</h1>\n{paragraphs}</article></body></html>")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    block = bytes(MIB)
    return b"".join(compressor.compress(block) for _ in range(size // MIB)) + compressor.flush()


class FaultServer:
    """`with FaultServer(robots="forbid") as server:` serves on 127.0.0.1 on a free port.

    robots: "forbid" (Disallow: /private/), "error" (robots.txt answers 500) or "none" (404).
    """

    def __init__(self, robots: str = "forbid"):
        self.robots = robots
        self.requests: Counter[str] = Counter()
        self.request_times: dict[str, list[float]] = defaultdict(list)
        self.bytes_streamed: Counter[str] = Counter()  # by stream(): what the client read before hanging up
        self.lock = threading.Lock()
        self.bomb = _gzip_of_zeros(64 * MIB)
        self.sitemap_bomb = _gzip_of_zeros(60 * MIB)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fault_server = self
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path}"

    def offered_urls(self) -> set[str]:
        """Every URL the site lists in its feed and sitemaps, and the feeds and sitemaps themselves."""
        pages = [f"news/{p}" for p in FAULT_PAGES] + list(PRIVATE_PAGES) + ["news/from-sitemap.html"]
        return {self.url(p) for p in pages + list(FEEDS) + list(SITEMAPS)}

    def count(self, path: str) -> int:
        with self.lock:
            self.requests[path] += 1
            self.request_times[path].append(time.monotonic())
            return self.requests[path]

    # -- listings -------------------------------------------------------------------------

    def feed(self, links: list[str] | None = None) -> bytes:
        links = links or [f"news/{p}" for p in FAULT_PAGES] + list(PRIVATE_PAGES)
        items = "".join(f"<item><title>{p}</title><link>{self.url(p)}</link><pubDate>{PUBLISHED}</pubDate></item>"
                        for p in links)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Faults</title>'
                f"{items}</channel></rss>").encode()

    def sitemap_index(self, children: list[str]) -> bytes:
        entries = "".join(f"<sitemap><loc>{self.url(c)}</loc></sitemap>" for c in children)
        return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{entries}</sitemapindex>').encode()

    def urlset(self, paths: list[str], lastmod: str = "2022-11-11T14:30:00+00:00") -> bytes:
        entries = "".join(f"<url><loc>{self.url(p)}</loc><lastmod>{lastmod}</lastmod></url>" for p in paths)
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{entries}</urlset>').encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: faults never leak into the next request

    def log_message(self, *args) -> None:
        pass

    @property
    def site(self) -> FaultServer:
        return self.server.fault_server

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(302, b"", Location=location)

    def article(self, name: str) -> None:
        self.send(200, article_html(f"Port reconstruction: {name}", _ENGLISH).encode())

    def stream(self, headers: dict[str, str], limit: int, head: bytes = b"") -> None:
        """Up to `limit` bytes, written block by block: never held in memory."""
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        block, sent = b"<p>" + b"x" * (64 * 1024 - 3), 0
        try:
            self.wfile.write(head)
            while sent < limit:
                self.wfile.write(block)
                sent += len(block)
        except OSError:
            pass  # the client hung up: what the size limit is for
        with self.site.lock:
            self.site.bytes_streamed[self.path.lstrip("/")] += sent

    def do_GET(self) -> None:  # noqa: C901 (one branch per fault is the point)
        path = self.path.lstrip("/").split("?")[0]
        n = self.site.count(path)
        site = self.site
        name = path.removeprefix("news/")
        if path == "robots.txt":
            if site.robots == "forbid":
                return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if site.robots == "error":
                return self.send(500, b"internal error", "text/plain")
            return self.send(404, b"not found", "text/plain")
        if path == "feed.xml":
            return self.send(200, site.feed(), "application/rss+xml")
        if path == "feed-healthy.xml":
            return self.send(200, site.feed(HEALTHY_PAGES), "application/rss+xml")
        if path == "ssrf-feed.xml":
            return self.send(200, site.feed([f"ssrf/{p}" for p in SSRF_PAGES]), "application/rss+xml")
        if path == "ssrf/to-localhost.html":
            return self.redirect(site.url("news/ok.html", host="localhost"))
        if path == "ssrf/to-metadata.html":
            return self.redirect("http://169.254.169.254/latest/meta-data/")
        if path == "feed-malformed.xml":
            return self.send(200, site.feed()[:37], "application/rss+xml")
        if path in ("feed-empty.xml", "sitemap-empty.xml"):
            return self.send(200, b"", "application/xml")
        if path == "feed-html.xml":
            return self.send(200, b"<html><body><p>We moved our feeds.</p></body></html>")
        if path == "sitemap-index.xml":
            return self.send(200, site.sitemap_index([p for p in SITEMAPS]), "application/xml")
        if path == "sitemap-cycle.xml":
            return self.send(200, site.sitemap_index(["sitemap-index.xml"]), "application/xml")
        if path == "sitemap-news.xml":
            return self.send(200, site.urlset(["news/from-sitemap.html"]), "application/xml")
        if path == "sitemap-malformed.xml":
            return self.send(200, b"\x00\x01 this is not <xml", "application/xml")
        if path == "sitemap-bomb.xml.gz":
            return self.send(200, site.sitemap_bomb, "application/gzip")
        if path == "sitemap-huge.xml":
            head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            return self.stream({"Content-Type": "application/xml"}, 20 * MIB, head)
        if path == "private/secret.html" or name in ("ok.html", "from-sitemap.html"):
            return self.article(name)
        if name == "burst-503.html":
            return self.send(503, b"busy") if n <= 2 else self.article(name)
        if name == "burst-500.html":
            return self.send(500, b"oops") if n <= 1 else self.article(name)
        if name == "always-503.html":
            return self.send(503, b"busy")
        if name == "always-502.html":
            return self.send(502, b"bad gateway")
        if name == "429.html":
            return self.send(429, b"slow down", Retry_After="1") if n <= 1 else self.article(name)
        if name == "reset.html":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # RST, no response
            return None
        if name == "stall.html":
            time.sleep(10)  # longer than the tests' download timeout; the client gives up first
            return None
        if name == "drip.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
            return None
        if name == "truncated.html":
            body = article_html("Truncated", _ENGLISH).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body) * 2))
            self.end_headers()
            self.wfile.write(body)
            return None
        if name == "loop.html":
            return self.redirect(site.url("news/loop-b.html"))
        if name == "loop-b.html":
            return self.redirect(site.url("news/loop.html"))
        if name == "refresh.html":
            return self.send(200, b'<html><head><meta http-equiv="refresh" content="0; url=/news/refresh.html">'
                                  b"</head><body></body></html>")
        if name == "offsite.html":
            return self.redirect("http://elsewhere.invalid/news/ok.html")
        if name == "moved.html":
            return self.redirect(site.url("news/ok.html"))
        if name == "huge.html":
            return self.stream({"Content-Type": "text/html", "Content-Length": str(2 * 1024 * MIB)}, 2 * 1024 * MIB)
        if name == "endless.html":
            return self.stream({"Content-Type": "text/html"}, 2 * 1024 * MIB)
        if name == "bomb.html":
            return self.send(200, site.bomb, "text/html", Content_Encoding="gzip")
        if name == "image.html":
            return self.send(200, _png(), "image/png")
        if name == "garbage.html":
            return self.send(200, random.Random(7).randbytes(50_000), "text/html")
        if name == "cp1251.html":
            body = article_html("Восстановление порта", _RUSSIAN).encode("cp1251")
            return self.send(200, body, "text/html; charset=windows-1251")
        if name == "cp1251-undeclared.html":
            return self.send(200, article_html("Восстановление порта", _RUSSIAN).encode("cp1251"), "text/html")
        if name == "sjis.html":
            body = article_html("河川港の再建", _JAPANESE * 3).encode("shift_jis")
            return self.send(200, body, "text/html; charset=Shift_JIS")
        if name == "latin1-labelled-utf8.html":
            body = article_html("Reconstruction du port", _FRENCH * 2).encode("latin-1")
            return self.send(200, body, "text/html; charset=utf-8")
        if name == "utf8-labelled-latin1.html":
            body = article_html("Reconstruction du port", _FRENCH * 2).encode("utf-8")
            return self.send(200, body, "text/html; charset=iso-8859-1")
        if name == "empty.html":
            return self.send(200, b"")
        if name == "no-text.html":
            return self.send(200, b"<html><head><script>var a = 1;</script></head><body><div><img src=x>"
                                  b"<span></span></div></body></html>")
        if name == "nested.html":
            depth = 10_000
            body = "<html><body>" + "<div>" * depth + f"<p>{_ENGLISH * 2}</p>" + "</div>" * depth + "</body></html>"
            return self.send(200, body.encode())
        return self.send(404, b"not found")

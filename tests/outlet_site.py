"""A small local news outlet for onboarding tests: a JSON Feed named by <link rel=alternate>,
a sitemap index named only by robots.txt, sections, and tag, author and video pages whose URLs
look like articles. It records every path requested."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("Die Regierung hat am Mittwoch neue Pläne für den Ausbau der Bahn vorgestellt und "
         "damit eine lange Debatte im Bundestag beendet, sagte ein Sprecher der Behörde. ") * 12
ARTICLES = {
    "/world/first-story": ("Erste Geschichte", "2024-05-01T08:00:00+00:00"),
    "/world/second-story": ("Zweite Geschichte", "2024-05-01T12:00:00+00:00"),
    "/sport/third-story": ("Dritte Geschichte", "2024-04-30T09:00:00+00:00"),
    "/sport/fourth-story": ("Vierte Geschichte", "2024-04-29T09:00:00+00:00"),
}
THIN = {"/tag/elections": "Tag: elections", "/author/max-muster": "Max Muster", "/video/clip-of-day": "Video",
        "/world/": "Welt", "/sport/": "Sport", "/private/secret-story": "Geheim"}


def _html(title: str, body: str, og_type: str, lang: str = "de", head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="Lokalblatt">'
            f'{head}</head><body>{body}</body></html>').encode()


class OutletHandler(BaseHTTPRequestHandler):
    requested: list[str] = []
    robots = "User-agent: *\nCrawl-delay: 2\nDisallow: /private/\nSitemap: {base}/sitemaps/index.xml\n"
    listings = True  # False: no feed, no sitemap, only pages

    @property
    def base(self) -> str:
        return f"http://{self.headers['Host']}"

    def nav(self) -> str:
        links = "".join(f'<a href="{p}">{p}</a> ' for p in ("/world/", "/sport/", "/tag/elections", "/author/max-muster"))
        return f"<header><nav>{links}</nav></header>"

    def page(self, path: str) -> tuple[bytes, str] | None:
        if path == "/robots.txt":
            return self.robots.format(base=self.base).encode(), "text/plain"
        if path == "/":
            links = "".join(f'<p><a href="{p}">{t}</a></p>' for p, (t, _) in ARTICLES.items())
            head = f'<link rel="alternate" type="application/feed+json" href="{self.base}/feed.json">' \
                if self.listings else ""
            return _html("Lokalblatt", self.nav() + links + '<a href="/private/secret-story">x</a>', "website",
                         head=head), "text/html"
        if not self.listings and (path.startswith("/sitemaps/") or path == "/feed.json"):
            return None
        if path == "/feed.json":
            items = [{"url": self.base + p, "date_published": d} for p, (_, d) in list(ARTICLES.items())[:3]]
            return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode(), "application/feed+json"
        if path == "/sitemaps/index.xml":
            return (f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{self.base}'
                    '/sitemaps/2024-05.xml</loc></sitemap></sitemapindex>').encode(), "application/xml"
        if path == "/sitemaps/2024-05.xml":
            urls = "".join(f"<url><loc>{self.base}{p}</loc><lastmod>{d}</lastmod></url>" for p, (_, d) in ARTICLES.items())
            urls += f"<url><loc>{self.base}/video/clip-of-day</loc></url>"
            return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(), "application/xml"
        if path in ARTICLES:
            title, when = ARTICLES[path]
            head = f'<meta property="article:published_time" content="{when}">'
            return _html(title, f"<article><h1>{title}</h1><p>{WORDS}</p><p>{WORDS}</p></article>", "article",
                         head=head), "text/html"
        if path in THIN:
            section = path.strip("/")
            links = "".join(f'<a href="{p}">{t}</a> ' for p, (t, _) in ARTICLES.items() if p.startswith(f"/{section}/"))
            return _html(THIN[path], self.nav() + f"<h1>{THIN[path]}</h1><p>Mehr.</p>{links}", "website"), "text/html"
        return None

    def do_GET(self):  # noqa: N802
        type(self).requested.append(self.path)
        found = self.page(self.path)
        body, kind = found or (b"not found", "text/plain")
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Outlet:
    def __init__(self, robots: str | None = None, listings: bool = True):
        handler = type("Handler", (OutletHandler,), {"requested": [], "listings": listings})
        if robots is not None:
            handler.robots = robots
        self.handler = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requested(self) -> list[str]:
        return self.handler.requested

    def __enter__(self) -> "Outlet":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

"""All outlets from one server object, an origin each.

An origin each (not a path prefix on one port) because robots.txt, /sitemap.xml, /feed/ and the
home page live at the root, where a discovery tool looks for them, and a robots.txt names its own
sitemaps and Crawl-delay.

port=80 (the evaluation's default) gives each outlet a loopback address of its own on the default
port, http://127.0.0.2/, http://127.0.0.3/, ...: separate hosts like real outlets, and URLs without
a port. Binding port 80 needs root (or CAP_NET_BIND_SERVICE); without it, or with port=0, every
outlet gets a free port on 127.0.0.1 instead (the spider compares host names, not ports, with a
source's domains, so section pages are read there too).
"""
from __future__ import annotations

import argparse
import sys
import threading
from http.server import ThreadingHTTPServer
from typing import Any

from bench.outlets import DEFAULT_SEED, PROFILES, build_outlets
from bench.outlets.model import Outlet, Page, Profile
from wirehouse.replay import RoutesHandler

HOST = "127.0.0.1"


class _Handler(RoutesHandler):
    server_version = "wirehouse-outlets/1.0"

    def route(self) -> tuple[str, bytes] | None:
        page: Page | None = self.server.routes.get(self.path)  # path with query: /story.php?id=1 is a page
        return (page.content_type, page.body) if page else None


class OutletServer:
    def __init__(self, seed: int = DEFAULT_SEED, profiles: tuple[Profile, ...] = PROFILES, port: int = 0):
        self.seed, self.profiles, self.port = seed, profiles, port
        self.outlets: list[Outlet] = []
        self.fallback: str | None = None  # why port 80 could not be used
        self._servers: list[ThreadingHTTPServer] = []

    def _bind(self, addresses: list[tuple[str, int]]) -> None:
        for address in addresses:
            httpd = ThreadingHTTPServer(address, _Handler)
            httpd.daemon_threads = True
            httpd.routes = {}
            self._servers.append(httpd)

    def start(self) -> "OutletServer":
        n = len(self.profiles)
        try:
            if self.port == 0:
                raise OSError("port 0 asked for")
            self._bind([(f"127.0.0.{i + 2}", self.port) for i in range(n)])
        except OSError as exc:
            if self.port:
                self.fallback = f"cannot serve on port {self.port} ({exc}); outlets on ports of {HOST} instead"
            self.stop()
            self._bind([(HOST, 0)] * n)
        bases = {}
        for profile, httpd in zip(self.profiles, self._servers):
            host, port = httpd.server_address[:2]
            bases[profile.name] = f"http://{host}" + ("" if port == 80 else f":{port}")
        self.outlets = build_outlets(self.seed, bases, self.profiles)
        for httpd, outlet in zip(self._servers, self.outlets):
            httpd.routes = {page.path: page for page in outlet.pages}
            threading.Thread(target=httpd.serve_forever, args=(0.05,), name=f"outlet-{outlet.name}", daemon=True).start()
        return self

    def stop(self) -> None:
        for httpd in self._servers:
            httpd.shutdown()
            httpd.server_close()
        self._servers = []

    def outlet(self, name: str) -> Outlet:
        return next(o for o in self.outlets if o.name == name)

    def __enter__(self) -> "OutletServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outlets.server", description="Serve the evaluation outlets.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--port", type=int, default=80, help="80: a loopback address each; 0: ports on 127.0.0.1")
    args = parser.parse_args(argv)
    with OutletServer(args.seed, port=args.port) as server:
        if server.fallback:
            print(server.fallback, file=sys.stderr)
        for outlet in server.outlets:
            print(f"{outlet.name:18} {outlet.home}  {len(outlet.gold.articles)} articles", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""All outlets from one server object: a port per outlet on 127.0.0.1.

A port each (not a path prefix on one port) because an outlet is an origin: robots.txt,
/sitemap.xml, /feed/ and the home page live at the root, where a discovery tool looks for them,
and a robots.txt names its own sitemaps and Crawl-delay. Ports come from the system (0).
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
    def __init__(self, seed: int = DEFAULT_SEED, profiles: tuple[Profile, ...] = PROFILES, host: str = HOST):
        self.seed, self.profiles, self.host = seed, profiles, host
        self.outlets: list[Outlet] = []
        self._servers: list[ThreadingHTTPServer] = []

    def start(self) -> "OutletServer":
        bases = {}
        for profile in self.profiles:
            httpd = ThreadingHTTPServer((self.host, 0), _Handler)
            httpd.daemon_threads = True
            httpd.routes = {}
            self._servers.append(httpd)
            bases[profile.name] = f"http://{self.host}:{httpd.server_address[1]}"
        self.outlets = build_outlets(self.seed, bases, self.profiles)
        for httpd, outlet in zip(self._servers, self.outlets):
            httpd.routes = {page.path: page for page in outlet.pages}
            threading.Thread(target=httpd.serve_forever, name=f"outlet-{outlet.name}", daemon=True).start()
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
    args = parser.parse_args(argv)
    with OutletServer(args.seed) as server:
        for outlet in server.outlets:
            print(f"{outlet.name:18} {outlet.home}  {len(outlet.gold.articles)} articles", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

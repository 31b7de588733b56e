"""What an outlet offers to crawl, read from its home page, robots.txt, feeds and sitemaps.

Feeds and sitemaps are parsed by scrapers.discovery, the spider's own parser, so what is
found here is what the crawl will find."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from protego import Protego

from scrapers.discovery import Listing, NotAListing, parse_feed, parse_sitemap
from wirehouse.onboarding import OnboardingError
from wirehouse.onboarding.fetch import Fetched, Fetcher

FEED_PATHS = ("feed", "feed/", "rss.xml", "feed.xml", "atom.xml", "index.xml", "rss", "feed.json")
SITEMAP_PATHS = ("sitemap.xml", "sitemap_index.xml", "news-sitemap.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")
MAX_SECTIONS = 6
MAX_CHILD_SITEMAPS = 8


@dataclass(frozen=True)
class Scope:
    """The outlet: a scheme and host, and the path it lives under ('/' for a whole site)."""
    base: str
    prefix: str

    @classmethod
    def of(cls, url: str) -> "Scope":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OnboardingError(f"not an http(s) URL: {url}")
        path = parts.path or "/"
        if "." not in path.rsplit("/", 1)[-1]:
            path += "/"  # http://host/outlet is the outlet's directory, as http://host/outlet/ is
        return cls(f"{parts.scheme}://{parts.netloc}", path[: path.rfind("/") + 1].replace("//", "/"))

    @property
    def host(self) -> str:
        return urlsplit(self.base).hostname or ""

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return host == self.host.removeprefix("www.") and (parts.path or "/").startswith(self.prefix)


@dataclass(frozen=True)
class Robots:
    allowed: bool
    crawl_delay: float | None
    sitemaps: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    title: str | None
    language: str | None
    alternates: tuple[str, ...]  # feeds named by <link rel=alternate>
    nav_links: tuple[str, ...]  # links in <nav> and <header>
    links: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    url: str
    links: tuple[str, ...]  # its in-scope links that robots.txt lets us fetch


@dataclass(frozen=True)
class Discovery:
    start_url: str
    scope: Scope
    home: Page
    robots: Robots
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    sections: tuple[Section, ...]  # the navigation's pages on the outlet that could be read
    listed: tuple[Listing, ...]  # what the feeds and sitemaps list inside the scope
    links: tuple[str, ...]  # every in-scope link of the home and section pages that robots.txt allows


def robots_rules(fetched: Fetched) -> Protego:
    # No robots.txt (or an error page for it): everything is allowed.
    return Protego.parse(fetched.body.decode("utf-8", "replace") if fetched.ok else "")


def read_robots(rules: Protego, url: str, user_agent: str) -> Robots:
    delay = rules.crawl_delay(user_agent)
    return Robots(rules.can_fetch(url, user_agent), float(delay) if delay else None, tuple(rules.sitemaps))


def read_page(fetched: Fetched) -> Page:
    try:
        tree = lxml.html.fromstring(fetched.body)
    except (ValueError, lxml.etree.ParserError):
        return Page(None, None, (), (), ())
    tree.make_links_absolute(fetched.final_url or fetched.url, resolve_base_href=True)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tree.iter("meta")}
    title = meta.get("og:site_name") or (tree.findtext(".//title") or "").strip() or None
    language = tree.get("lang") or meta.get("og:locale") or None
    alternates = tuple(link.get("href") for link in tree.iter("link")
                       if "alternate" in (link.get("rel") or "").lower().split()
                       and (link.get("type") or "").lower() in FEED_TYPES and link.get("href"))
    nav = tuple(a.get("href") for holder in tree.xpath("//nav|//header") for a in holder.iter("a") if a.get("href"))
    links = tuple(a.get("href").split("#")[0] for a in tree.iter("a") if a.get("href"))
    return Page(title, language.replace("_", "-").split("-")[0].lower() if language else None,
                alternates, tuple(dict.fromkeys(nav)), tuple(dict.fromkeys(links)))


def _parsed(fetched: Fetched) -> tuple[str, list[Listing]] | None:
    """('feed' | 'index' | 'urlset', listings), or None when the body is neither feed nor sitemap."""
    if not fetched.ok:
        return None
    for kind, parse in (("feed", parse_feed), ("sitemap", parse_sitemap)):
        try:
            result = parse(fetched.body)
        except NotAListing:
            continue
        if kind == "feed":
            return ("feed", result) if result else None
        return result
    return None


@dataclass(frozen=True)
class ListingFile:
    kind: str  # feed | index | urlset
    items: tuple[Listing, ...]  # for an index, what its newest child sitemaps list
    children: tuple[str, ...] = ()


def read_listing(fetched: Fetched, fetcher: Fetcher) -> ListingFile | None:
    """A feed or sitemap and what it lists; a sitemap index through its newest children."""
    result = _parsed(fetched)
    if result is None:
        return None
    kind, items = result
    if kind != "index":
        return ListingFile(kind, tuple(items))
    picked = sorted(items, key=lambda i: (i.date is not None, i.date), reverse=True)[:MAX_CHILD_SITEMAPS]
    listed, children = [], []
    for child, child_fetched in fetcher.get_all([i.url for i in picked]).items():
        child_result = _parsed(child_fetched)
        if child_result and child_result[0] == "urlset":
            children.append(child)
            listed += child_result[1]
    return ListingFile(kind, tuple(listed), tuple(children))


def discover(url: str, fetcher: Fetcher) -> Discovery:
    scope = Scope.of(url)
    dirs = dict.fromkeys([scope.base + scope.prefix, scope.base + "/"])
    probes = [d + name for d in dirs for name in (*FEED_PATHS, *SITEMAP_PATHS)]
    robots_url = scope.base + "/robots.txt"
    first = fetcher.get_all([url, robots_url, *probes])
    if not first[url].ok:
        raise OnboardingError(f"cannot fetch {url}: {first[url].problem}")
    agent = fetcher.headers["User-Agent"]
    rules = robots_rules(first[robots_url])
    robots = read_robots(rules, url, agent)
    if not robots.allowed:
        raise OnboardingError(f"{robots_url} disallows our crawler ({fetcher.headers['User-Agent']}) on {url}")
    home = read_page(first[url])
    sections = tuple(link for link in home.nav_links
                     if scope.contains(link) and link.rstrip("/") != url.rstrip("/") and "?" not in link)
    sections = sections[:MAX_SECTIONS]
    second = fetcher.get_all([*home.alternates, *robots.sitemaps, *sections])
    candidates = [*home.alternates, *robots.sitemaps, *probes]
    feeds, sitemaps, listed = _read_listings(candidates, {**first, **second}, scope, fetcher)
    listings = {*feeds, *sitemaps, *(i.url for i in listed)}

    def allowed(page: Page) -> tuple[str, ...]:
        return tuple(dict.fromkeys(link for link in page.links if scope.contains(link)
                                   and link not in (*feeds, *sitemaps) and rules.can_fetch(link, agent)))

    readable = tuple(Section(s, allowed(read_page(second[s]))) for s in sections
                     if second[s].ok and "html" in second[s].content_type and s not in listings)
    links = [*allowed(home), *(link for section in readable for link in section.links)]
    listed = [item for item in listed if rules.can_fetch(item.url, agent)]
    return Discovery(url, scope, home, robots, feeds, sitemaps, readable, tuple(listed),
                     tuple(dict.fromkeys(links)))


def _read_listings(candidates, fetched: dict[str, Fetched], scope: Scope, fetcher: Fetcher):
    feeds, sitemaps, listed, seen_sets = [], [], {}, set()
    children: set[str] = set()  # reached through an index: not listed on their own
    for candidate in dict.fromkeys(candidates):
        found = read_listing(fetched[candidate], fetcher)
        if found is None:
            continue
        children.update(found.children)
        inside = [i for i in found.items if scope.contains(i.url)]
        key = (found.kind == "feed", frozenset(i.url for i in inside))
        if not inside or key in seen_sets or candidate in children:
            continue
        seen_sets.add(key)
        (feeds if found.kind == "feed" else sitemaps).append(candidate)
        for item in inside:
            listed.setdefault(item.url, item)
    return tuple(feeds), tuple(s for s in sitemaps if s not in children), list(listed.values())

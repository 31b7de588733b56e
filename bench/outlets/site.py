"""Rendering an outlet's plan into served pages and its gold."""
from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator

from bench.outlets import listings, templates
from bench.outlets.listings import Entry
from bench.outlets.model import Gold, Outlet, Page, Profile
from bench.outlets.plan import WINDOW_END, WINDOW_START, Plan, Trap
from bench.outlets.urls import section_path

HTML = "text/html; charset=utf-8"
PER_SECTION_PAGE = 4
FEED_PATHS = {  # (linked from every page's head, only at a common path)
    "rss": ("/services/rss/latest.xml", "/feed/"),
    "atom": ("/syndication/atom", "/atom.xml"),
    "json": ("/api/v1/feed.json", "/feed.json"),
}
FEED_TYPES = {"rss": listings.RSS, "atom": listings.ATOM, "json": listings.JSON_FEED}


class _Site:
    def __init__(self, profile: Profile, base: str, plan: Plan):
        self.profile, self.base, self.plan = profile, base, plan
        self.pages: dict[str, Page] = {}
        self.non_articles: list[str] = []
        # <link type> is the bare media type, as sites write it (no charset parameter)
        self.feed_links = tuple((FEED_TYPES[k].split(";")[0], base + FEED_PATHS[k][0]) for k in profile.feeds
                                if profile.feeds_linked)
        self.nav = [(base + section_path(s, 1, profile.paging), s.title()) for s in plan.sections]

    def add(self, url: str, content_type: str, body: str, *, non_article: bool = False) -> None:
        self.pages[url[len(self.base):]] = Page(url[len(self.base):], content_type, body.encode("utf-8"))
        if non_article:
            self.non_articles.append(url)

    def html(self, url: str, title: str, main: str, og_type: str = "website") -> None:
        head = templates.head_links(canonical=url, feeds=self.feed_links)
        self.add(url, HTML, templates.page(lang=self.profile.language, site=self.profile.title, title=title,
                                           head=head, nav=self.nav, main=main, og_type=og_type), non_article=True)

    def links_cycle(self) -> Iterator[str]:
        """Where a real page's own links now point: sections, traps and other articles, in turn."""
        targets = [u for u, _ in self.nav] + [t.url for t in self.plan.traps] + [a.url for a in self.plan.articles]
        return itertools.cycle(targets)


def render(profile: Profile, base: str, plan: Plan) -> Outlet:
    site = _Site(profile, base, plan)
    everything = plan.articles + plan.old_articles
    for article in everything:
        _article(site, article)
    for trap in plan.traps:
        _trap(site, trap)
    _sections(site)
    _home(site)
    entries = [Entry(a.url, a.title, a.published) for a in everything]
    if profile.media_in_listings:
        entries += [Entry(t.url, t.title, t.published) for t in plan.traps if t.kind in ("video", "gallery")]
    _feeds(site, entries)
    site.add(base + "/robots.txt", "text/plain; charset=utf-8",
             listings.robots(crawl_delay=profile.crawl_delay, sitemaps=_sitemaps(site, entries),
                             disallow=("/search", "/account/")))
    gold = Gold(articles=tuple(a.url for a in plan.articles),
                amp_urls={a.amp_url: a.url for a in everything if a.amp_url},
                non_articles=tuple(site.non_articles), old_articles=tuple(a.url for a in plan.old_articles),
                window_start=WINDOW_START, window_end=WINDOW_END)
    return Outlet(profile, base, tuple(site.pages.values()), gold)


def _article(site: _Site, article) -> None:
    links = site.links_cycle()
    head = templates.head_links(canonical=article.url, amphtml=article.amp_url, feeds=site.feed_links)
    body = templates.rewrite_article(article.source.html, original_url=article.source.original_url,
                                     url=article.url, head=head, internal_links=links)
    site.add(article.url, HTML, body)
    if article.amp_url:
        amp_head = templates.head_links(canonical=article.url)
        site.add(article.amp_url, HTML, templates.rewrite_article(
            article.source.html, original_url=article.source.original_url, url=article.url, head=amp_head,
            internal_links=links))


def _quotes(site: _Site, trap: Trap, count: int, words: int) -> list[str]:
    """count snippets of words words, each from another article: trap pages carry article-like
    text, so that only the entry's URL rules (not a too-short page) keep them out."""
    articles = site.plan.articles
    start = zlib.crc32(trap.url.encode())
    snippets = []
    for n in range(count):
        text = articles[(start + n) % len(articles)].source.text.split()
        offset = (start // 7 + 13 * n) % max(1, len(text) - words)
        snippets.append(" ".join(text[offset:offset + words]))
    return snippets


def _trap(site: _Site, trap: Trap) -> None:
    e = templates.e
    teasers = [(a.url, a.title) for a in site.plan.articles[:: max(1, len(site.plan.articles) // 5)]]
    if trap.kind == "video":
        transcript = "".join(f"<p>{e(q)}</p>" for q in _quotes(site, trap, 3, 70))
        main = (f"<h1>{e(trap.title)}</h1><video controls src=\"/media/{zlib.crc32(trap.url.encode()) % 997}.mp4\">"
                f"</video><h2>Transcript</h2>{transcript}<h2>More videos</h2>" + templates.teaser_list(teasers))
    elif trap.kind == "gallery":
        figures = "".join(f'<figure><img src="/img/{n}.jpg" alt=""><figcaption>{e(q)}</figcaption></figure>'
                          for n, q in enumerate(_quotes(site, trap, 6, 35)))
        main = f"<h1>{e(trap.title)}</h1>{figures}"
    else:  # tag, author and search pages: teasers with a summary each
        items = "".join(f'<article><h3><a href="{e(a.url)}">{e(a.title)}</a></h3><p>{e(q)}</p></article>'
                        for (a, q) in zip(site.plan.articles[::2], _quotes(site, trap, 6, 35)))
        bio = "<p>Reporter. Writes about politics, the economy and the places in between.</p>" \
            if trap.kind == "author" else ""
        main = f"<h1>{e(trap.title)}</h1>{bio}{items}"
    site.html(trap.url, trap.title, main, og_type="video.other" if trap.kind == "video" else "website")


def _sections(site: _Site) -> None:
    profile, plan = site.profile, site.plan
    media = [t for t in plan.traps if t.kind in ("video", "gallery")]
    ordered = sorted(plan.articles + plan.old_articles, key=lambda a: a.published or WINDOW_END, reverse=True)
    for s_index, section in enumerate(plan.sections):
        items = [a for a in ordered if a.section == section]
        chunks = [items[i:i + PER_SECTION_PAGE] for i in range(0, len(items), PER_SECTION_PAGE)] or [[]]
        for n, chunk in enumerate(chunks, start=1):
            teasers = [(a.url, a.title) for a in chunk]
            teasers += [(a.amp_url, a.title + " (AMP)") for a in chunk[:1] if a.amp_url]
            teasers += [(t.url, t.title) for t in media[s_index::len(plan.sections)]]
            paging = "".join(f'<a href="{site.base}{section_path(section, k, profile.paging)}">{k}</a> '
                             for k in range(1, len(chunks) + 1) if k != n)
            url = site.base + section_path(section, n, profile.paging)
            site.html(url, section.title() + (f" - page {n}" if n > 1 else ""),
                      f"<h1>{section.title()}</h1>{templates.teaser_list(teasers)}<nav class=\"pages\">{paging}</nav>")


def _home(site: _Site) -> None:
    latest = sorted(site.plan.articles, key=lambda a: a.published or WINDOW_END, reverse=True)[:8]
    teasers = [(a.url, a.title) for a in latest]
    teasers += [(t.url, t.title) for t in site.plan.traps if t.kind != "search"][::2]
    site.html(site.base + "/", site.profile.title, f"<h1>{templates.e(site.profile.title)}</h1>"
              + templates.teaser_list(teasers))


def _feeds(site: _Site, entries: list[Entry]) -> None:
    profile, base, home = site.profile, site.base, site.base + "/"
    for kind in profile.feeds:
        url = base + FEED_PATHS[kind][0 if profile.feeds_linked else 1]
        if kind == "rss":
            body = listings.rss(profile.title, home, entries)
        elif kind == "atom":
            body = listings.atom(profile.title, home, url, entries, WINDOW_END)
        else:
            body = listings.json_feed(profile.title, home, url, entries)
        site.add(url, FEED_TYPES[kind], body)


def _sitemaps(site: _Site, entries: list[Entry]) -> list[str]:
    """Adds the sitemaps; returns those robots.txt names."""
    profile, base = site.profile, site.base
    if profile.sitemap == "none":
        return []
    hidden = profile.sitemap_in_robots_only
    if profile.sitemap == "urlset":
        url = base + ("/static/maps/all-articles.xml" if hidden else "/sitemap.xml")
        site.add(url, listings.XML, listings.urlset(entries))
        return [url] if hidden else []
    files = listings.monthly(base, "/maps/monthly" if hidden else "/sitemaps", entries)
    index_url = base + ("/maps/root.xml" if hidden else "/sitemap_index.xml")
    site.add(index_url, listings.XML, files.pop("index"))
    for path, body in files.items():
        site.add(base + path, listings.XML, body)
    named = [index_url] if hidden else []
    if profile.sitemap == "news":
        news_url = base + ("/maps/news.xml" if hidden else "/news-sitemap.xml")
        site.add(news_url, listings.XML,
                 listings.news_sitemap(profile.title, profile.language, entries, WINDOW_END))
        named.append(news_url)  # a news sitemap is named in robots.txt in either case
    return named

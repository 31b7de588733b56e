"""Feeds (RSS 2.0, Atom, JSON Feed), sitemaps (urlset, index of monthly sitemaps, Google News) and robots.txt."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

FEED_SIZE = 10  # feeds carry only the latest items, as real ones do: a 60-day catch-up needs more
NEWS_SITEMAP_DAYS = 2  # Google News sitemaps list the last two days only

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"
XML = "application/xml; charset=utf-8"
SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    published: datetime | None


def _latest(entries: list[Entry]) -> list[Entry]:
    dated = sorted((x for x in entries if x.published), key=lambda x: x.published, reverse=True)
    undated = [x for x in entries if x.published is None]
    return (undated[:2] + dated)[:FEED_SIZE]


def rss(site: str, home: str, entries: list[Entry]) -> str:
    items = "".join(
        f"<item><title>{escape(x.title)}</title><link>{escape(x.url)}</link><guid>{escape(x.url)}</guid>"
        + (f"<pubDate>{format_datetime(x.published)}</pubDate>" if x.published else "") + "</item>\n"
        for x in _latest(entries))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{escape(site)}</title>'
            f"<link>{escape(home)}</link><description>Latest from {escape(site)}</description>\n{items}</channel></rss>\n")


def atom(site: str, home: str, self_url: str, entries: list[Entry], updated: datetime) -> str:
    items = "".join(
        f'<entry><title>{escape(x.title)}</title><link rel="alternate" href="{escape(x.url)}"/><id>{escape(x.url)}</id>'
        + (f"<published>{x.published.isoformat()}</published>" if x.published else "") + "</entry>\n"
        for x in _latest(entries))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(site)}</title><id>{escape(home)}</id><updated>{updated.isoformat()}</updated>"
            f'<link rel="self" href="{escape(self_url)}"/>\n{items}</feed>\n')


def json_feed(site: str, home: str, self_url: str, entries: list[Entry]) -> str:
    items = [{"id": x.url, "url": x.url, "title": x.title,
              **({"date_published": x.published.isoformat()} if x.published else {})} for x in _latest(entries)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": site, "home_page_url": home,
                       "feed_url": self_url, "items": items}, ensure_ascii=False, indent=1) + "\n"


def urlset(entries: list[Entry]) -> str:
    urls = "".join(f"<url><loc>{escape(x.url)}</loc>"
                   + (f"<lastmod>{x.published.isoformat()}</lastmod>" if x.published else "") + "</url>\n"
                   for x in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM_NS}">\n{urls}</urlset>\n'


def monthly(base: str, folder: str, entries: list[Entry]) -> dict[str, str]:
    """path -> XML: an index of monthly sitemaps (undated entries in an undated 'misc' one)."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for x in entries:
        groups[f"{x.published:%Y-%m}" if x.published else "misc"].append(x)
    files, children = {}, []
    for key in sorted(groups):
        path = f"{folder}/{key}.xml"
        files[path] = urlset(groups[key])
        dates = [x.published for x in groups[key] if x.published]
        lastmod = f"<lastmod>{max(dates).isoformat()}</lastmod>" if dates else ""
        children.append(f"<sitemap><loc>{escape(base + path)}</loc>{lastmod}</sitemap>\n")
    files["index"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SM_NS}">\n'
                      + "".join(children) + "</sitemapindex>\n")
    return files


def news_sitemap(site: str, language: str, entries: list[Entry], now: datetime) -> str:
    recent = [x for x in entries if x.published and x.published >= now - timedelta(days=NEWS_SITEMAP_DAYS)]
    urls = "".join(
        f"<url><loc>{escape(x.url)}</loc><news:news><news:publication><news:name>{escape(site)}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{x.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(x.title)}</news:title></news:news></url>\n" for x in recent)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM_NS}" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>\n')


def robots(*, crawl_delay: float | None, sitemaps: list[str], disallow: tuple[str, ...]) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow)]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    lines += ["", *(f"Sitemap: {url}" for url in sitemaps)]
    return "\n".join(lines) + "\n"

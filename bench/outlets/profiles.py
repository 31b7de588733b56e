"""The outlets of the evaluation: each a different mix of URL schemes, listings and traps."""
from __future__ import annotations

from bench.outlets.model import Profile as P

ALL_TRAPS = ("tag", "author", "video", "gallery", "search")

PROFILES: tuple[P, ...] = (
    P("daily_ledger", "The Daily Ledger", "en", "wcxb", 16, ("date",), feeds=("rss",), sitemap="index"),
    P("metro_wire", "Metro Wire", "en", "wcxb", 14, ("id",), feeds=("atom",), feeds_linked=False, sitemap="urlset"),
    P("coastal_post", "Coastal Post", "en", "wcxb", 15, ("slug",), feeds=("json",), paging="query"),
    P("valley_times", "Valley Times", "en", "wcxb", 14, ("query",), sitemap="urlset", sitemap_in_robots_only=True,
      crawl_delay=1),
    P("harbor_herald", "Harbor Herald", "en", "wcxb", 15, ("html",), amp="path", sitemap="news",
      media_in_listings=True),
    P("northern_star", "Northern Star", "en", "wcxb", 16, ("date", "id"), feeds=("rss", "atom"), sitemap="index",
      sitemap_in_robots_only=True),
    P("river_gazette", "River Gazette", "en", "wcxb", 14, ("slug",), amp="query"),
    P("city_chronicle", "City Chronicle", "en", "wcxb", 15, ("id",), feeds=("rss",), feeds_linked=False,
      media_in_listings=True, crawl_delay=2),
    P("prairie_press", "Prairie Press", "en", "wcxb", 14, ("html", "slug"), sitemap="index"),
    P("summit_daily", "Summit Daily", "en", "wcxb", 15, ("date",), amp="path", feeds=("atom",), sitemap="news",
      sitemap_in_robots_only=True),
    P("bay_observer", "Bay Observer", "en", "wcxb", 14, ("query",), feeds=("json", "rss"), paging="query"),
    P("lakeside_news", "Lakeside News", "en", "wcxb", 16, ("slug",), sitemap="urlset", media_in_listings=True),
    P("capital_report", "Capital Report", "en", "wcxb", 15, ("id", "query"), amp="query", feeds=("rss",),
      sitemap="news", crawl_delay=1),
    P("granite_journal", "Granite Journal", "en", "wcxb", 14, ("date",), traps=("tag", "author", "search")),
    P("world_dispatch", "World Dispatch", "en", "fundus:en", 14, ("html",), feeds=("atom",), feeds_linked=False,
      sitemap="index", media_in_listings=True),
    P("berliner_blatt", "Berliner Blatt", "de", "fundus:de", 16, ("date",), feeds=("rss",), sitemap="news"),
    P("rhein_kurier", "Rhein-Kurier", "de", "fundus:de", 15, ("id",), sitemap="urlset", sitemap_in_robots_only=True,
      crawl_delay=1),
    P("alpen_anzeiger", "Alpen-Anzeiger", "de", "fundus:de", 14, ("slug",), amp="path", paging="query"),
    P("hansa_rundschau", "Hansa Rundschau", "de", "fundus:de", 15, ("html", "id"), feeds=("atom", "json"),
      sitemap="index", media_in_listings=True),
    P("diario_sol", "Diario del Sol", "es", "fundus:es", 7, ("date",), feeds=("rss",), sitemap="urlset"),
    # Turkish, not Japanese: the clean stage counts words by spaces, so every Japanese page is "too short".
    P("bogaz_gazetesi", "Boğaz Gazetesi", "tr", "fundus:tr", 4, ("id",), sitemap="index", sitemap_in_robots_only=True),
)


def describe(profile: P) -> dict[str, str]:
    """One line of the outlets table: URL schemes, listings, traps."""
    schemes = "+".join(profile.schemes) + (f", AMP {profile.amp}" if profile.amp else "")
    listings = [f"{'+'.join(profile.feeds)} feed{'' if profile.feeds_linked else ' (common path only)'}"] \
        if profile.feeds else []
    if profile.sitemap != "none":
        where = " in robots.txt only" if profile.sitemap_in_robots_only else ""
        listings.append({"urlset": "sitemap", "index": "sitemap index", "news": "news sitemap + index"}[profile.sitemap]
                        + where)
    listings.append(f"sections ({profile.paging} paging)")
    traps = ",".join(profile.traps) + (" (media in listings)" if profile.media_in_listings else "")
    if profile.crawl_delay is not None:
        traps += f"; Crawl-delay {profile.crawl_delay:g}"
    return {"schemes": schemes, "listings": "; ".join(listings), "traps": traps}

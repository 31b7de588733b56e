"""Records of the generated outlets: what a profile asks for, the pages served, and the gold."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Profile:
    """How one outlet is built. Every outlet has a home page and paginated section pages."""
    name: str
    title: str
    language: str
    corpus: str  # "wcxb" or "fundus:<language>"
    articles: int
    schemes: tuple[str, ...]  # article URL schemes, assigned in turn: date | id | slug | query | html
    amp: str | None = None  # "path" (/amp/...) or "query" (?amp=1)
    feeds: tuple[str, ...] = ()  # rss | atom | json
    feeds_linked: bool = True  # <link rel=alternate> in every page's head, else only at a common path
    sitemap: str = "none"  # none | urlset | index | news (a Google News sitemap beside an index)
    sitemap_in_robots_only: bool = False  # the sitemap has an odd path named only by robots.txt
    media_in_listings: bool = False  # video and gallery pages are listed in the feed and sitemaps too
    traps: tuple[str, ...] = ("tag", "author", "video", "gallery", "search")
    crawl_delay: float | None = None
    paging: str = "path"  # section pagination: /world/page/2/ (path) or /world/?page=2 (query)


@dataclass(frozen=True)
class SourcePage:
    """A real news page from ../shared/benchmarks, used as an article's body."""
    corpus: str
    page_id: str
    original_url: str
    title: str
    language: str
    html: str
    text: str  # the labelled body text (what trap pages quote)


@dataclass(frozen=True)
class Article:
    url: str
    amp_url: str | None
    title: str
    published: datetime | None  # None: the outlet's listings give no date
    section: str
    source: SourcePage


@dataclass(frozen=True)
class Page:
    path: str  # path with query, as requested
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Gold:
    """What a catch-up over [window_start, window_end) should store, and what it must not."""
    articles: tuple[str, ...]  # canonical article URLs: published in the window, or undated
    amp_urls: dict[str, str]  # AMP URL -> its article's canonical URL (same article, not a miss nor a trap)
    non_articles: tuple[str, ...]  # tag, author, video, gallery, search, section, pagination, home
    old_articles: tuple[str, ...]  # articles dated before the window: neither needed nor penalised
    window_start: datetime
    window_end: datetime


@dataclass(frozen=True)
class Outlet:
    profile: Profile
    base_url: str  # http://127.0.0.1:PORT, no trailing slash
    pages: tuple[Page, ...]
    gold: Gold

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def home(self) -> str:
        return self.base_url + "/"

"""`wirehouse sources add URL`: from an outlet's home page to a working source entry."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from courlan.filters import is_navigation_page, type_filter

from scrapers.discovery import Listing
from wirehouse.onboarding import OnboardingError, patterns
from wirehouse.onboarding.discover import Discovery, discover
from wirehouse.onboarding.entry import Entry, default_name, is_private_host
from wirehouse.onboarding.fetch import Fetcher
from wirehouse.onboarding.preview import Sampled, sample
from wirehouse.urls import normalize

# Slug-like last segments (two or more words, or a long number) make a page link an article candidate
# when an outlet has neither feed nor sitemap.
# Where section pages are the only way to articles, the crawl reads this many next pages of each
# (fewer where a page lists nothing new), so that a first run or a catch-up reaches older articles.
SECTIONS_ONLY_DEPTH = 5
_ARTICLE_LIKE = re.compile(r"(?:[a-z0-9]+[-_])+[a-z0-9]+|\d{4,}", re.IGNORECASE)


@dataclass(frozen=True)
class Proposal:
    entry: Entry
    discovery: Discovery
    rows: tuple[Sampled, ...]
    interval_fetches: int
    interval_articles: int


def _round_robin(groups: list[list[str]], n: int) -> list[str]:
    picked: list[str] = []
    for i in range(max((len(g) for g in groups), default=0)):
        picked += [g[i] for g in groups if i < len(g)]
    return picked[:n]


def _candidates(found: Discovery) -> list[str]:
    """Feed and sitemap URLs (else slug-like page links), one spelling per page."""
    if found.listed:
        urls = [item.url for item in found.listed]
    else:
        home, sections = found.start_url.rstrip("/"), {s.url for s in found.sections}
        urls = [link for link in found.links if link.rstrip("/") != home and link not in sections
                and _ARTICLE_LIKE.search(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1])]
    return list({normalize(u): u for u in reversed(urls)}.values())[::-1]


def _structural(url: str) -> bool:
    """A site's structure by its URL (courlan: galleries, tag, author, category, archive and paging
    pages): never an article, however much text it carries. Read on the path: courlan takes `?p=N`
    for paging, which WordPress uses for article ids."""
    path_only = urlsplit(url)._replace(query="", fragment="").geturl()
    return not type_filter(path_only) or is_navigation_page(path_only)


@dataclass(frozen=True)
class Judged:
    articles: tuple[str, ...]
    others: tuple[str, ...]
    rows: tuple[Sampled, ...]


def _families(urls: list[str], prefix: str) -> list[list[str]]:
    """URL families (patterns.families) in sampling order: the largest family of every shape first, so
    that each shape is sampled, then the rest, largest first."""
    by_shape = sorted(patterns.group(urls, prefix).values(), key=len, reverse=True)
    split = [patterns.families(members) for members in by_shape]
    ordered = [f[0] for f in split] + sorted((x for f in split for x in f[1:]), key=len, reverse=True)
    return [[p.url for p in family] for family in ordered]


def _verdicts(urls: list[str], fetcher: Fetcher, n: int, prefix: str, unsampled: bool = True) -> Judged:
    """Samples n pages round the families of urls and judges them. A family of which two or more pages
    were sampled, none an article, is dropped (one such page gets a second look); any other sampled
    non-article is dropped alone. With unsampled true (URLs the listings give), a shape whose sampled
    pages are all non-articles is dropped too, and the other unsampled URLs count as articles; else
    they are left out."""
    groups = _families(urls, prefix)
    rows = sample(_round_robin(groups, n), fetcher)
    verdict = {row.url: row.is_article for row in rows}
    again = [next(u for u in g if u not in verdict) for g in groups
             if len(g) > 1 and [verdict[u] for u in g if u in verdict] == [False]]
    rows += sample(again, fetcher)
    verdict.update({row.url: row.is_article for row in rows})
    shapes_with_articles = {patterns.shape_of(patterns.parse(u, prefix)) for u, ok in verdict.items() if ok}
    articles: list[str] = []
    others: list[str] = []
    for g in groups:
        seen = [verdict[u] for u in g if u in verdict]
        shape = patterns.shape_of(patterns.parse(g[0], prefix))
        if (unsampled and shape not in shapes_with_articles) or (len(seen) >= 2 and not any(seen)):
            others += g
            continue
        articles += [u for u in g if verdict.get(u, unsampled)]
        others += [u for u in g if verdict.get(u) is False]
    return Judged(tuple(articles), tuple(others), rows)


def _judge(found: Discovery, fetcher: Fetcher, n: int) -> tuple[list[str], list[str], tuple[Sampled, ...]]:
    """(article URLs, other URLs, sampled rows) of the candidates. Structure pages are others without
    being sampled."""
    candidates = _candidates(found)
    structural = [u for u in candidates if _structural(u)]
    judged = _verdicts([u for u in candidates if not _structural(u)], fetcher, n, found.scope.prefix)
    return list(judged.articles), structural + list(judged.others), judged.rows


def _guard(found, fetcher, articles, others, rows, n):
    """Section-page links the patterns would take for articles, sampled by family: non-articles among
    them make the patterns narrower."""
    inferred = patterns.infer(articles, others, found.scope.base, found.scope.prefix)
    known = {normalize(u) for u in (*articles, *others)}
    extra = [link for link in found.links if normalize(link) not in known
             and any(re.search(p.regex, link) for p in inferred)]
    others = others + [link for link in extra if _structural(link)]
    extra = [link for link in extra if not _structural(link)]
    if not extra:
        return patterns.infer(articles, others, found.scope.base, found.scope.prefix), rows
    checked = _verdicts(extra, fetcher, max(3, n // 3), found.scope.prefix, unsampled=False)
    articles = articles + list(checked.articles)
    others = others + list(checked.others)
    return patterns.infer(articles, others, found.scope.base, found.scope.prefix), rows + checked.rows


def _cadence(listed: tuple[Listing, ...], regexes) -> tuple[str, int]:
    """hourly when the listings date 24 or more articles in their latest day; and how many articles
    one interval of that cadence holds there."""
    dates = sorted((i.date for i in listed if i.date and any(re.search(r, i.url) for r in regexes)), reverse=True)
    if not dates:
        return "hourly", 0
    day = sum(1 for d in dates if d > dates[0] - timedelta(days=1))
    if day >= 24:
        return "hourly", sum(1 for d in dates if d > dates[0] - timedelta(hours=1))
    return "daily", day


def _sections(found: Discovery, regexes) -> list[str]:
    """The navigation's section pages that link to articles."""
    return [s.url for s in found.sections if any(re.search(r, link) for r in regexes for link in s.links)]


def propose(url: str, fetcher: Fetcher, name: str | None, taken: set[str], rank: int, n: int) -> Proposal:
    found = discover(url, fetcher)
    articles, others, rows = _judge(found, fetcher, n)
    if not articles:
        raise OnboardingError(f"{url} offers nothing that looks like articles: "
                              f"{len(found.feeds)} feed(s), {len(found.sitemaps)} sitemap(s), "
                              f"{len(rows)} sampled page(s), none an article")
    # Links of other shapes are the site's other pages; links of an article's shape stay unknown
    # until _guard samples them.
    shapes = {patterns.shape_of(patterns.parse(a, found.scope.prefix)) for a in articles}
    others += [link for link in found.links if link not in articles
               and patterns.shape_of(patterns.parse(link, found.scope.prefix)) not in shapes]
    others += [s.url for s in found.sections]
    inferred, rows = _guard(found, fetcher, articles, others, rows, n)
    regexes = tuple(p.regex for p in inferred)
    sections = _sections(found, regexes)
    cadence, per_interval = _cadence(found.listed, regexes)
    host = found.scope.host
    private = is_private_host(host)
    delay = found.robots.crawl_delay or (0.0 if private else 1.0)
    languages = Counter(r.language for r in rows if r.is_article and r.language)
    entry = Entry(
        name=name or default_name(url, found.scope.prefix, taken), title=found.home.title or host, rank=rank,
        language=found.home.language or (languages.most_common(1)[0][0] if languages else None),
        domains=tuple(dict.fromkeys([host, *(urlsplit(a).hostname for a in articles)])),
        # the sections are start pages too, so that their next pages are followed
        feeds=found.feeds, sitemaps=found.sitemaps, start_pages=(url, *sections),
        follow=patterns.follow_regexes(sections, found.scope.base),
        section_depth=1 if found.feeds or found.sitemaps or not sections else SECTIONS_ONLY_DEPTH,
        article_urls=regexes, cadence=cadence, allow_private_addresses=private,
        download_delay=delay, concurrency=1 if found.robots.crawl_delay else (4 if private else 2),
        comment=f"added by `wirehouse sources add {url}` on {date.today().isoformat()}: "
                f"{sum(r.is_article for r in rows)} of {len(rows)} sampled pages are articles")
    fetches = len(found.feeds) + len(found.sitemaps) + 1 + len(found.sections) + per_interval
    return Proposal(entry, found, rows, fetches, per_interval)

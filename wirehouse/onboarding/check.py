"""`wirehouse sources check`: is each configured source still crawlable, live?"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from wirehouse.onboarding.discover import read_listing, read_page, robots_rules
from wirehouse.onboarding.fetch import Fetcher
from wirehouse.onboarding.preview import sample
from wirehouse.sources import Source
from wirehouse.urls import normalize


@dataclass(frozen=True)
class Verdict:
    source: str
    ok: bool
    listed: int  # URLs its feeds and sitemaps list
    matched: int  # of those and of its start pages' links, how many match article_urls
    sampled: int
    articles: int  # sampled pages the extractor finds articles
    reason: str


def _listing_problems(source: Source, fetcher: Fetcher) -> tuple[list[str], list[str], int]:
    """(problems, article URLs found, URLs listed) over the source's feeds and sitemaps."""
    problems, matched, listed = [], [], 0
    fetched = fetcher.get_all([*source.feeds, *source.sitemaps])
    for url in [*source.feeds, *source.sitemaps]:
        what = "feed" if url in source.feeds else "sitemap"
        if not fetched[url].ok:
            problems.append(f"{what} {url}: {fetched[url].problem}")
            continue
        found = read_listing(fetched[url], fetcher)
        if found is None:
            problems.append(f"{what} {url}: not a feed or sitemap")
            continue
        listed += len(found.items)
        hits = [i.url for i in found.items if source.is_article_url(i.url)]
        if not hits:
            problems.append(f"{what} {url}: none of its {len(found.items)} URLs matches article_urls")
        matched += hits
    return problems, matched, listed


def _robots_allow(url: str, fetcher: Fetcher) -> bool:
    parts = urlsplit(url)
    rules = robots_rules(fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt"))
    return rules.can_fetch(url, fetcher.headers["User-Agent"])


def check_source(source: Source, fetcher: Fetcher, n: int = 3) -> Verdict:
    problems, matched, listed = _listing_problems(source, fetcher)
    for url, fetched in fetcher.get_all(source.start_pages).items():
        if not fetched.ok:
            problems.append(f"start page {url}: {fetched.problem}")
            continue
        matched += [link for link in read_page(fetched).links if source.is_article_url(link)]
    unique = [u for u in list({normalize(u): u for u in reversed(matched)}.values())[::-1]
              if _robots_allow(u, fetcher)]
    rows = sample(unique[:n], fetcher)
    articles = sum(r.is_article for r in rows)
    if not unique:
        problems.append("no URL matching article_urls in its feeds, sitemaps or start pages")
    elif not articles:
        problems.append(f"none of {len(rows)} sampled pages is an article ({rows[0].verdict})")
    return Verdict(source.name, not problems, listed, len(unique), len(rows), articles,
                   "; ".join(problems) or f"{articles} of {len(rows)} sampled pages are articles")


def table(verdicts: list[Verdict]) -> str:
    columns = ("source", "verdict", "listed", "article urls", "sampled", "reason")
    cells = [(v.source, "ok" if v.ok else "BROKEN", str(v.listed), str(v.matched), f"{v.articles}/{v.sampled}",
              v.reason) for v in verdicts]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [columns, *cells])

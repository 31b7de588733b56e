"""Which page of a cluster of copies is the original: evidence that survives missing and wrong dates.

A date a page claims is data to judge, never the key:
1. **Credit.** A page that names another member of its cluster as its original (a cross-domain
   rel=canonical, an "Originally published at" link: `credited_url`) is not the original.
2. **Age.** Of the rest, the earliest `origin_at` wins: the published date when it is credible,
   else when wirehouse first saw the page. A published date is credible when it is not later than
   the page was first seen (a day's slack for time zones), not before the web existed, and not
   contradicted by a date in the page's URL. A credible date is earlier than the first sighting
   (a page is published before it is fetched), so an original fetched after its copies still wins.
   A page that another names as its original is preferred over the rest.
3. Ties: the earlier first sighting, then the source's rank in sources.yaml, then the URL.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from htmldate.extractors import COMPLETE_URL

WEB_EPOCH = datetime(1991, 8, 6, tzinfo=timezone.utc)  # the first web page: no news page is older
FUTURE_SLACK = timedelta(days=1)  # a published time this far past the first sighting is a time-zone slip
URL_DATE_SLACK_DAYS = 1
UNRANKED = 1_000_000


@dataclass(frozen=True)
class Origin:
    """What the choice of an original knows of one page or article."""
    origin_at: datetime
    first_seen_at: datetime
    rank: int
    url: str
    urls: frozenset[str]  # every URL it is known by
    credited_url: str | None = None

    def key(self) -> tuple:
        return (self.origin_at, self.first_seen_at, self.rank, self.url)


def url_date(url: str) -> date | None:
    """The Y/M/D date a URL's path carries (htmldate's pattern), if any."""
    match = COMPLETE_URL.search(url)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def credible_published(published_at: datetime | None, first_seen_at: datetime, url: str) -> datetime | None:
    """The page's published date when the rest of what is known does not contradict it."""
    if published_at is None or published_at < WEB_EPOCH or published_at > first_seen_at + FUTURE_SLACK:
        return None
    in_url = url_date(url)
    if in_url is not None and abs((published_at.date() - in_url).days) > URL_DATE_SLACK_DAYS:
        return None
    return published_at


def origin_at(published_at: datetime | None, first_seen_at: datetime, url: str) -> datetime:
    credible = credible_published(published_at, first_seen_at, url)
    return first_seen_at if credible is None else min(credible, first_seen_at)


def order_key(published_at: datetime | None, first_seen_at: datetime, rank: int, url: str) -> tuple:
    """Origin.key() of a page, from its columns."""
    return (origin_at(published_at, first_seen_at, url), first_seen_at, rank, url)


def credits(page: Origin, other: Origin) -> bool:
    """`page` names `other` as its original."""
    return page.credited_url is not None and page.credited_url in other.urls


def choose_original(members: Collection[Origin], credited_urls: Collection[str] = frozenset()) -> Origin:
    """The original of a cluster, the same whatever order its members arrived in. A member that
    credits another is ruled out; one that a member or another copy credits (`credited_urls`:
    what copies of the cluster name as their original) is preferred; then the oldest evidence."""
    pool = [m for m in members if not any(credits(m, o) for o in members if o is not m)] or list(members)
    named = [m for m in pool if not m.urls.isdisjoint(credited_urls) or any(credits(o, m) for o in members)]
    return min(named or pool, key=Origin.key)


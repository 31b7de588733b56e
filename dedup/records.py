"""The typed records dedup takes and returns: what the database side reads, and the decisions it applies."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dedup.fingerprints import Fingerprint
from dedup.originals import Origin
from dedup.stories import StoryMember


@dataclass(frozen=True)
class StagedPage:
    """A page `clean` extracted (stage.articles) with its fingerprint (stage.fingerprints); the text
    stays in the database: decisions need only its fingerprint."""
    page_id: int
    run_id: int
    source: str
    url: str
    final_url: str
    canonical_url: str
    fetched_at: datetime
    published_at: datetime | None
    credited_url: str | None
    fingerprint: Fingerprint


@dataclass(frozen=True)
class KnownArticle:
    """An article of the warehouse a batch may match."""
    article_id: int
    source: str
    content_hash: str
    body_hash: str | None
    anchors: frozenset[int]
    origin: Origin


@dataclass(frozen=True)
class KnownCopy:
    """A copy of the warehouse a batch may match: a page matching it belongs with its article."""
    url: str
    article_id: int
    body_hash: str | None
    anchors: frozenset[int]


@dataclass(frozen=True)
class Known:
    """What the database holds that a batch of pages may meet, read in a few set-based queries."""
    copy_urls: Mapping[str, int] = field(default_factory=dict)  # URL of a copy -> its article
    article_urls: Mapping[str, int] = field(default_factory=dict)  # URL of an article -> the article
    articles: Mapping[int, KnownArticle] = field(default_factory=dict)
    copies: Mapping[str, KnownCopy] = field(default_factory=dict)  # matched copies and copies of known articles
    candidates: Mapping[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # page -> (article, shared)
    copy_candidates: Mapping[int, tuple[tuple[str, int], ...]] = field(default_factory=dict)  # page -> (copy, shared)
    credited_urls: frozenset[str] = frozenset()  # URLs that stored articles name as their original
    stories: tuple[StoryMember, ...] = ()
    idf: Mapping[str, float] = field(default_factory=dict)


# -- decisions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PageOutcome:
    """Where one page ended (ops.page_outcomes): new | copy | version | unchanged."""
    page_id: int
    outcome: str
    article_id: int
    detail: str | None = None


@dataclass(frozen=True)
class NewArticle:
    page_id: int
    article_id: int
    story_id: int
    origin_at: datetime


@dataclass(frozen=True)
class NewVersion:
    """The page's text replaces its article's (a changed text at a known URL)."""
    page_id: int
    article_id: int
    origin_at: datetime


@dataclass(frozen=True)
class NewCopy:
    """A page of the batch stored as a copy of an article."""
    page_id: int
    url: str
    article_id: int
    kind: str
    similarity: float


@dataclass(frozen=True)
class Demotion:
    """A stored article turned out to copy another: it becomes a copy row."""
    article_id: int
    original_id: int
    kind: str
    similarity: float


@dataclass(frozen=True)
class Rescore:
    """A stored copy whose original changed, measured against the new one."""
    url: str
    article_id: int
    kind: str
    similarity: float


@dataclass(frozen=True)
class UrlMapping:
    url: str
    canonical_url: str
    article_id: int
    source: str


@dataclass(frozen=True)
class Resolution:
    """Everything a batch decided, for the database side to apply in bulk."""
    outcomes: tuple[PageOutcome, ...]
    articles: tuple[NewArticle, ...]
    versions: tuple[NewVersion, ...]
    copies: tuple[NewCopy, ...]
    demotions: tuple[Demotion, ...]
    rescores: tuple[Rescore, ...]
    urls: tuple[UrlMapping, ...]
    seen_articles: frozenset[int]  # stored articles met again (last_seen_at)
    seen_copies: frozenset[str]  # stored copies met again
    counted_pages: tuple[int, ...]  # pages whose lines count toward their source's boilerplate

"""Scoring one outlet's catch-up against its gold, and the evaluation's four targets."""
from __future__ import annotations

from dataclasses import dataclass

from bench.catchup import Stored
from bench.outlets.model import Gold

TARGET_VALID = 1.0
TARGET_FOUND = 0.95
TARGET_NON_ARTICLES = 0.01
TARGET_ADD_SECONDS = 20.0


@dataclass(frozen=True)
class Score:
    articles: int  # gold articles: in the window or undated
    found: int  # of those, stored as an article (its URL or its AMP URL in article_urls or article_copies)
    fetched: int  # of those, fetched as an article page with status 200 (stored or not)
    stored: int  # distinct pages stored as articles (an AMP URL counts as its article's page)
    non_articles: tuple[str, ...]  # stored URLs that are not articles: gold non-articles and unknown URLs
    missing: tuple[str, ...] = ()  # gold articles not found

    @property
    def found_share(self) -> float:
        return self.found / self.articles if self.articles else 1.0

    @property
    def non_article_share(self) -> float:
        return len(self.non_articles) / self.stored if self.stored else 0.0


def score(gold: Gold, stored: Stored) -> Score:
    amp_of = {article: amp for amp, article in gold.amp_urls.items()}

    def seen(url: str, where: frozenset[str]) -> bool:
        return url in where or amp_of.get(url) in where

    articles_any = set(gold.articles) | set(gold.old_articles) | set(gold.amp_urls)
    return Score(
        articles=len(gold.articles),
        found=sum(seen(a, stored.article_urls) for a in gold.articles),
        fetched=sum(seen(a, stored.fetched_articles) for a in gold.articles),
        # Pages, not URL spellings: an article stored under its URL and its AMP URL is one page stored,
        # else AMP outlets would weigh twice in the non-article share's denominator.
        stored=len({gold.amp_urls.get(u, u) for u in stored.article_urls}),
        non_articles=tuple(sorted(u for u in stored.article_urls if u not in articles_any)),
        missing=tuple(a for a in gold.articles if not seen(a, stored.article_urls)),
    )

"""A batch of staged pages against what is known → decisions. Pure: no database.

Each page, in order of its origin evidence (dedup/originals.py), is resolved against what the
database holds (`Known`, prefetched for the batch) and the pages before it in the batch:
  1. a URL known as a copy           -> copy (again)
  2. a URL known for an article      -> unchanged, or a new version if the text changed
  3. the same normalised text or     -> same outlet: the same article under another URL;
     the same body (text without        another outlet: an exact copy
     the outlet's boilerplate lines)
  4. shared anchors (sampled body    -> same outlet and resemblance >= VERSION_RESEMBLANCE: the
     shingles, dedup/fingerprints)      same article (a new version); another outlet: a near
                                        or partial copy (dedup/matching.py)
  5. otherwise                       -> a new article, joined to a story (dedup/stories.py)
Copies form clusters: a page that matches an article, or a copy of one, belongs with that
article, and a page that matches several articles joins them into one. The cluster's original
is chosen by `originals.choose_original`; when it arrives after its copies, the article they
were stored under is demoted to a copy. Every copy's kind and similarity are measured against
the original itself, so the warehouse does not depend on the order pages arrive in.
"""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from dedup.matching import classify, relation, same_outlet_version
from dedup.originals import UNRANKED, Origin, choose_original, origin_at
from dedup.records import (Demotion, Known, KnownArticle, KnownCopy, NewArticle, NewCopy, NewVersion, PageOutcome,
                           Rescore, Resolution, StagedPage, UrlMapping)
from dedup.stories import StoryIndex
from wirehouse.urls import normalize, variants


@dataclass(frozen=True)
class Match:
    article_id: int
    kind: str  # exact | near | partial
    similarity: float
    same_source: bool


@functools.lru_cache(maxsize=65536)
def url_forms(url: str, final_url: str, canonical: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The URLs a page is known by (as fetched, redirected to, canonical, their normal forms), and
    those with the variants a lookup tries (tracking parameters, AMP, ...)."""
    urls = {url, final_url, canonical}
    urls |= {normalize(u) for u in urls - {canonical}}  # the canonical URL was normalised by clean
    return tuple(sorted(urls)), tuple(sorted({v for u in urls for v in variants(u)}))


def page_origin(page: StagedPage, ranks: Mapping[str, int]) -> Origin:
    return Origin(origin_at(page.published_at, page.fetched_at, page.canonical_url), page.fetched_at,
                  ranks.get(page.source, UNRANKED), page.canonical_url,
                  frozenset(url_forms(page.url, page.final_url, page.canonical_url)[0]), page.credited_url)


def order_key(page: StagedPage, ranks: Mapping[str, int]) -> tuple:
    """Pages are resolved oldest evidence first, so an original usually comes before its copies."""
    return (*page_origin(page, ranks).key(), page.page_id)


class Resolver:
    def __init__(self, known: Known, new_ids: Iterable[int], ranks: Mapping[str, int]):
        self.ranks = ranks
        self.ids = sorted(new_ids, reverse=True)
        self.copy_urls = dict(known.copy_urls)
        self.article_urls = dict(known.article_urls)
        self.candidates = known.candidates
        self.copy_candidates = known.copy_candidates
        self.credited = set(known.credited_urls)
        self.articles: dict[int, KnownArticle] = {}
        self.by_content: dict[str, set[int]] = defaultdict(set)
        self.by_body: dict[str, set[int]] = defaultdict(set)
        self.batch_ids: set[int] = set()  # articles matched through the batch's index, not the prefetch
        self.batch_anchors: dict[int, list[int]] = defaultdict(list)  # anchor -> articles
        for article in known.articles.values():
            self.remember(article)
        self.copies: dict[str, KnownCopy] = dict(known.copies)
        self.copies_of: dict[int, set[str]] = defaultdict(set)
        for copy in known.copies.values():
            self.copies_of[copy.article_id].add(copy.url)
        self.batch_copy_anchors: dict[int, list[str]] = defaultdict(list)  # anchor -> copies
        self.gone: dict[int, int] = {}  # demoted article -> its original
        self.stories = StoryIndex(known.idf)
        for member in known.stories:
            self.stories.add(member)
        # what the batch decided
        self.outcomes: list[PageOutcome] = []
        self.new: dict[int, tuple[StagedPage, NewArticle]] = {}
        self.created: set[int] = set()
        self.versions: list[NewVersion] = []
        self.new_copies: dict[str, NewCopy] = {}
        self.demotions: list[Demotion] = []
        self.rescores: dict[str, Rescore] = {}
        self.urls: dict[str, UrlMapping] = {}
        self.seen_articles: set[int] = set()
        self.seen_copies: set[str] = set()
        self.counted: list[int] = []

    # -- the batch ---------------------------------------------------------------------

    def resolve_all(self, pages: Iterable[StagedPage]) -> Resolution:
        pages = sorted(pages, key=lambda p: order_key(p, self.ranks))
        self.credited |= {p.credited_url for p in pages if p.credited_url}
        for page in pages:
            outcome, article_id, detail = self.resolve(page)
            self.outcomes.append(PageOutcome(page.page_id, outcome, article_id, detail))
        return self.finish()

    def resolve(self, page: StagedPage) -> tuple[str, int, str | None]:
        urls, lookup = url_forms(page.url, page.final_url, page.canonical_url)
        copy_of = next((self.copy_urls[u] for u in lookup if u in self.copy_urls), None)
        if copy_of is not None:
            copy_of = self.alive(copy_of)
            self.map_urls(urls, page, copy_of)
            self.seen_copies.update(u for u in lookup if u in self.copy_urls)
            return "copy", copy_of, "known copy URL"
        known = next((self.article_urls[u] for u in lookup if u in self.article_urls), None)
        if known is not None:
            return self.same_article(page, urls, self.alive(known))
        shared = self.shared_anchors(page)
        matches = self.exact_matches(page) + self.near_matches(page, shared)
        if matches and matches[0].same_source:
            return self.same_article(page, urls, matches[0].article_id)
        clustered = {m.article_id for m in matches if not m.same_source} | self.articles_through_copies(page, shared)
        if not clustered:
            return "new", self.insert_article(page, urls), None
        mine = page_origin(page, self.ranks)
        members = {article_id: self.articles[article_id].origin for article_id in clustered}
        winner = choose_original([mine, *members.values()], frozenset(self.credited))
        if winner is not mine:
            original = next(a for a, o in members.items() if o is winner)
            kind, similarity = self.insert_copy(page, urls, original)
            self.demote_all(clustered - {original}, original)
            return "copy", original, f"{kind} copy, similarity {similarity:.2f}"
        article_id = self.insert_article(page, urls)
        demoted = self.demote_all(clustered, article_id)
        return "new", article_id, f"original of article {', '.join(map(str, demoted))}, now a copy"

    def finish(self) -> Resolution:
        alive = self.alive
        return Resolution(
            outcomes=tuple(replace(o, article_id=alive(o.article_id)) for o in self.outcomes),
            articles=tuple(article for _, article in self.new.values()),
            versions=tuple(v for v in self.versions if v.article_id not in self.created or v.article_id in self.new),
            copies=tuple(replace(c, article_id=alive(c.article_id)) for c in self.new_copies.values()),
            demotions=tuple(replace(d, original_id=alive(d.original_id)) for d in self.demotions),
            rescores=tuple(replace(r, article_id=alive(r.article_id)) for r in self.rescores.values()),
            urls=tuple(replace(u, article_id=alive(u.article_id)) for u in self.urls.values()),
            seen_articles=frozenset(a for a in self.seen_articles if a not in self.gone),
            seen_copies=frozenset(self.seen_copies),
            counted_pages=tuple(self.counted),
        )

    # -- what the page matches -----------------------------------------------------------

    def alive(self, article_id: int) -> int:
        while article_id in self.gone:
            article_id = self.gone[article_id]
        return article_id

    def remember(self, article: KnownArticle) -> None:
        self.articles[article.article_id] = article
        self.by_content[article.content_hash].add(article.article_id)
        if article.body_hash:
            self.by_body[article.body_hash].add(article.article_id)

    def forget(self, article_id: int) -> None:
        article = self.articles[article_id]
        self.by_content[article.content_hash].discard(article_id)
        if article.body_hash:
            self.by_body[article.body_hash].discard(article_id)
        for a in article.anchors if article_id in self.batch_ids else ():
            self.batch_anchors[a].remove(article_id)

    def article_key(self, article_id: int) -> tuple:
        return (*self.articles[article_id].origin.key(), article_id)

    def exact_matches(self, page: StagedPage) -> list[Match]:
        """Articles with the same text or the same body, oldest evidence first."""
        fp = page.fingerprint
        ids = self.by_content.get(fp.content_hash, set()) | self.by_body.get(fp.body_hash, set())
        found = sorted((i for i in ids if i not in self.gone), key=self.article_key)
        return [Match(i, "exact", 1.0, self.articles[i].source == page.source) for i in found]

    def shared_anchors(self, page: StagedPage) -> Counter[int]:
        """Anchors the page shares with each article, stored or of this batch, demoted ones too."""
        shared: Counter[int] = Counter()
        for article_id, n in self.candidates.get(page.page_id, ()):
            if article_id not in self.batch_ids:
                shared[article_id] = n
        for anchor in page.fingerprint.anchors:
            for article_id in self.batch_anchors.get(anchor, ()):
                shared[article_id] += 1
        return shared

    def near_matches(self, page: StagedPage, shared_with: Counter[int]) -> list[Match]:
        """Articles sharing enough anchors, best first: near before partial, then by similarity."""
        size = len(page.fingerprint.anchors)
        found = []
        for article_id, n in shared_with.items():
            if article_id in self.gone:
                continue
            other = self.articles[article_id]
            same_source = other.source == page.source
            if same_source:
                if (jac := same_outlet_version(n, size, len(other.anchors))) is None:
                    continue
                kind, score = "near", jac
            elif scored := classify(n, size, len(other.anchors)):
                kind, score = scored
            else:
                continue
            found.append(((kind != "near", -score, *self.article_key(article_id)),
                          Match(article_id, kind, score, same_source)))
        return [m for _, m in sorted(found, key=lambda f: f[0])]

    def articles_through_copies(self, page: StagedPage, shared_with: Counter[int]) -> set[int]:
        """The articles of the copies the page matches (articles demoted in this batch are copies too)."""
        size = len(page.fingerprint.anchors)
        found = {self.alive(article_id) for article_id, n in shared_with.items()
                 if article_id in self.gone and classify(n, size, len(self.articles[article_id].anchors))}
        shared: Counter[str] = Counter(dict(self.copy_candidates.get(page.page_id, ())))
        for anchor in page.fingerprint.anchors:
            for url in self.batch_copy_anchors.get(anchor, ()):
                shared[url] += 1
        for url, n in shared.items():
            copy = self.copies.get(url)
            if copy is not None and classify(n, size, len(copy.anchors)):
                found.add(self.alive(copy.article_id))
        return found

    def relation_to(self, original_id: int, anchors: Iterable[int], body_hash: str | None) -> tuple[str, float]:
        """A copy's kind and similarity, always measured against its original."""
        original = self.articles[original_id]
        anchors = frozenset(anchors)
        return relation(len(original.anchors & anchors), len(anchors), len(original.anchors),
                        body_hash is not None and body_hash == original.body_hash)

    # -- decisions -------------------------------------------------------------------------

    def map_urls(self, urls: Iterable[str], page: StagedPage, article_id: int) -> None:
        for url in urls:
            self.urls[url] = UrlMapping(url, page.canonical_url, article_id, page.source)

    def index_batch(self, article: KnownArticle) -> None:
        """From now on the article is matched through the batch's index, with these anchors."""
        if article.article_id in self.articles:
            self.forget(article.article_id)
        self.remember(article)
        self.batch_ids.add(article.article_id)
        for a in article.anchors:
            self.batch_anchors[a].append(article.article_id)

    def same_article(self, page: StagedPage, urls: Iterable[str], article_id: int) -> tuple[str, int, str | None]:
        self.map_urls(urls, page, article_id)
        if article_id not in self.created:
            self.seen_articles.add(article_id)
        article = self.articles[article_id]
        fp = page.fingerprint
        if article.content_hash == fp.content_hash:
            return "unchanged", article_id, None
        self.versions.append(NewVersion(page.page_id, article_id, article.origin.origin_at))
        self.index_batch(replace(article, content_hash=fp.content_hash, body_hash=fp.body_hash,
                                 anchors=frozenset(fp.anchors)))
        return "version", article_id, None

    def insert_article(self, page: StagedPage, urls: Iterable[str]) -> int:
        article_id = self.ids.pop()
        fp = page.fingerprint
        origin = page_origin(page, self.ranks)
        story_id = self.stories.assign(article_id, fp.story_terms, page.source, page.fetched_at)
        self.new[article_id] = (page, NewArticle(page.page_id, article_id, story_id, origin.origin_at))
        self.created.add(article_id)
        self.index_batch(KnownArticle(article_id, page.source, fp.content_hash, fp.body_hash,
                                      frozenset(fp.anchors), origin))
        for u in urls:
            self.article_urls[u] = article_id
        self.map_urls(urls, page, article_id)
        self.counted.append(page.page_id)
        return article_id

    def add_copy(self, copy: KnownCopy) -> None:
        """A copy later pages of the batch can match."""
        if copy.url not in self.copies:
            for a in copy.anchors:
                self.batch_copy_anchors[a].append(copy.url)
        self.copies[copy.url] = copy
        self.copies_of[copy.article_id].add(copy.url)

    def insert_copy(self, page: StagedPage, urls: Iterable[str], original_id: int) -> tuple[str, float]:
        fp = page.fingerprint
        url = page.canonical_url
        kind, similarity = self.relation_to(original_id, fp.anchors, fp.body_hash)
        self.new_copies.setdefault(url, NewCopy(page.page_id, url, original_id, kind, round(similarity, 4)))
        if url not in self.copies:
            self.add_copy(KnownCopy(url, original_id, fp.body_hash, frozenset(fp.anchors)))
        for u in urls:
            self.copy_urls[u] = original_id
        self.map_urls(urls, page, original_id)
        self.counted.append(page.page_id)
        return self.new_copies[url].kind, self.new_copies[url].similarity

    def demote_all(self, article_ids: set[int], original_id: int) -> list[int]:
        """Make each article a copy of `original_id` (the order does not change the result)."""
        demoted = sorted(article_ids, key=self.article_key)
        for article_id in demoted:
            self.demote(article_id, original_id)
        return demoted

    def demote(self, old: int, original_id: int) -> None:
        """Article `old` turned out to copy `original_id`: it becomes a copy, and its copies are
        scored again against the new original."""
        article = self.articles[old]
        kind, similarity = self.relation_to(original_id, article.anchors, article.body_hash)
        url = article.origin.url
        if old in self.new:
            page, _ = self.new.pop(old)
            self.new_copies[url] = NewCopy(page.page_id, url, original_id, kind, round(similarity, 4))
        else:
            self.demotions.append(Demotion(old, original_id, kind, round(similarity, 4)))
        for copy_url in sorted(self.copies_of.pop(old, ())):
            copy = self.copies[copy_url]
            k, s = self.relation_to(original_id, copy.anchors, copy.body_hash)
            self.copies[copy_url] = replace(copy, article_id=original_id)
            self.copies_of[original_id].add(copy_url)
            if copy_url in self.new_copies:
                self.new_copies[copy_url] = replace(self.new_copies[copy_url], article_id=original_id, kind=k,
                                                    similarity=round(s, 4))
            else:
                self.rescores[copy_url] = Rescore(copy_url, original_id, k, round(s, 4))
        self.add_copy(KnownCopy(url, original_id, article.body_hash, article.anchors))
        self.gone[old] = original_id
        self.stories.forget(old)
        self.by_content[article.content_hash].discard(old)
        if article.body_hash:
            self.by_body[article.body_hash].discard(old)
        for u, article_id in list(self.article_urls.items()):
            if article_id == old:
                del self.article_urls[u]
                self.copy_urls[u] = original_id
        for u, article_id in self.copy_urls.items():
            if article_id == old:
                self.copy_urls[u] = original_id

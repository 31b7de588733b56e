"""Stories: other outlets' articles about the same event, joined by the names in their leads.

An article joins the story of another outlet's article first seen within STORY_WINDOW of it
that shares at least STORY_MIN_SHARED_TERMS names and STORY_MIN_OVERLAP of their idf weight
(the weight of the shared names over the weight of the article with fewer); the best such
article's story wins, else the article starts a story of its own.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

STORY_WINDOW = timedelta(days=1)
STORY_MIN_SHARED_TERMS = 3
STORY_MIN_OVERLAP = 0.4  # idf-weighted: weight of the shared names / weight of the article's with fewer
STORY_IDF_MIN_DOCS = 1000  # a small window counts as this many articles: a name in all five is not common


@dataclass(frozen=True)
class StoryMember:
    """An article as story assignment sees it."""
    article_id: int
    story_id: int
    terms: frozenset[str]
    source: str
    seen_at: datetime  # when wirehouse first saw it


def idf_weights(terms: Iterable[str], document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    """Inverse document frequency of each name: "Trump" says less about an event than "Kherson"."""
    total = max(documents, STORY_IDF_MIN_DOCS)
    return {t: math.log((total + 1) / (document_frequency.get(t, 0) + 1)) + 1.0 for t in terms}


class StoryIndex:
    """The articles a batch can join, by name; `assign` adds each new article to it."""

    def __init__(self, idf: Mapping[str, float]):
        self.idf = idf
        self.by_term: dict[str, list[StoryMember]] = defaultdict(list)
        self.members: dict[int, StoryMember] = {}

    def add(self, member: StoryMember) -> None:
        self.members[member.article_id] = member
        for term in member.terms:
            self.by_term[term].append(member)

    def forget(self, article_id: int) -> None:
        """An article that became a copy: it no longer leads anyone into its story."""
        self.members.pop(article_id, None)

    def _weight(self, terms: Iterable[str]) -> float:
        return sum(self.idf.get(t, 1.0) for t in terms)

    def assign(self, article_id: int, terms: Iterable[str], source: str, seen_at: datetime) -> int:
        """The story of the new article (its own id when it starts one); the article joins the index."""
        terms = frozenset(terms)
        shared: Counter[int] = Counter()
        for term in terms:
            for member in self.by_term.get(term, ()):
                shared[member.article_id] += 1
        weight = self._weight(terms)
        best, best_key = article_id, None
        for other_id, n in shared.items():
            other = self.members.get(other_id)
            if (other is None or n < STORY_MIN_SHARED_TERMS or other.source == source
                    or abs(other.seen_at - seen_at) > STORY_WINDOW):
                continue
            score = self._weight(terms & other.terms) / max(1e-9, min(weight, self._weight(other.terms)))
            if score >= STORY_MIN_OVERLAP:
                key = (-score, -n, other.story_id)
                if best_key is None or key < best_key:
                    best, best_key = other.story_id, key
        self.add(StoryMember(article_id, best, terms, source, seen_at))
        return best


_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?:\s+[A-Z][\w’'-]*[a-z][\w’'-]*)*")
_NOT_NAMES = frozenset("""a an and as at but by for from he her his how i in it its my new no not of on or our
    she so that the their there they this to was we what when where which who why will with you your after
    before about over under more most than then now just also said says friday monday tuesday wednesday
    thursday saturday sunday january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday""".split())
LEAD_WORDS = 120


def story_terms(text: str) -> list[str]:
    """Names in the lead (capitalised words), to group different outlets' coverage of one event.

    Headlines are left out: title case would make every word look like a name. A word
    capitalised only because it starts a sentence ("However", "Officials") is not a name
    unless the lead also capitalises it mid-sentence.
    """
    lead = " ".join(text.split()[:LEAD_WORDS])
    found: list[tuple[str, bool]] = []
    for match in _NAME_RE.finditer(lead):
        before = lead[:match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:;\"“”‘’'|•–—-"
        for i, word in enumerate(match.group(0).split()):
            word = word.strip("’'-").casefold().removesuffix("’s").removesuffix("'s")
            if len(word) > 2 and word not in _NOT_NAMES:
                found.append((word, sentence_start and i == 0))
    mid_sentence = {w for w, first in found if not first}
    return sorted({w for w, first in found if not first or w in mid_sentence})

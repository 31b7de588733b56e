"""Stories: articles of any outlets about the same event, found online as articles arrive.

Pure code (no database, no Airflow): the dedup stage hands `StoryIndex` typed records
(`StoryMember`) of the articles already assigned near the batch in time, and idf weights, and
asks it for the story of each new article in turn (dedup/resolve.py).

Terms (`story_terms(title, text)`, stored in dedup.signatures.story_terms text[]): the distinct
words of the title and the lead (the first LEAD_WORDS words of the body) without stop words,
with a light plural stemming, and the numbers. A word the lead capitalises in mid-sentence is
a name and is kept capitalised ("Kherson", "Reid"); every other term is lower case ("rehab",
"2013"). The case is the only "type" a term has, so one text[] column with a GIN index holds
them all.

Weights: a term weighs its inverse document frequency over the look-back window (a term in
many articles says little about the event), times NAME_WEIGHT for a name and NUMBER_WEIGHT for
a number other than a year: who, where and how many tell two similar events apart (two
earthquakes a week apart: "5.6", one island vs "5.9", another province, "10").

Assignment: an article is compared with each story that has a member first seen within WINDOW
of it and shares a key term with it (one in few enough articles of the window, KEY_IDF): the cosine between the article's weighted vector and the
story's centroid (the mean of its members' unit vectors inside the window), so a story is one
subject however many articles it has, and an article that happens to share a few words with
one member of a large story does not pull it in. It joins the most similar story whose
threshold it reaches, else it starts a story of its own. The threshold is JOIN_SIMILARITY for
an article first seen at the same time as a member of the story and rises by JOIN_PER_DAY for
each day between the article and the story's nearest member: coverage of an event comes in
hours, while pages on one subject (evergreen guides, two recipes, two similar events a few
days apart) are spread over days and need to be far closer to be one story. A story that keeps
being reported stays open (its newest members are near); an old one closes after WINDOW.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

LEAD_WORDS = 120  # words of the body read after the title
WINDOW = timedelta(days=3)  # members of a story first seen this close in time (either way) are compared
JOIN_SIMILARITY = 0.13  # cosine to a story's centroid that joins it, first seen at the same time as a member
JOIN_PER_DAY = 0.15  # what the threshold rises by for each day to the story's nearest member
KEY_IDF = 5.0  # a term finds candidate stories only this rare (idf; about 1 in 50 articles of the window, or fewer)
KEY_TERMS = 12  # ... and only an article's rarest such terms
CANDIDATE_STORIES = 4  # stories compared in full: those sharing the most key weight (10 found the same stories on ECB+)
NAME_WEIGHT = 1.5  # a name (capitalised mid-sentence) weighs this many times a plain word
NUMBER_WEIGHT = 2.0  # a number weighs this many times a plain word
MIN_DOCS = 1000  # document frequencies are read as if over at least this many articles
MIN_TERM_LENGTH = 3

STOP_WORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although always am
among amongst an and another any anyone anything anyway anywhere are around as at back be became because become
becomes been before beforehand behind being below beside besides between beyond both but by can cannot could
did do does doing done down during each either else elsewhere enough etc even ever every everyone everything
everywhere except few for former formerly from further had has have having he hence her here hereafter hereby
herein hers herself him himself his how however i if in indeed into is it its itself just last latter least
less many may me meanwhile might mine more moreover most mostly much must my myself namely neither never
nevertheless next no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps please quite rather re really same seem seemed
seeming seems several she should since so some somehow someone something sometime sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore therein thereupon
these they this those though through throughout thru thus to together too toward towards under until up upon us
very via was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon
wherever whether which while whither who whoever whole whom whose why will with within without would yet you
your yours yourself yourselves
said says say saying told tell tells according reported reports report reporting news new according
get gets got make makes made take takes took going go goes went come comes came like want wants know known
year years day days week weeks month months time times today yesterday tomorrow tonight morning afternoon
evening night ago early earlier late later first second third last former latest
mr mrs ms dr people percent including include includes included way lot lots thing things
read click share comment comments subscribe newsletter photo photos video image images caption advertisement
""".split())
_TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s)?|[^\W\d_][\w’'-]*", re.UNICODE)
_SENTENCE_END = ".!?:;\"“”‘’'|•–—-()[]"


def _stem(word: str) -> str:
    """Possessives and plurals folded: "oscars", "oscar's" -> "oscar"; "crisis", "news" kept."""
    word = word.removesuffix("’s").removesuffix("'s").strip("’'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, starts a sentence) for each word or number of `text`."""
    found = []
    for match in _TOKEN_RE.finditer(text):
        before = match.start() - 1  # the last character before the token that is not a space
        while before >= 0 and text[before].isspace():
            before -= 1
        found.append((match.group(0), before < 0 or text[before] in _SENTENCE_END))
    return found


def story_terms(title: str, text: str) -> list[str]:
    """The terms of an article for story assignment: names capitalised, other words and numbers lower case.

    The title gives its words but never names (title case would make every word look like one);
    a word capitalised only at the start of a sentence ("However") is a name only when the lead
    also capitalises it in mid-sentence.
    """
    lead = " ".join(text.split()[:LEAD_WORDS])
    lead_tokens = _tokens(lead)
    names = set()
    for token, sentence_start in lead_tokens:
        if not sentence_start and token[0].isupper() and not token.isupper() and any(c.islower() for c in token):
            names.add(_stem(token.casefold()))
    terms = set()
    for token, _ in _tokens(title or "") + lead_tokens:
        if token[0].isdigit():
            if len(token) >= 2:
                terms.add(token.casefold())
            continue
        word = _stem(token.casefold())
        if len(word) < MIN_TERM_LENGTH or word in STOP_WORDS or token.casefold() in STOP_WORDS:
            continue
        terms.add(word.capitalize() if word in names else word)
    return sorted(terms)


def is_name(term: str) -> bool:
    return term[:1].isupper()


_YEAR_RE = re.compile(r"(1[89]|20)\d\d")


def is_number(term: str) -> bool:
    """A number other than a year ("5.6", "23", "81st"): years are in too many articles to tell events apart."""
    return term[:1].isdigit() and not _YEAR_RE.fullmatch(term)


def is_specific(term: str) -> bool:
    """Names and numbers: who, where, how many. Evergreen texts on one subject share words, not these."""
    return is_name(term) or is_number(term)


def idf(count: int, documents: int) -> float:
    """Smoothed inverse document frequency; a small window is read as MIN_DOCS articles (a name in
    all five articles of a tiny warehouse is not therefore common)."""
    n = max(documents, MIN_DOCS)
    return math.log((n + 1) / (count + 1)) + 1.0


def idf_weights(terms: Iterable[str], document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    """Inverse document frequency of each term over `documents` articles."""
    return {t: idf(document_frequency.get(t, 0), documents) for t in terms}


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY = 86_400_000_000  # µs


def _micros(delta: timedelta) -> int:
    """Exact whole microseconds: the window is compared in integers, as timedeltas would be."""
    return delta // timedelta(microseconds=1)


@dataclass(frozen=True)
class StoryMember:
    """An article as story assignment sees it."""
    article_id: int
    story_id: int
    terms: frozenset[str]
    source: str
    seen_at: datetime  # when wirehouse first saw it (the window is measured on this)


class StoryIndex:
    """Decides the story of each new article against the members it has been given.

    `add` the articles already assigned (the prefetch: those first seen within WINDOW of the
    batch that share a term with it, and the other members in the window of their stories),
    then `assign` the new articles in the order they arrive; each assigned article is
    remembered, so later articles of the same batch can join its story. A term missing from
    `idf` weighs as if seen once.
    """

    def __init__(self, idf_of: Mapping[str, float], window: timedelta = WINDOW,
                 join_similarity: float = JOIN_SIMILARITY, join_per_day: float = JOIN_PER_DAY,
                 name_weight: float = NAME_WEIGHT, number_weight: float = NUMBER_WEIGHT):
        self.idf = idf_of
        self.window = _micros(window)
        self.join_similarity = join_similarity
        self.join_per_day = join_per_day
        self.name_weight = name_weight
        self.number_weight = number_weight
        self.unseen = idf(1, 0)
        self.members: dict[int, tuple[int, int]] = {}  # article -> its story, when it was first seen (µs)
        self.terms_of: dict[int, frozenset[str]] = {}
        self.by_key: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)  # key term -> article -> members[article]
        self.by_story: dict[int, set[int]] = defaultdict(set)  # story -> its articles known here
        self._vectors: dict[int, dict[str, float]] = {}
        self._centroids: dict[tuple[int, ...], tuple[dict[str, float], float]] = {}  # members -> sum, its norm
        self._weights: dict[str, float] = {}

    def weight(self, term: str) -> float:
        w = self._weights.get(term)
        if w is None:
            w = self.idf.get(term, self.unseen)
            w *= self.name_weight if is_name(term) else self.number_weight if is_number(term) else 1.0
            self._weights[term] = w
        return w

    def keys(self, terms: Iterable[str]) -> list[str]:
        """The terms that find candidate stories: those rare enough (KEY_IDF), rarest first. Common
        words still count in the cosine, but a story that shares only those is not compared, and the
        prefetch looks up only these (it stays small however many articles the window holds)."""
        idf_of, unseen = self.idf.get, self.unseen
        found = [(-term_idf, t) for t in terms if (term_idf := idf_of(t, unseen)) >= KEY_IDF]
        return [t for _, t in sorted(found)]

    def vector(self, article_id: int, terms: Iterable[str]) -> dict[str, float]:
        """Unit-length weighted vector of an article's terms."""
        vec = self._vectors.get(article_id)
        if vec is None:
            known = self._weights.get
            raw = {t: known(t) or self.weight(t) for t in terms}
            norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
            vec = self._vectors[article_id] = {t: w / norm for t, w in raw.items()}
        return vec

    def add(self, member: StoryMember) -> None:
        self._add(member.article_id, member.story_id, member.terms, _micros(member.seen_at - EPOCH))

    def _add(self, article_id: int, story_id: int, terms: frozenset[str], seen: int,
             keys: list[str] | None = None) -> None:
        self.forget(article_id)
        where = self.members[article_id] = (story_id, seen)
        self.terms_of[article_id] = terms
        self.by_story[story_id].add(article_id)
        for term in self.keys(terms) if keys is None else keys:
            self.by_key[term][article_id] = where

    def forget(self, article_id: int) -> None:
        """An article that is gone (became a copy): it no longer counts."""
        old = self.members.pop(article_id, None)
        if old is None:
            return
        self.by_story[old[0]].discard(article_id)
        for term in self.keys(self.terms_of.pop(article_id)):
            del self.by_key[term][article_id]
        self._vectors.pop(article_id, None)

    def similarities(self, article_id: int, terms: frozenset[str], keys: list[str],
                     seen: int) -> dict[int, tuple[float, float]]:
        """story -> (cosine of the article to the centroid of the story's members within the window,
        the threshold that joins it)."""
        members, window = self.members, self.window
        shared: dict[int, float] = defaultdict(float)  # story -> weight of the key terms it shares
        used = 0
        for t in keys:
            found = {story_id for i, (story_id, at) in self.by_key.get(t, {}).items()
                     if -window <= at - seen <= window and i != article_id}
            w = self.weight(t)
            for story_id in found:
                shared[story_id] += w
            used += bool(found)
            if used == KEY_TERMS:  # the rarest key terms that anyone shares
                break
        # a batch of thousands of articles on as many subjects: the full comparison stays bounded
        stories = sorted(shared, key=lambda story_id: (-shared[story_id], story_id))[:CANDIDATE_STORIES]
        if not stories:
            return {}
        vec = self.vector(article_id, terms)
        scores = {}
        for story_id in stories:
            others = [i for i in self.by_story[story_id]
                      if i != article_id and -window <= members[i][1] - seen <= window]
            if not others:
                continue
            centroid, norm = self.centroid(others)
            score = sum(vec[t] * centroid[t] for t in vec.keys() & centroid.keys()) / norm
            days = min(abs(members[i][1] - seen) for i in others) / DAY
            scores[story_id] = (score, self.join_similarity + self.join_per_day * days)
        return scores

    def centroid(self, article_ids: list[int]) -> tuple[dict[str, float], float]:
        """The sum of the articles' unit vectors and its norm, kept while the members stay the same."""
        if len(article_ids) == 1:
            return self.vector(article_ids[0], self.terms_of[article_ids[0]]), 1.0
        key = tuple(sorted(article_ids))
        found = self._centroids.get(key)
        if found is None:
            total: dict[str, float] = defaultdict(float)
            for i in key:
                for t, w in self.vector(i, self.terms_of[i]).items():
                    total[t] += w
            found = self._centroids[key] = dict(total), math.sqrt(sum(w * w for w in total.values())) or 1.0
        return found

    def assign(self, article_id: int, terms: Iterable[str], source: str, seen_at: datetime) -> int:
        """The story of a new article: the most similar story whose threshold it reaches, else its
        own (story id = its article id). The article is remembered with that story."""
        terms = frozenset(terms)
        seen = _micros(seen_at - EPOCH)
        keys = self.keys(terms)
        scores = self.similarities(article_id, terms, keys, seen)
        best = min(((-s, story_id) for story_id, (s, needed) in scores.items() if s >= needed), default=None)
        story_id = best[1] if best else article_id
        self._add(article_id, story_id, terms, seen, keys)
        return story_id


def idf_of(members: Iterable[StoryMember]) -> dict[str, float]:
    """Idf weights over a set of members (for tests and offline runs)."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for m in members:
        total += 1
        for t in m.terms:
            counts[t] += 1
    return idf_weights(counts, counts, total)

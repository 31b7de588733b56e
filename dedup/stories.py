"""Stories: articles of any outlets about the same event, found online as articles arrive.

Pure code (no database, no Airflow): the loader hands `StoryAssigner` typed records of the
articles already assigned nearby in time, and document frequencies, and asks it for the story
of each new article in turn.

Terms (`story_terms`, stored in dedup.signatures.story_terms text[]): the distinct words of
the title and the lead (the first LEAD_WORDS words of the body) without stop words, with a
light plural stemming, and the numbers. A word the lead capitalises in mid-sentence is a name
and is kept capitalised ("Kherson", "Reid"); every other term is lower case ("rehab", "2013").
The case is the only "type" a term has, so one text[] column with a GIN index holds them all.

Weights: a term weighs its inverse document frequency over the look-back window (a term in
many articles says little about the event), times NAME_WEIGHT for a name and NUMBER_WEIGHT for
a number other than a year: who, where and how many tell two similar events apart (two
earthquakes a week apart: "5.6", one island vs "5.9", another province, "10").

Assignment: an article joins the story, among those with an article within WINDOW of it, whose
members it is most similar to, when that similarity reaches JOIN_SIMILARITY; else it starts a
story of its own. Below JOIN_ALONE, the article must also share MIN_SHARED_SPECIFIC names or
numbers with the story's members in the window: texts on one subject (two SEO guides, two
recipes) share words, coverage of one event shares names and figures. The similarity to a
story is the average cosine between the article's idf-weighted vector and those of the story's members inside the window (average link, not
single link: one article that happens to share a few names with another story cannot pull it
in, and stories do not chain into each other through their edges). A story is compared only
through members within the window, so a story that keeps being reported stays open and an old
one closes.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

LEAD_WORDS = 120  # words of the body read after the title
WINDOW = timedelta(days=3)  # members of a story this close in time (either way) are compared
JOIN_SIMILARITY = 0.12  # average cosine to a story's members that joins it, with MIN_SHARED_SPECIFIC
JOIN_ALONE = 0.2  # average cosine that joins a story without shared names or numbers
NAME_WEIGHT = 1.5  # a name (capitalised mid-sentence) weighs this many times a plain word
NUMBER_WEIGHT = 2.0  # a number weighs this many times a plain word
MIN_SHARED_SPECIFIC = 0  # names and numbers (not years) to share with the story below JOIN_ALONE (3: see bench notes)
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
        before = text[:match.start()].rstrip()
        found.append((match.group(0), not before or before[-1] in _SENTENCE_END))
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


@dataclass(frozen=True)
class StoryRecord:
    """An article as story assignment sees it. `story_id` is None for one not assigned yet."""
    article_id: int
    story_id: int | None
    terms: frozenset[str]
    source: str
    seen_at: datetime  # when wirehouse first saw it (the window is measured on this)


@dataclass(frozen=True)
class DocumentFrequencies:
    """In how many articles of the look-back window each term occurs, and how many articles that is."""
    counts: Mapping[str, int]
    total: int

    def idf(self, term: str) -> float:
        n = max(self.total, MIN_DOCS)
        return math.log((n + 1) / (self.counts.get(term, 0) + 1)) + 1.0


class StoryAssigner:
    """Decides the story of each new article against the records it has been given.

    `add` the articles already assigned (the loader's prefetch: those within WINDOW of the
    batch that share a term with it, and the other members in the window of their stories),
    then `assign` the new articles in the order they arrive; each assigned article is
    remembered, so later articles of the same batch can join its story.
    """

    def __init__(self, frequencies: DocumentFrequencies, window: timedelta = WINDOW,
                 join_similarity: float = JOIN_SIMILARITY, join_alone: float = JOIN_ALONE,
                 min_shared_specific: int = MIN_SHARED_SPECIFIC, name_weight: float = NAME_WEIGHT,
                 link: str = "average"):
        self.join_alone = join_alone
        self.min_shared_specific = min_shared_specific
        self.link = link  # "average" (the default) or "centroid": cosine to the members' summed vector
        self.frequencies = frequencies
        self.window = window
        self.join_similarity = join_similarity
        self.name_weight = name_weight
        self.records: dict[int, StoryRecord] = {}
        self.by_term: dict[str, set[int]] = defaultdict(set)
        self.members: dict[int, set[int]] = defaultdict(set)  # story -> its articles known here
        self._vectors: dict[int, dict[str, float]] = {}
        self._weights: dict[str, float] = {}

    def weight(self, term: str) -> float:
        if term not in self._weights:
            w = self.frequencies.idf(term)
            self._weights[term] = w * (self.name_weight if is_name(term) else
                                       NUMBER_WEIGHT if is_number(term) else 1.0)
        return self._weights[term]

    def vector(self, record: StoryRecord) -> dict[str, float]:
        """Unit-length idf-weighted vector of the record's terms."""
        vec = self._vectors.get(record.article_id)
        if vec is None:
            raw = {t: self.weight(t) for t in record.terms}
            norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
            vec = self._vectors[record.article_id] = {t: w / norm for t, w in raw.items()}
        return vec

    def add(self, record: StoryRecord) -> None:
        if record.story_id is None:
            raise ValueError(f"article {record.article_id} has no story yet: assign it")
        self.forget(record.article_id)
        self.records[record.article_id] = record
        self.members[record.story_id].add(record.article_id)
        for term in record.terms:
            self.by_term[term].add(record.article_id)

    def forget(self, article_id: int) -> None:
        """An article that is gone (became a copy) or changed: it no longer counts."""
        old = self.records.pop(article_id, None)
        if old is None:
            return
        self.members[old.story_id].discard(article_id)
        for term in old.terms:
            self.by_term[term].discard(article_id)
        self._vectors.pop(article_id, None)

    def similarities(self, record: StoryRecord) -> dict[int, float]:
        """Average cosine of the record to the members within the window of each story it shares a term with."""
        near = lambda r: abs(r.seen_at - record.seen_at) <= self.window  # noqa: E731
        stories = {self.records[i].story_id for t in record.terms for i in self.by_term.get(t, ())
                   if i != record.article_id and near(self.records[i])}
        vec = self.vector(record)
        specific = {t for t in record.terms if is_specific(t)}
        scores = {}
        for story_id in stories:
            members = [self.records[i] for i in self.members[story_id] if i != record.article_id]
            members = [m for m in members if near(m)]
            if not members:
                continue
            centroid: dict[str, float] = defaultdict(float)
            for m in members:
                for t, w in self.vector(m).items():
                    centroid[t] += w
            dot = sum(w * centroid.get(t, 0.0) for t, w in vec.items())
            if self.link == "centroid":
                scores[story_id] = dot / (math.sqrt(sum(w * w for w in centroid.values())) or 1.0)
            else:
                scores[story_id] = dot / len(members)
            if scores[story_id] < self.join_alone and \
                    len({t for m in members for t in m.terms} & specific) < self.min_shared_specific:
                del scores[story_id]  # similar in words only: a subject, not an event
        return scores

    def assign(self, record: StoryRecord) -> int:
        """The story of a new article: the most similar story reaching JOIN_SIMILARITY, else its own
        (story id = its article id). The article is remembered with that story."""
        scores = self.similarities(record)
        best = min(((-s, story_id) for story_id, s in scores.items() if s >= self.join_similarity),
                   default=None)
        story_id = best[1] if best else record.article_id
        self.add(StoryRecord(record.article_id, story_id, record.terms, record.source, record.seen_at))
        return story_id


def frequencies_of(records: Iterable[StoryRecord]) -> DocumentFrequencies:
    """Document frequencies of a set of records (for tests and offline runs)."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for r in records:
        total += 1
        for t in r.terms:
            counts[t] += 1
    return DocumentFrequencies(dict(counts), total)

"""Fingerprints of an article's text for deduplication.

- `content_hash`: SHA-256 of the normalised words (Unicode NFKC, case-folded, punctuation
  dropped) of the whole text, so a re-encoded or re-typeset page hashes the same. It
  decides versions: a refetch with the same hash is unchanged.
- `body_hash`: the same over the *body*, the text without the lines its outlet repeats on
  many pages (newsletter forms, "Leave a Reply", copyright footers). Equal bodies across
  outlets are exact copies.
- `anchors`: a mod-m sample (Broder 1997) of the body's 5-word shingle hashes: every
  shingle whose 64-bit hash is 0 modulo ANCHOR_MOD. Unlike MinHash, a mod-m sample of a
  text is the sample of its shingles, so the anchors two texts share estimate both their
  resemblance (Jaccard) and the containment of the shorter in the longer — which is what
  finds an aggregator's truncated "…read more" copy of a long original. PostgreSQL finds
  candidates with an indexed equality join on anchors and counts shared anchors in the
  same query (sql/queries/dedup.sql).

Shingles never cross a line (paragraph) break, so removing a boilerplate line, or a
template inserting its furniture between paragraphs, leaves the body's shingles intact.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from dedup.stories import story_terms

SHINGLE_WORDS = 5
ANCHOR_MOD = 8  # one shingle in 8 is an anchor: ~60 anchors for a 500-word article
_WORD_RE = re.compile(r"\w+")
_MASK = (1 << 64) - 1
_P = np.uint64(0x100000001B3)  # polynomial base for combining word hashes


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    body_hash: str
    anchors: list[int]  # signed 64-bit, sorted, distinct
    shingle_count: int  # distinct body shingles
    line_hashes: list[int]  # distinct, signed 64-bit: what boilerplate detection counts
    story_terms: list[str]  # terms of the title and the body's lead (dedup.stories.story_terms)


def words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def _sha(tokens: Iterable[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32]


def _raw_lines(text: str) -> list[str]:
    """The lines that have words, as written."""
    return [line for line in text.splitlines() if _WORD_RE.search(line)]


def line_words(text: str) -> list[list[str]]:
    """The normalised words of each line that has any."""
    return [words(line) for line in _raw_lines(text)]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def line_hash(tokens: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest(), "big", signed=True)


_word_cache: dict[str, int] = {}


def _word_hashes(tokens: list[str]) -> np.ndarray:
    cache = _word_cache
    missing = [t for t in set(tokens) if t not in cache]
    if len(cache) + len(missing) > 2_000_000:
        cache.clear()
    for t in missing:
        cache[t] = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
    return np.array([cache[t] for t in tokens], dtype=np.uint64)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the result depends on every input bit."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_hashes(lines: list[list[str]]) -> np.ndarray:
    """Distinct 64-bit hashes of the 5-word shingles of each line (a shorter line is one shingle)."""
    tokens = [t for line in lines for t in line]
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.array([len(line) for line in lines])
    line_of = np.repeat(np.arange(len(lines)), lengths)
    w = _word_hashes(tokens)
    parts = []
    with np.errstate(over="ignore"):
        n = len(tokens) - SHINGLE_WORDS + 1
        if n > 0:  # every window of 5 words, kept where it does not cross a line break
            h = np.zeros(n, dtype=np.uint64)
            for i in range(SHINGLE_WORDS):
                h = h * _P + w[i:i + n]
            inside = line_of[:n] == line_of[SHINGLE_WORDS - 1:]
            parts.append(_mix(h[inside] + np.uint64(SHINGLE_WORDS)))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for start, length in zip(starts[lengths < SHINGLE_WORDS], lengths[lengths < SHINGLE_WORDS]):
            h = np.uint64(0)
            for i in range(length):
                h = h * _P + w[start + i]
            parts.append(_mix(np.array([h + np.uint64(length)], dtype=np.uint64)))
    return np.unique(np.concatenate(parts))


def fingerprint(text: str, boilerplate: Collection[int] = frozenset(), title: str = "") -> Fingerprint:
    """Fingerprint `text`; lines whose line_hash is in `boilerplate` are not part of the body.
    `title` only adds story terms."""
    lines = line_words(text)
    hashes = [line_hash(tokens) for tokens in lines]
    body = [tokens for tokens, h in zip(lines, hashes) if h not in boilerplate]
    shingles = shingle_hashes(body)
    anchors = shingles[shingles % np.uint64(ANCHOR_MOD) == 0].view(np.int64)
    return Fingerprint(
        content_hash=_sha(t for tokens in lines for t in tokens),
        body_hash=_sha(t for tokens in body for t in tokens),
        anchors=sorted(int(a) for a in anchors),
        shingle_count=len(shingles),
        line_hashes=sorted(set(hashes)),
        story_terms=story_terms(title, "\n".join(line for line, h in zip(_raw_lines(text), hashes)
                                                 if h not in boilerplate)),
    )


def resemblance(shared: int, size_a: int, size_b: int) -> float:
    """Jaccard estimate from the anchors two texts share."""
    union = size_a + size_b - shared
    return shared / union if union > 0 else 0.0


def containment(shared: int, size_a: int, size_b: int) -> float:
    """Share of the smaller text's anchors found in the other."""
    smaller = min(size_a, size_b)
    return min(1.0, shared / smaller) if smaller > 0 else 0.0

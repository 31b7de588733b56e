"""Fingerprints of an article's text for deduplication: an exact hash and a MinHash signature.

Both work on normalised words (Unicode NFKC, case-folded, punctuation dropped), so a
re-encoded or re-typeset copy hashes the same. The MinHash is over 5-word shingles;
LSH band keys (BANDS bands of ROWS values) let PostgreSQL find candidates with an
indexed equality join instead of comparing all pairs.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS, ROWS = 32, 4  # detection threshold near (1/32) ** (1/4) ≈ 0.42 Jaccard
SHINGLE_WORDS = 5
SEED = 1
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    minhash: list[int]
    shingle_count: int
    band_keys: list[int]


def words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()[:32]


def shingles(tokens: list[str]) -> set[bytes]:
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i:i + SHINGLE_WORDS]).encode() for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def _band_key(band: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(band.to_bytes(2, "big") + values.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fingerprint(text: str) -> Fingerprint:
    tokens = words(text)
    grams = shingles(tokens)
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    if grams:
        minhash.update_batch(list(grams))
    values = minhash.hashvalues.astype(np.uint64)
    return Fingerprint(
        content_hash=hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32],
        minhash=[int(v) for v in values],
        shingle_count=len(grams),
        band_keys=[_band_key(b, values[b * ROWS:(b + 1) * ROWS]) for b in range(BANDS)],
    )


_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?:\s+[A-Z][\w’'-]*[a-z][\w’'-]*)*")
_NOT_NAMES = frozenset("""a an and as at but by for from he her his how i in it its my new no not of on or our
    she so that the their there they this to was we what when where which who why will with you your after
    before about over under more most than then now just also said says friday monday tuesday wednesday
    thursday saturday sunday january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday""".split())
LEAD_WORDS = 120


def story_terms(text: str) -> list[str]:
    """Names in the lead (capitalised words), to group different outlets' coverage of one event.

    Headlines are left out: title case would make every word look like a name.
    """
    lead = " ".join(text.split()[:LEAD_WORDS])
    terms = set()
    for match in _NAME_RE.finditer(lead):
        for word in match.group(0).split():
            word = word.strip("’'-").casefold().removesuffix("’s").removesuffix("'s")
            if len(word) > 2 and word not in _NOT_NAMES:
                terms.add(word)
    return sorted(terms)


def jaccard(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def containment(jaccard_estimate: float, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller shingle set that lies inside the larger one."""
    if min(size_a, size_b) == 0:
        return 0.0
    overlap = jaccard_estimate * (size_a + size_b) / (1.0 + jaccard_estimate)
    return min(1.0, overlap / min(size_a, size_b))

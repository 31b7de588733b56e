"""When two texts are copies of each other, and how close: measured on shared anchors."""
from __future__ import annotations

from dedup.fingerprints import containment, resemblance

NEAR_RESEMBLANCE = 0.7  # shared anchors / anchors of either: an edited copy
VERSION_RESEMBLANCE = 0.8  # same outlet, another URL: the same article only when this close
PARTIAL_CONTAINMENT = 0.8  # shared anchors / anchors of the shorter text: a truncated copy
MIN_SHARED_ANCHORS = 4  # ~32 shared 5-word shingles: less is a quote or a stock phrase
MIN_SHARED_WHOLE = 2  # ... unless it is every anchor of a short text (a two-paragraph excerpt may have 2 or 3)


def classify(shared: int, size_a: int, size_b: int, same_body: bool = False) -> tuple[str, float] | None:
    """The kind of copy two texts of different outlets are, with its similarity, or None."""
    if same_body:
        return "exact", 1.0
    if shared < MIN_SHARED_ANCHORS:
        whole = MIN_SHARED_WHOLE <= shared == min(size_a, size_b)
        return ("partial", 1.0) if whole else None
    if (jac := resemblance(shared, size_a, size_b)) >= NEAR_RESEMBLANCE:
        return "near", jac
    if (con := containment(shared, size_a, size_b)) >= PARTIAL_CONTAINMENT:
        return "partial", con
    return None


def same_outlet_version(shared: int, size_a: int, size_b: int) -> float | None:
    """Resemblance of two texts of one outlet when close enough to be one article, else None."""
    if shared < MIN_SHARED_ANCHORS:
        return None
    jac = resemblance(shared, size_a, size_b)
    return jac if jac >= VERSION_RESEMBLANCE else None


def relation(shared: int, size_a: int, size_b: int, same_body: bool = False) -> tuple[str, float]:
    """How a copy relates to its original: `classify`'s kind when the two match; a copy that does
    not match its original itself (it joined the cluster through another copy) gets the nearer of
    the two measures to its threshold, and a similarity under that threshold."""
    if scored := classify(shared, size_a, size_b, same_body):
        return scored
    jac, con = resemblance(shared, size_a, size_b), containment(shared, size_a, size_b)
    return ("near", jac) if jac / NEAR_RESEMBLANCE >= con / PARTIAL_CONTAINMENT else ("partial", con)

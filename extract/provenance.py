"""Where each metadata value came from, and how far to trust it.

A picker names the source of the value it chose (its origin) and the other sources
that gave the same value (the ones that agreed). The page's ``provenance`` keeps the
origin under the field's name, as it always has, and adds two maps:

    {"title": "json-ld", "published": "meta", ...,
     "agreed": {"title": ["meta", "h1"]},
     "confidence": {"title": "high", "published": "medium", ...}}

Confidence is a level, not a probability:

- ``high``: another source gave the same value (trafilatura's metadata, which reads the
  same tags, does not count);
- ``medium``: one source the page declares for that purpose (structured data, meta
  tags, a byline element, a ``<time>`` element, the page's own language declaration)
  and nothing to back it;
- ``low``: a guess: htmldate's search of the page, trafilatura's own metadata, a
  language detected from the text, a source's configured default.

`make eval` prints how often each level is right on the labelled corpora.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

GUESSED = frozenset({"htmldate", "trafilatura", "langid", "rules", "url"})
# trafilatura's metadata reads the same tags as the pickers: it agreeing with them is no second opinion.
DERIVED = frozenset({"trafilatura"})
LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class FieldSource:
    """The origin of one field's value and the other sources that agreed with it."""
    origin: str
    agreed: tuple[str, ...] = ()

    @property
    def confidence(self) -> str:
        if any(other != self.origin and other not in DERIVED for other in self.agreed):
            return "high"
        return "low" if self.origin in GUESSED else "medium"


def provenance_record(fields: Mapping[str, FieldSource | None]) -> dict:
    """The JSON stored as ``provenance``: each field's origin, the sources that agreed, the confidence."""
    chosen = {name: source for name, source in fields.items() if source is not None}
    record: dict = {name: source.origin for name, source in chosen.items()}
    agreed = {name: sorted(set(source.agreed) - {source.origin}) for name, source in chosen.items()}
    record["agreed"] = {name: others for name, others in agreed.items() if others}
    record["confidence"] = {name: source.confidence for name, source in chosen.items()}
    return record

"""extract.provenance: the origin of each field, the sources that agreed, and the confidence level."""
from __future__ import annotations

from extract.provenance import FieldSource, provenance_record


def test_confidence_levels():
    assert FieldSource("json-ld", ("meta",)).confidence == "high"
    assert FieldSource("json-ld").confidence == "medium"
    assert FieldSource("byline").confidence == "medium"
    assert FieldSource("htmldate").confidence == "low"
    assert FieldSource("trafilatura").confidence == "low"
    assert FieldSource("htmldate", ("byline",)).confidence == "high"
    assert FieldSource("h1", ("trafilatura",)).confidence == "medium"


def test_a_source_agreeing_with_itself_is_no_agreement():
    assert FieldSource("meta", ("meta",)).confidence == "medium"


def test_provenance_record_keeps_the_origins_and_adds_agreement_and_confidence():
    record = provenance_record({
        "title": FieldSource("json-ld", ("meta", "h1", "meta")),
        "authors": FieldSource("byline"),
        "published": None,
        "language": FieldSource("langid"),
    })
    assert record == {
        "title": "json-ld", "authors": "byline", "language": "langid",
        "agreed": {"title": ["h1", "meta"]},
        "confidence": {"title": "high", "authors": "medium", "language": "low"},
    }

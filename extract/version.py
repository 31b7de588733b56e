"""Which extractor produced a stored text, so that a change of text caused by the extractor is
never taken for a change by the publisher (wirehouse/reclean.py).

EXTRACTOR_VERSION names the output of this package: bump it whenever a change alters what
`extract_article` returns for some page (tests/test_extractor_version.py fails until you do).
A source's own cleaning rules (drop_lines, language in the sources file) are part of the
extractor too: editing them changes the version recorded for that source's pages.
"""
from __future__ import annotations

import hashlib
import json

from extract.cleaning import CleaningRules

EXTRACTOR_VERSION = "2026.12.05.3"


def extractor_version(rules: CleaningRules) -> str:
    """The version of the extractor run with `rules`: EXTRACTOR_VERSION, plus a digest of the
    source's rules when it has any."""
    if not rules.drop_lines and rules.language is None:
        return EXTRACTOR_VERSION
    spec = json.dumps({"drop_lines": list(rules.drop_lines), "language": rules.language}, sort_keys=True)
    return f"{EXTRACTOR_VERSION}+{hashlib.sha256(spec.encode()).hexdigest()[:10]}"

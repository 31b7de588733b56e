"""URL canonicalisation: courlan's normalisation (lower-case host, default ports, no
fragment, tracking parameters dropped) applied to the page's own canonical link when it
points into the same site, else to the URL it was fetched from."""
from __future__ import annotations

from urllib.parse import urlsplit

import courlan


def normalize(url: str) -> str:
    try:
        return courlan.normalize_url(url, strict=True)
    except ValueError:
        return url


def canonical_url(final_url: str, declared: str | None) -> str:
    if declared and urlsplit(declared).hostname == urlsplit(final_url).hostname:
        return normalize(declared)
    return normalize(final_url)

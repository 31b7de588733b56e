"""URL canonicalisation: one spelling for every URL of one page.

- courlan's normalisation: lower-case host, default ports and fragments dropped, tracking
  parameters (utm_*, fbclid, …) removed; w3lib's canonical form: query arguments sorted and
  percent-encoding made consistent;
- http vs https and a trailing slash are not rewritten (a site serves one of them), but
  `variants` lists them so that a lookup finds the page under any of them;
- AMP and mobile variants folded onto the main page: `amp.`, `m.` and `mobile.` hosts,
  a trailing `/amp` path segment, `?amp`, `?amp=1`, `?outputType=amp`.
The page's own rel=canonical link wins when it points into the same site (the same
registered domain, so an AMP page on amp.example.com may name www.example.com).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
from courlan.urlutils import extract_domain
from w3lib.url import canonicalize_url

_VARIANT_HOST = re.compile(r"^(?:amp|m|mobile)\.(?=[^.]+\.[^.]+)")
_AMP_PATH = re.compile(r"/amp/?$|\.amp(?=\.html?$|$)")
_AMP_QUERY = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp"), ("output", "amp")}


def normalize(url: str) -> str:
    """The canonical spelling of url; a URL that cannot be parsed (a bad port, a broken IPv6 host)
    is returned as it is. Normalising a normal URL gives it back: variants stacked on each other
    (`/amp/amp`, `amp.m.` hosts) are folded until nothing changes."""
    for _ in range(8):
        folded = _normalize_once(url)
        if folded == url:
            break
        url = folded
    return url


def _normalize_once(url: str) -> str:
    try:
        url = courlan.normalize_url(url, strict=True)
        parts = urlsplit(canonicalize_url(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return url
        parts.port  # raises ValueError when out of range
    except (ValueError, AttributeError):
        return url
    host = _VARIANT_HOST.sub("", parts.netloc)
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if (k.casefold(), v.casefold()) not in _AMP_QUERY])
    return urlunsplit((parts.scheme, host, path, query, ""))


def variants(url: str) -> set[str]:
    """The spellings of a normalised URL that name the same page: http/https, trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return {url}
    paths = {parts.path}
    if len(parts.path) > 1:
        paths |= {parts.path.rstrip("/"), parts.path.rstrip("/") + "/"}
    return {urlunsplit((scheme, parts.netloc, path, parts.query, "")) for scheme in ("http", "https") for path in paths}


def same_site(a: str, b: str) -> bool:
    try:
        return extract_domain(a, fast=True) == extract_domain(b, fast=True) is not None
    except (ValueError, AttributeError):
        return False


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError when out of range
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def canonical_url(final_url: str, declared: str | None) -> str:
    """The page's canonical URL: its declared rel=canonical when that is a well-formed URL of the
    same site, else the URL it was fetched from, normalised."""
    if declared and _is_web_url(declared) and same_site(declared, final_url):
        return normalize(declared)
    return normalize(final_url)


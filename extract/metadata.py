"""Metadata shared by the field pickers (site names, visible text), and the page's language and canonical URL.

Each ``pick_*`` function, here and in ``extract.titles``, ``extract.authors`` and
``extract.dates``, returns ``(value, provenance)``; structured data wins over
meta tags, which win over what is visible or guessed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import py3langid
from lxml import etree
from lxml.html import HtmlElement

from extract.structured import JsonLdArticle

Picked = tuple[str | None, str | None]

def squash(value: str | None) -> str:
    """Comparable form of a name: lower case, letters and digits only."""
    return re.sub(r"\W+", "", (value or "").casefold())


_NOT_A_NAME_LABEL = {"www", "com", "org", "net", "edu", "gov", "co", "uk", "blog", "news", "www2", "m", "amp"}


def host_labels(url: str | None) -> set[str]:
    """"blog.example-times.co.uk" → {"blog.example-times.co.uk", "example-times"}: the host and its name-like labels."""
    host = re.sub(r"^www\d?\.", "", urlsplit(url).hostname or "") if url else ""
    labels = {label for label in host.split(".")[:-1] if label not in _NOT_A_NAME_LABEL and len(label) > 1}
    return ({host} | labels) - {""}


def site_names(meta: dict[str, str], ld: JsonLdArticle | None, url: str | None) -> set[str]:
    """Squashed names of the site: the ones it declares, and its domain's (when ``url`` is given)."""
    names = {meta.get("og:site_name"), meta.get("application-name"), meta.get("twitter:site", "").lstrip("@"),
             ld.publisher if ld else None, *host_labels(url)}
    return {squash(n) for n in names if n and squash(n)}



def visible_text(element: HtmlElement) -> str:
    """An element's text with its parts set apart by spaces ("<span>By</span><a>Jane</a>" is "By Jane")."""
    return " ".join(" ".join(element.itertext()).split())


def run_together_text(element: HtmlElement) -> str:
    """An element's text as its parts run together in the page (as trafilatura reads it), whitespace collapsed."""
    return " ".join(etree.tostring(element, method="text", encoding=str, with_tail=False).split())


def rendered_text(element: HtmlElement) -> str:
    """An element's visible text, its parts joined by spaces except around a single letter styled
    apart ("Planning <span class="hand">C</span>ycle" is "Planning Cycle", not "Planning C ycle")."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in {"script", "style", "noscript", "template"}:
            text = rendered_text(child)
            gap = "" if len(text) == 1 and text.isalpha() else " "
            pieces.append(gap + text + gap)
        pieces.append(child.tail or "")
    return " ".join("".join(pieces).split())


def _iso639_1(value: str | None) -> str | None:
    code = re.split(r"[-_]", (value or "").strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def html_lang(tree: HtmlElement) -> str:
    """The language the <html> element declares, as written ("" when none): lang, or xml:lang on XHTML pages."""
    return tree.get("lang") or tree.get("xml:lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""


def pick_language(tree: HtmlElement, meta: dict[str, str], ld: JsonLdArticle | None,
                  text: str, default: str | None) -> Picked:
    candidates = [
        (html_lang(tree), "html-lang"),
        (meta.get("og:locale") or meta.get("content-language") or meta.get("language"), "meta"),
        (ld.language if ld else None, "json-ld"),
    ]
    for value, source in candidates:
        code = _iso639_1(value)
        if code:
            return code, source
    if len(text.split()) >= 20 or len(text) >= 60:  # 60 characters: scripts written without spaces
        code, _score = py3langid.classify(text)
        return code, "langid"
    code = _iso639_1(default)
    return (code, "rules") if code else (None, None)


_CANONICAL_HREFS = etree.XPath(
    '//link[contains(concat(" ", normalize-space(translate(@rel, "CANONICAL", "canonical")), " "), " canonical ")]/@href')


def canonical_hrefs(tree: HtmlElement) -> list[str]:
    """The hrefs of the page's <link rel="canonical"> elements, in order, as written."""
    return [str(href) for href in _CANONICAL_HREFS(tree)]


def pick_canonical(tree: HtmlElement, meta: dict[str, str], url: str | None,
                   hrefs: list[str] | None = None) -> str | None:
    """The first well-formed of the page's rel=canonical links (``hrefs``, read from ``tree`` when not given) and
    og:url, absolute."""
    for href in [*(canonical_hrefs(tree) if hrefs is None else hrefs), meta.get("og:url")]:
        if href and href.strip():
            absolute = urljoin(url or "", href.strip())
            if urlsplit(absolute).scheme in {"http", "https"}:
                return absolute
    return None

"""HTML of generated pages (home, sections, traps) and the rewriting of real article pages."""
from __future__ import annotations

import html
import re
from collections.abc import Iterator

_NAV_SECTIONS = 4


def e(text: str) -> str:
    return html.escape(text, quote=True)


def head_links(*, canonical: str | None = None, amphtml: str | None = None,
               feeds: tuple[tuple[str, str], ...] = ()) -> str:
    """<link> tags: canonical, amphtml, and feed alternates as (content type, URL) pairs."""
    tags = []
    if canonical:
        tags.append(f'<link rel="canonical" href="{e(canonical)}">')
        tags.append(f'<meta property="og:url" content="{e(canonical)}">')
    if amphtml:
        tags.append(f'<link rel="amphtml" href="{e(amphtml)}">')
    tags += [f'<link rel="alternate" type="{kind}" href="{e(url)}">' for kind, url in feeds]
    return "\n".join(tags)


def page(*, lang: str, site: str, title: str, head: str, nav: list[tuple[str, str]], main: str,
         og_type: str = "website") -> str:
    links = "".join(f'<li><a href="{e(url)}">{e(text)}</a></li>' for url, text in nav)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">\n<title>{e(title)} | {e(site)}</title>\n'
            f'<meta property="og:type" content="{og_type}">\n{head}\n</head>\n<body>\n'
            f'<header><a href="/">{e(site)}</a><nav><ul>{links}</ul></nav>'
            f'<form action="/search"><input name="q"></form></header>\n<main>\n{main}\n</main>\n'
            f'<footer><p>&copy; {e(site)}. All rights reserved.</p></footer>\n</body></html>\n')


def teaser_list(items: list[tuple[str, str]]) -> str:
    return "<ul class=\"teasers\">" + "".join(
        f'<li><h3><a href="{e(url)}">{e(title)}</a></h3></li>' for url, title in items) + "</ul>"


_DROP_HEAD = re.compile(
    r"<link\b[^>]*\brel=[\"']?(?:canonical|amphtml|alternate|shortlink)\b[^>]*>"
    r"|<meta\b[^>]*\b(?:property|name)=[\"']?(?:og:url|twitter:url)\b[^>]*>"
    r"|<base\b[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\b[^>]*charset[^>]*>", re.I)
_HREF = re.compile(r"(<a\b[^>]*?\bhref=)([\"'])(.*?)\2", re.I | re.S)
# Vocabulary URLs (JSON-LD @context, XML namespaces) stay: they name no site.
_ABSOLUTE = re.compile(r"https?://(?!(?:www\.)?(?:schema\.org|w3\.org|ogp\.me|purl\.org)\b)[^\s\"'<>()\\]+", re.I)


def rewrite_article(source_html: str, *, original_url: str, url: str, head: str,
                    internal_links: Iterator[str]) -> str:
    """A real page made part of the outlet: its own canonical/AMP/feed links, every <a href> pointing
    inside the outlet, and any remaining absolute URL (JSON-LD, og tags, image hosts) replaced by
    the page's own URL, so nothing names the original site."""
    text = _DROP_HEAD.sub("", source_html)
    text = _CHARSET.sub("", text)
    text = text.replace(original_url, url)
    text = _ABSOLUTE.sub(url, text)
    text = _HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}{e(next(internal_links))}{m.group(2)}", text)
    inserted = f'<meta charset="utf-8">\n{head}\n'
    match = re.search(r"<head\b[^>]*>", text, re.I)
    if match:
        return text[:match.end()] + inserted + text[match.end():]
    return f"<html><head>{inserted}</head>{text}</html>"

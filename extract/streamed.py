"""Putting streamed server-rendered content back where the browser shows it.

A page rendered by React's streaming server (Next.js and others) sends a placeholder
(``<template id="B:3">`` followed by a loading fallback up to the comment ``<!--/$-->``,
or ``<template id="P:3">``) where a part of the page goes, and the part itself later, at
the end of the body, in ``<div hidden id="S:3">``; a script then swaps it in. Without
scripts the article's paragraphs, headings and lists sit outside the article, hidden, so
they are moved to their placeholders here, as the script would.

A client-rendered page may send no article markup at all, only the article as data for its
scripts (a JSON string of HTML); ``scripted_body`` sets it where the scripts would draw it.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy

from lxml.html import HtmlElement, fragment_fromstring

_STREAMED_PART = '<div hidden id="S:'
# The parser drops comments, so a fallback is cut from the source (a fallback holding boundaries of its own is rare).
_FALLBACK = re.compile(r'(<template id="B:\w+"></template>).*?<!--/\$-->', re.S)


def drop_streamed_fallbacks(source: str) -> str:
    """``source`` without the loading fallbacks of boundaries whose content was streamed."""
    return _FALLBACK.sub(r"\1", source) if _STREAMED_PART in source else source


def inline_streamed_content(tree: HtmlElement) -> HtmlElement | None:
    """A copy of ``tree`` with each ``<div hidden id="S:n">`` moved to its placeholder ``<template id="B:n">``
    or ``"P:n"`` (a part may hold placeholders of further parts), or None when the page streamed none."""
    if not tree.xpath('//div[@hidden][starts-with(@id, "S:")]'):
        return None
    tree = deepcopy(tree)
    parts = tree.xpath('//div[@hidden][starts-with(@id, "S:")]')
    placeholders = {element.get("id"): element for element in tree.iter("template") if element.get("id")}
    for part in parts:
        number = part.get("id")[2:]
        placeholder = placeholders.get(f"B:{number}")
        if placeholder is None:
            placeholder = placeholders.get(f"P:{number}")
        if placeholder is None or part in placeholder.iterancestors():
            continue
        part.getparent().remove(part)
        part.tail = placeholder.tail
        del part.attrib["hidden"]
        placeholder.getparent().replace(placeholder, part)
    return tree


# A JSON string (one script may hold many) and the start of a paragraph in one, as written or escaped ("\u003cp>").
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_PARAGRAPH = re.compile(r"(?:<|\\u003c)p[\s>]", re.I)
MIN_SCRIPTED_PARAGRAPHS = 3


def scripted_body(tree: HtmlElement) -> HtmlElement | None:
    """A copy of ``tree`` with the article a client-rendered page sends only as data for its scripts (a JSON
    string of HTML, "contentHtml": "\\u003cp>…") set into its <main> or <body>, where the scripts would draw
    it: the HTML string with the most paragraphs, at least MIN_SCRIPTED_PARAGRAPHS. None when no script holds one."""
    best, most = None, MIN_SCRIPTED_PARAGRAPHS - 1
    for script in tree.iter("script"):
        for literal in _JSON_STRING.findall(script.text or ""):
            count = len(_PARAGRAPH.findall(literal))
            if count > most:
                best, most = literal, count
    if best is None:
        return None
    try:
        body = fragment_fromstring(json.loads(best), create_parent="div")
    except ValueError:  # not JSON after all, or no markup lxml can read
        return None
    tree = deepcopy(tree)
    host = next(iter(tree.xpath("//main | //body")), tree)
    host.append(body)
    return tree

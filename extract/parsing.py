"""Text → lxml tree, as trafilatura's ``load_html`` builds it, with a cheaper element lookup.

lxml.html's parser decides each element's Python class in a Python method (``HtmlElementClassLookup``,
which gives forms and inputs their own classes); every element our rules and trafilatura touch pays
that call, ~4 % of an extraction. Nothing here uses the form classes, so every element is a plain
``HtmlElement`` chosen inside lxml."""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlElement, HTMLParser, fromstring
from trafilatura.utils import is_dubious_html, repair_faulty_html

# trafilatura.utils.HTML_PARSER's settings
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                     remove_pis=True)
_PARSER.set_element_class_lookup(ElementDefaultClassLookup(element=HtmlElement))


def parse_html(source: str) -> HtmlElement | None:
    """The page's tree, or None when it is not HTML (trafilatura.utils.load_html's checks)."""
    beginning = source[:50].lower()
    source = repair_faulty_html(source, beginning)
    tree = None
    try:
        tree = fromstring(source, parser=_PARSER)
    except Exception:  # a str with an encoding declaration (ValueError), or what lxml cannot parse as text
        pass
    if tree is None or len(tree) < 1:
        try:
            tree = fromstring(source.encode("utf8", "surrogatepass"), parser=_PARSER)
        except Exception:
            return None
    if is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree

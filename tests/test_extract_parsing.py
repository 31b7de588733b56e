"""extract.parsing builds the tree trafilatura's load_html builds, with lxml's own element lookup."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml.etree import tostring
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from extract.decoding import decode_html
from extract.parsing import parse_html

SEEDS = sorted((Path(__file__).parent.parent / "seeds").rglob("*.html"))

ODD_DOCUMENTS = [
    "<!-- nothing but a comment -->",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared</p></body></html>',
    "   <p>a fragment</p>",
    "<html>",
    "plain text, no tags at all",
    "<!DOCTYPE html>\n<html/>\n<body><p>self-closed html</p></body>",
    "<html><body><form><input name=q></form><p>a form</p></body></html>",
]


@pytest.mark.parametrize("source", ODD_DOCUMENTS + [decode_html(p.read_bytes()) for p in SEEDS[:5]])
def test_the_tree_is_trafilaturas(source):
    ours, theirs = parse_html(source), load_html(source)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert tostring(ours) == tostring(theirs)


def test_every_element_is_a_plain_html_element():
    tree = parse_html("<html><body><form><input name=q><select><option>a</option></select></form>"
                      "<p>text <b>bold</b></p></body></html>")
    assert {type(element) for element in tree.iter()} == {HtmlElement}
    assert tree.find(".//p").text_content() == "text bold"

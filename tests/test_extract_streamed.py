"""extract/streamed.py: parts a streaming server sends after the page go back to their placeholders."""

from __future__ import annotations

import json

from trafilatura.utils import load_html

from extract import extract_article
from extract.metadata import run_together_text
from extract.streamed import drop_streamed_fallbacks, inline_streamed_content, scripted_body

LEAD = ("The council voted on Tuesday to rebuild the old bridge over the river, after two years of debate "
        "about its cost, its design and the traffic that its closure would push through the town centre.")
MIDDLE = ("Work is expected to start in the spring and to last for two full years, the engineers said, "
          "although a wet winter or a late delivery of the steel girders could easily add several months.")
END = ("Residents said the closure would add half an hour to their daily commute, and shop owners on the "
       "south bank fear that fewer customers will cross the river to reach them while the works go on.")


def streamed_page(paragraphs: int = 1) -> str:
    more = "".join(f"<p>{MIDDLE} Paragraph {n}.</p>" for n in range(paragraphs))
    return (f"<html><body><main><article><h1>Bridge to be rebuilt</h1><p>{LEAD}</p>"
            '<!--$?--><template id="B:0"></template><div>Loading paragraph...</div><!--/$-->'
            f"<p>{END}</p></article></main><footer><p>Contact us</p></footer>"
            f'<div hidden id="S:0"><h2>What happens next</h2><template id="P:1"></template></div>'
            f'<div hidden id="S:1">{more}</div>'
            '<script>$RC("B:0","S:0")</script></body></html>')


def test_streamed_parts_are_moved_to_their_placeholders_without_the_loading_fallback():
    tree = inline_streamed_content(load_html(drop_streamed_fallbacks(streamed_page())))
    article = run_together_text(tree.find(".//article"))
    assert "Loading" not in article
    assert article.index(LEAD) < article.index("What happens next") < article.index(MIDDLE) < article.index(END)
    assert not tree.xpath("//div[@hidden]")


def test_a_page_that_streams_nothing_is_left_alone():
    source = f"<html><body><article><p>{LEAD}</p></article></body></html>"
    assert drop_streamed_fallbacks(source) == source
    assert inline_streamed_content(load_html(source)) is None


def test_a_streamed_article_is_extracted_in_page_order():
    text = extract_article(streamed_page(paragraphs=4)).text
    assert text.index(LEAD) < text.index(MIDDLE) < text.index(END)
    assert "Loading" not in text


def scripted_page(paragraphs: list[str], shown: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    state = json.dumps({"detail": {"title": "Bridge to be rebuilt", "contentHtml": body,
                                   "teaser": "<p>Another story</p>"}}).replace("<", "\\u003c")
    return (f'<html><head><title>Bridge to be rebuilt</title></head><body><main><div class="spinner"></div>{shown}</main>'
            f'<script>window["__STATE__"] = {state};</script></body></html>')


def test_the_article_a_client_rendered_page_holds_only_in_a_script_is_extracted():
    text = extract_article(scripted_page([LEAD, MIDDLE, END])).text
    assert text.index(LEAD) < text.index(MIDDLE) < text.index(END)
    assert "Another story" not in text


def test_a_script_with_fewer_paragraphs_than_an_article_is_not_read_as_one():
    assert scripted_body(load_html(scripted_page([LEAD, END]))) is None
    assert scripted_body(load_html(scripted_page([LEAD, MIDDLE, END]))) is not None


def test_a_page_that_shows_its_article_is_not_read_from_its_scripts():
    shown = "<article><p>" + " ".join([END] * 3) + "</p></article>"
    text = extract_article(scripted_page([LEAD, MIDDLE, END], shown=shown)).text
    assert END in text and LEAD not in text

"""extract/recovery.py: article paragraphs trafilatura dropped are put back in page order."""

from __future__ import annotations

from types import SimpleNamespace

from trafilatura.utils import load_html

import extract.article
import extract.recovery
from extract import extract_article
from extract.recovery import recover_dropped_text, split_run_together, without_trailing_outside

# Paragraphs of news length: a container must hold MIN_GAP_CHARS more than the text for a search.
FIRST = ("The council voted on Tuesday to rebuild the old bridge over the river, after two years of debate "
         "about its cost, its design and the traffic that its closure would push through the town centre.")
SECOND = ("Work is expected to start in the spring and to last for two full years, the engineers said, "
          "although a wet winter or a late delivery of the steel girders could easily add several months.")
THIRD = ("Residents said the closure would add half an hour to their daily commute, and shop owners on the "
         "south bank fear that fewer customers will cross the river to reach them while the works go on.")
FOURTH = ("The mayor promised a free shuttle bus for the whole length of the works, running every ten "
          "minutes from early morning to late evening, and a footbridge that would open within six months.")


def recover(body: str, text: str) -> list[str]:
    tree = load_html(f"<html><body>{body}</body></html>")
    return recover_dropped_text(tree, text).split("\n")


def test_paragraphs_dropped_between_extracted_ones_are_put_back_in_place():
    body = f"<div><p>{FIRST}</p><div class='inline'><p>{SECOND}</p><p>{THIRD}</p></div><p>{FOURTH}</p></div>"
    assert recover(body, f"{FIRST}\n{FOURTH}") == [FIRST, SECOND, THIRD, FOURTH]


def test_a_container_holding_little_more_than_the_text_is_not_searched():
    body = f"<div><p>{FIRST}</p><p>A short aside of a few words, not worth a search.</p><p>{SECOND}</p></div>"
    assert recover(body, f"{FIRST}\n{SECOND}") == [FIRST, SECOND]


def test_text_in_a_div_and_list_items_are_recovered_list_items_as_such():
    body = f"<div><p>{FIRST}</p><div>{SECOND}</div><ul><li>{THIRD}</li></ul><p>{FOURTH}</p></div>"
    assert recover(body, f"{FIRST}\n{FOURTH}") == [FIRST, SECOND, f"- {THIRD}", FOURTH]


def test_the_whole_article_container_is_searched_lead_and_end_included():
    body = (f"<main><article><div class='article-body'><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>"
            f"<p>{FOURTH}</p></div></article><p>Some other story on the same page is told right here.</p></main>")
    assert recover(body, f"{SECOND}\n{THIRD}") == [FIRST, SECOND, THIRD, FOURTH]


def test_without_an_article_container_only_the_gaps_between_extracted_lines_are_searched():
    body = f"<div><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p><p>{FOURTH}</p></div>"
    assert recover(body, f"{SECOND}\n{THIRD}") == [SECOND, THIRD]


def test_furniture_links_teasers_captions_headings_and_short_lines_are_not_recovered():
    dropped = [
        f"<div class='related-posts'><p>Another story about bridges that you may want to read. {FOURTH}</p></div>",
        "<aside><p>This sidebar paragraph is long enough to be taken for a real paragraph.</p></aside>",
        "<p><a href='/x'>A paragraph that is nothing but one long link to another page</a></p>",
        "<ul><li><a href='/y'>Headline of a teaser</a> and the summary of that teaser story here</li></ul>",
        "<a class='card' href='/z'><div>A whole card made a link, with its summary text inside it.</div></a>",
        "<p><span class='wp-caption'>The old bridge, seen from the north bank of the river at dusk.</span></p>",
        "<h2>Get the latest news delivered to your inbox</h2>",
        "<p>Too short to count.</p>",
    ]
    body = f"<div><p>{FIRST}</p>{''.join(dropped)}<p>{SECOND}</p><p>{THIRD}</p></div>"
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}") == [FIRST, SECOND, THIRD]


def test_a_copy_of_an_article_paragraph_elsewhere_on_the_page_does_not_widen_the_search():
    body = (f"<div class='ticker'><p>{FIRST}</p></div>"
            f"<div><p>A paragraph of some other story, between the ticker and the article. {FOURTH}</p>"
            f"<div class='story'><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p></div></div>")
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}") == [FIRST, SECOND, THIRD]


def test_text_found_in_no_page_block_is_returned_as_it_was():
    assert recover(f"<div><p>{FIRST}</p></div>", "Something else entirely.") == ["Something else entirely."]


def test_extract_article_puts_back_what_trafilatura_dropped(monkeypatch):
    paragraphs = [f"{line[:-1]}, said witness number {n}." for n in range(6) for line in (FIRST, SECOND, THIRD, FOURTH)]
    paragraphs[5] = ("In the middle sits a paragraph that trafilatura happened to leave out: it tells how the "
                     "first wooden crossing burned in 1852 and how a stone arch, paid for by a local brewer, "
                     "took its place eleven years later and carried carts, trams and then cars.")
    html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in paragraphs) + "</article></body></html>"
    kept = "\n".join(line for i, line in enumerate(paragraphs) if i != 5)
    document = SimpleNamespace(text=kept, title=None, author=None, date=None, description=None)
    monkeypatch.setattr(extract.article, "_run_trafilatura", lambda tree, url: document)
    page = extract_article(html)
    assert page.text.split("\n\n") == paragraphs


def test_layout_classes_that_merely_contain_a_furniture_word_do_not_hide_a_paragraph():
    body = (f"<div><p>{FIRST}</p><div class='overflow-hidden font-articles'><p>{SECOND}</p><p>{THIRD}</p></div>"
            f"<p>{FOURTH}</p></div>")
    assert recover(body, f"{FIRST}\n{FOURTH}") == [FIRST, SECOND, THIRD, FOURTH]


def test_an_articles_text_run_together_in_one_line_is_set_out_again_one_line_per_block(monkeypatch):
    monkeypatch.setattr(extract.recovery, "MIN_RUN_TOGETHER_WORDS", 50)
    page = load_html(f"<html><body><article><h2>Bridge to be rebuilt</h2><p>{FIRST}</p><div class='share'>Share"
                     f"</div><p>{SECOND} {THIRD}</p><table><tr><td>Cost</td><td>$2m</td></tr></table></article>"
                     "</body></html>")
    run_together = f"Bridge to be rebuilt {FIRST} Share {SECOND} {THIRD} Cost $2m"
    assert split_run_together(page, run_together).split("\n") == [
        "Bridge to be rebuilt", FIRST, "Share", f"{SECOND} {THIRD}", "| Cost | $2m |"]
    assert split_run_together(page, f"{FIRST}\n{SECOND}") == f"{FIRST}\n{SECOND}"
    assert split_run_together(page, f"{FIRST} {SECOND} {THIRD}") == f"{FIRST} {SECOND} {THIRD}"


def test_the_last_lines_outside_the_article_container_holding_most_of_the_text_are_dropped():
    teaser = "Ten bridges you have to see before you die, and the towns around them"
    page = load_html(f"<html><body><article><div class='article-body'><p>{FIRST}</p><p>{SECOND}</p>"
                     f"<p>{THIRD}</p></div><div class='more'><h3>{teaser}</h3></div></article></body></html>")
    text = "\n\n".join([FIRST, SECOND, THIRD, teaser])
    assert without_trailing_outside(page, text) == "\n\n".join([FIRST, SECOND, THIRD])
    unnamed = load_html(f"<html><body><div><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p></div><h3>{teaser}</h3>"
                        "</body></html>")
    assert without_trailing_outside(unnamed, text) == text

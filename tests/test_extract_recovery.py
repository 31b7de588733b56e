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


def test_furniture_links_teasers_captions_headings_over_them_and_short_lines_are_not_recovered():
    dropped = [
        "<h2>Get the latest news delivered to your inbox</h2>",
        f"<div class='related-posts'><p>Another story about bridges that you may want to read. {FOURTH}</p></div>",
        "<aside><p>This sidebar paragraph is long enough to be taken for a real paragraph.</p></aside>",
        "<p><a href='/x'>A paragraph that is nothing but one long link to another page</a></p>",
        "<ul><li><a href='/y'>Headline of a teaser</a> and the summary of that teaser story here</li></ul>",
        "<a class='card' href='/z'><div>A whole card made a link, with its summary text inside it.</div></a>",
        "<p><span class='wp-caption'>The old bridge, seen from the north bank of the river at dusk.</span></p>",
        "<p>Too short to count.</p>",
        "<ol><li class='fn-text' id='footnote-1'>A footnote long enough to be taken for a paragraph of the story."
        "</li></ol>",
    ]
    body = f"<div><p>{FIRST}</p>{''.join(dropped)}<p>{SECOND}</p><p>{THIRD}</p></div>"
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}") == [FIRST, SECOND, THIRD]


def test_a_paragraph_with_a_link_in_a_sentence_is_recovered():
    linked = [SECOND.replace("the engineers", "<a href='/plan'>the engineers</a>"),
              THIRD.replace("shop owners", "<a href='/shops'>shop owners</a>")]
    body = f"<div><p>{FIRST}</p><p>{linked[0]}</p><p>{linked[1]}</p><p>{FOURTH}</p></div>"
    assert recover(body, f"{FIRST}\n{FOURTH}") == [FIRST, SECOND, THIRD, FOURTH]


def test_a_post_embedded_in_the_story_is_recovered_though_its_box_is_named_social():
    tweet = ("Yes this is real, and yes, the port spent half a million dollars on the new signs that nobody on "
             "the quay can read from the water, let alone from the old bridge or the ferry in a winter fog: "
             "https://t.co/abc")
    linked = tweet.replace("https://t.co/abc", "<a href='https://t.co/abc'>https://t.co/abc</a>")
    body = (f"<div><p>{FIRST}</p><p>{SECOND}</p><div class='social-embed'><blockquote class='twitter-tweet'>"
            f"<p>{linked}</p></blockquote></div><p>{THIRD}</p><p>{FOURTH}</p></div>")
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}\n{FOURTH}") == [FIRST, SECOND, tweet, THIRD, FOURTH]


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


def test_a_wrapper_holding_the_extracted_paragraphs_is_the_articles_whatever_its_name():
    items = "".join(f"<li>Principle number {n}: {THIRD}</li>" for n in range(2))
    related = f"<div class='related-widget'><p>Another story about bridges that you may want to read. {FOURTH}</p></div>"
    legal = "<div class='legal'><p>The firm carries professional liability insurance in all the states it serves.</p></div>"
    body = (f"<div><div class='widget-span widget-type-rich-text'><p>{FIRST}</p><p>{SECOND}</p><ul>{items}</ul>"
            f"{related}<p>{FOURTH}</p></div>{legal}</div>")
    text = f"{FIRST}\n{SECOND}\n{FOURTH}\nThe firm carries professional liability insurance in all the states it serves."
    assert recover(body, text)[:5] == [FIRST, SECOND, *(f"- Principle number {n}: {THIRD}" for n in range(2)), FOURTH]


def test_a_paragraph_with_a_link_in_it_is_recovered_and_footnotes_are_not():
    linked = SECOND.replace("the engineers said", "the <a href='/report'>engineers' report</a> said")
    footnotes = f"<ol id='footnote-list'><li>Smith, J. Bridges of the river towns. Harbour Press, 1998. {FOURTH}</li></ol>"
    body = f"<div><p>{FIRST}</p><p>{linked}</p><p>{THIRD}</p>{footnotes}<p>A closing line that ends the article.</p></div>"
    expected_second = SECOND.replace("the engineers said", "the engineers' report said")
    assert recover(body, f"{FIRST}\n{THIRD}\nA closing line that ends the article.") == [
        FIRST, expected_second, THIRD, "A closing line that ends the article."]


def test_a_heading_over_article_text_is_recovered_one_over_furniture_is_not():
    body = (f"<div><p>{FIRST}</p><h2 class='title'>The cost of the works</h2><p>{SECOND}</p>"
            f"<h3>Get our newsletter</h3><div class='newsletter'><p>Sign up to hear about bridges and all the "
            f"other news of the town, delivered every Friday morning. {FOURTH}</p></div><p>{THIRD}</p>"
            f"<h2>What happens next</h2><p>{FOURTH}</p></div>")
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}\nWhat happens next {FOURTH}") == [
        FIRST, "The cost of the works", SECOND, THIRD, f"What happens next {FOURTH}"]


def test_short_list_items_over_article_text_are_recovered():
    items = "".join(f"<li>{plan}</li>" for plan in ("Simple Start: $38 a month", "Essentials: $75 a month",
                                                    "Plus: $115 a month", "Advanced: $275 a month"))
    menu = f"<ul class='menu'><li>Home page</li><li>Our plans</li></ul><div class='related'><p>{FOURTH}</p></div>"
    body = f"<div><p>{FIRST}</p><ul>{items}</ul><p>{SECOND}</p>{menu}<div class='other'><p>{THIRD}</p></div></div>"
    assert recover(body, f"{FIRST}\n{SECOND}\n{THIRD}") == [
        FIRST, "- Simple Start: $38 a month", "- Essentials: $75 a month", "- Plus: $115 a month",
        "- Advanced: $275 a month", SECOND, THIRD]


def test_a_rich_text_wrapper_is_searched_whole_when_no_ancestor_is_named_as_an_article():
    body = (f"<main><div class='blog-rich-text w-richtext'><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>"
            f"<p>{FOURTH}</p></div><p>Some other story on the same page is told right here.</p></main>")
    assert recover(body, f"{SECOND}\n{THIRD}") == [FIRST, SECOND, THIRD, FOURTH]


def test_a_heading_over_a_link_or_a_heading_of_its_rank_titles_no_text():
    sidebar = ("<h3>Editor's Picks</h3><h2><a href='/a'>Should you give up on the bridge?</a></h2>"
               "<h3>Trending now</h3><h3>Most read</h3>")
    body = (f"<div><p>{FIRST}</p><div class='other'><p>{SECOND}</p></div>{sidebar}<p>{THIRD}</p>"
            f"<div class='related'><p>{FOURTH}</p></div></div>")
    assert recover(body, f"{FIRST}\n{THIRD}") == [FIRST, SECOND, "Most read", THIRD]


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

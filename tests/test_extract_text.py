"""The main text: the page's own declared body, labelled link teasers, a page mislabelled as a legacy charset."""

from __future__ import annotations

import json

from lxml import html

from dedup.fingerprints import fingerprint
from extract import extract_article
from extract.cleaning import clean_text
from extract.decoding import decode_html
from extract.pruning import link_teasers, marked_furniture
from extract.recovery import within_declared_body

STORY = ["Der Stadtrat hat am Freitag beschlossen, den vom Herbststurm beschädigten Flusshafen wieder aufzubauen.",
         "Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern, sagte die Bürgermeisterin am Abend.",
         "Bezahlt wird der neue Kai zur Hälfte vom Land, den Rest tragen die Stadtwerke und drei Reedereien."]
PROMPT = "Gefällt dir unser Magazin? Dann unterstütze uns mit einem Abo."


def _page(body: str | None, content: str = "") -> html.HtmlElement:
    script = (f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "articleBody": body})}'
              "</script>") if body is not None else ""
    return html.fromstring(f"<html><head>{script}</head><body>{content}</body></html>")


def test_lines_after_the_storys_first_that_the_declared_body_lacks_are_dropped():
    kicker = "Hafen – Wiederaufbau"
    text = "\n\n".join([kicker, *STORY, PROMPT])
    assert within_declared_body(_page(" ".join(STORY)), text) == "\n\n".join([kicker, *STORY])


def test_without_a_declared_body_or_with_a_summary_for_one_the_text_stays():
    text = "\n\n".join([*STORY, PROMPT])
    assert within_declared_body(_page(None), text) == text
    assert within_declared_body(_page(STORY[0][:40]), text) == text


def test_a_post_quoted_from_a_social_network_stays_though_the_declared_body_lacks_it():
    post = "Ich kann diesem Mann nicht genug danken, er hat mir so viel beigebracht."
    tree = _page(" ".join(STORY), f'<blockquote class="twitter-tweet"><p>{post}</p></blockquote>')
    text = "\n\n".join([STORY[0], post, STORY[1]])
    assert within_declared_body(tree, text) == text


def test_a_labelled_link_to_another_story_is_a_teaser_but_a_sentence_with_a_link_is_not():
    page = html.fromstring(
        "<html><body><p><strong>Czytaj też: <a href='/inne'>Amerykanie inwestują w bomby i nowe pociski</a>"
        "</strong></p><p>LE PUEDE INTERESAR: <a href='/otra'>La ficha del expresidente en el tribunal de Nueva York"
        "</a></p><p>Die Bürgermeisterin sagte am Abend, <a href='/rat'>der Rat habe einstimmig entschieden</a></p>"
        "</body></html>")
    assert link_teasers(page) == ["Czytaj też: Amerykanie inwestują w bomby i nowe pociski",
                                  "LE PUEDE INTERESAR: La ficha del expresidente en el tribunal de Nueva York"]


def test_a_subheading_linking_a_headline_is_a_teaser_but_one_linking_a_products_name_is_not():
    page = html.fromstring(
        "<html><body><h3><a href='/otra'>Bebé muere electrocutado al recostarse por una columna en su casa</a></h3>"
        "<h3><a href='https://shop.example/router'>Linksys Velop Wi-Fi 6 Mesh Router</a></h3></body></html>")
    assert link_teasers(page) == ["Bebé muere electrocutado al recostarse por una columna en su casa"]


def test_utf8_bytes_under_a_legacy_multibyte_label_are_read_as_utf8():
    story = "新华社北京4月24日电 习近平主席向首届论坛致贺信，在会场内外引发热烈反响。" * 5
    page = f'<html><head><meta charset="GB2312"></head><body><p>{story}</p></body></html>'.encode()
    assert story in decode_html(page)
    assert story in decode_html(f'<meta charset="GB2312"><p>{story}</p>'.encode("gb18030"))


def test_a_list_of_links_to_other_pages_and_its_label_are_teasers_but_a_table_of_contents_is_not():
    page = html.fromstring(
        "<html><body><p>Lesen Sie auch die folgenden Beiträge:</p><ul>"
        "<li><a href='/a'>Wie der Hafen nach dem Sturm wieder aufgebaut wird</a></li>"
        "<li><a href='/b'>Was die Reedereien zum neuen Kai sagen</a></li></ul>"
        "<h2>Inhalt</h2><ul><li><a href='#bau'>Der Bau des neuen Kais beginnt</a></li>"
        "<li><a href='#kosten'>Wer die Kosten des Baus trägt</a></li></ul></body></html>")
    assert link_teasers(page) == ["Wie der Hafen nach dem Sturm wieder aufgebaut wird",
                                  "Was die Reedereien zum neuen Kai sagen", "Lesen Sie auch die folgenden Beiträge:"]


def test_a_text_holding_less_than_half_the_declared_body_gives_way_to_it():
    body = "\n".join(STORY * 2)
    assert within_declared_body(_page(body), STORY[0]) == "\n\n".join(STORY * 2)


def test_a_story_set_whole_in_its_headlines_header_is_not_taken_for_a_standfirst():
    story = " ".join(STORY)
    tree = html.fromstring(f"<html><body><article><header><h1>Hafen wird wieder aufgebaut</h1><p>{story}</p>"
                           "</header></article></body></html>")
    assert clean_text(story, furniture=marked_furniture(tree)) == story


def test_a_list_of_short_or_dated_links_is_one_of_teasers():
    page = html.fromstring(
        "<html><body><ul><li><a href='/politica'>Política</a></li><li><a href='/economia'>Economía</a></li></ul>"
        "<ol><li>19.03.2024 <a href='/a'>Fahndung nach Verrätern im Amt</a></li>"
        "<li>05.03.2024 <a href='/b'>Aufklärung nur intern, sagt der Minister</a></li></ol></body></html>")
    assert link_teasers(page) == ["Política", "Economía", "19.03.2024 Fahndung nach Verrätern im Amt",
                                  "05.03.2024 Aufklärung nur intern, sagt der Minister"]


def test_soft_hyphens_are_dropped_so_search_and_fingerprints_see_whole_words():
    def page(shy: str) -> bytes:
        hyphenated = [s.replace("Flusshafen", f"Fluss{shy}ha{shy}fen").replace("Bürgermeisterin", f"Bürger{shy}meisterin")
                      for s in STORY]
        return (f"<html><head><title>Ver{shy}fas{shy}sungs{shy}be{shy}schwerde eingelegt</title></head><body><article>"
                f"<h1>Ver{shy}fas{shy}sungs{shy}be{shy}schwerde eingelegt</h1>"
                + "".join(f"<p>{s} {s}</p>" for s in hyphenated) + "</article></body></html>").encode()

    plain = extract_article(page(""), "https://a.example/news/1")
    assert plain.is_article and "Flusshafen" in plain.text
    for shy in ("&shy;", "&#173;", "&#xAD;", "\u00ad"):
        hyphenated = extract_article(page(shy), "https://a.example/news/1")
        assert (hyphenated.title, hyphenated.text) == (plain.title, plain.text), shy
        assert fingerprint(hyphenated.text).content_hash == fingerprint(plain.text).content_hash
    assert plain.title == "Verfassungsbeschwerde eingelegt"

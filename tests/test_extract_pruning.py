"""Furniture read from the markup (standfirsts, link teasers, labels, boxes); the tree made ready for trafilatura."""

from __future__ import annotations

from lxml import html

from extract.layout import drop_other_posts, unwrap_layout_tables
from extract.metadata import run_together_text
from extract.pruning import boxed_texts, labels, link_teasers, repeated_items, standfirsts

DEK = "Here is how the port will be rebuilt, and who will pay for it."
BODY = "<p>The city council voted on Friday to rebuild the river port damaged by the autumn storms.</p>"


def test_the_dek_in_the_headlines_header_and_the_heading_after_the_headline_are_standfirsts():
    """A heading, a paragraph or a dek-classed <div> in the header; a dek-classed heading after the <h1>."""
    in_header = html.fromstring(f"<html><body><article><header><h1>Port to be rebuilt</h1><h2>{DEK}</h2></header>"
                                f"<div>{BODY}</div></article></body></html>")
    after = html.fromstring(f"<html><body><div><h1>Port to be rebuilt</h1><h5 class='deck'>{DEK}</h5>{BODY}</div>"
                            "</body></html>")
    dek_div = html.fromstring(f"<html><body><header><h1>Port</h1><div class='header--dek'>{DEK}</div>"
                              f"<div class='byline'>By Jane Doe and John Roe, Port News staff</div></header>{BODY}"
                              "</body></html>")
    assert standfirsts(in_header) == [DEK] and standfirsts(after) == [DEK] and standfirsts(dek_div) == [DEK]


def test_a_header_holding_the_story_and_a_short_section_heading_are_not_standfirsts():
    story_in_header = html.fromstring(f"<html><body><header><h1>Port</h1><p>{DEK}</p>{BODY}{BODY}</header>"
                                      "</body></html>")
    heading = html.fromstring(f"<html><body><h1>Port</h1><h2>Safety alert</h2>{BODY}</body></html>")
    unclassed = html.fromstring(f"<html><body><h1>Port</h1><h2>{DEK}</h2>{BODY}</body></html>")
    assert standfirsts(story_in_header) == [] and standfirsts(heading) == [] and standfirsts(unclassed) == []


def test_a_paragraph_that_is_one_link_in_capitals_is_a_link_teaser():
    page = html.fromstring("<html><body><p><strong><a href='/other'>STORM DAMAGE: SEE THE HARBOUR FROM THE AIR</a>"
                           f"</strong></p>{BODY}<p><a href='/app'>Get the app</a></p><p><a href='/x'>NEWS</a></p>"
                           "<p>THE MAYOR SAID <a href='/m'>IT WAS OVER</a> ON FRIDAY</p></body></html>")
    assert link_teasers(page) == ["STORM DAMAGE: SEE THE HARBOUR FROM THE AIR"]


def test_a_paragraph_set_again_under_the_same_parent_is_a_repeated_item_and_a_pull_quote_is_not():
    entry = "Serving: 1 cup rice, 1 tsp. olive oil"
    page = html.fromstring(f"<html><body><div><h3>Day 1</h3><p>{entry}</p><h3>Day 2</h3><p>{entry}</p></div>"
                           f"<div>{BODY}<blockquote><p>{BODY[3:-4]}</p></blockquote></div></body></html>")
    assert repeated_items(page) == [entry]


def test_a_table_whose_cell_holds_a_table_lays_the_page_out_and_becomes_blocks():
    page = html.fromstring("<html><body><table><tr><td><table><tr><td>EUR 1.05</td></tr></table>"
                           f"<h1>Port to be rebuilt</h1>{BODY}</td><td>Top stories</td></tr></table>"
                           "<table><tr><th>Berth</th><th>Depth</th></tr><tr><td><p>North</p></td><td>12 m</td></tr>"
                           "</table></body></html>")
    unwrap_layout_tables(page)
    assert [table.xpath("string()") for table in page.iter("table")] == ["EUR 1.05", "BerthDepthNorth12 m"]
    assert page.find("body/div/div/div").xpath("string()").startswith("EUR 1.05Port to be rebuilt")


def test_the_headlines_of_cards_made_links_are_link_teasers_but_not_jumps_shop_links_or_the_storys_headings():
    page = html.fromstring(
        "<html><body><h2>How the port will be rebuilt</h2>"
        f"{BODY}<a href='/news/other'><img src='x.jpg'><h3>Storm damage seen from the air</h3></a>"
        "<a href='/news/port#rebuilt'><h2>How the port will be rebuilt</h2></a>"
        "<a href='#costs'><h2>What the works will cost us</h2></a>"
        "<a href='https://shop.example.com/kettle' rel='sponsored'><h3>The best kettle for the quay</h3></a>"
        "<a href='/news/more'><h3>More news</h3></a></body></html>")
    assert link_teasers(page) == ["Storm damage seen from the air"]


def test_date_stamps_and_tag_lists_are_labels_but_a_sentence_with_a_tag_link_is_not():
    page = html.fromstring(
        "<html><body><span itemprop='datePublished'>segunda-feira, 22 de janeiro de 2018</span>"
        "<time datetime='2018-01-22'>22/01/2018</time>"
        f"{BODY}<p>The <a rel='tag' href='/tag/port'>port</a> will reopen in the <a rel='tag' href='/tag/spring'>"
        "spring</a>, the council said after a long meeting on Friday.</p>"
        "<div><strong>Tags</strong> <a rel='tag' href='/tag/port'>port works</a>, "
        "<a rel='tag' href='/tag/river'>river bridge</a></div></body></html>")
    assert labels(page) == ["segunda-feira, 22 de janeiro de 2018", "22/01/2018", "port works river bridge"]


def test_a_paragraph_that_is_one_link_to_another_page_is_a_link_teaser_but_not_a_jump_or_a_toc_entry():
    page = html.fromstring(
        f"<html><body>{BODY}<p><a href='/news/fan-vote'>Who will top the harbour fan vote?</a></p>"
        "<p><a href='#works'>How long the works will last</a></p>"
        "<p><a href='/news/port'>The costs of the new quay</a></p><h2>The costs of the new quay</h2>"
        "<p>The mayor said <a href='/mayor'>more</a> about the quay on Friday.</p></body></html>")
    assert link_teasers(page) == ["Who will top the harbour fan vote?"]


def test_a_headline_of_a_sentences_length_goes_with_the_standfirsts():
    headline = "Design Week 2018 | A light installation for the port"
    page = html.fromstring(f"<html><body><h1>{headline}</h1>{BODY}</body></html>")
    assert standfirsts(page) == [headline]


OTHER_POST = ("<article id='post-{n}' class='post'><h2><a href='/p{n}'>Ferry timetable {n}</a></h2>"
              "<p>Excerpt of another story about the ferries, number {n}, with a date and a byline.</p></article>")


def test_the_other_posts_a_wordpress_page_lists_are_removed_and_its_own_post_kept():
    """Listed posts are removed even when unclosed markup nests them in one another; text after one stays."""
    page = html.fromstring(f"<html><body class='single postid-7'><article id='post-7'><h1>Port</h1>{BODY}</article>"
                           f"<section>{OTHER_POST.format(n=8)}<p>Text after the list.</p>"
                           f"{OTHER_POST.format(n=9)[:-10]}{OTHER_POST.format(n=10)}</article></section></body></html>")
    assert drop_other_posts(page) == 2
    text = run_together_text(page)
    assert "rebuild the river port" in text and "Text after the list." in text and "Ferry" not in text


def test_without_the_pages_own_post_id_or_when_a_listed_post_holds_the_story_nothing_is_removed():
    no_own_id = html.fromstring(f"<html><body class='single'>{BODY}{OTHER_POST.format(n=8)}</body></html>")
    story_inside = html.fromstring(f"<html><body class='postid-7'><div id='post-8'>{BODY * 6}</div>"
                                   f"{OTHER_POST.format(n=9)}</body></html>")
    assert drop_other_posts(no_own_id) == 0 and "Ferry" in run_together_text(no_own_id)
    assert drop_other_posts(story_inside) == 1 and "rebuild the river port" in run_together_text(story_inside)


def test_a_small_box_named_as_a_promotion_gives_its_texts_but_one_words_and_a_large_one_none():
    page = html.fromstring(f"<html><body><article>{BODY}<div class='promo-box'><h3>Try it free</h3>"
                           "<p>Start your 30-day trial today.</p><span>Offers</span></div>"
                           "<div class='cta-inline'><p>Book a demo now</p></div></article>"
                           f"<div id='latest-stories'>{BODY * 20}</div></body></html>")
    assert boxed_texts(page)[1:] == ["Try it free", "Start your 30-day trial today.", "Book a demo now"]


def test_a_story_promoted_to_the_front_page_is_not_a_promotion():
    page = html.fromstring("<html><body><article class='node node--promoted'><p>Sales rose by 44 per cent.</p>"
                           "</article><div class='promo'><p>Subscribe for more news</p></div></body></html>")
    assert boxed_texts(page) == ["Subscribe for more news"]

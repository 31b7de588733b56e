"""Headlines from declared titles and the visible <h1>s: site names, section labels, several <h1>s."""
from __future__ import annotations

import json

from trafilatura.utils import load_html

from extract.metadata import site_names
from extract.structured import read_json_ld, read_meta
from extract.titles import pick_title


def picked(head: str, body: str, url: str = "https://acme.example/post/1", fallback: str | None = None):
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    meta, ld = read_meta(tree), read_json_ld(tree)
    return pick_title(tree, meta, ld, fallback, site_names(meta, ld, url))


def title_of(head: str, body: str, url: str = "https://acme.example/post/1", fallback: str | None = None):
    """The headline and its origin."""
    return picked(head, body, url, fallback)[:2]


def og_title(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def ld_headline(headline: str) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": headline})}</script>'


def test_a_lone_h1_sharing_no_word_with_the_declared_title_is_a_section_label():
    head = "<title>Why Tutors Help | Acme Times</title>"
    assert title_of(head, "<h1>Our BLOG</h1>") == ("Why Tutors Help", "meta")
    assert title_of(head, "<h1>How Good Tutors Help</h1>") == ("How Good Tutors Help", "h1")
    assert title_of("<title>Acme Blog</title>", "<h1>Our BLOG</h1>") == ("Our BLOG", "h1")  # the title only names the site


def test_trafilatura_guess_does_not_vouch_for_the_h1_it_came_from():
    head = "<title>Progress Report #39</title>"
    assert title_of(head, "<h1>Field Notes</h1>", fallback="Field Notes") == ("Progress Report #39", "meta")


def test_an_h1_naming_the_site_is_not_the_headline_unless_every_title_agrees():
    head = '<title>Engora Data Blog: Small models</title><meta property="og:title" content="Small models">'
    assert title_of(head, "<h1>Engora Data Blog</h1>", url="https://blog.engora.com/x") == ("Small models", "meta")
    head = "<title>Austin Catalog Index</title>"
    assert title_of(head, "<h1>Austin Hardware Catalog</h1>", url="https://www.austinhardware.com/x") \
        == ("Austin Hardware Catalog", "h1")


def test_of_several_h1s_the_one_covering_the_title_wins_and_a_one_word_h1_is_not_the_headline():
    head = '<meta property="og:title" content="U.S. in Progress 2025: Poland to Park City">'
    body = "<h1>Filmmaker</h1><h1>U.S. in Progress 2025: Poland to Park City</h1><h1>Related Articles</h1>"
    assert title_of(head, body) == ("U.S. in Progress 2025: Poland to Park City", "meta")
    head = '<meta property="og:title" content="How we pwned Vercel, Cursor and Discord through a supply chain">'
    body = "<h1>writeup.md</h1><h1>Select an option</h1><h1>Discord</h1>"
    assert title_of(head, body) == ("How we pwned Vercel, Cursor and Discord through a supply chain", "meta")


def test_a_json_ld_headline_cut_short_gives_way_to_the_full_title():
    cut = "Fix It Friday: We Help 4 Readers Find Solutions For Their Living Rooms (Including"
    head = (f'<script type="application/ld+json">{json.dumps({"@type": "BlogPosting", "headline": cut})}</script>'
            f'<meta property="og:title" content="{cut} One Universal Trick) - Acme Blog">')
    assert title_of(head, "<p>Text.</p>") == (f"{cut} One Universal Trick)", "json-ld")


def test_a_letter_styled_apart_in_the_h1_stays_in_its_word():
    body = '<h1><a>Cut Your Planning <span class="hand">C</span>ycle in Two</a></h1>'
    assert title_of("", body) == ("Cut Your Planning Cycle in Two", "h1")
    assert title_of("", "<h1>The Best Notion Alternatives<span>Top Tools</span></h1>")[0] \
        == "The Best Notion Alternatives Top Tools"


def test_quote_marks_shown_around_the_h1_are_part_of_the_headline():
    head = '<meta property="og:title" content="“New Ways to Corrupt LLMs”">'
    assert title_of(head, "<h1>“New Ways to Corrupt LLMs”</h1>")[0] == "“New Ways to Corrupt LLMs”"
    assert title_of(head, "<p>Text.</p>")[0] == "New Ways to Corrupt LLMs"


def test_characters_the_h1_lost_are_read_from_the_declared_title():
    head = """<meta property="og:title" content="The Basics Of Event Planning: Beginner's Guide">"""
    assert title_of(head, "<h1>The Basics Of Event Planning? Beginner? Guide</h1>") \
        == ("The Basics Of Event Planning: Beginner's Guide", "meta")
    assert title_of(head, "<h1>What Are The Basics? A Guide</h1>") == ("What Are The Basics? A Guide", "h1")


def test_an_aggregators_source_and_comment_count_are_not_the_headline():
    body = "<h1>Stanford Grads Find Their Degrees No Longer Guarantee Jobs (latimes.com) 87</h1>"
    assert title_of("", body)[0] == "Stanford Grads Find Their Degrees No Longer Guarantee Jobs"


def test_an_h1_spelt_with_its_kicker_set_apart_takes_the_declared_spelling():
    head = ld_headline("Ausschuss zur Flut: Zwei Rücktritte und offene Fragen")
    body = "<h1><span>Ausschuss zur Flut</span> <span>Zwei Rücktritte und offene Fragen</span></h1>"
    assert picked(head, body) == ("Ausschuss zur Flut: Zwei Rücktritte und offene Fragen", "json-ld", ("h1",))
    body = "<h1><span>Ausschuss zur Flut</span> <span>:</span> Zwei Rücktritte und offene Fragen</h1>"
    assert title_of(head, body) == ("Ausschuss zur Flut: Zwei Rücktritte und offene Fragen", "json-ld")


def test_an_overline_or_subtitle_in_its_own_element_is_left_out_when_the_page_declares_the_headline_without_it():
    head = '<meta property="og:title" content="Rückschlag im Titelkampf - Liverpool verliert bei Everton">'
    body = ("<h1><span class='topline'>Premier League</span>"
            "<span class='text'>Rückschlag im Titelkampf - Liverpool verliert bei Everton</span></h1>")
    assert title_of(head, body) == ("Rückschlag im Titelkampf - Liverpool verliert bei Everton", "meta")
    head = ld_headline("Tagesschau unterschlägt Demo in Essen")
    body = "<h1><span>Tagesschau unterschlägt Demo in Essen</span> <span>Eine Verharmlosung</span></h1>"
    assert title_of(head, body) == ("Tagesschau unterschlägt Demo in Essen", "json-ld")
    # declared with its overline: the whole <h1>
    head = ld_headline("Premier League: Liverpool verliert bei Everton")
    body = "<h1><span>Premier League</span><span>Liverpool verliert bei Everton</span></h1>"
    assert title_of(head, body) == ("Premier League: Liverpool verliert bei Everton", "json-ld")


def test_marks_the_h1_shows_or_separators_it_chose_keep_the_shown_spelling():
    head = ld_headline("Mobile UX Design - The Ultimate Guide 2025")
    assert title_of(head, "<h1>Mobile UX Design: The Ultimate Guide 2025</h1>") \
        == ("Mobile UX Design: The Ultimate Guide 2025", "h1")
    head = "<title>Cloud Innovations: What's Next in 2025 | Acme Blog</title>"
    assert title_of(head, "<h1>Cloud Innovations: What's Next in 2025?</h1>")[0] \
        == "Cloud Innovations: What's Next in 2025?"


def test_the_h1_matching_the_best_declared_title_wins_over_a_section_h1():
    head = ('<title>News - Eawag</title>'
            '<meta property="og:title" content="Auf das erste Elektron kommt es an">')
    body = "<h1 class='hidden'>News</h1><h1>Auf das erste Elektron kommt es an</h1>"
    assert picked(head, body) == ("Auf das erste Elektron kommt es an", "meta", ("h1",))


def test_an_h1_linking_to_the_home_page_is_the_logo_and_names_the_site():
    head = "<title>Rinderleber mit Apfel und Zwiebel | Liebe geht durch den Magen</title>"
    body = ('<h1 id="site-title"><a href="https://liebe.example/">Liebe geht durch den Magen</a></h1>'
            '<h2 class="entry-title">Rinderleber mit Apfel und Zwiebel</h2>')
    assert title_of(head, body, url="https://rezepte.example/leber.htm") == ("Rinderleber mit Apfel und Zwiebel", "meta")
    body = '<h1><a href="/">Field Notes</a></h1>'
    assert title_of("<title>Progress Report</title>", body) == ("Progress Report", "meta")


def test_a_site_name_with_a_separator_of_its_own_is_cut_off_the_title_whole():
    head = "<title>Enchufla Figuren - Salsa-Figuren - Rueda in Berlin</title>"
    body = '<h1><a href="/">Salsa-Figuren - Rueda in Berlin</a></h1><p>Text.</p>'
    assert title_of(head, body, url="https://rueda.example/enchufla") == ("Enchufla Figuren", "meta")


def test_a_leading_part_holding_the_sites_name_in_a_longer_one_is_not_the_headline():
    head = "<title>EFC Bayrische Bembel Regensburg - Eintracht Frankfurt stellt Weichen für die Zukunft - News</title>"
    assert title_of(head, "<p>Text.</p>", url="https://www.bayrische-bembel.example/504") \
        == ("Eintracht Frankfurt stellt Weichen für die Zukunft", "meta")
    head = "<title>Greenpeace fordert Stopp der Tiefseebohrungen - Aktuelles</title>"  # a headline naming the site
    assert title_of(head, "<p>Text.</p>", url="https://www.greenpeace.example/a") \
        == ("Greenpeace fordert Stopp der Tiefseebohrungen", "meta")


def test_a_separator_left_dangling_after_the_title_is_dropped():
    head = '<meta property="og:title" content="Pferdesport definitiv bei Olympia 2028 dabei -">'
    assert picked(head, "<p>Text.</p>") == ("Pferdesport definitiv bei Olympia 2028 dabei", "meta", ())


def test_a_subheading_showing_the_json_ld_headline_beats_an_h1_showing_only_the_og_title():
    head = (ld_headline("Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit")
            + '<meta property="og:title" content="Archäologische Sensation: Maya-Städte entdeckt">')
    body = ("<h1>Archäologische Sensation: Maya-Städte entdeckt</h1>"
            "<h2>Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit</h2>")
    assert title_of(head, body) == ("Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit", "json-ld")


def test_a_blog_post_titled_in_an_h2_under_the_blogs_name_in_the_h1():
    head = "<title>Was ist virales Marketing? | DimidoBlog</title>"
    body = "<h1>DimidoBlog</h1><h2>Was ist virales Marketing?</h2><h2>Kategorien</h2>"
    assert title_of(head, body, url="https://archive.example/web/1/x") == ("Was ist virales Marketing?", "meta")


def test_decoration_around_a_heading_or_after_a_declared_title_is_not_spelt():
    head = "<title>mediaarchitecture // » Jens Weber</title>"
    assert title_of(head, "<h2>[> Jens Weber</h2>")[0] == "Jens Weber"
    head = ld_headline("Ladensterben immer dramatischer » ☆☆☆☆☆")
    assert title_of(head, "<h1>Ladensterben immer dramatischer</h1>")[0] == "Ladensterben immer dramatischer"


def test_a_lone_h1_of_a_few_words_is_the_headline_even_when_the_seo_title_shares_none():
    head = "<title>Autofinanzierung – Autokredit oder doch besser Leasing?</title>"
    assert title_of(head, "<h1>Finanzierung Ihres Autos</h1>") == ("Finanzierung Ihres Autos", "h1")


def test_a_microdata_headline_is_declared_like_the_json_ld_one():
    head = ('<meta property="og:title" content="장동혁, 한동훈 제명했지만 부담 커졌다-정치ㅣ한국일보">'
            '<meta itemprop="headline" content="장동혁, 한동훈 제명했지만 부담 커졌다">')
    assert picked(head, "<p>본문</p>") == ("장동혁, 한동훈 제명했지만 부담 커졌다", "meta", ())


def test_a_heading_sets_its_kicker_apart_and_the_declared_title_another_kicker():
    declared = og_title("Corona-Lockerungen: Autohäuser rechnen mit langsamem Anlaufen | MDR.DE")
    shown = "<h1><span>Nach Corona-Lockerungen</span><span>Autohäuser rechnen mit langsamem Anlaufen</span></h1>"
    assert title_of(declared, shown, url="https://www.mdr.de/x")[0] == "Autohäuser rechnen mit langsamem Anlaufen"
    # the whole <h1> is not cut to the declared title's tail
    declared = og_title("Nach Gaetz-Rückzug: Trump-Anwältin soll Justizministerin werden")
    assert title_of(declared, "<h1>Trump-Anwältin soll Justizministerin werden</h1>")[0] \
        == "Trump-Anwältin soll Justizministerin werden"


def test_a_heading_wrapping_its_parts_in_one_element_is_read_through_it():
    body = '<h1><div><span class="visuallyhidden">Headline:</span> Energiewende und Wandel</div></h1>'
    assert title_of(og_title("Energiewende und Wandel"), body) == ("Energiewende und Wandel", "meta")


def test_a_numeric_date_before_the_headline_is_not_part_of_it():
    declared = og_title("23.01.2022 - Dorothea Wierer darf beim Antholz-Abschluss noch jubeln - Biathlon Antholz")
    assert title_of(declared, "<p>Text.</p>", url="https://www.biathlon-antholz.it/x")[0] \
        == "Dorothea Wierer darf beim Antholz-Abschluss noch jubeln"

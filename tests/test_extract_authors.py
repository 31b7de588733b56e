"""Authors from the markup pages really use: bylines, author links, roles, site names."""
from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from extract.authors import clean_authors, pick_authors
from extract.structured import read_json_ld, read_meta

SITE = '<meta property="og:site_name" content="Acme Blog">'


def authors_of(head: str, body: str, fallback: str | None = None, url: str = "https://acme.example/post/1"):
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    authors, origin, _agreed = pick_authors(tree, read_meta(tree), read_json_ld(tree), lambda: fallback, url)
    return authors, origin


BYLINES = [
    ('<header><h1>Headline</h1><p class="meta">By Amy Wilhelm</p></header><p>Text.</p>', ["Amy Wilhelm"]),
    ('<h1>Headline</h1><h3>Written by Cassidy Horton</h3>', ["Cassidy Horton"]),
    ('<h1>Headline</h1><div><a href="/authors/emily-walker/">Emily Walker</a></div>', ["Emily Walker"]),
    ('<h1>Headline</h1><span class="author-name">Linda Rosencrance Contributing Writer</span>', ["Linda Rosencrance"]),
    ('<h1>Headline</h1><p>By Melissa Norris Facebook Tweet Pin</p>', ["Melissa Norris"]),
    ('<h1>Headline</h1><p>By: Ziyi Xu, Dec 17, 2025</p>', ["Ziyi Xu"]),
    ('<h1>Headline</h1><p>Posted by <b>David</b> at December 16, 2025</p>', ["David"]),
    ('<h1>Headline</h1><div class="author">Ben Applebaum-Bauch ⋅ Review Editor</div>', ["Ben Applebaum-Bauch"]),
    ('<h1>Headline</h1><p><span>By</span> <a href="/x">Brian Truitt</a> Acme Blog</p>', ["Brian Truitt"]),
    ('<h1>Headline</h1><p>Text.</p><p><strong>Autor:</strong> <a href="/profil/207">Jane Roe</a><br><strong>Tags:'
     '</strong> <a href="/t/1">Feuerwehr</a>, <a href="/t/2">Fahrzeuge der Nachkriegszeit</a>, <a href="/t/3">Büssing'
     '</a>, <a href="/t/4">Braunschweig</a>, <a href="/t/5">Haubenfahrzeuge</a>, <a href="/t/6">Leipzig</a></p>',
     ["Jane Roe"]),
]


def test_links_to_other_sites_and_link_labels_are_not_authors():
    body = ('<p><a href="https://bsky.app/profile/someone">Bluesky</a></p>'
            '<p><a href="/author/jane-doe">Learn More</a></p><p><a href="/people/x">Myhrvold...</a></p>')
    assert authors_of(SITE, body) == ([], None)


def test_bylines_in_navigation_and_footers_are_ignored():
    body = '<nav><p>By Category</p></nav><footer><a href="/author/admin">Site Admin</a></footer><p>Text.</p>'
    assert authors_of(SITE, body) == ([], None)


def test_an_outlet_declared_as_author_is_kept_but_a_person_wins():
    ld = '<script type="application/ld+json">{"@type": "BlogPosting", "author": {"@type": "Organization", "name": "Acme Blog"}}</script>'
    assert authors_of(SITE + ld, "<h1>Headline</h1>") == (["Acme Blog"], "json-ld")
    assert authors_of(SITE + ld, "<h1>Headline</h1><p>By Tracy Parker</p>") == (["Tracy Parker"], "byline")


def test_a_guess_that_is_only_the_site_name_is_dropped():
    assert authors_of(SITE, "<p>Text.</p>", fallback="Acme Blog") == ([], None)
    assert authors_of(SITE, "<p>Text.</p>", fallback="Jane Roe") == (["Jane Roe"], "trafilatura")


# -- published dates ---------------------------------------------------------


MORE_BYLINES = [
    # an article's own <footer> holds the byline in many WordPress themes
    ('<article><h1>Headline</h1><p>Text.</p><footer class="entry-footer"><p>Posted By: <a>Kiersten</a></p></footer></article>',
     ["Kiersten"]),
    # a class naming the author in camel case, its first line a date
    ('<h1>Headline</h1><div class="styles_dateAndAuthorContainer"><span>Dec 17, 2025</span><span>Julian K. Arni</span></div>',
     ["Julian K. Arni"]),
    # an author box: the name above a bio
    ('<h1>Headline</h1><div class="blog_author-box"><div>Lauren Vetter</div>'
     '<p>Lauren Vetter is a growth-focused marketing professional specializing in healthcare technology.</p></div>',
     ["Lauren Vetter"]),
    # author links with nothing between them
    ('<h1>Headline</h1><p>Written by: <a href="/authors/emily-walker/">Emily Walker</a>'
     '<a href="/authors/casey-mcdevitt/">Casey McDevitt</a></p>', ["Emily Walker", "Casey McDevitt"]),
    ('<h1>Headline</h1><div class="tags">Contributors: Janet Loughrey</div>', ["Janet Loughrey"]),
    ('<h1>Headline</h1><p>By Tom May</p>', ["Tom May"]),  # a month that is a name
    ('<h1>Headline</h1><p>By Tom Price May 5, 2025</p>', ["Tom Price"]),
    ('<h1>Headline</h1><div class="publish-date-author">Dec. 19, 2025 · Niko Matsakis on behalf of Vision Doc group</div>',
     ["Niko Matsakis"]),
    ('<h1>Headline</h1><h4 class="author-name">The Currency editors</h4>', ["The Currency editors"]),
]


def test_a_section_in_the_byline_is_not_an_author():
    body = ('<h1>Headline</h1><section class="byline"><span>March 20, 2023</span> | '
            '<span class="byline__category">Wellness &amp; Prevention</span></section>')
    assert authors_of(SITE, body) == ([], None)


def test_a_tag_in_a_byline_of_another_post_is_not_an_author():
    body = ('<h1>Headline</h1><div class="byline"><span class="byline__tag">Personal finance</span> '
            '<span class="byline__date">January 27, 2025</span></div>'
            '<div class="card"><div class="byline"><span class="byline__tag">Lifestyle</span></div></div>')
    assert authors_of(SITE, body) == ([], None)


def test_avatar_initials_before_a_name_are_dropped():
    assert clean_authors(["CM Craig McCarthy", "JD Jane Doe", "AJ Neal"]) == ["Craig McCarthy", "Jane Doe", "AJ Neal"]


def test_a_commenter_is_not_the_author():
    body = ('<h1>Headline</h1><p>Text.</p><div class="comments"><div class="comment-author vcard">'
            '<span>Andre Alexis</span> says:</div></div>')
    assert authors_of(SITE, body) == ([], None)


POST_AUTHOR_REPLY = ('<ol class="comment-list"><li class="comment byuser comment-author-kherr bypostauthor">'
                     '<div class="comment-author vcard"><img class="avatar" src="a.png"><b class="fn">Karoline Herr</b>'
                     ' <span class="says">sagt:</span></div><p>Danke!</p><ol class="children">'
                     '<li class="comment"><div class="comment-author vcard"><b class="fn">Rita Roe</b></div></li>'
                     '</ol></li></ol>')


def test_the_post_authors_own_reply_names_the_author_of_an_unsigned_post():
    body = '<h1>Headline</h1><p>Text.</p>' + POST_AUTHOR_REPLY
    assert authors_of(SITE, body, fallback="Sagt Danke") == (["Karoline Herr"], "byline")


def test_a_post_authors_reply_does_not_overrule_a_byline_and_a_reply_under_it_is_not_theirs():
    body = '<h1>Headline</h1><p class="byline">By Amy Wilhelm</p><p>Text.</p>' + POST_AUTHOR_REPLY
    assert authors_of(SITE, body) == (["Amy Wilhelm"], "byline")
    admin = POST_AUTHOR_REPLY.replace("Karoline Herr", "admin")  # not a name: the reply nested under it is no one's byline
    assert authors_of(SITE, '<h1>Headline</h1><p>Text.</p>' + admin) == ([], None)


def test_a_byline_that_holds_no_name_does_not_end_the_search():
    body = ('<h1>Headline</h1><div class="post-author-text">August 28, 2025</div>'
            '<div class="author-box"><h4>Bence Kovacs</h4><p>Bence is a software developer.</p></div>')
    assert authors_of(SITE, body) == (["Bence Kovacs"], "byline")


def test_an_author_link_wins_over_an_author_label_in_the_text():
    body = ('<h1>Headline</h1><p><a href="/blog/author/spencer-mcintyre/">Spencer McIntyre</a></p>'
            '<h2>New module</h2><p>Author: Tarek Nakkouch</p>')
    assert authors_of(SITE, body) == (["Spencer McIntyre"], "byline")


def test_an_author_element_holding_a_label_does_not_hide_the_by_line():
    body = '<h1>Headline</h1><a rel="author" href="/about">Learn More</a><p>By Jane Roe</p>'
    assert authors_of(SITE, body) == (["Jane Roe"], "byline")


def test_a_user_handle_or_an_organisation_declared_as_author_gives_way_to_a_named_person():
    handle = '<meta name="author" content="andrew.keaveney">'
    assert authors_of(SITE + handle, "<h1>Headline</h1>") == (["andrew.keaveney"], "meta")
    assert authors_of(SITE + handle, '<h1>Headline</h1><span class="author_name">Denise Everheart</span>') \
        == (["Denise Everheart"], "byline")
    company = ('<script type="application/ld+json">{"@type": "BlogPosting", '
               '"author": {"@type": "Organization", "name": "Levitate Media"}}</script>')
    assert authors_of(SITE + company, "<h1>Headline</h1>") == (["Levitate Media"], "json-ld")
    assert authors_of(SITE + company, '<h1>Headline</h1><p>By Liza Burke</p>') == (["Liza Burke"], "byline")


def test_a_month_left_of_a_date_is_not_a_name():
    assert clean_authors(["Dec", "May.", "Tom May"]) == ["Tom May"]


# -- titles ------------------------------------------------------------------


DATELINES_AND_BY_LABELS = [
    ('<h1>Headline</h1><div><time datetime="2017-03-01">03/01/2017</time> by Agatha Caleo, Candidate Representative '
     'to the Candidate Liaison Committee</div>', ["Agatha Caleo"]),
    ('<h1>Headline</h1><div><i>Last updated March  3, 2025 by <a href="https://erik.example/">Erik Demaine</a>.</i></div>',
     ["Erik Demaine"]),
    ('<h1>Headline</h1><article><footer><p>Posted by Colin Watson on 2025-12-18 in debusine. '
     'Tags: debusine, freexian, planet-debian.</p></footer></article>', ["Colin Watson"]),
    ('<h1>Headline</h1><div><div>Written by</div><div>Jack Shepherd</div><div>Hi! I am Jack, co-founder of the agency '
     'and I write about marketing.</div></div>', ["Jack Shepherd"]),
    ('<h1>Headline</h1><div><h2>Article by</h2><div>Matias Heikkilä</div><div><button>Let\'s talk</button></div></div>',
     ["Matias Heikkilä"]),
    ('<h1>Headline</h1><div>Written by: <div><img src="a.jpg"></div><span>Elise Nass</span></div>', ["Elise Nass"]),
]


WRITTEN_BY_ROLES_AND_AVATAR_LINKS = [
    ('<h1>Headline</h1><p><em>This post was written by Danielle Padula, Head of Marketing and Community Development</em></p>',
     ["Danielle Padula"]),
    ('<h1>Headline</h1><p><em>This post was written by Vanessa Mendez, MD, gastroenterologist, Parkview Health.</em></p>',
     ["Vanessa Mendez"]),
    ('<h1>Headline</h1><div><a href="https://acme.example/blog/authors/emmanuel-oyibo" aria-label="Emmanuel Oyibo">'
     '<img src="e.jpg"></a></div>', ["Emmanuel Oyibo"]),
    ('<h1>Headline</h1><div><a href="/authors/jane-roe"><img src="j.jpg" alt="Jane Roe"></a></div>', ["Jane Roe"]),
    ('<h1>Headline</h1><div><p>Elliot Raba</p><p>Sales Executive</p><button>All articles by Elliot Raba</button></div>',
     ["Elliot Raba"]),
]


@pytest.mark.parametrize("body, expected", BYLINES + MORE_BYLINES + DATELINES_AND_BY_LABELS
                         + WRITTEN_BY_ROLES_AND_AVATAR_LINKS)
def test_visible_bylines(body, expected):
    assert authors_of(SITE, body) == (expected, "byline")


def test_an_avatar_link_to_another_site_is_not_an_author():
    body = '<h1>Headline</h1><div><a href="https://social.example/authors/jane-roe" aria-label="Jane Roe"><img></a></div>'
    assert authors_of(SITE, body) == ([], None)


def test_the_author_a_twitter_card_names():
    head = '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Nawaz Dhandala">'
    assert authors_of(SITE + head, "<h1>Headline</h1>") == (["Nawaz Dhandala"], "meta")
    head += '<meta name="author" content="Jay Berstein">'
    assert authors_of(SITE + head, "<h1>Headline</h1>") == (["Jay Berstein"], "meta")


def test_a_job_title_after_a_declared_name_is_not_another_author():
    assert clean_authors(["Mayank Gupta, CEO of CaseBasix"]) == ["Mayank Gupta"]
    assert clean_authors(["Matt Check Head Winemaker"]) == ["Matt Check"]


def test_a_navigation_or_sidebar_left_unclosed_around_the_article_does_not_hide_its_byline():
    text = "The article's first paragraph, long enough to be text rather than a menu's blurb. " * 4
    for wrapper in ("nav", "aside"):
        body = (f'<{wrapper}><a href="/">Home</a><main><h1>Headline</h1><p>By Jane Roe</p><p>{text}</p></main>'
                f'</{wrapper}>')
        assert authors_of(SITE, body) == (["Jane Roe"], "byline")
    logo = '<nav><h1><a href="/">Acme Blog</a></h1><a href="/author/jane-roe">Jane Roe</a></nav><h2>Headline</h2>'
    assert authors_of(SITE, logo) == ([], None)


def test_an_author_heading_names_the_author_in_the_next_element():
    body = '<h1>Headline</h1><div><h4>Author</h4><p>Lisa D. Ellis</p></div><p>Text.</p>'
    assert authors_of(SITE, body) == (["Lisa D. Ellis"], "byline")
    body = ('<article><h1>Headline</h1><aside class="meta"><h3>Author(s)</h3><p>Lisa D. Ellis</p></aside>'
            '<p>Text.</p></article>')
    assert authors_of(SITE, body) == (["Lisa D. Ellis"], "byline")


def test_an_inline_authors_label_heads_a_line_of_several_names():
    body = ('<h1>Headline</h1><div><span>Authors:</span><a href="/find?q=Lee">Ann Lee</a>, '
            '<a href="/find?q=Stone">Bob Stone</a></div>')
    assert authors_of(SITE, body) == (["Ann Lee", "Bob Stone"], "byline")


def test_the_outlet_after_a_slash_is_not_part_of_the_name():
    assert authors_of(SITE, "<h1>Headline</h1><p>By Laura / House Plant House</p>") == (["Laura"], "byline")


def test_an_admin_account_declared_as_author_gives_way_to_a_named_person():
    admin = '<meta name="author" content="NOC Admin">'
    assert authors_of(SITE + admin, "<h1>Headline</h1>") == (["NOC Admin"], "meta")
    assert authors_of(SITE + admin, "<h1>Headline</h1><p>By David Gracey</p>") == (["David Gracey"], "byline")


def test_a_declared_name_may_be_written_in_lower_case():
    assert authors_of(SITE + '<meta itemprop="author" content="annette thurmon">', "<h1>Headline</h1>") \
        == (["annette thurmon"], "meta")
    assert authors_of(SITE, '<h1>Headline</h1><p class="author">view the archive</p>') == ([], None)


def test_a_json_ld_author_may_write_a_word_of_their_name_in_lower_case_but_a_meta_phrase_is_not_a_name():
    person = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Headline",'
              ' "author": {"@type": "Person", "name": "Mobasir hassan"}}</script>')
    assert authors_of(SITE + person, "<h1>Headline</h1>") == (["Mobasir hassan"], "json-ld")
    assert authors_of(SITE + '<meta name="author" content="Fuchsy designed">', "<h1>Headline</h1>") == ([], None)


def test_an_organisation_declared_as_author_may_have_a_long_name():
    ld = ('<script type="application/ld+json">{"@type": "Article", "author": {"@type": "Organization", '
          '"name": "Center for Drug Evaluation and Research"}}</script>')
    assert authors_of(SITE + ld, "<h1>Headline</h1>") == (["Center for Drug Evaluation and Research"], "json-ld")


def test_a_portrait_followed_by_the_same_name_is_the_author():
    body = ('<h1>Headline</h1><div><span>2025-12-17</span> · <a title="Trond Teigen">'
            '<img class="rounded-full" src="t.png" alt="Trond Teigen"><div>Trond Teigen</div></a></div>')
    assert authors_of(SITE, body) == (["Trond Teigen"], "byline")
    card = '<h1>Headline</h1><div class="card"><img src="c.png" alt="Cloud Storage"><h3>Cloud Storage</h3></div>'
    assert authors_of(SITE, card) == ([], None)
    photo = ('<h1>Headline</h1><figure><img class="rounded" src="p.jpg" alt="Jane Roe">'
             '<figcaption>Jane Roe</figcaption></figure>')
    assert authors_of(SITE, photo) == ([], None)
    for picture_class, title in (("widgets-list-layout-blavatar", "Keeping Bees Safely"),
                                 ("rounded-lg", "Keeping Bees Safely"), ("avatar", "Is Cupping Painful?")):
        related = (f'<h1>Headline</h1><div><img class="{picture_class}" src="t.jpg" alt="{title}">'
                   f'<a href="/posts/2">{title}</a></div>')
        assert authors_of(SITE, related) == ([], None)


def test_the_name_after_an_avatar_without_alt_text_is_the_author():
    body = ('<h1>Headline</h1><p>Dec 26, 2025 • <img class="avatar avatar-32" src="g.png"> Mahua Das in '
            '<a href="/blog/pm">Project Management</a></p>')
    assert authors_of(SITE, body) == (["Mahua Das"], "byline")


def test_a_number_is_kept_only_in_a_declared_outlet_name():
    assert authors_of(SITE + '<meta name="author" content="98 Buck Social">', "<h1>Headline</h1>") \
        == (["98 Buck Social"], "meta")
    assert authors_of(SITE + '<meta name="author" content="editor_2">', "<h1>Headline</h1>") == ([], None)
    assert authors_of(SITE, "<h1>Headline</h1><p>By 3 Minute Read</p>") == ([], None)


def test_an_author_box_name_may_be_in_lower_case_but_not_a_single_word():
    box = ('<h1>Headline</h1><div class="elementor-author-box"><a href="/author/crazylennys/">'
           '<h4 class="elementor-author-box__name">crazy lennys</h4></a></div>')
    assert authors_of(SITE, box) == (["crazy lennys"], "byline")
    section = '<h1>Headline</h1><div class="author-box"><span class="category-name">lifestyle</span></div>'
    assert authors_of(SITE, section) == ([], None)


def test_a_sidebar_panel_labelled_author_names_the_author_but_a_sidebar_by_line_does_not():
    panel = ('<h1>Headline</h1><p>Text.</p><aside class="sidebar"><h6>Author(s)</h6><ul>'
             '<li><a href="/library/?_author=John%20A.%20Alic">John A. Alic</a></li>'
             '<li><a href="/library/?_author=Edward%20S.%20Rubin">Edward S. Rubin</a></li></ul></aside>')
    assert authors_of(SITE, panel) == (["John A. Alic", "Edward S. Rubin"], "byline")
    assert authors_of(SITE, "<h1>Headline</h1><p>Text.</p><aside><p>By Jane Roe</p></aside>") == ([], None)


def test_a_link_label_to_the_authors_page_or_their_description_is_not_a_name():
    link = '<h1>Headline</h1><div><a href="/blog/authors/juliette-carreiro">Articles by Juliette</a></div>'
    assert authors_of(SITE, link) == ([], None)
    description = ('<h1>Headline</h1><div class="dynamic-author-description">Licensed Q Arabica Grader, '
                   'M.A. Journalism</div>')
    assert authors_of(SITE, description) == ([], None)


def test_a_portrait_may_name_its_writer_by_first_name_only():
    body = ('<h1>Headline</h1><p>Text.</p><div class="rounded-full"><img src="s.jpg" alt="Stefan"></div>'
            '<h3>Stefan</h3><p>Stefan is the founder of Acme.</p>')
    assert authors_of(SITE, body) == (["Stefan"], "byline")
    related = '<h1>Headline</h1><p><img class="blavatar" src="b.png"> Keeping Bees in <a>Gardening</a></p>'
    assert authors_of(SITE, related) == ([], None)


# -- other languages, wire services, agreement -----------------------------------


BYLINES_IN_OTHER_LANGUAGES = [
    ('<h1>Überschrift</h1><p><i>von Daniela Obers</i></p><p>Text.</p>', ["Daniela Obers"]),
    ('<h1>Überschrift</h1><p>Text von Christian Seiler</p>', ["Christian Seiler"]),
    ('<h1>Titre</h1><div><span>Par Matthieu Hy le 07 mai 2020</span></div>', ["Matthieu Hy"]),
    ('<h1>Título</h1><p><em>Por Williams Perdomo</em></p>', ["Williams Perdomo"]),
    ('<h1>Titolo</h1><p>di Mario Bianchi</p>', ["Mario Bianchi"]),
    ('<h1>Kop</h1><p>Door Jan de Vries</p>', ["Jan de Vries"]),
    ('<h1>Rubrik</h1><p>Av Anna Berg</p>', ["Anna Berg"]),
    ('<h1>Überschrift</h1><p>Autorin: Jana Roe</p>', ["Jana Roe"]),
    ('<h1>Überschrift</h1><div>Ein Artikel von Pamela Sladky | 27.01.2022 - 12:45</div>', ["Pamela Sladky"]),
    ('<h1>Überschrift</h1><div>06.11.2023 13:30 von Olga Berg</div>', ["Olga Berg"]),
    ('<h1>Überschrift</h1><p>Von Felix Schröder und Jörg Soldwisch</p>', ["Felix Schröder", "Jörg Soldwisch"]),
]


@pytest.mark.parametrize("body, expected", BYLINES_IN_OTHER_LANGUAGES)
def test_bylines_in_other_languages(body, expected):
    assert authors_of(SITE, body) == (expected, "byline")


def test_a_weekday_or_an_italian_surname_is_not_read_as_a_byline_word():
    assert authors_of(SITE, "<h1>Angebot</h1><p><strong>von Montag, den 1. Mai bis Sonntag</strong></p>") == ([], None)
    assert clean_authors(["Di Maio"]) == ["Di Maio"]


def test_names_joined_in_other_languages_are_several_authors():
    meta = '<meta name="author" content="Felix Schröder und Jörg Soldwisch">'
    assert authors_of(SITE + meta, "<h1>Überschrift</h1>") == (["Felix Schröder", "Jörg Soldwisch"], "meta")
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Ana Ruiz y Luis Gil"}</script>'
    assert authors_of(SITE + ld, "<h1>Título</h1>") == (["Ana Ruiz", "Luis Gil"], "json-ld")
    assert clean_authors(["Bund der Energieverbraucher e.V."], declared=True) == ["Bund der Energieverbraucher e.V."]


def test_a_wire_service_is_the_author_only_when_no_person_is_named():
    assert authors_of(SITE, "<h1>Überschrift</h1><p>Von dpa</p>") == (["dpa"], "byline")
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": "The Associated Press"}</script>'
    assert authors_of(SITE + ld, "<h1>Headline</h1>") == (["The Associated Press"], "json-ld")
    assert authors_of(SITE + ld, "<h1>Headline</h1><p>By Jane Roe</p>") == (["Jane Roe"], "byline")


def test_a_comment_signed_par_is_not_the_byline():
    body = ('<h1>Titre</h1><div class="comment-wrapper"><div><b>Par Bruno Gobin,</b> le 3 mai</div></div>'
            '<div class="signature"><span>Par Emmanuelle Ducros</span></div>')
    assert authors_of(SITE, body) == (["Emmanuelle Ducros"], "byline")


def test_dublin_core_names_surname_first():
    assert authors_of(SITE + '<meta name="dc.creator" content="Brazil, Rachel">', "<h1>Headline</h1>") \
        == (["Rachel Brazil"], "meta")


def test_a_writers_initials_after_the_name_are_dropped():
    assert clean_authors(["Elena Oberholzer (obe)", "Corina Gall (cog.)"], declared=True) \
        == ["Elena Oberholzer", "Corina Gall"]


def test_a_name_set_apart_first_or_last_in_the_body_signs_the_article():
    text = "<p>" + "A paragraph of the story, long enough to count as its body. " * 5 + "</p>"
    signed_first = f"<h1>Headline</h1><div><p><strong>Mohloai Mpesi</strong></p>{text * 3}</div>"
    assert authors_of(SITE, signed_first) == (["Mohloai Mpesi"], "byline")
    signed_last = f'<h1>Tiêu đề</h1><article>{text * 3}<p style="text-align:right;"><b>Lê Phương</b></p></article>'
    assert authors_of(SITE, signed_last) == (["Lê Phương"], "byline")
    heading = f"<h1>Headline</h1><div>{text * 3}<p>Final thoughts on the matter</p></div>"
    assert authors_of(SITE, heading) == ([], None)


def test_a_signature_may_follow_a_standfirst_but_a_name_the_story_mentions_signs_nothing():
    text = "<p>" + "A paragraph of the story, long enough to count as its body. " * 5 + "</p>"
    standfirst = "<p>…as communities cry foul over lost livelihoods</p><p>…accuse chiefs of taking bribes</p>"
    signed = f"<h1>Headline</h1><div>{standfirst}<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>{text * 3}</div>"
    assert authors_of(SITE, signed) == (["Mathatisi Sebusi", "Mohalenyane Phakela"], "byline")
    product = ("<p>" + "Our new harness, the Alp Race Gurtzeug, weighs only 100 grams and fits every racer. " * 3
               + "</p>")
    bold_subject = f"<h1>Headline</h1><div>{text}{product}<p><strong>Alp Race Gurtzeug</strong></p>{text * 3}</div>"
    assert authors_of(SITE, bold_subject) == ([], None)


def test_the_author_an_analytics_tag_declares_wins_over_the_outlet():
    head = SITE + ('<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Organization",'
                   ' "name": "Acme Blog"}}</script><meta name="cXenseParse:author" content="松岡大地">')
    assert authors_of(head, "<h1>見出し</h1><p>本文</p>") == (["松岡大地"], "meta")


def test_the_cms_admin_account_shown_as_byline_gives_way_to_a_signature():
    text = "<p>" + "A paragraph of the story, long enough to count as its body. " * 5 + "</p>"
    head = SITE + ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
                   '{"@id": "https://acme.example/author/admin/", "name": "Ilanga D"}}</script>')
    body = (f'<h1>Headline</h1><div class="author-box">Ilanga D</div>'
            f'<div><p><strong>MTHOBISI SITHOLE</strong></p>{text * 3}</div>')
    assert authors_of(head, body) == (["MTHOBISI SITHOLE"], "byline")
    assert authors_of(head, f'<h1>Headline</h1><div class="author-box">Ilanga D</div><div>{text * 3}</div>') \
        == (["Ilanga D"], "json-ld")


def test_a_wire_service_with_the_place_it_filed_from_stands_in_for_a_person():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
            '[{"@type": "Person", "name": "Guardian staff reporter"}]}</script>'
            '<meta property="og:site_name" content="Guardian">'
            '<meta property="article:author" content="Associated Press in Valencia">')
    assert authors_of(head, "<h1>Headline</h1><p>Text.</p>") == (["Guardian staff reporter"], "json-ld")


def test_a_button_named_for_the_author_is_no_byline():
    body = ('<h1>Überschrift</h1><p>Text.</p><div class="followContainer">'
            '<button class="followAuthorBtn" type="button">Abbruch</button></div>')
    assert authors_of(SITE, body) == ([], None)


def test_a_signature_wins_over_metadata_that_names_only_the_outlet():
    text = "<p>" + "A paragraph of the story, long enough to count as its body. " * 5 + "</p>"
    head = SITE + ('<script type="application/ld+json">{"@type": "NewsArticle", '
                   '"author": {"@type": "Organization", "name": "Acme Blog"}}</script>')
    signed = f"<h1>Headline</h1><div><p><strong>Mohloai Mpesi</strong></p>{text * 3}</div>"
    assert authors_of(head, signed) == (["Mohloai Mpesi"], "byline")
    assert authors_of(head, f"<h1>Headline</h1><div>{text * 3}</div>") == (["Acme Blog"], "json-ld")


def test_a_byline_the_metadata_agrees_with_wins_over_an_earlier_teaser():
    head = SITE + '<meta name="article:author" content="gabor_munier">'
    body = ('<h1>Überschrift</h1><ul><li><div>Von Cara Lyn</div></li></ul>'
            '<header><span>Autor: Gàbor Muniér</span></header><p>Text.</p>')
    tree = load_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert pick_authors(tree, read_meta(tree), read_json_ld(tree)) == (["Gàbor Muniér"], "byline", ("meta",))


def test_the_sources_that_agree_with_the_chosen_authors():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Roe"}}</script>'
    tree = load_html(f'<html><head>{ld}<meta name="author" content="Jane Roe"></head><body><p>x</p></body></html>')
    assert pick_authors(tree, read_meta(tree), read_json_ld(tree)) == (["Jane Roe"], "json-ld", ("meta",))
    tree = load_html(f'<html><head>{ld}<meta name="author" content="Tom Poe"></head><body><p>x</p></body></html>')
    assert pick_authors(tree, read_meta(tree), read_json_ld(tree)) == (["Jane Roe"], "json-ld", ())


def test_a_label_standing_alone_needs_no_colon():
    body = '<h1>Überschrift</h1><ul><li>Datum 28.04.2023</li><li><b>Autorin/Autor</b> Roman Goncharenko</li></ul>'
    assert authors_of(SITE, body) == (["Roman Goncharenko"], "byline")


def test_labels_and_job_titles_in_other_languages_are_not_names():
    assert clean_authors(["Eingestellt von", "Veröffentlicht", "Publié par", "Rezept von", "More Posts",
                          "About the Author"]) == []
    assert clean_authors(["Christoph Hein Chefredakteur", "Interview Julia Lauter", "Alles von Martin Junker"]) \
        == ["Christoph Hein", "Julia Lauter", "Martin Junker"]


def test_a_first_name_or_handle_in_the_metadata_is_written_out_by_the_byline():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Todd"}}</script>'
    tree = load_html(f'<html><head>{SITE}{ld}</head><body><h1>Headline</h1><p>By Todd Bates</p></body></html>')
    assert pick_authors(tree, read_meta(tree), read_json_ld(tree)) == (["Todd Bates"], "byline", ("json-ld",))
    handle = '<meta name="author" content="arianschlichenmayer">'
    assert authors_of(SITE + handle, '<h1>Titel</h1><p>Von Arian Schlichenmayer</p>') \
        == (["Arian Schlichenmayer"], "byline")


def test_a_full_name_beside_the_date_by_the_headline():
    assert authors_of(SITE, "<h1>Variablen</h1><div>11.12.2019 - Amelie Loevenich</div><p>Text.</p>") \
        == (["Amelie Loevenich"], "byline")
    assert authors_of(SITE, "<h1>Noticia</h1><p>Por último | 12.03.2020</p><p>Texto.</p>") == ([], None)
    assert authors_of(SITE, "<h1>Headline</h1><nav>Privacy Policy | 2024</nav><p>Read our privacy policy.</p>") \
        == ([], None)
    assert authors_of(SITE, "<h1>Headline</h1><div>Home | World News | Europe</div><p>Text.</p>") == ([], None)
    assert authors_of(SITE, "<h1>Headline</h1><div>New York, 12.03.2020</div><p>Text.</p>") == ([], None)


def test_a_name_after_a_label_as_bare_text_a_handle_after_a_name_and_names_split_at_a_slash():
    body = '<h1>Überschrift</h1><div><h5>Datum:</h5>03.11.2021<br><h5>Autor:</h5>Peter Maahn/SP-X</div>'
    assert authors_of(SITE, body) == (["Peter Maahn", "SP-X"], "byline")
    assert clean_authors(["Williams Perdomo @wperdomod"], declared=True) == ["Williams Perdomo"]


def test_a_recipe_names_its_author_but_its_name_is_the_dish_not_the_headline():
    recipe = ('<script type="application/ld+json">{"@type": "Recipe", "name": "Mandarinen-Schmand-Kuchen",'
              ' "author": {"@type": "Person", "name": "jesusfreak"}, "datePublished": "2019-10-01"}</script>')
    tree = load_html(f"<html><head>{recipe}</head><body><h1>Kuchen vom Blech</h1></body></html>")
    ld = read_json_ld(tree)
    assert (ld.authors, ld.headline, ld.published) == (["jesusfreak"], None, "2019-10-01")
    assert pick_authors(tree, read_meta(tree), ld)[:2] == (["jesusfreak"], "json-ld")


def test_a_one_word_author_is_written_out_by_their_json_ld_profile():
    graph = ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "author": {"@id": "#nils"}},'
             ' {"@type": "Person", "@id": "#nils", "name": "Nils",'
             ' "description": "Nils Pickert ist freier Autor und Journalist."}]}</script>')
    assert authors_of(SITE + '<meta name="author" content="Nils">' + graph, "<h1>Headline</h1>") \
        == (["Nils Pickert"], "meta")
    unrelated = graph.replace("Nils Pickert ist", "Er ist")  # a description that does not begin with the name
    assert authors_of(SITE + '<meta name="author" content="Nils">' + unrelated, "<h1>Headline</h1>") == (["Nils"], "meta")


def test_initials_before_a_named_byline_stand_in_like_a_wire_service():
    body = ('<h1>Headline</h1><p class="byline">Von JF</p><p>Text.</p>'
            '<ul><li class="post-meta--author"><a href="/author/boris-t-kaiser/">Boris T. Kaiser</a></li></ul>')
    assert authors_of(SITE, body) == (["Boris T. Kaiser"], "byline")
    assert authors_of(SITE, '<h1>Headline</h1><p class="byline">Von JF</p><p>Text.</p>') == (["JF"], "byline")


@pytest.mark.parametrize("declared", ["Hanns-Seidel-Stiftung e.V.", "Acme Media GmbH", "Die Acme Blog"])
def test_an_association_a_company_or_the_site_with_its_article_declared_as_author_gives_way_to_a_person(declared):
    head = SITE + f'<meta name="author" content="{declared}">'
    body = '<h1>Headline</h1><p>Text.</p><p class="author">Autorin: Uta Staschewski, Projektleiterin der HSS in Tunesien.</p>'
    assert authors_of(head, body) == (["Uta Staschewski"], "byline")
    assert authors_of(head, "<h1>Headline</h1><p>Text.</p>") == ([declared], "meta")


def test_an_author_tag_repeated_for_each_author_names_them_all_and_nested_items_do_not():
    creators = "".join(f'<meta name="dc.creator" content="{name}">'
                       for name in ("You, Xiaoying", "Lenharo, Mariana", "Basu, Mohana"))
    assert authors_of(creators, "<h1>Headline</h1><p>Text.</p>") == (
        ["Xiaoying You", "Mariana Lenharo", "Mohana Basu"], "meta")
    # itemprop metas in the body describe nested items (the works an article cites, a photo): the first only
    cited = '<meta itemprop="author" content="Jane Roe"><meta itemprop="author" content="H. Peyriere, ">'
    assert authors_of("", f"<h1>Headline</h1><p>Text.</p>{cited}") == (["Jane Roe"], "meta")


def test_a_name_is_given_once_whole_without_quotes_marks_or_a_job_after_it():
    assert clean_authors(['"David Kim"', 'Paul "Bear" Bryant', "The Pennsylvania State University ©"],
                         declared=True) == ["David Kim", 'Paul "Bear" Bryant', "The Pennsylvania State University"]
    # a profile's slug beside the name it stands for, whichever comes first; names in other scripts stay apart
    assert clean_authors(["Sophie Foster", "sophie-foster"], declared=True) == ["Sophie Foster"]
    assert clean_authors(["sophie-foster", "Sophie Foster"], declared=True) == ["Sophie Foster"]
    assert clean_authors(["배윤경", "이상현", "Ярослав Кузишин", "Антон Зелинский"], declared=True) == [
        "배윤경", "이상현", "Ярослав Кузишин", "Антон Зелинский"]
    assert clean_authors(["신현주 기자", "Jane Doe Chefredakteurin"], declared=True) == ["신현주", "Jane Doe"]
    assert clean_authors(["Emma Mackenzie", "iStockphoto)"], declared=True) == ["Emma Mackenzie"]


def test_degrees_after_a_name_and_a_templates_placeholders_are_no_authors():
    assert clean_authors(["Jillian Kubala", "MS", "RD", "Shelby Loos", "DVM", "Molly Price"], declared=True) == [
        "Jillian Kubala", "Shelby Loos", "Molly Price"]
    assert clean_authors(["Grant Tinsley", "Ph.D."], declared=True) == ["Grant Tinsley"]
    # an agency or a newsroom after a name is a credit of its own; initials alone may be the writer's
    assert clean_authors(["Adam Vidler", "AP"], declared=True) == ["Adam Vidler", "AP"]
    assert clean_authors(["MD"], declared=True) == ["MD"]
    for placeholder in ("undefined", "publisher", "No Author", "Unbenannt", "anónimo", "DATE"):
        assert clean_authors([placeholder], declared=True) == [], placeholder
    assert authors_of(SITE, '<h1>Stir Fry</h1><p>Text.</p><span class="recipe-card-author">Recipe by Jane Roe</span>') \
        == (["Jane Roe"], "byline")

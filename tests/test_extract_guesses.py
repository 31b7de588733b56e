"""trafilatura's metadata guesses, made only when a field picker asks for one."""
from __future__ import annotations

from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from extract.authors import pick_authors
from extract.guesses import TrafilaturaGuesses
from extract.structured import read_json_ld, read_meta

PAGES = [
    "<html><head><title>Port to be rebuilt - Port News</title><meta name='description' content='  The council "
    "voted.  '></head><body><h1>Port to be rebuilt</h1><p class='author'>Jane Doe</p><p>Text.</p></body></html>",
    "<html><head><meta name='author' content='jdoe'><meta property='og:title' content='Ferries &amp; quays'>"
    "</head><body><p>By <a rel='author' href='/a/john-roe'>John Roe</a></p><p>Text.</p></body></html>",
]


def test_the_guesses_are_trafilaturas_own_metadata():
    for page in PAGES:
        expected = extract_metadata(load_html(page))
        guesses = TrafilaturaGuesses(load_html(page))
        assert (guesses.title, guesses.author, guesses.description) == \
            (expected.title, expected.author, expected.description)
        assert guesses.title and guesses.author


def test_trafilaturas_author_is_asked_for_only_when_the_page_names_nobody():
    asked = []

    def guess():
        asked.append(True)
        return "Mary Major"

    named = load_html("<html><head><meta name='author' content='Jane Doe'></head><body><p>Text.</p></body></html>")
    anonymous = load_html("<html><body><p>Text.</p></body></html>")
    assert pick_authors(named, read_meta(named), read_json_ld(named), guess) == (["Jane Doe"], "meta", ()) and not asked
    assert pick_authors(anonymous, read_meta(anonymous), read_json_ld(anonymous), guess) == (["Mary Major"], "trafilatura", ())
    assert asked == [True]

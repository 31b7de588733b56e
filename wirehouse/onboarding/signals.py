"""What a page declares itself to be, beyond its text: a video, a gallery or a profile page can
carry article-length text (a transcript, captions, a biography with teasers), and the extractor
rightly keeps such text. Onboarding asks these language-independent signals whether a URL family
is one the entry should take; extraction itself is unchanged."""
from __future__ import annotations

from lxml import html as lxml_html

from extract.structured import ARTICLE_TYPES, declared_types, read_meta

# og:type families that are not articles (https://ogp.me/#types)
_OG_NOT_ARTICLE = ("video", "music", "profile", "book")
_LD_NOT_ARTICLE = {"videoobject", "imagegallery", "mediagallery", "profilepage", "collectionpage",
                   "searchresultspage"}
# A page whose text is mostly image captions is a gallery, however long the captions.
CAPTION_SHARE = 0.5


def _words(text: str) -> int:
    return len(text.split())


def not_an_article(body: bytes, text_words: int) -> str | None:
    """Why a page the extractor takes for an article declares itself something else, or None."""
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    og_type = read_meta(tree).get("og:type", "").lower()
    if og_type.startswith(_OG_NOT_ARTICLE):
        return f"og:type={og_type}"
    types = declared_types(tree)
    if types & _LD_NOT_ARTICLE and not types & ARTICLE_TYPES:
        return "JSON-LD " + ", ".join(sorted(types & _LD_NOT_ARTICLE))
    captions = sum(_words(c.text_content()) for c in tree.iter("figcaption"))
    if text_words and captions >= CAPTION_SHARE * text_words:
        return f"a gallery: {captions} of {text_words} words are image captions"
    return None

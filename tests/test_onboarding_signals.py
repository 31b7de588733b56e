"""Pages that declare themselves videos, galleries or profiles (wirehouse/onboarding/signals.py)."""
from __future__ import annotations

import json

import pytest

from wirehouse.onboarding.signals import not_an_article

TEXT = "<p>" + "The council approved the budget after a long debate on Tuesday evening. " * 20 + "</p>"


def page(main: str, og_type: str = "article", ld: dict | None = None) -> bytes:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (f'<html><head><meta property="og:type" content="{og_type}">{script}</head>'
            f"<body><main>{main}</main></body></html>").encode()


def words(main: str) -> int:
    return len(main.replace("<p>", " ").replace("</p>", " ").split())


@pytest.mark.parametrize("body, reason", [
    (page(TEXT, og_type="video.other"), "og:type=video.other"),
    (page(TEXT, og_type="profile"), "og:type=profile"),
    (page(TEXT, og_type="website", ld={"@type": "ImageGallery", "name": "Spring"}), "JSON-LD imagegallery"),
    (page(TEXT, og_type="website", ld={"@graph": [{"@type": "ProfilePage"}, {"@type": "Person"}]}),
     "JSON-LD profilepage"),
])
def test_declared_non_articles(body, reason):
    assert not_an_article(body, words(TEXT)) == reason


def test_a_gallery_is_a_page_whose_text_is_mostly_captions():
    figures = "".join(f"<figure><img src='/{n}.jpg'><figcaption>{'A crowd at the harbour at dusk. ' * 6}"
                      "</figcaption></figure>" for n in range(6))
    assert not_an_article(page(figures, og_type="website"), 6 * 36).startswith("a gallery: ")


@pytest.mark.parametrize("body", [
    page(TEXT),
    page(TEXT, og_type="website"),  # many real articles say website
    page(TEXT + "<figure><img src='/a.jpg'><figcaption>The mayor on Tuesday.</figcaption></figure>"),
    page(TEXT, ld={"@graph": [{"@type": "NewsArticle"}, {"@type": "VideoObject"}]}),  # an article with a video
    b"\x00not html",
])
def test_articles_stay_articles(body):
    assert not_an_article(body, words(TEXT)) is None

"""extract/: HTML → clean article, tested on pages built from the seed texts and on real benchmark pages."""

from __future__ import annotations

import gzip
import html as htmlmod
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import trafilatura

from extract import CleaningRules, ExtractedPage, extract_article
from extract.cleaning import clean_text
from extract.cli import extract_files
from wirehouse.config import PROJECT_ROOT, SHARED_DIR

SEEDS = PROJECT_ROOT / "seeds" / "documents"
SCRAPINGHUB = SHARED_DIR / "benchmarks" / "scrapinghub"


def word_f1(predicted: str, gold: str) -> float:
    """F1 over bags of lowercase \\w+ tokens (the WCXB metric)."""
    p = Counter(re.findall(r"\w+", predicted.lower()))
    g = Counter(re.findall(r"\w+", gold.lower()))
    overlap = sum((p & g).values())
    if not overlap:
        return 1.0 if not p and not g else 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def squash(text: str) -> str:
    return " ".join(text.split())


def seed_lines(name: str) -> list[str]:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return [squash(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- pages built from the seeds ----------------------------------------------------------


@dataclass
class SeedPage:
    """A seed text dressed up as its outlet's page, with what extraction must recover."""
    html: str
    url: str
    gold: list[str]  # the article paragraphs
    boilerplate: list[str]  # seed lines that must not come out
    title: str
    authors: list[str]
    published: datetime
    language: str
    provenance: dict[str, str] = field(default_factory=dict)


def p(lines: list[str]) -> str:
    return "\n".join(f"<p>{htmlmod.escape(line)}</p>" for line in lines)


def json_ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def nav() -> str:
    return ('<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
            '<li><a href="/politics">Politics</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>')


def split_seed(lines: list[str], boilerplate: list[str], title: str | None = None) -> list[str]:
    missing = [b for b in boilerplate if b not in lines]
    assert not missing, f"boilerplate not in seed: {missing}"
    return [line for line in lines if line not in boilerplate and line != title]


def kyiv_post() -> SeedPage:
    lines = seed_lines("000")
    related = ["Ukraine's Precipice", "Other Topics of Interest",
               "The $61-billion military aid package from the United States, if passed as expected, will allow "
               "the Armed Forces of Ukraine to bomb troops and operations behind enemy lines."]
    footer = ["To suggest a correction or clarification, write to us here",
              "You can also highlight the text and press Ctrl + Enter", "Comments (0)", "Write the first comment for this!"]
    gold = split_seed(lines, related + footer)
    title = "Ukrainian Troops Enter Kherson to Scenes of Joy"
    cut = gold.index("In one video, a column of soldiers can be seen marching triumphantly down a road, greeted by "
                     "hundreds of civilians many with balloons in the colors of the Ukrainian flag.")
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Kyiv Post</title>
<meta property="og:site_name" content="Kyiv Post"><meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<link rel="canonical" href="/post/4321">
{json_ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": "2022-11-11T15:20:00+02:00", "dateModified": "2022-11-11T18:00:00+02:00",
          "author": [{"@type": "Person", "name": "Jason Jay Smart"}],
          "publisher": {"@type": "Organization", "name": "Kyiv Post"}})}
</head><body>{nav()}<main><article><h1>{title}</h1>
<div class="post-info"><a class="author" href="/authors/1">Jason Jay Smart</a> <time>Nov. 11, 2022</time></div>
<div class="post-content">{p(gold[:cut])}
<div class="related-topics"><h3>{htmlmod.escape(related[0])}</h3><h4>{related[1]}</h4>
<ul><li><a href="/post/99"><h5>{htmlmod.escape(related[0])}</h5><p>{htmlmod.escape(related[2])}</p></a></li></ul></div>
{p(gold[cut:])}
<div class="correction"><p>{footer[0]}</p><p>{footer[1]}</p></div></div></article>
<section class="comments"><h3>{footer[2]}</h3><p>{footer[3]}</p></section></main>
<footer><p>© 2024 Kyiv Post. All rights reserved.</p></footer></body></html>"""
    return SeedPage(html, "https://www.kyivpost.com/post/4321", gold, related + footer, title,
                    ["Jason Jay Smart"], datetime(2022, 11, 11, 13, 20, tzinfo=timezone.utc), "en",
                    {"title": "json-ld", "authors": "json-ld", "published": "json-ld", "modified": "json-ld",
                     "language": "html-lang"})


def express() -> SeedPage:
    lines = seed_lines("001")
    teasers = [line for line in lines if "READ MORE:" in line or "READ NEXT:" in line]
    assert len(teasers) == 2
    gold = [re.sub(r"\s+READ (?:MORE|NEXT):.*$", "", line) for line in lines]
    boilerplate = ["READ MORE: Russia ‘weaponising’ Kherson in ‘very irresponsible’ mining tactic [REVEAL]",
                   "READ NEXT: Ukraine warned Russia will ‘wipe Kherson off the face of the earth’"]
    title = "Kherson celebrates as Ukrainian troops liberate city from Putin"
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title} | World | News | Express.co.uk</title>
<meta property="og:site_name" content="Express.co.uk"><meta property="og:locale" content="en_GB">
<meta property="og:type" content="article"><meta property="og:title" content="{title} | World | News">
<meta property="article:published_time" content="2022-11-11T13:27:00Z">
<meta name="author" content="Christopher Sharp">
</head><body>{nav()}<div class="main"><article><h1>{title}</h1>
<div class="author"><span>By</span> <a rel="author" href="/journalist/1">Christopher Sharp</a></div>
<div class="text-description">{p(lines)}</div></article>
<aside class="related"><h3>Related articles</h3><ul><li><a href="/1">Putin humiliated</a></li></ul></aside></div>
<footer><p>© Express Newspapers. All rights reserved.</p></footer></body></html>"""
    return SeedPage(html, "https://www.express.co.uk/news/world/1695360/kherson", gold, boilerplate, title,
                    ["Christopher Sharp"], datetime(2022, 11, 11, 13, 27, tzinfo=timezone.utc), "en",
                    {"title": "meta", "authors": "meta", "published": "meta", "language": "meta"})


def wordpress_aggregator() -> SeedPage:
    lines = seed_lines("002")
    captions = [lines[0], "A map showing where the city of Kherson is in relation to the Dnipro river."]
    tail = ["Source:: Business Insider", "Leave a Reply",
            "Your email address will not be published. Required fields are marked *"]
    title = "Ukraine has begun to retake a prized city after Russian occupation, another battlefield humiliation for Putin"
    truncated = "It is not clear if all of Russia’s soldiers have left, however, …read more"
    gold = split_seed(lines, captions + tail, title)
    gold[gold.index(truncated)] = "It is not clear if all of Russia’s soldiers have left, however,"
    bullets, body = gold[:3], gold[3:]
    map_at = body.index(gold[-1])
    html = f"""<!DOCTYPE html><html><head><meta charset="UTF-8">
<title>{title} &#8211; World News Hub</title>
<meta property="og:site_name" content="World News Hub"><meta property="og:type" content="article">
{json_ld({"@context": "https://schema.org", "@graph": [
    {"@type": "WebSite", "@id": "https://worldnewshub.net/#website", "name": "World News Hub"},
    {"@type": "Person", "@id": "https://worldnewshub.net/#/schema/person/1", "name": "World News Hub"},
    {"@type": "WebPage", "@id": "https://worldnewshub.net/ukraine-retake/", "name": title}]})}
</head><body class="post-template-default single">{nav()}
<div id="content"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="2022-11-11T16:05:00+00:00">November 11, 2022</time></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/admin/">View more posts</a></span></span></div></header>
<div class="entry-content"><figure><img src="/soldier.jpg" alt=""><figcaption>{htmlmod.escape(captions[0])}</figcaption></figure>
<ul>{"".join(f"<li>{htmlmod.escape(b)}</li>" for b in bullets)}</ul>
{p(body[:map_at])}
<figure><img src="/map.png" alt="map"><figcaption>{captions[1]}</figcaption></figure>
<p>{htmlmod.escape(truncated[:-len(" …read more")])} <a class="more-link" href="https://www.businessinsider.com/x">…read more</a></p>
<p>Source:: <a href="https://www.businessinsider.com">Business Insider</a></p>
<p><a href="https://www.businessinsider.com/x">{title}</a></p></div></article>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title">{tail[1]}</h3>
<form><p class="comment-notes">{tail[2]}</p><textarea name="comment"></textarea></form></div></div></div>
<footer><p>Proudly powered by WordPress</p></footer></body></html>"""
    return SeedPage(html, "https://worldnewshub.net/ukraine-retake/", gold, captions + tail, title,
                    [], datetime(2022, 11, 11, 16, 5, tzinfo=timezone.utc), "en",
                    {"title": "meta", "published": "byline", "language": "langid"})


def newsmax() -> SeedPage:
    lines = seed_lines("003")
    title = "Ukraine Celebrates as Troops Enter Kherson Following Russian Withdrawal"
    start = lines.index("Ukrainian troops on Friday celebrated the withdrawal of Russian troops from the city of Kherson, "
                        "a major victory for Kyiv.")
    end = lines.index("Information from the Associated Press was used in this report.")
    gold = lines[start:end + 1]
    boilerplate = [line for line in lines if line not in gold and line != title]
    banner, caption_at = lines[:start], lines.index(title) + 2
    footer = lines[end + 1:]
    html = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">
<title>{title} | Newsmax.com</title>
<meta property="og:site_name" content="Newsmax"><meta property="og:type" content="article">
<meta property="og:title" content="{title}"><meta property="og:url" content="https://www.newsmax.com/newsfront/ukraine-russia-kherson/2022/11/11/id/1095465/">
{json_ld({"@context": "http://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": "2022-11-11T19:29:00-05:00", "author": {"@type": "Person", "name": "Newsmax Staff"},
          "publisher": {"@type": "Organization", "name": "Newsmax"}})}
</head><body><div class="smartbanner">{"".join(f"<div>{htmlmod.escape(b)}</div>" for b in banner[:8])}</div>
<a class="skip" href="#main">{banner[8]}</a>{nav()}
<div id="main"><div class="tags">{htmlmod.escape(banner[9])}</div>
<article><h1>{title}</h1><h2 class="subhead">{title}</h2>
<figure><img src="/kyiv.jpg"><figcaption>{htmlmod.escape(lines[caption_at])}</figcaption></figure>
<div class="artByline">{htmlmod.escape(lines[caption_at + 1])}</div>
<div id="mainArticleDiv">{p(gold)}
<p>{htmlmod.escape(footer[0])}</p></div></article>
<div class="commentsLink"><a href="#comments">{htmlmod.escape(footer[1])}</a> <a class="share">{footer[2]}</a></div>
<div style="display:none" class="schema">{p(footer[3:10])}</div>
<aside class="newsletter"><form>{p(footer[10:15])}<input type="email"></form></aside>
<section class="community">{p(footer[15:19])}</section></div>
<footer>{p(footer[19:])}</footer></body></html>"""
    return SeedPage(html, "https://www.newsmax.com/newsfront/ukraine-russia-kherson/2022/11/11/id/1095465/",
                    gold, boilerplate, title, ["Newsmax Staff"], datetime(2022, 11, 12, 0, 29, tzinfo=timezone.utc), "en",
                    {"title": "json-ld", "authors": "json-ld", "published": "json-ld", "language": "html-lang"})


def huffpost() -> SeedPage:
    lines = seed_lines("004")
    title = lines[0]
    caption = "Russian invasion of Ukraine. (Photo: PA Graphics via PA Graphics/Press Association Images)"
    syndication = "This article originally appeared on HuffPost UK and has been updated."
    gold = split_seed(lines, [caption, syndication], title)
    cut = gold.index("Ukrainian officials have not confirmed the city was back in Ukrainian hands.")
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>{title} | HuffPost UK News</title>
<meta property="og:site_name" content="HuffPost UK"><meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<link rel="canonical" href="https://www.huffingtonpost.co.uk/entry/kherson-flags_uk_636e4b">
{json_ld({"@context": "https://schema.org", "@graph": [
    {"@type": "Organization", "@id": "#org", "name": "HuffPost UK"},
    {"@type": "Person", "@id": "#kate", "name": "Kate Nicholson"},
    {"@type": ["NewsArticle"], "headline": title, "datePublished": "2022-11-11T14:02:05Z",
     "author": [{"@id": "#kate"}, {"@id": "#org"}], "publisher": {"@id": "#org"}}]})}
</head><body>{nav()}<main><article><header><h1 class="headline">{title}</h1>
<div class="entry__byline">By <a href="/author/kate">Kate Nicholson</a></div></header>
<section class="entry__content-list">{p(gold[:cut])}
<figure><img src="/pa.jpg"><figcaption>{htmlmod.escape(caption)}</figcaption></figure>
<p>{htmlmod.escape(caption)}</p>
{p(gold[cut:])}<p class="syndication">{syndication}</p></section></article></main>
<footer><p>Part of HuffPost News. ©2024 BuzzFeed, Inc. All rights reserved.</p></footer></body></html>"""
    return SeedPage(html, "https://www.huffingtonpost.co.uk/entry/kherson-flags_uk_636e4b", gold,
                    [caption, syndication], title, ["Kate Nicholson"],
                    datetime(2022, 11, 11, 14, 2, 5, tzinfo=timezone.utc), "en",
                    {"title": "json-ld", "authors": "json-ld", "published": "json-ld", "language": "html-lang"})


SEED_PAGES = {"kyiv_post": kyiv_post, "express": express, "wordpress_aggregator": wordpress_aggregator,
              "newsmax": newsmax, "huffpost": huffpost}


@pytest.fixture(params=sorted(SEED_PAGES), scope="module")
def seed_page(request) -> tuple[SeedPage, ExtractedPage]:
    page = SEED_PAGES[request.param]()
    return page, extract_article(page.html.encode("utf-8"), url=page.url)


def test_seed_page_text_matches_the_article(seed_page):
    page, result = seed_page
    assert result.is_article, result.reason
    f1 = word_f1(result.text, "\n".join(page.gold))
    assert f1 >= 0.95, f"F1 {f1:.3f}\n{result.text}"


def test_seed_page_keeps_no_boilerplate_line(seed_page):
    page, result = seed_page
    paragraphs = {squash(par) for par in result.text.split("\n\n")}
    gold = set(page.gold)
    for line in page.boilerplate:
        if line in gold:  # e.g. Newsmax repeats its first paragraph as a summary in the footer
            continue
        assert line not in paragraphs, line
        if len(line.split()) >= 4:
            assert line not in result.text, line


def test_seed_page_metadata(seed_page):
    page, result = seed_page
    assert result.title == page.title
    assert result.authors == page.authors
    assert result.published == page.published
    assert result.published.tzinfo is not None
    assert result.language == page.language
    origins = {k: v for k, v in result.provenance.items() if k not in ("agreed", "confidence")}
    assert origins == page.provenance
    assert set(result.provenance["confidence"]) == set(page.provenance)
    assert "\n\n" in result.text and "\n\n\n" not in result.text
    json.dumps(result.to_json())


def test_canonical_url_is_absolute():
    result = extract_article(kyiv_post().html, url="https://www.kyivpost.com/post/4321?utm_source=x")
    assert result.canonical_url == "https://www.kyivpost.com/post/4321"
    assert newsmax().url == extract_article(newsmax().html).canonical_url


# -- cleaning rules -----------------------------------------------------------------------


def test_inline_teaser_is_cut_and_paragraph_kept():
    text = ("Reports suggest that wounded Russian troops drowned in the Dnipro River as they tried to escape. "
            "READ MORE: Russia ‘weaponising’ Kherson in ‘very irresponsible’ mining tactic [REVEAL]")
    assert clean_text(text) == "Reports suggest that wounded Russian troops drowned in the Dnipro River as they tried to escape."


def test_article_sentences_that_mention_boilerplate_words_survive():
    lines = [
        "Apple removed the app from the App Store on Friday, the company said.",
        "The council said it would read more of the submissions before deciding.",
        "She said the newsletter had been sent to every resident of the city.",
        "Copyright law was rewritten in 2019 after years of lobbying.",
        "Reports said the photos (taken by residents on Friday) showed flags on every building.",
    ]
    assert clean_text("\n".join(lines)) == "\n\n".join(lines)


def test_disclosures_prompts_and_navigation_lines_are_dropped():
    story = "The city council voted on Friday to rebuild the river port damaged by the autumn storms."
    furniture = [
        "Disclosure: As an affiliate, I earn from qualifying purchases. If you click a link and buy, I may receive "
        "a commission at no additional cost to you, which keeps this site running.",
        "- Back to blog", "Posted by David at December 16, 2025", "Written by Jane Doe", "Privacy Policy",
        "- 11 min read", "Sign up for our newsletter", "Follow us on Facebook", "Book a demo", "Next article: Ports",
    ]
    assert clean_text("\n".join([furniture[0], story, *furniture[1:]])) == story


def test_the_headline_line_goes_even_with_an_aggregators_source_after_it():
    title = "Stanford Grads Find Their Degrees No Longer Guarantee Jobs"
    story = "Elite computer science degrees are no longer a guaranteed on-ramp to tech jobs (the paper says so)."
    assert clean_text(f"{title} (latimes.com) 87\n{story}", title=title) == story


def test_calls_to_action_paywall_notes_and_credits_are_dropped():
    story = "The city council voted on Friday to rebuild the river port damaged by the autumn storms."
    furniture = [
        "We help you navigate a myriad of possibilities. Sign up for our newsletter for the best of the city.",
        "For daily wit & wisdom, sign up for the Almanac newsletter.",
        "Catch up on our coverage of tech and tools, and follow us on Facebook, Instagram and TikTok to stay up to date.",
        "Join our mailing list! Get a newsletter when an episode is published", "Join the Facebook group– https://fb.me/x",
        "and agree to our Terms & Conditions and Privacy Policy.", "This article is exclusive to STAT+ subscribers",
        "Love Tech World Newsletter? Tell your friends and get rewards.", "Help me spread the word about this podcast!",
        "Get the latest news about OMA’s live educational events and online courses.", "How Was This Issue?",
        "SHARE YOUR STORY", "11/12/2025 by One Tree Planted",
        "We may be compensated when you click on a link, when an application is approved, or when an account is opened. "
        "Terms apply to the offers below. See our Advertising Policy for more about our partners and how we make money.",
        "Did you make one of my recipes? Please take a moment to leave a star rating. Also, if you are on Pinterest, "
        "please feel free to leave a comment there! Follow my kitchen on FACEBOOK, PINTEREST and YouTube and subscribe "
        "to my mailing list for ALL the latest recipes!",
        "Playful Void is a production of Idle Cartulary. If you liked this article, please consider liking, sharing, "
        "and subscribing to the Idle Digest Newsletter.",
        "Feature image by Girlfriend Collective, all other images via brands mentioned. Good On You publishes ratings "
        "of fashion brands' impact on people, the planet, and animals. Use our directory to search rated brands.",
    ]
    assert clean_text("\n".join([story, *furniture])) == story


def test_prose_about_newsletters_terms_and_subscribers_survives():
    lines = [
        "Residents who sign up for the council's newsletter will get flood alerts, the mayor said.",
        "Both unions agree to the terms of the settlement, according to a statement on Monday.",
        "If you enjoyed this article, the ultimate compliment is to share our work.",
        "Key Takeaways",
        "The story is exclusive to subscribers of the paper's print edition, which sold 40,000 copies.",
    ]
    assert clean_text("\n".join(lines)) == "\n\n".join(lines)


def test_rule_groups_match_anchored_and_floating_patterns_as_written():
    from extract.cleaning import _any_of
    rules = _any_of(r"^read more", r"^tags:|trending now", r"\bnewsletter$", r"^by\s+[^.]{0,60}\|")
    assert rules.search("Read more about it") and rules.search("See what is trending now today")
    assert rules.search("Get our newsletter") and rules.search("By Jane Doe | Friday")
    assert not rules.search("We read more of it") and not rules.search("Price tags: high")


def test_per_source_rules_and_duplicates():
    text = "First paragraph here.\nFirst paragraph here.\nSubscribe to Kherson Daily today\nLast paragraph."
    rules = CleaningRules(drop_lines=(r"^Subscribe to Kherson Daily",))
    assert clean_text(text, rules) == "First paragraph here.\n\nLast paragraph."


# -- not an article, bad input ------------------------------------------------------------


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"   \n ", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (gzip.compress(b"<html><body><p>hello</p></body></html>" * 50), "binary"),
    ("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
    ("<html><body><article><p>Just a short note about nothing much at all here.</p></article></body></html>",
     "too short"),
    ("<html><body><article>" + "".join(f"<p>The council met for the {i}th time to discuss the port and its plans.</p>"
                                        for i in range(6000)) + "</article></body></html>", "too long"),
])
def test_not_an_article(raw, reason):
    result = extract_article(raw)
    assert result.is_article is False
    assert reason in result.reason
    json.dumps(result.to_json())


def test_website_og_type_with_little_text_is_not_an_article():
    body = p(["This section collects our latest coverage of the war in Ukraine and the liberation of Kherson, "
              "with reports from our correspondents in Kyiv, Odesa and Mykolaiv on every development.",
              "Our reporters have covered the war since the first day of the full-scale invasion in February 2022, "
              "from the front lines in the east to the occupied south and the capital.",
              "Follow the links below for the latest news, analysis, opinion and photography from across the country, "
              "updated throughout the day by our editors in London and Kyiv."])
    html = f'<html><head><meta property="og:type" content="website"></head><body><main>{body}</main></body></html>'
    result = extract_article(html)
    assert result.is_article is False and result.reason == "og:type=website"


def test_an_article_that_a_broken_page_opens_inside_an_aside_is_still_extracted():
    paragraphs = p([f"The council voted on Tuesday to rebuild bridge number {n} over the river, after two years of "
                    "debate about its cost, its design and the traffic its closure would push through the town."
                    for n in range(4)])
    html = (f"<html><body><aside class='popup-overlay'><header><article><h1>Bridges to be rebuilt</h1>{paragraphs}"
            "</article></header></aside></body></html>")
    result = extract_article(html)
    assert result.is_article and "bridge number 3" in result.text


def test_undecodable_bytes_and_explicit_encoding():
    page = huffpost()
    latin = page.html.replace('<meta charset="utf-8">', "").encode("cp1252", errors="replace")
    assert extract_article(latin).is_article  # bad UTF-8 bytes are replaced, not fatal
    decoded = extract_article(latin, url=page.url, encoding="cp1252")
    assert "Kherson’s central square" in decoded.text


def test_text_and_metadata_come_out_in_one_unicode_normal_form():
    page = huffpost()
    decomposed = page.html.replace("Kherson’s central square", "Kherson’s centrale Plätze für alle")
    result = extract_article(decomposed, url=page.url)
    assert "centrale Plätze für alle" in result.text and "̈" not in result.text


def test_future_dates_are_ignored():
    page = huffpost()
    html = page.html.replace("2022-11-11T14:02:05Z", "2999-01-01T00:00:00Z")
    result = extract_article(html, url=page.url)
    assert result.published is None or result.published < datetime.now(timezone.utc)


def test_language_falls_back_to_source_default_for_short_text():
    result = extract_article("<html><body><p>Kurz.</p></body></html>", rules=CleaningRules(language="de"))
    assert result.language == "de" and result.provenance["language"] == "rules"


# -- extract_files ---------------------------------------------------------------------------


def test_extract_files_reads_gzip_and_reports_missing_files(tmp_path):
    page = newsmax()
    gz = tmp_path / "newsmax.html.gz"
    gz.write_bytes(gzip.compress(page.html.encode("utf-8")))
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    missing = tmp_path / "missing.html"
    records = list(extract_files([str(gz), str(missing), str(broken)]))
    assert [r["source"] for r in records] == [str(gz), str(missing), str(broken)]
    ok = records[0]
    assert ok["is_article"] and ok["title"] == page.title and ok["language"] == "en"
    assert isinstance(ok["authors"], list)
    assert datetime.fromisoformat(ok["published"]) == page.published
    assert word_f1(ok["text"], "\n".join(page.gold)) >= 0.95
    assert "no such file" in records[1]["error"]
    assert "cannot read" in records[2]["error"]
    for record in records:
        json.dumps(record)


# -- real pages: cleaning must never cost accuracy ---------------------------------------------


@pytest.mark.skipif(not SCRAPINGHUB.is_dir(), reason=f"benchmark pages not found at {SCRAPINGHUB}")
def test_benchmark_pages_score_at_least_plain_trafilatura():
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    ours, plain = [], []
    for page_id in sorted(truth)[:20]:
        raw = gzip.decompress((SCRAPINGHUB / "html" / f"{page_id}.html.gz").read_bytes())
        url, gold = truth[page_id]["url"], truth[page_id]["articleBody"]
        ours.append(word_f1(extract_article(raw, url=url).text, gold))
        plain.append(word_f1(trafilatura.extract(raw, url=url) or "", gold))
    mean_ours, mean_plain = sum(ours) / len(ours), sum(plain) / len(plain)
    print(f"scrapinghub first 20 pages: extract_article F1 {mean_ours:.4f}, trafilatura.extract F1 {mean_plain:.4f}")
    assert mean_ours >= mean_plain - 0.01

"""The offline replay (wirehouse/replay.py + seeds/replay/) served by a real local HTTP server."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest

from wirehouse.config import SHARED_DIR
import yaml

from wirehouse import replay
from wirehouse.replay import ReplayServer, norm

ROOT = Path(__file__).resolve().parent.parent
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
OUTLETS = ["kyivpost", "express", "businessinsider", "newsmax", "huffpost", "aggregator"]
WINDOW = (datetime(2022, 11, 11, tzinfo=timezone.utc), datetime(2022, 11, 12, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def srv():
    with ReplayServer(port=0) as server:
        yield server


@pytest.fixture(scope="module")
def gold(srv):
    return replay.load_gold(srv.base_url)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def xml(url: str) -> ET.Element:
    status, _, body = fetch(url)
    assert status == 200, url
    return ET.fromstring(body)


def page_text(body: bytes) -> str:
    return norm(lxml.html.fromstring(body).text_content())


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(timezone.utc)


def in_window(entry: dict) -> bool:
    return WINDOW[0] <= utc(entry["published"]) < WINDOW[1]


def sitemap_urls(srv, outlet: str) -> dict[str, str]:
    """URL → lastmod over the outlet's sitemap index and its monthly sitemaps."""
    index = xml(f"{srv.base_url}/{outlet}/sitemap_index.xml")
    assert index.tag == SM + "sitemapindex"
    locs = [s.findtext(SM + "loc") for s in index.findall(SM + "sitemap")]
    assert [loc.rsplit("/", 1)[1] for loc in locs] == ["sitemap-2022-10.xml", "sitemap-2022-11.xml"]
    assert all(s.findtext(SM + "lastmod") for s in index.findall(SM + "sitemap"))
    urls = {}
    for loc in locs:
        for url in xml(loc).findall(SM + "url"):
            assert url.findtext(SM + "lastmod"), loc
            urls[url.findtext(SM + "loc")] = url.findtext(SM + "lastmod")
    return urls


def feed_links(srv, outlet: str) -> tuple[str, list[tuple[str, str]]]:
    root = xml(f"{srv.base_url}/{outlet}/feed.xml")
    if root.tag == ATOM + "feed":
        return "atom", [(e.find(ATOM + "link").get("href"), e.findtext(ATOM + "published")) for e in root.findall(ATOM + "entry")]
    assert root.tag == "rss" and root.get("version") == "2.0"
    return "rss", [(i.findtext("link"), i.findtext("pubDate")) for i in root.iter("item")]


# --------------------------------------------------------------------------- serving


def test_every_gold_page_is_served_as_html(srv, gold):
    assert {e["source"] for e in gold} == set(OUTLETS)
    for entry in gold:
        for url in [entry["url"], *entry.get("variant_urls", [])]:
            status, ctype, body = fetch(url)
            assert status == 200 and ctype.startswith("text/html"), url
            assert b'<html lang="en">' in body


def test_unknown_paths_are_404(srv):
    for path in ["/nope", "/kyivpost/post/1", "/express/feed.rss", "/kyivpost/ukraine-war"]:
        assert fetch(srv.base_url + path)[0] == 404, path
    assert srv.requests[-1] == "/kyivpost/ukraine-war"


def test_site_is_deterministic_and_uses_the_base_url():
    a = replay.build_site("http://127.0.0.1:1234")
    assert a == replay.build_site("http://127.0.0.1:1234")
    b = replay.build_site("http://10.0.0.9:80")
    assert a.keys() == b.keys()
    for path, (_, body) in a.items():
        if path.endswith((".xml", "/", ".txt")) or "text/html" in a[path][0]:
            assert b"10.0.0.9" not in body and b"127.0.0.1:8765" not in body, path


def test_kherson_pages_and_counts(gold):
    kherson = {e["source"]: e for e in gold if e["kind"] in ("article", "copy")}
    assert set(kherson) == set(OUTLETS)
    for entry in kherson.values():
        t = utc(entry["published"])
        assert datetime(2022, 11, 11, 14, tzinfo=timezone.utc) <= t < datetime(2022, 11, 11, 15, tzinfo=timezone.utc)
    assert utc(kherson["businessinsider"]["published"]) < utc(kherson["aggregator"]["published"])
    assert kherson["aggregator"]["kind"] == "copy"
    assert kherson["aggregator"]["original_url"] == kherson["businessinsider"]["url"]
    counts = {o: sorted(e["kind"] for e in gold if e["source"] == o and in_window(e)) for o in OUTLETS}
    assert counts == {"kyivpost": ["article", "not_article"], "express": ["article"], "businessinsider": ["article"],
                      "newsmax": ["article"], "huffpost": ["article"], "aggregator": ["copy"]}
    for outlet in OUTLETS:
        old = [e for e in gold if e["source"] == outlet and e["kind"] == "out_of_window"]
        assert 1 <= len(old) <= 2 and any(e["published"].startswith("2022-10") for e in old)
        assert all(not in_window(e) and e["text"] for e in old)


# --------------------------------------------------------------------------- feeds and sitemaps


def test_feeds_list_the_in_window_articles(srv, gold):
    kinds = set()
    for outlet in OUTLETS:
        kind, items = feed_links(srv, outlet)
        kinds.add(kind)
        assert all(date for _, date in items)
        links = [link.split("?")[0] for link, _ in items]
        for entry in gold:
            if entry["source"] == outlet and in_window(entry):
                assert entry["url"] in links, (outlet, entry["url"])
        assert all(link.startswith(f"{srv.base_url}/{outlet}/") for link, _ in items)
    assert kinds == {"rss", "atom"}


def test_sitemaps_list_every_page_and_the_about_page(srv, gold):
    for outlet in OUTLETS:
        urls = sitemap_urls(srv, outlet)
        ours = {e["url"] for e in gold if e["source"] == outlet}
        assert ours <= set(urls), outlet
        assert all("?" not in u for u in urls)
    about = [s for s in replay.load_skipped(srv.base_url) if "sitemap" in s["reason"]]
    assert len(about) == 1 and about[0]["url"] in sitemap_urls(srv, about[0]["source"])


def test_news_sitemaps(srv, gold):
    for outlet in OUTLETS:
        root = xml(f"{srv.base_url}/{outlet}/news-sitemap.xml")
        dates = {u.findtext(SM + "loc"): u.find(f"{NEWS}news/{NEWS}publication_date").text for u in root.findall(SM + "url")}
        for entry in gold:
            if entry["source"] == outlet and in_window(entry):
                assert utc(dates[entry["url"]]) == utc(entry["published"])


def test_tracking_variant_serves_the_same_page(srv, gold):
    variants = [e for e in gold if e.get("variant_urls")]
    assert variants
    _, items = feed_links(srv, "express")
    assert any("utm_source=rss" in link for link, _ in items)
    for entry in variants:
        clean = fetch(entry["url"])[2]
        for url in entry["variant_urls"]:
            assert "utm_source=" in url and fetch(url)[2] == clean
        assert f'<link rel="canonical" href="{entry["canonical_url"]}">'.encode() in clean


def test_robots_disallows_private_only(srv, gold):
    status, _, body = fetch(srv.base_url + "/robots.txt")
    assert status == 200
    rp = urllib.robotparser.RobotFileParser()
    rp.parse(body.decode().splitlines())
    for entry in gold:
        assert rp.can_fetch("wirehouse", entry["url"])
    private = [s for s in replay.load_skipped(srv.base_url) if s["kind"] == "robots_disallowed"]
    assert private
    for item in private:
        assert "/private/" in item["url"] and not rp.can_fetch("wirehouse", item["url"])
        outlet = next(o for o in replay.outlets() if o["name"] == item["source"])
        section = fetch(f"{srv.base_url}/{item['source']}/{outlet['section']['path']}")[2].decode()
        assert f'href="{item["url"]}"' in section


# --------------------------------------------------------------------------- page metadata


def test_article_metadata_matches_gold(srv, gold):
    for entry in gold:
        body = fetch(entry["url"])[2]
        doc = lxml.html.fromstring(body)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
        title = doc.findtext(".//title")
        assert title.startswith(entry["title"]) and len(title) > len(entry["title"])
        assert meta["og:title"] == entry["title"] and meta["og:site_name"] and meta["og:url"] == entry["canonical_url"]
        assert doc.find(".//link[@rel='canonical']").get("href") == entry["canonical_url"]
        assert meta["article:published_time"] == entry["published"]
        assert meta["article:modified_time"] == entry["modified"]
        ld = json.loads(doc.find(".//script[@type='application/ld+json']").text)
        if entry["kind"] == "not_article":
            assert meta["og:type"] == "website" and ld["@type"] != "NewsArticle"
            assert len(page_text(body)) < 3000
            continue
        assert meta["og:type"] == "article"
        assert ld["@type"] == "NewsArticle" and ld["headline"] == entry["title"]
        assert [a["name"] for a in ld["author"] if a["@type"] == "Person"] == entry["authors"]
        assert ld["datePublished"] == entry["published"] and ld["dateModified"] == entry["modified"]
        assert ld["publisher"]["@type"] == "Organization"
        text = page_text(body)
        for author in entry["authors"]:
            assert author in text


def test_visible_dates_agree_with_metadata(srv, gold):
    kherson = {e["source"]: page_text(fetch(e["url"])[2]) for e in gold if e["kind"] in ("article", "copy")}
    assert "Friday, 11 November 2022 09:29 AM EST" in kherson["newsmax"]
    assert "Nov. 11, 2022, 4:05 pm" in kherson["kyivpost"]
    assert "PUBLISHED: 14:20, Fri, Nov 11, 2022" in kherson["express"]
    assert "Nov 11, 2022, 9:12 AM EST" in kherson["businessinsider"]
    assert "11/11/2022 02:48pm GMT" in kherson["huffpost"]
    assert "November 11, 2022" in kherson["aggregator"]


# --------------------------------------------------------------------------- gold


def test_gold_text_is_in_the_page(srv, gold):
    for entry in gold:
        if "text" not in entry:
            continue
        text = page_text(fetch(entry["url"])[2])
        for paragraph in entry["text"].split("\n\n"):
            assert paragraph == norm(paragraph) and paragraph in text, (entry["path"], paragraph[:60])


def test_gold_text_has_no_boilerplate(gold):
    lines = replay.boilerplate_lines()
    assert {"Comments (0)", "Write the first comment for this!", "Source:: Business Insider", "Leave a Reply",
            "Newsmax TV & Webwww.newsmax.comFREE - In Google Play", "© 2022 Newsmax. All rights reserved.",
            "Sign up for Newsmax’s Daily Newsletter", "Ukraine's Precipice", "…read more"} <= set(lines)
    assert any(line.startswith("READ MORE: ") for line in lines) and any(line.startswith("READ NEXT: ") for line in lines)
    for entry in gold:
        for line in lines:
            assert line not in entry.get("text", ""), (entry["path"], line)


def test_boilerplate_is_from_the_seeds_and_on_the_pages(srv):
    gold_file = yaml.safe_load((ROOT / "seeds/replay/gold.yaml").read_text(encoding="utf-8"))
    pages = {}
    for item in gold_file["boilerplate_lines"]:
        assert item["text"] in norm((ROOT / "seeds/documents" / item["seed"]).read_text(encoding="utf-8"))
        path = next(e["path"] for e in gold_file["pages"] if e.get("seed") == item["seed"] and e["source"] == item["source"])
        if path not in pages:
            pages[path] = page_text(fetch(srv.base_url + path)[2])
        assert item["text"] in pages[path], (path, item["text"])


def test_gold_text_is_reproducible_from_the_seeds(gold):
    borrowed = yaml.safe_load((ROOT / "seeds/replay/borrowed.yaml").read_text(encoding="utf-8"))
    for entry in gold:
        if "text" not in entry:
            continue
        paragraphs = entry["text"].split("\n\n")
        if "seed" in entry:
            seed = norm((ROOT / "seeds/documents" / entry["seed"]).read_text(encoding="utf-8"))
            for paragraph in paragraphs:
                for synthetic in entry.get("synthetic", []):
                    if paragraph.endswith(" " + synthetic):
                        paragraph = paragraph[: -len(synthetic) - 1]
                assert paragraph in seed, (entry["path"], paragraph[:60])
        else:
            assert paragraphs == borrowed[entry["borrowed"]]["paragraphs"]
    bi = next(e for e in gold if e["source"] == "businessinsider" and e["kind"] == "article")
    agg = next(e for e in gold if e["kind"] == "copy")
    assert bi["synthetic"] and bi["text"].startswith(agg["text"]) and bi["text"].endswith(bi["synthetic"][0])
    assert not agg.get("synthetic")


def test_seed_documents_are_verbatim_copies():
    shared = SHARED_DIR / "seeds"
    docs = sorted((ROOT / "seeds/documents").glob("*.txt"))
    assert [d.name[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    if shared.is_dir():
        for doc in docs:
            assert doc.read_bytes() == (shared / doc.name).read_bytes()


def test_gold_file_is_current():
    on_disk = yaml.safe_load((ROOT / "seeds/replay/gold.yaml").read_text(encoding="utf-8"))
    assert on_disk == replay.build_gold(), "run: python -m wirehouse.replay --write-gold"


def test_attribution_files_exist():
    assert "Murrough Foley" in (ROOT / "seeds/replay/WCXB-LICENSE").read_text(encoding="utf-8")
    text = (ROOT / "seeds/replay/ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in text and "re-templated" in text


# --------------------------------------------------------------------------- sources files


def test_replay_sources_claim_exactly_their_own_pages(srv, gold, monkeypatch):
    sources = pytest.importorskip("wirehouse.sources")
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", srv.base_url)
    loaded = sources.load_sources(ROOT / "seeds/replay.yaml")
    assert [s.name for s in loaded] == OUTLETS
    for source in loaded:
        assert source.politeness.download_delay == 0 and source.politeness.obey_robots
        for url in [*source.feeds, *source.sitemaps, *source.start_pages]:
            assert url.startswith(f"{srv.base_url}/{source.name}/") and fetch(url)[0] == 200, url
    for entry in gold:
        for url in [entry["url"], *entry.get("variant_urls", [])]:
            assert [s.name for s in loaded if s.is_article_url(url)] == [entry["source"]], url
    for item in replay.load_skipped(srv.base_url):
        claimed = [s.name for s in loaded if s.is_article_url(item["url"])]
        assert claimed == ([item["source"]] if item["kind"] == "robots_disallowed" else []), item["url"]
    ranks = {s.name: s.rank for s in loaded}
    assert ranks["businessinsider"] < ranks["aggregator"]


def test_default_replay_url_and_real_sources(monkeypatch):
    sources = pytest.importorskip("wirehouse.sources")
    monkeypatch.delenv("WIREHOUSE_REPLAY_URL", raising=False)
    loaded = sources.load_sources(ROOT / "seeds/replay.yaml")
    assert loaded[0].feeds == ("http://127.0.0.1:8765/kyivpost/feed.xml",)
    real = sources.load_sources(ROOT / "seeds/sources.yaml")
    assert [s.name for s in real] == OUTLETS
    examples = {
        "kyivpost": "https://www.kyivpost.com/post/4691",
        "express": "https://www.express.co.uk/news/world/1695873/kherson-liberated-celebrations",
        "businessinsider": "https://www.businessinsider.com/ukraine-retakes-kherson-humiliation-putin-2022-11",
        "newsmax": "https://www.newsmax.com/newsfront/ukraine-russia-kherson/2022/11/11/id/1095516/",
        "huffpost": "https://www.huffingtonpost.co.uk/entry/ukraine-flags-kherson_uk_636e4b2fe4b0ea38a4e6d2c1",
        "aggregator": "https://news-aggregator.example/2022/11/11/ukraine-has-begun-to-retake/",
    }
    for source in real:
        assert [s.name for s in real if s.is_article_url(examples[source.name])] == [source.name]
        assert not source.is_article_url(f"https://{source.domains[0]}/about-us")

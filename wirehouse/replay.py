"""The offline replay of the seed outlets: six news sites on one local HTTP server.

Everything is generated deterministically at start-up from ``seeds/replay/``
(manifest.yaml, templates/, borrowed.yaml) and ``seeds/documents/`` (the five
seed articles): article pages with each outlet's boilerplate, RSS/Atom feeds,
sitemap indexes, monthly and Google-news sitemaps, section pages and a
host-wide robots.txt. ``seeds/replay/gold.yaml`` says what a perfect pipeline
extracts from it.

    with ReplayServer(port=0) as srv:
        urllib.request.urlopen(srv.base_url + "/kyivpost/feed.xml")

``wirehouse replay --host 127.0.0.1 --port 8765`` runs :func:`main`.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import html
import json
import os
import re
import string
import sys
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import yaml

SEEDS_DIR = Path(os.environ.get("WIREHOUSE_SEEDS_DIR", Path(__file__).resolve().parent.parent / "seeds"))
REPLAY_DIR = SEEDS_DIR / "replay"
DOCUMENTS_DIR = SEEDS_DIR / "documents"
GOLD_FILE = REPLAY_DIR / "gold.yaml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_BASE_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
GIF = "image/gif"
# A 1x1 transparent GIF: every image on the replay site.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

# Roles of body blocks that make up the article text (everything else is furniture).
TEXT_ROLES = ("p", "keypoint", "h")
# Roles of in-body furniture that belongs in the boilerplate list.
BOILERPLATE_ROLES = ("caption", "widget", "teaser", "more_link")


def norm(text: str) -> str:
    """Collapse all whitespace (including no-break spaces) to single spaces."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- data


@functools.lru_cache(maxsize=None)
def _manifest() -> dict[str, Any]:
    return yaml.safe_load((REPLAY_DIR / "manifest.yaml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _borrowed() -> dict[str, Any]:
    return yaml.safe_load((REPLAY_DIR / "borrowed.yaml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _seed_text(name: str) -> str:
    return (DOCUMENTS_DIR / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def _fragments(name: str) -> dict[str, string.Template]:
    """A template file holds named fragments, each starting with a line ``<!--@name-->``."""
    frags: dict[str, string.Template] = {}
    for file in ("common.html", name):
        text = (REPLAY_DIR / "templates" / file).read_text(encoding="utf-8")
        for match in re.finditer(r"<!--@([a-z_]+)-->\n(.*?)(?=<!--@[a-z_]+-->\n|\Z)", text, re.S):
            frags[match.group(1)] = string.Template(match.group(2).rstrip("\n"))
    return frags


def _fill(outlet: dict, fragment: str, **values: Any) -> str:
    return _fragments(outlet["template"])[fragment].substitute(values)


def outlets() -> list[dict]:
    return _manifest()["outlets"]


def seed_blocks(seed: str) -> list[tuple[str, str]]:
    """The body of a seed document as (role, text) blocks, per its seed layout."""
    layout = _manifest()["seed_layouts"][seed]
    lines = [norm(line) for line in _seed_text(seed).split("\n")]
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith(layout["body_from"]))
    end = next(i for i, line in enumerate(lines) if i >= start and line.startswith(layout["body_until"]))
    roles = {norm(k): v for k, v in (layout.get("roles") or {}).items()}
    inline = [(norm(item["text"]), item["role"]) for item in layout.get("inline") or []]
    blocks: list[tuple[str, str]] = []
    for line in lines[start:end + 1]:
        if line in roles:
            blocks.append((roles[line], line))
            continue
        cut = next(((text, role) for text, role in inline if text in line), None)
        if cut is None:
            blocks.append(("p", line))
            continue
        before, _, after = line.partition(cut[0])
        if before.strip():
            blocks.append(("p", before.strip()))
        blocks.append((cut[1], cut[0]))
        if after.strip():
            blocks.append(("p", after.strip()))
    return blocks


def _is_heading(line: str) -> bool:
    return len(line) <= 80 and not line.endswith((".", "?", "!", ":", "”", '"', ",", ";"))


def page_blocks(page: dict) -> list[tuple[str, str]]:
    if "seed" in page:
        blocks = seed_blocks(page["seed"])
        if page.get("synthetic_completion"):
            blocks = [b for b in blocks if b[0] != "more_link"]
            last = max(i for i, b in enumerate(blocks) if b[0] == "p")
            blocks[last] = ("p", f"{blocks[last][1]} {page['synthetic_completion']}")
        return blocks
    if "borrowed" in page:
        paragraphs = _borrowed()[page["borrowed"]]["paragraphs"]
        return [("h" if _is_heading(p) and i else "p", p) for i, p in enumerate(paragraphs)]
    return []


def page_text(page: dict) -> str:
    return "\n\n".join(text for role, text in page_blocks(page) if role in TEXT_ROLES)


def _authors(page: dict) -> list[str]:
    if page.get("authors"):
        return list(page["authors"])
    author = _borrowed().get(page.get("borrowed"), {}).get("author")
    return [author] if author else ["Staff Writer"]


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _utc(value: str) -> datetime:
    return _dt(value).astimezone(timezone.utc)


# --------------------------------------------------------------------------- gold


def build_gold() -> dict[str, Any]:
    """The gold data, computed from the manifest and the seeds (gold.yaml is this, written out)."""
    pages, skipped, boiler = [], [], []
    layouts = _manifest()["seed_layouts"]
    for outlet in outlets():
        name = outlet["name"]
        prefix = f"/{name}/"
        for page in outlet["pages"]:
            path = prefix + page["path"]
            entry: dict[str, Any] = {
                "path": path,
                "source": name,
                "kind": page["kind"],
                "title": page["title"],
                "authors": _authors(page),
                "published": page["published"],
                "modified": page["modified"],
                "language": outlet.get("language", "en"),
                "canonical_path": path,
            }
            if outlet["feed"].get("tracking_query") and page["kind"] != "not_article":
                entry["variant_paths"] = [f"{path}?{outlet['feed']['tracking_query']}"]
            if "original" in page:
                entry["original_path"] = f"/{page['original']['source']}/{page['original']['path']}"
            if page["kind"] != "not_article":
                entry["text"] = page_text(page)
            if "seed" in page:
                entry["seed"] = page["seed"]
            if "borrowed" in page:
                entry["borrowed"] = page["borrowed"]
            if page.get("synthetic_completion"):
                entry["synthetic"] = [page["synthetic_completion"]]
            pages.append(entry)
        about = outlet["about"]
        skipped.append({"path": prefix + about["path"], "source": name, "kind": "not_article",
                        "reason": "does not match the outlet's article URL pattern"
                        + ("; listed in the monthly sitemap" if about.get("in_sitemap") else "")})
        if outlet.get("private"):
            skipped.append({"path": prefix + outlet["private"]["path"], "source": name, "kind": "robots_disallowed",
                            "reason": "disallowed by robots.txt; must never be fetched"})
        seen = set()
        for page in outlet["pages"]:
            seed = page.get("seed")
            if not seed or seed in seen:
                continue
            seen.add(seed)
            layout = layouts[seed]
            if layout.get("boilerplate_source", name) != name:
                continue  # the furniture of this seed is another outlet's page (002: the aggregator's)
            lines = [(norm(t), "chrome") for t in layout.get("boilerplate") or []]
            lines += [(t, r) for r, t in seed_blocks(seed) if r in BOILERPLATE_ROLES]
            for text, role in lines:
                if not any(b["text"] == text for b in boiler):
                    boiler.append({"text": text, "source": name, "seed": seed, "role": role})
    return {"pages": pages, "skipped": skipped, "boilerplate_lines": boiler}


class _GoldDumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_GoldDumper.add_representer(str, _str_presenter)


def write_gold(path: Path = GOLD_FILE) -> None:
    header = (
        "# Gold data for the offline replay (generated by `python -m wirehouse.replay --write-gold`\n"
        "# from manifest.yaml + seeds/documents + borrowed.yaml; reviewed by hand).\n"
        "# pages: every article-like page served. kind: article | copy | not_article | out_of_window.\n"
        "# text: the article paragraphs joined by blank lines, whitespace normalised, without\n"
        "# boilerplate; `synthetic` lists text that is not in any seed document.\n"
        "# skipped: pages the spider must not turn into articles. boilerplate_lines: seed lines\n"
        "# (or inline teasers) that must never appear in extracted text.\n"
    )
    body = yaml.dump(build_gold(), Dumper=_GoldDumper, allow_unicode=True, sort_keys=False, width=100000)
    path.write_text(header + body, encoding="utf-8")


@functools.lru_cache(maxsize=None)
def _gold_file() -> dict[str, Any]:
    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))


def _base(base_url: str | None) -> str:
    return (base_url or os.environ.get("WIREHOUSE_REPLAY_URL") or DEFAULT_BASE_URL).rstrip("/")


def load_gold(base_url: str | None = None) -> list[dict]:
    """Gold entries from gold.yaml, with full URLs (url, canonical_url, ...) under base_url."""
    base = _base(base_url)
    result = []
    for entry in _gold_file()["pages"]:
        entry = dict(entry)
        entry["url"] = base + entry["path"]
        entry["canonical_url"] = base + entry["canonical_path"]
        if "variant_paths" in entry:
            entry["variant_urls"] = [base + p for p in entry["variant_paths"]]
        if "original_path" in entry:
            entry["original_url"] = base + entry["original_path"]
        result.append(entry)
    return result


def load_skipped(base_url: str | None = None) -> list[dict]:
    base = _base(base_url)
    return [dict(e, url=base + e["path"]) for e in _gold_file()["skipped"]]


def boilerplate_lines() -> list[str]:
    return [b["text"] for b in _gold_file()["boilerplate_lines"]]


# --------------------------------------------------------------------------- dates


_AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def format_date(value: str, style: str, tz_names: dict | None = None) -> str:
    dt = _dt(value)
    off = dt.strftime("%z")
    tz = (tz_names or {}).get(f"{off[:3]}:{off[3:]}", "UTC")
    h12 = dt.hour % 12 or 12
    if style == "kyivpost":
        return f"{_AP_MONTHS[dt.month - 1]} {dt.day}, {dt.year}, {h12}:{dt:%M} {dt:%p}".replace("AM", "am").replace("PM", "pm")
    if style == "express":
        return f"{dt:%H:%M}, {dt:%a}, {dt:%b} {dt.day}, {dt.year}"
    if style == "businessinsider":
        return f"{dt:%b} {dt.day}, {dt.year}, {h12}:{dt:%M} {dt:%p} {tz}"
    if style == "newsmax":
        return f"{dt:%A}, {dt.day:02d} {dt:%B} {dt.year} {dt:%I:%M %p} {tz}"
    if style == "huffpost":
        return f"{dt:%d/%m/%Y %I:%M}{dt:%p}".replace("AM", "am").replace("PM", "pm") + f" {tz}"
    if style == "aggregator":
        return f"{dt:%B} {dt.day}, {dt.year}"
    raise ValueError(f"unknown date style {style!r}")


# --------------------------------------------------------------------------- pages


class _Site:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.routes: dict[str, tuple[str, bytes]] = {}

    def add(self, path: str, content_type: str, body: str | bytes) -> None:
        if path in self.routes:
            raise ValueError(f"replay: duplicate path {path}")
        self.routes[path] = (content_type, body.encode("utf-8") if isinstance(body, str) else body)

    def img(self, name: str) -> str:
        path = f"/static/img/{name}.gif"
        if path not in self.routes:
            self.add(path, GIF, PIXEL)
        return self.base + path


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _description(page: dict) -> str:
    if page.get("description"):
        return page["description"]
    first = next((t for r, t in page_blocks(page) if r == "p"), page["title"])
    return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "…"


def _head(site: _Site, outlet: dict, *, title: str, url: str, description: str, og_type: str = "website",
          page: dict | None = None, ld: dict | None = None, image: str = "") -> str:
    site_name = outlet.get("site_name", outlet["title"])
    prefix = f"{site.base}/{outlet['name']}/"
    feed = outlet["feed"]
    feed_type = "application/atom+xml" if feed["format"] == "atom" else "application/rss+xml"
    out = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}{_e(outlet['title_suffix'])}</title>",
        f'<meta name="description" content="{_e(description)}">',
        f'<link rel="canonical" href="{_e(url)}">',
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:title" content="{_e(title)}">',
        f'<meta property="og:site_name" content="{_e(site_name)}">',
        f'<meta property="og:url" content="{_e(url)}">',
        f'<meta property="og:description" content="{_e(description)}">',
        '<meta property="og:locale" content="en_GB">' if outlet["name"] in ("express", "huffpost") else
        '<meta property="og:locale" content="en_US">',
    ]
    if image:
        out.append(f'<meta property="og:image" content="{_e(image)}">')
    if page is not None:
        out += [
            f'<meta property="article:published_time" content="{page["published"]}">',
            f'<meta property="article:modified_time" content="{page["modified"]}">',
            f'<meta property="article:section" content="{_e(outlet["section"]["title"])}">',
            f'<meta name="author" content="{_e(", ".join(_authors(page)))}">',
        ]
        for tag in page.get("tags") or []:
            out.append(f'<meta property="article:tag" content="{_e(tag)}">')
    out.append('<meta name="twitter:card" content="summary_large_image">')
    out.append(f'<link rel="alternate" type="{feed_type}" title="{_e(site_name)}" href="{prefix}{feed["path"]}">')
    out.append(f'<link rel="stylesheet" href="{site.base}/static/{outlet["name"]}.css">')
    if ld is not None:
        out.append('<script type="application/ld+json">' + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/") + "</script>")
    return "\n".join(out)


def _publisher(site: _Site, outlet: dict) -> dict:
    return {"@type": "Organization", "name": outlet.get("site_name", outlet["title"]), "url": f"{site.base}/{outlet['name']}/",
            "logo": {"@type": "ImageObject", "url": site.img(f"{outlet['name']}-logo")}}


def _links(site: _Site, outlet: dict) -> dict[str, str]:
    prefix = f"{site.base}/{outlet['name']}/"
    return dict(base=site.base, prefix=prefix, home_url=prefix, section_url=prefix + outlet["section"]["path"],
                section_title=_e(outlet["section"]["title"]), about_url=prefix + outlet["about"]["path"],
                about_title=_e(outlet["about"]["title"]), feed_url=prefix + outlet["feed"]["path"],
                logo=site.img(f"{outlet['name']}-logo"))


def _layout(site: _Site, outlet: dict, head: str, main: str, year: int = 2022) -> str:
    return _fill(outlet, "layout", head=head, main=main, year=year, **_links(site, outlet))


def _body_html(site: _Site, outlet: dict, page: dict, blocks: list[tuple[str, str]], original_url: str) -> str:
    out: list[str] = []
    i = 0
    slug = page["path"].strip("/").replace("/", "-")
    n_img = 0
    while i < len(blocks):
        role, text = blocks[i]
        if role in ("keypoint", "widget"):
            group = []
            while i < len(blocks) and blocks[i][0] == role:
                group.append(blocks[i][1])
                i += 1
            if role == "keypoint":
                items = "\n".join(_fill(outlet, "keypoint", text=_e(t)) for t in group)
                out.append(_fill(outlet, "keypoints", items=items))
            else:
                tabs = list(dict.fromkeys(group[:-1]))
                out.append(_fill(outlet, "widget", tab1=_e(tabs[0]), tab2=_e(tabs[-1]), heading=_e(group[0]),
                                 text=_e(group[-1]), section_url=f"{site.base}/{outlet['name']}/{outlet['section']['path']}"))
            continue
        if role == "p":
            out.append(_fill(outlet, "p", text=_e(text)))
        elif role == "h":
            out.append(_fill(outlet, "h", text=_e(text)))
        elif role == "caption":
            n_img += 1
            out.append(_fill(outlet, "caption", text=_e(text), img=site.img(f"{slug}-{n_img}")))
        elif role == "teaser":
            out.append(_fill(outlet, "teaser", text=_e(text),
                             href=f"{site.base}/{outlet['name']}/{outlet['section']['path']}"))
        elif role == "more_link":
            more = _fill(outlet, "more_link", text=_e(text), href=original_url)
            out[-1] = out[-1][: out[-1].rindex("</p>")] + " " + more + "</p>"
        else:
            raise ValueError(f"unknown block role {role!r}")
        i += 1
    return "\n".join(out)


def _article_page(site: _Site, outlet: dict, page: dict, by_path: dict[str, tuple[dict, dict]]) -> str:
    name = outlet["name"]
    url = f"{site.base}/{name}/{page['path']}"
    authors = _authors(page)
    original_url, source_box = "", ""
    if "original" in page:
        o_outlet, o_page = by_path[f"/{page['original']['source']}/{page['original']['path']}"]
        original_url = f"{site.base}/{o_outlet['name']}/{o_page['path']}"
        source_box = _fill(outlet, "source_box", original_url=original_url, original_site=_e(o_outlet["title"]),
                           original_title=_e(o_page["title"]))
    blocks = page_blocks(page)
    if page["kind"] == "not_article":
        items = "\n".join(_fill(outlet, "gallery_item", img=site.img(f"{name}-gallery-{i}"), text=_e(c))
                          for i, c in enumerate(page["gallery"], 1))
        body = _fill(outlet, "gallery", items=items, count=len(page["gallery"]))
        og_type = "website"
        ld = {"@context": "https://schema.org", "@type": "ImageGallery", "name": page["title"], "url": url,
              "datePublished": page["published"], "publisher": _publisher(site, outlet)}
    else:
        body = _body_html(site, outlet, page, blocks, original_url)
        og_type = "article"
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": page["title"],
            "description": _description(page),
            "author": [{"@type": "Person", "name": a} for a in authors],
            "datePublished": page["published"],
            "dateModified": page["modified"],
            "publisher": _publisher(site, outlet),
            "image": [site.img(f"{name}-{page['path'].strip('/').replace('/', '-')}-lead")],
            "inLanguage": outlet.get("language", "en"),
        }
    style, tzn = outlet["date_style"], outlet.get("tz_names")
    layout = _manifest()["seed_layouts"].get(page.get("seed"), {})
    lead = ""
    if layout.get("lead_caption"):
        lead = _fill(outlet, "caption", text=_e(norm(layout["lead_caption"])), img=site.img(f"{name}-lead"))
    author_links = " and ".join(
        _fill(outlet, "author_link", name=_e(a), href=f"{site.base}/{name}/author/{re.sub(r'[^a-z0-9]+', '-', a.lower()).strip('-')}")
        for a in authors)
    tags = " | ".join(f'<a href="{site.base}/{name}/tag/{_e(t)}">{_e(t)}</a>' for t in page.get("tags") or [])
    main = _fill(
        outlet, "article",
        headline=_e(page["title"]), url=url, body=body, lead=lead, source_box=source_box,
        authors=_e(" and ".join(authors)), author_links=author_links, tags=tags,
        date_published=_e(format_date(page["published"], style, tzn)),
        date_modified=_e(format_date(page["modified"], style, tzn)),
        iso_published=page["published"], iso_modified=page["modified"],
        year=_dt(page["published"]).year, description=_e(_description(page)), **_links(site, outlet),
    )
    head = _head(site, outlet, title=page["title"], url=url, description=_description(page), og_type=og_type,
                 page=page, ld=ld, image=site.img(f"{name}-{page['path'].strip('/').replace('/', '-')}-lead"))
    return _layout(site, outlet, head, main, _dt(page["published"]).year)


def _listing(site: _Site, outlet: dict, title: str, url: str, extra_links: list[tuple[str, str]]) -> str:
    name = outlet["name"]
    style, tzn = outlet["date_style"], outlet.get("tz_names")
    pages = sorted(outlet["pages"], key=lambda p: _utc(p["published"]), reverse=True)
    items = [
        _fill(outlet, "list_item", href=f"{site.base}/{name}/{p['path']}", title=_e(p["title"]),
              date=_e(format_date(p["published"], style, tzn)), iso=p["published"])
        for p in pages
    ]
    items += [_fill(outlet, "list_item", href=href, title=_e(t), date="", iso="") for href, t in extra_links]
    main = _fill(outlet, "listing", title=_e(title), items="\n".join(items))
    head = _head(site, outlet, title=title, url=url, description=f"{title} from {outlet['title']}",
                 ld={"@context": "https://schema.org", "@type": "CollectionPage", "name": title, "url": url})
    return _layout(site, outlet, head, main)


def _simple_page(site: _Site, outlet: dict, title: str, url: str, paragraphs: list[str]) -> str:
    main = _fill(outlet, "simple", title=_e(title), body="\n".join(f"<p>{_e(p)}</p>" for p in paragraphs))
    head = _head(site, outlet, title=title, url=url, description=paragraphs[0],
                 ld={"@context": "https://schema.org", "@type": "AboutPage", "name": title, "url": url})
    return _layout(site, outlet, head, main)


# --------------------------------------------------------------------------- feeds and sitemaps


def _xml_date(value: str) -> str:
    return _dt(value).isoformat()


def _feed(site: _Site, outlet: dict) -> tuple[str, str]:
    name = outlet["name"]
    prefix = f"{site.base}/{name}/"
    feed = outlet["feed"]
    pages = sorted((p for p in outlet["pages"] if p.get("in_feed", True) and _utc(p["published"]).month == 11),
                   key=lambda p: _utc(p["published"]), reverse=True)
    query = feed.get("tracking_query")

    def link(p: dict) -> str:
        return prefix + p["path"] + (f"?{query}" if query else "")

    newest = max(_utc(p["modified"]) for p in pages)
    site_name = outlet.get("site_name", outlet["title"])
    if feed["format"] == "atom":
        entries = []
        for p in pages:
            authors = "".join(f"<author><name>{xml_escape(a)}</name></author>" for a in _authors(p))
            entries.append(
                f"  <entry>\n    <title>{xml_escape(p['title'])}</title>\n"
                f'    <link rel="alternate" type="text/html" href="{xml_escape(link(p))}"/>\n'
                f"    <id>{xml_escape(prefix + p['path'])}</id>\n"
                f"    <published>{_xml_date(p['published'])}</published>\n"
                f"    <updated>{_xml_date(p['modified'])}</updated>\n    {authors}\n"
                f"    <summary>{xml_escape(_description(p))}</summary>\n  </entry>")
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
            f"  <title>{xml_escape(site_name)}</title>\n  <subtitle>{xml_escape(outlet['section']['title'])}</subtitle>\n"
            f'  <link rel="self" href="{prefix}{feed["path"]}"/>\n  <link rel="alternate" href="{prefix}"/>\n'
            f"  <id>{prefix}</id>\n  <updated>{newest.isoformat()}</updated>\n"
            + "\n".join(entries) + "\n</feed>\n")
        return ATOM, body
    items = []
    for p in pages:
        creators = "".join(f"\n      <dc:creator><![CDATA[{a}]]></dc:creator>" for a in _authors(p))
        items.append(
            f"    <item>\n      <title>{xml_escape(p['title'])}</title>\n      <link>{xml_escape(link(p))}</link>\n"
            f'      <guid isPermaLink="false">{xml_escape(prefix + p["path"])}</guid>\n'
            f"      <pubDate>{format_datetime(_dt(p['published']))}</pubDate>{creators}\n"
            f"      <category>{xml_escape(outlet['section']['title'])}</category>\n"
            f"      <description>{xml_escape(_description(p))}</description>\n    </item>")
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"  <channel>\n    <title>{xml_escape(site_name)} - {xml_escape(outlet['section']['title'])}</title>\n"
        f"    <link>{prefix}</link>\n"
        f'    <atom:link href="{prefix}{feed["path"]}" rel="self" type="application/rss+xml"/>\n'
        f"    <description>Latest {xml_escape(outlet['section']['title'])} from {xml_escape(site_name)}</description>\n"
        f"    <language>en</language>\n    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n"
        + "\n".join(items) + "\n  </channel>\n</rss>\n")
    return RSS, body


def _sitemaps(site: _Site, outlet: dict) -> None:
    name = outlet["name"]
    prefix = f"{site.base}/{name}/"
    months: dict[str, list[tuple[str, str]]] = {}
    for p in outlet["pages"]:
        months.setdefault(f"{_utc(p['published']):%Y-%m}", []).append((prefix + p["path"], p["modified"]))
    about = outlet["about"]
    if about.get("in_sitemap"):
        months.setdefault("2022-11", []).append((prefix + about["path"], about.get("lastmod", "2022-11-01T09:00:00+00:00")))
    index = []
    for month in sorted(months):
        urls = sorted(months[month], key=lambda u: _utc(u[1]), reverse=True)
        body = "\n".join(f"  <url>\n    <loc>{xml_escape(u)}</loc>\n    <lastmod>{_xml_date(m)}</lastmod>\n  </url>"
                         for u, m in urls)
        site.add(f"/{name}/sitemap-{month}.xml", XML,
                 '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                 + body + "\n</urlset>\n")
        lastmod = max((m for _, m in urls), key=_utc)
        index.append(f"  <sitemap>\n    <loc>{prefix}sitemap-{month}.xml</loc>\n    <lastmod>{_xml_date(lastmod)}</lastmod>\n  </sitemap>")
    site.add(f"/{name}/sitemap_index.xml", XML,
             '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
             + "\n".join(index) + "\n</sitemapindex>\n")
    newest = max(_utc(p["published"]) for p in outlet["pages"])
    recent = sorted((p for p in outlet["pages"] if newest - _utc(p["published"]) <= timedelta(hours=48)),
                    key=lambda p: _utc(p["published"]), reverse=True)
    site_name = outlet.get("site_name", outlet["title"])
    entries = "\n".join(
        f"  <url>\n    <loc>{xml_escape(prefix + p['path'])}</loc>\n    <news:news>\n      <news:publication>\n"
        f"        <news:name>{xml_escape(site_name)}</news:name>\n        <news:language>en</news:language>\n"
        f"      </news:publication>\n      <news:publication_date>{_xml_date(p['published'])}</news:publication_date>\n"
        f"      <news:title>{xml_escape(p['title'])}</news:title>\n    </news:news>\n  </url>"
        for p in recent)
    site.add(f"/{name}/news-sitemap.xml", XML,
             '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + entries + "\n</urlset>\n")


def _robots(site: _Site) -> str:
    lines = ["# wirehouse offline replay", "User-agent: *", "Disallow: /private/"]
    lines += [f"Disallow: /{o['name']}/private/" for o in outlets()]
    # No Sitemap: lines: the host holds six outlets, each source lists its own sitemaps.
    lines += ["Allow: /"]
    return "\n".join(lines) + "\n"


def build_site(base_url: str) -> dict[str, tuple[str, bytes]]:
    """Every path the replay serves → (content type, body); absolute URLs use base_url."""
    site = _Site(base_url)
    by_path = {f"/{o['name']}/{p['path']}": (o, p) for o in outlets() for p in o["pages"]}
    site.add("/robots.txt", TEXT, _robots(site))
    links = "\n".join(f'<li><a href="{site.base}/{o["name"]}/">{_e(o["title"])}</a></li>' for o in outlets())
    site.add("/", HTML, f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>wirehouse replay</title></head>'
                        f"<body><h1>wirehouse offline replay</h1><ul>{links}</ul></body></html>\n")
    for outlet in outlets():
        name = outlet["name"]
        prefix = f"{site.base}/{name}/"
        site.add(f"/static/{name}.css", "text/css; charset=utf-8", f"/* {name} replay styles */\nbody{{margin:0}}\n")
        for page in outlet["pages"]:
            site.add(f"/{name}/{page['path']}", HTML, _article_page(site, outlet, page, by_path))
        extra = []
        if outlet.get("private"):
            priv = outlet["private"]
            extra.append((prefix + priv["path"], priv["title"]))
            site.add(f"/{name}/{priv['path']}", HTML,
                     _simple_page(site, outlet, priv["title"], prefix + priv["path"],
                                  ["Subscribers only. This page is disallowed by robots.txt and must never be fetched."]))
        section = outlet["section"]
        site.add(f"/{name}/{section['path']}", HTML, _listing(site, outlet, section["title"], prefix + section["path"], extra))
        site.add(f"/{name}/", HTML, _listing(site, outlet, f"{outlet['title']}: Latest News", prefix, []))
        about = outlet["about"]
        site.add(f"/{name}/{about['path']}", HTML, _simple_page(site, outlet, about["title"], prefix + about["path"], about["text"]))
        content_type, body = _feed(site, outlet)
        site.add(f"/{name}/{outlet['feed']['path']}", content_type, body)
        _sitemaps(site, outlet)
    return site.routes


# --------------------------------------------------------------------------- server


class RoutesHandler(BaseHTTPRequestHandler):
    """Serves what route() finds for the request, as (content type, body), or 404; GET and HEAD."""
    protocol_version = "HTTP/1.1"
    quiet = True

    def route(self) -> tuple[str, bytes] | None:
        raise NotImplementedError

    def _respond(self, with_body: bool) -> None:
        route = self.route()
        if route is None:
            content_type, body, status = TEXT, b"404 Not Found\n", 404
        else:
            (content_type, body), status = route, 200
        etag = f'"{hashlib.md5(body).hexdigest()}"'  # as static file servers do: a conditional GET may get a 304
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status, body = 304, b""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status != 404:
            self.send_header("ETag", etag)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if not self.quiet:
            super().log_message(format, *args)


class ReplayServer:
    """The replay on a ThreadingHTTPServer in a daemon thread; port 0 picks a free port.

    ``requests`` records every request path (with query) in arrival order.
    """

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, quiet: bool = True):
        self.host, self.port, self.quiet = host, port, quiet
        self.requests: list[str] = []
        self.routes: dict[str, tuple[str, bytes]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ReplayServer":
        server = self

        class Handler(RoutesHandler):
            server_version = "wirehouse-replay/1.0"
            quiet = self.quiet

            def route(self) -> tuple[str, bytes] | None:
                with server._lock:
                    server.requests.append(self.path)
                return server.routes.get(urlsplit(self.path).path)

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.routes = build_site(self.base_url)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="wirehouse-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    srv = ReplayServer(host, port, quiet=False).start()
    print(f"wirehouse replay serving {len(srv.routes)} paths at {srv.base_url}/ "
          f"(sources: WIREHOUSE_REPLAY_URL={srv.base_url} WIREHOUSE_SOURCES=seeds/replay.yaml); Ctrl-C stops",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wirehouse replay", description="Serve the offline replay of the seed outlets.")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--write-gold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_gold:
        write_gold()
        print(f"wrote {GOLD_FILE}")
        return 0
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())

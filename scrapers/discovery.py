"""Reading feeds and sitemaps: which URLs they list, and the date each one tells."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

# No entities, no network, no huge trees: feeds and sitemaps are untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class Listing:
    url: str
    date: datetime | None


@dataclass(frozen=True)
class KnownListing:
    """A listing's last full read (raw.listings): its validators and what it listed."""
    kind: str  # feed | sitemap | sitemap_index | section
    etag: str | None
    last_modified: str | None
    entries: tuple[Listing, ...]

    def conditional_headers(self) -> dict[str, str]:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class NotAListing(ValueError):
    """The body is not a feed or sitemap we can read."""


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or W3C/ISO 8601 (Atom, sitemaps); naive values are taken as UTC."""
    if not value or not value.strip():
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = datetime.combine(date.fromisoformat(value[:10]), time())
            except ValueError:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _root(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAListing(f"not XML: {exc}") from exc
    if root is None:
        raise NotAListing("empty document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_json_feed(body: bytes) -> list[Listing]:
    """JSON Feed 1.x items: url (else external_url), date_published (else date_modified)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAListing(f"not JSON: {exc}") from exc
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise NotAListing("not a JSON Feed: no items list")
    listings = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if isinstance(link, str) and link.strip():
            when = item.get("date_published") or item.get("date_modified")
            listings.append(Listing(link.strip(), parse_date(when if isinstance(when, str) else None)))
    return listings


def parse_feed(body: bytes) -> list[Listing]:
    """RSS 2.0 items, Atom entries (pubDate / published / updated) or a JSON Feed's items."""
    if body.lstrip()[:1] == b"{":
        return parse_json_feed(body)
    root = _root(body)
    listings = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "item":
            link = _child_text(element, "link")
            when = _child_text(element, "pubDate", "date", "published", "updated")
        elif name == "entry":
            link = None
            for child in element:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    link = child.get("href")
                    break
            when = _child_text(element, "published", "updated")
        else:
            continue
        if link:
            listings.append(Listing(link.strip(), parse_date(when)))
    if not listings and _local(root.tag) not in ("rss", "feed", "RDF"):
        raise NotAListing(f"not a feed: root element <{_local(root.tag)}>")
    return listings


def parse_sitemap(body: bytes) -> tuple[str, list[Listing]]:
    """('index', child sitemaps) or ('urlset', pages); a page's date is its news:publication_date, else lastmod."""
    root = _root(body)
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise NotAListing(f"not a sitemap: root element <{kind}>")
    entry_tag = "sitemap" if kind == "sitemapindex" else "url"
    listings = []
    for element in root:
        if _local(element.tag) != entry_tag:
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        when = _child_text(element, "publication_date") or _child_text(element, "lastmod")
        listings.append(Listing(loc, parse_date(when)))
    return ("index" if kind == "sitemapindex" else "urlset"), listings

"""Read the metadata a page declares about itself: JSON-LD and <meta> tags."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "scholarlyarticle", "techarticle", "report",
}
# Other works a page may be about, whose author is the page's author; their "name" is the dish, not the headline
OTHER_WORK_TYPES = {"recipe"}


@dataclass
class JsonLdArticle:
    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_are_organisations: bool = False  # the page names no person, only an Organization, as the author
    live_blog: bool = False  # a LiveBlogPosting: datePublished is when coverage began, the page shows its latest update
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    description: str | None = None
    url: str | None = None
    publisher: str | None = None


class MetaTags(dict[str, str]):
    """<meta> name/property/itemprop → content, lower-cased keys, the first occurrence of a key; ``every``
    gives all of a key's values (a name or property repeated for each of several authors; not an itemprop
    repeated, which is of the items nested in the page, such as the works it cites)."""

    def __init__(self) -> None:
        super().__init__()
        self._all: dict[str, list[str]] = {}

    def add(self, key: str, content: str, repeatable: bool) -> None:
        values = self._all.setdefault(key, [])
        if key not in self or (repeatable and content not in values):
            values.append(content)
        self.setdefault(key, content)

    def every(self, key: str) -> list[str]:
        return self._all.get(key, [])


def read_meta(tree: HtmlElement) -> MetaTags:
    meta = MetaTags()
    for element in tree.iter("meta"):
        named = element.get("property") or element.get("name")
        key = named or element.get("itemprop") or element.get("http-equiv")
        content = unescape((element.get("content") or "").strip())
        if key and content:
            meta.add(key.strip().lower(), content, repeatable=bool(named))
    return meta


# Between the names of several authors: "A, B", "A; B", "A & B", "A / B"; "A and B", "A und B", "A et B", "A y B",
# "A e B", "A og B" when both are short enough to be names ("Landesanstalt für Wald und Forstwirtschaft" is one).
# The words only in lower case and set apart ("E" and "Y" are initials, "e.V." ends a club's name).
_NAME_MARKS = re.compile(r"\s*[,;&/]\s*")
_NAME_AND = re.compile(r"\s+(?:and|und|et|y|e|og|i)\s+")
MAX_JOINED_NAME_WORDS = 3


def split_names(value: str) -> list[str]:
    """The names in a value naming several people."""
    if "://" in value or "www." in value:  # a profile's address, not names ("https://www.facebook.com/outlet")
        return [value]
    names = []
    for part in _NAME_MARKS.split(value):
        joined = _NAME_AND.split(part)
        names.extend(joined if all(len(n.split()) <= MAX_JOINED_NAME_WORDS for n in joined) else [part])
    return [n for n in names if n]


def _json_objects(tree: HtmlElement, containing: str | None = None) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts, @graph members flattened; only the scripts whose
    text holds ``containing``, when given, are parsed."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                walk(node["@graph"])

    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        if containing and containing not in raw:
            continue
        # CMSs sometimes wrap JSON-LD in HTML comments or CDATA
        raw = re.sub(r"^\s*(?:<!--|/\*<!\[CDATA\[\*/|//<!\[CDATA\[)|(?:-->|/\*\]\]>\*/|//\]\]>)\s*$", "", raw)
        try:
            walk(json.loads(raw, strict=False))
        except ValueError:
            continue
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def declared_types(tree: HtmlElement) -> set[str]:
    """Every @type the page's JSON-LD declares, lower-cased."""
    return set().union(*(_types(o) for o in _json_objects(tree)))


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and value.strip():
        return " ".join(unescape(value).split())
    return None


def unescape(value: str) -> str:
    """Undo HTML escaping that CMSs leave in JSON-LD and meta values ("M&#038;A", "&amp;#8230;")."""
    for _ in range(2):
        if "&" not in value or ";" not in value:
            break
        value = html.unescape(value)
    return value


# The CMS's administrator account named as the author ("author/admin/"): the site posting, not a writer.
_ADMIN_PROFILE = re.compile(r"/author/(?:admin|administrator|webmaster)/?$", re.I)


def _author_names(value: Any, by_id: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(people, organisations) named in a schema.org author value (a site may name itself
    or its company the author; the caller prefers a person when the page names one)."""
    values = value if isinstance(value, list) else [value]
    people: list[str] = []
    organisations: list[str] = []
    for item in values:
        if isinstance(item, dict) and set(item) <= {"@id"} and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        if isinstance(item, str):
            people.extend(split_names(unescape(item)))
        elif isinstance(item, dict):
            name = _text(item.get("name"))
            if name:
                if _types(item) & {"organization", "newsmediaorganization"} or _ADMIN_PROFILE.search(
                        str(item.get("@id") or item.get("url") or "")):
                    organisations.append(name)
                else:  # "Jane Doe, MS, RD", "Jane Doe, Professor of Law": credentials or affiliation after a comma
                    people.extend(split_names(name.split(",")[0]))
    return people, organisations


def read_json_ld(tree: HtmlElement) -> JsonLdArticle | None:
    """The first article-typed JSON-LD object on the page (else a recipe's), or None."""
    objects = _json_objects(tree)
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    article = next((o for o in objects if _types(o) & ARTICLE_TYPES), None)
    is_article = article is not None
    article = article or next((o for o in objects if _types(o) & OTHER_WORK_TYPES), None)
    if article is None:
        return None
    entity = article.get("mainEntityOfPage")
    people, organisations = _author_names(article.get("author", []), by_id)
    return JsonLdArticle(
        headline=_text(article.get("headline")) or (_text(article.get("name")) if is_article else None),
        authors=people or organisations,
        authors_are_organisations=not people and bool(organisations),
        live_blog="liveblogposting" in _types(article),
        published=_text(article.get("datePublished")) or _text(article.get("dateCreated")),
        modified=_text(article.get("dateModified")),
        language=_text(article.get("inLanguage")),
        description=_text(article.get("description")),
        url=_text(article.get("url")) or (entity.get("@id") if isinstance(entity, dict) else _text(entity)),
        publisher=_text(article.get("publisher")) if not isinstance(article.get("publisher"), dict)
        else _text(by_id.get(article["publisher"].get("@id"), article["publisher"]).get("name")),
    )


def article_bodies(tree: HtmlElement) -> list[str]:
    """Every articleBody the page's JSON-LD declares, at any depth, as written."""
    return [body for obj in _json_objects(tree, "articleBody") for body in _article_bodies(obj)]


def _article_bodies(node: Any) -> list[str]:
    if isinstance(node, list):
        return [body for item in node for body in _article_bodies(item)]
    if not isinstance(node, dict):
        return []
    own = [node["articleBody"]] if isinstance(node.get("articleBody"), str) else []
    return own + [body for value in node.values() if isinstance(value, (dict, list)) for body in _article_bodies(value)]


def person_descriptions(tree: HtmlElement) -> dict[str, str]:
    """name → description of every schema.org Person the page's JSON-LD describes (an SEO plugin's profile of the
    post's author: "Nils" described as "Nils Pickert ist freier Autor…")."""
    found: dict[str, str] = {}
    for obj in _json_objects(tree, "Person"):
        name, description = _text(obj.get("name")), _text(obj.get("description"))
        if "person" in _types(obj) and name and description:
            found.setdefault(name, description)
    return found


def webpage_published(tree: HtmlElement) -> str | None:
    """datePublished of the page's schema.org WebPage: the date a page without Article
    data declares (SEO plugins describe every post as a WebPage in their @graph)."""
    for obj in _json_objects(tree):
        if "webpage" in _types(obj):
            published = _text(obj.get("datePublished"))
            if published:
                return published
    return None

"""Authors: JSON-LD and meta declarations, visible by-lines and author links; never a site, a label or a commenter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import chain, islice
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, builder

from extract.metadata import host_labels, site_names, squash, visible_text
from extract.structured import JsonLdArticle, MetaTags, person_descriptions, split_names, unescape

# "By" in the languages the pipeline meets, and the words that lead to it: "Written by", "Geschrieben von",
# "Publié par", "Escrito por", "Scritto da", "Geschreven door", "Skrevet av", "Napisane przez". Italian "di" and "da"
# only in lower case: they also start surnames ("Di Maio"); "av" and "af" not in capitals ("AF Group").
_BY_WORD = r"(?:by|von|vom|par|por|door|przez|(?-i:[Aa][vf]|di|da))"
_LEAD_WORD = (r"(?:written|posted|reported|reviewed|edited|published|words|story|text|article|recipe|"
              r"geschrieben|verfasst|erstellt|eingestellt|veröffentlicht|gepostet|(?:ein\s+)?artikel|beitrag|rezept|"
              r"publié|écrit|rédigé|texte|escrito|publicado|redactado|artículo|texto|"
              r"scritto|pubblicato|articolo|testo|geschreven|skrevet|skriven|napisane|napisany|opublikowane)")
_BY_WORDS = (rf"(?:(?:{_LEAD_WORD}|this (?:post|article|story|piece|guide) was (?:written|created|contributed)|"
             r"(?:(?:view|see|read)\s+)?(?:all|more)\s+(?:articles|posts|stories)|"
             rf"(?:alle|alles|mehr)(?:\s+(?:artikel|beiträge))?)\s+)?{_BY_WORD}")
# A label before the name: "Author:", "Autorin:", "Auteur :", "Autor:", "Text:", "Autorin/Autor"
_ONE_LABEL = (r"(?:authors?|author\(s\)|contributors?|autor(?:in|en|innen|a|as|es|ka|zy)?|auteur(?:e|s|es)?|"
              r"autore|autori|verfasser(?:in)?|författare|forfatter|text|texte|texto|testo|interview)")
_LABEL_WORD = rf"(?:{_ONE_LABEL}(?:\((?:s|es|e|in)\))?(?:\s*/\s*{_ONE_LABEL})?)"
# Wire services: a page may credit one alone ("Von dpa", "By The Associated Press"); a person named anywhere wins.
_AGENCIES = (
    "reuters", "associated press", "ap", "afp", "agence france-presse", "agence france presse", "press association",
    "pa media", "pa", "upi", "dpa", "ani", "pti", "ians", "bloomberg", "efe", "agencia efe", "ansa", "apa", "epd",
    "kna", "sda", "keystone-sda", "anp", "belga", "tt", "ntb", "ritzau", "pap", "ctk", "anadolu", "anadolu ajansı",
    "anadolu agency", "xinhua", "kyodo", "jiji", "yonhap", "tass", "agencies", "agenturen", "agences", "agencias",
)
# "Associated Press in Valencia", "Reuters in Washington": a wire service with the place it filed from
_AGENCY = re.compile(rf"(?:the )?(?:{'|'.join(re.escape(a) for a in _AGENCIES)})(?: in [A-Z][\w.' -]*)?", re.I)
_NOT_A_PERSON = re.compile(
    r"view (?:more|all) posts|^(?:(?:all|more|other) )?(?:articles|posts|stories) (?:by|from)\b|learn more|read more|"
    r"view profile|\.\.\.|…|^admin(?:istrator)?$|https?://|www\.|@|[?*:=<>{}\[\]|/\\]|"
    r"^(?:(?:facebook|twitter|x|tweet|pin|pinterest|share|email|e-mail|linkedin|instagram|whatsapp|"  # buttons
    r"telegram|xing|reddit|threads|bluesky|mastodon|follow|folgen|subscribe|abonnieren)\s*)+$|"
    rf"^(?:{_BY_WORDS}|{_LEAD_WORD}(?:\s+(?:on|am|le|el|il))?|{_LABEL_WORD}|name|anonymous|guest|unknown|none|null|"
    # a template's placeholder or field name: "undefined", "publisher", "No Author", "Unbenannt"
    r"undefined|publisher|category|date|no author|untitled|unbenannt|anonym|anonyme|anónimo|anonimo)$|"
    rf"^(?:more|all) (?:posts|articles|stories)$|\s{_BY_WORD}$|"
    rf"^(?:about|über|sobre|à propos de|a proposito d)\s+(?:the|den|die|l'|el|la|le|lo)?\s*{_ONE_LABEL}|"
    r"^(?:written|posted) by$|\w\.\w+\.\w",  # a label; a template placeholder ("page.head.author")
    re.I,
)
# A number in a name: a date, a count or a login ("editor_2"), except in an outlet's name declared as the author
# beside two capitalised words ("98 Buck Social") or a newsroom's ("BR24 Redaktion")
_DIGIT = re.compile(r"\d")
_NAME_WITH_NUMBER = re.compile(r"(?=(?:.*\b[A-Z][a-z]+\b){2})[\w ]+")
# The outlet itself with a generic word ("Newsmax Staff", "The Example Times Newsroom") is not a person.
_COLLECTIVE = re.compile(r"\b(?:staff|team|newsroom|editors?|editorial|desk|bureau|reporters?|writers?)\b", re.I)
_NEWSROOM = re.compile(
    rf"{_COLLECTIVE.pattern}|\b(?:redaktion|rédaction|redacción|redação|redazione|redactie|redakcja)\b", re.I)
_BYLINE_CUT = re.compile(r"\s*(?:\||•|·|⋅|\n|\s[-–—/]\s|\bupdated\b|\bpublished\b|\blast\b|"
                         # a date after the name: "on 3 May", "am 20.09.", "am Samstag", "le 07 mai", "le lundi"
                         r"\b(?:on|am|le|el|il|op|den)\s+(?=\d|\w+(?:day|tag|di|dì)\b)|"
                         r"\bon behalf of\b|"
                         # the writer's job after the name: "Danielle Padula, Head of Marketing and Community Development"
                         r",\s*(?:head|director|vice president|vp|chief|editor|manager|founder|co-founder|ceo|cto|president)\b"
                         r").*$",
                         re.I | re.S)
# The writer's initials or agency after the name: "Elena Oberholzer (obe)", "Jane Doe (AP)"
_INITIALS_AFTER = re.compile(r"\s*\([a-z]{2,4}\.?\)$")
# A degree or licence written after a name ("Jillian Kubala, MS, RD"), not an agency or a newsroom ("Adam Vidler, AP")
_CREDENTIAL = re.compile(r"(?:Ph\.?\s?D|M\.?\s?D|D\.?\s?O|M\.?\s?Sc?|B\.?\s?Sc?|B\.?\s?A|M\.?\s?A|MBA|MPH|MFA|JD|LL\.?\s?[BM]|"
                         r"RD|RDN|LD|RN|NP|PA-C|DVM|DDS|DMD|PharmD|CPA|CFA|CFP|CPP|PSP|PE|MSW|LCSW|FACP|FRCP|MRCP)\.?")
# A name in quotes: '"David Kim"' (a nickname inside one, 'Paul "Bear" Bryant', stays)
_QUOTED = re.compile(r'^["“„«»]([^"“”„«»]+)["”“»«]$')
# A link's arrow or the writer's handle after the name: "Stefanus →", "Williams Perdomo @wperdomod"
_TRAILING_SYMBOLS = re.compile(r"\s*[→↗➔»›>]+$|\s+@[\w.]+$")
# Dates glued to the end of a byline: "Jane Doe December 9", "Jane Doe Sat"
_TRAILING_DATE = re.compile(
    r"(?:\s+(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d.*|"  # a month only with its day: "Tom May" is a name
    r"(?:mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?(?:\s+\d.*)?))+$",
    re.I)

_DATE_WORD = re.compile(r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?|"  # "Dec" left of a date
                        # a weekday left of a date: "von Montag, den 1. Mai", "par lundi", "por lunes"
                        r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi|mercredi|"
                        r"jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo", re.I)


# A writer's job after a name: "Christoph Hein Chefredakteur", "신현주 기자" ("The Currency editors" is a team)
_JOB_TITLES = {"chefredakteur", "chefredakteurin", "redakteur", "redakteurin", "journalistin", "korrespondentin",
               "korrespondent", "rédacteur", "rédactrice", "journaliste", "periodista", "redactor", "redactora",
               "giornalista", "redattore", "redactrice", "verslaggever", "dziennikarz", "기자", "특파원"}
# A role or a share button after the name: "Jane Doe Contributing Writer", "Jane Doe Facebook Tweet Pin"
_ROLE_WORDS = {
    "writer", "writers", "editor", "reporter", "coordinator", "correspondent", "contributor", "manager", "director",
    "producer", "columnist", "journalist", "analyst", "strategist", "specialist", "photographer", "expert",
    "senior", "staff", "contributing", "content", "marketing", "managing", "head", "founder", "co-founder", "ceo",
    "associate", "chief", "deputy", "executive", "tech", "technology", "health", "news", "lead", "freelance",
    "guest", "digital", "social", "editorial", *_JOB_TITLES, "facebook", "tweet", "twitter", "pin", "pinterest",
    "share", "email", "linkedin", "instagram", "sponsored",
    # a link to the writer's other articles or profile: "Jane Doe Alle Artikel Kontakt", "Jane Doe Follow"
    "follow", "folgen", "all", "alle", "articles", "artikel", "contact", "kontakt", "profile", "profil", "more", "mehr",
}


def _without_role(name: str) -> str:
    """"Jane Doe Contributing Writer", "신현주 기자" → "Jane Doe", "신현주"; a team's name ("Great Day Editorial
    Team") stays whole."""
    words = name.split()
    if len(words) in (2, 3) and words[-1].casefold() in _JOB_TITLES:
        return " ".join(words[:-1])
    if len(words) < 4 or words[-1].casefold() in {"team", "staff", "newsroom", "desk", "bureau"}:
        return name
    for i, word in enumerate(words[2:], start=2):
        if word.casefold().strip(".,") in _ROLE_WORDS:
            return " ".join(words[:i]).split(",")[0]
    return name


def _without_avatar_initials(name: str) -> str:
    """"CM Craig McCarthy" → "Craig McCarthy": the initials an avatar shows in place of a photo."""
    first, _, rest = name.partition(" ")
    initials = "".join(word[0] for word in rest.split())
    return rest if len(first) > 1 and first.isupper() and first == initials.upper() else name


def clean_authors(names: list[str], sites: set[str] = frozenset(), hosts: set[str] = frozenset(),
                  declared: bool = False, max_words: int = 5, typed: bool = False) -> list[str]:
    """People and bylined teams only: no boilerplate, URLs, dates or sentences; no duplicates.

    ``sites`` are the names the page declares for itself (og:site_name, publisher)
    and ``hosts`` the domain's labels: a name equal to one of them is dropped.
    Callers pass them only for guessed names; a name the page itself declares as the
    author (JSON-LD, meta, a byline) is kept even when it names the outlet
    ("Escalon", "Resy Staff"), since that is what the page says. A ``declared``
    name (JSON-LD, meta) may be written all in lower case ("annette thurmon");
    a guessed one that mixes in lower-case words is a phrase ("view the archive"), and so is a name from the
    meta tags ("Fuchsy designed"), but not one the JSON-LD gives as an author (``typed``) that begins with a
    capital ("Mobasir hassan", "FOCUS online").
    An organisation's name may run past a person's ``max_words`` ("Center for Drug
    Evaluation and Research").
    """
    people: list[str] = []
    for name in names:
        name = " ".join(unescape(name).split())
        name = _BYLINE_CUT.sub("", _BYLINE_PREFIX.sub("", name)).strip(" ,;:-©")
        name = _TRAILING_SYMBOLS.sub("", _INITIALS_AFTER.sub("", _QUOTED.sub(r"\1", name)))
        name = _without_role(_TRAILING_DATE.sub("", name).strip(" ,;:-"))
        # "Posted by David at <date>" once the date is cut; "<a>Erik</a> ."; "Jane Doe in <a>Category</a>"
        name = re.sub(r"\s+(?:at|on|in|\.)$", "", name)
        name = _without_avatar_initials(name)
        words = name.split()
        if (not 1 <= len(words) <= max_words or len(name) > 60 or _NOT_A_PERSON.search(name) or _SENTENCE_END.search(name)
                or name.count("(") != name.count(")")  # a piece of a caption: "iStockphoto)"
                or (_DIGIT.search(name) and not (declared and (_NAME_WITH_NUMBER.fullmatch(name)
                                                               or _NEWSROOM.search(name))))
                or _TRAILING_DATE.fullmatch(" " + name) or _DATE_WORD.fullmatch(name)):
            continue
        key = squash(name)
        if key in sites or key in hosts or squash(_COLLECTIVE.sub("", name)) in sites | hosts | {""}:
            continue
        if len(words) > 1 and not (declared and name.islower()) and not (typed and words[0][0].isupper()) and any(
                w[0].islower() for w in words if w.isalpha() and len(w) > 3 and not _COLLECTIVE.fullmatch(w)):
            continue  # a phrase, not a name ("view the archive"); one-word handles may be lower case
        if _CREDENTIAL.fullmatch(name) and people and " " in people[-1]:
            continue  # "Jillian Kubala, MS, RD": the degrees after a name
        same = next((i for i, p in enumerate(people) if _name_key(p) == _name_key(name)), None)
        if same is None:
            people.append(name)
        elif " " not in people[same] and " " in name:  # "sophie-foster" (a profile's slug), then "Sophie Foster"
            people[same] = name
    return people


def _name_key(name: str) -> str:
    return folded(name) or name.casefold()  # folded() keeps only what has a Latin spelling


def _split_names(value: str) -> list[str]:
    return split_names(_BYLINE_PREFIX.sub("", value))


def _names_in(texts: list[str]) -> list[str]:
    return [n for text in texts for n in _split_names(_BYLINE_CUT.sub("", " ".join(text.split())))]


# Links to an author's page: /author/jane-doe, /authors/…, /writers/…, /people/…, ?author=…
_AUTHOR_HREF = re.compile(
    r"/(?:author|authors|writer|writers|contributor|contributors|people|profiles?|producers|journalists?|staff|by)/"
    r"[^/?#]+/?(?:[?#].*)?$|[?&]_?author=", re.I)
# A date before "by" on a dateline: "03/01/2017 by", "Last updated March 3, 2025 by", "12/19 — 2025 by",
# "06.11.2023 13:30 von", "Dezember 10, 2019 · von", "10. Dezember 2019 von".
_DATE_BEFORE_BY = (r"(?:(?:last\s+)?(?:updated|posted|published|veröffentlicht|aktualisiert|publié|publicado|pubblicato)"
                   r"(?:\s+(?:on|am|le|el|il))?\s+)?"
                   r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?(?:\s*[—–-]\s*\d{4})?|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}|"
                   r"[^\W\d_]{3,10}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
                   r"\d{1,2}\.?\s+[^\W\d_]{3,10}\.?,?\s+\d{4})(?:,?\s+\d{1,2}:\d{2}(?:\s*(?:uhr|h|am|pm))?)?"
                   r"\s*[,|·•—–-]?\s*")
_BYLINE_PREFIX = re.compile(rf"^\s*{_BY_WORDS}[:\s]+|^\s*(?:{_LABEL_WORD}(?!\w)|written by|posted by|reviewed by)"
                            r"\s*:?\s*(?=[A-Z])", re.I)
_LEADING_MARK = r"(?:[|·•–—-]+\s*)?"  # "| By Cara Stiles |", "---- by Kenneth Surin"
_BY_TEXT = re.compile(rf"^\s*{_LEADING_MARK}(?:{_DATE_BEFORE_BY})?(?:{_BY_WORDS}\s*:?|{_LABEL_WORD}\s*:)\s+(?=\S)", re.I)
# "<div>Written by</div><div>Jack Shepherd</div>": a label whose name is the next element
_BY_LABEL_ONLY = re.compile(rf"\s*(?:{_BY_WORDS}|{_LABEL_WORD})\s*:?\s*", re.I)
MAX_BY_LINE_CHARS = 80  # once a date or "on <date>" after the name is cut
# A page's own footer, navigation, sidebars and forms hold no byline; an article's <footer> or <aside> often does
# (WordPress themes, a metadata panel). A <nav> or <aside> holding the headline and a paragraph of text is one left
# unclosed, which the parser stretched over the whole page (a logo's <h1> in a real <nav> comes with no paragraph).
_SWALLOWED_PAGE = ".//h1 and .//p[string-length(normalize-space()) > 200]"
_FURNITURE_BUT_ASIDES = ("self::script or self::style or self::form or self::footer[not(ancestor::article)]"
                         f" or (self::nav and not({_SWALLOWED_PAGE}))")
_NOT_BYLINE = (f"ancestor-or-self::*[{_FURNITURE_BUT_ASIDES}"
               f" or (self::aside and not(ancestor::article or ({_SWALLOWED_PAGE})))"
               # a commenter is not the author (a page's own class "showing-comments" says nothing)
               ' or (contains(@class, "comment") and not(self::body or self::html))]')
# A sidebar's panel labelled "Author" names the page's author
_NOT_LABELLED_BYLINE = f"ancestor-or-self::*[{_FURNITURE_BUT_ASIDES}]"


def _is_name_like(name: str) -> bool:
    """A guessed byline must look like a name: 1-5 words, the first one capitalised (or a wire service: "dpa")."""
    words = name.split()
    return 1 <= len(words) <= 5 and (words[0][:1].isupper() or bool(_AGENCY.fullmatch(name)))


_BY_START = re.compile(rf"\s*{_LEADING_MARK}{_BY_WORDS}\b", re.I)
_DATED_BY_START = re.compile(rf"\s*{_DATE_BEFORE_BY}{_BY_WORDS}\b", re.I)  # tried only when " by" is near the start
_BY_NEAR_START = re.compile(rf"\s{_BY_WORD}\s", re.I)
# "Author: X" also names the authors of things cited; "Author" alone labels the element after it
_LABEL_START = re.compile(rf"\s*{_LABEL_WORD}\s*(?::|$)", re.I)
_LISTS = {"ul", "ol", "menu", "nav", "table", "tbody", "tr"}
_LABEL_LEAD = re.compile(rf"\s*{_LABEL_WORD}\s+(?=[^\W\d])", re.I)
# "<h3>Author</h3><p>Jane Doe</p>"; an inline "<span>Authors:</span><a>…</a>, <a>…</a>" heads a line of several names
_LABEL_BLOCKS = {"h2", "h3", "h4", "h5", "h6", "dt", "th", "div", "p"}


_TEXT_NODES = etree.XPath("//text()[normalize-space()][not(parent::script or parent::style)]")


def _line_elements(tree: HtmlElement):
    """Short elements reading "By Jane Doe …" or "Contributors: Jane Doe", found from their own text in one
    pass over the page: (element, whether it is a label line)."""
    candidates = 0
    for text in _TEXT_NODES(tree):  # strings, not elements: the few that may open a byline are followed up
        is_label = not (_BY_START.match(text)
                        or (_BY_NEAR_START.search(text.lstrip()[:60]) and _DATED_BY_START.match(text)))
        if is_label and not _LABEL_START.match(text):
            continue
        candidates += 1
        if candidates > 20:
            return
        element = text.getparent().getparent() if text.is_tail else text.getparent()
        label = element
        for _ in range(3):  # "<p><span>By</span> <a>Jane Doe</a></p>": the line is an ancestor
            if element is None or element.tag in {"body", "html"}:
                break
            line = visible_text(element)
            if len(_BYLINE_CUT.sub("", _BY_TEXT.sub("", line))) > MAX_BY_LINE_CHARS or len(line) > 3 * MAX_BY_LINE_CHARS:
                if element is not label and _link_follows(label) and not label.xpath(_NOT_BYLINE):
                    yield label.getnext(), is_label
                break
            if _BY_LABEL_ONLY.fullmatch(line) and (not is_label or element.tag in _LABEL_BLOCKS):
                # "<h5>Autor:</h5> Peter Maahn": the name may follow as bare text
                tail = (element.tail or "").strip()
                name = builder.SPAN(tail) if tail else element.getnext()
                if (name is not None and 0 < len(visible_text(name)) <= MAX_BY_LINE_CHARS
                        and not (element if tail else name).xpath(_NOT_LABELLED_BYLINE if is_label else _NOT_BYLINE)):
                    yield name, is_label
            # "<li><b>Autor</b> Nikolai Huke</li>": a label standing alone needs no colon
            # (within one item, not across a list's tabs: "<li>Author</li><li>Recent Posts</li>")
            if (_BY_TEXT.match(line) or (is_label and element.tag not in _LISTS and _LABEL_LEAD.match(line))) \
                    and len(line.split()) > 1:
                if not element.xpath(_NOT_BYLINE):
                    yield element, is_label
                break
            element = element.getparent()


def _link_follows(label: HtmlElement) -> bool:
    """"<strong>Autor:</strong> <a href="/profil/207">Jane Roe</a>": a link right after a label alone in its element,
    in a line too long to be a byline, as it goes on with other fields ("<br><strong>Tags:</strong> …")."""
    following = label.getnext()
    return (_BY_LABEL_ONLY.fullmatch(visible_text(label)) is not None and not (label.tail or "").strip()
            and following is not None and following.tag == "a")


def _people(names: list[str], marked_up: bool = False) -> list[str]:
    """Names that look like names; ``marked_up`` ones (an author box's name element) may be written in lower case
    ("crazy lennys")."""
    return clean_authors([n for n in names if _is_name_like(n) or (marked_up and n.islower() and len(n.split()) > 1)],
                         declared=marked_up)


# Credentials after a name on a by-line, then the writer's job and employer: "Vanessa Mendez, MD, gastroenterologist, Parkview Health."
_CREDENTIALS_ON = re.compile(r",\s*(?:md|m\.d\.|phd|ph\.d\.|dvm|vmd|rn|bsn|msn|dds|dmd|np|mph|lcsw|rdn?|cpa|cfp|esq|mba)(?![\w.]).*$",
                             re.I | re.S)


def _names_on_by_line(line: HtmlElement) -> list[str]:
    """"Written by: <a>Emily Walker</a><a>Casey McDevitt</a>": each link is a name, even when nothing separates them."""
    links = [visible_text(a) for a in line.iter("a") if _AUTHOR_HREF.search(a.get("href", ""))]
    if links:
        return _people(_names_in(links))
    return _people(_names_in([_CREDENTIALS_ON.sub("", _BY_TEXT.sub("", visible_text(line)))]))


_LINE_PARTS = re.compile(r"\s*[|•·⋅]\s*")


def _names_in_author_box(node: HtmlElement) -> list[str]:
    """An element whose class says author: its name element, else its whole text when that is a name,
    else one of its first lines or parts of a line that is one ("Dec 17, 2025" then "Julian K. Arni";
    "Dec. 19, 2025 · Niko Matsakis on behalf of …"; a name above a bio)."""
    inner = node.xpath('.//*[@rel="author" or contains(@class, "name")]')
    # a part of a byline that does not say author may be its tag or section ("Lifestyle"): full names only
    full_names_only = not inner and "author" not in (node.get("class") or "").lower()
    people = _people(_names_in([visible_text(t) for t in inner] or [visible_text(node)]), marked_up=bool(inner))
    if _several_people(people, full_names_only):
        return people
    pieces = [part for piece in node.itertext() if piece.strip() for part in _LINE_PARTS.split(piece)][:4]
    for piece in pieces:
        people = _people(_names_in([piece])) if 1 < len(piece.split()) <= 8 else []
        if _several_people(people, full_names_only):
            return people
    return []


def _several_people(names: list[str], full_names_only: bool = False) -> bool:
    """One name, or several full names: "Wellness & Prevention" is a section, not two people."""
    if full_names_only or len(names) > 1:
        return bool(names) and all(len(name.split()) > 1 for name in names)
    return len(names) == 1


def _link_name(link: HtmlElement) -> str:
    """A link's text, or for an avatar-only link the name it carries as its label, title or picture's alt text."""
    text = visible_text(link)
    if text:
        return text
    alts = [img.get("alt", "") for img in link.iter("img")]
    return next((v.strip() for v in (link.get("aria-label"), link.get("title"), *alts) if v and v.strip()), "")


def _same_site(href: str, url: str | None) -> bool:
    """A relative link, or one to the page's own host (not a social profile elsewhere)."""
    netloc = urlsplit(href).netloc
    return not netloc or (url is not None and netloc.lower().removeprefix("www.") ==
                          (urlsplit(url).netloc or "").lower().removeprefix("www."))


def _byline_candidates(tree: HtmlElement, url: str | None):
    """Names from the page's visible byline, trying the most explicit markup first:
    rel/itemprop=author; a short "By Jane Doe" line; a link to an author page on
    the same site; an "Author: Jane Doe" line; elements whose class says byline or
    author, outside comments. A candidate that holds no name (a date, a label) does
    not end the search. Yields the names of each candidate, best first."""
    explicit = tree.xpath('//*[@rel="author" or @itemprop="author"][not(self::meta or self::link or self::script)]'
                          f'[not({_NOT_BYLINE})]')
    for node in explicit[:5]:
        inner = node.xpath('.//*[@itemprop="name"]')
        people = clean_authors(_names_in([visible_text(t) for t in inner] or [visible_text(node)]))
        if people:
            yield people
    label_lines = []
    for node, is_label in _line_elements(tree):
        people = [] if is_label else _names_on_by_line(node)
        if people:
            yield people
        if is_label:
            label_lines.append(node)
    for link in tree.iter("a"):
        href = link.get("href", "")
        # a site's own author page, not a social profile
        if _AUTHOR_HREF.search(href) and _same_site(href, url) and not link.xpath(_NOT_BYLINE):
            people = _people(_names_in([_link_name(link)]))
            if people:
                yield people
    for node in label_lines:
        people = _names_on_by_line(node)
        if people:
            yield people
    nodes = tree.xpath(  # "author", "Author" (camel case: "dateAndAuthorContainer")
        '//*[contains(@class, "byline") or contains(@class, "Byline") or contains(@class, "author")'
        ' or contains(@class, "Author")][not(self::meta or self::link or self::script or self::body or self::html)]'
        '[not(ancestor-or-self::button)]'  # "Follow the author", "Cancel": a control, not a name
        f'[not({_NOT_BYLINE})]'
        '[not(contains(@class, "description"))]'  # nor the writer's description of themselves
    )
    for node in nodes[:8]:
        people = _names_in_author_box(node)
        if people:
            yield people
    yield from _names_under_portraits(tree)


def _signatures(tree: HtmlElement):
    """Names that only their place marks as the writer's (see ``_names_set_apart``, ``_names_on_dateline``): looked
    at when neither the metadata nor a byline names anyone but the outlet. A heading in title case is made of
    words the page also writes in lower case ("Best Practices", "Privacy Policy"); a name's words are not."""
    ordinary: set[str] | None = None
    for people in chain(_names_set_apart(tree), _names_on_dateline(tree)):
        ordinary = _LOWER_CASE_WORD.findall(tree.text_content()) if ordinary is None else ordinary
        if not {w.casefold() for p in people for w in p.split()} & set(ordinary):
            yield people


_LOWER_CASE_WORD = re.compile(r"(?<![\w'’-])[^\W\d_A-ZÀ-ÖØ-Þ][\w'’-]*")


_ARTICLES = {"the", "a", "an", "der", "die", "das", "dem", "den", "des", "ein", "eine", "zur", "zum", "im", "le", "la",
             "les", "un", "une", "el", "los", "las", "il", "lo", "gli", "het", "een"}
_PARTICLES = {"von", "van", "de", "der", "den", "da", "di", "du", "del", "della", "le", "la", "bin", "ibn", "al", "el"}


def _looks_like_full_names(text: str) -> bool:
    """"Mohloai Mpesi", "MTHOBISI SITHOLE", "Lê Phương", "Anna Roe/Tom Poe": two to four capitalised words a name,
    nothing else (no digits, no sentence)."""
    names = split_names(text)
    for name in names:
        if name.split()[0].casefold() in _ARTICLES:  # a heading: "Die Haubenfahrzeuge der Nachkriegszeit"
            return False
        words = [w for w in name.split() if w.casefold() not in _PARTICLES]
        if not 2 <= len(words) <= 4 or not all(w[0].isupper() and w.replace("-", "").replace(".", "").replace("'", "")
                                                .isalpha() for w in words):
            return False
    return 0 < len(names) <= 3


def _body_paragraphs(tree: HtmlElement) -> list[HtmlElement]:
    """The paragraphs of the article's body: the siblings holding the most paragraph text."""
    siblings: dict[HtmlElement, list[HtmlElement]] = {}
    for paragraph in tree.iter("p"):
        siblings.setdefault(paragraph.getparent(), []).append(paragraph)
    return max(siblings.values(), key=lambda ps: sum(len(p.text_content()) for p in ps), default=[])


MIN_SIGNED_BODY_CHARS = 800  # a page of a few lines is a form or a menu, not a signed story
SIGNATURE_FROM_TOP = 3  # a signature above the story may follow a standfirst of a line or two


def _names_set_apart(tree: HtmlElement):
    """The writer's name set apart as one of the first paragraphs of the body (after a standfirst) or its last, all
    of it bold, italic or aligned right ("<p><strong>Jane Roe</strong></p>" above or below the story), as many sites
    sign their articles; not a name the story itself mentions (a product or a subject set in bold)."""
    paragraphs = [p for p in _body_paragraphs(tree) if p.text_content().strip()]
    if sum(len(p.text_content()) for p in paragraphs) < MIN_SIGNED_BODY_CHARS:
        return
    for paragraph in dict.fromkeys(paragraphs[:SIGNATURE_FROM_TOP] + paragraphs[-1:]):
        text = visible_text(paragraph)
        set_apart = "right" in (paragraph.get("style") or "") + (paragraph.get("align") or "") or any(
            visible_text(e) == text for e in paragraph.iter("strong", "b", "em", "i"))
        if set_apart and len(text) <= 60 and _looks_like_full_names(text) and not any(
                text in visible_text(other) for other in paragraphs if other is not paragraph):
            people = clean_authors(split_names(text))
            if people:
                yield people


_DATELINE_PARTS = re.compile(r"\s+[|·•–—-]\s+|\s*\|\s*")
_DATELINE_REACH = 12  # text pieces after the headline (6 before it) where its dateline may stand
_DATE_PART = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")


def _names_on_dateline(tree: HtmlElement):
    """A full name beside the date by the headline, with nothing but a separator between them in one piece of text:
    "11.12.2019 - Amelie Loevenich", "04.02.2022 | 13:10 Uhr | Uta Helkenberg"."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return
    before = headline.xpath(f"preceding::text()[normalize-space()][position() <= {_DATELINE_REACH // 2}]")
    after = headline.xpath(f"following::text()[normalize-space()][position() <= {_DATELINE_REACH}]")
    for piece in (" ".join(t.split()) for t in [*before, *after]):
        parts = [p for p in _DATELINE_PARTS.split(piece) if p]
        words = [p for p in parts if not _DIGIT.search(p) and p.casefold() not in {"uhr", "h"}]
        dated = any(_DATE_PART.search(p) for p in parts)
        if dated and len(words) == 1 and len(words[0]) <= 40 and _looks_like_full_names(words[0]):
            people = clean_authors([words[0]])
            if people:
                yield people
                return


# A picture shown as a portrait: an avatar (not a blog's "blavatar"), a headshot, an author's photo, a picture
# cropped round ("rounded-full", "rounded-circle"; a card's "rounded-lg" corners are not)
_AVATAR = re.compile(r"(?<![a-z])avatar", re.I)
_PORTRAIT_CLASS = re.compile(rf"{_AVATAR.pattern}|author|profile|headshot|portrait|rounded-full|circle", re.I)


def _classes_around(image: HtmlElement) -> str:
    """The classes of an image and of its parent and grandparent (a wrapper often carries the styling)."""
    return " ".join(node.get("class") or "" for node in [image, *image.iterancestors()][:3])


def _names_under_portraits(tree: HtmlElement):
    """A portrait followed at once by the writer's name: its alt text when that is the name
    ("<img class="rounded-full" alt="Jane Roe"><span>Jane Roe</span>"), or a full name after an avatar without alt
    text ("<img class="avatar"> Jane Roe in <a>Category</a>"); not a figure's photo, not a commenter's."""
    images = tree.xpath(f'//img[not(ancestor::figure)][not({_NOT_BYLINE})]')
    for image in images[:40]:
        alt = " ".join((image.get("alt") or "").split())
        if not _PORTRAIT_CLASS.search(_classes_around(image)):
            continue
        following = image.xpath("following::text()[normalize-space()][1]")
        text = " ".join(following[0].split()) if following else ""
        named_by_alt = 0 < len(alt.split()) <= 4 and squash(text) == squash(alt)
        if named_by_alt or (not alt and _AVATAR.search(image.get("class", ""))):
            people = _people([text])
            if len(people) == 1 and (named_by_alt or len(people[0].split()) > 1):
                yield people


# WordPress marks the comments the post's own author writes with "bypostauthor"; each shows the commenter's name
_BY_POST_AUTHOR = '//*[contains(concat(" ", normalize-space(@class), " "), " bypostauthor ")]'
_COMMENTER_NAMES = ('.//*[contains(concat(" ", normalize-space(@class), " "), " fn ")]',
                    './/*[contains(@class, "author") and not(contains(@class, "comment-author-"))]')
MAX_COMMENTER_NAME_WORDS = 4


def _post_author_in_comments(tree: HtmlElement) -> list[str]:
    """The name the post's author shows on their own replies below it ("<li class="comment bypostauthor">…<b
    class="fn">Jane Roe</b>"): a blog that prints no byline still names its writer there."""
    for comment in tree.xpath(_BY_POST_AUTHOR)[:1]:
        for path in _COMMENTER_NAMES:  # the first name shown: later ones are replies nested in this comment
            name = next((text for text in map(visible_text, comment.xpath(path)) if text), "")
            if name:
                return clean_authors([name], declared=True) if len(name.split()) <= MAX_COMMENTER_NAME_WORDS else []
    return []


# A company's or an association's legal form after its name ("Hanns-Seidel-Stiftung e.V.", "Nordex SE")
_LEGAL_FORM = re.compile(r"\S\s+(?:e\.\s?V\.?|g?GmbH|AG|SE|Inc\.?|Ltd\.?|LLC|plc|S\.A\.|S\.L\.|B\.V\.|S\.p\.A\.)$")
# "Projektleiterin der HSS in Tunesien.": a sentence; a name may end in an abbreviation ("Jr.", "Corp.", "Assoc.")
_SENTENCE_END = re.compile(r"\s\w{6,}\.$")
_INITIALS = re.compile(r"[A-Z]{2,3}")  # an editor's or the outlet's initials ("JF", "DT"), as a wire service's


def _stands_in(people: list[str], sites: set[str]) -> bool:
    """The outlet's own name ("Resy Staff", "Team Tiger Data", "Die FURCHE"), a CMS user handle, an admin account ("NOC
    Admin"), a company or an association ("… e.V."), a wire service or initials in place of a person."""
    return all(squash(_COLLECTIVE.sub("", p)) in sites or _USER_HANDLE.match(p) or _ADMIN_ACCOUNT.search(p)
               or _AGENCY.fullmatch(p) or _INITIALS.fullmatch(p) or _LEGAL_FORM.search(p)
               or _site_after_article(p, sites) for p in people)


def _site_after_article(name: str, sites: set[str]) -> bool:
    """"Die FURCHE" on furche.at: the site's name after an article."""
    first, _, rest = name.partition(" ")
    return bool(rest) and first.casefold() in _ARTICLES and squash(rest) in sites


def _without_site_suffix(name: str, sites: set[str]) -> str:
    """"Brian Truitt USA TODAY" → "Brian Truitt": the outlet's name glued after a byline."""
    words = name.split()
    for cut in range(2, len(words)):
        if squash(" ".join(words[cut:])) in sites:
            return " ".join(words[:cut])
    return name


_AUTHOR_LABEL = re.compile(r"\s*(?:written by|authors?|by)\s*:?\s*", re.I)


def _twitter_card_author(meta: dict[str, str]) -> list[str]:
    """The author a Twitter/Slack card names (twitter:label1 "Written by", twitter:data1 "Nawaz Dhandala", as Yoast writes)."""
    return [meta[f"twitter:data{n}"] for n in range(1, 5)
            if _AUTHOR_LABEL.fullmatch(meta.get(f"twitter:label{n}", "")) and meta.get(f"twitter:data{n}")]


_ADMIN_ACCOUNT = re.compile(r"\b(?:admin|administrator|webmaster)$", re.I)
# A CMS login rather than a byline: one word with a dot, underscore or digit ("andrew.keaveney", "editor_2").
_USER_HANDLE = re.compile(r"^\S*[._\d]\S*$")


# Dublin Core writes a name surname first: "Brazil, Rachel"
_SURNAME_FIRST_KEYS = {"dc.creator"}
_SURNAME_FIRST = re.compile(r"([^\W\d][\w'-]+),\s+([^\W\d][\w.'-]*(?:\s+[^\W\d][\w.'-]*)?)")
_META_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "cxenseparse:author",
                     "byl")
MAX_BYLINE_CANDIDATES = 8


def _meta_names(meta: MetaTags) -> list[str]:
    """The names the page's author meta tags give (a Twitter card's "Written by" when there are none)."""
    values = []
    for key in _META_AUTHOR_KEYS:
        for value in meta.every(key):
            flipped = _SURNAME_FIRST.fullmatch(value) if key in _SURNAME_FIRST_KEYS else None
            values.append(f"{flipped[2]} {flipped[1]}" if flipped else value)
    return [n for v in values or _twitter_card_author(meta) for n in _split_names(v)]


def folded(name: str) -> str:
    """A name as handles and slugs write it: "Gàbor Muniér", "gabor_munier" and "gabor-munier" are "gabormunier"."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold())


def _declared_names(meta: dict[str, str], ld: JsonLdArticle | None) -> set[str]:
    """Every name the page's metadata gives as its author, even one not taken as a person (a handle, a profile's
    address ending in a handle): folded."""
    values = [*(ld.authors if ld else []), *(meta.get(k, "") for k in _META_AUTHOR_KEYS)]
    return {folded(v.rstrip("/").rsplit("/", 1)[-1]) for v in values if v} - {""}


def _visible_byline(tree: HtmlElement, url: str | None, sites: set[str],
                    agrees: Callable[[list[str]], bool] | None = None, settle: bool = True) -> list[str]:
    """The first visible byline that ``agrees`` with the metadata among the first few naming a person (a teaser's or a
    related story's byline may come before the article's own), or the outlet it names before any person; else,
    when ``settle``, the first naming a person, or when none does and the metadata names no one either, a
    signature (see ``_signatures``), or the first naming the outlet."""
    first: list[str] = []
    outlet: list[str] = []
    bylines = ((candidate, False) for candidate in _byline_candidates(tree, url))
    signatures = ((candidate, True) for candidate in (_signatures(tree) if settle and agrees is None else ()))
    for candidate, weak in islice(chain(bylines, signatures), MAX_BYLINE_CANDIDATES):
        if weak and first:
            break
        if agrees is not None and agrees(candidate) and not (first and _stands_in(candidate, sites)):
            return candidate
        if _stands_in(candidate, sites):
            outlet = outlet or candidate
            continue
        first = first or candidate
        if agrees is None and settle:
            break
    return (first or outlet) if settle else []


def _declared_then_visible(tree: HtmlElement, meta: MetaTags, ld: JsonLdArticle | None, url: str | None,
                           sites: set[str]):
    """(names, source) from the JSON-LD, the meta tags, then the visible byline (see ``_byline_candidates`` and
    ``_visible_byline``), each looked at only when the ones before named no person."""
    yield (ld.authors if ld else []), "json-ld"
    yield _meta_names(meta), "meta"
    declared = _declared_names(meta, ld)
    agrees = (lambda people: any(folded(p) in declared for p in people)) if declared else None
    yield _visible_byline(tree, url, sites, agrees), "byline"


def _written_out(short: str, full: str) -> bool:
    """``full`` writes out a one-word ``short`` name: its first name ("Todd" for "Todd Bates") or a handle
    ("arianschlichenmayer", "christian.stadtfeld" for "Christian P. Stadtfeld")."""
    words = full.split()
    return " " not in short and _looks_like_full_names(full) and folded(short) in {
        folded(full), folded(words[0]), folded(words[0] + words[-1])}


_LEADING_NAME = re.compile(r"[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w.'-]*){1,3}")


def _described_in_full(short: str, description: str | None) -> str:
    """A one-word author's name written out by the first words of their JSON-LD Person description ("Nils" described
    as "Nils Pickert ist freier Autor…"): the longest run of its first words that writes the name out."""
    lead = _LEADING_NAME.match(description or "")
    words = lead.group().split() if lead else []
    return next((" ".join(words[:end]) for end in range(len(words), 1, -1)
                 if _written_out(short, " ".join(words[:end]))), short)


def _same_people(these: list[str], those: list[str]) -> bool:
    """Two sources agree when they name someone in common, or one writes out the other's one-word name."""
    return any(folded(a) == folded(b) or _written_out(a, b) or _written_out(b, a) for a in these for b in those)


def pick_authors(tree: HtmlElement, meta: MetaTags, ld: JsonLdArticle | None,
                 guess: Callable[[], str | None] = lambda: None, url: str | None = None,
                 ) -> tuple[list[str], str | None, tuple[str, ...]]:
    """The article's authors, where they came from (json-ld, meta, byline or trafilatura) and the other sources that
    name one of them (among those looked at: the meta tags always, the visible byline and trafilatura's guess only
    when the page's metadata named no person, or only by a first name or a handle, which the byline then writes
    out in full, or failing that the description of their JSON-LD profile).

    A name the page declares (JSON-LD, meta, byline) is kept even when it is the
    outlet's own ("Escalon", "Resy Staff"), a JSON-LD Organization, a user handle
    ("andrew.keaveney") or a wire service ("dpa"), but a person named by a later source wins over it, a signature
    set apart by the story included (see ``_signatures``);
    a page that names nobody may still show its author's name on their replies to comments (WordPress marks them);
    trafilatura's ``guess``, asked for only when nothing names anybody, is never taken when it is just the
    site's name."""
    sites = site_names(meta, ld, url)
    if ld and ld.authors_are_organisations:  # a byline showing the organisation's name is no person's either
        sites = sites | {squash(name) for name in ld.authors} - {""}
    found: dict[str, list[str]] = {}
    outlet: str | None = None
    chosen: str | None = None
    for names, source in _declared_then_visible(tree, meta, ld, url, sites):
        organisations = source == "json-ld" and ld is not None and ld.authors_are_organisations
        if source == "byline":  # cleaned already; visible text may run on into the outlet's name
            people = [_without_site_suffix(person, sites) for person in names]
        else:
            people = clean_authors(names, declared=True, max_words=8 if organisations else 5, typed=source == "json-ld")
        found[source] = people
        if people and (organisations or _stands_in(people, sites)):
            outlet = outlet or source
        elif people:
            chosen = source
            break
    if chosen == "json-ld":  # the meta tags cost nothing to compare
        found["meta"] = clean_authors(_meta_names(meta), declared=True)
    if chosen in {"json-ld", "meta"} and all(" " not in name for name in found[chosen]):
        short = found[chosen]
        fuller = _visible_byline(tree, url, sites, settle=False,
                                 agrees=lambda people: any(_written_out(n, p) for n in short for p in people))
        if fuller:
            chosen, found["byline"] = "byline", fuller
        else:
            described = person_descriptions(tree)
            found[chosen] = [_described_in_full(name, described.get(name)) for name in short]
    if chosen is None and outlet:  # the metadata and bylines name only the outlet: the story may still be signed
        signature = next(_signatures(tree), None)
        if signature:
            chosen, found["byline"] = "byline", signature
    chosen = chosen or outlet
    if chosen is None:  # nothing names anybody: the post's author may still sign their replies to comments
        commenter = _post_author_in_comments(tree)
        if commenter:
            chosen, found["byline"] = "byline", commenter
    if chosen is None:
        fallback = guess()
        people = clean_authors(_split_names(fallback), site_names(meta, ld, None),
                               {squash(h) for h in host_labels(url)}) if fallback else []
        if not people:
            return [], None, ()
        chosen, found["trafilatura"] = "trafilatura", people
    authors = found[chosen]
    return authors, chosen, tuple(s for s, people in found.items() if s != chosen and _same_people(people, authors))

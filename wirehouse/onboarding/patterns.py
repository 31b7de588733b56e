"""Article URL patterns inferred from example URLs: pure code, no I/O.

URLs are grouped by shape (the number of path segments below the outlet's path, which of
them are years or numbers, the file extension, numeric query ids). Each group becomes one
regular expression: a segment that never varies stays literal, a number becomes \\d+, a
slug becomes a character class of the characters seen, keeping a common tail such as
`-2022-11` or `_0123456789abcdef`. When a pattern also matches one of the site's other
URLs (sections, tags, authors, ...), its varying segments are narrowed to the values seen,
left to right, until it matches none of them: a section-like segment (single words, some
repeated) becomes the alternatives seen; a slug-like one (a different phrase per article) keeps
its character class and excludes the first word that two or more of the other URLs share there
and no article has (/2024/05/01/gallery-…/ beside /2024/05/01/<slug>/), so that the next
article still matches.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

_EXT = re.compile(r"\.(?:html?|shtml|php|aspx?|cms)$", re.IGNORECASE)
_AMP = re.compile(r"/amp/?$")
_PART = re.compile(r"[^-_.~+]+|[-_.~+]")
_SEPARATORS = "-_.~+"
END = r"(?:[?#]|$)"


@dataclass(frozen=True)
class Parsed:
    url: str
    segments: tuple[str, ...]  # below the outlet's path prefix, without an extension
    ext: str
    slash: bool
    query_ids: tuple[tuple[str, str], ...]
    amp: bool


@dataclass(frozen=True)
class Shape:
    classes: tuple[str, ...]  # per segment: Y (a year), N (a number), S (anything else)
    ext: str
    query_ids: tuple[str, ...]


@dataclass(frozen=True)
class Pattern:
    regex: str
    shape: Shape
    examples: tuple[str, ...]


def parse(url: str, prefix: str) -> Parsed:
    parts = urlsplit(url)
    path = parts.path or "/"
    amp = bool(_AMP.search(path))
    path = _AMP.sub("/", path) if amp else path
    rest = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
    slash = rest.endswith("/")
    segments = [s for s in rest.split("/") if s]
    ext = ""
    if segments and (m := _EXT.search(segments[-1])):
        ext, segments[-1] = m.group(0), segments[-1][: m.start()]
    ids = tuple((k, v) for k, v in parse_qsl(parts.query) if v.isdigit())
    return Parsed(url, tuple(segments), ext, slash and not ext, ids, amp or "amp" in dict(parse_qsl(parts.query)))


def segment_class(value: str) -> str:
    if value.isdigit():
        return "Y" if len(value) == 4 and 1990 <= int(value) <= 2039 else "N"
    return "S"


def shape_of(parsed: Parsed) -> Shape:
    return Shape(tuple(segment_class(s) for s in parsed.segments), parsed.ext, tuple(k for k, _ in parsed.query_ids))


def group(urls, prefix: str) -> dict[Shape, list[Parsed]]:
    groups: dict[Shape, list[Parsed]] = {}
    for url in dict.fromkeys(urls):
        parsed = parse(url, prefix)
        if parsed.segments or parsed.query_ids:  # the outlet's home page is never an article
            groups.setdefault(shape_of(parsed), []).append(parsed)
    return groups


def lead(value: str) -> str:
    """A segment's first word: 'gallery' of 'gallery-spring-looks', 'video' of 'video'."""
    parts = _PART.findall(value)
    return parts[0].lower() if parts and parts[0] not in _SEPARATORS else ""


def families(members: list[Parsed]) -> list[list[Parsed]]:
    """One shape's URLs split by the first word of their first varying word segment, where two or more
    share it: /video/<slug> apart from /news/<slug>, /2024/05/01/gallery-<slug>/ apart from the other
    /2024/05/01/<slug>/. URLs whose word no other one shares stay together. Largest first."""
    classes = shape_of(members[0]).classes
    varying = next((i for i, c in enumerate(classes) if c == "S" and len({m.segments[i] for m in members}) > 1), None)
    if varying is None:
        return [members]
    words = Counter(lead(m.segments[varying]) for m in members)
    split: dict[str, list[Parsed]] = {}
    for m in members:
        word = lead(m.segments[varying])
        split.setdefault(word if words[word] > 1 else "", []).append(m)
    return sorted(split.values(), key=len, reverse=True)


def _slug_like(values: list[str]) -> bool:
    """A different phrase per URL (an article's slug), not a section name."""
    phrases = sum(bool(re.search(r"[^-_.~+][-_.~+][^-_.~+]", v)) for v in values)
    return len(set(values)) == len(values) and 2 * phrases > len(values)


def _excluded_words(values: list[str], other_values: list[str]) -> tuple[str, ...]:
    """First words that two or more non-articles have at a slug-like segment and no article has."""
    mine = {lead(v) for v in values}
    counts = Counter(lead(v) for v in other_values)
    return tuple(sorted(w for w, n in counts.items() if n >= 2 and w.isalpha() and w not in mine))


def _digits(values, dated: bool) -> str:
    """A year, a month or day beside a year (which may have one digit), or any number."""
    lengths = {len(v) for v in values}
    if lengths == {4} and all(segment_class(v) == "Y" for v in values):
        return r"\d{4}"
    return r"\d{1,2}" if dated and max(lengths) <= 2 else r"\d+"


def _char_class(text: str) -> str:
    """Lower-case letters, digits and '-' (any slug may have them), and whatever else was seen."""
    ranges = ["a-z", *(["A-Z"] if any(c.isupper() for c in text) else []), "0-9"]
    others = sorted({c for c in text if not c.isalnum()} | {"-"})
    return "[" + "".join(ranges) + "".join(re.escape(c) if c in "\\]^-" else c for c in others) + "]+"


def _tail_token(part: str) -> str | None:
    """The class of a slug's trailing part worth keeping: a number, a hex id, or a separator."""
    if part in _SEPARATORS:
        return part
    if part.isdigit():
        return "D"
    if len(part) >= 6 and re.fullmatch(r"[0-9a-f]+", part) and re.search(r"\d", part):
        return f"H{len(part)}"
    return None


def _tail(value: str) -> list[str]:
    tokens = []
    for part in reversed(_PART.findall(value)):
        token = _tail_token(part)
        if token is None:
            break
        tokens.append(token)
    while tokens and tokens[-1] in _SEPARATORS:
        tokens.pop()
    return tokens[::-1]


def _slug(values: list[str]) -> str:
    """A regex for varying slugs: their characters, then the tail they all share (-2022-11, _<hex id>)."""
    tails = [_tail(v) for v in values]
    common = 0
    while all(len(t) > common for t in tails) and len({t[len(t) - 1 - common] for t in tails}) == 1:
        common += 1
    while common and tails[0][len(tails[0]) - common] in _SEPARATORS:
        common -= 1  # the shared tail starts with a number or id
    parts = [_PART.findall(v) for v in values]
    dated = any(segment_class(p) == "Y" for p in parts[0][len(parts[0]) - common:])
    seps = {p[len(p) - common - 1] if len(p) > common else "" for p in parts}
    if common == 0 or len(seps) != 1 or seps == {""}:
        return _char_class("".join(values))
    common += 1  # with the separator before it
    tail_regex = re.escape(seps.pop())
    for i in range(common - 1, 0, -1):
        token, column = tails[0][len(tails[0]) - i], [p[len(p) - i] for p in parts]
        tail_regex += re.escape(token) if token in _SEPARATORS else (
            _digits(column, dated) if token == "D" else rf"[0-9a-f]{{{token[1:]}}}")
    heads = ["".join(p[: len(p) - common]) for p in parts]
    return (_char_class("".join(heads)) if all(heads) else "") + tail_regex


def _position(values: list[str], literal: bool, dated: bool) -> str:
    numeric = all(v.isdigit() for v in values)  # a date or an id: varies in the next article
    if literal or (len(set(values)) == 1 and not numeric):
        return "(?:" + "|".join(re.escape(v) for v in sorted(set(values))) + ")" if len(set(values)) > 1 \
            else re.escape(values[0])
    return _digits(values, dated) if numeric else _slug(values)


def host_regex(netloc: str) -> str:
    """The host with or without www. (a site serves its pages under one, its feeds may name the other)."""
    if not re.search(r"[a-z]", netloc.split(":")[0], re.IGNORECASE):
        return re.escape(netloc)  # an IP address
    return r"(?:www\.)?" + re.escape(netloc.removeprefix("www."))


def _excluding(words: tuple[str, ...]) -> str:
    """A lookahead refusing a segment that starts with one of the words (any case), as a whole word."""
    return "(?!(?i:" + "|".join(re.escape(w) for w in words) + ")(?![a-zA-Z0-9]))" if words else ""


def build(members: list[Parsed], head: str, literal: frozenset[int] = frozenset(),
          excluded: dict[int, tuple[str, ...]] | None = None) -> str:
    depth = len(members[0].segments)
    dated = "Y" in shape_of(members[0]).classes
    excluded = excluded or {}
    path = "/".join(_excluding(excluded.get(i, ())) + _position([m.segments[i] for m in members], i in literal, dated)
                    for i in range(depth))
    slashes = {m.slash for m in members}
    slash = "/" if slashes == {True} else ("/?" if len(slashes) > 1 else "")
    amp = "(?:/amp)?" if any(m.amp for m in members) else ""
    query = "".join(rf"\?(?:[^#]*&)?{re.escape(k)}=\d+" for k, _ in members[0].query_ids[:1])
    end = r"(?:[&#]|$)" if query else END
    return f"^{head}{path}{re.escape(members[0].ext)}{amp}{slash}{query}{end}"


def infer(articles, others, base: str, prefix: str) -> tuple[Pattern, ...]:
    """The narrowest patterns that match every article URL and none of the other URLs, as far as
    narrowing varying words (not numbers) to their seen values can: a non-article that differs from
    the articles only by its number stays matched, and the clean stage finds it not an article."""
    head = "https?://" + host_regex(urlsplit(base).netloc) + re.escape(prefix)
    other = [o for o in dict.fromkeys(others) if o not in set(articles)]
    patterns = []
    for shape, members in sorted(group(articles, prefix).items(), key=lambda kv: -len(kv[1])):
        literal: set[int] = set()
        excluded: dict[int, tuple[str, ...]] = {}
        regex = build(members, head)
        for i in range(len(shape.classes)):
            matched = [o for o in other if re.search(regex, o)]
            if not matched:
                break
            if shape.classes[i] != "S":
                continue  # a date or an id: its next value is unknown, so never narrowed
            values = [m.segments[i] for m in members]
            if _slug_like(values):
                same = [p for p in (parse(o, prefix) for o in matched) if len(p.segments) == len(shape.classes)]
                excluded[i] = _excluded_words(values, [p.segments[i] for p in same])
            else:
                literal.add(i)
            regex = build(members, head, frozenset(literal), excluded)
        patterns.append(Pattern(regex, shape, tuple(m.url for m in members)))
    return tuple(patterns)


# The next pages of a section, as sites number them: /world/page/2/, /world/?page=2, /welt?seite=2
PAGINATION = r"(?:(?:page|seite|pagina)/\d+/?)?(?:\?(?:page|p|pg|seite|pagina)=\d+)?"


def follow_regexes(sections, base: str) -> tuple[str, ...]:
    """Section pages to follow from the start pages: each one, with or without its final slash,
    and its numbered next pages."""
    head = "^https?://" + host_regex(urlsplit(base).netloc)
    regexes = []
    for url in dict.fromkeys(sections):
        path = urlsplit(url).path.rstrip("/")
        regexes.append(f"{head}{re.escape(path)}/?{PAGINATION}$")
    return tuple(regexes)

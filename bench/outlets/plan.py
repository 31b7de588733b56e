"""An outlet's contents before rendering: which real pages become its articles, their URLs and
dates, and its trap pages. Everything is drawn from one seeded random generator."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bench.outlets.corpus import pages_for, slugify
from bench.outlets.model import Article, Profile, SourcePage
from bench.outlets.urls import amp_path, article_path, trap_path

WINDOW_END = datetime(2026, 3, 1, tzinfo=timezone.utc)
WINDOW_DAYS = 60
WINDOW_START = WINDOW_END - timedelta(days=WINDOW_DAYS)
UNDATED_EVERY = 8  # one article in eight has no date in any listing
TRAPS_PER_KIND = 3
SECTIONS = {
    "en": ("world", "business", "culture"), "de": ("politik", "wirtschaft", "kultur"),
    "es": ("mundo", "economia", "cultura"), "tr": ("gundem", "ekonomi", "kultur"),
}
WORDS = ("election", "markets", "climate", "football", "health", "science", "energy", "housing", "transport")
PEOPLE = ("anna-keller", "james-okafor", "maria-lopez", "tom-becker", "yuki-sato", "lena-wolf")


@dataclass(frozen=True)
class Trap:
    kind: str  # tag | author | video | gallery | search
    url: str
    title: str
    published: datetime | None


@dataclass(frozen=True)
class Plan:
    articles: tuple[Article, ...]  # in the window (dated or not)
    old_articles: tuple[Article, ...]  # dated before the window
    traps: tuple[Trap, ...]
    sections: tuple[str, ...]


def _in_window(rng: random.Random) -> datetime:
    seconds = rng.randrange(WINDOW_DAYS * 86400 - 3600)
    return (WINDOW_START + timedelta(seconds=seconds)).replace(microsecond=0)


def _old(rng: random.Random) -> datetime:
    return WINDOW_START - timedelta(days=rng.randrange(90, 1000), seconds=rng.randrange(86400))


class _Ids:
    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def __call__(self) -> int:
        while True:
            value = self.rng.randrange(100000, 1000000)
            if value not in self.used:
                self.used.add(value)
                return value


def pick_pages(profile: Profile, rng: random.Random, used: set[tuple[str, str]], count: int) -> list[SourcePage]:
    pool = [p for p in pages_for(profile.corpus) if (p.corpus, p.page_id) not in used]
    if len(pool) < count:
        raise ValueError(f"{profile.name}: {profile.corpus} has {len(pool)} unused pages, {count} needed")
    chosen = rng.sample(pool, count)
    used.update((p.corpus, p.page_id) for p in chosen)
    return chosen


def plan_outlet(profile: Profile, base: str, rng: random.Random, used: set[tuple[str, str]]) -> Plan:
    sections = SECTIONS.get(profile.language, SECTIONS["en"])
    n_old = max(1, profile.articles // 10)
    sources = pick_pages(profile, rng, used, profile.articles + n_old)
    new_id = _Ids(rng)
    articles = []
    for i, source in enumerate(sources):
        old = i >= profile.articles
        when = _old(rng) if old else _in_window(rng)
        scheme = profile.schemes[i % len(profile.schemes)]
        section = sections[i % len(sections)]
        path = article_path(scheme, slug=slugify(source.title, "story"), page_id=new_id(), when=when, section=section)
        undated = not old and i % UNDATED_EVERY == UNDATED_EVERY - 1
        articles.append(Article(url=base + path, amp_url=base + amp_path(profile.amp, path) if profile.amp else None,
                                title=source.title, published=None if undated else when, section=section,
                                source=source))
    traps = _traps(profile, base, rng, new_id)
    return Plan(tuple(articles[:profile.articles]), tuple(articles[profile.articles:]), traps, sections)


def _traps(profile: Profile, base: str, rng: random.Random, new_id: _Ids) -> tuple[Trap, ...]:
    scheme = profile.schemes[0]
    traps = []
    for kind in profile.traps:
        if kind == "search":
            traps += [Trap("search", f"{base}/search?q={w}", f"Search results: {w}", None)
                      for w in rng.sample(WORDS, 2)]
            continue
        names = {"tag": WORDS, "author": PEOPLE}.get(kind)
        for n in range(TRAPS_PER_KIND):
            slug = rng.choice(names) if names else f"{rng.choice(WORDS)}-{kind}-{rng.choice(WORDS)}-{n}"
            when = _in_window(rng)
            url = base + trap_path(kind, scheme, slug=slug, page_id=new_id(), when=when)
            if any(t.url == url for t in traps):
                continue
            title = slug.replace("-", " ").title()
            traps.append(Trap(kind, url, f"{kind.title()}: {title}", when if kind in ("video", "gallery") else None))
    return tuple(traps)

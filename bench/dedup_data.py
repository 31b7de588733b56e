"""Labelled deduplication data, generated deterministically, and the helper that loads pages
through the pipeline's own code (stage.articles → fingerprinting.fingerprint_stage → loading.load_interval).

Texts: article bodies from ../shared/benchmarks — scrapinghub ground-truth.json
`articleBody` (MIT) and WCXB dev `ground-truth/*.json` `main_content` (© 2026 Murrough
Foley, CC-BY-4.0). Nothing generated here is committed: it is rebuilt from a seed.
"""
from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import psycopg

from wirehouse.config import PROJECT_ROOT, SHARED_DIR
from wirehouse.fingerprinting import fingerprint_stage
from wirehouse.loading import load_interval
from wirehouse.runs import Interval

SEED = 20221111
T0 = datetime(2024, 3, 4, tzinfo=timezone.utc)


@dataclass
class Page:
    source: str
    url: str
    text: str
    title: str
    published_at: datetime | None
    group: str  # the true article: pages with the same group are one article (original, copies, versions)
    kind: str = "original"  # original | exact | near | partial | version | refetch | negative
    story: str | None = None  # the true event, for story clustering
    canonical_url: str | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict)
    # when wirehouse fetched the page; None: the end of the interval it is loaded in
    fetched_at: datetime | None = None
    # the URL of the original on another site that this page credits (a cross-domain rel=canonical
    # or an "Originally published at" link); `clean` puts it in stage.articles.credited_url
    credited_url: str | None = None
    # the hard cases a labelled page belongs to (old_date, undated, wrong_date, late_copy, ...)
    tags: tuple[str, ...] = ()


# -- loading through the pipeline's code ------------------------------------------------

def stage(conn: psycopg.Connection, pages: list[Page], fetched_at: datetime) -> int:
    """Put pages in stage.articles as `clean` would; returns the fetch run they belong to.

    Each page is staged with its own fetched_at (`fetched_at`, the interval's end, for a page
    without one), and with its credited_url where stage.articles has that column (migration 012)."""
    run_id = conn.execute(
        "insert into ops.runs (task, source, interval_start, interval_end, status)"
        " values ('fetch', 'bench', %s, %s, 'success') returning run_id", (fetched_at, fetched_at)).fetchone()[0]
    ids = [r[0] for r in conn.execute(
        "select nextval('raw.pages_page_id_seq') from generate_series(1, %s) order by 1", (len(pages),))]
    credited = _has_column(conn, "stage", "articles", "credited_url")
    columns = ("page_id, run_id, source, url, final_url, fetched_at, canonical_url, title, published_at, language,"
               " text, word_count" + (", credited_url" if credited else ""))
    with conn.cursor().copy(f"copy stage.articles ({columns}) from stdin") as copy:
        for p, page_id in zip(pages, ids):
            p.extra["page_id"] = page_id
            row = (page_id, run_id, p.source, p.url, p.url, p.fetched_at or fetched_at, p.canonical_url or p.url,
                   p.title, p.published_at, p.language, p.text, len(p.text.split()))
            copy.write_row(row + ((p.credited_url,) if credited else ()))
    return run_id


def _has_column(conn: psycopg.Connection, schema: str, table: str, column: str) -> bool:
    return conn.execute("select exists (select 1 from information_schema.columns where table_schema = %s"
                        " and table_name = %s and column_name = %s)", (schema, table, column)).fetchone()[0]


def ingest(conn: psycopg.Connection, pages: list[Page], fetched_at: datetime,
           ranks: dict[str, int] | None = None) -> dict:
    """One interval ending at `fetched_at` (the time the load sees its pages): dedup (fingerprint)
    then load, in one transaction. The interval starts an hour before, or at the earliest page's
    own fetched_at when that is earlier, so that it holds every page's fetch."""
    start = min([fetched_at - timedelta(hours=1)] + [p.fetched_at for p in pages if p.fetched_at])
    with conn.transaction():
        run_id = stage(conn, pages, fetched_at)
        fingerprint_stage(conn, [run_id])
        return load_interval(conn, [run_id], Interval(start, fetched_at), ranks or {})


def outcomes(conn: psycopg.Connection) -> dict[int, tuple[str, int | None]]:
    """page_id -> (outcome, article_id it ended in)."""
    return {pid: (o, a) for pid, o, a in conn.execute("select page_id, outcome, article_id from ops.page_outcomes")}


# -- texts --------------------------------------------------------------------------------

def benchmark_texts(min_words: int = 150) -> list[tuple[str, str]]:
    """(title, body) of the benchmark articles, in a fixed order, distinct bodies only."""
    found: list[tuple[str, str]] = []
    sh = SHARED_DIR / "benchmarks" / "scrapinghub" / "ground-truth.json"
    if sh.exists():
        for key, item in sorted(json.loads(sh.read_text()).items()):
            found.append((item.get("headline") or item.get("url") or key, item.get("articleBody") or ""))
    wcxb = SHARED_DIR / "benchmarks" / "wcxb-dev-articles" / "ground-truth"
    for path in sorted(wcxb.glob("*.json")) if wcxb.exists() else []:
        truth = json.loads(path.read_text()).get("ground_truth", {})
        found.append((truth.get("title") or path.stem, truth.get("main_content") or ""))
    seen, texts = set(), []
    for title, body in found:
        paragraphs = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
        body = "\n\n".join(paragraphs)
        key = " ".join(body.split()[:40]).casefold()
        if len(body.split()) >= min_words and len(paragraphs) >= 4 and key not in seen:
            seen.add(key)
            texts.append((title.strip(), body))
    return texts


# Template furniture: what a naive extraction keeps of an outlet's page.
_FURNITURE = [
    "Sign up for the {name} newsletter and get the day's top stories in your inbox every morning",
    "By clicking subscribe you agree to our Terms of Use and Privacy Policy and to receive emails from {name}",
    "Copyright {year} {name} Media Group Ltd. All rights reserved. This material may not be published, broadcast, rewritten or redistributed",
    "Download the {name} app for iPhone and Android to follow breaking news wherever you are",
    "We use cookies to give you the best experience on {name}; by continuing you agree to our cookie policy",
    "Follow {name} on Facebook, Twitter and Instagram for the latest updates from our newsroom",
    "Have a story tip or a correction? Email the {name} newsroom and our editors will look into it",
    "Support independent journalism: become a {name} member today and read without limits",
    "Most read on {name} this week: politics, business, science, sport and culture in one place",
    "Comments are moderated by {name} and will appear after approval; please keep the discussion civil",
]
_SHARED_THEME = [  # lines a popular CMS theme prints on every site that uses it
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Save my name, email, and website in this browser for the next time I comment.",
]


def outlets(n: int, rng: random.Random) -> dict[str, tuple[list[str], list[str]]]:
    """n outlets, each with header and footer furniture lines (some share a CMS theme)."""
    names = [f"outlet{i:02d}" for i in range(n)]
    result = {}
    for i, name in enumerate(names):
        lines = [f.format(name=name.title(), year=2024) for f in rng.sample(_FURNITURE, 5)]
        footer = lines[2:] + (_SHARED_THEME if i % 3 == 0 else [])
        result[name] = (lines[:2], footer)
    return result


def templated(body: str, template: tuple[list[str], list[str]], teaser: str | None = None) -> str:
    header, footer = template
    parts = header + [body] + ([teaser] if teaser else []) + footer
    return "\n\n".join(parts)


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def edit(body: str, rng: random.Random, filler: list[str]) -> tuple[str, str]:
    """An edited republication: a paragraph added or cut, a sentence reworded."""
    paras = paragraphs(body)
    how = rng.choice(["add", "cut", "reword"])
    if how == "add":
        paras.insert(rng.randrange(1, len(paras)), rng.choice(filler))
    elif how == "cut":
        del paras[rng.randrange(1, len(paras))]
    else:
        i = rng.randrange(len(paras))
        words = paras[i].split()
        paras[i] = " ".join(words[: len(words) // 2] + ["(updated)"] + words[len(words) // 2 + 1:])
        paras.append(rng.choice(filler))
    return "\n\n".join(paras), how


def truncate(body: str, rng: random.Random) -> str:
    """An aggregator excerpt: the first 25–60 % of the paragraphs (at least ~60 words), then "…read more"."""
    paras = paragraphs(body)
    share = rng.uniform(0.25, 0.6)
    total = sum(len(p.split()) for p in paras)
    kept, words = [], 0
    for p in paras:
        kept.append(p)
        words += len(p.split())
        if words >= max(60, share * total):
            break
    return "\n\n".join(kept) + " …read more"


def reword(body: str, rng: random.Random, drop_every: int, offset: int = 0) -> str:
    """Another outlet's own article on the same event: the same names and facts, other wording
    (sentences reshuffled, every `drop_every`-th word dropped so no 5-word run survives; texts
    with different offsets share no 5-word run either)."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(paragraphs(body)[:6]))
    lead, rest = sentences[:2], sentences[2:]
    rng.shuffle(rest)
    out = []
    for s in lead + rest[: max(3, len(rest) // 2)]:
        words = s.split()
        out.append(" ".join(w for j, w in enumerate(words) if (j + offset) % drop_every))
    return "\n\n".join(" ".join(out[i:i + 3]) for i in range(0, len(out), 3))


def seed_documents() -> list[tuple[str, str, datetime]]:
    """The five seed articles as (source, text, published): one story, five outlets."""
    sources = ["kyivpost", "express", "aggregator", "newsmax", "huffpost"]
    root = PROJECT_ROOT / "seeds" / "documents"
    files = sorted(root.glob("*.txt"))
    base = datetime(2022, 11, 11, 14, 0, tzinfo=timezone.utc)
    return [(s, f.read_text(encoding="utf-8"), base + timedelta(minutes=9 * i)) for i, (s, f) in
            enumerate(zip(sources, files))]


# -- the web's harder cases ---------------------------------------------------------------

def log_uniform(rng: random.Random, low: timedelta, high: timedelta) -> timedelta:
    """A delay spread evenly over orders of magnitude: as many between 5 and 50 minutes as
    between 5 and 50 days."""
    return timedelta(seconds=math.exp(rng.uniform(math.log(low.total_seconds()), math.log(high.total_seconds()))))


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[\"“‘'(\[A-Z0-9])", paragraph.strip()) if s]


# words an editor puts in when rewording a sentence
_EDITOR_WORDS = ["reportedly", "officials", "recently", "also", "several", "major", "local", "new", "earlier",
                 "however", "now", "still", "further", "according", "said", "nearly", "about", "more", "public",
                 "largely", "key", "latest", "some", "widely", "just", "later", "national", "critics", "early",
                 "current"]


def reword_sentence(sentence: str, rng: random.Random) -> str:
    """A few words (3–5, never just one) replaced, as an editor does: meaning kept, wording changed."""
    words = sentence.split()
    for j in rng.sample(range(len(words)), min(len(words) - 1, rng.randint(3, 5))):
        words[j] = rng.choice(_EDITOR_WORDS)
    return " ".join(words)


def edit_sentences(body: str, rng: random.Random, note: str) -> tuple[str, float]:
    """An edited republication: 10–15 % of the sentences dropped or reworded (a few words each),
    an editor's note line added at the top or the bottom. Returns the text and the share of
    sentences touched."""
    paras = [sentences(p) for p in paragraphs(body)]
    where = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    k = max(1, round(len(where) * rng.uniform(0.10, 0.15)))
    for i, j in rng.sample(where, k):
        if len(paras[i][j].split()) < 8 or rng.random() < 0.5:
            paras[i][j] = ""
        else:
            paras[i][j] = reword_sentence(paras[i][j], rng)
    out = [" ".join(s for s in p if s) for p in paras]
    out = [p for p in out if p]
    out = [note] + out if rng.random() < 0.5 else out + [note]
    return "\n\n".join(out), k / len(where)


def headline(title: str, body: str, rng: random.Random) -> str:
    """A republisher's own headline: none of the original's wording but what the lead names."""
    lead = [w.strip(",.;:\"“”'") for w in body.split()[:30]]
    names = [w for w in lead if w[:1].isupper() and len(w) > 3][:3] or lead[:3]
    form = rng.choice(["What we know about {}", "{}: the full story", "Explained: {}", "Why {} matters now",
                       "Everything you need to know about {}"])
    return form.format(" ".join(names))


def excerpt(body: str, rng: random.Random) -> str:
    """An aggregator's teaser: the first two or three paragraphs (more while under 50 words),
    then "…read more"."""
    paras = paragraphs(body)
    kept = paras[: rng.choice([2, 3])]
    while sum(len(p.split()) for p in kept) < 50 and len(kept) < len(paras):
        kept.append(paras[len(kept)])
    return "\n\n".join(kept) + " …read more"


# Legal paragraphs some outlets print under every article (60–90 words each).
DISCLAIMERS = [
    "Disclaimer: The information contained in this article is provided for general informational purposes only"
    " and does not constitute legal, financial, medical or professional advice. {name} makes no representations"
    " or warranties of any kind, express or implied, about the completeness, accuracy, reliability or suitability"
    " of the information, and any reliance you place on it is strictly at your own risk. Opinions expressed by"
    " contributors are their own and do not necessarily reflect the views of {name}, its editors or affiliates.",
    "Legal notice: {name} and its licensors retain all rights in the content published on this site. No part of"
    " this article may be reproduced, distributed, transmitted, cached or otherwise used, except with the prior"
    " written permission of {name}. Some links on this page are affiliate links, which means {name} may earn a"
    " commission if you make a purchase, at no additional cost to you. Prices and availability are accurate as of"
    " the date of publication and are subject to change without notice.",
    "Important: Nothing in this publication should be construed as an offer, recommendation or solicitation to buy"
    " or sell any security or to adopt any investment strategy. Past performance is not indicative of future"
    " results, and all investments carry risk, including the possible loss of principal. {name} and its employees"
    " may hold positions in the companies mentioned. Readers should consult a licensed adviser before making any"
    " decision based on the material presented here, which may be incomplete or out of date.",
]
_STAFF = ["Jordan Ellis", "Priya Raman", "Marcus Webb"]


def with_legal(template: tuple[list[str], list[str]], name: str, i: int) -> tuple[list[str], list[str]]:
    """An outlet's template with an author line over every article and a legal paragraph under it."""
    header, footer = template
    author = f"By {_STAFF[i % len(_STAFF)]} | {name.title()} Staff Writer"
    return header + [author], [DISCLAIMERS[i % len(DISCLAIMERS)].format(name=name.title())] + footer

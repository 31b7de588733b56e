"""Property-based tests (Hypothesis) of extraction, the clean stage, URL canonicalisation and dedup.

- extraction: any generated HTML (random tags, attributes, broken markup, text with quotes, NUL,
  surrogates, RTL, emoji, JSON-LD escapes) gives an article or a reason, never an exception;
- the clean stage, on a real PostgreSQL: every generated page ends in exactly one outcome, and
  the stage never fails;
- URLs: canonicalising a canonical URL gives it back;
- dedup: the same pages arriving in another order, in other batches, end in the same warehouse.
"""
from __future__ import annotations

import itertools
import json
import random
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.dedup_data import Page, ingest, truncate
from extract import CleaningRules, ExtractedPage, extract_article
from extract.article import MIN_ARTICLE_WORDS
from dedup.fingerprints import fingerprint
from tests.conftest import _create_database, _drop_database
from wirehouse import loading, pipeline
from wirehouse.config import PROJECT_ROOT
from dedup.matching import classify
from wirehouse.migrate import migrate
from wirehouse.runs import Interval
from wirehouse.urls import canonical_url, normalize

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB_FUZZ = settings(max_examples=20, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# -- generated HTML -------------------------------------------------------------------------

HOSTILE = ["'", '"', "\\", "'; DROP TABLE warehouse.articles; --", "\x00", "&#0;", "&#xD800;", "\ud800", "\udfff",
           "\u202e", "\u200f", "مرحبا", "😀", "👩‍👩‍👧", "%s", "{}", "$$", "]]>", "<!--", "-->", "\ufeff", "\r\n", "\t"]
WORDS = ("the city was retaken by troops on friday residents said after months of occupation "
         "officials confirmed that the bridge had been destroyed overnight").split()

text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),  # any code point, surrogates too
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(WORDS + HOSTILE), min_size=1, max_size=120).map(" ".join),
)
TAGS = ["p", "div", "article", "main", "section", "h1", "h2", "span", "a", "b", "i", "ul", "li", "table", "tr", "td",
        "script", "style", "noscript", "template", "iframe", "svg", "br", "img", "time", "header", "footer", "nav",
        "title", "meta", "link", "html", "head", "body", "figure", "figcaption", "blockquote", "pre", "code"]
ATTRS = ["class", "id", "href", "src", "content", "name", "property", "rel", "itemprop", "lang", "type", "datetime",
         "charset", "http-equiv", "dir", "style"]
attribute = st.tuples(st.sampled_from(ATTRS), text).map(lambda a: f' {a[0]}="{a[1]}"')
article_paragraph = st.lists(st.sampled_from(WORDS), min_size=MIN_ARTICLE_WORDS, max_size=200).map(
    lambda words: "<p>" + " ".join(words) + ".</p>")
json_ld = st.fixed_dictionaries({
    "@type": st.sampled_from(["NewsArticle", "Article", "WebPage", ["NewsArticle"], None]),
    "headline": text, "author": st.one_of(text, st.fixed_dictionaries({"name": text}), st.lists(text, max_size=3)),
    "datePublished": st.one_of(text, st.just("2022-11-11T10:00:00Z"), st.just("99999-01-01")),
    "description": text, "url": st.one_of(text, st.just("http://[broken/"), st.just("https://127.0.0.1:99999/x")),
}).map(lambda d: f'<script type="application/ld+json">{json.dumps(d)}</script>')
raw_json_ld = st.sampled_from([  # escapes that decode to what PostgreSQL or UTF-8 cannot store
    '<script type="application/ld+json">{"headline": "a\\u0000b", "author": {"name": "Ann\\ud800 Lee"},'
    ' "description": "d\\udfffd", "url": "https://127.0.0.1/a\\u0000b"}</script>',
    '<script type="application/ld+json">{"headline": [1, {"x": null}], "author": 7, "datePublished": {}}</script>',
    '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "author": [null, ""]}]</script>',
])


def element(children):
    return st.tuples(st.sampled_from(TAGS), st.lists(attribute, max_size=3), children, st.booleans()).map(
        lambda t: f"<{t[0]}{''.join(t[1])}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else ""))  # unclosed tags too


nodes = st.recursive(st.one_of(text, article_paragraph, json_ld, raw_json_ld),
                     lambda children: element(st.lists(children, max_size=4)), max_leaves=25)


@st.composite
def html_documents(draw) -> bytes | str:
    body = "".join(draw(st.lists(nodes, max_size=6)))
    if draw(st.booleans()):
        body = f"<html><head><title>{draw(text)}</title></head><body>{body}</body></html>"
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # cut off mid-tag
    encoding = draw(st.sampled_from(["str", "utf-8", "surrogatepass", "latin-1", "utf-16"]))
    if encoding == "str":
        return body
    if encoding == "surrogatepass":
        return body.encode("utf-8", "surrogatepass")  # invalid UTF-8 bytes
    return body.encode(encoding, "replace")


def assert_article_or_reason(page: ExtractedPage) -> None:
    assert isinstance(page, ExtractedPage)
    if page.is_article:
        assert page.reason is None and page.text.strip() and page.word_count >= MIN_ARTICLE_WORDS
    else:
        assert isinstance(page.reason, str) and page.reason


@FUZZ
@given(html_documents(), st.sampled_from([None, "utf-8", "latin-1", "x-unknown-charset", "utf-16"]))
def test_extraction_gives_an_article_or_a_reason(html, encoding):
    assert_article_or_reason(extract_article(html, "https://127.0.0.1/news/story", CleaningRules(), encoding))


# -- the clean stage on a real database -------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_db(pg_server):
    url = _create_database(pg_server)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    yield url
    _drop_database(pg_server, url)


INTERVAL = Interval(datetime(2022, 11, 11, tzinfo=timezone.utc), datetime(2022, 11, 12, tzinfo=timezone.utc))
url_paths = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


@DB_FUZZ
@given(st.lists(st.tuples(html_documents(), url_paths, st.sampled_from(
    ["text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "application/json", "text/html; charset="]
)), min_size=1, max_size=8))
def test_clean_stage_decides_every_generated_page(fuzz_db, replay_sources, monkeypatch, pages):
    """Each generated page ends in exactly one outcome; a page the database cannot hold is a reject."""
    monkeypatch.setenv("WIREHOUSE_DATABASE_URL", fuzz_db)
    with psycopg.connect(fuzz_db, autocommit=True) as conn:
        conn.execute("delete from ops.runs where task = 'fetch' and source = 'express'")
        run_id = conn.execute(
            "insert into ops.runs (task, source, interval_start, interval_end, status)"
            " values ('fetch', 'express', %s, %s, 'success') returning run_id", (INTERVAL.start, INTERVAL.end)
        ).fetchone()[0]
        conn.execute("select raw.ensure_month_partition(%s)", (INTERVAL.start,))
        for html, path, content_type in pages:
            body = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
            url = "http://127.0.0.1/express/" + path.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            conn.execute(
                "insert into raw.pages (run_id, source, kind, url, final_url, status, headers, body, fetched_at)"
                " values (%s, 'express', 'article', %s, %s, 200, %s, %s, %s)",
                (run_id, url, url, json.dumps({"content-type": content_type}), body, INTERVAL.start))
    counters = pipeline.clean("express", INTERVAL)
    with psycopg.connect(fuzz_db) as conn:
        undecided = conn.execute(
            "select count(*) from raw.pages p where run_id = %s and not exists"
            " (select 1 from ops.page_outcomes o where o.page_id = p.page_id)"
            " and not exists (select 1 from stage.articles s where s.page_id = p.page_id)", (run_id,)).fetchone()[0]
        rejects_without_reason = conn.execute(
            "select count(*) from ops.page_outcomes o left join ops.rejects r on r.page_id = o.page_id"
            " and r.stage = 'clean' where o.run_id = %s and o.outcome = 'rejected' and r.reason is null",
            (run_id,)).fetchone()[0]
    # "reused" counts those of the extracted pages whose earlier extraction was reused (a page an earlier
    # example of this database fetched with the same bytes): a part of "extracted", not an outcome
    assert sum(v for k, v in counters.items() if k not in ("seconds", "reused")) == len(pages)
    assert undecided == 0 and rejects_without_reason == 0


# -- URLs --------------------------------------------------------------------------------------

hosts = st.sampled_from(["example.com", "www.Example.COM", "m.example.co.uk", "amp.news.example.org", "mobile.ex.io",
                         "127.0.0.1", "[::1]", "xn--bcher-kva.example", "bücher.example", "ex.com:8080", "ex.com:443",
                         "ex.com:99999", "[broken", "user:pw@ex.com", ""])
segment = st.one_of(st.sampled_from(["amp", "index.amp.html", "a b", "%7Euser", "%2F", "..", ".", "", "news",
                                     "2022", "ü", "%E2%82%AC", "€", "a;b=c", "AMP"]),
                    st.text(st.characters(codec="utf-8", exclude_characters="\x00/?#"), max_size=8))
query_pair = st.tuples(st.sampled_from(["utm_source", "fbclid", "amp", "outputType", "output", "id", "page", "q",
                                        "ref", "", "a b", "é"]),
                       st.sampled_from(["", "1", "amp", "AMP", "true", "x y", "%26", "é", "a=b"]))


@st.composite
def urls(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript", ""]))
    path = "/".join(draw(st.lists(segment, max_size=5)))
    query = "&".join(f"{k}={v}" if v else k for k, v in draw(st.lists(query_pair, max_size=4)))
    url = f"{scheme}://{draw(hosts)}/{path}" + (draw(st.sampled_from(["", "/"])))
    if query or draw(st.booleans()):
        url += "?" + query
    if draw(st.booleans()):
        url += "#" + draw(st.sampled_from(["", "top", "x?y"]))
    return url


@FUZZ
@given(urls())
def test_normalising_a_normal_url_gives_it_back(url):
    once = normalize(url)
    assert normalize(once) == once


@FUZZ
@given(urls(), st.one_of(st.none(), urls()))
def test_the_canonical_url_of_a_canonical_url_is_itself(final_url, declared):
    canonical = canonical_url(final_url, declared)
    assert canonical_url(canonical, None) == canonical
    assert canonical_url(canonical, canonical) == canonical


# -- dedup independent of arrival order ---------------------------------------------------------

GOLD = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay" / "gold.yaml").read_text())["pages"]
BASES = [g["text"] for g in GOLD if g.get("text") and g["kind"] != "copy"][:8]
T0 = datetime(2024, 3, 4, tzinfo=timezone.utc)


def edited(body: str, rng: random.Random) -> str:
    words = body.split(" ")
    for i in rng.sample(range(len(words)), max(1, len(words) // 30)):
        words[i] = "changed"
    return " ".join(words)


@st.composite
def page_sets(draw) -> list[Page]:
    """Originals and their exact, edited and truncated copies, each page from an outlet of its own,
    published at distinct times (a tie in time and rank would be broken by arrival)."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    bases = draw(st.lists(st.sampled_from(range(len(BASES))), min_size=1, max_size=3, unique=True))
    texts = []
    for b in bases:
        texts.append(BASES[b])
        for kind in draw(st.lists(st.sampled_from(["exact", "edited", "truncated"]), max_size=3)):
            texts.append({"exact": BASES[b], "edited": edited(BASES[b], rng), "truncated": truncate(BASES[b], rng)}[kind])
    hours = draw(st.lists(st.integers(0, 20), min_size=len(texts), max_size=len(texts), unique=True))
    return [Page(source=f"outlet{i}", url=f"https://outlet{i}.example/a{i}", text=t, title=f"t{i}",
                 published_at=T0 + timedelta(hours=h), group=str(i)) for i, (t, h) in enumerate(zip(texts, hours))]


def decisions(db: str) -> dict:
    """The warehouse by URL rather than by generated id: which pages are articles, which copy which."""
    with psycopg.connect(db) as conn:
        return {
            "articles": set(conn.execute("select source, canonical_url, text, version_count from warehouse.articles")),
            "copies": set(conn.execute(
                "select c.url, c.source, a.canonical_url, c.kind, round(c.similarity::numeric, 3)"
                " from warehouse.article_copies c join warehouse.articles a using (article_id)")),
            "urls": set(conn.execute("select u.url, a.canonical_url from warehouse.article_urls u"
                                     " join warehouse.articles a using (article_id)")),
            "stories": {frozenset(r[0]) for r in conn.execute(
                "select array_agg(canonical_url) from warehouse.articles group by story_id")},
        }


def load_in_batches(db: str, pages: list[Page], cuts: list[int]) -> None:
    with psycopg.connect(db) as conn:
        for i, batch in enumerate(pages[a:b] for a, b in zip([0, *cuts], [*cuts, len(pages)])):
            if batch:
                ingest(conn, batch, T0 + timedelta(days=1, hours=i))


@pytest.fixture(scope="module")
def two_databases(pg_server):
    made = [_create_database(pg_server) for _ in range(2)]
    for url in made:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
    yield made
    for url in made:
        _drop_database(pg_server, url)


def emptied(db: str) -> str:
    with psycopg.connect(db, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "select format('%I.%I', schemaname, tablename) from pg_tables"
            " where schemaname in ('raw', 'stage', 'dedup', 'ops', 'warehouse')"
            " and tablename not in ('language_configs', 'schema_migrations')")]
        conn.execute(f"truncate {', '.join(tables)} restart identity cascade")
    return db


def test_an_excerpt_of_a_copy_ends_with_the_original_in_any_order(two_databases):
    """The case Hypothesis found below: an excerpt that matches an exact copy but not the original's
    edited text (published first, so the original). Loaded together it joined the cluster through
    the copy; with the original arriving last it was once kept as an article of its own."""
    rng = random.Random(2)
    base = BASES[4]
    texts = {"edited": edited(base, rng), "exact": base, "excerpt": truncate(base, rng)}
    fps = {k: fingerprint(v) for k, v in texts.items()}
    shared = len(set(fps["edited"].anchors) & set(fps["excerpt"].anchors))
    assert classify(shared, len(fps["edited"].anchors), len(fps["excerpt"].anchors)) is None  # no direct match
    pages = [Page(source=f"outlet{i}", url=f"https://outlet{i}.example/{kind}", text=texts[kind], title=kind,
                  published_at=T0 + timedelta(hours=h), group="0")
             for i, (kind, h) in enumerate([("edited", 8), ("exact", 11), ("excerpt", 15)])]
    reference, other = two_databases
    load_in_batches(emptied(reference), pages, [])
    expected = decisions(reference)
    assert {a[1] for a in expected["articles"]} == {"https://outlet0.example/edited"}
    assert {(c[0], c[2]) for c in expected["copies"]} == {
        ("https://outlet1.example/exact", "https://outlet0.example/edited"),
        ("https://outlet2.example/excerpt", "https://outlet0.example/edited")}
    for order in itertools.permutations(pages):
        load_in_batches(emptied(other), list(order), [1, 2])
        assert decisions(other) == expected, [p.title for p in order]


@DB_FUZZ
@given(page_sets(), st.randoms(use_true_random=False), st.lists(st.integers(0, 12), max_size=2),
       st.sampled_from([1, 3, loading.LOAD_CHUNK]))
def test_dedup_is_independent_of_arrival_order(two_databases, pages, rng, cuts, chunk):
    """Also of the chunks a load resolves at a time (loading.LOAD_CHUNK bounds its memory)."""
    shuffled = pages[:]
    rng.shuffle(shuffled)
    in_order, in_batches = (emptied(db) for db in two_databases)
    load_in_batches(in_order, pages, [])
    default_chunk, loading.LOAD_CHUNK = loading.LOAD_CHUNK, chunk
    try:
        load_in_batches(in_batches, shuffled, sorted(cuts))
    finally:
        loading.LOAD_CHUNK = default_chunk
    assert decisions(in_batches) == decisions(in_order)

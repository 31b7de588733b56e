"""The pure dedup decisions (dedup/): which page is the original, and a batch resolved without a database."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from dedup.fingerprints import fingerprint
from dedup.originals import Origin, choose_original, credible_published, origin_at, url_date
from dedup.records import Known, StagedPage
from dedup.resolve import Resolver

T = datetime(2026, 3, 4, 12, tzinfo=timezone.utc)


def origin(url, published=None, seen=T, rank=100, credited=None) -> Origin:
    return Origin(origin_at(published, seen, url), seen, rank, url, frozenset([url]), credited)


def test_a_published_date_is_evidence_only_when_nothing_contradicts_it():
    url = "https://a.example/news/1"
    assert credible_published(T - timedelta(hours=3), T, url) == T - timedelta(hours=3)
    assert credible_published(T - timedelta(days=900), T, url) == T - timedelta(days=900), "old is not wrong"
    assert credible_published(T + timedelta(days=3), T, url) is None, "published after it was fetched"
    assert credible_published(T + timedelta(hours=5), T, url) is not None, "a time-zone slip"
    assert credible_published(datetime(1970, 1, 1, tzinfo=timezone.utc), T, url) is None, "before the web"
    assert credible_published(T - timedelta(days=900), T, "https://a.example/2026/03/04/x") is None, "URL says"
    assert credible_published(T - timedelta(hours=3), T, "https://a.example/2026/03/04/x") is not None
    assert credible_published(None, T, url) is None
    assert url_date("https://a.example/2026-03-04/x") == url_date("https://a.example/2026/03/04/x") is not None
    assert origin_at(None, T, url) == T and origin_at(T + timedelta(days=9), T, url) == T


def test_the_original_whatever_order_its_copies_arrive_in():
    undated_first = origin("https://wire.example/a", None, T)
    copy_dated_later = origin("https://daily.example/b", T + timedelta(hours=2), T + timedelta(hours=3))
    copy_with_the_originals_date = origin("https://mirror.example/c", T - timedelta(hours=1), T + timedelta(days=40))
    original_fetched_late = origin("https://late.example/d", T - timedelta(hours=2), T + timedelta(days=2))
    members = [undated_first, copy_dated_later, copy_with_the_originals_date, original_fetched_late]
    for order in itertools.permutations(members):
        assert choose_original(order) is original_fetched_late
    for order in itertools.permutations(members[:3]):
        assert choose_original(order) is copy_with_the_originals_date, "a credible earlier date wins"
    for order in itertools.permutations(members[:2]):
        assert choose_original(order) is undated_first, "undated: first fetch against the other's date"


def test_a_credit_outweighs_dates():
    original = origin("https://wire.example/a", None, T + timedelta(days=1))
    crediting = origin("https://daily.example/b", T - timedelta(days=2), T, credited="https://wire.example/a")
    assert choose_original([crediting, original]) is original
    plain = origin("https://mirror.example/c", T - timedelta(days=3), T)
    assert choose_original([plain, original], credited_urls={"https://wire.example/a"}) is original, \
        "named by a copy elsewhere in the cluster"
    assert choose_original([plain, original]) is plain


def staged(page_id, source, path, text, seen, published=None) -> StagedPage:
    url = f"https://{source}.example/{path}"
    return StagedPage(page_id, 1, source, url, url, url, seen, published, None, fingerprint(text))


BODY = "\n\n".join(" ".join(f"{w}{p}x{i}" for i, w in enumerate(
    "troops entered the city on friday as residents gathered in the central square to welcome them".split() * 3))
    for p in range(6))


def test_a_batch_resolved_without_a_database_in_any_order():
    pages = [staged(1, "wire", "a", BODY, T, T - timedelta(hours=1)),
             staged(2, "daily", "b", BODY, T + timedelta(hours=1), T),
             staged(3, "digest", "c", "\n\n".join(BODY.split("\n\n")[:2]) + " …read more", T + timedelta(hours=2))]
    for order in itertools.permutations(pages):
        r = Resolver(Known(), range(100, 110), {}).resolve_all(order)
        assert [(o.page_id, o.outcome) for o in r.outcomes] == [(1, "new"), (2, "copy"), (3, "copy")]
        assert [(c.url, c.kind) for c in r.copies] == [("https://daily.example/b", "exact"),
                                                      ("https://digest.example/c", "partial")]
        assert len(r.articles) == 1 and r.articles[0].page_id == 1 and not r.demotions

"""Duplicate detection and story clustering on a labelled set: `make eval-dedup`.

The set is generated deterministically (seeded) from the article bodies in
../shared/benchmarks (scrapinghub, MIT; WCXB dev, © 2026 Murrough Foley, CC-BY-4.0):
originals in the templates of 12 synthetic outlets (furniture lines: newsletter forms,
cookie banners, copyright footers, a CMS theme shared by some), and of each some copies
by other outlets in their own template: exact, edited ("near": a paragraph added or cut,
a sentence changed, a new headline) and truncated like an aggregator ("partial", the first
25–60 % then "…read more"). Some originals are fetched after their copies. Hard negatives:
short briefs in heavy furniture that share their outlet's boilerplate but no body. Revisions
(same URL, changed text) and unchanged refetches. Stories: events covered by 3–4 outlets in
their own words (the same names and facts, no 5-word run in common). Plus the five seed
articles, which must be one story of five sources with no copies among them.

Everything goes through the pipeline's code (load.fingerprint_stage, load.load_interval's
matching) against a real PostgreSQL: WIREHOUSE_DATABASE_URL's server, else the embedded one.
"""
from __future__ import annotations

import itertools
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta

import psycopg

from bench.dedup_data import (SEED, T0, Page, benchmark_texts, edit, ingest, outlets, reword, seed_documents,
                              templated, truncate)
from dedup.stories import story_terms
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import embedded_url, with_database
from wirehouse.migrate import migrate

N_OUTLETS = 12
BATCH_HOURS = 6


def build(rng: random.Random) -> list[Page]:
    texts = benchmark_texts()
    rng.shuffle(texts)
    # events: news with names in the lead (a story is found by the names outlets share)
    newsy = [t for t in texts if len(story_terms(t[1])) >= 8][:50]
    texts = [t for t in texts if t not in newsy]
    originals, briefs, events = texts[:-60], texts[-60:], newsy
    templates = outlets(N_OUTLETS, rng)
    names = sorted(templates)
    filler = [  # what an outlet adds to a republished article
        "Editor's note: this story has been updated with comments from local officials and a correction.",
        "This article first appeared in our partner publication and is republished here with permission.",
        "Additional reporting by our regional correspondents, who contributed to this report from the scene.",
    ]
    pages: list[Page] = []
    for i, (title, body) in enumerate(originals):
        outlet = rng.choice(names)
        published = T0 + timedelta(hours=rng.uniform(0, 96))
        group = f"a{i}"
        original = Page(outlet, f"https://{outlet}.example/news/{i}", templated(body, templates[outlet]), title,
                        published, group, extra={"fetch": published + timedelta(minutes=rng.uniform(5, 90))})
        pages.append(original)
        others = [o for o in names if o != outlet]
        n_copies = rng.choices([0, 1, 2], weights=[3, 5, 2])[0]
        latest_fetch = original.extra["fetch"]
        for c, copier in enumerate(rng.sample(others, n_copies)):
            kind = rng.choices(["exact", "near", "partial"], weights=[1, 3, 3])[0]
            ctitle = title
            if kind == "exact":
                text = body
            elif kind == "near":
                text, _ = edit(body, rng, filler)
                ctitle = "UPDATE: " + title
            else:
                text = truncate(body, rng)
            when = published + timedelta(hours=rng.uniform(0.5, 20))
            page = Page(copier, f"https://{copier}.example/repost/{i}-{c}", templated(text, templates[copier]),
                        ctitle, when, group, kind=kind, extra={"fetch": when + timedelta(minutes=rng.uniform(5, 90))})
            latest_fetch = max(latest_fetch, page.extra["fetch"])
            pages.append(page)
        if n_copies and rng.random() < 0.15:  # the original is fetched only after its copies
            original.extra["fetch"] = latest_fetch + timedelta(hours=BATCH_HOURS)
            original.extra["late"] = True
        r = rng.random()
        if r < 0.08:  # a revision at the same URL
            paras = body.split("\n\n")
            paras[-1] = paras[-1] + " This story has been corrected."
            revised = "\n\n".join(paras + ["Correction: an earlier version of this article misstated a figure."])
            pages.append(Page(outlet, original.url, templated(revised, templates[outlet]), title, published, group,
                              kind="version", extra={"fetch": original.extra["fetch"] + timedelta(hours=30)}))
        elif r < 0.16:  # fetched again, unchanged
            pages.append(Page(outlet, original.url, original.text, title, published, group, kind="refetch",
                              extra={"fetch": original.extra["fetch"] + timedelta(hours=30)}))
    heavy = names[:3]
    for i, (title, body) in enumerate(briefs):
        outlet = heavy[i % 3]
        brief = " ".join(body.split()[: rng.randrange(45, 80)])
        published = T0 + timedelta(hours=rng.uniform(0, 96))
        pages.append(Page(outlet, f"https://{outlet}.example/brief/{i}", templated(brief, templates[outlet]), title,
                          published, f"b{i}", kind="negative", extra={"fetch": published + timedelta(minutes=30)}))
    for e, (title, body) in enumerate(events):
        when = T0 + timedelta(hours=rng.uniform(0, 90))
        for m, outlet in enumerate(rng.sample(names, rng.choice([3, 4]))):
            text = reword(body, random.Random(rng.random()), 4, offset=m)
            published = when + timedelta(hours=rng.uniform(0, 6))
            pages.append(Page(outlet, f"https://{outlet}.example/story/{e}-{m}", templated(text, templates[outlet]),
                              title, published, f"e{e}-{m}", kind="story", story=f"e{e}",
                              extra={"fetch": published + timedelta(minutes=30)}))
    return pages


def database(name: str = "wh_dedup_eval") -> str:
    """A fresh, migrated database on WIREHOUSE_DATABASE_URL's server, else the embedded one."""
    server = settings().database_url or with_database(embedded_url(PROJECT_ROOT / ".wirehouse" / "pg"), "postgres")
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = with_database(server, name)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    return url


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(truth: dict, pred: dict) -> tuple[int, int, int]:
    """True positives, false positives, false negatives over all pairs of items."""
    def pairs(labels):
        groups = defaultdict(list)
        for item, label in labels.items():
            groups[label].append(item)
        return {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)}
    t, p = pairs(truth), pairs(pred)
    return len(t & p), len(p - t), len(t - p)


def bcubed(truth: dict, pred: dict) -> tuple[float, float, float]:
    tg, pg = defaultdict(set), defaultdict(set)
    for item in truth:
        tg[truth[item]].add(item)
        pg[pred[item]].add(item)
    p = sum(len(tg[truth[i]] & pg[pred[i]]) / len(pg[pred[i]]) for i in truth) / len(truth)
    r = sum(len(tg[truth[i]] & pg[pred[i]]) / len(tg[truth[i]]) for i in truth) / len(truth)
    return p, r, 2 * p * r / (p + r)


def main() -> int:
    started = time.monotonic()
    rng = random.Random(SEED)
    pages = build(rng)
    url = database()
    batches: dict = defaultdict(list)
    for p in pages:
        fetch = p.extra["fetch"]
        end = T0 + timedelta(hours=BATCH_HOURS * (int((fetch - T0).total_seconds() // 3600) // BATCH_HOURS + 1))
        batches[end].append(p)
    seeds = [Page(s, f"https://{s}.example/kherson", t, s, when, s, story="kherson") for s, t, when in seed_documents()]
    with psycopg.connect(url) as conn:
        load_started = time.monotonic()
        for end in sorted(batches):
            ingest(conn, batches[end], end)
        load_seconds = time.monotonic() - load_started
        ingest(conn, seeds, seeds[-1].published_at + timedelta(hours=1))
        outcome = {pid: (o, a) for pid, o, a in conn.execute("select page_id, outcome, article_id from ops.page_outcomes")}
        by_url = {p.url: p for p in pages}
        copies = conn.execute("select c.url, c.kind, a.canonical_url from warehouse.article_copies c"
                              " join warehouse.articles a using (article_id)").fetchall()
        articles = conn.execute("select canonical_url, story_id from warehouse.articles").fetchall()
        seed_story = conn.execute(
            "select s.article_count, s.sources from warehouse.stories s where s.story_id in"
            " (select story_id from warehouse.articles where canonical_url like '%%/kherson')").fetchall()
        seed_copies = conn.execute("select count(*) from warehouse.article_copies"
                                   " where url like '%%/kherson'").fetchone()[0]

    print(f"wirehouse dedup evaluation: {len(pages)} pages ({sum(p.kind == 'original' for p in pages)} originals) "
          f"in {len(batches)} intervals of {BATCH_HOURS} h; load {load_seconds:.1f} s")
    print(f"  thresholds: near resemblance >= 0.7, partial containment >= 0.8, >= 4 shared anchors; "
          f"boilerplate line: >= 3 pages of its outlet")
    # -- duplicates: every page in the cluster (final article) of its true article ----------
    pred = {p.extra["page_id"]: outcome[p.extra["page_id"]][1] for p in pages}
    truth = {p.extra["page_id"]: p.group for p in pages}
    print("\nduplicates (pairs of a copy and its original)")
    print(f"  {'kind':<10}{'labelled':>9}{'found':>7}{'recall':>8}   {'predicted':>9}{'correct':>8}{'precision':>10}")
    original_of = {p.group: p.extra["page_id"] for p in pages if p.kind == "original"}
    predicted = defaultdict(lambda: [0, 0])
    for url_, kind, original_url in copies:
        page = by_url.get(url_)
        if page is None:
            continue
        ok = page.group == by_url[original_url].group if original_url in by_url else False
        predicted[kind][0] += 1
        predicted[kind][1] += ok
    failed = False
    for kind in ("exact", "near", "partial"):
        labelled = [p for p in pages if p.kind == kind]
        found = sum(pred[p.extra["page_id"]] == pred[original_of[p.group]] for p in labelled)
        n_pred, n_ok = predicted[kind]
        recall = found / len(labelled) if labelled else 1.0
        precision = n_ok / n_pred if n_pred else 1.0
        print(f"  {kind:<10}{len(labelled):>9}{found:>7}{recall:>8.3f}   {n_pred:>9}{n_ok:>8}{precision:>10.3f}")
        if kind in ("near", "partial") and (precision < 0.99 or recall < 0.95):
            failed = True
    tp, fp, fn = pairwise(truth, pred)
    p, r, f = prf(tp, fp, fn)
    print(f"  all pages, pairwise: precision {p:.4f} recall {r:.4f} F1 {f:.4f} (tp {tp}, fp {fp}, fn {fn})")
    late = [p for p in pages if p.extra.get("late")]
    late_ok = sum(outcome[p.extra["page_id"]][0] == "new" and pred[p.extra["page_id"]] ==
                  pred[next(q.extra["page_id"] for q in pages if q.group == p.group and q.kind != "original")]
                  for p in late)
    print(f"  originals fetched after their copies: {late_ok}/{len(late)} became the article, copies repointed")
    # -- hard negatives ------------------------------------------------------------------------
    clusters = defaultdict(set)
    for p in pages:
        clusters[pred[p.extra["page_id"]]].add(p.group)
    negatives = [p for p in pages if p.kind in ("negative", "story")]
    false_merges = sum(len(clusters[pred[p.extra["page_id"]]]) > 1 for p in negatives)
    other_merges = sum(len(g) > 1 for g in clusters.values())
    print(f"\nhard negatives (briefs sharing their outlet's furniture, stories in other words): {len(negatives)} pages,"
          f" {false_merges} falsely merged; clusters mixing two true articles overall: {other_merges}")
    failed |= false_merges > 0
    # -- versions ------------------------------------------------------------------------------
    for kind, expected in (("version", "version"), ("refetch", "unchanged")):
        group = [p for p in pages if p.kind == kind]
        ok = sum(outcome[p.extra["page_id"]][0] == expected for p in group)
        print(f"{kind}s: {ok}/{len(group)} ended as '{expected}'")
    # -- stories -------------------------------------------------------------------------------
    url_story = {p.url: p.story or p.group for p in pages if p.kind in ("original", "negative", "story")}
    t_story = {u: url_story[u] for u, _ in articles if u in url_story}
    p_story = {u: s for u, s in articles if u in url_story}
    tp, fp, fn = pairwise(t_story, p_story)
    p, r, f = prf(tp, fp, fn)
    bp, br, bf = bcubed(t_story, p_story)
    n_events = len({p.story for p in pages if p.story and p.story != "kherson"})
    print(f"\nstories: {len(t_story)} articles, {n_events} events covered by 3-4 outlets each, the rest single")
    print(f"  pairwise precision {p:.3f} recall {r:.3f} F1 {f:.3f} (tp {tp}, fp {fp}, fn {fn})")
    print(f"  B-cubed  precision {bp:.3f} recall {br:.3f} F1 {bf:.3f}")
    seed_ok = seed_story == [(5, ["aggregator", "express", "huffpost", "kyivpost", "newsmax"])] and seed_copies == 0
    print(f"  seed story (five seed articles): {seed_story} copies among them: {seed_copies} -> "
          f"{'exact' if seed_ok else 'WRONG'}")
    failed |= not seed_ok
    print(f"\n{'all targets met' if not failed else 'TARGETS MISSED'} ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Duplicate detection and story clustering on a labelled set: `make eval-dedup`.

The set is generated deterministically (seeded) from the article bodies in
../shared/benchmarks (scrapinghub, MIT; WCXB dev, © 2026 Murrough Foley, CC-BY-4.0), built
to be as hard as the web (issue 14). Originals in the templates of 12 synthetic outlets
(furniture lines: newsletter forms, cookie banners, copyright footers, a CMS theme shared by
some; four outlets put the day in their URLs; three print an author line and a 60-90 word legal
paragraph on every article), and of each some copies by other outlets in their own template:
  exact    the same body;
  near     a paragraph added or cut and a sentence changed ("UPDATE:" headline), or edited:
           10-15 % of the sentences dropped or reworded (3-5 words each), a new headline and
           an editor's note line;
  partial  the first 25-60 % then "…read more", or the first two or three paragraphs then
           "…read more".
Copies are published 5 minutes to 120 days after their original (log-uniform, about one in
nine beyond 60 days), some evergreen pieces again 3-12 months on, and a few credit their
original (credited_url: a cross-domain rel=canonical or an "Originally published at" link).
Originals' pages may show a date years before (old), none, or a wrong one (after they were
fetched: a time zone or day/month mix-up, or their modified date, later than every copy's);
some are fetched days after a copy (a source added later and backfilled). Every page has its
own fetch time, minutes to hours after publication, and is loaded in the 6 h interval that
holds it. Every copy leaves some evidence of its original (fetched first, a credible earlier
date, or a credit), the report checks it. Hard negatives: short briefs in heavy furniture,
short articles under an outlet's author line and legal paragraph, and stories. Revisions (same
URL, changed text) and unchanged refetches. Stories: events covered by 3–4 outlets in their own
words (the same names and facts, no 5-word run in common). Plus the five seed articles, which
must be one story of five sources with no copies among them.

Targets (issue 14): recall >= 0.97 for each of exact, near and partial; precision >= 0.99 where
a copy row counts as correct only when it points at the labelled original; no hard negative
merged; the seed story exact. The command exits 1 when one is missed.

Everything goes through the pipeline's code (load.fingerprint_stage, load.load_interval's
matching) against a real PostgreSQL: WIREHOUSE_DATABASE_URL's server, else the embedded one.
"""
from __future__ import annotations

import itertools
import os
import random
import re
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta

import psycopg

from bench.dedup_data import (SEED, T0, Page, benchmark_texts, edit, edit_sentences, excerpt, headline, ingest,
                              log_uniform, outlets, paragraphs, reword, seed_documents, templated, truncate,
                              with_legal)
from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import embedded_url, with_database
from wirehouse.migrate import migrate

N_OUTLETS = 12
BATCH_HOURS = 6


COPY_KINDS = ("exact", "near", "partial")
# the hard cases reported on their own: tag -> what the row says
SUBKINDS = {
    "old_date": "original dated years before",
    "undated": "original without a date",
    "wrong_date": "original with a wrong date",
    "late_original": "original fetched after a copy",
    "late_copy": "copy > 30 days after",
    "evergreen": "evergreen republished months on",
    "canonical": "copy crediting its original",
    "excerpt": "excerpt: 2-3 paragraphs, read more",
    "edited": "edited: 10-15 % of sentences",
}
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?:\s+[A-Z][\w’'-]*[a-z][\w’'-]*)*")
_NOT_NAMES = frozenset("""a an and as at but by for from he her his how i in it its my new no not of on or our
    she so that the their there they this to was we what when where which who why will with you your after
    before about over under more most than then now just also said says friday monday tuesday wednesday
    thursday saturday sunday january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday""".split())


def lead_names(text: str) -> list[str]:
    """Names in the first 120 words (capitalised words; not one that is capitalised only at the
    start of a sentence). Picks the events of the labelled set: this was the pipeline's story
    terms when the set was made, kept here so that the set stays the same whatever the pipeline
    now uses (dedup.stories.story_terms)."""
    lead = " ".join(text.split()[:120])
    found: list[tuple[str, bool]] = []
    for match in _NAME_RE.finditer(lead):
        before = lead[:match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:;\"“”‘’'|•–—-"
        for i, word in enumerate(match.group(0).split()):
            word = word.strip("’'-").casefold().removesuffix("’s").removesuffix("'s")
            if len(word) > 2 and word not in _NOT_NAMES:
                found.append((word, sentence_start and i == 0))
    mid_sentence = {w for w, first in found if not first}
    return sorted({w for w, first in found if not first or w in mid_sentence})


def live_fetch(rng: random.Random, published: datetime) -> datetime:
    """A live crawl fetches a page some minutes to a few hours after it is published."""
    return published + log_uniform(rng, 5 * MINUTE, 6 * HOUR)


def build(rng: random.Random) -> list[Page]:
    texts = benchmark_texts()
    rng.shuffle(texts)
    # events: news with names in the lead (a story is found by the names outlets share)
    newsy = [t for t in texts if len(lead_names(t[1])) >= 8][:50]
    texts = [t for t in texts if t not in newsy]
    originals, briefs, disclaimed, events = texts[:-120], texts[-120:-60], texts[-60:], newsy
    templates = outlets(N_OUTLETS, rng)
    names = sorted(templates)
    # three outlets print an author line and a long legal paragraph on every article page
    legal = names[3:6]
    dressed = {n: with_legal(t, n, i) if n in legal else t for i, (n, t) in enumerate(sorted(templates.items()))}
    dated_urls = set(names[1::3])  # these outlets put the publication day in their URLs

    def url(outlet: str, path: str, published: datetime) -> str:
        day = published.strftime("%Y/%m/%d/") if outlet in dated_urls else ""
        return f"https://{outlet}.example/{day}{path}"

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
        # what the original's page says about its date
        r = rng.random()
        dating = "old_date" if r < 0.08 else "undated" if r < 0.16 else "wrong_date" if r < 0.24 else "dated"
        original = Page(outlet, url(outlet, f"news/{i}", published), templated(body, dressed[outlet]), title,
                        published, group, fetched_at=live_fetch(rng, published), extra={"published": published})
        pages.append(original)
        others = [o for o in names if o != outlet]
        n_copies = rng.choices([0, 1, 2], weights=[3, 5, 2])[0]
        copies: list[Page] = []
        for c, copier in enumerate(rng.sample(others, n_copies)):
            kind = rng.choices(COPY_KINDS, weights=[2, 3, 3])[0]
            ctitle, tags = title, []
            if kind == "exact":
                text = body
            elif kind == "near" and rng.random() < 0.5:
                text, _ = edit_sentences(body, rng, rng.choice(filler))
                ctitle, tags = headline(title, body, rng), ["edited"]
            elif kind == "near":
                text, _ = edit(body, rng, filler)
                ctitle = "UPDATE: " + title
            elif rng.random() < 0.5:
                text, tags = excerpt(body, rng), ["excerpt"]
            else:
                text = truncate(body, rng)
            when = published + log_uniform(rng, 5 * MINUTE, 120 * DAY)
            if when - published > 30 * DAY:
                tags.append("late_copy")
            page = Page(copier, url(copier, f"repost/{i}-{c}", when), templated(text, dressed[copier]), ctitle,
                        when if rng.random() < 0.9 else None, group, kind=kind, fetched_at=live_fetch(rng, when),
                        extra={"published": when}, tags=tuple(tags))
            copies.append(page)
        if dating == "dated" and rng.random() < 0.06:  # an evergreen piece another outlet runs months later
            copier = rng.choice(others)
            kind = rng.choice(["exact", "near"])
            text = body if kind == "exact" else edit_sentences(body, rng, rng.choice(filler))[0]
            when = published + timedelta(days=rng.uniform(90, 365))
            copies.append(Page(copier, url(copier, f"evergreen/{i}", when), templated(text, dressed[copier]),
                               title if kind == "exact" else headline(title, body, rng), when, group, kind=kind,
                               fetched_at=live_fetch(rng, when), extra={"published": when},
                               tags=("evergreen", "late_copy") + (("edited",) if kind == "near" else ())))
        for page in copies:
            if rng.random() < 0.15:  # the copy names its original: cross-domain rel=canonical or a credit link
                page.credited_url = original.url
                page.tags = page.tags + ("canonical",)
        if dating == "old_date":  # the page shows a date years before it was published (and fetched)
            original.published_at = published - timedelta(days=rng.uniform(365, 8 * 365))
        elif dating == "undated":
            original.published_at = None
        elif dating == "wrong_date":
            if copies and rng.random() < 0.5:  # its modified date, later than every copy's
                original.published_at = max(p.extra["published"] for p in copies) + log_uniform(rng, HOUR, 3 * DAY)
                original.extra["wrong"] = "modified"
            else:  # a time zone or day/month mix-up, a scheduled date: after it was fetched
                original.published_at = original.fetched_at + log_uniform(rng, 3 * HOUR, 200 * DAY)
                original.extra["wrong"] = "future"
        if dating in ("undated", "wrong_date") and copies:
            # nothing but the crawl tells which came first: the original was fetched before any copy
            # was published (else no pipeline could know which one is the original)
            first = min(p.extra["published"] for p in copies)
            original.fetched_at = min(original.fetched_at, published + (first - published) * 0.8)
        elif dating == "dated" and copies and rng.random() < 0.15:
            # a source added later and backfilled: its page is fetched days after a copy was
            original.fetched_at = min(p.fetched_at for p in copies) + log_uniform(rng, 6 * HOUR, 20 * DAY)
            original.extra["late"] = True
            dating = "late_original"
        for page in copies:
            page.tags = page.tags + ((dating,) if dating != "dated" else ())
        pages.extend(copies)
        r = rng.random()
        if r < 0.08:  # a revision at the same URL
            paras = body.split("\n\n")
            paras[-1] = paras[-1] + " This story has been corrected."
            revised = "\n\n".join(paras + ["Correction: an earlier version of this article misstated a figure."])
            pages.append(Page(outlet, original.url, templated(revised, dressed[outlet]), title,
                              original.published_at, group, kind="version",
                              fetched_at=original.fetched_at + timedelta(hours=30)))
        elif r < 0.16:  # fetched again, unchanged
            pages.append(Page(outlet, original.url, original.text, title, original.published_at, group,
                              kind="refetch", fetched_at=original.fetched_at + timedelta(hours=30)))
    heavy = names[:3]
    for i, (title, body) in enumerate(briefs):
        outlet = heavy[i % 3]
        brief = " ".join(body.split()[: rng.randrange(45, 80)])
        published = T0 + timedelta(hours=rng.uniform(0, 96))
        pages.append(Page(outlet, f"https://{outlet}.example/brief/{i}", templated(brief, templates[outlet]), title,
                          published, f"b{i}", kind="negative", fetched_at=published + timedelta(minutes=30)))
    for i, (title, body) in enumerate(disclaimed):
        # the outlet's template, author line and legal paragraph around a short article of its own
        outlet = legal[i % len(legal)]
        limit, kept = rng.randrange(30, 160), []
        for para in paragraphs(body):
            kept.append(" ".join(para.split()[: limit - sum(len(k.split()) for k in kept)]))
            if sum(len(k.split()) for k in kept) >= limit:
                break
        published = T0 + timedelta(hours=rng.uniform(0, 96 + 24 * 60))
        pages.append(Page(outlet, url(outlet, f"news/d{i}", published), templated("\n\n".join(kept), dressed[outlet]),
                          title, published, f"d{i}", kind="negative", fetched_at=live_fetch(rng, published),
                          tags=("legal",)))
    for e, (title, body) in enumerate(events):
        when = T0 + timedelta(hours=rng.uniform(0, 90))
        for m, outlet in enumerate(rng.sample(names, rng.choice([3, 4]))):
            text = reword(body, random.Random(rng.random()), 4, offset=m)
            published = when + timedelta(hours=rng.uniform(0, 6))
            pages.append(Page(outlet, f"https://{outlet}.example/story/{e}-{m}", templated(text, templates[outlet]),
                              title, published, f"e{e}-{m}", kind="story", story=f"e{e}",
                              extra={"fetch": published + timedelta(minutes=30)}))
    for p in pages:
        p.fetched_at = p.fetched_at or p.extra["fetch"]
    return pages


def database(name: str | None = None) -> str:
    """A fresh, migrated database on WIREHOUSE_DATABASE_URL's server, else the embedded one; its
    name is WIREHOUSE_EVAL_DB, else wh_dedup_eval (give concurrent runs on one server their own)."""
    name = name or os.environ.get("WIREHOUSE_EVAL_DB") or "wh_dedup_eval"
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


def evidence(copy: Page, original: Page) -> set[str]:
    """What a pipeline could know the original by: it was fetched first, its credible date (not
    after it was fetched) is earlier than the copy's, or the copy credits it."""
    def credible(p: Page) -> bool:
        return p.published_at is not None and p.published_at <= p.fetched_at
    found = set()
    if original.fetched_at < copy.fetched_at:
        found.add("seen first")
    if credible(original) and original.published_at < (copy.published_at if credible(copy) else copy.fetched_at):
        found.add("dated earlier")
    if copy.credited_url == original.url:
        found.add("credited")
    return found


def interval_end(fetched_at: datetime) -> datetime:
    """The end of the BATCH_HOURS interval that holds `fetched_at`: the time the load sees its pages."""
    return T0 + timedelta(hours=BATCH_HOURS * (int((fetched_at - T0).total_seconds() // 3600) // BATCH_HOURS + 1))


def main() -> int:
    started = time.monotonic()
    rng = random.Random(SEED)
    pages = build(rng)
    url = database()
    batches: dict = defaultdict(list)
    for p in pages:
        batches[interval_end(p.fetched_at)].append(p)
    seeds = [Page(s, f"https://{s}.example/kherson", t, s, when, s, story="kherson") for s, t, when in seed_documents()]
    with psycopg.connect(url) as conn:
        load_started = time.monotonic()
        for end in sorted(batches):
            ingest(conn, batches[end], end)
        load_seconds = time.monotonic() - load_started
        ingest(conn, seeds, seeds[-1].published_at + timedelta(hours=1))
        outcome = {pid: (o, a) for pid, o, a in conn.execute("select page_id, outcome, article_id from ops.page_outcomes")}
        copies = conn.execute("select c.url, c.kind, a.canonical_url from warehouse.article_copies c"
                              " join warehouse.articles a using (article_id)").fetchall()
        articles = conn.execute("select canonical_url, story_id from warehouse.articles").fetchall()
        seed_story = conn.execute(
            "select s.article_count, s.sources from warehouse.stories s where s.story_id in"
            " (select story_id from warehouse.articles where canonical_url like '%%/kherson')").fetchall()
        seed_copies = conn.execute("select count(*) from warehouse.article_copies"
                                   " where url like '%%/kherson'").fetchone()[0]

    span = (max(p.fetched_at for p in pages) - min(p.fetched_at for p in pages)).days
    print(f"wirehouse dedup evaluation: {len(pages)} pages ({sum(p.kind == 'original' for p in pages)} originals) "
          f"fetched over {span} days, loaded in {len(batches)} intervals of {BATCH_HOURS} h; load {load_seconds:.1f} s")
    print(f"  thresholds: near resemblance >= 0.7, partial containment >= 0.8, >= 4 shared anchors; "
          f"boilerplate line: >= 3 pages of its outlet")
    # -- duplicates: every copy in the cluster (final article) of its true article, its copy row
    # pointing at the labelled original ------------------------------------------------------
    pred = {p.extra["page_id"]: outcome[p.extra["page_id"]][1] for p in pages}
    truth = {p.extra["page_id"]: p.group for p in pages}
    original = {p.group: p for p in pages if p.kind == "original"}
    by_url = {p.url: p for p in pages if p.kind not in ("version", "refetch")}
    labelled = [p for p in pages if p.kind in COPY_KINDS]
    row_of = {u: (kind, original_url) for u, kind, original_url in copies if u in by_url}

    def row_correct(u: str) -> bool:
        page = by_url[u]
        return page.kind in COPY_KINDS and row_of[u][1] == original[page.group].url

    def found(p: Page) -> bool:
        return pred[p.extra["page_id"]] == pred[original[p.group].extra["page_id"]]

    def original_right(p: Page) -> bool:
        return p.url in row_of and row_correct(p.url)

    lookback = settings().lookback_days
    print(f"\nduplicates (a copy and its original; found = in the original's article, original right = its copy row"
          f" points at the labelled original; precision counts a copy row correct only with the right original)")
    header = (f"  {'':<36}{'labelled':>9}{'found':>7}{'recall':>8}{'orig ok':>9}{'rate':>7}   "
              f"{'rows':>5}{'correct':>8}{'precision':>10}")
    print(header)

    def line(name: str, group: list[Page], rows: list[str]) -> tuple[float, float]:
        n_found = sum(found(p) for p in group)
        n_right = sum(original_right(p) for p in group)
        n_ok = sum(row_correct(u) for u in rows)
        recall = n_found / len(group) if group else 1.0
        precision = n_ok / len(rows) if rows else 1.0
        rate = n_right / len(group) if group else 1.0
        print(f"  {name:<36}{len(group):>9}{n_found:>7}{recall:>8.3f}{n_right:>9}{rate:>7.3f}   "
              f"{len(rows):>5}{n_ok:>8}{precision:>10.3f}")
        return recall, precision

    failed = False
    for kind in COPY_KINDS:  # rows by the kind the pipeline gave them
        recall, precision = line(kind, [p for p in labelled if p.kind == kind],
                                 [u for u, (k, _) in row_of.items() if k == kind])
        failed |= recall < 0.97 or precision < 0.99
    recall, precision = line("all copies", labelled, list(row_of))
    failed |= precision < 0.99
    print("  by hard case (rows: the copy rows of these pages)")
    for tag, name in SUBKINDS.items():
        group = [p for p in labelled if tag in p.tags]
        line(f"  {name}", group, [p.url for p in group if p.url in row_of])
    tp, fp, fn = pairwise(truth, pred)
    p, r, f = prf(tp, fp, fn)
    print(f"  all pages, pairwise: precision {p:.4f} recall {r:.4f} F1 {f:.4f} (tp {tp}, fp {fp}, fn {fn})")
    late = [p for p in pages if p.extra.get("late")]
    late_ok = sum(outcome[p.extra["page_id"]][0] == "new" and all(
        found(q) for q in labelled if q.group == p.group and q.fetched_at < p.fetched_at) for p in late)
    print(f"  originals fetched after a copy: {late_ok}/{len(late)} became the article, earlier copies repointed")
    beyond = [p for p in labelled if p.fetched_at - original[p.group].fetched_at > timedelta(days=lookback)]
    print(f"  copies fetched more than the look-back window ({lookback} days) after their original: {len(beyond)},"
          f" found {sum(found(p) for p in beyond)}; the others found: " + ", ".join(
              f"{k} {sum(found(p) for p in inside)}/{len(inside)}" for k in COPY_KINDS
              for inside in [[p for p in labelled if p.kind == k and p not in beyond]]))
    blind = [p for p in labelled if not evidence(p, original[p.group])]
    print(f"  copies with no evidence of which page is the original (not fetched first, no credible earlier date,"
          f" no credit): {len(blind)}")
    # -- hard negatives ------------------------------------------------------------------------
    clusters = defaultdict(set)
    for p in pages:
        clusters[pred[p.extra["page_id"]]].add(p.group)
    negatives = [p for p in pages if p.kind in ("negative", "story")]
    merged = [p for p in negatives if len(clusters[pred[p.extra["page_id"]]]) > 1]
    other_merges = sum(len(g) > 1 for g in clusters.values())
    print(f"\nhard negatives: {len(negatives)} pages, {len(merged)} falsely merged; clusters mixing two true articles"
          f" overall: {other_merges}")
    for name, test in (("briefs in heavy furniture", lambda p: p.kind == "negative" and "legal" not in p.tags),
                       ("author line + legal paragraph", lambda p: "legal" in p.tags),
                       ("stories in other words", lambda p: p.kind == "story")):
        print(f"  {name:<32}{sum(map(test, negatives)):>5} pages, {sum(map(test, merged))} falsely merged")
    failed |= len(merged) > 0
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
    print(f"\n{'all targets met' if not failed else 'TARGETS MISSED'} (recall >= 0.97 for exact, near and partial;"
          f" precision with the right original >= 0.99; no hard negative merged; the seed story)"
          f" ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`wirehouse health` and the daily wirehouse_health DAG: which sources need a person, and why.

A source's day is what the pipeline saw that UTC day (fetch runs started, pages fetched, rejects
recorded, ops.extraction_quality's day), judged against the source's own usual: the median of the
same signal over the WIREHOUSE_HEALTH_HISTORY_DAYS (14) days before, counting only days with data.
Each finding has a verdict; the source's verdict is its worst:

- needs attention: a fetch interval failed on every try; robots.txt refuses more requests than
  usual and at least ROBOTS_SHARE of the day's; feeds, sitemaps or section pages fail (HTTP error
  or unreadable) more often than usual, in at least half the day's intervals; FAILURE_ALERT_SHARE
  of the requests failed (and at least twice the usual share); no article at all where the source
  usually has some; an extraction-quality share (pages with no article text, articles without a
  date or an author, texts under a quarter of the source's usual length) QUALITY_ALERT_RISE above
  its usual.
- warn: the same signals past lower thresholds (robots.txt refusing more than usual, listings
  failing in fewer than half the intervals, FAILURE_WARN_SHARE, QUALITY_WARN_RISE); fewer than
  FEWER_ARTICLES of the usual articles; a share of intervals without an article EMPTY_INTERVALS_RISE
  above the usual; no fetch that day where there usually is one.
- ok: none of these. Relative signals need history: a new source is judged on failures alone.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta

import psycopg

from wirehouse.queries import queries

Q = queries("health")

OK, WARN, ALERT = "ok", "warn", "needs attention"
SEVERITY = {OK: 0, WARN: 1, ALERT: 2}

ROBOTS_FORBIDDEN = "forbidden by robots.txt"  # the fetch reject's reason (scrapers/spiders/news.py)
ROBOTS_SHARE = 0.5  # of a day's requests refused by robots.txt, more than usual: the source is shut out
FAILURE_WARN_SHARE = 0.2  # of a day's requests failed (feeds' and articles'), and twice the usual share
FAILURE_ALERT_SHARE = 0.5
QUALITY_WARN_RISE = 0.2  # a quality share this far above its usual, e.g. no date on 0% → 20% of articles
QUALITY_ALERT_RISE = 0.5
FEWER_ARTICLES = 0.25  # a day with fewer than this fraction of the usual articles
EMPTY_INTERVALS_RISE = 0.25  # share of fetched intervals that gave no article, above its usual

QUALITY = (  # (SourceDay field, what a rise of it says)
    ("share_not_article", "no article text on {share} of article pages"),
    ("share_no_date", "no date on {share} of articles"),
    ("share_no_author", "no author on {share} of articles"),
    ("share_short", "texts far shorter than usual on {share} of articles"),
)


class SourcesNeedAttention(RuntimeError):
    """Raised by the wirehouse_health DAG so that the run fails and Airflow's failure notifications fire."""


@dataclass(frozen=True)
class SourceDay:
    """One row of the source_days query: what the pipeline saw of a source on a UTC day."""
    source: str
    day: date
    intervals: int  # fetch intervals whose first run started that day
    failed_intervals: int  # ... whose every run failed
    empty_intervals: int  # ... fetched, with no staged article
    listing_failed_intervals: int  # ... in which a feed, sitemap or section page failed
    articles: int  # staged articles of the fetched intervals
    error: str | None  # the latest error of a failed interval
    pages: int
    article_errors: int  # article pages that answered an HTTP error
    listing_errors: int  # feed, sitemap and section pages that answered an HTTP error
    listing_example: str | None
    forbidden: int  # requests refused by robots.txt
    forbidden_example: str | None
    unreadable: int  # feeds and sitemaps that were not one
    unreadable_example: str | None
    failures: int  # other fetch rejects: DNS, timeouts, refused connections, ...
    failure_example: str | None
    pages_cleaned: int  # ops.extraction_quality from here on
    share_not_article: float | None
    share_no_date: float | None
    share_no_author: float | None
    share_short: float | None
    median_words: float | None
    usual_words: float | None

    def __post_init__(self) -> None:
        for f in fields(self):  # numeric shares arrive as Decimal
            if f.name.startswith(("share_", "median_", "usual_")) and getattr(self, f.name) is not None:
                object.__setattr__(self, f.name, float(getattr(self, f.name)))

    @property
    def requests(self) -> int:
        return self.pages + self.forbidden + self.unreadable + self.failures

    @property
    def listing_failures(self) -> int:
        return self.listing_errors + self.unreadable

    @property
    def failed_requests(self) -> int:
        return self.listing_failures + self.article_errors + self.failures

    @property
    def failure_share(self) -> float:
        return self.failed_requests / self.requests if self.requests else 0.0

    @property
    def empty_share(self) -> float:
        fetched = self.intervals - self.failed_intervals
        return self.empty_intervals / fetched if fetched else 0.0


@dataclass(frozen=True)
class SourceHealth:
    source: str
    day: date
    verdict: str  # ok | warn | needs attention
    reasons: tuple[str, ...]
    history_days: int  # days with data among those the usual is taken from

    @property
    def needs_attention(self) -> bool:
        return self.verdict == ALERT


def _usual(values) -> float:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else 0.0


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _fetch_findings(t: SourceDay, h: Sequence[SourceDay]) -> Iterator[tuple[str, str]]:
    if t.failed_intervals:
        yield ALERT, f"fetch failed for {t.failed_intervals} of {t.intervals} intervals: {t.error}"
    usual_forbidden = _usual(d.forbidden for d in h)
    shut_out = t.forbidden and t.forbidden >= ROBOTS_SHARE * t.requests
    # without history, a few refused links (a members-only page a section links to) are no news
    if t.forbidden > usual_forbidden and (h or shut_out):
        verdict = ALERT if shut_out else WARN
        yield verdict, (f"robots.txt forbids {t.forbidden} of {t.requests} requests (usually {usual_forbidden:g}),"
                        f" e.g. {t.forbidden_example}")
    usual_listing = _usual(d.listing_failures for d in h)
    if t.listing_failures > usual_listing:  # in half the intervals or more: not a passing blip
        yield (ALERT if 2 * t.listing_failed_intervals >= t.intervals else WARN), (
            f"failing feeds, sitemaps or section pages: {t.listing_failures} (usually {usual_listing:g}),"
            f" e.g. {t.listing_example or t.unreadable_example}")
    share, usual_share = t.failure_share, _usual(d.failure_share for d in h)
    if share >= FAILURE_WARN_SHARE and share > 2 * usual_share:
        example = f", e.g. {t.failure_example}" if t.failure_example else ""
        yield (ALERT if share >= FAILURE_ALERT_SHARE else WARN), (
            f"{t.failed_requests} of {t.requests} requests failed ({_pct(share)}, usually {_pct(usual_share)}){example}")


def _volume_findings(t: SourceDay, h: Sequence[SourceDay]) -> Iterator[tuple[str, str]]:
    fetched_days = [d for d in h if d.intervals > d.failed_intervals]
    if not fetched_days or t.intervals == t.failed_intervals:
        return  # no history to compare with, or nothing fetched (a failure said so)
    usual_articles = _usual(d.articles for d in fetched_days)
    if t.articles == 0 and usual_articles > 0:
        yield ALERT, f"no articles (usually {usual_articles:g} a day)"
    elif t.articles < FEWER_ARTICLES * usual_articles:
        yield WARN, f"only {t.articles} articles (usually {usual_articles:g} a day)"
    usual_empty = _usual(d.empty_share for d in fetched_days)
    if t.articles and t.empty_share > usual_empty + EMPTY_INTERVALS_RISE:
        yield WARN, (f"{t.empty_intervals} of {t.intervals - t.failed_intervals} intervals gave no article"
                     f" (usually {_pct(usual_empty)})")


def _quality_findings(t: SourceDay, h: Sequence[SourceDay]) -> Iterator[tuple[str, str]]:
    if not h:
        return
    for name, says in QUALITY:
        share = getattr(t, name)
        if share is None:
            continue
        usual = _usual(getattr(d, name) for d in h)
        rise = share - usual
        if rise >= QUALITY_WARN_RISE:
            words = f"; median {t.median_words:g} words, usual {t.usual_words:g}" if name == "share_short" else ""
            yield (ALERT if rise >= QUALITY_ALERT_RISE else WARN), (
                f"{says.format(share=_pct(share))} (usually {_pct(usual)}{words})")


def assess(source: str, day: date, today: SourceDay | None, history: Sequence[SourceDay]) -> SourceHealth:
    """The verdict on one source's day, from that day's signals and the days before (those with data)."""
    if today is None or today.intervals == 0:
        usual = _usual(d.intervals for d in history)
        if usual:
            findings = [(WARN, f"not fetched (usually {usual:g} intervals a day)")]
        elif not history:
            findings = [(WARN, "no data: not fetched that day nor in the days before")]
        else:
            findings = []
    else:
        findings = [*_fetch_findings(today, history), *_volume_findings(today, history),
                    *_quality_findings(today, history)]
    verdict = max((v for v, _ in findings), key=SEVERITY.__getitem__, default=OK)
    return SourceHealth(source, day, verdict, tuple(r for _, r in findings), len(history))


def source_health(conn: psycopg.Connection, day: date, history_days: int, sources: Sequence[str] | None = None,
                  days: int = 1) -> list[SourceHealth]:
    """Each source's health on each of the `days` days ending with `day`, by day then source.

    `sources`: those to judge (a source without data is judged too); None: every source with data."""
    first = day - timedelta(days=days - 1)
    rows = [SourceDay(*row) for row in conn.execute(Q.source_days, {
        "first": first - timedelta(days=history_days), "last": day, "robots": ROBOTS_FORBIDDEN,
        "sources": list(sources) if sources is not None else None})]
    names = sorted(set(sources) if sources is not None else {r.source for r in rows})
    found = {(r.source, r.day): r for r in rows}
    judged = []
    for when in (first + timedelta(days=n) for n in range(days)):
        for name in names:
            history = [found[name, when - timedelta(days=k)] for k in range(history_days, 0, -1)
                       if (name, when - timedelta(days=k)) in found]
            judged.append(assess(name, when, found.get((name, when)), history))
    return judged


def table(judged: Sequence[SourceHealth], history_days: int) -> str:
    """One row per source and day: verdict and reasons (further reasons on lines of their own)."""
    width = max([len("source"), *(len(h.source) for h in judged)])
    lines = [f"source health (usual: the median of the {history_days} days before each day)",
             f"{'day':10}  {'source':{width}}  {'verdict':15}  reasons"]
    for h in judged:
        reasons = h.reasons or ("",)
        lines.append(f"{h.day.isoformat():10}  {h.source:{width}}  {h.verdict:15}  {reasons[0]}".rstrip())
        lines += [f"{'':10}  {'':{width}}  {'':15}  {reason}" for reason in reasons[1:]]
    return "\n".join(lines)


def raise_for_attention(judged: Sequence[SourceHealth]) -> None:
    """Raise SourcesNeedAttention naming each source that needs a person and why."""
    alerts = [h for h in judged if h.needs_attention]
    if alerts:
        raise SourcesNeedAttention(f"{len(alerts)} source(s) need a person: " + " | ".join(
            f"{h.source} on {h.day}: {'; '.join(h.reasons)}" for h in alerts))

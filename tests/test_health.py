"""Source health (`wirehouse health`, the wirehouse_health DAG) over two real runs of the offline replay:
a healthy day, then a day on which some outlets broke, judged against the healthy one."""
from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, time, timedelta, timezone

import lxml.html
import psycopg
import pytest

from tests.stages import REPLAY_DAY
from wirehouse import pipeline
from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata
from wirehouse.cli import main
from wirehouse.config import PROJECT_ROOT
from wirehouse.health import ALERT, OK, SourceDay, assess, source_health
from wirehouse.replay import HTML, ReplayServer

SOURCES = ["kyivpost", "express", "businessinsider", "newsmax", "huffpost", "aggregator"]
DAY = date(2026, 3, 14)  # for the verdict rules alone, judged on numbers rather than runs
# (table, timestamp column) of every row a run writes that health reads by day
STAMPED = (("raw.pages", "fetched_at"), ("stage.articles", "fetched_at"), ("ops.runs", "started_at"),
           ("ops.runs", "finished_at"), ("ops.rejects", "created_at"), ("ops.page_outcomes", "decided_at"))


@pytest.fixture
def judged() -> date:
    """The day health judges: yesterday, read when the test starts (not when the module is collected,
    which on a full run can be on the day before)."""
    return datetime.now(timezone.utc).date() - timedelta(days=1)


@pytest.fixture
def replay(warehouse_db, monkeypatch):
    """A replay server of this test's own (its pages are changed between runs), as the sources' site."""
    with ReplayServer(port=0) as server:
        monkeypatch.setenv("WIREHOUSE_REPLAY_URL", server.base_url)
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(PROJECT_ROOT / "seeds" / "replay.yaml"))
        yield server


def run_day(db: str, day: date) -> None:
    """The DAG's stages over the replay's day for every outlet (a failed fetch skips its clean, as in
    Airflow), then the rows the run wrote moved onto `day`, each keeping its time of day, as if the
    pipeline had run that day (the healthy run on the day before the judged one, the broken one on it)."""
    with psycopg.connect(db, autocommit=True) as conn:
        started = conn.execute("select now()").fetchone()[0]
    for source in SOURCES:
        try:
            pipeline.fetch(source, REPLAY_DAY)
        except pipeline.FetchFailed:
            continue
        pipeline.clean(source, REPLAY_DAY)
    pipeline.fingerprint(REPLAY_DAY)
    pipeline.load(REPLAY_DAY)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("select raw.ensure_month_partition(%s::timestamptz)", (day,))
        for table, column in STAMPED:
            conn.execute(f"update {table} set {column} = {column}"
                         f" - (({column} at time zone 'UTC')::date - %s::date) * interval '1 day'"
                         f" where {column} >= %s", (day, started))


def articles(server: ReplayServer, outlet: str) -> list[str]:
    return [path for path, (_, body) in server.routes.items() if path.startswith(f"/{outlet}/")
            and lxml.html.fromstring(body).xpath("//meta[@property='og:type']/@content") == ["article"]]


def redesigned(body: bytes, words: int = 100) -> bytes:
    """The outlet's new article template: a headline and a teaser of the text; no byline, no date, no metadata."""
    doc = lxml.html.fromstring(body)
    title = doc.findtext(".//h1")
    text = " ".join(p.text_content() for p in doc.xpath("//article//p | //main//p")).split()[:words]
    paragraphs = "".join(f"<p>{' '.join(text[i:i + 25])}</p>" for i in range(0, len(text), 25))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><main class='story-v2'><h2>{title}</h2>{paragraphs}</main></body></html>").encode()


def verdicts(db: str, day: date) -> dict[str, tuple[str, tuple[str, ...]]]:
    with psycopg.connect(db) as conn:
        return {h.source: (h.verdict, h.reasons) for h in source_health(conn, day, 14, SOURCES)}


def test_a_changed_template_and_a_broken_feed_are_flagged_and_nothing_else(warehouse_db, replay, judged, capsys):
    run_day(warehouse_db, judged - timedelta(days=1))
    healthy = verdicts(warehouse_db, judged - timedelta(days=1))
    assert healthy == {s: (OK, ()) for s in SOURCES}, "a first day has nothing to compare with but failures"

    express = articles(replay, "express")
    assert len(express) >= 2
    for path in express:
        replay.routes[path] = (HTML, redesigned(replay.routes[path][1]))
    del replay.routes["/huffpost/feed.xml"]  # the feed now answers 404
    run_day(warehouse_db, judged)

    found = verdicts(warehouse_db, judged)
    assert {s for s, (verdict, _) in found.items() if verdict != OK} == {"express", "huffpost"}, found
    verdict, reasons = found["express"]
    assert verdict == ALERT
    assert "no date on 100% of articles (usually 0%)" in reasons
    assert "no author on 100% of articles (usually 0%)" in reasons
    assert any(re.fullmatch(r"texts far shorter than usual on 100% of articles"
                            r" \(usually 0%; median 10\d words, usual \d{3}(\.\d)?\)", r) for r in reasons), reasons
    verdict, reasons = found["huffpost"]
    assert verdict == ALERT
    assert reasons == (f"failing feeds, sitemaps or section pages: 1 (usually 0), e.g. feed {replay.base_url}"
                       "/huffpost/feed.xml answered HTTP 404",)
    # aggregator's articles never name an author: that is its usual, not a finding
    with psycopg.connect(warehouse_db) as conn:
        assert conn.execute("select share_no_author from ops.extraction_quality where source = 'aggregator'"
                            " and day = %s", (judged,)).fetchone()[0] == 1

    assert main(["health", "--day", judged.isoformat(), "--days", "2"]) == 1, "exit 1: a source needs attention"
    out = capsys.readouterr().out
    rows = {tuple(line.split()[:3]) for line in out.splitlines() if line[:4].isdigit()}
    assert (judged.isoformat(), "huffpost", "needs") in rows and (judged.isoformat(), "newsmax", "ok") in rows, out
    assert (str(judged - timedelta(days=1)), "express", "ok") in rows, out
    assert "no author on 100% of articles (usually 0%)" in out, out
    assert main(["health", "--day", judged.isoformat(), "--source", "newsmax", "--source", "kyivpost"]) == 0
    assert "express" not in capsys.readouterr().out
    assert main(["health"]) == 1, "by default yesterday, as the DAG judges it"
    assert f"{judged.isoformat()}  huffpost  " in capsys.readouterr().out


def test_robots_txt_shutting_a_source_out_and_a_source_gone_silent_fail_the_dag(warehouse_db, replay, judged, tmp_path):
    run_day(warehouse_db, judged - timedelta(days=1))
    robots_type, robots = replay.routes["/robots.txt"]
    replay.routes["/robots.txt"] = (robots_type, robots.replace(b"User-agent: *\n", b"User-agent: *\nDisallow: /express/\n"))
    # aggregator moves its articles under /aggregator/story/: its listings work, and list nothing
    # that its article_urls still match
    replay.routes = {path.replace("/aggregator/20", "/aggregator/story/20"):
                     (kind, body.replace(b"/aggregator/20", b"/aggregator/story/20"))
                     for path, (kind, body) in replay.routes.items()}
    run_day(warehouse_db, judged)

    found = verdicts(warehouse_db, judged)
    assert {s for s, (verdict, _) in found.items() if verdict != OK} == {"express", "aggregator"}, found
    verdict, reasons = found["express"]
    assert verdict == ALERT
    assert any(r.startswith("robots.txt forbids 4 of 4 requests (usually 0), e.g. ") for r in reasons), reasons
    assert any(r.startswith("fetch failed for 1 of 1 intervals: ") and "forbidden by robots.txt" in r
               for r in reasons), reasons
    verdict, reasons = found["aggregator"]
    assert verdict == ALERT and len(reasons) == 1 and re.fullmatch(r"no articles \(usually [1-9]\d* a day\)", reasons[0])
    with psycopg.connect(warehouse_db) as conn:  # every request waiting for robots.txt obeyed it
        assert conn.execute("select count(*) from raw.pages where source = 'express' and fetched_at >= %s",
                            (judged,)).fetchone()[0] == 0

    env = airflow_env(tmp_path / "airflow")
    migrate_metadata(env, tmp_path / "migrate.log")
    # run_after the day after the judged one, 07:00: the data interval ends that day at 06:00, so the
    # run judges that day
    logical = datetime.combine(judged + timedelta(days=1), time(7), timezone.utc)
    done = airflow(["dags", "test", "wirehouse_health", logical.isoformat()], env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert done.returncode != 0, done.stdout[-3000:]
    assert "SourcesNeedAttention: 2 source(s) need a person:" in done.stdout, done.stdout[-3000:]
    assert re.search(rf"aggregator on {judged}: no articles \(usually [1-9]\d* a day\)", done.stdout)
    assert f"express on {judged}: fetch failed for 1 of 1 intervals" in done.stdout


def test_the_same_numbers_are_ok_where_they_are_usual_and_not_where_they_are_new():
    def day(n: int, **signals) -> SourceDay:
        values = {"intervals": 24, "failed_intervals": 0, "empty_intervals": 0, "listing_failed_intervals": 0,
                  "articles": 50, "error": None,
                  "pages": 100, "article_errors": 0, "listing_errors": 0, "listing_example": None, "forbidden": 0,
                  "forbidden_example": None, "unreadable": 0, "unreadable_example": None, "failures": 0,
                  "failure_example": None, "pages_cleaned": 50, "share_not_article": 0.0, "share_no_date": 0.0,
                  "share_no_author": 0.0, "share_short": 0.0, "median_words": 500.0, "usual_words": 500.0}
        return SourceDay("site", DAY - timedelta(days=n), **{**values, **signals})

    flaky = {"failures": 30, "failure_example": "timed out: https://site.example/a", "share_no_date": 0.9}
    today = day(0, **flaky)
    assert assess("site", DAY, today, [day(n, **flaky) for n in range(1, 8)]).verdict == OK
    judged = assess("site", DAY, today, [day(n) for n in range(1, 8)])
    assert judged.verdict == ALERT and judged.reasons == (
        "30 of 130 requests failed (23%, usually 0%), e.g. timed out: https://site.example/a",
        "no date on 90% of articles (usually 0%)")
    quiet = assess("site", DAY, day(0, articles=5, empty_intervals=20), [day(n) for n in range(1, 8)])
    assert quiet.verdict == "warn" and quiet.reasons == (
        "only 5 articles (usually 50 a day)", "20 of 24 intervals gave no article (usually 0%)")
    blip = {"listing_errors": 1, "listing_example": "feed https://site.example/rss answered HTTP 503"}
    assert assess("site", DAY, day(0, listing_failed_intervals=1, **blip), [day(n) for n in range(1, 8)]) \
        .verdict == "warn", "one hourly interval of 24 with a failing feed is a blip"
    assert assess("site", DAY, day(0, listing_failed_intervals=12, **blip), [day(n) for n in range(1, 8)]) \
        .verdict == ALERT
    assert assess("site", DAY, None, [day(n) for n in range(1, 8)]).reasons == (
        "not fetched (usually 24 intervals a day)",)

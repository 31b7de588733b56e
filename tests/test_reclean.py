"""Re-extraction: a change of extractor never makes an article version, a publisher's change still
does; `wirehouse reclean` updates stored articles in place and records each change."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
import yaml

import extract.article
import extract.version
from tests.stages import REPLAY_DAY, PageSite, ingest_interval, rss, sources_with
from wirehouse.config import PROJECT_ROOT
from wirehouse.reclean import run_reclean
from wirehouse.runs import Interval
from wirehouse.sources import load_sources

HTML = "text/html; charset=utf-8"
PARAGRAPHS = [f"Paragraph {i}: the harbour authority reopened the northern pier after repairs that took most of"
              " the autumn, officials said on Friday." for i in range(12)]
DESK_LINE = "Harbour desk: call the newsroom on weekdays."


def page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return ('<html lang="en"><head><title>Pier reopens</title><meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2022-11-11T09:00:00Z"></head>'
            f"<body><article><h1>Pier reopens</h1>{body}</article></body></html>").encode()


def day(n: int) -> Interval:
    return Interval(REPLAY_DAY.start + timedelta(days=n), REPLAY_DAY.end + timedelta(days=n))


@pytest.fixture
def harbour(tmp_path, warehouse_db, replay_sources, monkeypatch):
    """One outlet with one article, its feed dated inside whichever day `publish` names."""
    pages = {"/harbour/news/pier": (200, HTML, page([*PARAGRAPHS[:6], DESK_LINE, *PARAGRAPHS[6:]]))}
    with PageSite(pages) as site:
        url = f"{site.base_url}/harbour/news/pier"
        path = sources_with(tmp_path, "harbour", [f"{site.base_url}/harbour/feed.xml"], [r"/harbour/news/"])
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))

        def publish(interval: Interval, drop_lines: list[str] | None = None) -> dict:
            pages["/harbour/feed.xml"] = (200, "application/rss+xml", rss([(url, interval.start + timedelta(hours=12))]))
            data = yaml.safe_load(path.read_text())
            entry = next(s for s in data["sources"] if s["name"] == "harbour")
            entry.pop("cleaning", None)
            if drop_lines:
                entry["cleaning"] = {"drop_lines": drop_lines}
            path.write_text(yaml.safe_dump(data, sort_keys=False))
            return ingest_interval(interval, ["harbour"])["load"]

        yield pages, publish


def article(db: str) -> dict:
    with psycopg.connect(db) as conn:
        cur = conn.execute("select article_id, text, content_hash, version_count, extractor_version"
                           " from warehouse.articles where source = 'harbour'")
        rows = [dict(zip([c.name for c in cur.description], r)) for r in cur]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_new_cleaning_rule_is_no_version_and_the_publishers_edit_is_one(harbour, warehouse_db):
    pages, publish = harbour
    assert publish(day(0))["new"] == 1
    first = article(warehouse_db)
    assert DESK_LINE in first["text"] and first["extractor_version"].startswith(extract.version.EXTRACTOR_VERSION)

    # the source gains a cleaning rule; the refetched page is unchanged
    load = publish(day(1), drop_lines=["^Harbour desk:"])
    assert load.get("unchanged") == 1 and "version" not in load and load["reextracted"] == 1
    second = article(warehouse_db)
    assert second["version_count"] == 1 and DESK_LINE not in second["text"]
    assert second["extractor_version"].startswith(extract.version.EXTRACTOR_VERSION + "+")
    assert second["extractor_version"] != first["extractor_version"]
    with psycopg.connect(warehouse_db) as conn:
        audit = conn.execute("select trigger, old_content_hash, new_content_hash, old_extractor_version,"
                             " new_extractor_version, changed from ops.reextractions").fetchall()
        versions = conn.execute("select version_no, text, extractor_version from warehouse.article_versions"
                                " where article_id = %s", (first["article_id"],)).fetchall()
    assert audit == [("refetch", first["content_hash"], second["content_hash"], first["extractor_version"],
                      second["extractor_version"], ["text"])]
    assert versions == [(1, second["text"], second["extractor_version"])]

    # the publisher edits the page: a version, compared with a text from the same extractor
    pages["/harbour/news/pier"] = (200, HTML, page([*PARAGRAPHS, "Paragraph 12: the pier closes again in May."]))
    load = publish(day(2), drop_lines=["^Harbour desk:"])
    assert load.get("version") == 1 and "reextracted" not in load
    third = article(warehouse_db)
    assert third["version_count"] == 2 and "closes again in May" in third["text"]


@pytest.fixture
def replay_loaded(warehouse_db, replay_sources):
    sources = [s.name for s in load_sources(replay_sources)]
    ingest_interval(REPLAY_DAY, sources)
    return warehouse_db


def warehouse_state(db: str) -> dict[int, tuple]:
    with psycopg.connect(db) as conn:
        return {r[0]: r[1:] for r in conn.execute(
            "select article_id, text, content_hash, version_count, extractor_version, title from warehouse.articles")}


def test_reclean_updates_stored_articles_in_place_and_only_once(replay_loaded, monkeypatch):
    db = replay_loaded
    before = warehouse_state(db)
    assert before
    now = REPLAY_DAY.end + timedelta(days=1)
    assert run_reclean(now).counters.get("versions", 0) == 0  # nothing to do: the extractor did not change

    # a new extractor: its cleaning drops each text's last paragraph
    original = extract.article.clean_text
    monkeypatch.setattr(extract.article, "clean_text",
                        lambda *a, **k: original(*a, **k).rsplit("\n", 1)[0])
    monkeypatch.setattr(extract.version, "EXTRACTOR_VERSION", "next")

    dry = run_reclean(now, dry_run=True)
    assert dry.counters["changed"] == len(before) and warehouse_state(db) == before

    report = run_reclean(now)
    assert report.counters["reextracted"] == report.counters["changed"] == len(before), report.counters
    after = warehouse_state(db)
    assert after.keys() == before.keys()
    for article_id, (text, content_hash, version_count, version, _) in after.items():
        old_text = before[article_id][0]
        assert text == old_text.rsplit("\n", 1)[0] and content_hash != before[article_id][1]
        assert version_count == before[article_id][2] and version.startswith("next")
    with psycopg.connect(db) as conn:
        assert conn.execute("select count(*), count(distinct article_id) from ops.reextractions"
                            " where trigger = 'reclean'").fetchone() == (len(before), len(before))
        # what later pages are matched against follows the new text
        stale = conn.execute(
            "select count(*) from warehouse.articles a join warehouse.article_versions v"
            " on v.article_id = a.article_id and v.version_no = a.version_count"
            " join stage.fingerprints f on f.page_id = v.page_id join dedup.signatures g on g.article_id = a.article_id"
            " where f.content_hash <> a.content_hash or g.body_hash <> f.body_hash"
            " or (select array_agg(x.anchor order by x.anchor) from dedup.anchors x where x.article_id = a.article_id)"
            "    is distinct from (select array_agg(distinct u order by u) from unnest(f.anchors) u)").fetchone()[0]
        assert stale == 0
        run = conn.execute("select status, counters from ops.runs where task = 'reclean' order by run_id desc"
                           " limit 1").fetchone()
    assert run[0] == "success" and run[1]["changed"] == len(before)
    assert run_reclean(now).counters.get("versions", 0) == 0  # a rerun finds nothing left to do


def test_reclean_narrows_to_a_source_and_a_period(replay_loaded, monkeypatch):
    monkeypatch.setattr(extract.version, "EXTRACTOR_VERSION", "next")
    now = datetime.now(timezone.utc) + timedelta(days=2)
    assert run_reclean(now, since=now - timedelta(days=1)).counters.get("versions", 0) == 0  # fetched before
    with psycopg.connect(replay_loaded) as conn:
        source, n = conn.execute("select source, count(*) from warehouse.articles group by 1 order by 2 desc"
                                 " limit 1").fetchone()
    report = run_reclean(now, source=source)
    assert report.counters["versions"] == report.counters["reextracted"] == n
    with psycopg.connect(replay_loaded) as conn:
        assert conn.execute("select array_agg(distinct source) from warehouse.articles"
                            " where extractor_version like 'next%'").fetchone()[0] == [source]


def test_the_reclean_command_and_its_errors(replay_loaded, tmp_path):
    # the installed command, from another directory: everything it imports is installed with it
    wirehouse = [str(Path(sys.executable).parent / "wirehouse"), "reclean"]
    run = subprocess.run([*wirehouse, "--since", "2022-11-01"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no new versions" in run.stdout and "0 stored versions" in run.stdout
    future = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    run = subprocess.run([*wirehouse, "--since", future], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and "after" in run.stderr


def test_the_reclean_dag_applies_a_sources_new_cleaning_rule(replay_loaded, tmp_path, monkeypatch):
    """`airflow dags test wirehouse_reclean` with a source in its conf, after that source's cleaning
    rules changed in the sources file: its articles are re-extracted in place, no other source's."""
    from wirehouse.airflow_env import airflow, airflow_env, migrate_metadata

    data = yaml.safe_load((PROJECT_ROOT / "seeds" / "replay.yaml").read_text())
    with psycopg.connect(replay_loaded) as conn:
        name, first_line = conn.execute("select source, split_part(text, e'\\n', 1) from warehouse.articles"
                                        " order by article_id limit 1").fetchone()
    entry = next(s for s in data["sources"] if s["name"] == name)
    entry.setdefault("cleaning", {}).setdefault("drop_lines", []).append("^" + re.escape(first_line[:30]))
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
    env = airflow_env(tmp_path / "airflow")
    migrate_metadata(env, tmp_path / "migrate.log")
    done = airflow(["dags", "test", "wirehouse_reclean", "--conf", f'{{"source": "{name}"}}'], env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "no new versions" in done.stdout
    with psycopg.connect(replay_loaded) as conn:
        changed = conn.execute("select distinct a.source from ops.reextractions r join warehouse.articles a"
                               " using (article_id) where 'text' = any(r.changed)").fetchall()
        runs = conn.execute("select dag_id, status from ops.runs where task = 'reclean'").fetchall()
        text = conn.execute("select text from warehouse.articles where source = %s order by article_id limit 1",
                            (name,)).fetchone()[0]
    assert changed == [(name,)] and runs == [("wirehouse_reclean", "success")]
    assert not text.startswith(first_line)

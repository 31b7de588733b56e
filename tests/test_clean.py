"""The clean stage's extraction on every replay page, scored against the gold text and metadata."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime

import pytest

from extract import CleaningRules, extract_article
from wirehouse.config import PROJECT_ROOT
from wirehouse.replay import boilerplate_lines, build_site, load_gold
from wirehouse.sources import load_sources

BASE = "http://127.0.0.1:8765"
SITE = build_site(BASE)
GOLD = {g["path"]: g for g in load_gold(BASE)}
RULES = {s.name: CleaningRules(drop_lines=s.drop_lines, language=s.language)
         for s in load_sources(PROJECT_ROOT / "seeds" / "replay.yaml")}
TEXT_PAGES = sorted(p for p, g in GOLD.items() if g["kind"] in ("article", "copy"))


def word_f1(got: str, want: str) -> float:
    got_words = Counter(re.findall(r"\w+", got.lower()))
    want_words = Counter(re.findall(r"\w+", want.lower()))
    overlap = sum((got_words & want_words).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got_words.values()), overlap / sum(want_words.values())
    return 2 * precision * recall / (precision + recall)


def extract(path: str):
    gold = GOLD[path]
    _, body = SITE[path]
    return extract_article(body, gold["url"], RULES[gold["source"]])


@pytest.mark.parametrize("path", TEXT_PAGES)
def test_replay_text_matches_gold(path):
    page = extract(path)
    assert page.is_article
    assert word_f1(page.text, GOLD[path]["text"]) >= 0.95


@pytest.mark.parametrize("path", TEXT_PAGES)
def test_no_seed_boilerplate_in_output(path):
    text = extract(path).text
    leaked = [line for line in boilerplate_lines() if line.strip() and line.strip() in text]
    assert leaked == []


@pytest.mark.parametrize("path", [p for p in TEXT_PAGES if GOLD[p]["kind"] == "article"])
def test_replay_metadata_matches_gold(path):
    gold, page = GOLD[path], extract(path)
    assert page.title == gold["title"]
    assert page.published == datetime.fromisoformat(gold["published"])
    assert page.language == gold["language"]
    assert set(gold["authors"]) <= set(page.authors)
    assert page.canonical_url == gold["canonical_url"]
    assert page.provenance["published"] in ("json-ld", "meta")


def test_not_an_article_page_is_marked():
    (path,) = [p for p, g in GOLD.items() if g["kind"] == "not_article"]
    page = extract(path)
    assert not page.is_article and page.reason


def test_wirehouse_extract_prints_one_json_object_per_file(tmp_path):
    import gzip

    path = TEXT_PAGES[0]
    plain = tmp_path / "page.html"
    plain.write_bytes(SITE[path][1])
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(SITE[path][1]))
    done = subprocess.run([sys.executable, "-m", "wirehouse.cli", "extract", str(plain), str(packed)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["source"] == str(plain) and second["source"] == str(packed)
    for result in (first, second):
        assert {"text", "title", "authors", "published", "language"} <= set(result)
        assert isinstance(result["authors"], list)
        datetime.fromisoformat(result["published"])
    assert first["text"] == second["text"] and first["title"] == GOLD[path]["title"]


def test_wirehouse_extract_reports_an_unreadable_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wirehouse.cli", "extract", str(tmp_path / "missing.html")],
                          capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 1
    assert "error" in json.loads(done.stdout)

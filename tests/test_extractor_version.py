"""EXTRACTOR_VERSION is bumped whenever extract/'s output changes: its output on every page the
offline replay serves is recorded with the version that produced it (tests/fixtures/extractor_output.json).

After changing extract/: if this test fails, bump EXTRACTOR_VERSION in extract/version.py, then
record the new output with `.venv/bin/python -m tests.test_extractor_version`.
"""
from __future__ import annotations

import hashlib
import json

from extract import CleaningRules, extract_article
from extract.version import EXTRACTOR_VERSION
from wirehouse.config import PROJECT_ROOT
from wirehouse.replay import build_site

RECORD = PROJECT_ROOT / "tests" / "fixtures" / "extractor_output.json"


def output_digest() -> str:
    """A digest of what extract_article returns for each HTML page of the replay, without the version."""
    digest = hashlib.sha256()
    for path, (content_type, body) in sorted(build_site("http://127.0.0.1:8765").items()):
        if "html" in content_type:
            page = extract_article(body, "http://127.0.0.1:8765" + path, CleaningRules()).to_json()
            page.pop("extractor_version")
            digest.update(json.dumps([path, page], sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def test_the_extractor_version_changes_with_its_output():
    recorded = json.loads(RECORD.read_text())
    digest = output_digest()
    if digest != recorded["digest"]:
        assert EXTRACTOR_VERSION != recorded["extractor_version"], (
            "extract/'s output changed: bump EXTRACTOR_VERSION in extract/version.py (stored texts from the old"
            " version are then re-extracted, never taken for new versions), then record it with"
            " `.venv/bin/python -m tests.test_extractor_version`")
    assert (EXTRACTOR_VERSION, digest) == (recorded["extractor_version"], recorded["digest"]), (
        "record the new extractor version's output: `.venv/bin/python -m tests.test_extractor_version`")


def test_the_record_notices_a_changed_cleaning_rule(monkeypatch):
    import extract.article

    before = output_digest()
    original = extract.article.clean_text
    monkeypatch.setattr(extract.article, "clean_text", lambda *a, **k: original(*a, **k).replace("the ", "a "))
    assert output_digest() != before


if __name__ == "__main__":
    RECORD.write_text(json.dumps({"extractor_version": EXTRACTOR_VERSION, "digest": output_digest()}, indent=2) + "\n")
    print(f"recorded the output of extractor {EXTRACTOR_VERSION} in {RECORD.relative_to(PROJECT_ROOT)}")

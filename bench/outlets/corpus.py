"""Real article pages from ../shared/benchmarks (read at run time, never copied into the project).

WCXB dev articles: CC-BY-4.0, (c) 2026 Murrough Foley. fundus-news: MIT, from flairNLP/fundus
(Dallabetta et al., 2024). The pages themselves remain the work of their publishers; see each
folder's README and LICENSE.
"""
from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

from bench.outlets.model import SourcePage
from wirehouse.config import SHARED_DIR

BENCHMARKS = SHARED_DIR / "benchmarks"
MIN_WORDS = 150  # short pages risk failing extraction, which would blur what this evaluation measures


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None  # served as UTF-8 after rewriting: skip pages in other encodings


@functools.lru_cache(maxsize=None)
def wcxb_pages() -> tuple[SourcePage, ...]:
    folder = BENCHMARKS / "wcxb-dev-articles"
    pages = []
    for label_file in sorted((folder / "ground-truth").glob("*.json")):
        label = json.loads(label_file.read_text(encoding="utf-8"))
        truth = label["ground_truth"]
        if len((truth.get("main_content") or "").split()) < MIN_WORDS or not truth.get("title"):
            continue
        html = _decode(gzip.decompress((folder / "html" / f"{label_file.stem}.html.gz").read_bytes()))
        if html:
            pages.append(SourcePage("wcxb", label_file.stem, label["url"], truth["title"], "en", html,
                                    truth["main_content"]))
    return tuple(pages)


@functools.lru_cache(maxsize=None)
def fundus_pages() -> tuple[SourcePage, ...]:
    folder = BENCHMARKS / "fundus-news"
    labels = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, label in sorted(labels.items()):
        if len((label.get("text") or "").split()) < MIN_WORDS:
            continue
        html = _decode(gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()))
        if html:
            pages.append(SourcePage("fundus", page_id, label["url"], label["title"], label["language"], html,
                                    label["text"]))
    return tuple(pages)


def pages_for(corpus: str) -> tuple[SourcePage, ...]:
    """corpus: "wcxb" or "fundus:<language>"."""
    if corpus == "wcxb":
        return wcxb_pages()
    kind, _, language = corpus.partition(":")
    if kind != "fundus":
        raise ValueError(f"unknown corpus {corpus!r}")
    return tuple(p for p in fundus_pages() if p.language == language)


ATTRIBUTION = {
    "wcxb": "WCXB dev articles, CC-BY-4.0, (c) 2026 Murrough Foley",
    "fundus": "fundus-news (flairNLP/fundus test pages), MIT",
}


def licence_files() -> list[Path]:
    return [BENCHMARKS / "wcxb-dev-articles" / "LICENSE", BENCHMARKS / "fundus-news" / "LICENSE"]


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(title: str, fallback: str) -> str:
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = _SLUG_DROP.sub("-", ascii_title).strip("-")[:60].rstrip("-")
    return slug if len(slug) >= 8 else f"{fallback}-{slug}".rstrip("-")

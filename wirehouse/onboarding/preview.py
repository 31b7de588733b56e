"""A sample of pages extracted by the project's own extractor, and the table that shows them."""
from __future__ import annotations

from dataclasses import dataclass

from extract.article import extract_article
from wirehouse.onboarding.fetch import Fetcher
from wirehouse.onboarding.signals import not_an_article


@dataclass(frozen=True)
class Sampled:
    url: str
    is_article: bool
    verdict: str  # "article", or why not
    title: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    words: int = 0
    language: str = ""


def sample(urls, fetcher: Fetcher) -> tuple[Sampled, ...]:
    rows = []
    for url, fetched in fetcher.get_all(urls).items():
        if not fetched.ok:
            rows.append(Sampled(url, False, f"fetch failed: {fetched.problem}"))
            continue
        page = extract_article(fetched.body, url=fetched.final_url or url)
        reason = (page.reason or "rejected") if not page.is_article else not_an_article(fetched.body, page.word_count)
        rows.append(Sampled(
            url, reason is None, "article" if reason is None else f"not an article: {reason}",
            page.title or "", page.published.date().isoformat() if page.published else "",
            tuple(page.authors), page.word_count, page.language or ""))
    return tuple(rows)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: tuple[Sampled, ...]) -> str:
    columns = ("url", "title", "date", "authors", "words", "lang", "verdict")
    cells = [(r.url, _cut(r.title, 40), r.published, _cut(", ".join(r.authors), 24), str(r.words), r.language,
              r.verdict) for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.rjust(w) if i == 4 else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))).rstrip()
              for row in cells]
    return "\n".join(lines)

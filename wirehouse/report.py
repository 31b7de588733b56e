"""Per-source summaries of a DAG run, from ops.runs and ops.page_outcomes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wirehouse.db import connect

OUTCOMES = ("new", "version", "unchanged", "copy", "not_article", "rejected")


@dataclass
class SourceSummary:
    source: str
    status: str
    error: str | None
    pages: int = 0
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    fetch_failures: int = 0

    def line(self) -> str:
        if self.status != "success":
            error = (self.error or self.status).removeprefix("FetchFailed: ").removeprefix(f"{self.source}: ")
            return f"{self.source}: FAILED: {error}"
        o = {k: self.outcomes.get(k, 0) for k in OUTCOMES}
        return (f"{self.source}: {self.pages} pages fetched; articles {o['new']} new, {o['version']} updated,"
                f" {o['unchanged']} unchanged; {o['copy']} copies; {o['not_article']} not articles;"
                f" {o['rejected'] + self.fetch_failures} rejects ({self.seconds:.1f} s)")


@dataclass
class RunSummary:
    dag_run_id: str
    sources: list[SourceSummary]
    log_file: Path | None = None

    def lines(self) -> list[str]:
        return [s.line() for s in self.sources]

    @property
    def failed(self) -> list[SourceSummary]:
        return [s for s in self.sources if s.status != "success"]


def run_summary(dag_run_id: str, log_file: Path | None = None) -> RunSummary:
    with connect() as conn:
        fetches = conn.execute(
            "select distinct on (source) run_id, source, status, error, counters from ops.runs"
            " where dag_run_id = %s and task = 'fetch' order by source, run_id desc",
            (dag_run_id,),
        ).fetchall()
        summaries = []
        for run_id, source, status, error, counters in fetches:
            outcomes = dict(conn.execute(
                "select outcome, count(*) from ops.page_outcomes where run_id = %s group by outcome", (run_id,)))
            summaries.append(SourceSummary(
                source=source, status=status, error=error, pages=counters.get("pages", 0),
                seconds=counters.get("seconds", 0.0), outcomes=outcomes,
                fetch_failures=counters.get("fetch_failures", 0)))
    return RunSummary(dag_run_id, summaries, log_file)


def raise_for_failures(summary: RunSummary) -> None:
    if summary.failed:
        names = ", ".join(s.source for s in summary.failed)
        raise RuntimeError(f"{len(summary.failed)} of {len(summary.sources)} sources failed: {names}")

"""Settings, all from the environment (Airflow connections override them where Airflow runs)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The team's shared data (seed articles, labelled benchmark pages) lives beside the checkout.
SHARED_DIR = Path(os.environ.get("WIREHOUSE_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    sources_file: Path
    state_dir: Path
    user_agent: str
    lookback_days: int
    raw_retention_days: int  # raw.pages kept this long (whole monthly partitions), stage.* with them
    ops_retention_days: int  # ops.runs, page_outcomes and rejects kept this long
    shards: int  # a DAG run cuts its sources into this many shards: one crawl and one clean task each
    health_history_days: int  # a source's "usual", for `wirehouse health`: the median of this many days before
    workers: int  # processes a clean or fingerprint task works its pages in (WIREHOUSE_CLEAN_WORKERS)

    @property
    def embedded_dir(self) -> Path:
        return self.state_dir / "pg"


def settings() -> Settings:
    state_dir = Path(os.environ.get("WIREHOUSE_HOME", PROJECT_ROOT / ".wirehouse"))
    sources = os.environ.get("WIREHOUSE_SOURCES", "seeds/sources.yaml")
    sources_path = Path(sources)
    if not sources_path.is_absolute():
        sources_path = PROJECT_ROOT / sources_path
    return Settings(
        database_url=os.environ.get("WIREHOUSE_DATABASE_URL") or None,
        sources_file=sources_path,
        state_dir=state_dir,
        user_agent=os.environ.get(
            "WIREHOUSE_USER_AGENT",
            "wirehouse/0.1 (news archiver; operators set WIREHOUSE_USER_AGENT to include a contact)",
        ),
        lookback_days=_days("WIREHOUSE_DEDUP_LOOKBACK_DAYS", 365),
        raw_retention_days=_days("WIREHOUSE_RAW_RETENTION_DAYS", 90),
        ops_retention_days=_days("WIREHOUSE_OPS_RETENTION_DAYS", 365),
        shards=_whole("WIREHOUSE_SHARDS", 2, "shards"),
        health_history_days=_days("WIREHOUSE_HEALTH_HISTORY_DAYS", 14),
        workers=_whole("WIREHOUSE_CLEAN_WORKERS", os.cpu_count() or 1, "processes"),
    )


def _days(name: str, default: int) -> int:
    return _whole(name, default, "days")


def _whole(name: str, default: int, unit: str) -> int:
    value = os.environ.get(name) or str(default)
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name}={value!r}: a whole number of {unit}, at least 1")
    return number

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
        lookback_days=int(os.environ.get("WIREHOUSE_DEDUP_LOOKBACK_DAYS", "365")),
    )

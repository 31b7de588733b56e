"""The downstream example: per-source daily counts, rebuilt from the warehouse."""
from __future__ import annotations

from datetime import datetime

from wirehouse.config import PROJECT_ROOT
from wirehouse.db import transaction

QUERY = (PROJECT_ROOT / "sql" / "queries" / "refresh_daily_source_summary.sql").read_text()


def refresh_daily_source_summary(refreshed_at: datetime) -> int:
    with transaction() as conn:
        conn.execute("delete from warehouse.daily_source_summary")
        conn.execute(QUERY, {"refreshed_at": refreshed_at})
        return conn.execute("select count(*) from warehouse.daily_source_summary").fetchone()[0]

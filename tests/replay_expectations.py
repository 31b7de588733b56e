"""What a run over the offline replay fetches besides the pages of its interval."""
from __future__ import annotations

from datetime import datetime


def linked_and_undated(gold: list[dict], interval_start: datetime) -> set[str]:
    """The older pages a run fetches from the section pages, which link every page of an outlet:
    those published before the interval's month. Their monthly sitemap last changed before the
    window, so the spider skips it unread, and no listing dates them outside the window (section
    pages give undated links). URLs as the gold gives them (canonical)."""
    month = interval_start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {g["canonical_url"] for g in gold
            if g["kind"] == "out_of_window" and datetime.fromisoformat(g["published"]) < month}

"""Local news outlets for evaluating `wirehouse sources add`: real article pages from
../shared/benchmarks arranged into sites of varied structure, each with gold. See README
("Adding a source") and bench/sources_eval.py.

    with OutletServer(seed=17) as server:
        for outlet in server.outlets: ...   # outlet.home, outlet.gold
"""
from __future__ import annotations

import random

from bench.outlets.model import Gold, Outlet, Page, Profile
from bench.outlets.plan import plan_outlet
from bench.outlets.profiles import PROFILES
from bench.outlets.site import render

DEFAULT_SEED = 17

__all__ = ["DEFAULT_SEED", "PROFILES", "Gold", "Outlet", "Page", "Profile", "build_outlets"]


def build_outlets(seed: int, bases: dict[str, str], profiles: tuple[Profile, ...] = PROFILES) -> list[Outlet]:
    """Every outlet of profiles, served at bases[name]; the same seed and bases give the same bytes."""
    used: set[tuple[str, str]] = set()
    outlets = []
    for profile in profiles:
        rng = random.Random(f"{seed}:{profile.name}")
        outlets.append(render(profile, bases[profile.name], plan_outlet(profile, bases[profile.name], rng, used)))
    return outlets

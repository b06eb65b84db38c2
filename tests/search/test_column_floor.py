"""The floor of each listed group's cost (optimizer.search.column_floor) against its
exact price (optimizer.search.columns.price_groups), and the capped bound that prices
exactly only the columns its LP's master takes (optimizer.search.oversized_capped).

A floor above a group's exact cost would make the capped bound invalid (the
Lagrangian value counts the unpriced columns at their floor), so every listed group
of grids with every kind of center (owned and for-sale sites with swaps, builds
forbidden, co-developed rooms, planned rooms that PIPELINE makes first, stand-in
builds, rural, current communities to move from) is compared; a group holding a unit
whose every center is short (priced apart, below the floor) must be flagged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.graph.oversized import take_apart
from optimizer.model import attach_bound
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import oversized_capped
from optimizer.search.column_floor import floor_groups
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.oversized_bound import joining
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import every_oversized_plan

ROOMS = {"site_id": "P", "unit_id": "r0c0", "area_m2": 0, "owned": True,
         "max_area_m2": 491, "status": "planned", "available_year": 2014}
GRID = [[1600, 1600, 1000, 1600], [1000, 700, 1600, 1600], [900, 1300, 800, 1200]]
IDS = [f"r{r}c{c}" for r in range(3) for c in range(4)]
VARIANTS: dict[str, tuple[list[list[int | None]], dict[str, Any]]] = {
    "plain": (GRID, {}),
    "sites, swaps": (GRID, dict(sites=[
        dict(site_id="S-own", unit_id="r0c0", area_m2=900, owned=True, max_area_m2=1400),
        dict(site_id="S-own2", unit_id="r2c3", area_m2=300, owned=True, max_area_m2=700),
        dict(site_id="S-sale", unit_id="r1c1", area_m2=600, owned=False, max_area_m2=1500,
             purchase_price_yuan=900_000),
        dict(site_id="S-sale2", unit_id="r2c0", area_m2=100, owned=False, max_area_m2=800,
             purchase_price_yuan=200_000)])),
    "no build, codevelop": (GRID, dict(no_build=["r0c1", "r1c2", "r2c2"],
                                       new_development=["r1c3", "r2c1"])),
    "planned rooms first": (GRID, dict(sites=[
        dict(site_id="P1", unit_id="r1c0", area_m2=0, owned=True, max_area_m2=700,
             status="planned", available_year=2014)], new_development=["r0c3"])),
    "stand-in builds": (GRID, dict(no_build=IDS, sites=[
        dict(site_id="S-small", unit_id="r1c1", area_m2=300, owned=True, max_area_m2=500)])),
    "rural": ([[800, 800, 500, 600], [800, 400, 800, 300], [500, 800, 800, 700]],
              dict(kind="rural")),
    "current communities": (GRID, dict(current=[["A", "A", "B", "B"], ["A", "C", "C", "B"],
                                                ["D", "D", "C", "B"]])),
    # tests/search/test_short_within.py's row: r0c0's every center is short
    "short rooms": ([[2600, 300, 1700, 1000, 1000, 3200]], dict(sites=[ROOMS])),
}


def _listing(s: Scenario) -> tuple[Any, list[tuple[int, ...]]]:
    key = ("C1", "S1", "urban" if bool(s.urban[0]) else "rural")
    data = piece_data(s, key, np.arange(s.n_units))
    found = connected_groups(data, 100_000, 1_000_000)
    assert found is not None and found[0]
    return data, found[0]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_floor_is_never_above_a_groups_exact_cost(variant: str) -> None:
    grid, kwargs = VARIANTS[variant]
    s = grid_scenario(grid, **kwargs)
    data, groups = _listing(s)
    exact = price_groups(s, data, groups)
    floor, must, sure = floor_groups(s, data, groups)
    short = variant == "short rooms"
    holds = np.array([0 in g for g in groups])        # r0c0: every center short
    assert (must == holds).all() if short else not must.any()
    free = ~must
    assert (floor[free] <= exact[free] + 1e-6).all(), variant
    # where a group has a price its floor is one too, and not a trivial one
    fin = np.isfinite(exact) & free
    assert np.isfinite(floor[fin]).all()
    assert (floor[fin] >= 0.5 * exact[fin]).all()
    # where no rule can drop an option the floor is the price (never priced again)
    assert not (sure & must).any()
    assert (floor[sure] == exact[sure]).all(), variant
    if variant == "plain":
        assert sure.all()
    if variant in ("sites, swaps", "planned rooms first", "no build, codevelop"):
        assert not sure.all()


def test_the_floor_falls_below_the_price_where_a_rule_binds() -> None:
    """Two owned sites of different areas: a swap in a group holding the small one is
    credited it only, the floor credits the larger; so the comparison above can fail
    (a floor of the credit the group has would be above)."""
    grid, kwargs = VARIANTS["sites, swaps"]
    s = grid_scenario(grid, **kwargs)
    data, groups = _listing(s)
    exact = price_groups(s, data, groups)
    floor, _, sure = floor_groups(s, data, groups)
    assert (floor < exact - 1.0).any() and not sure[floor < exact - 1.0].any()
    assert (np.abs(floor - exact) < 1e-6).any()


GUIDED = [[2600, 1500, 1000, 1900], [1700, 300, 1200, 2100], [3500, None, None, None]]
RING = [[1000, 1100, 900], [800, 5000, 1000], [1200, 900, 1100]]   # 13 groups listed


def _group(s: Scenario) -> tuple[Any, Any, list[tuple[int, ...]], int]:
    urban = bool(s.urban[0])
    lo, hi = s.policy.bounds(urban)
    units = list(range(s.n_units))
    [o] = take_apart(s, units, lo, hi).oversized
    key = ("C1", "S1", "urban" if urban else "rural")
    gd = piece_data(s, key, np.asarray(units))
    sub = piece_data(s, key, np.asarray(sorted(set(units) - {o})))
    found = connected_groups(sub, 100_000, 1_000_000)
    assert found is not None
    return gd, sub, found[0], o


SWAPS = dict(sites=[
    dict(site_id="S-own", unit_id="r0c0", area_m2=900, owned=True, max_area_m2=1400),
    dict(site_id="S-own2", unit_id="r2c2", area_m2=300, owned=True, max_area_m2=700),
    dict(site_id="S-sale", unit_id="r0c1", area_m2=600, owned=False, max_area_m2=1500,
         purchase_price_yuan=900_000),
    dict(site_id="S-sale2", unit_id="r1c2", area_m2=100, owned=False, max_area_m2=800,
         purchase_price_yuan=200_000)])


@pytest.mark.parametrize("grid, kwargs", [(GUIDED, {}), (RING, {}), (RING, SWAPS)],
                         ids=["guided", "ring", "ring, swaps"])
def test_the_capped_bound_prices_only_the_masters_columns(
        grid: list[list[int | None]], kwargs: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Small pools (a master of 3 columns, one more a round) on a grid's listing: the
    bound prices exactly fewer groups than listed (all of them before),
    reaches the LP over every column at its exact price (optimizer.model.attach_bound's
    attach_lp_bound), and stays below every plan joining no more (every plan
    enumerated)."""
    monkeypatch.setattr(attach_bound, "GEN_START", 3)
    monkeypatch.setattr(attach_bound, "GEN_ADD", 1)
    monkeypatch.setattr(attach_bound, "GEN_ROUNDS", 200)
    monkeypatch.setattr(attach_bound, "GEN_TOLERANCE", 0.0)
    priced: list[int] = []
    real = oversized_capped.price_groups

    def counted(scenario: Scenario, data: Any, groups: list[tuple[int, ...]],
                stop: Any = None) -> np.ndarray:
        priced.append(len(groups))
        return real(scenario, data, groups, stop)

    monkeypatch.setattr(oversized_capped, "price_groups", counted)
    s = grid_scenario(grid, **kwargs)
    gd, sub, groups, o = _group(s)
    plans = every_oversized_plan(s)
    counts: list[int] = []
    for cap in sorted({a for a, _c in plans})[:4]:
        priced.clear()
        bound, _ = oversized_capped.capped_bound(s, gd, sub, groups, {o: [o]}, cap,
                                                 StopFlag(), time_s=30.0, deterministic=True)
        counts.append(sum(priced))
        assert bound <= min(c for a, c in plans if a <= cap) + 1e-6
        exact = real(s, sub, groups)
        ok = np.isfinite(exact)
        jt = joining(s, gd, sub, {o: [o]}, cap)
        full = attach_bound.attach_lp_bound(
            sub.n, [g for g, k in zip(groups, ok.tolist(), strict=True) if k], exact[ok],
            sub.households, jt.free, cap, jt.join if np.isfinite(jt.charged) else None)
        extra = jt.charged if np.isfinite(jt.charged) else jt.floors
        assert bound == pytest.approx(full + extra, rel=1e-6)
    # every column before; now none where each floor is known to be the price
    # (guided, ring), and on the ring with swaps 5-7 of 13
    assert min(counts) < len(groups), (counts, len(groups))
    if kwargs:
        assert max(counts) > 0

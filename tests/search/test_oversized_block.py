"""The stranded group's block model and its bound (optimizer.search.oversized_block,
optimizer.search.oversized_bound, optimizer.model.attach_bound), against an
enumeration of every partition (tests/helpers/bruteforce.py).

Grid (urban, 2,000-3,000 households a community; O above 3,000)::

    1500  O4000  1500  1200
    2000    -     900  1400

Around O: {r0c0, r1c0} (3,500) fits no whole number of communities (stranded); the
right part (5,000 in four units) fits two by arithmetic and the exhaustive search of
take_apart decides whether it splits. Every part touches O: one group, whose fewest
joining households and cheapest plan the enumeration gives.
"""

from __future__ import annotations

import pytest

from optimizer.checker.checker import check
from optimizer.scenario.build import grid_scenario
from optimizer.search import oversized_attach, oversized_least, solve
from optimizer.search.oversized_attach import floor
from optimizer.search.oversized_block import improve_group
from optimizer.search.oversized_bound import group_bound
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import brute_force_oversized, one_oversized_group

GRID = [[1500, 4000, 1500, 1200], [2000, None, 900, 1400]]


def _group():  # type: ignore[no-untyped-def]
    return one_oversized_group(GRID)


def test_block_model_gives_the_fewest_households_and_the_bound_holds() -> None:
    s, around, o, gd = _group()
    attached, cost = brute_force_oversized(s)
    parts = list(around.parts)
    plan = improve_group(s, gd, [u for p in parts for u in p.units], {o: [o]}, None,
                         time_s=20.0, seed=0, deterministic=True, stop=StopFlag())
    assert plan is not None and plan.least_proven
    assert plan.joined == attached
    assert sorted(i for g in plan.groups for i in g) == list(range(gd.n))
    bound, _work = group_bound(s, gd, parts, {o: [o]}, plan.joined, StopFlag())
    # Valid: no plan the rules allow costs less; and above the floor of any split.
    assert bound <= cost + 1e-6
    assert bound > floor(s, gd)


def test_attach_past_its_listing_caps_still_proves_the_fewest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the listing of the oversized communities made impossible (cap 1), the
    attach step used to fall back on the community model alone, whose exemption said
    'the least the search found in time'; the block model proves the fewest."""
    monkeypatch.setattr(oversized_attach, "MAX_COLUMNS", 1)
    monkeypatch.setattr(oversized_least, "MAX_COLUMNS", 1)
    s = grid_scenario(GRID)
    _attached, cost = brute_force_oversized(s)
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    assert check(s, plan).passed
    [row] = [c for c in plan.communities if c.exemption]
    assert "no plan gives fewer households" in row.exemption
    assert plan.pieces[0].method.startswith("oversized(")
    assert plan.bound is not None and plan.objective is not None
    assert plan.bound <= cost + 1e-6 <= plan.objective + 2e-6
    assert plan.objective >= cost - 1e-6

"""The bound of a group whose plan the guided attach found
(optimizer.search.oversized_capped) against every plan, enumerated
(tests/helpers/bruteforce.every_oversized_plan: any units joined to the oversized unit's
community, the rest connected and within the bounds, each community priced by its own
cheapest center).

The bound, capped at H joined households, must be at most the cost of every plan that
joins at most H; so, at the plan's H, of every plan the rules allow (they join the
fewest, M <= H). Plans joining more are not bounded: joining everything is cheap (one
community), and on seed 373 costs less than the bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.graph.oversized import take_apart
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups
from optimizer.search.oversized_attach import floor
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import every_oversized_plan

GUIDED = [[2600, 1500, 1000, 1900], [1700, 300, 1200, 2100], [3500, None, None, None]]
RING = [[1600, 1600, 1000], [1600, 5000, 1600], [1000, 1600, 1600]]
VARIANTS: dict[str, tuple[list[list[int | None]], dict[str, Any]]] = {
    # tests/search/test_oversized_guided.py's grid: seed 373 in small
    "guided": (GUIDED, {}),
    "ring": (RING, {}),
    "ring, sites": (RING, dict(sites=[
        dict(site_id="S-own", unit_id="r0c0", area_m2=900, owned=True, max_area_m2=1400),
        dict(site_id="S-sale", unit_id="r2c1", area_m2=600, owned=False, max_area_m2=1500,
             purchase_price_yuan=900_000)])),
    "no build, codevelop": ([[1600, 1600, 1000, 1600], [1000, 5000, 1600, 1600]],
                            dict(no_build=["r0c1", "r1c2"], new_development=["r1c3"])),
    "rural": ([[800, 800, 500], [800, 2500, 800], [500, 800, 800]], dict(kind="rural")),
}


def _bound(s: Scenario, cap: int) -> tuple[float, float]:
    """The capped bound of the whole grid (one oversized unit; its parts listed
    completely), and the attach floor of the group (the guided block's bound before)."""
    from optimizer.search.oversized_capped import capped_bound

    urban = bool(s.urban[0])
    lo, hi = s.policy.bounds(urban)
    units = list(range(s.n_units))
    around = take_apart(s, units, lo, hi)
    [o] = around.oversized
    key = ("C1", "S1", "urban" if urban else "rural")
    gd = piece_data(s, key, np.asarray(units))
    sub = piece_data(s, key, np.asarray(sorted(set(units) - {o})))
    found = connected_groups(sub, 100_000, 1_000_000)
    assert found is not None
    bound, work = capped_bound(s, gd, sub, found[0], {o: [o]}, cap, StopFlag(), time_s=30.0,
                               deterministic=True)
    assert 0 < work < 30
    return bound, floor(s, gd)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_capped_bound_is_below_every_plan_joining_no_more(variant: str) -> None:
    grid, kwargs = VARIANTS[variant]
    s = grid_scenario(grid, **kwargs)
    plans = every_oversized_plan(s)
    fewest = min(a for a, _c in plans)
    lawful = min(c for a, c in plans if a == fewest)
    caps = sorted({a for a, _c in plans})
    assert len(caps) > 1
    for cap in caps[:6]:
        bound, _ = _bound(s, cap)
        best = min(c for a, c in plans if a <= cap)
        assert bound <= best + 1e-6, (cap, bound, best)
        assert bound <= lawful + 1e-6      # the rules' plans join the fewest: <= any cap


def test_the_capped_bound_beats_the_floor_on_the_guided_grid() -> None:
    """On the grid of the guided attach's test (r1c0, 1,700 households, joins r2c0 and
    the rest splits in four) the block's bound was the floor of the whole group, every
    split of any sizes (one community for the 17,500 households); capped at the plan's
    1,700 it prices the rest's communities."""
    s = grid_scenario(GUIDED)
    plans = every_oversized_plan(s)
    fewest = min(a for a, _c in plans)
    assert fewest == 1700
    lawful = min(c for a, c in plans if a == fewest)
    bound, old = _bound(s, 1700)
    # here 3.27 M (floor) -> 6.04 M yuan, the plan the rules allow 6.08 M
    assert old < bound <= lawful + 1e-6
    assert bound - old > 0.3 * lawful
    # Joining the whole rest (12,300 households: one community) costs 3.71 M, less than
    # the bound: no bound over every set of joins can pass it, the cap is what the
    # rules' "fewest" gives.
    assert min(c for a, c in plans if a > 1700) < bound

"""Around a unit above the maximum, among the plans joining the fewest households, one
with fewer communities centred on a stand-in build (ONE-STATION, an exemption) beats a
cheaper one with more: exempt as little as can be
(optimizer.search.oversized_fewer.fewer_stand_ins).

bench/oversized_grids.py ``--kind stress`` seed 561 (rural, 1,000-1,500; X = no_build)::

    500   200X  1200X   200   200X
    200  1800X   200X  1200X  500

r1c1 is above the maximum and joins 3,000 households either way. The cheapest plan
kept {r1c2, r1c3} (1,400) as a community centred on a stand-in build in r1c2 (no
community within the bounds holding r1c2 can have a legal center) and joined r0c2 and
r0c3; joining r1c2 and r1c3 instead leaves {r0c2, r0c3} with a legal center in r0c3
and no ONE-STATION exemption at all, for 0.5% more a year.
"""

from __future__ import annotations

from optimizer.checker import check
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve

GRID = [[500, 200, 1200, 200, 200], [200, 1800, 200, 1200, 500]]
NO_BUILD = ["r0c2", "r0c1", "r1c1", "r1c3", "r0c4", "r1c2"]


def _units(plan: object, community_id: str) -> set[str]:
    return {u for u, c in zip(plan.unit_ids, plan.community, strict=True)  # type: ignore[attr-defined]
            if c == community_id}


def test_no_stand_in_community_where_as_few_joined_need_none() -> None:
    s = grid_scenario(GRID, kind="rural", no_build=NO_BUILD)
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    lo, hi = s.policy.bounds(False)
    assert (lo, hi)[1] < 1800
    over = next(c for c in plan.communities if "r1c1" in _units(plan, c.community_id))
    assert over.households - 1800 == 3000          # the fewest joined, as before
    rest = [c for c in plan.communities if c is not over]
    assert [sorted(_units(plan, c.community_id)) for c in rest] == [["r0c2", "r0c3"]]
    assert all(not c.reasons for c in rest), "a stand-in community where none is needed"

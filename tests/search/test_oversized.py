"""Pieces holding units above the maximum (issue 16): each such unit a community of its
own, exempt with a reason naming that unit; the rest solved within the bounds, with a
bound; a stranded pocket gives the oversized unit's community the fewest households it
can; the plan passes the checker and matches an enumeration of every partition.

Grids (urban, 2,000-3,000 households a community; ``O`` above 3,000)::

    split:  1500 1200 O4000 1000      pocket:  1500 1200 O4000 1500
             900 1100   -   1700                900 1100   -   2000

In ``pocket`` the right-hand part (3,500 households) fits no whole number of
communities; the least it can give the oversized unit's community is its top unit
(1,500 households: 2,000 stays as a community), since its bottom unit reaches the
oversized unit only through the top one.
"""

from __future__ import annotations

import pytest

from optimizer.checker.checker import check
from optimizer.graph.oversized import least_to_attach, take_apart
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve
from tests.helpers.bruteforce import brute_force_oversized

SPLIT = [[1500, 1200, 4000, 1000], [900, 1100, None, 1700]]
POCKET = [[1500, 1200, 4000, 1500], [900, 1100, None, 2000]]
TWO = [[3500, 1200, 1000, 3200], [900, 1100, 800, 1300]]


def _by_unit(plan):  # type: ignore[no-untyped-def]
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    rows = {c.community_id: c for c in plan.communities}
    members: dict[str, set[str]] = {}
    for u, c in comm.items():
        members.setdefault(c, set()).add(u)
    return comm, rows, members


@pytest.mark.parametrize("grid,oversized,joined", [
    (SPLIT, ["r0c2"], {"r0c2": set()}),
    (POCKET, ["r0c2"], {"r0c2": {"r0c3"}}),
    (TWO, ["r0c0", "r0c3"], {"r0c0": set(), "r0c3": set()}),
])
def test_each_oversized_unit_is_named_by_its_own_community(
        grid: list[list[int | None]], oversized: list[str],
        joined: dict[str, set[str]]) -> None:
    s = grid_scenario(grid)
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    comm, rows, members = _by_unit(plan)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    exempt = {c.community_id for c in plan.communities if c.exemption}
    assert exempt == {comm[o] for o in oversized}
    for o in oversized:
        row = rows[comm[o]]
        assert members[comm[o]] == {o} | joined[o]
        assert f" {o} alone has " in row.exemption
        assert not any(other in row.exemption for other in oversized if other != o)
        for unit in joined[o]:
            assert unit in row.exemption
    attached, cost = brute_force_oversized(s)
    assert attached == sum(int(s.households[s.unit_index[u]]) for j in joined.values()
                           for u in j)
    assert plan.objective == pytest.approx(cost, abs=1.0)
    piece = plan.pieces[0]
    assert "soft" not in piece.method and piece.method.startswith("oversized(")
    assert plan.status == "OPTIMAL"
    assert plan.bound is not None and plan.objective is not None
    assert 0 < plan.bound <= plan.objective + 1e-6


def test_the_parts_around_oversized_units() -> None:
    s = grid_scenario(POCKET)
    lo, hi = s.policy.bounds(True)
    around = take_apart(s, list(range(s.n_units)), lo, hi)
    ids = s.unit_ids
    assert [ids[o] for o in around.oversized] == ["r0c2"]
    got = {tuple(ids[u] for u in p.units): (p.households, p.stranded) for p in around.parts}
    assert got == {("r0c0", "r0c1", "r1c0", "r1c1"): (4700, ""),
                   ("r0c3", "r1c3"): (3500, "no-integer-k")}
    assert least_to_attach(3500, 2000, 3000) == 500       # 3,000 could stay
    assert least_to_attach(1700, 2000, 3000) == 1700      # below one community: all
    assert least_to_attach(6500, 2000, 3000) == 0


def test_the_last_resort_still_has_a_bound() -> None:
    # 3,200 households fit no whole number of urban communities: the soft fallback.
    s = grid_scenario([[1600, 1600]])
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    piece = plan.pieces[0]
    assert piece.method == "soft"
    assert 0 < piece.bound <= piece.objective


def test_a_part_that_splits_only_without_centers_is_stranded() -> None:
    """U2000 U2500 O4000 U2500, the two left units no_build without a site: by
    households they split into two communities, but neither can hold a center, and
    together (4,500) they break the bounds. Before the fix the part was judged
    splittable on households alone (its piece search then failed and burnt its time)."""
    s = grid_scenario([[2000, 2500, 4000, 2500]], no_build=["r0c0", "r0c1"])
    lo, hi = s.policy.bounds(True)
    around = take_apart(s, list(range(s.n_units)), lo, hi)
    left = next(p for p in around.parts if 0 in p.units)
    right = next(p for p in around.parts if 3 in p.units)
    assert left.stranded == "no-partition"
    assert right.stranded == ""

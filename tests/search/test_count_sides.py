"""The count-fixed LPs as sides (optimizer/model/count_sides.py): their bound never
passes the optimum, each side's μ sign decides the counts it covers, and the columns
they select once complete hold every plan cheaper than the plan in hand (the
reduced-cost fixing that lets a restricted problem's proof be the listing's).

Exact covers of the 3x3 brute-force listings (tests/helpers/bruteforce.py) are
enumerated here from the listed columns themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.count_floor import count_floor
from optimizer.model.count_sides import count_sides, free_side, restricted_bound, select
from optimizer.model.master import incidence, solve_master
from optimizer.model.piece import piece_data
from optimizer.search.colmaster import NoPlan, solve_without_start
from optimizer.search.columns import build_columns
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import VARIANTS, variant_scenario

ROW_MEMBERS = [(0, 1, 2, 3), (0, 1), (2, 3), (1, 2), (0,), (3,)]
ROW_COST = np.array([1.0, 2.5, 2.5, 2.0, 2.0, 2.0])


def _covers(n: int, members: Sequence[Sequence[int]]) -> Iterator[list[int]]:
    """Every set of columns covering each of the n units exactly once."""
    by_first: dict[int, list[int]] = {}
    for k, g in enumerate(members):
        by_first.setdefault(min(g), []).append(k)

    def rec(covered: frozenset[int], chosen: list[int]) -> Iterator[list[int]]:
        if len(covered) == n:
            yield list(chosen)
            return
        first = min(set(range(n)) - covered)
        for k in by_first.get(first, []):
            if covered.isdisjoint(members[k]):
                yield from rec(covered | set(members[k]), chosen + [k])

    yield from rec(frozenset(), [])


def test_a_count_below_the_fewest_is_one_side_covering_every_count_above() -> None:
    # Four units in a row: the free LP takes the one cheap community of all four (Σx
    # = 1); with at least two communities the LP at 2 (μ > 0) bounds every plan of two
    # or more, and its reduced costs alone decide the columns.
    a = incidence(4, ROW_MEMBERS)
    free = solve_master(a, ROW_COST)
    sides = count_sides(a, ROW_COST, free, 2, 4)
    assert sides.fixed == (2,)
    assert len(sides.sides) == 1 and (sides.sides[0].k_lo, sides.sides[0].k_hi) == (2, 4)
    assert sides.bound == pytest.approx(3.5, abs=1e-4)
    # From the plan {1,2}{0}{3} (6.0): every column of the better plan {0,1}{2,3} (5.0)
    # is selected, and the selection says it is complete.
    picked, complete = select(sides.sides, 6.0, np.inf, 100)
    assert complete and {1, 2} <= set(picked.tolist())


def test_a_cap_below_the_columns_needed_is_never_complete() -> None:
    a = incidence(4, ROW_MEMBERS)
    sides = count_sides(a, ROW_COST, solve_master(a, ROW_COST), 2, 4)
    picked, complete = select(sides.sides, 6.0, np.inf, 1)
    assert len(picked) == 1 and not complete


@pytest.mark.parametrize("variant", VARIANTS)
def test_complete_sides_hold_every_cheaper_plan(variant: str) -> None:
    s = variant_scenario(variant)
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    a = incidence(data.n, cols.members)
    free = solve_master(a, cols.cost_yuan)
    k_lo, k_hi = count_floor(data).least, data.total // data.lo
    sides = count_sides(a, cols.cost_yuan, free, k_lo, k_hi)
    assert sides.fixed and sides.bound >= free.bound
    covered = set().union(*(range(x.k_lo, x.k_hi + 1) for x in sides.sides))
    assert covered >= set(range(k_lo, k_hi + 1))
    plans = [p for p in _covers(data.n, cols.members) if k_lo <= len(p) <= k_hi]
    costs = sorted(float(cols.cost_yuan[p].sum()) for p in plans)
    assert sides.bound <= costs[0] + 1e-6
    for ub in costs[1:6]:
        for share in (0.0, 1e-3, 1e-2, np.inf):
            picked, complete = select(sides.sides, ub, share * abs(free.value), 10_000)
            if complete:
                held = set(picked.tolist())
                for p in plans:
                    if float(cols.cost_yuan[p].sum()) < ub - 1e-6:
                        assert held >= set(p), (ub, share, p)
    # The piece's proof through the sides is the brute force's optimum.
    got = solve_without_start(data.n, cols.members, cols.cost_yuan, budget_s=20,
                              workers=1, seed=0, deterministic=True, stop=StopFlag(),
                              count=(k_lo, k_hi))
    assert not isinstance(got, NoPlan)
    assert float(cols.cost_yuan[list(got.chosen)].sum()) == pytest.approx(costs[0])
    assert got.bound_yuan <= costs[0] + 1e-6


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_incomplete_restricted_problem_bounds_every_plan(variant: str) -> None:
    # Restricted sets of least reduced cost (any side) that do not hold every cheaper
    # plan: the least plan inside, or a lower bound on it, and the least reduced cost
    # left out on each side never pass the optimum over every plan of the counts; and
    # the bound is above the sides' own somewhere (it is what the stages add).
    s = variant_scenario(variant)
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    a, cost = incidence(data.n, cols.members), cols.cost_yuan
    free = solve_master(a, cost)
    k_lo, k_hi = count_floor(data).least, data.total // data.lo
    plans = [p for p in _covers(data.n, cols.members) if k_lo <= len(p) <= k_hi]
    best = min(float(cost[p].sum()) for p in plans)
    above = False
    for sides in (count_sides(a, cost, free, k_lo, k_hi).sides,
                  (free_side(free, k_lo, k_hi),)):
        score = np.min([x.reduced for x in sides], axis=0)
        order = np.argsort(score, kind="stable")
        for take in range(1, len(order)):
            held = set(order[:take].tolist())
            inside = [float(cost[p].sum()) for p in plans if held >= set(p)]
            for inside_bound in ([min(inside)] if inside else [np.inf, 0.0]):
                got = restricted_bound(sides, order[:take], inside_bound)
                assert got <= best + 1e-6, (take, inside_bound)
                above |= got > max(x.bound for x in sides) + 1e-6
    assert above

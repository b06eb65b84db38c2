"""A listed piece whose listing shows a core at once (a unit no listed community holds,
a forced pair; on large pieces one unit's neighbourhood) is known to have no partition
before any start or set partitioning is tried (optimizer.search.core.quick_core, the
precheck of optimizer.search.columns.plan_by_columns).

Before, the start (region growing, tree partitions: 3.5-7 s on the 171- and
239-compound streets of bench/wild.py seeds 93 and 123) and a CP-SAT core search over
the groups by households (2.8-3.7 s, none found) ran first; at 60 s under load the
clock then stopped those streets before their core's plan, and their "none found in
time" exemptions failed the check.

Urban, 2,000-3,000 households. r0c0 and r0c2 reach the minimum only with r0c1, and
r0c4 and r0c6 only with r0c5 (two forced pairs; as tests/search/test_cored.py)::

    1800  300 1800 2600 1800  300 1800
    2600 2600 2600 2600 2600 2600 2600
"""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.checker import proofs
from optimizer.checker.cover import cover_exists
from optimizer.checker.split import SplitAnswer
from optimizer.graph import components, diagnosis
from optimizer.model.piece import piece_data
from optimizer.plan.exemption import Named
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece, pocketed
from optimizer.search.columns import build_columns
from optimizer.search.core import quick_core
from optimizer.search.piece import solve_piece
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag

STREET = [[1800, 300, 1800, 2600, 1800, 300, 1800], [2600] * 7]
CORES = {("r0c0", "r0c2"), ("r0c4", "r0c6")}


@pytest.fixture
def no_exhaustive_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a piece of 200 units: the listing decides, only the cores prove."""
    monkeypatch.setattr(diagnosis, "EXHAUSTIVE_UNITS", 0)
    monkeypatch.setattr(pocketed, "pockets", lambda *a, **k: [])
    monkeypatch.setattr(proofs.Pieces, "split", lambda self, p: SplitAnswer(None))


def _listing(rows: list[list[int]]):  # type: ignore[no-untyped-def]
    s = grid_scenario(rows)
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    return s, comp, data, cols


def test_the_quick_core_is_a_core_by_the_checker_and_none_where_a_split_exists() -> None:
    s, _, data, cols = _listing(STREET)
    core, used = quick_core(data, cols.members)
    assert core and used > 0.0
    units = [int(data.units[u]) for u in core]
    assert cover_exists(s, set(range(s.n_units)), units, data.lo, data.hi) is False
    # a street that splits (2,600 + 2,600 | 1,800 + 300 + 1,800 ...): no core claimed
    _, _, fine, fine_cols = _listing([[2600, 2600, 2600], [2600, 2600, 2600]])
    assert quick_core(fine, fine_cols.members)[0] == ()


def test_a_street_with_a_core_in_its_listing_takes_no_start(
        no_exhaustive_search: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The start is not built (on 56202c3 it was, then the set partitioning proved the
    listing infeasible); the plan is the cores' as before, each exempt community
    naming its own core."""
    calls: list[int] = []
    real = piece.listing_start

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(piece, "listing_start", counted)
    s = grid_scenario(STREET)
    comp = components(s)[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=20.0, seed=0, threads=1)
    res = solve_piece(s, task, StopFlag())
    assert calls == []
    assert res.method.startswith("core(2 exempt"), res.method
    named = {r.named for exs in res.exemptions for r in exs if r.kind == "no-plan"}
    assert named == {Named(c) for c in CORES}


def test_the_cores_first_plan_stands_when_the_cheapest_is_stopped(
        no_exhaustive_search: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 2 of optimizer.search.cored (the cheapest plan) stopped before a plan, as
    the clock does on a loaded machine: step 1's plan stands, each community outside
    the bounds naming its core, with a bound no higher than it (on 56202c3 the piece
    fell to the soft model)."""
    from optimizer.model.setpart import SetPartResult
    from optimizer.search import cored
    from optimizer.status import Status

    real = cored.solve_setpart
    found: list[bool] = []

    def stopped_after_first(*a, **k):  # type: ignore[no-untyped-def]
        if any(found):      # step 1 has its plan: step 2 is stopped
            return SetPartResult(Status.UNKNOWN, (), float("-inf"), 0.0)
        res = real(*a, **k)
        found.append(bool(res.chosen))
        return res

    monkeypatch.setattr(cored, "solve_setpart", stopped_after_first)
    s = grid_scenario(STREET)
    comp = components(s)[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=20.0, seed=0, threads=1)
    res = solve_piece(s, task, StopFlag())
    assert res.method.startswith("core(2 exempt") and "first plan" in res.method, res.method
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(comp.units.tolist())
    named = {r.named for exs in res.exemptions for r in exs if r.kind == "no-plan"}
    assert named == {Named(c) for c in CORES}
    assert 0.0 <= res.bound <= plan_cost(s, res.choices)


def test_further_cores_are_sought_only_when_the_first_cores_plan_fails(
        no_exhaustive_search: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """One core (r0c0, r0c2 through r0c1): its plan comes without a search for
    further cores (20 s of a 47-s street at load 7.7, bench/wild.py seed 93); with two
    (STREET) they are sought once the first core's plan fails, and both are named."""
    from optimizer.search import core

    calls: list[int] = []
    real = core.more_cores

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(core, "more_cores", counted)
    s = grid_scenario([[1950, 300, 1950], [2600, 2600, 2600]])
    comp = components(s)[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=20.0, seed=0, threads=1)
    res = solve_piece(s, task, StopFlag())
    assert res.method.startswith("core(1 exempt"), res.method
    assert calls == []                  # on 56202c3: sought before the plan
    s = grid_scenario(STREET)
    comp = components(s)[0]
    res = solve_piece(s, dataclasses.replace(task, key=comp.key, units=comp.units),
                      StopFlag())
    assert res.method.startswith("core(2 exempt") and calls == [1], res.method

"""Every long step of a piece looks at its stop flag (issue 16, "A time limit is a
promise about the clock": one worker ran 125 s of search for 120 s, in steps that did
not look at it).

A stop flag raised beforehand or a deadline already past: no wall-clock assertion.

- the listing of communities and their pricing stop with the flag (a large listing
  takes seconds; a small one always completes);
- the LP master's HiGHS solves get the time the clock has left; an LP cut short
  gives no bound (and the piece keeps its plan), column generation stopped between
  rounds a valid one (L(π, μ) of the last duals), never a count-fixed one built on
  an unfinished Σx.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import optimizer.model.master as master_mod
import optimizer.search.column_price as price_mod
import optimizer.search.columns as columns_mod
from optimizer.graph import components
from optimizer.model.master import count_bound, incidence, solve_master
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.colmaster import solve_by_master
from optimizer.search.columns import (
    Stopped,
    build_columns,
    connected_groups,
    price_groups,
)
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.bruteforce import VARIANTS, brute_force, variant_scenario

GRID4 = [[700, 800, 650, 900], [900, 600, 750, 400], [500, 850, 700, 1200],
         [300, 950, 600, 800]]


def _raised() -> StopFlag:
    flag = StopFlag()
    flag.set()
    return flag


def _piece(s: Scenario) -> PieceData:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return piece_data(s, comp.key, comp.units)


# -- listing and pricing ----------------------------------------------------------------

def test_the_listing_stops_with_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _piece(grid_scenario(GRID4))
    full = connected_groups(data, stop=StopFlag())
    assert full is not None and full[1] > 10
    monkeypatch.setattr(columns_mod, "STOP_EVERY", 10)
    assert connected_groups(data, stop=_raised()) is None
    assert connected_groups(data, stop=StopFlag()) == full
    assert build_columns(grid_scenario(GRID4), data, stop=_raised()) is None


def test_a_small_listing_completes_whatever_the_flag() -> None:
    """Looked at every STOP_EVERY groups only: a small piece's listing, instant, is
    never left partial (its optimum is a fraction of a second away)."""
    data = _piece(grid_scenario(GRID4))
    assert connected_groups(data, stop=_raised()) == connected_groups(data)


def test_pricing_stops_with_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    s = grid_scenario(GRID4)
    data = _piece(s)
    found = connected_groups(data)
    assert found is not None
    monkeypatch.setattr(price_mod, "STOP_KEYS", 1)
    with pytest.raises(Stopped):
        price_groups(s, data, found[0], stop=_raised())
    assert np.array_equal(price_groups(s, data, found[0], stop=StopFlag()),
                          price_groups(s, data, found[0]))


# -- the LP master ------------------------------------------------------------------------

def _listing(s: Scenario) -> tuple[PieceData, Any]:
    data = _piece(s)
    cols = build_columns(s, data)
    assert cols is not None
    return data, cols


def test_each_lp_gets_the_time_the_clock_has_left(monkeypatch: pytest.MonkeyPatch) -> None:
    data, cols = _listing(grid_scenario(GRID4))
    a = incidence(data.n, cols.members)
    limits: list[Any] = []
    real = master_mod.linprog

    def spy(*args: Any, **kw: Any) -> Any:
        limits.append(kw.get("options", {}).get("time_limit"))
        return real(*args, **kw)

    monkeypatch.setattr(master_mod, "linprog", spy)
    solve_master(a, cols.cost_yuan)
    solve_master(a, cols.cost_yuan, stop=StopFlag(deadline=0.0))
    assert limits == [None, 0.0]


def _no_lp(*args: Any, **kw: Any) -> Any:
    raise AssertionError("an LP solved by a stopped piece")


def _cut_short(*args: Any, **kw: Any) -> Any:
    """What scipy's HiGHS gives at its time limit: status 1, no solution, no duals."""
    return SimpleNamespace(status=1, x=None, fun=None, eqlin=None)


def test_an_lp_cut_short_gives_no_bound_and_the_piece_keeps_its_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data, cols = _listing(grid_scenario(GRID4))
    a = incidence(data.n, cols.members)
    monkeypatch.setattr(master_mod, "linprog", _cut_short)
    lp = solve_master(a, cols.cost_yuan, stop=StopFlag(deadline=0.0))
    assert not lp.ok and lp.bound == -math.inf
    start = [0]     # any column list: kept as it is
    got = solve_by_master(data.n, cols.members, cols.cost_yuan, start, budget_s=20,
                          workers=1, seed=0, deterministic=True, stop=StopFlag(deadline=0.0),
                          count=(1, 10))
    assert got is not None and got.chosen == (0,) and got.bound_yuan == -math.inf
    assert got.status == Status.FEASIBLE and got.stages == 0


def test_a_stopped_piece_skips_the_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with no time left HiGHS takes its set-up (0.5 s on a 114,211-column
    street): a piece already stopped does not start it."""
    data, cols = _listing(grid_scenario(GRID4))
    monkeypatch.setattr(master_mod, "linprog", _no_lp)
    got = solve_by_master(data.n, cols.members, cols.cost_yuan, [3, 1], budget_s=20,
                          workers=1, seed=0, deterministic=True, stop=_raised(),
                          count=(1, 10))
    assert got is not None and got.chosen == (1, 3) and got.stages == 0


class _AfterRounds:
    """A flag raised once ``rounds`` LP rounds have looked at it."""

    def __init__(self, rounds: int) -> None:
        self.left = rounds

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0

    def seconds_left(self) -> float | None:
        return None


@pytest.mark.parametrize("variant", VARIANTS)
def test_column_generation_stopped_between_rounds_keeps_a_valid_bound(
        variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after one round of column generation, the bound is L(π, μ) of that
    round's duals over every column: never above the brute-force optimum, nor above
    the finished LP's; and no count-fixed bound is built on the unfinished Σx."""
    s = variant_scenario(variant)
    data, cols = _listing(s)
    a = incidence(data.n, cols.members)
    full = solve_master(a, cols.cost_yuan)
    monkeypatch.setattr(master_mod, "DIRECT_COLUMNS", 2)
    monkeypatch.setattr(master_mod, "FIRST_COLUMNS", 2)
    monkeypatch.setattr(master_mod, "ADD_COLUMNS", 1)
    cut = solve_master(a, cols.cost_yuan, stop=_AfterRounds(1))
    go_on = solve_master(a, cols.cost_yuan)
    assert go_on.finished and go_on.bound == pytest.approx(full.bound, rel=1e-6, abs=1e-3)
    assert cut.ok and not cut.finished
    assert cut.bound <= brute_force(s) + 1e-6
    assert cut.bound <= full.value + 1e-6    # the LP's optimum: the best any duals give
    assert count_bound(a, cols.cost_yuan, cut, 1, data.n) == (cut.bound, 0.0)



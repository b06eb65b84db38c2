"""A stopped piece returns soon after its stop (bench/wild.py seed 785, 10 s, one
worker, 2.1-3 s past the limit on 84fd47c): no model built once the stop's grace for
solves has passed, or when its build alone would outlast what is left of it
(search/attempt.py); region growing computed once per piece, not once per last resort
(search/grown_memo.py); and a stopped wider listing of bounded size
(search/oversized_wider.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import attempt, grown_memo, heuristic, oversized_attach, oversized_wider, stop
from optimizer.search.attempt import run_model
from optimizer.search.driver import solve
from optimizer.search.hosts import center_hosts
from optimizer.search.oversized_errors import NoPlaceError
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.oversized import straight_to_the_models
from tests.helpers.plans import community_of
from tests.search.test_oversized_wider import ROOMS, ROW
from tests.search.test_oversized_wider_stopped import _stopped_into_the_wider_listing


def _piece(rows: list[list[int]]) -> tuple[Scenario, PieceData]:
    s = grid_scenario(rows)
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return s, piece_data(s, comp.key, comp.units)


def _raised(monkeypatch: pytest.MonkeyPatch, grace_s: float) -> StopFlag:
    """A flag raised now, its grace for solves begun after the raise ``grace_s``."""
    monkeypatch.setattr(stop, "HURRIED_WALL_S", grace_s)
    flag = StopFlag()
    flag.set()
    return flag


def test_no_model_is_built_once_the_grace_has_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    s, data = _piece([[1200, 900, 1100], [1000, 1300, 800]])
    built: list[int] = []
    orig = attempt.build_model

    def counted(*a: Any, **k: Any) -> Any:
        built.append(1)
        return orig(*a, **k)

    monkeypatch.setattr(attempt, "build_model", counted)
    kw: dict[str, Any] = dict(contiguity="order", soft=False, time_s=5.0, workers=1, seed=0)
    # a small model (at most HURRIED_SMALL_VARS assignments) still gets its short proof:
    # a one-village part's INFEASIBLE let seed 412's stopped group keep its parts' plans
    small = run_model(s, data, stop=_raised(monkeypatch, 0.0), **kw)
    assert built == [1] and small.choices
    monkeypatch.setattr(attempt, "HURRIED_SMALL_VARS", 5)      # this piece is "large"
    got = run_model(s, data, stop=_raised(monkeypatch, 0.0), **kw)
    assert (got.status, got.choices, got.used_s, built) == (Status.UNKNOWN, (), 0.0, [1])
    # within the grace the hurried model still runs, and finds its first plan
    hurried = run_model(s, data, stop=_raised(monkeypatch, 30.0), **kw)
    assert built == [1, 1] and hurried.choices
    # ... unless its build alone would outlast the grace left
    monkeypatch.setattr(attempt, "BUILD_S_PER_X", 1e3)
    late = run_model(s, data, stop=_raised(monkeypatch, 30.0), **kw)
    assert (late.status, built) == (Status.UNKNOWN, [1, 1])


def test_region_growing_is_computed_once_for_the_same_piece(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    s, data = _piece(rng.integers(300, 1400, size=(5, 6)).tolist())
    hosts = center_hosts(s, data)
    calls: list[int] = []
    orig = heuristic._grow_regions

    def counted(*a: Any) -> Any:
        calls.append(1)
        return orig(*a)

    monkeypatch.setattr(heuristic, "_grow_regions", counted)
    monkeypatch.setattr(grown_memo, "_SEEN", [])
    first = heuristic.grow_regions(data, hosts=hosts)
    first[0].append(-1)                         # a caller's change stays its own
    again = heuristic.grow_regions(data, hosts=hosts)
    assert calls == [1] and -1 not in again[0]
    assert again == orig(data, 16, hosts)       # the same regions as computed afresh
    # other hosts (no_build somewhere) or other bounds are other inputs
    heuristic.grow_regions(data, hosts=None)
    wide = PieceData(key=data.key, units=data.units, weights=data.weights, nbrs=data.nbrs,
                     x=data.x, y=data.y, urban=data.urban, lo=data.lo - 100, hi=data.hi)
    heuristic.grow_regions(wide, hosts=hosts)
    assert len(calls) == 3


@pytest.mark.parametrize("stopped", [False, True])
def test_a_stopped_wider_listing_is_bounded(monkeypatch: pytest.MonkeyPatch,
                                            stopped: bool) -> None:
    """Stopped, a stage lists at most STOPPED_COLUMNS joined communities (past them:
    None, the attach's other last resorts); not stopped, MAX_COLUMNS as before. The
    plan is test_oversized_wider's either way."""
    if stopped:
        _stopped_into_the_wider_listing(monkeypatch)
    else:
        monkeypatch.setattr(oversized_attach, "_attach", straight_to_the_models)

    def no_model_plan(*a: Any) -> Any:
        raise NoPlaceError("the models found no plan with a center in every community")

    monkeypatch.setattr(oversized_attach, "_by_model", no_model_plan)
    caps: list[int] = []
    orig = oversized_wider.supersets

    def supersets(*a: Any) -> Any:
        caps.append(a[-1])
        return orig(*a)

    monkeypatch.setattr(oversized_wider, "supersets", supersets)
    sc = grid_scenario(ROW, sites=ROOMS)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    big = community_of(plan, "r0c0")
    assert (big.n_units, big.households) == (3, 5866)
    top = oversized_wider.STOPPED_COLUMNS if stopped else oversized_wider.MAX_COLUMNS
    assert caps and max(caps) == top

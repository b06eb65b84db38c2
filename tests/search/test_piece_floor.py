"""The floors under an unproven piece (optimizer.search.piece.solve_data) start at the
fewest count proven, and say so in the piece's method."""

from __future__ import annotations

import math

import pytest

from optimizer.graph import decompose
from optimizer.model.lagrange import counted_lagrangian_bound, lagrangian_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import piece as piece_mod
from optimizer.search.attempt import Choice
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.bruteforce import brute_force

# 8,800 households, urban (2,000-3,000): 3 communities by households, each of
# 2,800-3,000, impossible (the corner unit of 2,100 lies in no such group); 4 possible.
TIGHT = [[2100, 1200, 500], [600, 600, 400], [1800, 400, 1200]]


@pytest.mark.parametrize("stopped", [False, True])
def test_unproven_piece_gets_the_count_floor(monkeypatch: pytest.MonkeyPatch,
                                             stopped: bool) -> None:
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))   # its count only
    unproven = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, 0.1, "lns(1 rounds)")
    monkeypatch.setattr(piece_mod, "_solve", lambda *a: (unproven, 1.0, 0.0, False))
    task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1)
    stop = StopFlag()
    if stopped:
        stop.set()
    res = piece_mod.solve_data(s, data, task, stop)
    assert res.method == "lns(1 rounds)+count≥4"
    best = brute_force(s)
    assert math.isfinite(best)
    assert lagrangian_bound(s, data, time_s=5.0) < res.bound <= best + 1e-6


@pytest.mark.parametrize("deterministic", [False, True])
def test_column_generation_lifts_the_floor_within_its_reserve(
        monkeypatch: pytest.MonkeyPatch, deterministic: bool) -> None:
    """Time set aside for column generation's bound (optimizer.search.colgen_floor):
    the piece's bound is the better of it and the Lagrangian floor, still below the
    brute-force optimum, and its fixed estimate is charged in deterministic mode."""
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    unproven = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, 0.1, "lns(1 rounds)")
    task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1,
                     deterministic=deterministic)
    monkeypatch.setattr(piece_mod, "_solve", lambda *a: (unproven, 1.0, 0.0, False))
    alone = piece_mod.solve_data(s, data, task, StopFlag())
    monkeypatch.setattr(piece_mod, "_solve", lambda *a: (unproven, 1.0, 5.0, False))
    res = piece_mod.solve_data(s, data, task, StopFlag())
    assert alone.bound < res.bound <= brute_force(s) + 1e-6    # 3.957 M -> 3.993 M
    assert "+colgen bound" in res.method and "+colgen bound" not in alone.method
    if deterministic:
        assert alone.used_s < res.used_s <= alone.used_s + 5.0 + 1e-3


def _stopped(monkeypatch: pytest.MonkeyPatch, task_kw: dict[str, object], late: bool = False
             ) -> tuple[Scenario, PieceData, PieceResult, list[dict[str, object]]]:
    """TIGHT's piece solved with a search the clock stops while it runs (``late``: the
    flag set before it starts); the floor's calls (their keyword arguments)."""
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    unproven = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, 0.1, "lns(1 rounds)")
    stop = StopFlag()

    def search(*a: object) -> tuple[PieceResult, float, float, bool]:
        stop.set()                      # the clock fires while the search runs
        return unproven, 1.0, 0.0, False

    calls: list[dict[str, object]] = []
    real = piece_mod.counted_lagrangian_bound

    def counted(*a: object, **k: object) -> tuple[float, int]:
        calls.append(dict(k))
        return real(*a, **k)                # type: ignore[arg-type]

    monkeypatch.setattr(piece_mod, "_solve", search)
    monkeypatch.setattr(piece_mod, "counted_lagrangian_bound", counted)
    if late:
        stop.set()
    task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1,
                     **task_kw)             # type: ignore[arg-type]
    return s, data, piece_mod.solve_data(s, data, task, stop), calls


@pytest.mark.parametrize(("deterministic", "late", "steps"), [
    (False, False, piece_mod.LAG_STEPS),        # stopped while it ran: the full steps
    (True, False, piece_mod.HURRY_LAG_STEPS),   # deterministic: fixed, few
    (False, True, piece_mod.HURRY_LAG_STEPS),   # started after the clock: a quick floor
])
def test_stopped_piece_floor_steps(monkeypatch: pytest.MonkeyPatch, deterministic: bool,
                                   late: bool, steps: int) -> None:
    """A piece the clock stops in wall-clock mode takes the floor's full steps (within
    HURRY_LAG_S): its floor then matches an unhurried one wherever 1 s buys them
    (issue 16: Shizhou Street's 40 hurried steps were 1.55 M below its 400)."""
    s, data, res, calls = _stopped(monkeypatch, {"deterministic": deterministic}, late)
    asked = [c["max_iter"] for c in calls]
    runs = piece_mod._lag_runs(data, 4)
    assert asked == [steps if steps == piece_mod.HURRY_LAG_STEPS else steps // runs]
    # The unhurried floor's steps (whole units at its last multipliers only, as a
    # stopped piece takes them).
    full, _ = counted_lagrangian_bound(s, data, 4, time_s=60.0,
                                       max_iter=piece_mod.LAG_STEPS // runs, whole_steps=1)
    if not deterministic and not late:
        assert res.bound >= full - 1e-6 * abs(full)    # the unhurried floor (1 s buys it)
    assert res.bound <= brute_force(s) + 1e-6


@pytest.mark.parametrize("deterministic", [False, True])
def test_starved_floor_steps(monkeypatch: pytest.MonkeyPatch, deterministic: bool) -> None:
    """A reserve below the floor's fixed time estimate: deterministic mode cuts the
    steps by the estimate (the plan must not depend on the machine); wall-clock mode
    asks for all of them and lets the reserve's seconds end it (the estimate is 5-25
    times the measured time, bench/lag_steps.py)."""
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    unproven = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, 0.1, "lns(1 rounds)")
    reserve = 0.25 * piece_mod._lag_time(data.n)
    monkeypatch.setattr(piece_mod, "_solve", lambda *a: (unproven, reserve, 0.0, False))
    asked: list[tuple[int, float]] = []
    real = piece_mod.counted_lagrangian_bound

    def counted(*a: object, **k: object) -> tuple[float, int]:
        asked.append((int(k["max_iter"]), float(k["time_s"])))  # type: ignore[call-overload,arg-type]
        return real(*a, **k)                # type: ignore[arg-type]

    monkeypatch.setattr(piece_mod, "counted_lagrangian_bound", counted)
    task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1,
                     deterministic=deterministic)
    res = piece_mod.solve_data(s, data, task, StopFlag())
    runs = piece_mod._lag_runs(data, 4)
    if deterministic:
        assert asked == [(piece_mod.LAG_STEPS // 4 // runs, piece_mod.LAG_CAP_S)]
    else:
        assert asked == [(piece_mod.LAG_STEPS // runs, max(reserve, 0.5))]
    assert res.bound <= brute_force(s) + 1e-6


@pytest.mark.parametrize("hurry_s", [0.2, 1.0, 5.0])
def test_stopped_floor_keeps_to_the_task_s_hurry(monkeypatch: pytest.MonkeyPatch,
                                                 hurry_s: float) -> None:
    """A piece stopped while it runs: its floor's seconds are the task's hurry_s (the
    driver: half the limit's keep-back, at least 0.5 s), never above HURRY_LAG_S; at a
    10-s limit 1 s carried the piece past the limit's 0.4-s keep-back (issue 16)."""
    s, _, res, calls = _stopped(monkeypatch, {"deterministic": False, "hurry_s": hurry_s})
    asked = [c["time_s"] for c in calls]
    assert asked == [min(hurry_s, piece_mod.HURRY_LAG_S)]
    assert res.bound <= brute_force(s) + 1e-6

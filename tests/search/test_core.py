"""A listed piece with no partition names the units that make it impossible
(optimizer.search.core), and the checker proves that claim around those units alone
(optimizer.checker.cover), also where its exhaustive split search cannot run (a
200-compound street of a held-out scenario: the plan was rejected, issue 16).

Urban, 2,000-3,000 households. r0c0 and r0c2 (1,800 each) reach the minimum only
with r0c1 (300): each 2,600 below them is too large to join them, and r0c1 cannot be
in both communities::

    1800  300 1800
    2600 2600 2600
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from optimizer.checker import proofs
from optimizer.checker.checker import check
from optimizer.checker.cover import cover_exists
from optimizer.checker.split import SplitAnswer
from optimizer.graph import components, diagnosis
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import piece_data
from optimizer.plan.exemption import Named
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece_common, pocketed, solve
from optimizer.search.columns import connected_groups
from optimizer.search.core import impossible_core, impossible_why
from optimizer.search.piece_common import no_plan_reason
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import _best_part_cost, connected_partitions

STREET = [[1800, 300, 1800], [2600, 2600, 2600]]


def _piece():  # type: ignore[no-untyped-def]
    s = grid_scenario(STREET)
    comp = components(s)[0]
    return s, piece_data(s, comp.key, comp.units)


def test_the_two_dead_ends_are_the_core() -> None:
    s, data = _piece()
    groups, _ = connected_groups(data)
    core = impossible_core(data, groups)
    assert sorted(s.unit_ids[int(data.units[u])] for u in core) == ["r0c0", "r0c2"]


def test_a_piece_that_partitions_has_no_core() -> None:
    s = grid_scenario([[1800, 300, 2600], [2600, 2600, 2600]])
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    groups, _ = connected_groups(data)
    assert impossible_core(data, groups) == ()


def test_the_checker_finds_no_cover_of_the_core_and_one_of_other_units() -> None:
    s, _ = _piece()
    piece = set(range(s.n_units))
    ix = s.unit_index
    assert cover_exists(s, piece, [ix["r0c0"], ix["r0c2"]], 2000, 3000) is False
    assert cover_exists(s, piece, [ix["r0c0"], ix["r1c1"]], 2000, 3000) is True
    assert cover_exists(s, piece, [ix["r1c0"], ix["r1c2"]], 2000, 3000) is True


@pytest.fixture()
def no_exhaustive_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both exhaustive searches out of reach, as on a piece of 200 units: the
    diagnosis' (so the listing decides) and the checker's (so only the core proves);
    and no pocket (here r0c0-r0c2 behind r1c1 is one, which the solver would exempt
    instead: the 200-compound street had none)."""
    monkeypatch.setattr(diagnosis, "EXHAUSTIVE_UNITS", 0)
    monkeypatch.setattr(pocketed, "pockets", lambda *a, **k: [])
    monkeypatch.setattr(proofs.Pieces, "split", lambda self, p: SplitAnswer(None))


def test_the_plan_names_the_core_and_passes_the_checker(no_exhaustive_search: None) -> None:
    s, data = _piece()
    why, ids = impossible_why(s, data, 6)
    assert ids == ("r0c0", "r0c2")
    assert why.endswith("can hold all of the urban compounds r0c0 and r0c2")
    plan = solve(s, time_limit_s=20, workers=1, seed=0)
    texts = [c.exemption for c in plan.communities if c.exemption]
    assert texts and all("r0c0 and r0c2" in t for t in texts)
    reasons = [r for c in plan.communities for r in c.reasons if r.kind == "no-plan"]
    assert reasons and all(r.named == Named(("r0c0", "r0c2")) for r in reasons)
    report = check(s, plan)
    assert report.passed, report.summary_text()


def test_a_false_core_fails_the_checker(no_exhaustive_search: None) -> None:
    """The exempt community's own core unit with r1c1, which communities within the
    bounds hold together with it (r0c0 or r0c2 with r0c1, r1c1 alone)."""
    s, _ = _piece()
    plan = solve(s, time_limit_s=20, workers=1, seed=0)
    exempt = [c for c in plan.communities if c.exemption]
    assert len(exempt) == 1
    mine = "r0c0" if plan.community_of()["r0c0"] == exempt[0].community_id else "r0c2"
    wrong = tuple(dataclasses.replace(c, exemption=c.exemption.replace(
        "r0c0 and r0c2", f"{mine} and r1c1"), reasons=()) for c in plan.communities)
    assert any(f"{mine} and r1c1" in c.exemption for c in wrong)
    report = check(s, dataclasses.replace(plan, communities=wrong))
    assert not report.passed
    assert f"can hold all of {mine}, r1c1" in report.summary_text()


def _task(s, data, budget_s: float = 20.0):  # type: ignore[no-untyped-def]
    comp = components(s)[0]
    return PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=budget_s, seed=0, threads=1)


def test_a_stopped_soft_model_takes_the_grown_plan_without_cp_sat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped before the soft model (the clock): CP-SAT told to stop at its first
    plan still searched for one, 18 s past a 60-s limit on a 200-village town."""
    s, data = _piece()
    called: list[bool] = []
    monkeypatch.setattr(piece_common, "run_attempt",
                        lambda *a, **k: called.append(True))   # must not be called
    stop = StopFlag()
    stop.set()
    reason = no_plan_reason(s, data, "none found in time")
    res = piece_common.soft_result(s, data, _task(s, data), stop, reason)
    assert not called
    assert sorted(u for ch in res.choices for u in ch.members) == list(range(data.n))
    assert res.bound > 0        # the arithmetic floor at any size, still


def test_pockets_are_not_tried_where_the_core_stays_outside_them() -> None:
    """A rest that keeps a unit of the core has no plan either: no part is solved."""
    s, data = _piece()
    solved: list[int] = []

    def solve_part(*a, **k):  # type: ignore[no-untyped-def]
        solved.append(1)
        raise AssertionError("the rest must not be solved")

    got, spent = pocketed.solve_pocketed(s, data, _task(s, data), StopFlag(), solve_part,
                                         doomed=(s.unit_index["r1c0"],))
    assert got is None and spent == 0.0 and not solved


def test_the_soft_plans_floor_widened_by_its_breach_is_below_every_such_plan(
        no_exhaustive_search: None) -> None:
    """The soft plan's bound: the Lagrangian floor over communities within the bounds
    widened by all the plan breaks them by. No plan breaking them by as little costs
    less (every connected partition enumerated); and it is above the floor for
    communities of any size, which was all the soft plan had (8% against 64% on the
    200-compound street)."""
    s, data = _piece()
    task = _task(s, data)
    reason = no_plan_reason(s, data, "none found in time")
    res = piece_common.soft_result(s, data, task, StopFlag(), reason)
    lo, hi = data.lo, data.hi
    sizes = [int(s.households[list(ch.members)].sum()) for ch in res.choices]
    over = sum(max(0, lo - h, h - hi) for h in sizes)
    assert over > 0
    best = math.inf
    for parts, hh in connected_partitions(s):
        if sum(max(0, lo - h, h - hi) for h in hh) <= over:
            best = min(best, sum(_best_part_cost(s, p) for p in parts))
    assert res.bound <= best + 1e-6
    # the widened floor on its own (here the soft model proves its plan, and its
    # bound is the larger; on 200 units it does not)
    wide = piece_common.widened_floor(s, data, res.choices)
    assert arithmetic_bound(s, data, lo=0, hi=data.total) < wide <= best + 1e-6


def test_a_stopped_piece_seeks_only_the_instant_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock has stopped the piece when its listing proves no partition: the core
    searches get no time (wild seed 775: two CP-SAT core searches over 98,838
    communities took 1.7-1.8 s of wall each for their 0.5-s limits). The forced pair
    is still named; nothing is charged, and CP-SAT is never asked."""
    from optimizer.search import core
    from optimizer.search.columns import plan_by_columns

    s, data = _piece()
    task = PieceTask(index=0, key=data.key, units=data.units, diagnosis=None, budget_s=20.0,
                     seed=0, threads=1)
    got = plan_by_columns(s, data, budget_s=5, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None)
    assert got is not None and got.listing is not None
    running = core.no_partition(s, data, got, task)
    assert running.charged_s > 0 and running.cored is not None

    def never(*args: object, **kw: object) -> tuple[int, ...]:
        raise AssertionError("a CP-SAT core search after the stop")

    monkeypatch.setattr(core, "_cp_core", never)
    monkeypatch.setattr(core, "_local_core", never)
    stopped = core.no_partition(s, data, got, task, stopped=True)
    assert stopped.charged_s == 0.0
    assert stopped.cored is not None and stopped.cored.cores == running.cored.cores
    assert stopped.record.text == running.record.text

"""Under a [budget] (optimizer.search.budgeted) the plan at cost was solved on a quarter
of the search first and, starved, again from nothing on the rest: bench/wild.py seed
67's 237-unit street (units above the maximum: the oversized path, whose SIZE
exemptions the checker proves only from the listing's cores) got 31.8 s of 60 at load
5, where a solve without [budget] gave it 52 s. Now such a piece gives the plan at
cost the whole search at once, and a second solve at cost keeps the first's pieces
proven optimal, solving only the rest."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import budgeted, driver
from optimizer.search.budgeted import solve
from tests.helpers import phasing as fx
from tests.search.test_budget_starved import NONE_IN_TIME

BUDGET = {"horizon": [2013, 2015], "carry_over": True,
          "capital_yuan": {2013: 1e6, 2014: 1e6, 2015: 1e6}}


def _oversized() -> Scenario:
    """One street of five units, the first above the maximum (a size diagnosis)."""
    return grid_scenario([[4566, 1000, 1000, 1000, 1000]]).replace(budget=BUDGET)


def _limits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time limit of every driver.solve that budgeted makes, in order."""
    limits: list[float] = []
    real = budgeted.driver.solve

    def spy(sc: Any, **kw: Any) -> Any:
        limits.append(kw["time_limit_s"])
        return real(sc, **kw)

    monkeypatch.setattr(budgeted.driver, "solve", spy)
    return limits


def test_a_big_piece_with_a_size_diagnosis_gives_the_plan_at_cost_the_whole_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    limits = _limits(monkeypatch)
    # the checker's 100 units scaled down to this five-unit street
    monkeypatch.setattr(budgeted, "CHECKER_UNITS", 4)
    plan = solve(_oversized(), time_limit_s=12, workers=1, seed=0)
    search_s = 12 - 2 * 0.5     # budgeted.solve: the limit less its phasing and one more
    assert limits[0] == pytest.approx(search_s)     # on 47ad0b4: 2.375, a quarter
    # this street is solved at once: capital priced higher is tried on the time left,
    # within the limit (their phasings kept back)
    assert plan.summary["solve_time_s"] <= 12 + 1.0
    assert plan.summary["budget_search"]["candidates"][0]["capital_factor"] == 1.0


def test_a_small_piece_keeps_the_quarter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the checker's 100 units the plan at cost takes a quarter first, and the
    prices of capital are tried on the rest, as before."""
    limits = _limits(monkeypatch)
    assert not budgeted.whole_search(_oversized())
    solve(_oversized(), time_limit_s=12, workers=1, seed=0)
    assert limits[0] == pytest.approx(0.25 * (12 - 5 * 0.5))


def test_the_second_solve_at_cost_keeps_the_pieces_proven_optimal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = fx.budgeted((1e6, 1e6, 1e6))
    solved: list[list[int]] = []    # per driver.solve: the pieces it solved
    real_run = driver.run_pieces

    def run_spy(sc: Any, todo: Any, *a: Any, **kw: Any) -> None:
        solved.append([t.index for t in todo])
        real_run(sc, todo, *a, **kw)

    monkeypatch.setattr(driver, "run_pieces", run_spy)
    real = budgeted.driver.solve
    calls = 0

    def spy(sc: Any, **kw: Any) -> Any:
        nonlocal calls
        calls += 1
        plan = real(sc, **kw)
        if calls > 1:
            return plan
        # the first as the clock leaves a big street: "none found in time"
        first = dataclasses.replace(plan.communities[0], reasons=(NONE_IN_TIME,))
        return dataclasses.replace(plan, communities=(first, *plan.communities[1:]))

    monkeypatch.setattr(budgeted.driver, "solve", spy)
    plan = solve(scenario, time_limit_s=8, workers=1, seed=0)
    assert len(solved) == 2 and sorted(solved[0]) == [0, 1]
    rows = plan.summary["budget_search"]["candidates"]
    assert [r["capital_factor"] for r in rows] == [1.0, 1.0]
    # both streets proven optimal at once: none solved again (on 47ad0b4: [0, 1])
    assert solved[1] == [] and rows[1]["pieces_kept"] == 2
    assert plan.objective == pytest.approx(rows[0]["objective"])


def test_a_kept_piece_is_the_plan_of_its_first_solve() -> None:
    """driver.solve(reuse=...): the kept pieces are not solved again, the others are,
    and the plan is the same (one worker, same seed)."""
    scenario = fx.scenario()
    pieces: dict[int, Any] = {}
    whole = driver.solve(scenario, time_limit_s=8, workers=1, seed=0, results_out=pieces)
    assert sorted(pieces) == [0, 1]
    again = driver.solve(scenario, time_limit_s=8, workers=1, seed=0,
                         reuse={0: pieces[0]})
    assert again.objective == pytest.approx(whole.objective)
    assert [c.community_id for c in again.communities] == \
        [c.community_id for c in whole.communities]


def test_a_kept_piece_does_not_spend_the_solves_deterministic_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker: the pieces left to solve share the whole limit's deterministic
    time; a kept piece spent an earlier solve's (b0c0719 took it off this one's)."""
    scenario = fx.scenario()
    pieces: dict[int, Any] = {}
    driver.solve(scenario, time_limit_s=8, workers=1, seed=0, results_out=pieces)
    assert pieces[0].used_s > 0
    budgets: list[float] = []
    real_run = driver.run_pieces

    def run_spy(*a: Any, **kw: Any) -> None:
        budgets.append(kw["det_budget"])
        real_run(*a, **kw)

    monkeypatch.setattr(driver, "run_pieces", run_spy)
    driver.solve(scenario, time_limit_s=8, workers=1, seed=0, reuse={0: pieces[0]})
    assert budgets == [8 * driver.DET_PER_S]     # b0c0719: 7.99971...

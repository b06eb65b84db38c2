"""Under a [budget] every candidate plan is a ``driver.solve`` of the scenario with
capital priced differently (optimizer.search.budgeted). The diagnosis reads
households, bounds and sites, never prices, yet each candidate diagnosed its copy
again (and ``whole_search`` once more before them): 1.9-4.5 s each on bench/wild.py
seeds 296 and 317 at load 9. Now the scenario is diagnosed once and the diagnoses are
handed to every candidate."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.graph import diagnose
from optimizer.search import budgeted, driver
from optimizer.search.budgeted import capital_priced, solve
from tests.search.test_budget_whole import _oversized


def _count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often the scenario is diagnosed, wherever the search calls it from."""
    calls = [0]

    def spy(sc: Any) -> Any:
        calls[0] += 1
        return diagnose(sc)

    monkeypatch.setattr(driver, "diagnose", spy)
    if hasattr(budgeted, "diagnose"):
        monkeypatch.setattr(budgeted, "diagnose", spy)
    return calls


def test_the_diagnosis_does_not_read_prices() -> None:
    """What makes handing it on sound: the capital-priced copy diagnoses the same."""
    sc = _oversized()
    assert diagnose(capital_priced(sc, 5.0)) == diagnose(sc)
    assert diagnose(sc)     # the unit above the maximum is diagnosed


def test_a_budget_scenario_is_diagnosed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch)
    solves = [0]
    real = budgeted.driver.solve

    def spy(sc: Any, **kw: Any) -> Any:
        solves[0] += 1
        return real(sc, **kw)

    monkeypatch.setattr(budgeted.driver, "solve", spy)
    monkeypatch.setattr(budgeted, "CHECKER_UNITS", 4)   # the whole search, then candidates
    plan = solve(_oversized(), time_limit_s=12, workers=1, seed=0)
    assert plan.communities
    assert solves[0] >= 2           # more than one candidate was solved ...
    assert calls[0] == 1            # ... on 5ce4d5c: once per candidate and once more


def test_the_budget_curve_candidates_are_diagnosed_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch)
    got = budgeted.candidate_plans(_oversized(), (1.0, 5.0), 6.0, workers=1, seed=0)
    assert [f for f, _ in got] == [1.0, 5.0]
    assert calls[0] == 1            # on 5ce4d5c: twice

"""Plan's typed results: what solve proves comes back the same from a plan folder, and
summary.json keeps the contract's words."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import optimizer
from optimizer.errors import PlanError
from optimizer.plan.model import Plan
from optimizer.plan.summary import PieceSummary, typed_fields
from optimizer.scenario.build import grid_scenario
from optimizer.status import Status

GRID = [[700, 800, 650], [900, 600, 750]]


@pytest.fixture(scope="module")
def solved() -> tuple[object, Plan]:
    s = grid_scenario(GRID, street=[["A", "A", "A"], ["B", "B", "B"]])
    return s, optimizer.solve(s, time_limit_s=10, workers=1, seed=0)


def test_fields_after_read_plan_equal_those_after_solve(tmp_path: Path, solved) -> None:  # type: ignore[no-untyped-def]
    s, plan = solved
    assert plan.status is Status.OPTIMAL and len(plan.pieces) == 2
    assert all(isinstance(p, PieceSummary) and p.status is Status.OPTIMAL for p in plan.pieces)
    out = optimizer.write_plan(plan, tmp_path / "plan", scenario=s)
    raw = json.loads((out / "summary.json").read_text())
    # the contract's words, and the pieces under "components" as before
    assert raw["status"] == "OPTIMAL" and raw["interrupted"] is False
    assert [c["status"] for c in raw["components"]] == ["OPTIMAL", "OPTIMAL"]
    assert "memory_stopped" not in raw["components"][0]     # written only when true
    back = optimizer.read_plan(out)
    assert back.status is Status.OPTIMAL
    for name in ("status", "objective", "bound", "gap", "interrupted", "pieces"):
        assert getattr(back, name) == getattr(plan, name), name
    assert back.summary_dict() == plan.summary_dict()


@pytest.mark.parametrize("status", list(Status))
def test_every_status_round_trips(tmp_path: Path, solved, status: Status) -> None:  # type: ignore[no-untyped-def]
    s, plan = solved
    piece = dataclasses.replace(plan.pieces[0], status=status, memory_stopped=True)
    other = dataclasses.replace(plan, status=status, interrupted=True,
                                pieces=(piece, *plan.pieces[1:]))
    back = optimizer.read_plan(optimizer.write_plan(other, tmp_path / status.value,
                                                    scenario=s))
    assert back.status is status and back.interrupted is True
    assert back.pieces[0].status is status and back.pieces[0].memory_stopped


def test_typed_keys_are_not_summary_keys(solved) -> None:  # type: ignore[no-untyped-def]
    _, plan = solved
    with pytest.raises(KeyError, match="use Plan.status"):
        plan.summary["status"]
    with pytest.raises(KeyError, match="use Plan.pieces"):
        plan.summary.get("components")
    assert "objective" not in plan.summary and "scenario" in plan.summary
    with pytest.raises(ValueError, match="objective"):
        dataclasses.replace(plan, summary={**plan.summary, "objective": 1.0})


def test_a_bad_summary_value_is_named(tmp_path: Path, solved) -> None:  # type: ignore[no-untyped-def]
    s, plan = solved
    out = optimizer.write_plan(plan, tmp_path / "plan", scenario=s)
    raw = json.loads((out / "summary.json").read_text())
    for key, value, field in (("status", "DONE", "status"), ("gap", "small", "gap"),
                              ("interrupted", "no", "interrupted")):
        bad = {**raw, key: value}
        (out / "summary.json").write_text(json.dumps(bad))
        with pytest.raises(PlanError) as err:
            optimizer.read_plan(out)
        assert ("summary.json", "summary", field) in \
            {(p.file, p.record, p.field) for p in err.value.problems}, key
    comps = [dict(raw["components"][0], units="six"), *raw["components"][1:]]
    (out / "summary.json").write_text(json.dumps({**raw, "components": comps}))
    with pytest.raises(PlanError, match="units") as err:
        optimizer.read_plan(out)
    assert {p.field for p in err.value.problems} == {"components[0]"}


def test_typed_fields_split() -> None:
    typed, rest = typed_fields({"scenario": "x", "status": "FEASIBLE", "objective": 3,
                                "bound": None, "seed": 1})
    assert typed == {"status": Status.FEASIBLE, "objective": 3}
    assert rest == {"scenario": "x", "seed": 1}
    with pytest.raises(ValueError, match="missing field 'method'"):
        PieceSummary.from_json({"key": "a", "units": 1, "households": 1, "status": "OPTIMAL",
                                "objective": 0.0, "bound": 0.0, "time_s": 0.0,
                                "used_s": 0.0})


def test_exemption_rules(solved) -> None:  # type: ignore[no-untyped-def]
    _, plan = solved
    com = dataclasses.replace(plan.communities[0], exemption=(
        "SIZE-RURAL: Town 'X': 433 households; a rural community needs 1,000-1,500 | "
        "ONE-STATION: no place for a center: ONE-STATION cannot be met"))
    assert com.exemption_rules == ("SIZE-RURAL", "ONE-STATION")
    assert dataclasses.replace(com, exemption="").exemption_rules == ()


def test_pieces_of_one_name_the_clock_stopped_read_once_with_their_count(solved) -> None:  # type: ignore[no-untyped-def]
    """The demo's one-worker run under load listed 'Jianhu / Fuwan Town / rural' five
    times (the town's rural area is six pieces cut by barriers, one name): once, with
    how many pieces, and the count of pieces still the pieces'."""
    _, plan = solved
    names = ["C1 / A / rural"] * 6 + ["C1 / B / urban"]
    stopped = dataclasses.replace(plan, summary={**plan.summary, "workers": 1,
                                                 "clock_stopped": names})
    text = stopped.summary_text()
    assert ("determinism gave way to the clock in 7 pieces (stopped at the time limit; "
            "another run may differ): C1 / A / rural (6 pieces); C1 / B / urban") in text
    assert text.count("C1 / A / rural") == 1

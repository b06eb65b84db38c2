"""A part of an oversized piece that joined the stranded ones only because its own solve
found no plan within the bounds in time keeps that plan when joining leaves the
oversized unit's community no place for a center (optimizer.search.oversized).
bench/wild.py seed 70 (one worker, 30 s): a 164-unit part whose search ran out of
time joined compound U0187 whole ("its 105,397 households need 21,079 m², ... no way
to a center fits"), and the solve ended without a plan (on 4c3ff56 it crashed first:
"a unit left out")."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.graph import components
from optimizer.graph.diagnosis import diagnose
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import oversized
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_errors import NoPlaceError
from optimizer.search.piece_common import no_plan_reason
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status


def no_plan_in_time(sc: Any, sub: Any, task: PieceTask, stop: StopFlag) -> PieceResult:
    """A part's search that ran out of time: its units in one community, exempt."""
    ch = best_choice(sc, sub, list(range(sub.n)))
    assert ch is not None
    reason = no_plan_reason(sc, sub, "none found in time")
    return PieceResult(task.index, (ch,), ((reason,),), Status.FEASIBLE, 0.0, 0.1,
                       "lns(0 rounds), unrepaired", reason.text, used_s=0.1)


def no_center(*a: Any, **k: Any) -> Any:
    raise NoPlaceError("no place for a center once joined")


def _piece(row: list[int]) -> tuple[Any, Any, Any, Any]:
    """The grid row's scenario, its piece with r0c0 above the maximum, the piece's
    diagnosis and data."""
    s = grid_scenario([row])
    [comp] = [c for c in components(s) if len(c.units) > 1]
    [diag] = [d for d in diagnose(s) if d.reason == "unit-above-max"]
    return s, comp, diag, piece_data(s, comp.key, comp.units)


def test_a_part_without_a_plan_in_time_keeps_its_own_when_joining_has_no_center(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s, comp, diag, data = _piece([4000, 900, 800, 700, 600, 1400])   # the rest splits
    part = [u for u in range(data.n) if s.unit_ids[int(data.units[u])] != "r0c0"]
    monkeypatch.setattr(oversized, "attach", no_center)
    # nor by joining only what is outside the bounds (optimizer.search.oversized_stopped)
    monkeypatch.setattr(oversized, "stopped_join", lambda *a, **k: None)
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, StopFlag(), no_plan_in_time)
    members = sorted(u for ch in res.choices for u in ch.members)
    assert members == sorted(data.units.tolist())
    [over] = [ch for ch in res.choices if s.unit_ids[ch.center] == "r0c0"]
    assert over.members == (int(data.units[0]),)           # the oversized unit alone
    assert len(part) == 5


def test_a_stopped_piece_s_part_keeps_its_own_plan_without_the_listing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock already stopped: such a part keeps its plan and ``attach`` (the exact
    listing, which runs on past the limit: bench/wild.py seed 25, 33 s for 15) is not
    called."""
    s, comp, diag, data = _piece([4000, 900, 800, 700, 600, 1400])

    def listing(*a: Any, **k: Any) -> Any:
        raise AssertionError("attach called after the clock stopped")

    monkeypatch.setattr(oversized, "attach", listing)
    stop = StopFlag()
    stop.set()
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, stop, no_plan_in_time)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())


def test_the_last_try_keeps_a_stranded_part_s_own_plan_whatever_its_proof(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last try (``alone``) keeps what a stranded part's own solve found, proven or
    not: wild seed 767 (one worker, 15 s), a 169-compound part holding one compound no
    community within the bounds can hold (stranded by its count) left the unit above
    the maximum no center once joined, and its own solve, starved, proved nothing: on
    c7de4b9 the scenario got no plan at all ("no place for a center")."""
    # the rest (7,000) could make three communities, but r0c2 (1,100) is in none
    # within the bounds (its neighbours have 1,950): stranded, "no-partition"
    s, comp, diag, data = _piece([4000, 1950, 1100, 1950, 1000, 1000])

    monkeypatch.setattr(oversized, "attach", no_center)
    monkeypatch.setattr(oversized, "guided_block", lambda *a, **k: (None, 0.0))
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, StopFlag(), no_plan_in_time)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())


def test_the_last_try_does_not_attach_again_what_found_no_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last try (each stranded part on its own) used to run the attach again, on
    the same inputs, before it reached the same error: seed 650's 51-compound street
    ran it twice, 3.4 s each. The first error is raised again instead."""
    s, comp, diag, data = _piece([4000, 1950, 1100, 1950, 1000, 1000])   # as above
    calls: list[int] = []

    def counted(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return no_center()

    monkeypatch.setattr(oversized, "attach", counted)
    monkeypatch.setattr(oversized, "guided_block", lambda *a, **k: (None, 0.0))
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, StopFlag(), no_plan_in_time)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    assert len(calls) == 1

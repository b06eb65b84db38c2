"""A stopped piece's parts that found no plan within the bounds in time: their
communities outside the bounds join the oversized unit's (optimizer.search.oversized_stopped).
bench/wild.py seed 412 (one worker, 15 s, stopped): a 60-village part kept its `soft`
plan, with communities of 619 and 76 households exempt, which the checker refuses: in
a piece with a unit above the maximum every other community can keep the bounds."""

from __future__ import annotations

from typing import Any

from optimizer.graph import components
from optimizer.graph.diagnosis import diagnose
from optimizer.graph.oversized import take_apart
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import oversized
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_attach import Block
from optimizer.search.oversized_errors import NoPlaceError
from optimizer.search.oversized_stopped import stopped_join
from optimizer.search.piece_common import no_plan_reason
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

ROW = [4000, 900, 800, 700, 600, 1400]      # urban 2,000-3,000: r0c0 above the maximum


def _piece(row: list[int] = ROW) -> tuple[Any, Any, Any, Any]:
    s = grid_scenario([row])
    [comp] = [c for c in components(s) if len(c.units) > 1]
    [diag] = [d for d in diagnose(s) if d.reason == "unit-above-max"]
    return s, comp, diag, piece_data(s, comp.key, comp.units)


def _ids(s: Any, members: Any) -> list[str]:
    return sorted(s.unit_ids[u] for u in members)


def _plan(groups: list[list[str]]) -> Any:
    """A part's stopped search whose plan is ``groups`` (unit ids), the first exempt
    "none found in time"."""
    def solve(s: Any, sub: Any, task: PieceTask, stop: StopFlag) -> PieceResult:
        local = {s.unit_ids[int(u)]: k for k, u in enumerate(sub.units)}
        choices = []
        for g in groups:
            ch = best_choice(s, sub, [local[i] for i in g])
            assert ch is not None
            choices.append(ch)
        reason = no_plan_reason(s, sub, "none found in time")
        return PieceResult(task.index, tuple(choices), ((reason,),) + ((),) * (len(groups) - 1),
                           Status.FEASIBLE, 0.0, 0.1, "soft", reason.text, used_s=0.1)
    return solve


_rough = _plan([["r0c1", "r0c2"], ["r0c3", "r0c4", "r0c5"]])   # 1,700 short, 2,700


def _stopped(row: list[int], groups: list[list[str]]) -> tuple[Any, Any]:
    s, comp, diag, data = _piece(row)
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=1.0, seed=1, threads=1)
    rough = _plan(groups)(s, data, task, StopFlag())
    mine = [Block(rough.choices, rough.exemptions, 0.0, False, 0.1, "soft")]
    o = s.unit_ids.index("r0c0")
    parts = take_apart(s, data.units.tolist(), 2000, 3000).parts
    return s, stopped_join(s, comp.key, list(parts), {o: [o]}, mine)


def test_a_community_outside_the_bounds_is_first_repaired_by_chains() -> None:
    # 1,700 | 2,700: r0c3 (700) passes over, 2,400 | 2,000, and nothing joins r0c0
    s, block = _stopped(ROW, [["r0c1", "r0c2"], ["r0c3", "r0c4", "r0c5"]])
    assert block is not None
    got = {tuple(_ids(s, ch.members)) for ch in block.choices}
    assert got == {("r0c0",), ("r0c1", "r0c2", "r0c3"), ("r0c4", "r0c5")}
    [(ex,)] = [rs for rs in block.exemptions if rs]
    assert "r0c0" in ex.text and ex.rule == "SIZE-URBAN"


def test_what_no_chain_repairs_joins_the_oversized_unit_s_community() -> None:
    # r0c1 (300) and r0c2 (2,500) make one community, which no move between the two
    # gives (each keeps a unit): r0c1 joins r0c0, r0c2 stays as it is
    s, block = _stopped([4000, 300, 2500], [["r0c1"], ["r0c2"]])
    assert block is not None
    got = {tuple(_ids(s, ch.members)) for ch in block.choices}
    assert got == {("r0c0", "r0c1"), ("r0c2",)}
    [(ex,)] = [rs for rs in block.exemptions if rs]
    assert "r0c0" in ex.text and ex.rule == "SIZE-URBAN"


def test_a_stopped_piece_gives_no_community_outside_the_bounds_but_the_oversized_one() -> None:
    """Through solve_oversized, the clock stopped before it began: on c5f8b37 the part
    kept r0c1-r0c2 (1,700 households) exempt "none found in time"."""
    s, comp, diag, data = _piece()
    stop = StopFlag()
    stop.set()
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, stop, _rough)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    for ch, rs in zip(res.choices, res.exemptions, strict=True):
        hh = int(s.households[list(ch.members)].sum())
        if "r0c0" not in _ids(s, ch.members):
            assert 2000 <= hh <= 3000 and not rs
    assert "stopped: outside the bounds joined" in res.method


def test_not_stopped_an_unproven_part_plan_joins_where_the_attach_found_no_center(
        monkeypatch: Any) -> None:
    """The attach's whole join had no center (NoPlaceError) and the part's own plan
    breaks the bounds unproven ("none found in time", which the checker refuses): the
    part's community outside the bounds joins r0c0 where that keeps a center (seed
    552's 200-compound rest, `unrepaired`, kept two compounds short on 9c7b0f0)."""
    s, comp, diag, data = _piece()

    def no_center(*a: Any, **k: Any) -> Any:
        raise NoPlaceError("no place for a center once joined")

    monkeypatch.setattr(oversized, "attach", no_center)
    monkeypatch.setattr(oversized, "guided_block", lambda *a, **k: (None, 0.0))
    task = PieceTask(0, comp.key, comp.units, diag, budget_s=2.0, seed=1, threads=1)
    res = oversized.solve_oversized(s, data, task, StopFlag(),
                                    _plan([["r0c1", "r0c2", "r0c3", "r0c4", "r0c5"]]))
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    [(ex,)] = [rs for rs in res.exemptions if rs]
    assert "r0c0" in ex.text and "none found in time" not in ex.text

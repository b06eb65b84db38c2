"""Two ways round a listed piece with no partition where the set partitioning found
no core or no plan in time (optimizer.search.core, optimizer.search.core_split).

- a core searched in one unit's neighbourhood (``_local_core``): on bench/wild.py
  seed 93 (171 compounds, 10,875 listed communities) CP-SAT found no core of the
  whole listing in 5 s; one compound held by a single community has a core of five
  within three links of it, found in 0.1 s;
- one community outside the bounds around the only core and the rest split by the
  split search (``mend_soft``), where the soft model broke the bounds away from the
  core: seeds 25 and 41 at 60 s, plain "no partition" exemptions the checker rejects.

Urban, 2,000-3,000 households; r0c0 and r0c2 reach the minimum only with r0c1 (one
core: no two communities within the bounds hold both)::

    1950  300 1950
    2600 2600 2600
"""

from __future__ import annotations

from optimizer.checker.cover import cover_exists
from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search.attempt import Choice
from optimizer.search.columns import ColumnPlan, connected_groups, plan_by_columns
from optimizer.search.core import NoPartition, _local_core, no_partition
from optimizer.search.core_split import mend_soft
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.partitions import holds_of

ROWS = [[1950, 300, 1950], [2600, 2600, 2600]]


def _piece():  # type: ignore[no-untyped-def]
    s = grid_scenario(ROWS)
    comp = components(s)[0]
    return s, comp, piece_data(s, comp.key, comp.units)


def _task(comp) -> PieceTask:  # type: ignore[no-untyped-def]
    return PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=10.0, seed=0, threads=1, deterministic=True)


def _why(s, comp, data) -> tuple[PieceTask, NoPartition, ColumnPlan]:  # type: ignore[no-untyped-def]
    """The piece's task, what its listing proves (no partition) and the listing's plan."""
    task = _task(comp)
    got = plan_by_columns(s, data, budget_s=5, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None)
    assert got is not None
    return task, no_partition(s, data, got, task), got


def test_a_core_is_found_around_one_unit_and_is_one() -> None:
    s, _, data = _piece()
    found = connected_groups(data)
    assert found is not None
    groups = found[0]
    holds = holds_of(data.n, groups)
    spent = [0.0]
    core = _local_core(data, groups, holds, 5.0, 0, frozenset(), spent)
    assert core and 0 < spent[0] <= 5.0
    units = [int(data.units[u]) for u in core]
    # the checker's own search: no non-overlapping communities hold them all
    assert cover_exists(s, set(range(s.n_units)), units, data.lo, data.hi) is False


def test_a_soft_plan_broken_away_from_the_core_is_mended() -> None:
    s, comp, data = _piece()
    task, why, got = _why(s, comp, data)
    assert got.status == Status.INFEASIBLE
    assert why.cored is not None and len(why.cored.cores) == 1
    # a soft plan with 2600 + 2600 outside the bounds, holding no core unit
    a = best_choice(s, data, [0, 1, 2, 3])
    b = best_choice(s, data, [4, 5])
    assert a is not None and b is not None
    soft = PieceResult(0, (a, b), ((why.record,), (why.plain,)), Status.FEASIBLE, 1.0, 0.0,
                       "soft")
    res = mend_soft(s, data, why.cored, soft)
    assert res.method.startswith("core-split") and res.bound <= 1.0
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    core = {int(data.units[u]) for u in why.cored.cores[0]}
    outside = [ch for ch in res.choices
               if not data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi]
    assert len(outside) == 1 and core & set(outside[0].members)
    for ch, exs in zip(res.choices, res.exemptions, strict=True):
        assert bool(exs) == (ch in outside)
    # a soft plan that breaks them only at the core is kept
    assert mend_soft(s, data, why.cored, res) is res


def test_the_soft_plan_names_each_community_its_own_core() -> None:
    """bench/wild.py seed 100 at 10 s: two cores, the soft plan's community of the
    second named the first's unit, which the checker rejects ("holds none of them")."""
    from optimizer.search.core import only_at_cores

    s = grid_scenario([[1800, 300, 1800, 2600, 1800, 300, 1800], [2600] * 7])
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    task, why, _ = _why(s, comp, data)
    assert why.cored is not None and len(why.cored.cores) == 2
    second = why.cored.cores[1]
    ch = best_choice(s, data, [second[0]])
    assert ch is not None
    soft = PieceResult(0, (ch,), ((why.record,),), Status.FEASIBLE, 1.0, 0.0, "soft")
    [[ex]] = only_at_cores(soft, why).exemptions
    assert ex == why.cored.records[1] and ex.named is not None
    assert s.unit_ids[int(data.units[second[0]])] in ex.named.ids


def test_the_soft_model_breaks_the_bounds_only_at_a_core() -> None:
    """The soft model with the piece's cores (``soft_result``'s ``cores``): a community
    outside the bounds holds a core's unit and carries that core's record. Here a
    stand-in core {r1c0} (local 3) and its own record: without it the least slack is
    r0c2 alone (50 short), away from r1c0 (bench/wild.py seed 850, 30 s: a stopped soft
    plan broke the bounds in two communities away from the core, and the checker
    rejected the core's record on them)."""
    import dataclasses

    from optimizer.search import piece_common

    s, comp, data = _piece()
    task, why, _ = _why(s, comp, data)
    marker = dataclasses.replace(why.record, text="the stand-in core's record")
    at = int(data.units[3])
    stopped = StopFlag()
    stopped.set()       # stopped: the model runs even so where the grown plan is away
    for cores, stop in (((), StopFlag()), ((((3,), marker),), StopFlag()),
                        ((((3,), marker),), stopped)):
        res = piece_common.soft_result(s, data, task, stop, why.plain, cores)
        assert sorted(u for ch in res.choices for u in ch.members) == \
            sorted(data.units.tolist())
        outside = [(ch, exs) for ch, exs in zip(res.choices, res.exemptions, strict=True)
                   if not data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi]
        assert outside
        holds = [at in ch.members for ch, _ in outside]
        assert all(holds) if cores else not any(holds)
        for _, exs in outside:
            assert exs == ((marker,) if cores else (why.plain,))


def test_a_stopped_search_without_the_marks_keeps_the_marked_proof(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """FACILITY-95's marks in the piece, the marked listing proving no partition (a
    core's record on r0c2's community), and the search without the marks stopped before
    a split or a proof ("none found in time" on r0c0's): the marked result is kept
    (wild seed 850, 30 s, one worker: three communities exempt "none found in time",
    which the checker rejected; the marked one breaks the bounds once, at its core).
    A search without the marks that proves its own breaks is kept instead."""
    import dataclasses

    from optimizer.search import piece
    from optimizer.search.piece_common import no_plan_reason
    from optimizer.search.piece_types import UNMARKED_STOPPED

    s, comp, data = _piece()
    s = s.replace(late_rooms=frozenset({int(data.units[2])}))
    task = _task(comp)

    def plan(groups: list[list[int]]) -> tuple[Choice, ...]:
        got = tuple(best_choice(s.replace(late_rooms=frozenset()), data, g) for g in groups)
        assert all(ch is not None for ch in got)
        return got  # type: ignore[return-value]

    rest = [[3], [4], [5]]
    record = dataclasses.replace(no_plan_reason(s, data, "proved impossible"), proven=True)
    done = PieceResult(0, plan([[0, 1], [2], *rest]), ((), (record,), (), (), ()),
                       Status.FEASIBLE, 1.0, 0.5, "columns")
    stopped = no_plan_reason(s, data, "none found in time")
    assert not stopped.proven
    unmarked = {"stopped": PieceResult(0, plan([[0], [1, 2], *rest]),
                                       ((stopped,), (), (), (), ()), Status.FEASIBLE, 0.5,
                                       0.5, "soft"),
                "proven": PieceResult(0, plan([[0], [1, 2], *rest]),
                                      ((record,), (), (), (), ()), Status.FEASIBLE, 0.5,
                                      0.5, "columns")}
    real = piece._solve
    for name, plain in unmarked.items():
        monkeypatch.setattr(piece, "_by_columns", lambda *a, **k: (done, task, 0.0))

        def solve(sc, d, t, st, plain=plain):  # type: ignore[no-untyped-def]
            return (plain, 0.0, 0.0, False) if not sc.late_rooms else real(sc, d, t, st)

        monkeypatch.setattr(piece, "_solve", solve)
        res = piece._solve(s, data, task, StopFlag())[0]
        if name == "stopped":
            assert res.choices == done.choices and UNMARKED_STOPPED in res.method
        else:
            assert res.choices == plain.choices and UNMARKED_STOPPED not in res.method

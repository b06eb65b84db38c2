"""The workbench core: edits, undo/redo, journal replay, and the incremental check
equal to a full check of the exported plan after random edit sequences."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import optimizer
from optimizer import write_plan
from optimizer.plan.read import read_plan
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from optimizer.workbench import (
    Delta,
    EditError,
    PlanState,
    Workbench,
    read_assignment_csv,
    state_from_assignment,
    state_from_plan,
    state_today,
)
from tests.helpers.paths import DEMO


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_scenario(DEMO)


def random_op(wb: Workbench, rng: random.Random) -> dict:  # type: ignore[type-arg]
    """One random edit a planner could make (some are refused, as they should be)."""
    s, st = wb.scenario, wb.state
    cids = sorted(st.records)
    c = rng.choice(cids)
    ms = sorted(st.members[c])
    kind = rng.choice(["move", "move", "move", "new", "merge", "split", "split_auto",
                       "center", "lock"])
    u = rng.choice(ms)
    if kind in ("move", "merge"):
        nbs = [int(v) for v in s.neighbours[u] if st.assign[v] != c]
        if not nbs:
            return {"op": "split", "community": c}
        other = st.assign[rng.choice(nbs)]
        if kind == "merge":
            return {"op": "merge", "a": other, "b": c}
        return {"op": "move", "units": [s.unit_ids[u]], "to": other}
    if kind == "new":
        return {"op": "move", "units": [s.unit_ids[u]], "to": None}
    if kind == "split":
        return {"op": "split", "community": c, "units": [s.unit_ids[u]]}
    if kind == "split_auto":
        return {"op": "split", "community": c}
    if kind == "center":
        return {"op": "center", "community": c, "unit": s.unit_ids[u], "site": None}
    return {"op": "lock", "communities": [c], "locked": rng.random() < 0.3}


def run_random(wb: Workbench, n: int, seed: int) -> int:
    rng = random.Random(seed)
    applied = 0
    for _ in range(n):
        try:
            wb.edit(random_op(wb, rng))
            applied += 1
        except EditError:
            pass
    return applied


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_check_equals_full_check(demo: Scenario, seed: int,
                                             tmp_path: Path) -> None:
    wb = Workbench(demo, state_today(demo))
    applied = run_random(wb, 60, seed)
    assert applied > 30
    plan = wb.plan()
    assert wb.report().rows == optimizer.check(demo, plan).rows
    # the workbench claims only the exemptions the checker's own proofs accept
    assert not [r for r in wb.report().rows if "not justified" in r.note]
    # ... and of the plan folder as written and read back (what a planner exports)
    folder = write_plan(plan, tmp_path / "plan", scenario=demo, report=wb.report())
    again = read_plan(folder)
    assert optimizer.check(demo, again).rows == wb.report().rows
    assert wb.report().rows == Workbench(demo, PlanState.from_snapshot(
        demo, wb.state.snapshot())).report().rows


def test_undo_redo_journal_replay(demo: Scenario) -> None:
    start = state_today(demo)
    wb = Workbench(demo, start.copy())
    first = wb.state.snapshot()
    run_random(wb, 40, 7)
    last = wb.state.snapshot()
    journal = [json.dumps(d.to_json()) for d in wb.done]
    # replay the journal (as after a restart) from the start
    replay = Workbench(demo, start.copy())
    for text in journal:
        replay.commit(Delta.from_json(json.loads(text)))
    assert replay.state.snapshot() == last
    assert replay.report().rows == wb.report().rows
    # undo everything, then redo everything
    n = len(wb.done)
    for _ in range(n):
        wb.undo()
    assert wb.state.snapshot() == first
    assert wb.report().rows == Workbench(demo, start.copy()).report().rows
    with pytest.raises(EditError, match="nothing to undo"):
        wb.undo()
    for _ in range(n):
        wb.redo()
    assert wb.state.snapshot() == last
    # a new edit after an undo drops the redo branch
    wb.undo()
    wb.edit({"op": "lock", "communities": [sorted(wb.state.records)[0]], "locked": True})
    with pytest.raises(EditError, match="nothing to redo"):
        wb.redo()


def test_move_reprices_and_breaks_size(demo: Scenario) -> None:
    wb = Workbench(demo, state_today(demo))
    st = wb.state
    big = max(st.records, key=lambda c: len(st.members[c]))
    before = {c.community_id: c for c in wb.live.communities()}
    # move one unit of the largest community to a neighbouring community
    u, other = next((i, st.assign[int(v)]) for i in sorted(st.members[big])
                    for v in demo.neighbours[i] if st.assign[int(v)] != big)
    ch = wb.edit({"op": "move", "units": [demo.unit_ids[u]], "to": other})
    assert {big, other} <= ch.touched
    after = {c.community_id: c for c in wb.live.communities()}
    h = int(demo.households[u])
    assert after[other].households == before[other].households + h
    assert after[big].households == before[big].households - h
    # the re-priced community claims the cheapest option at its center
    assert after[other].capex_yuan != before[other].capex_yuan or \
        after[other].annual_cost_yuan != before[other].annual_cost_yuan
    wb.undo()
    assert {c.community_id: c for c in wb.live.communities()} == before


def test_refusals_name_the_reason(demo: Scenario) -> None:
    wb = Workbench(demo, state_today(demo))
    st = wb.state
    c = sorted(st.records)[0]
    u = demo.unit_ids[min(st.members[c])]
    with pytest.raises(EditError, match="no such unit"):
        wb.edit({"op": "move", "units": ["nope"], "to": c})
    with pytest.raises(EditError, match="no such community"):
        wb.edit({"op": "move", "units": [u], "to": "nope"})
    with pytest.raises(EditError, match="unknown edit"):
        wb.edit({"op": "paint"})
    wb.edit({"op": "lock", "communities": [c], "locked": True})
    with pytest.raises(EditError, match="locked"):
        wb.edit({"op": "move", "units": [u], "to": None})
    other = next(x for x in sorted(st.records) if x != c)
    with pytest.raises(EditError, match="not in"):
        wb.edit({"op": "center", "community": other, "unit": u})
    assert len(wb.done) == 1


def test_split_disconnected_parts_and_merge(demo: Scenario) -> None:
    wb = Workbench(demo, state_today(demo))
    st = wb.state
    c = max(st.records, key=lambda c: len(st.members[c]))
    n = len(st.records)
    before = set(st.records)
    hh = int(demo.households[sorted(st.members[c])].sum())
    wb.edit({"op": "split", "community": c})
    [new] = set(st.records) - before
    assert len(wb.pricer.parts(sorted(st.members[c]))) == 1
    assert len(wb.pricer.parts(sorted(st.members[new]))) == 1
    halves = [int(demo.households[sorted(st.members[x])].sum()) for x in (c, new)]
    assert sum(halves) == hh and min(halves) > 0
    wb.edit({"op": "merge", "a": c, "b": new})
    assert set(st.records) == before
    # a community made of two separate pieces splits into its parts
    far = max(st.members[new] if new in st.members else st.members[c])
    other = next(x for x in sorted(st.records) if x != c and not any(
        int(v) in st.members[x] for i in st.members[c] for v in demo.neighbours[i]))
    wb.edit({"op": "move", "units": [demo.unit_ids[far]], "to": other})
    assert len(wb.pricer.parts(sorted(st.members[other]))) == 2
    rows = {r.rule_id: r for r in wb.live.rows[other]}
    assert rows["CONTIGUITY"].status == "fail"
    wb.edit({"op": "split", "community": other})
    assert len(wb.pricer.parts(sorted(st.members[other]))) == 1
    assert len(st.records) == n + 1


def test_imports_give_checkable_plans(demo: Scenario) -> None:
    today = state_today(demo)
    rows = "unit_id,community_id\n" + "\n".join(
        f"{u},{c}" for u, c in zip(demo.unit_ids, today.assign, strict=True))
    state = state_from_assignment(demo, read_assignment_csv(rows.encode("utf-8-sig")))
    assert state.assign == today.assign
    wb = Workbench(demo, state)
    assert wb.report().rows == optimizer.check(demo, wb.plan()).rows
    with pytest.raises(EditError, match="not assigned"):
        read_and_fit = read_assignment_csv(b"unit_id,community_id\nJH-FW-0001,X\n")
        state_from_assignment(demo, read_and_fit)
    with pytest.raises(EditError, match="unit_id and community_id"):
        read_assignment_csv(b"a,b\n1,2\n")
    with pytest.raises(EditError, match="not in the scenario"):
        bad = Workbench(demo, today).live.plan()
        state_from_plan(demo, type(bad)(bad.scenario, ("zz",) + bad.unit_ids[1:],
                                        bad.community, bad.grid, bad.communities))


def test_no_size_exemption_for_a_community_of_both_kinds(demo: Scenario) -> None:
    """A unit above the rural maximum (but not the urban one) in a community that
    also holds a rural unit: the community breaks KIND, and no size exemption is
    claimed (the checker would refuse it as not justified)."""
    wb = Workbench(demo, state_today(demo))
    st = wb.state
    hi_rural = demo.policy.bounds(False)[1]
    big = next(i for i in range(demo.n_units) if demo.urban[i]
               and hi_rural < demo.households[i] <= demo.policy.bounds(True)[1])
    rural = next(int(v) for c in [st.assign[big]] for i in st.members[c]
                 for v in demo.neighbours[i] if not demo.urban[int(v)])
    members = sorted({big, rural})
    assert wb.pricer.exemption(members, urban=bool(demo.urban[members[0]])) == ""
    wb.edit({"op": "move", "units": [demo.unit_ids[rural]], "to": st.assign[big]})
    rows = wb.live.rows[st.assign[big]]
    assert {r.rule_id: r.status for r in rows}["KIND"] == "fail"
    assert not [r for r in rows if "not justified" in r.note]

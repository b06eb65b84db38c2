"""A size exemption on a community beside units above the maximum, proved by a core
(optimizer/checker/core_beside.py): bench/wild.py seed 231's shape, small. r0c0 is
above the maximum; r0c2 holds rooms coming of 420 m² (PIPELINE: the center of any
community holding it, for 2,100 households at most), so r0c3 (1,500) has no legal
community: alone too small, with r0c2 too many for the rooms, with r0c1 too, and the
community of r0c0 holding it would hold r0c2 and its rooms. The checker used to reject
any such exemption ("the rest of the piece can join them"), counting households only."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from optimizer.checker import check
from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan

ROOMS = {"site_id": "P", "unit_id": "r0c2", "area_m2": 420, "owned": True,
         "max_area_m2": 420, "status": "planned", "available_year": 2015}
ROW = [[3500, 1000, 1000, 1500]]
CORE = ("SIZE-URBAN: no partition of this piece (3 units, 3,500 households) into contiguous "
        "communities of 2,000-3,000 households was found (proved impossible: no partition "
        "into its 4 possible communities; no non-overlapping communities of 2,000-3,000 "
        "households, each with a legal place for its service center (ONE-STATION, PIPELINE), "
        "can hold all of the urban compounds {units}); the plan breaks the bounds as little as "
        "the search could")


def _plan(sc: Scenario, units: str = "r0c2 and r0c3") -> Plan:
    return build_plan(sc, {
        "C1-S1-U01": {"grids": [["r0c0"]], "site": "", "at": "r0c0", "remedy": "build",
                      "exemption": "SIZE-URBAN: the urban compound r0c0 alone has 3,500 "
                                   "households, 500 over the urban maximum of 3,000"},
        "C1-S1-U02": {"grids": [["r0c1", "r0c2"]], "site": "P", "at": "r0c2",
                      "remedy": "keep"},
        "C1-S1-U03": {"grids": [["r0c3"]], "site": "", "at": "r0c3", "remedy": "build",
                      "exemption": CORE.format(units=units)}})


def _size(sc: Scenario, plan: Plan) -> tuple[str, str]:
    r = next(r for r in check(sc, plan).rows
             if r.community_id == "C1-S1-U03" and r.rule_id == "SIZE-URBAN")
    return r.status, r.note


def test_a_core_no_community_can_hold_beside_units_above_the_maximum_is_exempt() -> None:
    sc = grid_scenario(ROW, sites=[ROOMS])
    status, note = _size(sc, _plan(sc))
    assert status == "exempt", note
    assert "r0c3" in note and "the communities of the units above the maximum" in note


def test_rooms_that_reach_disprove_the_core() -> None:
    sc = grid_scenario(ROW, sites=[dict(ROOMS, max_area_m2=600)])   # r0c2 + r0c3: 2,500
    status, note = _size(sc, _plan(sc))
    assert status == "fail" and "can hold all of r0c2, r0c3" in note


def test_the_community_of_the_unit_above_the_maximum_may_hold_the_core() -> None:
    # rooms that exist today impose nothing: r0c0's community holds r0c1..r0c3 legally
    sc = grid_scenario(ROW, sites=[dict(ROOMS, status="existing", available_year=None)])
    status, note = _size(sc, _plan(sc))
    assert status == "fail" and "of a unit above the maximum (r0c0)" in note


def test_a_core_the_community_does_not_hold_proves_nothing() -> None:
    sc = grid_scenario(ROW, sites=[ROOMS])
    status, note = _size(sc, _plan(sc, units="r0c1 and r0c2"))
    assert status == "fail" and "holds none of them" in note


def test_the_part_it_states_must_be_the_part_cut_off() -> None:
    sc = grid_scenario(ROW, sites=[ROOMS])
    plan = _plan(sc)
    com = next(c for c in plan.communities if c.community_id == "C1-S1-U03")
    wrong = com.exemption.replace("3 units, 3,500", "4 units, 7,000")
    plan = dataclasses.replace(plan, communities=tuple(
        dataclasses.replace(c, exemption=wrong) if c is com else c for c in plan.communities))
    status, note = _size(sc, plan)
    assert status == "fail" and "the part the units above the maximum cut off" in note


def test_the_verdict_reads_the_other_communities() -> None:
    """The part its text states is cut off with the companions the communities of the
    units above the maximum claim: the workbench re-checks it on an edit of its piece
    (exemptions.depends_on_plan); the oversized unit's own text does not."""
    from optimizer.checker.exemptions import depends_on_plan
    from optimizer.checker.facts import Context

    sc = grid_scenario(ROW, sites=[ROOMS])
    plan = _plan(sc)
    ctx = Context.build(sc, plan)
    com = {c.community_id: c for c in plan.communities}
    assert depends_on_plan(ctx, com["C1-S1-U03"])
    assert not depends_on_plan(ctx, com["C1-S1-U01"])


def test_every_connected_group_holding_a_core_unit_is_listed_once() -> None:
    """The listing behind the proof against brute force on small random graphs: a
    group it missed could be the legal community that disproves the core."""
    import itertools
    import random

    from optimizer.checker.core_beside import _groups

    rng = random.Random(2)
    for _ in range(40):
        nb: dict[int, list[int]] = {i: [] for i in range(8)}
        for i, j in itertools.combinations(range(8), 2):
            if rng.random() < 0.35:
                nb[i].append(j)
                nb[j].append(i)
        hh = {i: rng.randint(0, 5) for i in range(8)}
        free = set(rng.sample(range(8), 6))
        core = rng.sample(sorted(free), 2)
        got = _groups(core, free, hh, nb, 12)
        assert got is not None
        listed = list(got)
        want = set()
        for k in range(1, 7):
            for c in itertools.combinations(sorted(free), k):
                if sum(hh[u] for u in c) > 12 or not set(c) & set(core):
                    continue
                seen, todo = {c[0]}, [c[0]]
                while todo:
                    for v in nb[todo.pop()]:
                        if v in c and v not in seen:
                            seen.add(v)
                            todo.append(v)
                if seen == set(c):
                    want.add(frozenset(c))
        assert len(listed) == len(set(listed)) and set(listed) == want


def test_communities_claiming_one_core_search_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model's verdict is a function of the scenario, the piece and the core: kept
    in the check's cache (the check runs in the command line's reserved tail)."""
    from optimizer.checker import core_beside

    calls: list[int] = []
    model = core_beside._model

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return model(*args, **kwargs)

    monkeypatch.setattr(core_beside, "_model", counted)
    sc = grid_scenario(ROW, sites=[ROOMS])
    plan = _plan(sc)
    text = next(c for c in plan.communities if c.community_id == "C1-S1-U03").exemption
    plan = dataclasses.replace(plan, communities=tuple(
        dataclasses.replace(c, exemption=text) if c.community_id == "C1-S1-U02" else c
        for c in plan.communities))
    assert _size(sc, plan)[0] == "exempt"
    assert len(calls) == 1

"""Rooms coming held by a companion of a unit above the maximum (the way to a place for
its center), forced on its community: the checker searches the companion as a unit of
its part (optimizer.checker.forced).

bench/wild.py seed 557's 射阳县 Jianyang St. urban piece, drawn as a grid (urban
2,000-3,000): r0c1 (3,672, no place for a center) touches r0c0 (1,075, an existing
site reaching 1,098.2 m²), r0c2 (532, rooms under construction reaching 567 m²) and
r1c1 (430, no place); r1c2 (310) closes the ring r0c2-r1c2-r1c1. The solver took r0c2
as the companion (the lightest way to a place), and the three units r0c2, r1c2, r1c1
(1,272 households) are cut off below the minimum: every plan brings r0c2's rooms to
r0c1's community, which PIPELINE makes its center, 636.8 m² short of its need. On
c7de4b9 the checker looked for those rooms in the parts without the companion, found
none, and failed AREA-PER-HH, REMEDY and FACILITY-95."""

from __future__ import annotations

from optimizer.checker import check
from optimizer.checker.forced import forced_proof
from optimizer.checker.proofs import Pieces
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.driver import solve

S22 = {"site_id": "S22", "unit_id": "r0c2", "area_m2": 0, "owned": True,
       "max_area_m2": 567, "status": "under_construction", "available_year": 2014}
S27 = {"site_id": "S27", "unit_id": "r0c0", "area_m2": 412.2, "owned": True,
       "max_area_m2": 1098.2, "status": "existing"}


def _street(corner: int = 310) -> Scenario:
    return grid_scenario([[1075, 3672, 532], [None, 430, corner]], sites=[S22, S27],
                         no_build=["r0c1", "r1c1"])


def test_the_companion_s_rooms_are_proved_forced() -> None:
    sc = _street()
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    [big] = [c for c in plan.communities if c.households > 3000]
    assert big.site_id == "S22" and big.area_after_m2 == 567
    assert {r.rule for r in big.reasons} == {"SIZE-URBAN", "AREA-PER-HH"}
    fails = [(r.rule_id, r.note) for r in check(sc, plan).rows if r.status == "fail"]
    assert not fails, fails


def _proof(sc: Scenario) -> tuple[bool, str]:
    """forced_proof on the plan that joins every unit to r0c1 with r0c2 its companion."""
    ix = sc.unit_ids.index
    everyone = set(range(sc.n_units))
    return forced_proof(sc, Pieces(sc), everyone, ix("r0c1"), {ix("r0c2"): ix("r0c1")},
                        dict.fromkeys(everyone, "C"), {"C": everyone})


def test_where_the_companion_s_part_can_stand_alone_nothing_is_proved() -> None:
    """r1c2 of 1,800: r0c2, r1c2, r1c1 (2,762) make a community of their own, centred
    on r0c2's rooms (reaching 567 m² of the 552.4 needed), so the rooms need not join."""
    assert _proof(_street())[0]
    proved, why = _proof(_street(corner=1800))
    assert not proved
    assert "need not join" in why, why

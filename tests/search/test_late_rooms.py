"""FACILITY-95 missed by rooms coming too late, where a community could take rooms
standing by 2015 (optimizer.search.late_rooms; bench/wild.py seed 383).

Two urban streets (tests/helpers/solve.py), two communities each, so FACILITY-95's 95%
allows no miss. S2 is columns 2-3 (4,600 households)::

    700 800 | 900 600
    900 600 | 800 700
    500 700 | 700 900

LATE (r0c3, planned for 2017) is the center of the community holding r0c3 (PIPELINE,
ONE-STATION) unless that community holds READY (r1c3, 2014). Both are 700 m² owned
and cost nothing to keep, so the cheapest plan gives each its own community, and the
one centred on LATE misses the standard by 2015: the search fails its own check.
"""

from __future__ import annotations

from optimizer.checker import check
from optimizer.model.options import unit_options
from optimizer.model.precedence import PIPELINE, TIMELY, allowed, first_rooms
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import driver, solve
from optimizer.search.late_rooms import can_escape, meeting_target, target_misses
from tests.helpers.solve import STREETS, TWO_STREETS, communities_of

LATE = {"site_id": "LATE", "unit_id": "r0c3", "area_m2": 700, "owned": True,
        "max_area_m2": 700, "status": "planned", "available_year": 2017}
READY = {"site_id": "READY", "unit_id": "r1c3", "area_m2": 700, "owned": True,
         "max_area_m2": 700, "status": "under_construction", "available_year": 2014}


def _scenario(*sites: dict[str, object]) -> Scenario:
    return grid_scenario(TWO_STREETS, street=STREETS, sites=list(sites))


def _facility(sc: Scenario, plan) -> str:  # type: ignore[no-untyped-def]
    [row] = [r for r in check(sc, plan).rows if r.rule_id == "FACILITY-95"]
    return row.status


def test_the_late_rooms_community_takes_the_rooms_standing_by_2015() -> None:
    """On f1d0b0d the plan centres a community on LATE: FACILITY-95 fails (3 of 4)."""
    sc = _scenario(LATE, READY)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    report = check(sc, plan)
    assert _facility(sc, plan) == "pass" and report.passed, report.failures()
    holder = next(c for u, c in zip(plan.unit_ids, plan.community, strict=True) if u == "r0c3")
    [com] = [c for c in plan.communities if c.community_id == holder]
    assert com.site_id == "READY"
    assert any("r0c3 take rooms handed over by 2015" in n for n in plan.summary["notes"])


def test_the_first_plan_misses_the_target_by_the_late_rooms() -> None:
    """What starts the second try: the first search's plan, as the solver counts it."""
    sc = _scenario(LATE, READY)
    first = driver.solve(sc, time_limit_s=10, workers=1, seed=0)
    got = target_misses(sc, first)
    assert not got.reached and set(got.late.values()) == {sc.unit_ids.index("r0c3")}


def test_a_forced_miss_is_solved_once() -> None:
    """LATE alone: no rooms by 2015 in reach, the miss is forced (the checker exempts
    it), and the plan is the first search's, unchanged."""
    sc = _scenario(LATE)
    assert not can_escape(sc, sc.unit_ids.index("r0c3"))
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    first = driver.solve(sc, time_limit_s=10, workers=1, seed=0)
    assert communities_of(plan) == communities_of(first)
    assert plan.objective == first.objective and not plan.summary.get("notes")
    assert _facility(sc, plan) == "exempt"


def test_one_worker_gives_the_same_plan_twice() -> None:
    sc = _scenario(LATE, READY)
    a = solve(sc, time_limit_s=10, workers=1, seed=0)
    b = solve(sc, time_limit_s=10, workers=1, seed=0)
    assert communities_of(a) == communities_of(b) and a.objective == b.objective
    assert [c.site_id for c in a.communities] == [c.site_id for c in b.communities]


def test_a_marked_unit_takes_only_pipeline_rooms_handed_over_by_the_target_year() -> None:
    sc = _scenario(LATE, READY)
    u, v = sc.unit_ids.index("r0c3"), sc.unit_ids.index("r1c3")
    assert first_rooms(sc, [u, v]) == PIPELINE
    marked = sc.replace(late_rooms=frozenset({u}))
    assert first_rooms(marked, [u, v]) == TIMELY
    late = [s.site for s in allowed(marked, [u, v], unit_options(marked, u))]
    ready = {s.site for s in allowed(marked, [u, v], unit_options(marked, v))}
    assert late == [] and ready == {sc.sites.index("READY")}


def test_the_bound_stays_over_every_plan() -> None:
    """The marked search proves a bound of the marked problem only; the first plan
    (LATE a center) is legal and cheaper, so a bound over every plan must not pass
    it: each re-solved piece reports the lower of its two searches' bounds."""
    sc = _scenario(LATE, READY)
    first = driver.solve(sc, time_limit_s=10, workers=1, seed=0)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    assert first.objective is not None and plan.objective is not None
    assert plan.objective > first.objective        # the mark costs something here
    assert plan.bound is not None and plan.bound <= first.objective + 1e-6
    assert plan.gap == round((plan.objective - plan.bound) / plan.objective, 8)
    old = {p.key: p for p in first.pieces}
    for p in plan.pieces:
        assert p.bound <= old[p.key].bound + 1e-6
        assert p.status != "OPTIMAL" or p.bound >= p.objective - 1e-6 * p.objective


def test_the_second_try_alone_still_escapes_the_late_rooms() -> None:
    """The fixture's one late unit is over the target's allowance, so solve() marks it
    before the search (optimizer.search.late_first); the second try, kept for pieces
    over 40 units and for late rooms within the allowance, reaches the same on its own."""
    sc = _scenario(LATE, READY)
    plan = meeting_target(driver.solve, sc, time_limit_s=10, workers=1, executor=None,
                          ends_by=None, seed=0)
    assert _facility(sc, plan) == "pass"
    assert any("searched again" in n for n in plan.summary["notes"])


def test_pieces_of_one_name_are_matched_by_place_not_by_name() -> None:
    """A town's rural area cut by barriers is several pieces of one name (the demo's
    Fuwan Town: six). Matched by name, a re-solved piece took another piece's first
    bound: here 3.0 M in place of its own 1.0 M, over the marked problem only."""
    from dataclasses import replace

    from optimizer.search.late_rooms import over_every_plan

    sc = _scenario(LATE, READY)
    base = driver.solve(sc, time_limit_s=10, workers=1, seed=0)
    assert len(base.pieces) == 2 and base.objective is not None

    def named(bounds: tuple[float, float]):  # type: ignore[no-untyped-def]
        pieces = tuple(replace(p, key="C1 / S / rural", bound=b)
                       for p, b in zip(base.pieces, bounds, strict=True))
        return replace(base, pieces=pieces, bound=sum(bounds))

    first, marked = named((1.0e6, 3.0e6)), named((3.5e6, 3.0e6))
    got = over_every_plan(marked, first)
    assert [p.bound for p in got.pieces] == [1.0e6, 3.0e6]
    assert got.bound == 4.0e6

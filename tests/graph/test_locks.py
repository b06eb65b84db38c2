"""Planner locks are respected by the solve and verified by the checker.

Grid (households), today's communities A/B/C and sites::

    700 A   800 A   900 B   600 B          site OWN in r0c0 (owned, 300 m²)
    900 A   600 A   800 B   700 B          site SALE in r2c3 (for sale)
    500 C   700 C   700 C   900 C
"""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.checker.checker import check
from optimizer.checker.locks import lock_violations
from optimizer.errors import LockError
from optimizer.graph.locks import parse_locks
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve

GRID = [[700, 800, 900, 600], [900, 600, 800, 700], [500, 700, 700, 900]]
CURRENT = [["A", "A", "B", "B"], ["A", "A", "B", "B"], ["C", "C", "C", "C"]]
SITES = [dict(site_id="OWN", unit_id="r0c0", area_m2=300, owned=True, max_area_m2=700),
         dict(site_id="SALE", unit_id="r2c3", area_m2=450, owned=False, max_area_m2=700,
              purchase_price_yuan=600_000)]


def _scenario(locks: dict) -> object:  # type: ignore[type-arg]
    s = grid_scenario(GRID, current=CURRENT, sites=SITES)
    return dataclasses.replace(s, locks=locks)


def test_keep_pin_force_forbid_are_respected() -> None:
    locks = {"keep_communities": ["B"], "pin_center": {"r2c0": "r2c1"},
             "forbid_sites": ["SALE"], "force_sites": ["OWN"], "forbid_build": ["r1c3"]}
    s = _scenario(locks)
    plan = solve(s, time_limit_s=20, workers=1)
    assert lock_violations(s, plan, parse_locks(s)) == []
    report = check(s, plan)
    assert report.passed, report.summary_text()
    assert any(r.rule_id == "LOCK" and r.status == "pass" for r in report.rows)
    b_units = {u for u, c in zip(s.unit_ids, s.current_community, strict=True) if c == "B"}
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    kept = {comm[u] for u in b_units}
    assert len(kept) == 1
    assert {u for u, c in comm.items() if c in kept} == b_units


def test_checker_catches_a_broken_lock() -> None:
    s = _scenario({})
    plan = solve(s, time_limit_s=10, workers=1)
    used = next(c.site_unit_id for c in plan.communities)
    locked = dataclasses.replace(s, locks={"forbid_build": [used]}
                                 if plan.communities[0].remedy == "build"
                                 else {"pin_center": {"r0c0": "r2c3"}})
    report = check(locked, plan)
    assert "LOCK" in report.failed_rules()


def test_impossible_keep_is_explained() -> None:
    s = _scenario({"keep_communities": ["A", "Z"]})
    with pytest.raises(LockError) as err:
        parse_locks(s)
    text = str(err.value)
    assert "Z" in text and "no unit has this current_community" in text
    s = _scenario({"keep_communities": ["C"]})  # 2,800 households: fits
    parse_locks(s)
    s2 = dataclasses.replace(s, policy=dataclasses.replace(s.policy, urban_max_households=2500))
    with pytest.raises(LockError, match="2,800 households"):
        parse_locks(s2)


def test_locks_that_conflict_with_the_rules_are_explained() -> None:
    # Pinning r0c0 and r2c3 to one center cannot hold: the path between them is too heavy.
    s = _scenario({"pin_center": {"r0c0": "r0c1", "r2c3": "r0c1"}})
    with pytest.raises(LockError, match="locks make"):
        solve(s, time_limit_s=10, workers=1)


def test_unknown_lock_key_suggests_the_name() -> None:
    with pytest.raises(LockError, match="did you mean 'forbid_sites'"):
        parse_locks(_scenario({"forbid_site": ["SALE"]}))


def test_community_count_and_cut_edges() -> None:
    s = grid_scenario(GRID, street=[["S1"] * 4] * 3)
    s = dataclasses.replace(s, locks={"community_count": {"S1": 4}})
    plan = solve(s, time_limit_s=20, workers=1)
    assert len(plan.communities) == 4
    assert check(s, plan).passed
    with pytest.raises(LockError, match="no such street"):
        parse_locks(dataclasses.replace(s, locks={"community_count": {"S9": 2}}))
    compact = s.replace(objective={"cut_edge_yuan": 5000.0}, locks={})
    plan2 = solve(compact, time_limit_s=20, workers=1)
    assert plan2.summary["terms"]["cut_edges_yuan"] > 0
    assert check(compact, plan2).passed

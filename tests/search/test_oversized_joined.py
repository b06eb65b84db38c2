"""Stranded units whose only place for a center is the one an oversized unit's community
takes (no build allowed anywhere): ONE-STATION's last resort once the oversized units
hold their places (optimizer/search/oversized_held.py, optimizer/graph/held.py; the
checker's proof optimizer/checker/held.py).

The held-out sweep's vt40-nobuild-over3 (village-town preset, seed 43, 40 villages,
three raised above the maximum, no_build on the whole town): two parts of 19 villages
(1,333 households) and 14 (1,114) are cut off by the units above the maximum; the
town's one usable site (V03 in JH-CC-0034, 780 m² at most) is on JH-CC-0022's path to a
center. The diagnosis found no stand-in (every village reaches that site within the
bounds), so the parts joined JH-CC-0022's community: 5,873 households needing 1,175 m²,
no center, and ``solve`` raised (an AssertionError before session 17, then a
SolveError). Now each part is a community of its own within the bounds, a build
standing in despite no_build, exempt and naming its units and the place held.

Small grids (rural bounds 1,000-1,500, X = no_build, S = the one site, 500 m² at most,
so at most 2,500 households)::

    600X 600X 50X 50X+S 1600X     the left part (1,250) loses S to r0c4's community:
                                  a stand-in community of its own (SolveError before)
    150X 150X 50X+S 2400X         a part of 300 must join r0c4's community, which then
                                  has 2,750 households: no plan at all (the error)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.heldout_edits import apply
from optimizer.checker import check
from optimizer.checker.exemptions import depends_on_plan
from optimizer.checker.facts import Context
from optimizer.errors import SolveError
from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.driver import solve
from optimizer.synth import generate

HELD = "once the communities of the units above the maximum hold the places for a center"


def _site(unit: str, site: str = "S") -> dict[str, object]:
    return {"site_id": site, "unit_id": unit, "area_m2": 300, "owned": True,
            "max_area_m2": 500}


def _grid(households: list[int], site_at: str, extra: tuple[str, ...] = ()) -> Scenario:
    return grid_scenario([households], kind="rural",
                         no_build=[f"r0c{c}" for c in range(len(households))],
                         sites=[_site(site_at), *(_site(u, f"E{k}") for k, u in enumerate(extra))])


def _members(plan: Plan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        out.setdefault(c, []).append(u)
    return {c: sorted(us) for c, us in out.items()}


def test_a_part_that_loses_its_only_site_to_an_oversized_unit_gets_a_stand_in() -> None:
    s = _grid([600, 600, 50, 50, 1600], "r0c3")
    plan = solve(s, time_limit_s=5, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    members = _members(plan)
    [part] = [c for c in plan.communities if members[c.community_id] == ["r0c0", "r0c1", "r0c2"]]
    [big] = [c for c in plan.communities if "r0c4" in members[c.community_id]]
    # the part is a community of its own, within the bounds, centred on a stand-in
    assert part.households == 1250 and part.remedy == "build"
    assert part.exemption.startswith("ONE-STATION: ") and HELD in part.exemption
    assert "for the rural villages r0c0, r0c1 and r0c2 (1,250 households)" in part.exemption
    assert "(r0c3)" in part.exemption and "SIZE-RURAL" not in part.exemption
    # the oversized unit keeps its companion and its legal center
    assert members[big.community_id] == ["r0c3", "r0c4"] and big.site_id == "S"
    assert "ONE-STATION: " not in big.exemption
    # the verdict reads the oversized unit's community: re-checked with it
    assert depends_on_plan(Context.build(s, plan), part)
    [rec] = [r for r in part.reasons if r.rule == "ONE-STATION"]
    assert rec.held == ("r0c3",) and rec.stand_in == (part.site_unit_id,)


def test_held_stand_ins_beside_the_diagnosis_ones_each_say_it_once() -> None:
    """600X 600X 50X 50X+S 1600X 50X 700X 700X: the right part reaches S only through
    r0c4 (1,700 households: the diagnosis' stand-in), the left one loses S to r0c4's
    community (the held stand-in); each community carries one ONE-STATION exemption."""
    s = _grid([600, 600, 50, 50, 1600, 50, 700, 700], "r0c3")
    plan = solve(s, time_limit_s=5, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    members = _members(plan)
    one = {tuple(members[c.community_id]): c.exemption for c in plan.communities
           if "ONE-STATION: " in c.exemption}
    assert set(one) == {("r0c0", "r0c1", "r0c2"), ("r0c5", "r0c6", "r0c7")}
    assert all(t.count("ONE-STATION: ") == 1 for t in one.values())
    assert HELD in one["r0c0", "r0c1", "r0c2"] and HELD not in one["r0c5", "r0c6", "r0c7"]


def test_the_checker_rejects_the_held_claim_where_a_place_is_left() -> None:
    """The same plan against a scenario with a site in r0c0 reaching 500 m²: the part
    could have a legal center outside r0c4's community, so its exemption is false."""
    s = _grid([600, 600, 50, 50, 1600], "r0c3")
    plan = solve(s, time_limit_s=5, workers=1, seed=0)
    other = _grid([600, 600, 50, 50, 1600], "r0c3", extra=("r0c0",))
    report = check(other, plan)
    assert not report.passed
    members = _members(plan)
    [part] = [c for c in plan.communities if members[c.community_id] == ["r0c0", "r0c1", "r0c2"]]
    fails = [r for r in report.rows if r.community_id == part.community_id
             and r.rule_id == "ONE-STATION"]
    assert fails and fails[0].status == "fail"
    assert "outside the communities of the units above the maximum" in fails[0].note


def test_no_plan_at_all_when_the_part_must_join_the_community_holding_the_site() -> None:
    s = _grid([150, 150, 50, 2400], "r0c2")
    with pytest.raises(SolveError) as err:
        solve(s, time_limit_s=5, workers=1, seed=0)
    text = str(err.value)
    assert "ONE-STATION" in text and "no_build" in text and "r0c3" in text
    assert "2,750 households need 550 m²" in text and "S, reaches 500 m²" in text


def test_the_sweeps_stranded_villages_get_stand_ins_once_the_site_is_held(
        tmp_path: Path) -> None:
    folder = generate("village-town", 43, tmp_path / "vt40", size=40)
    apply(folder, ["oversize3r", "no_build_all"], 43)
    sc = load_scenario(folder)
    plan = solve(sc, time_limit_s=10, workers=1, seed=43)
    report = check(sc, plan)
    assert report.passed, report.summary_text()
    members = _members(plan)
    by_hh = {c.households: c for c in plan.communities if c.kind == "rural"}
    for hh, first in ((1333, "JH-CC-0006"), (1114, "JH-CC-0029")):
        com = by_hh[hh]             # each stranded part a community of its own
        assert members[com.community_id][0] == first
        assert com.exemption.startswith("ONE-STATION: ") and HELD in com.exemption
        assert "(JH-CC-0034)" in com.exemption and "SIZE-RURAL" not in com.exemption
    # the village above the maximum whose path took the site keeps a legal center
    [host] = [c for c in plan.communities if "JH-CC-0022" in members[c.community_id]]
    assert "JH-CC-0034" in members[host.community_id] and "ONE-STATION: " not in host.exemption
    # every exemption names one of its own units
    for c in plan.communities:
        if c.exemption:
            assert any(u in c.exemption for u in members[c.community_id]), c.exemption

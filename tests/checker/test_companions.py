"""Planted faults in an oversized unit's "companions" claim (optimizer/checker/
companions.py): units it took so that its community has a place for a center. A
named unit that is not needed, a heavier path than the lightest, a unit held but not
named, a unit that needs no companions — each rejected; the true text accepted; a
claim it cannot match unit by unit ("and N more") not_assessed, never a pass.

The texts are the solver's own words (optimizer.graph.oversized.oversized_reason).
Rural bounds 1,000-1,500. One row: R1000 R500 O3000 R700 R1200, O no_build with no
site, every other unit may build: the lightest path from O to a place for a center is
R500 (3,500 households with O; R700 would make 3,700).
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker.checker import check
from optimizer.graph.oversized import oversized_reason
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan

KEY = ("C1", "S1", "rural")
ROW = [[1000, 500, 3000, 700, 1200]]


def scenario(no_build: tuple[str, ...] = ("r0c2",)) -> Scenario:
    return grid_scenario(ROW, kind="rural", no_build=list(no_build))


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def text(s: Scenario, took: list[str]) -> str:
    return oversized_reason(s, KEY, s.unit_index["r0c2"],
                            companions=[s.unit_index[u] for u in took])


def rows(s: Scenario, spec: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """rule id -> (status, note) of community O's size and exemption lines."""
    report = check(s, build_plan(s, spec))
    return {r.rule_id: (r.status, r.note) for r in report.rows
            if r.community_id == "O" and r.rule_id in ("SIZE-RURAL", "EXEMPTION")}


def test_the_lightest_path_is_accepted() -> None:
    s = scenario()
    spec = {"A": build("r0c0", "r0c0"), "O": build("r0c1", "r0c1", "r0c2",
                                                   exemption=text(s, ["r0c1"])),
            "B": build("r0c3", "r0c3"), "C": build("r0c4", "r0c4")}
    got = rows(s, spec)
    assert got["SIZE-RURAL"][0] == "exempt", got
    assert "the lightest connected units with a place for one" in got["SIZE-RURAL"][1]
    assert "EXEMPTION" not in got


# Planted faults: (no_build, communities as center -> units (O's first), the
# companions O's text names, a phrase of the SIZE-RURAL fail). O's text is the solver's
# for the scenario above; the spec puts it on other units.
FAULTS = {
    # O with R700 (3,700 households): R500 with O (3,500) has a place for a center.
    "a heavier path": (("r0c2",), {"r0c3": ("r0c2", "r0c3"), "r0c0": ("r0c0", "r0c1"),
                                   "r0c4": ("r0c4",)}, ["r0c3"],
                       "not the lightest path to a place for a center: r0c1 (500 households)"),
    # O with R500 and R1000: R1000 is not needed (R500 alone gives O a place).
    "a unit not needed": (("r0c2",), {"r0c1": ("r0c0", "r0c1", "r0c2"), "r0c3": ("r0c3",),
                                      "r0c4": ("r0c4",)}, ["r0c0", "r0c1"],
                          "not the lightest path"),
    "a unit held but not named": (("r0c2",), {"r0c1": ("r0c0", "r0c1", "r0c2"),
                                              "r0c3": ("r0c3",), "r0c4": ("r0c4",)},
                                  ["r0c1"], "it also holds r0c0, which it does not name"),
    # r0c2 may build here: the text of the scenario above is planted on it.
    "a unit that can hold its center": ((), {"r0c1": ("r0c1", "r0c2"), "r0c0": ("r0c0",),
                                             "r0c3": ("r0c3",), "r0c4": ("r0c4",)},
                                        ["r0c1"], "it needs no companions"),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_planted_fault_is_rejected(fault: str) -> None:
    no_build, communities, took, phrase = FAULTS[fault]
    s = scenario(no_build=no_build)
    (o_at, o_units), *others = communities.items()
    spec = {"O": build(o_at, *o_units, exemption=text(scenario(), took))}
    spec |= {f"C{n}": build(at, *units) for n, (at, units) in enumerate(others)}
    status, note = rows(s, spec)["SIZE-RURAL"]
    assert status == "fail", note
    assert phrase in note


def test_companions_it_cannot_match_are_not_assessed() -> None:
    """'r0c1 and 1 more': the checker cannot tell which: not_assessed, never pass."""
    s = scenario()
    t = text(s, ["r0c0", "r0c1"]).replace("the rural villages r0c0 and r0c1",
                                          "the rural villages r0c1 and 1 more")
    assert "r0c1 and 1 more (" in t
    spec = {"O": build("r0c1", "r0c0", "r0c1", "r0c2", exemption=t),
            "B": build("r0c3", "r0c3"), "C": build("r0c4", "r0c4")}
    got = rows(s, spec)
    assert got["EXEMPTION"][0] == "not_assessed", got
    assert got["SIZE-RURAL"][0] == "exempt", got


ROOMS = {"site_id": "P", "unit_id": "r0c1", "area_m2": 450, "owned": True,
         "max_area_m2": 500, "status": "under_construction", "available_year": 2014}


@pytest.mark.parametrize(("took", "status", "phrase"), [
    (["r0c3"], "exempt", "the lightest connected units with a place for one"),
    (["r0c1"], "fail", "none of r0c1 can hold the center of 3500 households")])
def test_rooms_coming_too_small_are_no_place_for_a_center(took: list[str], status: str,
                                                          phrase: str) -> None:
    """R500 holds rooms under construction of 500 m² at most: PIPELINE makes them the
    center of any community holding R500, and with O (3,500 households) they are short
    of 700 m². So R500 is no place for O's center, and R700 (3,700 with O, a build) is
    the lightest path to one (seed 1323; the checker's search read R500 as a place)."""
    s = grid_scenario(ROW, kind="rural", no_build=["r0c2"], sites=[ROOMS])
    o_units = ("r0c2", *took)
    spec = {"O": build(took[0], *o_units, exemption=text(s, took))}
    rest = [u for u in ("r0c0", "r0c1", "r0c3", "r0c4") if u not in took]
    spec |= {f"C{u}": build(u, u) for u in rest}
    got = rows(s, spec)["SIZE-RURAL"]
    assert got[0] == status, got
    assert phrase in got[1], got

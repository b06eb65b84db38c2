"""Planted exemptions: a false one of each kind is rejected by the checker's own proofs
(optimizer/checker/proofs.py, split.py, center.py), a true one is accepted.

True texts are the engine's own words (the diagnosis' messages, the search's reasons);
false ones are the same words put on a community they are not true of, or about a
piece they do not describe. Households per unit; U urban (2,000-3,000), R rural
(1,000-1,500); ``|`` a barrier; ``.`` no unit.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker.checker import check
from optimizer.graph import diagnose
from optimizer.report.reasons import note_text
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    """A community of ``units`` (one grid each) with a new center built in ``at``."""
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def verdict(s: Scenario, spec: dict[str, dict[str, Any]], cid: str, rule: str) -> tuple[str, str]:
    """(status, note) of ``rule`` for community ``cid`` in the checked plan."""
    report = check(s, build_plan(s, spec))
    [r] = [r for r in report.rows if r.rule_id == rule and r.community_id == cid]
    return r.status, r.note


def message(s: Scenario, reason: str) -> str:
    """The diagnosis' exemption text (rule id, then message) of the given reason."""
    [d] = [d for d in diagnose(s) if d.reason == reason]
    return f"{d.rule}: {d.message}"


# --- too few households -------------------------------------------------------------------
ISLAND = dict(households=[[700, 600, 300]], kind="rural")     # R700 R600 | R300


def test_too_few_true_on_an_island_is_accepted() -> None:
    s = grid_scenario(**ISLAND, cut=[("r0c1", "r0c2")])        # type: ignore[arg-type]
    text = message(s, "cut-off")
    assert "cut off by a barrier" in text and "households short" in text
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c2", "r0c2", exemption=text)}
    status, note = verdict(s, spec, "I", "SIZE-RURAL")
    assert status == "exempt"
    assert note.startswith("exempt: its piece S1 (rural) has 300 households: no whole number")


def test_too_few_false_where_the_piece_holds_enough_is_rejected() -> None:
    """R700 R600 R300 R800, no barrier: 2,400 households, two communities fit. The
    island's 'too few' text put on r0c2 alone."""
    island = grid_scenario(**ISLAND, cut=[("r0c1", "r0c2")])  # type: ignore[arg-type]
    text = message(island, "cut-off").replace(" cut off by a barrier from", " with no "
                                              "neighbour link to")
    s = grid_scenario([[700, 600, 300, 800]], kind="rural")
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c2", "r0c2", exemption=text),
            "J": build("r0c3", "r0c3")}
    status, note = verdict(s, spec, "I", "SIZE-RURAL")
    assert status == "fail" and "exemption not justified" in note
    assert "2400" in note                   # the piece holds 2,400, not 300


def test_too_few_said_loosely_is_checked_on_the_numbers() -> None:
    s = grid_scenario([[700, 600, 300, 800]], kind="rural")
    loose = "SIZE-RURAL: r0c2 has 300 households; a rural community needs 1,000-1,500 " \
            "(SIZE-RURAL): 700 households short."
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c2", "r0c2", exemption=loose),
            "J": build("r0c3", "r0c3")}
    assert verdict(s, spec, "I", "SIZE-RURAL")[0] == "fail"


# --- one unit above the maximum --------------------------------------------------------------
def _two_big() -> Scenario:
    """U3500 U2500 U3200: r0c0 and r0c2 each alone above 3,000."""
    return grid_scenario([[3500, 2500, 3200]])


def _above(s: Scenario, uid: str) -> str:
    [d] = [d for d in diagnose(s) if d.reason == "unit-above-max" and d.units == (uid,)]
    return f"{d.rule}: {d.message}"


def test_above_max_on_its_own_community_is_accepted() -> None:
    s = _two_big()
    spec = {"B": build("r0c0", "r0c0", exemption=_above(s, "r0c0")),
            "C": build("r0c1", "r0c1"),
            "D": build("r0c2", "r0c2", exemption=_above(s, "r0c2"))}
    report = check(s, build_plan(s, spec))
    assert report.passed, report.summary_text()
    notes = {r.community_id: r.note for r in report.rows if r.status == "exempt"}
    assert notes == {"B": "exempt: unit r0c0 alone has 3500 households, above 3000; "
                          "500 households over",
                     "D": "exempt: unit r0c2 alone has 3200 households, above 3000; "
                          "200 households over"}


def test_above_max_naming_another_communitys_unit_is_rejected() -> None:
    """D holds r0c2 (3,200) but carries r0c0's text: the exemption is not about D,
    although D could be exempt on its own unit."""
    s = _two_big()
    spec = {"B": build("r0c0", "r0c0", exemption=_above(s, "r0c0")),
            "C": build("r0c1", "r0c1"),
            "D": build("r0c2", "r0c2", exemption=_above(s, "r0c0"))}
    status, note = verdict(s, spec, "D", "SIZE-URBAN")
    assert status == "fail"
    assert "names unit r0c0, which is not one of its units" in note
    assert "its own unit above the maximum is r0c2" in note


def test_above_max_naming_a_unit_that_is_not_above_is_rejected() -> None:
    s = grid_scenario([[2000, 1500]])           # one community of 3,500, no unit above
    spec = {"A": build("r0c0", "r0c0", "r0c1",
                       exemption="SIZE-URBAN: r0c0 alone has 2,000 households")}
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "fail" and "not above the maximum of 3000" in note


def test_above_max_with_a_wrong_count_is_rejected() -> None:
    s = _two_big()
    spec = {"B": build("r0c0", "r0c0", exemption="SIZE-URBAN: r0c0 alone has 9,999 "
                                                  "households"),
            "C": build("r0c1", "r0c1"), "D": build("r0c2", "r0c2", exemption=_above(s, "r0c2"))}
    status, note = verdict(s, spec, "B", "SIZE-URBAN")
    assert status == "fail" and "says unit r0c0 has 9999 households; it has 3500" in note


def _one_big() -> Scenario:
    """U3500 U2500 U2800 U2200: r0c0 alone above 3,000; the piece has no split within
    the bounds only because of it."""
    return grid_scenario([[3500, 2500, 2800, 2200]])


@pytest.mark.parametrize("text", [
    "SIZE-URBAN: one unit above the maximum: r0c0",          # unread, names r0c0
    "SIZE-URBAN: one unit above the maximum",                 # unread, names nothing
    "SIZE-URBAN: no partition of this piece (4 units, 11,000 households) into contiguous "
    "communities of 2,000-3,000 households was found",
    "SIZE-URBAN: Town/street 'S1' (county 'C1'): the urban compounds r0c0, r0c1, r0c2 and "
    "r0c3 (a piece of 4 units) have 11,000 households, but no way to split them into "
    "connected urban communities of 2,000-3,000 households exists (SIZE-URBAN).",
])
def test_piece_impossible_only_for_its_big_unit_exempts_no_other(text: str) -> None:
    """C (r0c1 + r0c2, 5,300) holds no unit above the maximum. Its piece cannot be split
    within the bounds, but only because of r0c0, whose own community B is exempt; C
    could keep the bounds (r0c1 and r0c2 alone, or joined to B). Before the fix the
    checker accepted each of these on the piece's proof."""
    s = _one_big()
    spec = {"B": build("r0c0", "r0c0", exemption=_above(s, "r0c0")),
            "C": build("r0c1", "r0c1", "r0c2", exemption=text), "D": build("r0c3", "r0c3")}
    status, note = verdict(s, spec, "C", "SIZE-URBAN")
    assert status == "fail", note
    assert "exemption not justified" in note and "r0c0" in note
    assert verdict(s, spec, "B", "SIZE-URBAN")[0] == "exempt"


def test_unread_text_naming_another_big_unit_is_rejected() -> None:
    """D holds r0c2 (3,200, above) but its unread text names r0c0, B's unit: the
    exemption must name a unit above the maximum of its own community."""
    s = _two_big()
    spec = {"B": build("r0c0", "r0c0", exemption=_above(s, "r0c0")),
            "C": build("r0c1", "r0c1"),
            "D": build("r0c2", "r0c2", exemption="SIZE-URBAN: r0c0 is above the maximum")}
    status, note = verdict(s, spec, "D", "SIZE-URBAN")
    assert status == "fail" and "names r0c0, above the maximum" in note
    spec["D"]["exemption"] = "SIZE-URBAN: r0c2 is above the maximum"
    assert verdict(s, spec, "D", "SIZE-URBAN")[0] == "exempt"


# --- cut off by a barrier ---------------------------------------------------------------------
def test_cut_off_where_nothing_cuts_it_off_is_rejected() -> None:
    """R700 R600 R300, no barrier: r0c2 is part of one piece of 1,600, not cut off."""
    island = grid_scenario(**ISLAND, cut=[("r0c1", "r0c2")])  # type: ignore[arg-type]
    text = message(island, "cut-off")
    s = grid_scenario(**ISLAND)                                  # type: ignore[arg-type]
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c2", "r0c2", exemption=text)}
    status, note = verdict(s, spec, "I", "SIZE-RURAL")
    assert status == "fail" and "not cut off" in note and "r0c0, r0c1" in note


def test_cut_off_without_a_barrier_is_rejected_and_isolated_accepted() -> None:
    """R700 R600 . R300: r0c3 is its own piece, but no barrier made it so."""
    s = grid_scenario([[700, 600, None, 300]], kind="rural")
    text = message(s, "too-small")
    assert "with no neighbour link to" in text
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c3", "r0c3", exemption=text)}
    assert verdict(s, spec, "I", "SIZE-RURAL")[0] == "exempt"
    spec["I"]["exemption"] = text.replace("with no neighbour link to", "cut off by a barrier from")
    status, note = verdict(s, spec, "I", "SIZE-RURAL")
    assert status == "fail" and "no barrier cuts it off" in note


# --- no connected split exists ---------------------------------------------------------------
def test_no_split_true_is_accepted() -> None:
    """U1500 U1000 U1500: 4,000 fits two communities by arithmetic, no connected split."""
    s = grid_scenario([[1500, 1000, 1500]])
    text = message(s, "no-partition")
    spec = {"A": build("r0c1", "r0c0", "r0c1", "r0c2", exemption=text)}
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "exempt"
    assert "no split into connected communities of 2000..3000 exists" in note
    zh = note_text(note, "zh")          # the report renders the checker's proof in Chinese
    assert "不存在地域相连" in str(zh) and "原文" not in str(zh), zh


def test_no_split_where_a_split_exists_is_rejected() -> None:
    """U1000 x4: the no-split words on a piece that splits into two of 2,000."""
    s = grid_scenario([[1000, 1000, 1000, 1000]])
    text = message(grid_scenario([[1500, 1000, 1500, 0]]), "no-partition")
    assert "4,000 households" in text and "these 4 units" in text
    # its sentence naming r0c1 as the only link (optimizer/graph/cut.py) is false here
    spec = {"A": build("r0c1", "r0c0", "r0c1", "r0c2", "r0c3", exemption=text)}
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "fail" and "the part it names holds 1 units and 1000 households" in note
    spec["A"]["exemption"] = text.split(" The urban compound r0c1 ")[0]
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "fail" and "splits into connected communities of 2000..3000" in note
    # the search's own words ("none found in time") are checked the same way
    spec["A"]["exemption"] = ("SIZE-URBAN: no partition of this piece (4 units, 4,000 "
                              "households) into contiguous communities of 2,000-3,000 "
                              "households was found (none found in time); the plan breaks "
                              "the bounds as little as the search could")
    assert verdict(s, spec, "A", "SIZE-URBAN")[0] == "fail"


def test_no_split_beyond_the_search_bound_is_not_a_pass() -> None:
    """401 compounds of 100 in a row: the checker's search stops at 400 units, so the
    exemption is not proved (a fail saying why), whatever the truth."""
    s = grid_scenario([[100] * 401])
    units = [f"r0c{c}" for c in range(401)]
    text = ("SIZE-URBAN: no partition of this piece (401 units, 40,100 households) into "
            "contiguous communities of 2,000-3,000 households was found (none found in "
            "time); the plan breaks the bounds as little as the search could")
    spec = {"A": dict(grids=[units[k:k + 3] for k in range(0, 401, 3)][:134],
                      remedy="build", site="", at="r0c0", exemption=text)}
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "fail" and "cannot prove" in note and "400 units" in note


def test_a_piece_past_100_units_is_searched_and_its_split_named() -> None:
    """101 compounds of 100 in a row (the bound before session 40 was 100 units: "cannot
    prove"): the quick search finds a split, and the fail names it."""
    s = grid_scenario([[100] * 101])
    units = [f"r0c{c}" for c in range(101)]
    text = ("SIZE-URBAN: no partition of this piece (101 units, 10,100 households) into "
            "contiguous communities of 2,000-3,000 households was found (none found in "
            "time); the plan breaks the bounds as little as the search could")
    spec = {"A": dict(grids=[units[k:k + 3] for k in range(0, 101, 3)][:34], remedy="build",
                      site="", at="r0c0", exemption=text)}
    status, note = verdict(s, spec, "A", "SIZE-URBAN")
    assert status == "fail" and "splits into connected communities" in note, note


# --- no whole number of communities fits ---------------------------------------------------------
def test_no_integer_k_true_is_accepted_and_false_rejected() -> None:
    one = grid_scenario([[700, 600, 300]], kind="rural", street="T")    # 1,600: no k fits
    text = ("SIZE-RURAL: Town 'T' (county 'C1'): the whole rural area, rural villages r0c0, "
            "r0c1 and r0c2, has 1,600 households, and no whole number of rural communities of "
            "1,000-1,500 households fits (SIZE-RURAL): 1 community could hold at most 1,500 "
            "(100 over) and 2 need at least 2,000 (400 short).")
    spec = {"A": build("r0c0", "r0c0", "r0c1", "r0c2", exemption=text)}
    assert verdict(one, spec, "A", "SIZE-RURAL")[0] == "exempt"
    two = grid_scenario([[700, 600, 300, 800]], kind="rural", street="T")   # 2,400 = 2 fit
    wrong = text.replace("r0c1 and r0c2", "r0c1, r0c2 and r0c3").replace("1,600", "2,400")
    spec = {"A": build("r0c0", "r0c0", "r0c1", "r0c2", "r0c3", exemption=wrong)}
    status, note = verdict(two, spec, "A", "SIZE-RURAL")
    assert status == "fail" and "2 communities of 1000..1500 fit" in note


def test_an_exemption_about_another_town_is_rejected() -> None:
    s = grid_scenario(**ISLAND, cut=[("r0c1", "r0c2")])        # type: ignore[arg-type]
    text = message(s, "cut-off").replace("Town 'S1'", "Town 'Elsewhere'")
    spec = {"M": build("r0c0", "r0c0", "r0c1"), "I": build("r0c2", "r0c2", exemption=text)}
    status, note = verdict(s, spec, "I", "SIZE-RURAL")
    assert status == "fail" and "another town/street" in note


# --- no place for a center (ONE-STATION) ---------------------------------------------------
def _lonely(no_build: list[str]) -> Scenario:
    """U1200 U1300 in street S1; U2500 alone in street S2, no site."""
    return grid_scenario([[1200, 1300, 2500]], street=[["S1", "S1", "S2"]], no_build=no_build)


@pytest.mark.parametrize(("no_build", "status"), [(["r0c2"], "exempt"), ([], "fail")])
def test_no_center_true_accepted_false_rejected(no_build: list[str], status: str) -> None:
    """With no_build on r0c2 no center can stand in its community: the stand-in build
    is exempt. Without it, a center can be built there: the same claim is false."""
    true = _lonely(["r0c2"])
    [d] = [d for d in diagnose(true) if d.reason == "no-center"]
    s = _lonely(no_build)
    spec = {"A": build("r0c0", "r0c0", "r0c1"),
            "B": build("r0c2", "r0c2", exemption=f"ONE-STATION: {d.message}")}
    got, note = verdict(s, spec, "B", "ONE-STATION")
    assert got == status, note
    if status == "fail":
        assert "can have a service center" in note


def test_no_center_naming_a_unit_of_another_community_is_rejected() -> None:
    s = grid_scenario([[1200, 1300, 2500, 2500]], street=[["S1", "S1", "S2", "S2"]],
                      no_build=["r0c2"], cut=[("r0c2", "r0c3")])
    [d] = [d for d in diagnose(s) if d.reason == "no-center"]
    assert d.units == ("r0c2",)
    spec = {"A": build("r0c0", "r0c0", "r0c1"), "B": build("r0c2", "r0c2"),
            "C": build("r0c3", "r0c3", exemption=f"ONE-STATION: {d.message}")}
    status, note = verdict(s, spec, "C", "ONE-STATION")
    assert status == "fail" and "names r0c2, none of which is one of its units" in note

"""Planted faults in a pocket's exemption (optimizer/checker/pocket.py): the one
community of a pocket that breaks the bounds is accepted; two of them, or the text on
a community away from the pocket, are rejected. The texts are the solver's own words
(optimizer.graph.pocket.pocket_exemption).

Urban, 2,000-3,000 households; O (4,000) above the maximum; the gate 715 is the only
way out of 1684 / 221 / 1275::

    O4000 1000 1100  715 1684
     -     -    -   1275  221
"""

from __future__ import annotations

from typing import Any

from optimizer.checker.checker import check
from optimizer.graph.oversized import oversized_reason
from optimizer.graph.pocket import Pocket, pocket_exemption
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan

KEY = ("C1", "S1", "urban")
STREET = [[4000, 1000, 1100, 715, 1684], [None, None, None, 1275, 221]]


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def _texts(s: Scenario) -> tuple[str, str]:
    ix = s.unit_index
    pocket = Pocket(tuple(sorted(ix[u] for u in ("r0c4", "r1c3", "r1c4"))), ix["r0c3"],
                    3180, 3000 - 715)
    return oversized_reason(s, KEY, ix["r0c0"]), pocket_exemption(s, KEY, pocket, 2000,
                                                                   3000).text


def _size(s: Scenario, spec: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    report = check(s, build_plan(s, spec))
    return {r.community_id: (r.status, r.note) for r in report.rows
            if r.rule_id == "SIZE-URBAN"}


def test_the_pocket_community_is_accepted() -> None:
    s = grid_scenario(STREET)
    big, pocket = _texts(s)
    assert "r0c3" in pocket and "r1c4" in pocket
    got = _size(s, {"O": build("r0c0", "r0c0", exemption=big),
                    "M": build("r0c2", "r0c1", "r0c2", "r0c3"),
                    "P": build("r0c4", "r0c4", "r1c3", "r1c4", exemption=pocket)})
    assert got["P"][0] == "exempt", got
    assert "only through unit r0c3" in got["P"][1]
    assert got["O"][0] == "exempt" and got["M"][0] == "pass"


def test_two_breaking_communities_in_the_pocket_are_rejected() -> None:
    s = grid_scenario(STREET)
    big, pocket = _texts(s)
    got = _size(s, {"O": build("r0c0", "r0c0", exemption=big),
                    "M": build("r0c2", "r0c1", "r0c2", "r0c3"),
                    "P": build("r0c4", "r0c4", "r1c4", exemption=pocket),
                    "Q": build("r1c3", "r1c3", exemption=pocket)})
    assert got["P"][0] == "fail" and got["Q"][0] == "fail", got


def test_the_pocket_text_away_from_the_pocket_is_rejected() -> None:
    """The left side split off: O with 1000, and 1100 + 715 short of 2,000."""
    s = grid_scenario(STREET)
    big, pocket = _texts(s)
    got = _size(s, {"O": build("r0c0", "r0c0", "r0c1", exemption=big),
                    "M": build("r0c2", "r0c2", "r0c3", exemption=pocket),
                    "P": build("r0c4", "r0c4", "r1c3", "r1c4", exemption=pocket)})
    assert got["M"][0] == "fail", got       # meets the gate, but P breaks the bounds too

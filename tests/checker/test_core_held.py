"""A core's exemption (optimizer.checker.cover via proofs.core_split) is accepted only
on a community holding one of the units it names: the core proves that some community
holding one of them breaks the bounds, not that any community of the piece may
(issue 16: a soft plan's six communities far from the village it named were exempt on
its ground and passed).

Urban, 2,000-3,000 households. r0c0 and r0c2 reach the minimum only with r0c1::

    1800  300 1800
    2600 2600 2600
"""

from __future__ import annotations

from typing import Any

from optimizer.checker.checker import check
from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.core import impossible_why
from optimizer.search.piece_common import no_plan_reason
from tests.helpers.check_fixture import build_plan

STREET = [[1800, 300, 1800], [2600, 2600, 2600]]


def _text(s: Scenario) -> str:
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    why, ids = impossible_why(s, data, 6)
    assert ids == ("r0c0", "r0c2")
    return no_plan_reason(s, data, why, 6, ids).text


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def _size(s: Scenario, spec: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    report = check(s, build_plan(s, spec))
    return {r.community_id: (r.status, r.note) for r in report.rows
            if r.rule_id == "SIZE-URBAN"}


def test_the_core_community_is_exempt_and_one_away_from_the_core_is_not() -> None:
    s = grid_scenario(STREET)
    text = _text(s)
    got = _size(s, {"A": build("r0c0", "r0c0", "r0c1"),
                    "B": build("r0c2", "r0c2", exemption=text),
                    "C": build("r1c0", "r1c0"),
                    "D": build("r1c1", "r1c1", "r1c2", exemption=text)})
    assert got["A"][0] == "pass" and got["C"][0] == "pass", got
    assert got["B"][0] == "exempt", got
    assert got["D"][0] == "fail", got
    assert "holds none of them" in got["D"][1]

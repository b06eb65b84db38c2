"""The checker's "no split" proof reads PIPELINE as its own PIPELINE line does
(optimizer.checker.proofs.Pieces.split_with_centers, ``rooms_of``): rooms coming that a
community holding them must take as its center bound what that community may hold.

Urban, 2,000-3,000 households, one row: A1800 B600 C2100; A holds rooms under
construction reaching 400 m², imposed (a community of the minimum needs 400 m²), so
any community holding A holds at most 2,000 households. By households A B | C splits
the row (2,400 and 2,100), but A B would need 480 m² on A's rooms: no split keeps
PIPELINE, and A alone (1,800) is exempt. The checker offered A B | C as proof that the
row splits, a split its own PIPELINE line fails (bench/wild.py seeds 636, 1126, 1393).
With no rooms at A the same exemption is refused: A B | C is a legal split then.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker.checker import check
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.piece_common import no_plan_reason
from tests.helpers.check_fixture import build_plan

ROOMS = {"site_id": "P", "unit_id": "r0c0", "area_m2": 380, "owned": True,
         "max_area_m2": 400, "status": "under_construction", "available_year": 2014}


def _scenario(rooms: bool) -> Scenario:
    return grid_scenario([[1800, 600, 2100]], kind="urban", sites=[ROOMS] if rooms else [])


def _size_row(s: Scenario) -> tuple[str, str]:
    data = piece_data(s, ("C1", "S1", "urban"), list(range(s.n_units)))
    text = no_plan_reason(s, data, "proved impossible: no partition into its 4 possible "
                          "communities", columns=4).text
    a: dict[str, Any] = (dict(grids=[["r0c0"]], remedy="extend", site="P", at="r0c0")
                         if s.sites.site_ids else
                         dict(grids=[["r0c0"]], remedy="build", site="", at="r0c0"))
    spec = {"A": a | {"exemption": text},
            "B": dict(grids=[["r0c1", "r0c2"]], remedy="build", site="", at="r0c2")}
    report = check(s, build_plan(s, spec))
    [row] = [r for r in report.rows if r.community_id == "A" and r.rule_id == "SIZE-URBAN"]
    return row.status, row.note


@pytest.mark.parametrize(("rooms", "status", "phrase"), [
    (True, "exempt", "each have a place for a service center (ONE-STATION, PIPELINE)"),
    (False, "fail", "splits into connected communities of 2000..3000")])
def test_no_split_reads_pipeline(rooms: bool, status: str, phrase: str) -> None:
    got = _size_row(_scenario(rooms))
    assert got[0] == status, got
    assert phrase in got[1], got

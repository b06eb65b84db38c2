"""A piece that splits by households but not once centers count (ONE-STATION,
PIPELINE): the search names the units no non-overlapping communities, each with a
legal center, can hold together (optimizer.search.core), and the checker proves it
with its own code (optimizer.checker.cover, ``centers``).

bench/wild.py seed 100 (a 12-compound street, 60 s): one compound holds pipeline
rooms of 409 m², which every community holding it must take as its center (PIPELINE)
and which no community of 2,000-3,000 households fits in (it needs 400 m² + 2 m² per
10 households above 2,000). The search listed its 11 possible communities, found no
partition, named no core (the groups by households alone partition the piece) and
took the soft plan: four communities outside the bounds, exempt on "no partition"
texts the checker rejected (it splits the piece by households). Seed 25 (60
compounds) the same, seven communities.

Here, 4 × 1,050 households: the only split within the bounds is r0c0-r0c1 |
r0c2-r0c3, and r0c1's planned rooms (405 m²) cannot serve 2,100 households (420 m²)::

    1050 1050* 1050+ 1050

r0c2's planned rooms Q (630 m²) serve r0c1-r0c2 (session 33): without them every
community within the bounds holding r0c1 is short of the area standard, and in a
piece this small the search now takes that reading (optimizer.search.short_within,
wild seed 399: the piece splits within the bounds, r0c1's community exempt from
AREA-PER-HH only). With Q, r0c1's shortfall is not forced, and r0c0 is a core once
centers count.
"""

from __future__ import annotations

import optimizer
from optimizer.checker.checker import check
from optimizer.checker.claims import read
from optimizer.checker.cover import cover_exists
from optimizer.checker.proofs import Pieces, core_split
from optimizer.report.reasons_exempt import parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

PIPE = {"site_id": "P1", "unit_id": "r0c1", "area_m2": 0.0, "owned": True,
        "max_area_m2": 405.0, "status": "planned", "available_year": 2014}


SERVES = {"site_id": "Q", "unit_id": "r0c2", "area_m2": 0.0, "owned": True,
          "max_area_m2": 630.0, "status": "planned", "available_year": 2014}


def _street() -> Scenario:
    return grid_scenario([[1050, 1050, 1050, 1050]], sites=[PIPE, SERVES])


def test_the_checker_counts_only_communities_with_a_legal_center() -> None:
    s = _street()
    piece = set(range(4))
    r0c0 = s.unit_index["r0c0"]
    assert cover_exists(s, piece, [r0c0], 2000, 3000) is True      # by households
    assert cover_exists(s, piece, [r0c0], 2000, 3000, centers=True) is False
    # rooms that reach 420 m² serve r0c0-r0c1: then a community holds it
    big = grid_scenario([[1050, 1050, 1050, 1050]], sites=[{**PIPE, "max_area_m2": 420.0},
                                                           SERVES])
    assert cover_exists(big, piece, [r0c0], 2000, 3000, centers=True) is True


def test_the_centers_words_are_read_and_proved() -> None:
    s = _street()
    text = ("SIZE-URBAN: no partition of this piece (4 units, 4,200 households) into "
            "contiguous communities of 2,000-3,000 households was found (proved impossible: "
            "no partition into its 1 possible communities; no non-overlapping communities "
            "of 2,000-3,000 households, each with a legal place for its service center "
            "(ONE-STATION, PIPELINE), can hold all of the urban compounds r0c0); the plan "
            "breaks the bounds as little as the search could")
    [core] = [c for c in read(s, "SIZE-URBAN", text, "C1", "S1", "urban").claims
              if c.kind == "core"]
    assert core.centers and core.units == (s.unit_index["r0c0"],)
    pieces = Pieces(s)
    ok, why = core_split(s, pieces, pieces.piece_of[0], core)
    assert ok, why
    # the report reads it back, and says the centers in Chinese too
    ex = parse_exemption(text)
    assert ex is not None and ex.named is not None and ex.named.ids == ("r0c0",)
    assert "合法服务中心用房" in reason_zh(ex)


def test_the_plan_names_the_core_and_passes_its_check() -> None:
    s = _street()
    plan = optimizer.solve(s, time_limit_s=10, workers=1, seed=0)
    texts = [c.exemption for c in plan.communities if c.exemption]
    assert texts and all("each with a legal place for its service center" in t
                         for t in texts)
    size = [r for r in check(s, plan).rows if r.rule_id == "SIZE-URBAN"]
    assert size and all(r.status != "fail" for r in size), [r.note for r in size]

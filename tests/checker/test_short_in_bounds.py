"""The checker's proof of an AREA-PER-HH exemption on short rooms over the communities
within the bounds (bench/wild.py seed 399, session 33). 3d3a6633 (1,744 households,
rooms S14 under construction, 419.9 m² at most) touches only 0c8282b9 (862)::

    1744* 862 1289 1000          (r0c0 holds S14)

Alone (below the minimum) r0c0 fits S14 (400 m²), so the proof over every community
of at most the maximum fails; every community of 2,000-3,000 holding it is r0c0-r0c1
(2,606 households, 521.2 m² needed), centred on S14 (PIPELINE, ONE-STATION): short.
The search's plan on that reading (tests/search/test_short_within.py) passes the
check; before, the checker refused its exemption ("a community of 1744 households
holding r0c0 could have the pipeline site S14 as a legal center"). The SIZE core of
legal centers the search wrote before still stands too (either rule may be exempt).
"""

from __future__ import annotations

from optimizer.checker.claims import read
from optimizer.checker.proofs import Pieces, core_split
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

S14 = {"site_id": "S14", "unit_id": "r0c0", "area_m2": 419.9, "owned": True,
       "max_area_m2": 419.9, "status": "under_construction", "available_year": 2014}
# the search's words on f9698f7 (wild seed 399's, on this grid)
CORE = ("SIZE-URBAN: no partition of this piece (4 units, 4,895 households) into "
        "contiguous communities of 2,000-3,000 households was found (proved impossible: "
        "no partition into its 2 possible communities; no non-overlapping communities of "
        "2,000-3,000 households, each with a legal place for its service center "
        "(ONE-STATION, PIPELINE), can hold all of the urban compounds r0c0); the plan "
        "breaks the bounds as little as the search could")


def _street(*more: dict[str, object]) -> Scenario:
    return grid_scenario([[1744, 862, 1289, 1000]], sites=[S14, *more])


def test_the_size_core_of_legal_centers_still_stands() -> None:
    [core] = [c for c in read(_street(), "SIZE-URBAN", CORE, "C1", "S1", "urban").claims
              if c.kind == "core"]
    pieces = Pieces(_street())
    ok, why = core_split(_street(), pieces, pieces.piece_of[0], core)
    assert ok, why


def test_the_shortfall_is_proven_within_the_bounds_only() -> None:
    from optimizer.checker.short_within import reaching_center, short_in_bounds

    s = _street()
    r0c0 = s.unit_index["r0c0"]
    assert reaching_center(s, r0c0, 3000) is not None     # r0c0 alone: 400 m² needed
    assert short_in_bounds(s, r0c0, 2000, 3000)
    # nothing within the bounds holds it (a maximum below r0c0-r0c1): no proof
    assert not short_in_bounds(s, r0c0, 2000, 2500)


def test_no_proof_where_a_community_within_the_bounds_reaches_the_need() -> None:
    """r0c1 with rooms coming of 600 m²: r0c0-r0c1 centred there is legal."""
    from optimizer.checker.short_within import short_in_bounds

    q = {"site_id": "Q", "unit_id": "r0c1", "area_m2": 0, "owned": True, "max_area_m2": 600,
         "status": "planned", "available_year": 2014}
    s = _street(q)
    assert not short_in_bounds(s, s.unit_index["r0c0"], 2000, 3000)

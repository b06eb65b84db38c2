"""scenario_summary_text on drawn grids (no files)::

    r0:  2500  2500 | 700       urban street S1 (two compounds of 2,500)
                    | rural S1  (one village of 700: too small for SIZE-RURAL)
"""

from __future__ import annotations

from optimizer.graph.summary import households_table, scenario_summary_text
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.today import TodayCommunities, TodayCommunity


def test_summary_counts_table_and_diagnosis() -> None:
    sc = grid_scenario([[2500, 2500, 700]], kind=[["urban", "urban", "rural"]],
                       sites=[{"site_id": "s1", "unit_id": "r0c0", "area_m2": 350,
                               "owned": True, "max_area_m2": 500}],
                       new_development=["r0c1"])
    text = scenario_summary_text(sc)
    assert "Units: 3 (2 urban, 1 rural); households: 5,700" in text
    assert "Sites: 1 (1 owned, 0 for sale); 1 below 400 m² (AREA-MIN)" in text
    assert "New developments (NEWDEV-1500): 1" in text
    assert "Neighbour edges: 2; cut by barriers: 0" in text
    assert "Components (county, street, kind pieces): 2 (1 urban, 1 rural)" in text
    assert "Diagnosis: 1 provably impossible piece" in text
    assert "[SIZE-RURAL]" in text and "r0c2" in text and "would help:" in text


def test_households_table_rows_sorted_and_aligned() -> None:
    sc = grid_scenario([[100, 200], [300, 400]], street=[["B", "A"], ["B", "A"]])
    lines = households_table(sc)
    assert lines[0].split() == ["county", "street", "kind", "units", "households"]
    assert lines[1].split() == ["C1", "A", "urban", "2", "600"]
    assert lines[2].split() == ["C1", "B", "urban", "2", "400"]
    assert len({line.index("urban") for line in lines[1:]}) == 1


def test_summary_without_impossible_piece_and_with_notes() -> None:
    sc = grid_scenario([[1200, 1200]]).replace(notes=("units.geojson: repaired u1",))
    text = scenario_summary_text(sc)
    assert "Diagnosis: no provably impossible piece" in text
    assert text.endswith("Note: units.geojson: repaired u1")


def test_summary_of_pipeline_sites_today_and_budget() -> None:
    """Two urban units of today's communities A and B; sites planned and under
    construction; a budget with its own table for county C1."""
    site = {"area_m2": 500, "owned": True, "max_area_m2": 500}
    sc = grid_scenario([[1200, 1200]], current=[["A", "B"]], sites=[
        {"site_id": "s1", "unit_id": "r0c0", **site},
        {"site_id": "s2", "unit_id": "r0c0", "status": "planned", "available_year": 2015,
         **site},
        {"site_id": "s3", "unit_id": "r0c1", "status": "planned", "available_year": 2015,
         **site},
        {"site_id": "s4", "unit_id": "r0c1", "status": "under_construction",
         "available_year": 2014, **site}])
    text = scenario_summary_text(sc)
    assert ("Sites not there today (PIPELINE, by the year they are handed over): "
            "1 under construction (2014: 1); 2 planned (2015: 2)") in text
    assert "Today's communities: no communities_today.csv" in text
    assert "Budget: none ([budget] not given" in text

    today = TodayCommunities((TodayCommunity("A", volunteers=40, services_x=("助餐",)),),
                             ("volunteers", "services_x"))
    sc = sc.replace(communities_today=today, budget={
        "horizon": [2013, 2014], "carry_over": True, "capital_yuan": {2013: 1e6, 2014: 0},
        "counties": {"C1": {"capital_yuan": {2013: 2.5e6, 2014: 5e5}}}})
    lines = scenario_summary_text(sc).splitlines()
    at = lines.index("Today's communities (communities_today.csv): 1 row for 2 current "
                     "communities of the units (1 without a row)")
    table = {row.split()[0]: row.split()[1:] for row in lines[at + 2:at + 10]}
    assert table["volunteers"] == ["1", "1"] and table["services_x"] == ["1", "1"]
    assert table["workers"] == ["0", "2", "no", "such", "column"]
    at = lines.index("Budget (FUND-POOL), 2013-2014, capital in yuan; unspent capital "
                     "carries over:")
    assert lines[at + 1].split() == ["county", "2013", "2014", "total"]
    assert lines[at + 2].split() == ["C1", "2,500,000", "500,000", "3,000,000", "own", "table"]

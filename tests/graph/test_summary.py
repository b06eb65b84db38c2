"""scenario_summary_text on drawn grids (no files)::

    r0:  2500  2500 | 700       urban street S1 (two compounds of 2,500)
                    | rural S1  (one village of 700: too small for SIZE-RURAL)
"""

from __future__ import annotations

from optimizer.graph.summary import households_table, scenario_summary_text
from optimizer.scenario.build import grid_scenario


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

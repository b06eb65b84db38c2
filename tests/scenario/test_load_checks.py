"""Issue 14, item 11: paths confined to the scenario folder, each override error on
its own key, household counts out of range. Fixture: the six-square grid of
tests/helpers/scenarios.py::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban, u3 u6 rural, 100 m squares
    +------+------+------+
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely import affinity

from optimizer.errors import Problem, ScenarioError
from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, toml_text


def problems_of(folder: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    return info.value.problems


def data_toml(units: str) -> str:
    return f'name = "t"\ncrs = "EPSG:32651"\n[data]\nunits = "{units}"\nsites = "sites.csv"\n'


# --- (e) [data] paths stay inside the scenario folder -----------------------------------
@pytest.mark.parametrize("where", ["absolute", "dotdot", "symlink", "windows"])
def test_data_paths_are_confined_to_the_scenario_folder(tmp_path: Path, where: str) -> None:
    outside = make_scenario(tmp_path / "elsewhere")          # a valid units file outside
    folder = make_scenario(tmp_path / "scenario")
    (folder / "units.geojson").unlink()
    value = {"absolute": str(outside / "units.geojson"),
             "dotdot": "../elsewhere/units.geojson",
             "symlink": "link/units.geojson",
             "windows": "C:/data/units.geojson"}[where]
    if where == "symlink":
        os.symlink(outside, folder / "link")
    (folder / "scenario.toml").write_text(data_toml(value), encoding="utf-8")
    found = [p for p in problems_of(folder) if p.field == "units"]
    assert len(found) == 1, found
    p = found[0]
    assert p.file == "scenario.toml" and p.record == "[data]" and p.value == value
    assert "scenario folder" in p.rule
    assert {"absolute": "absolute", "windows": "absolute", "dotdot": "'..'",
            "symlink": "symbolic link"}[where] in p.rule


def test_a_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path)
    (folder / "data").mkdir()
    (folder / "units.geojson").rename(folder / "data" / "units.geojson")
    os.symlink(folder / "data" / "units.geojson", folder / "u.geojson")
    (folder / "scenario.toml").write_text(data_toml("u.geojson"), encoding="utf-8")
    assert load_scenario(folder).n_units == 6


# --- (d) each [policy]/[costs] error on its own key ---------------------------------------
def with_table(tmp_path: Path, section: str, body: str) -> Path:
    return make_scenario(tmp_path, toml=toml_text(extra=f"\n[{section}]\n{body}\n"))


def test_negative_maximum_is_reported_on_its_own_key(tmp_path: Path) -> None:
    found = problems_of(with_table(tmp_path, "policy", "urban_max_households = -5"))
    assert [(p.field, p.value) for p in found] == [("urban_max_households", -5)]
    assert "SIZE-URBAN" in found[0].rule and "from 1 to" in found[0].rule


def test_min_above_max_names_both_keys(tmp_path: Path) -> None:
    found = problems_of(with_table(tmp_path, "policy", "rural_min_households = 1600"))
    assert len(found) == 1
    text = str(found[0])
    assert "rural_min_households=1600" in text and "rural_max_households=1500" in text
    assert "SIZE-RURAL" in text


@pytest.mark.parametrize("section,key,value,rule", [
    ("policy", "staff_max", "0", "STAFF-3-5"),
    ("policy", "facility_target_share", "1.5", "FACILITY-95"),
    ("policy", "volunteer_urban_share", "-0.1", "VOLUNTEER-15-10"),
    ("policy", "area_min_m2", "nan", "AREA-MIN"),
    ("policy", "household_size", "inf", "population"),
    ("costs", "urban_wage_yuan", "-1", "PAY-URBAN"),
    ("costs", "pay_other_ratio", "nan", "PAY-OTHER"),
    ("costs", "build_yuan_per_m2", "inf", "REMEDY"),
    ("costs", "committee_size_rural", "0", "PAY-RURAL"),
    ("costs", "discount_rate", "-0.5", "annuity"),
    ("objective", "moved_yuan_per_household", "nan", "minimal change"),
    ("objective", "distance_yuan_per_household_km", "1e200", "accessibility"),
    ("policy", "households_per_coordinator", "4611686018427387904", "COORD-300"),
])
def test_each_override_error_names_key_value_and_rule(tmp_path: Path, section: str, key: str,
                                                      value: str, rule: str) -> None:
    found = problems_of(with_table(tmp_path, section, f"{key} = {value}"))
    assert len(found) == 1, found
    p = found[0]
    assert (p.record, p.field) == (f"[{section}]", key)
    assert str(p.value) == str(float(value)) or str(p.value) == value
    assert rule in p.rule, p.rule


def test_every_parameter_has_a_range_and_a_rule() -> None:
    """A new field of Policy/Costs/ObjectiveWeights must say what it must be."""
    import dataclasses

    from optimizer.rules.costs import (
        COSTS_CHECKS,
        OBJECTIVE_CHECKS,
        YEAR_TABLES,
        Costs,
        ObjectiveWeights,
    )
    from optimizer.rules.policy import POLICY_CHECKS, Policy

    for cls, checks in ((Policy, POLICY_CHECKS), (Costs, COSTS_CHECKS),
                        (ObjectiveWeights, OBJECTIVE_CHECKS)):
        # year tables (wages by year) are checked pair by pair (Costs.problems)
        names = [f.name for f in dataclasses.fields(cls) if f.name not in YEAR_TABLES]
        assert names == list(checks), cls
        assert cls().problems() == []           # the defaults are in range


# --- (c) households out of range ------------------------------------------------------
@pytest.mark.parametrize("value,shown,text", [
    (1e18, "1e+18", "too large"),
    (10**30, "1000000000000000000000000000000", "too large"),
    (2.5, "2.5", "whole number"),
    (-3, "-3", "≥ 0"),
    (float("nan"), "nan", "NaN"),
    (float("inf"), "inf", "finite"),
    (True, "True", "true/false"),
])
def test_households_out_of_range_names_field_value_and_range(tmp_path: Path, value: Any,
                                                             shown: str, text: str) -> None:
    units = grid_units()
    units[1]["households"] = value
    found = problems_of(make_scenario(tmp_path, units=units))
    assert len(found) == 1, found
    p = found[0]
    assert (p.file, p.record, p.field) == ("units.geojson", "u2", "households")
    assert str(p.value) == shown
    assert text in p.rule, p.rule
    assert "a whole number from 0 to 2,147,483,647" in p.rule


def test_households_text_in_csv(tmp_path: Path) -> None:
    units = grid_units()
    units[0]["households"] = "1e18"
    units[1]["households"] = "12 户"
    found = {p.record: p for p in problems_of(make_scenario(tmp_path, units=units, fmt="csv"))}
    assert "plain number (digits, no exponent)" in found["u1"].rule and found["u1"].value == "1e18"
    assert "not a number" in found["u2"].rule and found["u2"].value == "12 户"


# --- (a) overlapping, duplicate and scattered unit geometries: warnings -----------------
def warnings_of(units: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    sc = load_scenario(make_scenario(tmp_path, units=units))
    return [str(w) for w in sc.warnings]


def test_duplicate_geometry_is_named(tmp_path: Path) -> None:
    units = grid_units()
    units[5]["geometry"] = units[4]["geometry"]            # u6 drawn as u5
    found = warnings_of(units, tmp_path)
    assert len(found) == 1
    assert found[0].startswith("units.geojson: u5: duplicate geometry")
    assert "unit u6" in found[0] and "10,000 m²" in found[0]


def test_overlap_names_both_units_area_and_share(tmp_path: Path) -> None:
    units = grid_units()
    units[1]["geometry"] = shapely.box(500_070, 3_700_100, 500_170, 3_700_200)  # u2 onto u1
    found = warnings_of(units, tmp_path)
    assert len(found) == 1
    assert "u1: overlaps unit u2 by 3,000 m² (30% of u1, 30% of u2)" in found[0]


def test_digitizing_noise_is_not_an_overlap(tmp_path: Path) -> None:
    units = grid_units()
    units[1]["geometry"] = shapely.box(500_099.99, 3_700_100, 500_200, 3_700_200)  # 1 m²
    assert warnings_of(units, tmp_path) == []


@pytest.mark.parametrize("dx,warned", [(50_000.0, True), (1_500.0, True), (200.0, False)])
def test_far_multipolygon_part(tmp_path: Path, dx: float, warned: bool) -> None:
    units = grid_units()
    square = units[2]["geometry"]
    units[2]["geometry"] = shapely.MultiPolygon([square, affinity.translate(
        shapely.box(*square.bounds).buffer(-40), xoff=dx)])
    found = warnings_of(units, tmp_path)
    assert bool(found) == warned, found
    if warned:
        assert len(found) == 1 and "u3" in found[0] and "part 2 of 2" in found[0]
        assert f"{(dx - 60) / 1000:,.1f} km" in found[0]      # the gap between the parts


def test_validate_prints_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from optimizer.cli.main import main

    units = grid_units()
    units[5]["geometry"] = units[4]["geometry"]
    assert main(["validate", str(make_scenario(tmp_path, units=units))]) == 0
    assert "Warning: units.geojson: u5: duplicate geometry" in capsys.readouterr().out


# --- beyond the list: named problems instead of silent nonsense -------------------------
@pytest.mark.parametrize("crs,kind", [("EPSG:4978", "Geocentric"), ("EPSG:5773", "Vertical")])
def test_a_crs_that_is_not_a_map_crs(tmp_path: Path, crs: str, kind: str) -> None:
    """EPSG:4978 was accepted and the metres read as geocentric x/y."""
    found = problems_of(make_scenario(tmp_path / "toml", toml=toml_text(crs=crs)))
    assert found[0].file == "scenario.toml" and found[0].field == "crs"
    assert kind in found[0].rule and "not a map CRS" in found[0].rule
    found = problems_of(make_scenario(tmp_path / "file", file_crs=crs))
    assert any(p.file == "units.geojson" and kind in p.rule for p in found)


def test_a_comma_inside_an_unquoted_value(tmp_path: Path) -> None:
    """Before: pandas took the surplus first column as an index and shifted every
    value: 's1 has unit_id=true, owned=missing, ...' for a price written 1,200,000."""
    folder = make_scenario(tmp_path, sites="site_id,unit_id,area_m2,owned,max_area_m2,"
                           "purchase_price_yuan\ns1,u1,300,true,600,\n"
                           "s2,u6,450,false,450,1,200,000\n")
    found = problems_of(folder)
    assert len(found) == 1
    assert (found[0].file, found[0].record) == ("sites.csv", "line 3")
    assert "8 fields but the header has 6" in found[0].rule and "double quotes" in found[0].rule


def test_a_toml_date_where_text_is_expected(tmp_path: Path) -> None:
    found = problems_of(with_table(tmp_path, "policy", "plan_deadline = 2013-03-31"))
    assert found[0].field == "plan_deadline" and "text in double quotes" in found[0].rule
    assert found[0].hint == 'write it in quotes: plan_deadline = "2013-03-31"'


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], True])
def test_unit_id_must_be_text_or_a_number(tmp_path: Path, value: Any) -> None:
    units = grid_units()
    units[2]["unit_id"] = value
    found = [p for p in problems_of(make_scenario(tmp_path, units=units))
             if p.file == "units.geojson"]
    assert [(p.record, p.field, p.value) for p in found] == [("row 3", "unit_id", value)]


def test_a_huge_value_is_cut_in_the_message() -> None:
    text = str(Problem("units.geojson", "is too large", record="u1", field="households",
                       value=10**400))
    assert len(text) < 200 and text.endswith("…; is too large")

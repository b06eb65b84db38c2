"""One test per kind of bad input: the ScenarioError names the file, the record and
the field. Fixture: the six-square grid of tests/helpers/scenarios.py::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban, u3 u6 rural
    +------+------+------+    s1 owned in u1, s2 for sale in u6
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shapely

from optimizer.errors import Problem, ScenarioError
from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, sites_csv, toml_text


def errors_of(folder: Path, **kw: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder, **kw)
    return info.value


def find(err: ScenarioError, file: str, record: str | None, field: str | None,
         text: str = "") -> Problem:
    """The problem naming exactly this file/record/field (and whose message says text);
    also checks that the printed error names them."""
    hits = [p for p in err.problems if p.file == file and p.record == record
            and p.field == field and text in str(p)]
    assert hits, f"no problem {file}/{record}/{field}/{text!r} in:\n{err}"
    shown = str(hits[0])
    for part in (file, record, field):
        if part is not None:
            assert part in shown and part in str(err)
    return hits[0]


def units_with(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The grid units with per-unit field changes, e.g. u2={"households": "abc"};
    a value of ... removes the field."""
    units = grid_units()
    for u in units:
        for key, value in changes.get(u["unit_id"], {}).items():
            if value is ...:
                u.pop(key, None)
            else:
                u[key] = value
    return units


# --- files and scenario.toml ----------------------------------------------------------
def test_folder_not_found(tmp_path: Path) -> None:
    err = errors_of(tmp_path / "nowhere")
    assert "not found" in str(err)


def test_missing_scenario_toml(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path)
    (folder / "scenario.toml").unlink()
    find(errors_of(folder), "scenario.toml", None, None, "not found")


def test_missing_units_and_sites_files_reported_together(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path)
    (folder / "units.geojson").unlink()
    (folder / "sites.csv").unlink()
    err = errors_of(folder)
    find(err, "units.geojson", None, None, "not found")
    find(err, "sites.csv", None, None, "not found")


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml='name = "x"\nyear = = 2013\n[data]\n')
    p = find(errors_of(folder), "scenario.toml", None, None, "TOML syntax")
    assert "line 2" in str(p)


def test_missing_data_table(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml='name = "x"\n')
    find(errors_of(folder), "scenario.toml", "[data]", None, "required")


def test_missing_and_unknown_data_keys(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml='[data]\nunit = "units.geojson"\n'
                           'sites = "sites.csv"\n')
    err = errors_of(folder)
    find(err, "scenario.toml", "[data]", "units", "required")
    assert "did you mean 'units'" in str(find(err, "scenario.toml", "[data]", "unit"))


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(extra="") + "")
    text = (folder / "scenario.toml").read_text().replace("year = 2014", "yaer = 2014")
    (folder / "scenario.toml").write_text(text)
    p = find(errors_of(folder), "scenario.toml", "(top level)", "yaer")
    assert "did you mean 'year'" in str(p)


def test_unknown_policy_key_suggests_nearest(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(
        extra="[policy]\nurban_max_household = 3500\n"))
    p = find(errors_of(folder), "scenario.toml", "[policy]", "urban_max_household")
    assert "urban_max_households" in str(p)


def test_bad_config_types(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(
        extra='[costs]\nbuild_yuan_per_m2 = "cheap"\n[solver]\nworkers = 2.5\n') + "")
    text = (folder / "scenario.toml").read_text().replace("year = 2014", 'year = "2014"')
    (folder / "scenario.toml").write_text(text)
    err = errors_of(folder)
    find(err, "scenario.toml", "[costs]", "build_yuan_per_m2", "must be a number")
    find(err, "scenario.toml", "[solver]", "workers", "must be a whole number")
    find(err, "scenario.toml", "(top level)", "year")


def test_policy_inconsistency(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(
        extra="[policy]\nrural_min_households = 1600\n"))
    p = find(errors_of(folder), "scenario.toml", "[policy]", "rural_min_households")
    assert "SIZE-RURAL" in str(p)


def test_locks_must_be_a_table(tmp_path: Path) -> None:
    text = toml_text().replace('name = "tiny"', 'name = "tiny"\nlocks = 3')
    find(errors_of(make_scenario(tmp_path, toml=text)), "scenario.toml", "[locks]", "locks")


def test_bad_crs_string(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(crs="EPSG:999999"))
    find(errors_of(folder), "scenario.toml", "(top level)", "crs", "CRS")


def test_no_crs_anywhere(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, fmt="csv", toml=toml_text("units.csv", crs=None))
    find(errors_of(folder), "units.csv", None, None, "no CRS")


def test_projected_coordinates_with_geographic_crs(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(crs="EPSG:4326"))
    find(errors_of(folder), "units.geojson", None, None, "not longitude/latitude")


# --- units --------------------------------------------------------------------------
def test_missing_required_column(tmp_path: Path) -> None:
    units = [{k: v for k, v in u.items() if k != "kind"} for u in grid_units()]
    find(errors_of(make_scenario(tmp_path, units=units)), "units.geojson", None, None,
         "'kind' is missing")


def test_missing_unit_id(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u3={"unit_id": ""}))
    find(errors_of(folder), "units.geojson", "row 3", "unit_id")


@pytest.mark.parametrize("value", [False, [1, 2], {"a": 1}])
def test_an_id_that_is_no_id_names_the_row_in_every_problem(tmp_path: Path,
                                                            value: Any) -> None:
    # the fuzz run: "False has households=missing" named a record by a JSON false
    folder = make_scenario(tmp_path, units=units_with(u3={"unit_id": value,
                                                          "households": None}))
    err = errors_of(folder)
    find(err, "units.geojson", "row 3", "unit_id", "text or a whole number")
    find(err, "units.geojson", "row 3", "households", "required")
    assert all(p.record in {"row 3", None} for p in err.problems), err


def test_duplicate_unit_ids(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u5={"unit_id": "u2"}))
    p = find(errors_of(folder), "units.geojson", "u2", "unit_id", "unique")
    assert "2, 5" in str(p)


@pytest.mark.parametrize("value,text", [
    (None, "required"), (-5, "≥ 0"), ("2.5", "whole number"), ("abc", "whole number"),
    (2.5, "whole number"), (True, "whole number"), ("", "required")])
def test_bad_households_geojson(tmp_path: Path, value: Any, text: str) -> None:
    folder = make_scenario(tmp_path, units=units_with(u4={"households": value}))
    find(errors_of(folder), "units.geojson", "u4", "households", text)


@pytest.mark.parametrize("value", ["2.5", "abc", "-1", "1e3", " ", "nan"])
def test_bad_households_csv(tmp_path: Path, value: str) -> None:
    folder = make_scenario(tmp_path, units=units_with(u6={"households": value}), fmt="csv",
                           toml=toml_text("units.csv"))
    find(errors_of(folder), "units.csv", "u6", "households")


def test_kind_not_urban_or_rural(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u1={"kind": "Urban"}, u2={"kind": None}))
    err = errors_of(folder)
    assert "did you mean 'urban'" in str(find(err, "units.geojson", "u1", "kind"))
    find(err, "units.geojson", "u2", "kind")


def test_county_and_street_missing(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u2={"county": ""}, u3={"street": None}))
    err = errors_of(folder)
    find(err, "units.geojson", "u2", "county", "NESTING")
    find(err, "units.geojson", "u3", "street", "NESTING")


def test_boolean_columns_must_be_true_or_false(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u1={"new_development": "yes"},
                                                      u2={"no_build": 1}))
    err = errors_of(folder)
    find(err, "units.geojson", "u1", "new_development", "true or false")
    find(err, "units.geojson", "u2", "no_build", "true or false")


def test_empty_and_missing_geometry(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u2={"geometry": shapely.Polygon()},
                                                      u3={"geometry": None}))
    err = errors_of(folder)
    find(err, "units.geojson", "u2", "geometry", "empty")
    find(err, "units.geojson", "u3", "geometry", "required")


def test_non_polygon_geometry(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(
        u5={"geometry": shapely.Point(500_150, 3_700_050)}))
    p = find(errors_of(folder), "units.geojson", "u5", "geometry", "Polygon or MultiPolygon")
    assert p.value == "Point"


def test_invalid_geometry_without_repair_lists_ids_and_the_flag(tmp_path: Path) -> None:
    x, y = 500_000.0, 3_700_100.0
    bowtie = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100)])
    folder = make_scenario(tmp_path, units=units_with(u1={"geometry": bowtie}))
    err = errors_of(folder)
    p = find(err, "units.geojson", "u1", "geometry", "invalid")
    assert "--repair" in str(p) and "Self-intersection" in str(p)
    assert any("--repair" in str(q) and "(u1)" in str(q) for q in err.problems)
    assert load_scenario(folder, repair=True).geometry is not None


def test_bad_wkt_in_csv(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=units_with(u4={"geometry": "POLYGON((0 0, 1"}),
                           fmt="csv", toml=toml_text("units.csv"))
    find(errors_of(folder), "units.csv", "u4", "geometry", "not valid WKT")


def test_unreadable_units_file(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path)
    (folder / "units.geojson").write_text("{not json", encoding="utf-8")
    find(errors_of(folder), "units.geojson", None, None, "cannot be read")


def test_units_gpkg_without_geometry(tmp_path: Path) -> None:
    import pandas as pd
    import pyogrio

    folder = make_scenario(tmp_path, toml=toml_text("units.gpkg"))
    pyogrio.write_dataframe(pd.DataFrame({"unit_id": ["u1"]}), folder / "units.gpkg")
    find(errors_of(folder), "units.gpkg", None, None, "no geometry column")


def test_gpkg_with_several_layers_needs_the_units_layer(tmp_path: Path) -> None:
    import geopandas as gpd

    folder = make_scenario(tmp_path, fmt="gpkg", toml=toml_text("data.gpkg"))
    units = gpd.read_file(folder / "units.gpkg")
    roads = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:32651")
    units.to_file(folder / "data.gpkg", layer="parcels")
    roads.to_file(folder / "data.gpkg", layer="roads")
    find(errors_of(folder), "data.gpkg", None, None, "2 layers (parcels, roads)")
    units.to_file(folder / "data.gpkg", layer="data")     # the layer named like the file
    assert load_scenario(folder).n_units == 6


def test_units_file_without_features(tmp_path: Path) -> None:
    find(errors_of(make_scenario(tmp_path, units=[])), "units.geojson", None, None,
         "no features")


# --- sites --------------------------------------------------------------------------
def sites_folder(tmp_path: Path, rows: list[str]) -> Path:
    return make_scenario(tmp_path, sites=sites_csv(rows))


def test_missing_and_duplicate_site_ids(tmp_path: Path) -> None:
    err = errors_of(sites_folder(tmp_path, [",u1,300,true,600,", "s2,u1,300,true,600,",
                                            "s2,u2,300,true,600,"]))
    find(err, "sites.csv", "row 1", "site_id")
    find(err, "sites.csv", "s2", "site_id", "unique")


def test_site_in_unknown_unit(tmp_path: Path) -> None:
    p = find(errors_of(sites_folder(tmp_path, ["s1,u9,300,true,600,"])), "sites.csv", "s1",
             "unit_id", "must name a unit")
    assert p.value == "u9"


@pytest.mark.parametrize("value,text", [("-3", "≥ 0"), ("big", "number"), ("", "required")])
def test_bad_site_area(tmp_path: Path, value: str, text: str) -> None:
    err = errors_of(sites_folder(tmp_path, [f"s1,u1,{value},true,600,"]))
    find(err, "sites.csv", "s1", "area_m2", text)


def test_max_area_below_area(tmp_path: Path) -> None:
    p = find(errors_of(sites_folder(tmp_path, ["s1,u1,500,true,450,"])), "sites.csv", "s1",
             "max_area_m2", "≥ area_m2")
    assert p.value == 450.0


def test_price_on_owned_site(tmp_path: Path) -> None:
    find(errors_of(sites_folder(tmp_path, ["s1,u1,300,true,600,100000"])), "sites.csv", "s1",
         "purchase_price_yuan", "owned")


def test_missing_price_on_site_for_sale(tmp_path: Path) -> None:
    find(errors_of(sites_folder(tmp_path, ["s2,u6,450,false,450,"])), "sites.csv", "s2",
         "purchase_price_yuan", "required")


def test_owned_not_boolean(tmp_path: Path) -> None:
    err = errors_of(sites_folder(tmp_path, ["s1,u1,300,maybe,600,", "s3,u2,300,,600,"]))
    find(err, "sites.csv", "s1", "owned", "true or false")
    find(err, "sites.csv", "s3", "owned", "required")


def test_sites_missing_column(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, sites="site_id,unit_id,area,owned,max_area_m2\n")
    p = find(errors_of(folder), "sites.csv", None, None, "'area_m2' is missing")
    assert "did you mean" in str(p)


# --- barriers -----------------------------------------------------------------------
def test_barrier_not_a_line(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, barriers=[
        shapely.LineString([(500_100, 3_700_120), (500_100, 3_700_300)]),
        shapely.box(500_000, 3_700_000, 500_010, 3_700_010)])
    find(errors_of(folder), "barriers.geojson", "b2", "geometry", "LineString")


def test_missing_barrier_file(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, toml=toml_text(barriers="river.geojson"))
    find(errors_of(folder), "river.geojson", None, None, "not found")


# --- everything at once -------------------------------------------------------------
def test_several_problems_reported_together(tmp_path: Path) -> None:
    folder = make_scenario(
        tmp_path, units=units_with(u1={"households": "abc"}, u2={"kind": "town"},
                                   u3={"geometry": shapely.Point(0, 0)}),
        sites=sites_csv(["s1,u1,300,true,200,", "s2,u7,450,false,450,"]),
        toml=toml_text(extra="[solver]\ntime_limt_s = 5\n"))
    err = errors_of(folder)
    find(err, "units.geojson", "u1", "households")
    find(err, "units.geojson", "u2", "kind")
    find(err, "units.geojson", "u3", "geometry")
    find(err, "sites.csv", "s1", "max_area_m2")
    find(err, "sites.csv", "s2", "unit_id")
    find(err, "sites.csv", "s2", "purchase_price_yuan")
    find(err, "scenario.toml", "[solver]", "time_limt_s")
    assert len(err.problems) == 7
    assert str(err).startswith("7 problems in the scenario:")

"""Loading valid scenario folders: every format, CRS handling, overrides, barriers.

The fixture is the six-square grid drawn in tests/helpers/scenarios.py::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban, u3 u6 rural, 100 m squares
    +------+------+------+
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, toml_text

GRID_EDGES = [[0, 1], [0, 3], [1, 2], [1, 4], [2, 5], [3, 4], [4, 5]]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "csv"])
def test_every_format_loads_the_same_scenario(tmp_path: Path, fmt: str) -> None:
    folder = make_scenario(tmp_path / fmt, fmt=fmt,
                           file_crs="EPSG:32651" if fmt != "geojson" else None)
    sc = load_scenario(folder)
    assert sc.unit_ids == ("u1", "u2", "u3", "u4", "u5", "u6")   # file order
    assert sc.households.tolist() == [100, 200, 300, 400, 500, 600]
    assert sc.urban.tolist() == [True, True, False, True, True, False]
    assert sc.county == ("C1",) * 6 and sc.street == ("S1",) * 6
    assert sc.current_community == ("old-A",) * 3 + ("old-B",) * 3
    assert sc.new_development is not None and sc.new_development.tolist() == [
        False, True, False, False, False, False]
    assert sc.no_build is not None and sc.no_build.tolist() == [
        False, False, False, False, True, False]
    assert sc.edges.tolist() == GRID_EDGES
    assert sc.cut_edges.shape == (0, 2)
    np.testing.assert_allclose(sc.area_m2, 10_000.0)
    np.testing.assert_allclose(sc.x[:3], [500_050.0, 500_150.0, 500_250.0])
    np.testing.assert_allclose(sc.y[:3], 3_700_150.0)
    assert sc.geometry is not None and sc.geometry.crs == "EPSG:32651"
    assert sc.name == "tiny" and sc.year == 2014
    assert sc.sites.site_ids == ("s1", "s2")
    assert sc.sites.unit.tolist() == [0, 5]
    assert sc.sites.owned.tolist() == [True, False]
    assert sc.sites.area_m2.tolist() == [300.0, 450.0]
    assert sc.sites.max_area_m2.tolist() == [600.0, 450.0]
    assert np.isnan(sc.sites.price_yuan[0]) and sc.sites.price_yuan[1] == 900_000.0
    assert not sc.households.flags.writeable


@pytest.mark.parametrize("epsg", [4326, 4490])
def test_geographic_crs_is_projected_to_metres(tmp_path: Path, epsg: int) -> None:
    """The same 100 m squares written in lon/lat (WGS84 or CGCS2000) come back as
    ~10,000 m² units in a UTM zone, with the same neighbours."""
    to_geo = Transformer.from_crs("EPSG:32651", f"EPSG:{epsg}", always_xy=True)
    units = grid_units()
    for u in units:
        u["geometry"] = shapely.transform(u["geometry"], lambda xy: np.column_stack(
            to_geo.transform(xy[:, 0], xy[:, 1])))
    folder = make_scenario(tmp_path, units=units, fmt="gpkg", file_crs=f"EPSG:{epsg}")
    sc = load_scenario(folder)
    assert sc.geometry is not None
    crs = CRS.from_user_input(sc.geometry.crs)
    assert crs.is_projected and crs.axis_info[0].unit_name == "metre"
    np.testing.assert_allclose(sc.area_m2, 10_000.0, rtol=2e-3)
    assert sc.edges.tolist() == GRID_EDGES
    assert 400_000 < sc.x[0] < 600_000     # a UTM easting, not a longitude


def test_geojson_without_crs_member_uses_scenario_crs(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, file_crs=None)   # coordinates in metres, no "crs"
    assert load_scenario(folder).geometry.crs == "EPSG:32651"  # type: ignore[union-attr]


def test_geojson_in_lonlat_without_any_crs_is_rfc7946(tmp_path: Path) -> None:
    to_geo = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
    units = grid_units()
    for u in units:
        u["geometry"] = shapely.transform(u["geometry"], lambda xy: np.column_stack(
            to_geo.transform(xy[:, 0], xy[:, 1])))
    folder = make_scenario(tmp_path, units=units, toml=toml_text(crs=None))
    sc = load_scenario(folder)
    np.testing.assert_allclose(sc.area_m2, 10_000.0, rtol=2e-3)


def test_barrier_cuts_a_pair(tmp_path: Path) -> None:
    """A river along x = 500_100 from y = 3_700_100 up separates u1 from u2 only."""
    river = shapely.LineString([(500_100, 3_700_120), (500_100, 3_700_300)])
    sc = load_scenario(make_scenario(tmp_path, barriers=[river]))
    assert sc.cut_edges.tolist() == [[0, 1]]
    assert [0, 1] not in sc.edges.tolist() and len(sc.edges) == 6
    assert sc.geometry is not None and len(sc.geometry.barriers) == 1


def test_header_only_sites_and_overrides_and_locks(tmp_path: Path) -> None:
    extra = ("\n[policy]\nurban_max_households = 3500\n[costs]\nbuild_yuan_per_m2 = 2500\n"
             "[objective]\ncut_edge_yuan = 1.5\n[solver]\ntime_limit_s = 5\nseed = 7\n"
             "[locks]\nkeep_together = [[\"u1\", \"u2\"]]\n")
    folder = make_scenario(tmp_path, sites="site_id,unit_id,area_m2,owned,max_area_m2,"
                           "purchase_price_yuan\n", toml=toml_text(extra=extra))
    sc = load_scenario(folder)
    assert len(sc.sites) == 0
    assert sc.policy.urban_max_households == 3500
    assert sc.costs.build_yuan_per_m2 == 2500.0
    assert sc.objective.cut_edge_yuan == 1.5
    assert sc.solver.time_limit_s == 5.0 and sc.solver.seed == 7
    assert sc.locks == {"keep_together": [["u1", "u2"]]}


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    units = [{k: v for k, v in u.items()
              if k not in ("current_community", "new_development", "no_build")}
             for u in grid_units()]
    sc = load_scenario(make_scenario(tmp_path, units=units))
    assert sc.current_community is None and sc.new_development is None and sc.no_build is None


def test_csv_booleans_any_case_and_integral_floats(tmp_path: Path) -> None:
    units = grid_units()
    units[0]["households"] = "100.0"
    units[1]["new_development"] = "TRUE"
    units[2]["no_build"] = ""           # optional flag left empty: false
    sc = load_scenario(make_scenario(tmp_path, units=units, fmt="csv"))
    assert sc.households[0] == 100
    assert sc.new_development is not None and sc.new_development[1]
    assert sc.no_build is not None and not sc.no_build[2]


def test_repair_fixes_a_bowtie_and_notes_the_id(tmp_path: Path) -> None:
    units = grid_units()
    x, y = 500_000.0, 3_700_100.0
    units[0]["geometry"] = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y),
                                            (x, y + 100)])   # self-crossing bowtie
    sc = load_scenario(make_scenario(tmp_path, units=units), repair=True)
    assert sc.geometry is not None and sc.geometry.units[0].is_valid
    assert sc.area_m2[0] == pytest.approx(5_000.0)
    assert len(sc.notes) == 1 and "u1" in sc.notes[0] and "make_valid" in sc.notes[0]


def test_the_public_api_loads_a_scenario(tmp_path: Path) -> None:
    import optimizer

    assert optimizer.load_scenario(str(make_scenario(tmp_path))).n_units == 6

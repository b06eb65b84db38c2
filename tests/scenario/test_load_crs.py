"""Issue 14, item 10: the same data in any CRS gives the same neighbour graph and the
same diagnosis; coordinates that cannot be in the CRS they claim are refused with the
likely fix. The metric CRS is the UTM zone of the data (optimizer/geo/crs.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely import affinity

from optimizer.errors import ScenarioError
from optimizer.geo.crs import region_crs, utm_zone_crs
from optimizer.graph import diagnose
from optimizer.scenario.load import load_scenario
from tests.helpers.paths import DEMO
from tests.helpers.scenarios import grid_units, make_scenario, toml_text


def _move(coords: Any, tf: Transformer) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        x, y = tf.transform(coords[0], coords[1])
        return [x, y]
    return [_move(c, tf) for c in coords]


def reprojected_demo(folder: Path, epsg: int) -> Path:
    """The demo with units, barriers and scenario.toml's crs in EPSG:``epsg``, as a
    planner would get it from a GIS: every vertex moved, coordinates at full precision."""
    folder.mkdir()
    tf = Transformer.from_crs("EPSG:32651", f"EPSG:{epsg}", always_xy=True)
    for name in ("units.geojson", "barriers.geojson"):
        doc = json.loads((DEMO / name).read_text(encoding="utf-8"))
        doc["crs"] = {"type": "name", "properties": {"name": f"EPSG:{epsg}"}}
        for f in doc["features"]:
            f["geometry"]["coordinates"] = _move(f["geometry"]["coordinates"], tf)
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    (folder / "sites.csv").write_bytes((DEMO / "sites.csv").read_bytes())
    toml = (DEMO / "scenario.toml").read_text(encoding="utf-8")
    assert 'crs = "EPSG:32651"' in toml
    (folder / "scenario.toml").write_text(toml.replace('crs = "EPSG:32651"',
                                                      f'crs = "EPSG:{epsg}"'), encoding="utf-8")
    return folder


def diagnosis(sc: Any) -> list[tuple[str, str, str | None]]:
    return [(d.rule, d.message, d.relaxation) for d in diagnose(sc)]


@pytest.fixture(scope="module")
def demo() -> Any:
    return load_scenario(DEMO)


# 4326: WGS 84 lon/lat; 4490: CGCS2000 lon/lat; 3857: web maps; 32650: the UTM zone
# next door; 4528: CGCS2000 3-degree Gauss-Kruger zone 40 (Chinese survey data)
@pytest.mark.parametrize("epsg", [4326, 4490, 3857, 32650, 4528])
def test_demo_gives_the_same_graph_and_diagnosis_in_any_crs(tmp_path: Path, demo: Any,
                                                            epsg: int) -> None:
    other = load_scenario(reprojected_demo(tmp_path / str(epsg), epsg))
    assert other.geometry is not None and demo.geometry is not None
    assert other.geometry.crs == demo.geometry.crs == "EPSG:32650"   # Jianhu, 119.75°E
    assert other.edges.tolist() == demo.edges.tolist()
    assert other.cut_edges.tolist() == demo.cut_edges.tolist()
    assert diagnosis(other) == diagnosis(demo)
    np.testing.assert_allclose(other.x, demo.x, atol=1e-3)
    np.testing.assert_allclose(other.y, demo.y, atol=1e-3)
    np.testing.assert_allclose(other.area_m2, demo.area_m2, rtol=1e-9)


def test_region_crs_is_the_utm_zone_of_the_data() -> None:
    assert utm_zone_crs(119.75, 33.4) == CRS.from_epsg(32650)
    assert utm_zone_crs(120.01, 33.4) == CRS.from_epsg(32651)
    assert utm_zone_crs(-70.6, -33.4) == CRS.from_epsg(32719)       # Santiago
    square = np.array([shapely.box(119.7, 33.4, 119.8, 33.5)], dtype=object)
    assert region_crs(square, CRS.from_epsg(4326)) == CRS.from_epsg(32650)
    assert region_crs(np.array([shapely.box(0, 0, 1e12, 1e12)], dtype=object),
                      CRS.from_epsg(32651)) is None                  # not on Earth


def lonlat_units() -> list[dict[str, Any]]:
    tf = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
    units = grid_units()
    for u in units:
        u["geometry"] = shapely.transform(u["geometry"], lambda xy: np.column_stack(
            tf.transform(xy[:, 0], xy[:, 1])))
    return units


def only_problem(folder: Path) -> Any:
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    assert len(info.value.problems) == 1, info.value
    return info.value.problems[0]


def test_degrees_under_a_metric_crs_are_refused_with_the_fix(tmp_path: Path) -> None:
    """Before: 0 neighbours, then "no plan at all"."""
    p = only_problem(make_scenario(tmp_path, units=lonlat_units()))   # toml: EPSG:32651
    assert p.file == "units.geojson"
    assert "look like longitude/latitude" in p.rule and "EPSG:32651" in p.rule
    assert "crs in scenario.toml" in p.rule
    assert p.hint is not None and 'set crs = "EPSG:4326" in scenario.toml' in p.hint


def test_degrees_under_a_metric_crs_declared_by_the_file(tmp_path: Path) -> None:
    p = only_problem(make_scenario(tmp_path, units=lonlat_units(), fmt="gpkg",
                                   file_crs="EPSG:32651"))
    assert "declared by the file" in p.rule and p.hint is not None and "EPSG:4326" in p.hint


def test_degree_barriers_under_a_metric_crs(tmp_path: Path) -> None:
    river = shapely.LineString([(123.0, 33.4), (123.01, 33.41)])
    p = only_problem(make_scenario(tmp_path, barriers=[river]))
    assert p.file == "barriers.geojson" and "look like longitude/latitude" in p.rule


@pytest.mark.parametrize("offset,expect", [(0.0, "UTM zone"),
                                           (40_000_000.0, "EPSG:4528"),     # GK zone 40
                                           (20_000_000.0, "EPSG:4498")])    # GK 6° zone 20
def test_metres_under_a_geographic_crs_suggest_the_likely_crs(tmp_path: Path, offset: float,
                                                              expect: str) -> None:
    units = grid_units()
    for u in units:
        u["geometry"] = affinity.translate(u["geometry"], xoff=offset)
    p = only_problem(make_scenario(tmp_path, units=units, toml=toml_text(crs="EPSG:4326")))
    assert "not longitude/latitude" in p.rule and "crs in scenario.toml" in p.rule
    assert p.hint is not None and expect in p.hint


def test_coordinates_outside_the_crs_area(tmp_path: Path) -> None:
    units = grid_units()
    units[0]["geometry"] = shapely.box(1e12, 1e12, 1e12 + 100, 1e12 + 100)
    p = only_problem(make_scenario(tmp_path, units=units))
    assert p.file == "units.geojson" and "outside the area" in p.rule

"""The scenario generator: determinism, preset sizes, valid fields, tiling, sites,
barriers, and the one deliberately impossible piece (the island village).

The city preset (40,000 units, ~7 s) runs only with RUN_SLOW=1.
"""

from __future__ import annotations

import csv
import json
import os
import tomllib
from pathlib import Path

import numpy as np
import pytest
import shapely

from optimizer.geo.neighbours import neighbour_edges
from optimizer.synth.voronoi.generate import generate
from tests.helpers.paths import ROOT

FILES = ("scenario.toml", "units.geojson", "sites.csv", "barriers.geojson")
TARGETS = {"town": (300, 20_000), "county": (3_000, 250_000), "city": (40_000, 2_400_000)}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("town", 5, tmp_path_factory.mktemp("town"))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("county", 3, tmp_path_factory.mktemp("county"))


def _units(folder: Path) -> list[dict]:
    return json.loads((folder / "units.geojson").read_text(encoding="utf-8"))["features"]


def _sites(folder: Path) -> list[dict[str, str]]:
    with open(folder / "sites.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_same_seed_same_bytes_other_seed_other_bytes(town: Path, tmp_path: Path) -> None:
    again = generate("town", 5, tmp_path / "again")
    other = generate("town", 6, tmp_path / "other")
    for name in FILES:
        assert (town / name).read_bytes() == (again / name).read_bytes(), name
    assert (town / "units.geojson").read_bytes() != (other / "units.geojson").read_bytes()


def test_unknown_preset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        generate("village", 1, tmp_path)


@pytest.mark.parametrize("preset", ["town", "county"])
def test_preset_sizes_within_15_percent(preset: str, town: Path, county: Path) -> None:
    folder = town if preset == "town" else county
    feats = _units(folder)
    n_target, hh_target = TARGETS[preset]
    households = sum(f["properties"]["households"] for f in feats)
    assert abs(len(feats) - n_target) <= 0.15 * n_target
    assert abs(households - hh_target) <= 0.15 * hh_target


@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="slow: set RUN_SLOW=1")
def test_city_preset_size(tmp_path: Path) -> None:
    folder = generate("city", 1, tmp_path)
    feats = _units(folder)
    households = sum(f["properties"]["households"] for f in feats)
    assert abs(len(feats) - 40_000) <= 6_000 and abs(households - 2_400_000) <= 360_000
    assert len({f["properties"]["county"] for f in feats}) == 9


def test_scenario_toml_and_crs(town: Path) -> None:
    cfg = tomllib.loads((town / "scenario.toml").read_text(encoding="utf-8"))
    assert cfg["crs"] == "EPSG:32651" and cfg["year"] == 2013 and cfg["name"]
    assert cfg["data"] == {"units": "units.geojson", "sites": "sites.csv",
                           "barriers": "barriers.geojson"}
    assert cfg["solver"]["time_limit_s"] > 0
    for name in ("units.geojson", "barriers.geojson"):
        doc = json.loads((town / name).read_text(encoding="utf-8"))
        assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32651"


def test_unit_fields_are_complete_and_valid(county: Path) -> None:
    feats = _units(county)
    ids = [f["properties"]["unit_id"] for f in feats]
    assert len(set(ids)) == len(ids) and ids == sorted(ids)
    for f in feats:
        p = f["properties"]
        assert isinstance(p["households"], int) and p["households"] >= 0, p
        assert p["kind"] in ("urban", "rural") and p["county"] == "Jianhu"
        assert p["street"].endswith((" Street", " Town")) and p["current_community"]
        assert isinstance(p["new_development"], bool) and isinstance(p["no_build"], bool)
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        lo, hi = (100, 2500) if p["kind"] == "urban" else (20, 300)
        assert p["households"] == 0 and p["no_build"] or lo <= p["households"] <= hi, p
        # everything around Yancheng in UTM 51N
        x, y = f["geometry"]["coordinates"][0][0][:2] if f["geometry"]["type"] == "Polygon" \
            else f["geometry"]["coordinates"][0][0][0][:2]
        assert 150_000 < x < 320_000 and 3_600_000 < y < 3_820_000
    props = [f["properties"] for f in feats]
    assert any(p["new_development"] for p in props) and any(p["no_build"] for p in props)
    assert not any(p["street"].endswith(" Street") and p["kind"] == "rural" for p in props)
    streets = {p["street"] for p in props}
    assert len([s for s in streets if s.endswith(" Town")]) >= 10


def test_units_tile_without_overlaps_or_gaps(county: Path) -> None:
    geoms = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in _units(county)])
    assert shapely.is_valid(geoms).all()
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() - union.area < 1.0           # m², rounding only
    assert union.geom_type == "Polygon" and len(union.interiors) == 0


def test_today_communities_break_the_2013_sizes(county: Path) -> None:
    sizes: dict[tuple[str, str], int] = {}
    for f in _units(county):
        p = f["properties"]
        key = (p["current_community"], p["kind"])
        sizes[key] = sizes.get(key, 0) + p["households"]
    urban = [h for (_, k), h in sizes.items() if k == "urban"]
    rural = [h for (_, k), h in sizes.items() if k == "rural"]
    assert sum(h < 2000 for h in urban) >= 3 and sum(h > 3000 for h in urban) >= 3
    assert sum(h < 1000 for h in rural) >= 3 and sum(h > 1500 for h in rural) >= 3


def test_today_communities_are_connected(county: Path) -> None:
    import networkx as nx

    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(str(county))
    assert scenario.current_community is not None
    graph = nx.Graph()
    graph.add_edges_from(scenario.edges.tolist())
    members: dict[str, list[int]] = {}
    for i, c in enumerate(scenario.current_community):
        members.setdefault(str(c), []).append(i)
    for c, units in members.items():
        sub = graph.subgraph(units)
        assert len(units) == 1 or (sub.number_of_nodes() == len(units)
                                   and nx.is_connected(sub)), c


def test_sites_reference_units_and_prices_follow_ownership(county: Path) -> None:
    unit_ids = {f["properties"]["unit_id"] for f in _units(county)}
    sites = _sites(county)
    assert len({s["site_id"] for s in sites}) == len(sites)
    owned = [s for s in sites if s["owned"] == "true"]
    for_sale = [s for s in sites if s["owned"] == "false"]
    assert len(owned) + len(for_sale) == len(sites) and for_sale
    for s in sites:
        assert s["unit_id"] in unit_ids
        assert float(s["max_area_m2"]) >= float(s["area_m2"]) >= 0
    assert all(s["purchase_price_yuan"] == "" for s in owned)
    for s in for_sale:
        per_m2 = float(s["purchase_price_yuan"]) / float(s["area_m2"])
        assert 2_900 <= per_m2 <= 6_100
    assert sum(float(s["area_m2"]) < 400 for s in owned) > 0.8 * len(owned)
    assert any(float(s["max_area_m2"]) < 400 for s in owned)     # some can never reach it


def test_barriers_cut_neighbour_pairs(town: Path) -> None:
    units = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in _units(town)])
    doc = json.loads((town / "barriers.geojson").read_text(encoding="utf-8"))
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert kinds == {"river", "railway"}
    lines = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in doc["features"]])
    edges, cut = neighbour_edges(units, lines)
    assert len(cut) >= 10 and len(edges) > len(units)


def test_demo_is_the_town_preset_seed_2013(tmp_path: Path) -> None:
    fresh = generate("town", 2013, tmp_path)
    for name in FILES:
        assert (ROOT / "scenarios" / "demo" / name).read_bytes() == (fresh / name).read_bytes(), \
            f"scenarios/demo/{name} is stale: rerun the command in scenarios/README.md"


def test_demo_and_county_load(county: Path) -> None:
    from optimizer.scenario.load import load_scenario

    demo = load_scenario(str(ROOT / "scenarios" / "demo"))
    assert demo.n_units > 250 and len(demo.sites) > 0 and demo.current_community is not None
    big = load_scenario(str(county))
    assert big.n_units > 2500 and len(big.cut_edges) > 0


@pytest.mark.parametrize("seed", [5, 2013])
def test_town_has_exactly_one_impossible_piece_the_island_village(seed: int,
                                                                  tmp_path: Path) -> None:
    from optimizer.graph import diagnose
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(str(generate("town", seed, tmp_path)))
    found = diagnose(scenario)
    assert len(found) == 1
    d = found[0]
    assert d.rule == "SIZE-RURAL" and d.reason == "cut-off" and d.key[2] == "rural"
    assert d.key[1].endswith(" Town") and 0 < d.households < 1000 and len(d.units) >= 3

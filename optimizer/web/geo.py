"""The scenario's own geometry for the browser map, in longitude/latitude.

No tiles and no basemap: the map draws the units (coloured by community in the
page), the street/town and county borders and the barriers, transformed from the
scenario's metric CRS to EPSG:4326 with pyproj. Built once per scenario.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping

from optimizer.scenario.model import Scenario

DECIMALS = 6     # about 0.1 m


def _to_lonlat(geoms: np.ndarray, crs: str) -> np.ndarray:
    tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def fn(xy: np.ndarray) -> np.ndarray:
        lon, lat = tr.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), DECIMALS)

    return np.asarray(shapely.transform(geoms, fn), dtype=object)


def _feature(geom: Any, props: dict[str, Any]) -> dict[str, Any]:
    gj = mapping(geom) if geom is not None and not geom.is_empty else None
    return {"type": "Feature", "properties": props, "geometry": gj}


def map_layers(s: Scenario) -> dict[str, Any]:
    """Units, borders, barriers and sites as GeoJSON, plus the bounds."""
    if s.geometry is None:
        raise ValueError("the scenario has no geometry to draw")
    crs = s.geometry.crs
    units = _to_lonlat(s.geometry.units, crs)
    pts = _to_lonlat(shapely.points(np.column_stack([s.x, s.y])), crs)
    # Touching units, across barriers too: the page colours neighbours apart.
    touch: list[list[int]] = [[] for _ in range(s.n_units)]
    for a, b in np.concatenate([s.edges, s.cut_edges]).tolist():
        touch[a].append(b)
        touch[b].append(a)
    unit_features = []
    for i, g in enumerate(units):
        p = pts[i]
        unit_features.append(_feature(g, {
            "i": i, "id": s.unit_ids[i], "households": int(s.households[i]),
            "kind": s.kind(i), "county": s.county[i], "street": s.street[i],
            "pt": [float(p.x), float(p.y)], "nb": sorted(touch[i]),
            "no_build": s.is_no_build(i), "new_development": s.is_new_development(i)}))
    streets: dict[tuple[str, str], list[int]] = {}
    counties: dict[str, list[int]] = {}
    for i in range(s.n_units):
        streets.setdefault((s.county[i], s.street[i]), []).append(i)
        counties.setdefault(s.county[i], []).append(i)
    geoms = s.geometry.units

    def border(idx: list[int]) -> Any:
        merged = shapely.union_all(shapely.buffer(geoms[idx], 0.05))
        return _to_lonlat(np.array([shapely.boundary(merged)], dtype=object), crs)[0]

    street_features = [_feature(border(idx), {"county": c, "street": st})
                       for (c, st), idx in sorted(streets.items())]
    county_features = [_feature(border(idx), {"county": c})
                       for c, idx in sorted(counties.items())]
    barriers: Any = _to_lonlat(s.geometry.barriers, crs) if len(s.geometry.barriers) else []
    sites = s.sites
    site_features = []
    for k, sid in enumerate(sites.site_ids):
        p = pts[int(sites.unit[k])]
        site_features.append({"type": "Feature", "geometry": mapping(p), "properties": {
            "id": sid, "unit": s.unit_ids[int(sites.unit[k])], "area_m2": float(sites.area_m2[k]),
            "max_area_m2": float(sites.max_area_m2[k]), "owned": bool(sites.owned[k])}})
    minx, miny, maxx, maxy = shapely.total_bounds(units)

    def fc(features: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": features}

    return {"units": fc(unit_features), "streets": fc(street_features),
            "counties": fc(county_features),
            "barriers": fc([_feature(g, {}) for g in barriers]), "sites": fc(site_features),
            "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]]}


def map_json(s: Scenario) -> bytes:
    return json.dumps(map_layers(s), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

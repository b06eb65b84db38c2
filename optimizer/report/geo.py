"""Geometry of a plan: GeoDataFrames of communities, grids, centers and barriers, and
plan.gpkg (one layer each) for QGIS/ArcGIS. Geometry stays here, at the edge."""

from __future__ import annotations

import os
import uuid
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario

LAYERS = ("communities", "grids", "centers", "barriers")


def _geometry(scenario: Scenario) -> tuple[np.ndarray, str]:
    if scenario.geometry is None:
        raise ValueError("the scenario has no geometry: load it from a folder or build it "
                         "with optimizer.scenario.build")
    return scenario.geometry.units, scenario.geometry.crs


def units_frame(scenario: Scenario, plan: Plan) -> gpd.GeoDataFrame:
    """One row per scenario unit with its plan community and grid."""
    geoms, crs = _geometry(scenario)
    com = plan.community_of()
    grid = dict(zip(plan.unit_ids, plan.grid, strict=True))
    return gpd.GeoDataFrame({
        "unit_id": list(scenario.unit_ids),
        "community_id": [com.get(u, "") for u in scenario.unit_ids],
        "grid_id": [grid.get(u, "") for u in scenario.unit_ids],
        "county": list(scenario.county), "street": list(scenario.street),
        "kind": ["urban" if u else "rural" for u in scenario.urban.tolist()],
        "households": np.asarray(scenario.households, dtype=np.int64),
    }, geometry=list(geoms), crs=crs)


def _dissolve(units: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    groups = units.groupby(by, sort=True)
    keys = list(groups.groups)
    geoms = [shapely.union_all(np.asarray(units.geometry.values[idx], dtype=object))
             for idx in (groups.indices[k] for k in keys)]
    return gpd.GeoDataFrame({by: keys}, geometry=geoms, crs=units.crs)


def plan_to_geodataframe(scenario: Scenario, plan: Plan) -> gpd.GeoDataFrame:
    """The plan's communities as dissolved polygons with every communities.csv column."""
    units = units_frame(scenario, plan)
    shapes = _dissolve(units[units["community_id"] != ""], "community_id")
    table = plan.communities_frame()
    out = table.merge(shapes, on="community_id", how="left")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=units.crs)


def grids_frame(scenario: Scenario, plan: Plan) -> gpd.GeoDataFrame:
    """The grids (COORD-300) as polygons, divided units split on the ground
    (:mod:`optimizer.report.grid_shapes`)."""
    from optimizer.report.grid_shapes import grid_polygons

    return grid_polygons(scenario, plan)


def centers_frame(scenario: Scenario, plan: Plan) -> gpd.GeoDataFrame:
    """One point per community center: the representative point of its site's unit."""
    geoms, crs = _geometry(scenario)
    index = scenario.unit_index
    rows, points = [], []
    for c in plan.communities:
        i = index.get(c.site_unit_id)
        if i is None:
            continue
        d = asdict(c)
        rows.append({k: d[k] for k in ("community_id", "site_id", "site_unit_id", "remedy",
                                       "area_before_m2", "area_after_m2", "area_required_m2",
                                       "capex_yuan")})
        points.append(shapely.Point(float(scenario.x[i]), float(scenario.y[i])))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=[
        "community_id", "site_id", "site_unit_id", "remedy", "area_before_m2", "area_after_m2",
        "area_required_m2", "capex_yuan"]), geometry=points, crs=crs)


def barriers_frame(scenario: Scenario) -> gpd.GeoDataFrame:
    _, crs = _geometry(scenario)
    assert scenario.geometry is not None
    lines = list(scenario.geometry.barriers)
    return gpd.GeoDataFrame({"barrier": list(range(len(lines)))}, geometry=lines, crs=crs)


def streets_frame(scenario: Scenario) -> gpd.GeoDataFrame:
    """Street/town polygons (dissolved units), for borders on the maps."""
    geoms, crs = _geometry(scenario)
    units = gpd.GeoDataFrame({"street": [f"{c}\x1f{s}" for c, s in
                                         zip(scenario.county, scenario.street, strict=True)]},
                             geometry=list(geoms), crs=crs)
    out = _dissolve(units, "street")
    parts = out["street"].str.split("\x1f", n=1, expand=True)
    out["county"], out["street"] = parts[0], parts[1]
    return out


def write_gpkg(scenario: Scenario, plan: Plan, path: str | os.PathLike[str]) -> Path:
    """plan.gpkg with the layers communities, grids, centers and barriers, written to a
    temporary beside it and renamed into place (never a half-written file)."""
    out = Path(path)
    frames = {"communities": plan_to_geodataframe(scenario, plan),
              "grids": grids_frame(scenario, plan), "centers": centers_frame(scenario, plan),
              "barriers": barriers_frame(scenario)}
    tmp = out.with_name(f".{out.stem}.tmp-{uuid.uuid4().hex[:12]}{out.suffix}")
    try:
        for name, frame in frames.items():
            geom_type = "LineString" if name == "barriers" else None
            kwargs = {"geometry_type": geom_type} if geom_type and frame.empty else {}
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", **kwargs)
        os.replace(tmp, out)
    finally:
        for side in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            side.unlink(missing_ok=True)
    return out

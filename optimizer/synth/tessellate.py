"""Zones (a street's compounds, a town's villages) into unit polygons, two ways.

``voronoi``: one Voronoi diagram of jittered points, as the project's first generator
draws (convex cells); ``grown``: cells grown on a fine grid (:mod:`optimizer.synth.grown`:
ragged, non-convex, with holes and multipart units). A preset may use either, so no
solver habit can rest on one kind of geometry. Each zone gets exactly the number of
units it asks for (grown: unless it has no room for its enclaves, see tessellate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from optimizer.synth import grown
from optimizer.synth.voronoi.geometry import jittered_points, round_geometries, voronoi_cells

GEOMETRIES = ("voronoi", "grown")
MAX_CELLS = 1_500_000     # the grown grid's size cap (~2 s, ~200 MB)
CELLS_PER_UNIT = 40       # at least this many grid cells for a zone's mean unit


@dataclass(frozen=True)
class Zone:
    """``n_units`` units of one kind in one street/town (``area`` indexes its name)."""

    region: shapely.Geometry
    n_units: int
    area: int
    urban: bool


@dataclass(frozen=True)
class Tiles:
    geoms: np.ndarray     # shapely (Multi)Polygons, rounded to 0.1 m
    zone: np.ndarray      # zone index per unit


def tessellate(rng: np.random.Generator, zones: list[Zone], outline: shapely.Geometry,
               geometry: str, *, holes: float = 0.02) -> Tiles:
    """Unit polygons for every zone (``holes``: share of a zone's units that are
    enclaves, and of all units that get an exclave, in the grown geometry; a zone
    without room for its enclaves has that many units fewer)."""
    if geometry == "voronoi":
        return _voronoi(rng, zones, outline)
    if geometry == "grown":
        return _grown(rng, zones, outline, holes)
    raise ValueError(f"unknown geometry {geometry!r}: {', '.join(GEOMETRIES)}")


def exact_points(rng: np.random.Generator, region: shapely.Geometry, n: int) -> np.ndarray:
    """Exactly ``n`` jittered points inside ``region`` (a lattice thinned or topped up)."""
    pts = jittered_points(rng, region, math.sqrt(region.area / n) * 0.97)
    if len(pts) > n:
        pts = pts[np.sort(rng.choice(len(pts), size=n, replace=False))]
    minx, miny, maxx, maxy = region.bounds
    while len(pts) < n:
        extra = rng.uniform((minx, miny), (maxx, maxy), size=(4 * (n - len(pts)), 2))
        extra = extra[shapely.contains_xy(region, extra[:, 0], extra[:, 1])]
        pts = np.vstack([pts, extra[: n - len(pts)]])
    return pts


def _voronoi(rng: np.random.Generator, zones: list[Zone], outline: shapely.Geometry) -> Tiles:
    pts = [exact_points(rng, z.region, z.n_units) for z in zones]
    zone = np.concatenate([np.full(len(p), k) for k, p in enumerate(pts)])
    return Tiles(tidy(voronoi_cells(np.vstack(pts), outline)), zone.astype(np.int64))


def grid_cell(zones: list[Zone], outline: shapely.Geometry) -> float:
    """Cell size: CELLS_PER_UNIT cells for the smallest mean unit, within MAX_CELLS."""
    smallest = min(z.region.area / max(z.n_units, 1) for z in zones)
    cell = math.sqrt(smallest / CELLS_PER_UNIT)
    return float(max(round(cell), math.ceil(math.sqrt(outline.area / MAX_CELLS)), 1))


def _grown(rng: np.random.Generator, zones: list[Zone], outline: shapely.Geometry,
           holes: float) -> Tiles:
    cell = grid_cell(zones, outline)
    grid = grown.Grid.covering(outline, cell)
    zone_grid = grown.rasterize(grid, [z.region for z in zones])
    enclaves = {k: round(holes * z.n_units) if z.n_units >= 20 else 0
                for k, z in enumerate(zones)}
    seeds = np.concatenate([grown.pick_seeds(rng, zone_grid, k, z.n_units - enclaves[k])
                            for k, z in enumerate(zones)])
    zone_of = zone_grid.ravel()[seeds]
    label = grown.grow(rng, zone_grid, seeds)
    exclaves = max(1, round(holes * sum(z.n_units for z in zones)))
    label, zone_of = grown.carve(rng, label, zone_of, enclaves, exclaves)
    geoms = grown.displace(rng, grown.polygons(grid, label), cell)
    return Tiles(tidy(geoms), zone_of.astype(np.int64))


def tidy(geoms: np.ndarray) -> np.ndarray:
    """Coordinates on the 0.1 m grid the writer uses, valid, polygonal only: rounded,
    and where rounding broke a polygon (a repair adds vertices off the grid),
    snap-rounded by GEOS, which keeps it valid on the grid."""
    out = polygonal(round_geometries(geoms))
    bad = ~shapely.is_valid(out)
    for i in range(len(out)):
        xy = shapely.get_coordinates(out[i]) * 10.0
        if bad[i] or np.abs(xy - np.round(xy)).max(initial=0.0) > 1e-6:
            bad[i] = True
    if bad.any():
        out[bad] = polygonal(shapely.set_precision(out[bad], 0.1))
    return out


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts (a clip or a repair may leave lines or points)."""
    out = geoms.copy()
    for i, g in enumerate(geoms):
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
            out[i] = parts[0] if len(parts) == 1 else shapely.multipolygons(parts)
    return out
